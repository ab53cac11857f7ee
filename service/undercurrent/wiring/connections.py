"""The clients an entry point opens, built from the settings: Redis and what the deployment keeps
there, the judge API, the evaluation exporter."""

from __future__ import annotations

import redis.asyncio as aioredis
from prometheus_client import Counter
from redis.asyncio.cluster import RedisCluster

from ..config import Settings
from ..judge.batch_ledger import BatchLedger
from ..judge.client import JudgeClient, JudgeConfig
from ..otlp.export import EvaluationExporter
from ..sampling.usage_log import UsageLog
from ..sessions.protocol import SessionStore
from ..sessions.store import RedisSessionStore
from .values import usage_log_key


def redis_client(settings: Settings) -> aioredis.Redis | RedisCluster:
    """A client of the configured Redis: one primary, or with ``redis_cluster`` any node of a cluster."""
    url = settings.redis_url.get_secret_value()
    return RedisCluster.from_url(url) if settings.redis_cluster else aioredis.from_url(url)


def _session_store(client: aioredis.Redis | RedisCluster, settings: Settings) -> RedisSessionStore:
    # In a cluster a session's keys carry the hash tag of its input partition: one shard per partition.
    shards = settings.kafka.partitions if settings.redis_cluster else None
    return RedisSessionStore(client, prefix=settings.redis_key_prefix, shards=shards)


def session_store(settings: Settings) -> RedisSessionStore:
    """A session store on a client of its own, which closing the store closes (the evidence view's)."""
    return _session_store(redis_client(settings), settings)


class Stores:
    """What a worker keeps in Redis, on one client: the sessions, the judge's usage log, its batches."""

    def __init__(self, settings: Settings) -> None:
        self._client = redis_client(settings)
        self.sessions: SessionStore = _session_store(self._client, settings)
        self.usage_log = UsageLog(self._client, key=usage_log_key(settings))
        self.batches = BatchLedger(self._client, prefix=settings.redis_key_prefix, cluster=settings.redis_cluster)

    async def ping(self) -> None:
        """An answer from Redis, for the health check."""
        await self._client.ping()

    async def close(self) -> None:
        await self._client.aclose()


def judge_config(settings: Settings) -> JudgeConfig:
    j = settings.judge
    return JudgeConfig(
        model=j.model, base_url=j.base_url, max_tokens=j.max_tokens, temperature=j.temperature,
        timeout_s=j.timeout_s, max_retries=j.max_retries, concurrency=j.concurrency,
        requests_per_minute=j.requests_per_minute, breaker_threshold=j.breaker_threshold,
        breaker_ttl_s=j.breaker_ttl_s,
    )


def judge_client(settings: Settings) -> JudgeClient:
    return JudgeClient(judge_config(settings))


def evaluation_exporter(settings: Settings, outcomes: Counter) -> EvaluationExporter | None:
    """Where verdicts go as ``gen_ai.evaluation.result`` events: nowhere unless an endpoint is configured."""
    if settings.evaluation_export.endpoint is None:
        return None
    return EvaluationExporter(settings.evaluation_export, outcomes, service_name=f"{settings.app_id}-judge")
