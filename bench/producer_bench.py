"""Events/s of the producer helper against raw aiokafka sends of the same encoded events, in one run.

    .venv/bin/python bench/producer_bench.py --events 20000 --rounds 5

Real ShareGPT sessions (synthesised as for ``make bench``) in event-time order go
to a private Tansu broker, chat and client topics with 4 partitions, three ways,
alternating within each round so load on the machine hits them alike:

* raw: one ``AIOKafkaProducer.send`` per event of the events encoded before the
  clock starts (keyed by session id, the same client settings as the helper's
  transport), then every acknowledgement awaited;
* the helper with one event per message, and with envelopes of ``--envelope``
  events (lingering ``--linger`` s): each event handed over as the dict an
  application has, so validation and encoding are inside the clock; until
  ``close()`` returned, which waits for every acknowledgement.

Reports per layout the median over rounds of events/s and of events per CPU-second
of this process, and the median over rounds of each round's ratio to raw (paired
within the round, so load that changes between rounds cancels out).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import msgspec
from aiokafka import AIOKafkaProducer
from rich.console import Console
from rich.table import Table

from measure import Span, ratio
from traffic import create_topics, synthesise
from undercurrent.config import KafkaSettings, Settings, TopicSettings
from undercurrent.devstack import start_broker
from undercurrent.producer import ProducerOptions, open_producer
from undercurrent.producer.kafka import KAFKA_OVERHEAD_BYTES
from undercurrent.replay.schedule import Event, interleave

PARTITIONS = 4
MAX_MESSAGE_BYTES = 1_048_576

async def raw(kafka: KafkaSettings, events: list[Event], prefix: str) -> Span:
    encode = msgspec.json.Encoder().encode
    records = [(f"{prefix}.{'chat' if e['type'] == 'turn' else 'client'}", e["session_id"].encode(), encode(e))
               for e in events]
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap, acks="all", linger_ms=20, max_batch_size=256 * 1024,
        max_request_size=MAX_MESSAGE_BYTES + KAFKA_OVERHEAD_BYTES,
    )
    await producer.start()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        sent = [await producer.send(topic, value, key=key) for topic, key, value in records]
        await asyncio.gather(*sent)
        return Span(len(events), time.perf_counter() - wall, time.process_time() - cpu)
    finally:
        await producer.stop()


async def helper(kafka: KafkaSettings, events: list[Event], prefix: str, options: ProducerOptions) -> Span:
    settings = Settings(kafka=kafka, topics=TopicSettings(chat=f"{prefix}.chat", client=f"{prefix}.client"))
    producer = await open_producer(settings=settings, options=options)
    await producer.send(events[0])  # topic metadata, as raw's first send loads it before its clock
    await producer.flush()
    wall, cpu = time.perf_counter(), time.process_time()
    for event in events[1:]:
        await producer.send(event)
    await producer.close()
    return Span(len(events) - 1, time.perf_counter() - wall, time.process_time() - cpu)


def run(args: argparse.Namespace, console: Console) -> dict[str, list[Span]]:
    log_dir = Path(tempfile.mkdtemp(prefix="undercurrent-producer-bench-"))
    broker = start_broker(log_dir)
    try:
        kafka = KafkaSettings(bootstrap=broker.url)
        traffic = synthesise(args.events, seed=args.seed)
        events = list(interleave(iter(traffic.sessions)))
        console.print(f"{len(events):,} events in {len(traffic.sessions):,} sessions, "
                      f"mean {traffic.mean_event_bytes:,.0f} bytes")
        single = ProducerOptions(envelope_size=1, max_message_bytes=MAX_MESSAGE_BYTES)
        enveloped = ProducerOptions(
            envelope_size=args.envelope, linger_s=args.linger, max_message_bytes=MAX_MESSAGE_BYTES
        )
        layouts = {
            "raw aiokafka, one event per message": lambda prefix: raw(kafka, events, prefix),
            "helper, one event per message": lambda prefix: helper(kafka, events, prefix, single),
            f"helper, envelopes of {args.envelope}": lambda prefix: helper(kafka, events, prefix, enveloped),
        }
        spans: dict[str, list[Span]] = {name: [] for name in layouts}
        for round_ in range(args.rounds):
            for name, measure in layouts.items():
                prefix = f"pb{uuid.uuid4().hex[:6]}"
                asyncio.run(create_topics(kafka, [f"{prefix}.chat", f"{prefix}.client"], PARTITIONS))
                span = asyncio.run(measure(prefix))
                spans[name].append(span)
                console.print(f"round {round_ + 1}, {name}: {span.events_per_s:,.0f} events/s")
        return spans
    finally:
        broker.stop()


def table(spans: dict[str, list[Span]]) -> Table:
    out = Table(title="producer helper against raw aiokafka (medians over rounds)")
    for column in ("path", "events/s", "÷ raw", "events / CPU-s", "÷ raw"):
        out.add_column(column, justify="left" if column == "path" else "right")
    base = spans[next(iter(spans))]
    for name, runs in spans.items():
        paired = list(zip(runs, base, strict=True))
        out.add_row(
            name,
            f"{statistics.median(s.events_per_s for s in runs):,.0f}",
            f"{statistics.median(ratio(s.events_per_s, b.events_per_s) for s, b in paired):.2f}",
            f"{statistics.median(s.events_per_cpu_s for s in runs):,.0f}",
            f"{statistics.median(ratio(s.events_per_cpu_s, b.events_per_cpu_s) for s, b in paired):.2f}",
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--envelope", type=int, default=100, help="events per envelope")
    parser.add_argument("--linger", type=float, default=0.05, help="seconds an envelope may wait")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    console = Console(width=120)
    console.print(table(run(args, console)))


if __name__ == "__main__":
    main()
