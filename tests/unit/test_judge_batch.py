"""The pure parts of batch judging: assembly, when to submit and poll, and reading result lines back."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from anthropic.types.messages import MessageBatchIndividualResponse

from undercurrent.judge.batch import (
    BatchEntry,
    batch_params,
    batch_requests,
    custom_id,
    judgement_of,
    next_step,
    poll_delay_s,
    result_of_line,
    submission_refused,
    submit_due,
)
from undercurrent.judge.client import JudgeResult
from undercurrent.judge.cost import Usage
from undercurrent.judge.errors import JudgeRateLimited, JudgeRejected, JudgeTimeout, JudgeUnavailable
from undercurrent.judge.instructions import TOOL_NAME

from .test_judge_ensemble import OK, verdict

MODEL = "claude-sonnet-4-6"
HASHED = "h" + "0" * 32  # shape of a hashed id: "h" and 32 hex digits


@pytest.mark.parametrize(
    ("session_id", "variant", "k", "expected"),
    [
        ("case-fine-1", 0, 1, "case-fine-1"),  # the session id itself
        ("s_01", 2, 3, "s_01_2"),  # an ensemble's variant as a suffix
        ("a" * 60, 0, 1, "a" * 60),
        ("a" * 61, 0, 1, HASHED),  # too long for a suffix within 64 characters
        ("chat:42/eu", 0, 1, HASHED),  # characters the API does not accept
        ("", 0, 1, HASHED),
    ],
)
def test_custom_id_is_the_session_id_when_the_api_accepts_it(
    session_id: str, variant: int, k: int, expected: str
) -> None:
    got = custom_id(session_id, variant, k)
    if expected == HASHED:
        assert got.startswith("h") and len(got) == 33 and got == custom_id(session_id, variant, k)
    else:
        assert got == expected
    assert len(got) <= 64 and all(c.isalnum() or c in "_-" for c in got)


def test_hashed_custom_ids_of_different_sessions_differ() -> None:
    assert custom_id("chat:1", 0, 1) != custom_id("chat:2", 0, 1)


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        ({"model": MODEL, "max_tokens": 9}, {"model": MODEL, "max_tokens": 9}),
        ({"model": MODEL, "extra_body": {"temperature": 0.2}}, {"model": MODEL, "temperature": 0.2}),
        ({"model": MODEL, "extra_body": None}, {"model": MODEL}),
    ],
)
def test_batch_params_carry_extra_body_in_the_body(request_: dict[str, Any], expected: dict[str, Any]) -> None:
    assert batch_params(request_) == expected


def test_a_session_ensemble_becomes_one_item_per_variant() -> None:
    items = batch_requests("s1", [{"model": MODEL, "max_tokens": 1}, {"model": MODEL, "max_tokens": 2}])
    assert items == [{"custom_id": "s1_0", "params": {"model": MODEL, "max_tokens": 1}},
                     {"custom_id": "s1_1", "params": {"model": MODEL, "max_tokens": 2}}]
    assert [i["custom_id"] for i in batch_requests("s1", [{"model": MODEL}])] == ["s1"]


@pytest.mark.parametrize(
    ("count", "oldest_age_s", "expected"),
    [
        (0, 1000.0, False),  # nothing to submit
        (3, 0.0, False),
        (3, 59.9, False),
        (3, 60.0, True),  # the oldest has waited long enough
        (10, 0.0, True),  # full
        (11, 0.0, True),
    ],
)
def test_the_open_batch_is_submitted_when_full_or_old(count: int, oldest_age_s: float, expected: bool) -> None:
    assert submit_due(count, oldest_age_s, max_size=10, max_age_s=60.0) is expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [("in_progress", "wait"), ("canceling", "wait"), ("ended", "collect")],
)
def test_a_poll_waits_until_the_batch_has_ended(status: str, expected: str) -> None:
    assert next_step(status) == expected


@pytest.mark.parametrize(
    ("status_code", "refused"),
    [
        (None, False),  # no answer (connection error, timeout on our side): try again
        (400, True),  # invalid request: the same body is refused again
        (401, True),
        (403, True),
        (404, True),
        (408, False),  # request timeout: try again
        (409, False),  # conflict: try again
        (413, True),  # too large
        (422, True),
        (429, False),  # rate limited: wait, then try again
        (500, False),
        (529, False),  # overloaded
    ],
)
def test_a_batch_submission_is_refused_only_by_a_4xx_that_says_the_request_is_wrong(
    status_code: int | None, refused: bool
) -> None:
    assert submission_refused(status_code) is refused


def test_an_unknown_processing_status_is_an_error() -> None:
    with pytest.raises(ValueError, match="archived"):
        next_step("archived")


@pytest.mark.parametrize(
    ("polls", "expected"),
    [(0, 30.0), (1, 60.0), (2, 120.0), (4, 480.0), (5, 600.0), (40, 600.0)],
)
def test_polls_back_off_to_a_ceiling(polls: int, expected: float) -> None:
    assert poll_delay_s(polls, base_s=30.0, max_s=600.0) == expected


def message(tool_input: object, *, stop: str = "tool_use", usage: dict[str, int] | None = None) -> dict[str, Any]:
    return {
        "id": "msg_1", "type": "message", "role": "assistant", "model": MODEL, "stop_reason": stop,
        "stop_sequence": None,
        "content": [{"type": "tool_use", "id": "toolu_1", "name": TOOL_NAME, "input": tool_input}],
        "usage": usage or {"input_tokens": 100, "output_tokens": 20, "cache_creation_input_tokens": 0,
                           "cache_read_input_tokens": 400},
    }


def line(result: dict[str, Any], cid: str = "s1") -> MessageBatchIndividualResponse:
    """A result line as the SDK decodes it from the JSONL."""
    return MessageBatchIndividualResponse.model_validate({"custom_id": cid, "result": result})


def errored(kind: str) -> dict[str, Any]:
    return {"type": "errored", "error": {"type": "error", "error": {"type": kind, "message": "m"}}}


GOOD = msgspec.to_builtins(OK)


@pytest.mark.parametrize(
    ("result", "outcome", "error"),
    [
        ({"type": "succeeded", "message": message(GOOD)}, "ok", None),
        ({"type": "succeeded", "message": message({"quality": "terrible"})}, "invalid_output", None),
        ({"type": "succeeded", "message": message(GOOD, stop="max_tokens")}, "invalid_output", None),
        (errored("rate_limit_error"), "rate_limited", JudgeRateLimited),
        (errored("overloaded_error"), "unavailable", JudgeUnavailable),
        (errored("api_error"), "unavailable", JudgeUnavailable),
        (errored("timeout_error"), "timeout", JudgeTimeout),
        (errored("invalid_request_error"), "rejected", JudgeRejected),  # sending it again would fail again
        (errored("authentication_error"), "rejected", JudgeRejected),
        ({"type": "expired"}, "timeout", JudgeTimeout),  # not processed within 24 h: not paid, retryable
        ({"type": "canceled"}, "unavailable", JudgeUnavailable),
    ],
)
def test_result_lines_map_to_the_interactive_outcomes(
    result: dict[str, Any], outcome: str, error: type | None
) -> None:
    got = result_of_line(line(result), model=MODEL, latency_s=120.0, known_turns=[0, 1])
    assert got.outcome == outcome
    assert got.latency_s == 120.0
    if error is not None:
        assert isinstance(got.error, error) and got.usage == Usage()


def test_a_succeeded_line_carries_its_verdict_and_cache_usage() -> None:
    got = result_of_line(line({"type": "succeeded", "message": message(GOOD)}), model=MODEL, latency_s=1.0,
                         known_turns=[0, 1])
    assert got.verdict == OK
    assert got.usage == Usage(input_tokens=100, output_tokens=20, cache_read_input_tokens=400)


def entry(*custom_ids: str) -> BatchEntry:
    return BatchEntry(session_id="s1", key=b"s1", value=b"{}", attempt=1, custom_ids=custom_ids, known_turns=(0, 1))


POOR = verdict("walkaway")


def done(v: Any) -> JudgeResult:
    return JudgeResult(model=MODEL, latency_s=1.0, verdict=v)


def down() -> JudgeResult:
    return JudgeResult(model=MODEL, latency_s=1.0, error=JudgeUnavailable("x"))


@pytest.mark.parametrize(
    ("custom_ids", "results", "archetypes", "outcomes"),
    [
        (("s1",), {"s1": done(POOR)}, {"walkaway"}, ["ok"]),
        (("s1",), {}, None, ["unavailable"]),  # no line for the request: unanswered, retryable
        (("s1_0", "s1_1", "s1_2"), {"s1_0": done(POOR), "s1_1": done(OK), "s1_2": done(POOR)}, {"walkaway"},
         ["ok", "ok", "ok"]),
        (("s1_0", "s1_1"), {"s1_0": down(), "s1_1": done(POOR)}, {"walkaway"}, ["unavailable", "ok"]),
        (("s1_0", "s1_1"), {"s1_0": down(), "other": done(POOR)}, None, ["unavailable", "unavailable"]),
    ],
)
def test_a_session_judgement_is_combined_from_its_variants_lines(
    custom_ids: tuple[str, ...], results: dict[str, JudgeResult], archetypes: set[str] | None, outcomes: list[str]
) -> None:
    judgement = judgement_of(entry(*custom_ids), results, model=MODEL)
    assert [r.outcome for r in judgement.results] == outcomes
    if archetypes is None:
        assert judgement.ensemble is None
    else:
        assert judgement.ensemble is not None and judgement.ensemble.verdict.archetype_names == archetypes


def test_an_entry_survives_its_encoding() -> None:
    e = BatchEntry(session_id="s1", key=None, value=b'{"x": 1}', attempt=2, custom_ids=("s1",), known_turns=(0,))
    assert msgspec.msgpack.decode(msgspec.msgpack.encode(e), type=BatchEntry) == e
