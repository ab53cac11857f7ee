"""The embedded local stack: a Kafka-compatible broker and Redis, for demos and tests."""

from .stack import LocalStack, free_port, start_broker, start_redis

__all__ = ["LocalStack", "free_port", "start_broker", "start_redis"]
