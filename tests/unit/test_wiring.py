"""What the entry points build from the settings: one Redis client for everything a worker keeps there,
the key layout of the configured Redis, the configured redaction patterns. Nothing here connects."""

from __future__ import annotations

import pytest

from undercurrent.config import KafkaSettings, RedactionSettings, Settings
from undercurrent.sessions.keys import KeyLayout
from undercurrent.sessions.store import RedisSessionStore
from undercurrent.wiring.connections import Stores, session_store
from undercurrent.wiring.values import redactor


@pytest.mark.parametrize(
    ("cluster", "layout"),
    [(False, KeyLayout("acme", None)), (True, KeyLayout("acme", 6))],
)
async def test_a_workers_stores_share_one_client_and_the_configured_key_layout(
    cluster: bool, layout: KeyLayout
) -> None:
    settings = Settings(redis_key_prefix="acme", redis_cluster=cluster, kafka=KafkaSettings(partitions=6))
    stores = Stores(settings)
    sessions = stores.sessions
    assert isinstance(sessions, RedisSessionStore)
    assert sessions.layout == layout
    assert stores.usage_log.key == "acme:judge:usage"
    assert stores.usage_log.redis is sessions.redis
    assert stores.batches.redis is sessions.redis
    await stores.close()


async def test_the_evidence_views_store_has_the_workers_key_layout() -> None:
    settings = Settings(redis_key_prefix="acme", redis_cluster=True, kafka=KafkaSettings(partitions=3))
    store = session_store(settings)
    assert store.layout == KeyLayout("acme", 3)
    await store.close()


def test_the_redactor_applies_the_configured_extra_patterns() -> None:
    settings = Settings(redaction=RedactionSettings(extra_patterns={"TICKET": r"TCK-\d{6}"}))
    assert "TCK-123456" not in redactor(settings)("see TCK-123456 for details")
