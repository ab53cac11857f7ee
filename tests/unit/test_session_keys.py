"""The session store's key layout: one primary as before, a cluster by the producer's partition."""

from __future__ import annotations

import pytest
from aiokafka.partitioner import DefaultPartitioner

from undercurrent.sessions.keys import KeyLayout, partition_of


@pytest.mark.parametrize("session_id", ["a", "s17", "conv-9f2c", "ünï{code}", ""])
@pytest.mark.parametrize("partitions", [1, 3, 4, 12])
def test_a_session_lives_on_the_partition_the_producer_sends_it_to(session_id: str, partitions: int) -> None:
    expected = DefaultPartitioner()(session_id.encode(), list(range(partitions)), list(range(partitions)))
    assert partition_of(session_id, partitions) == expected


@pytest.mark.parametrize(
    ("shards", "session_id", "suffix", "key"),
    [
        (None, "a", "m", "uc:{a}:m"),
        (None, "x}y", "e", "uc:{x}y}:e"),
        (4, "a", "m", f"uc:{{p{partition_of('a', 4)}}}:a:m"),
        (4, "x}y", "e", f"uc:{{p{partition_of('x}y', 4)}}}:x}}y:e"),
    ],
)
def test_session_keys(shards: int | None, session_id: str, suffix: str, key: str) -> None:
    assert KeyLayout("uc", shards).session_key(session_id, suffix) == key


@pytest.mark.parametrize(
    ("shards", "shard", "name", "key"),
    [(None, None, "deadlines", "uc:deadlines"), (None, None, "wm", "uc:wm"),
     (4, 0, "deadlines", "uc:{p0}:deadlines"), (4, 3, "closed", "uc:{p3}:closed")],
)
def test_index_keys(shards: int | None, shard: int | None, name: str, key: str) -> None:
    assert KeyLayout("uc", shards).index(shard, name) == key


@pytest.mark.parametrize(
    ("shards", "mark", "shard"),
    [(None, "chat/3", None), (4, "chat/3", 3), (4, "client/9", 1), (4, "odd-name", partition_of("odd-name", 4))],
)
def test_a_partitions_watermark_lives_with_that_partitions_sessions(shards: int | None, mark: str, shard: int) -> None:
    assert KeyLayout("uc", shards).mark_shard(mark) == shard


@pytest.mark.parametrize(
    ("shards", "marks", "groups"),
    [
        (None, [], {}),
        (None, ["chat/3", "client/0"], {None: ["chat/3", "client/0"]}),
        (4, ["chat/3", "client/7", "chat/0"], {3: ["chat/3", "client/7"], 0: ["chat/0"]}),
    ],
)
def test_watermarks_are_grouped_by_the_shard_keeping_them(
    shards: int | None, marks: list[str], groups: dict[int | None, list[str]]
) -> None:
    assert KeyLayout("uc", shards).marks_by_shard(marks) == groups


@pytest.mark.parametrize("prefix", ["u{c", "u}c"])
def test_a_cluster_prefix_may_not_carry_a_hash_tag(prefix: str) -> None:
    KeyLayout(prefix)  # one primary: any prefix
    with pytest.raises(ValueError, match="hash tag"):
        KeyLayout(prefix, 4)
