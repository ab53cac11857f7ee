"""The local stack starts from any working directory and never falls back to a Redis it did not start."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from undercurrent.devstack.stack import LocalStack, StackError, free_port, start_redis


def test_redis_starts_with_a_relative_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    relative = Path("var/demo")
    relative.mkdir(parents=True)
    managed = start_redis(relative)
    try:
        assert redis.Redis.from_url(managed.url).ping()
        assert managed.log_path == tmp_path / "var/demo" / managed.log_path.name
        assert managed.log_path.is_file()
    finally:
        managed.stop()


def test_local_stack_in_a_relative_directory_points_workers_at_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with LocalStack(log_dir=Path("stack")) as stack:
        variables = stack.variables()
        assert [m.name for m in stack.started] == ["broker", "redis"]
        assert variables["UNDERCURRENT_DATA_DIR"] == str(tmp_path / "stack")
        assert redis.Redis.from_url(variables["UNDERCURRENT_REDIS_URL"]).ping()
        assert variables["UNDERCURRENT_REDIS_URL"] != "redis://127.0.0.1:6379/0"
    assert not stack.started


def test_a_given_redis_that_does_not_answer_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    with pytest.raises(StackError, match="no Redis answers"):
        LocalStack(redis_url=f"redis://127.0.0.1:{free_port()}/0", log_dir=tmp_path).start()
