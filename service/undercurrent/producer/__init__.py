"""Send contract events from an application: validated, keyed by session, batched into envelopes.

::

    producer = await open_producer("kafka:9092")
    await producer.send({"event_id": "c1:0", "session_id": "c1", "ts": 1795300000000,
                         "type": "turn", "role": "user", "text": "Hello"})
    await producer.close()

Options and guarantees: docs/producer.md.
"""

from .core import DeliveryCallback, Producer, ProducerOptions, ProducerStats, Topics, Transport
from .kafka import KafkaTransport, open_producer
from .packing import Message, partition_of
from .validate import InvalidEvent

__all__ = [
    "DeliveryCallback",
    "InvalidEvent",
    "KafkaTransport",
    "Message",
    "Producer",
    "ProducerOptions",
    "ProducerStats",
    "Topics",
    "Transport",
    "open_producer",
    "partition_of",
]
