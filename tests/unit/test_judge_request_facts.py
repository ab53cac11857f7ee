"""What the judge worker reads of a request it cannot judge: enough to name its stratum and π, or nothing."""

from __future__ import annotations

import json

import msgspec
import pytest

from undercurrent.estimate.predictions import NO_PREDICTIONS, FailurePredictions
from undercurrent.records.session import session_record
from undercurrent.sampling.inclusion import SamplingDecision
from undercurrent.sessions.model import SessionSnapshot
from undercurrent.workers.judge import RequestFacts, attempt_of, facts_in, read_request

GOOD = {"session_id": "s1", "feature": "search", "domain": "legal", "sampling": {"pi": 0.2, "pi_unscaled": 0.4}}


def full_request(**fields: object) -> bytes:
    """A judge request as the sampling stage routes it (the stratum and π of GOOD), with ``fields`` replaced."""
    snapshot = SessionSnapshot(session_id="s1", feature="search", domain="legal", user_id=None, turns=(),
                               behaviours=(), opened_ms=0, last_event_ms=1)
    record = session_record(snapshot, closed_at_ms=1)
    record.sampling = SamplingDecision(sampled=True, pi=0.2, pi_unscaled=0.4, floor_binding=False, budget_scale=0.5,
                                       policy_version="v1")
    return json.dumps({**msgspec.to_builtins(record), **fields}).encode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (GOOD, RequestFacts(session_id="s1", feature="search", domain="legal", pi=0.2, pi_unscaled=0.4)),
        ({**GOOD, "transcript": "not a list"},  # no snapshot can be built, the facts still can
         RequestFacts(session_id="s1", feature="search", domain="legal", pi=0.2, pi_unscaled=0.4)),
        ({**GOOD, "domain": None, "sampling": {"pi": 1}},
         RequestFacts(session_id="s1", feature="search", domain=None, pi=1.0, pi_unscaled=1.0)),
        ({**GOOD, "release": "m@v2"},
         RequestFacts(session_id="s1", feature="search", domain="legal", release="m@v2", pi=0.2, pi_unscaled=0.4)),
        ({**GOOD, "release": 7},  # not a label the worker wrote: counted with the unnamed releases
         RequestFacts(session_id="s1", feature="search", domain="legal", release="other", pi=0.2, pi_unscaled=0.4)),
        ({**GOOD, "sampling": {"pi": "often"}}, None),
        ({**GOOD, "sampling": []}, None),
        ({"session_id": "s1", "feature": "search"}, None),
        ([GOOD], None),
        ("text", None),
    ],
)
def test_facts_in(value: object, expected: RequestFacts | None) -> None:
    assert facts_in(json.dumps(value).encode()) == expected


def test_facts_in_bytes_that_are_not_json() -> None:
    assert facts_in(b"\xff{") is None


@pytest.mark.parametrize(("headers", "attempt"), [({}, 1), ({"undercurrent-attempt": b"3"}, 3)])
def test_attempt_of(headers: dict[str, bytes], attempt: int) -> None:
    assert attempt_of(headers) == attempt



def test_the_facts_carry_the_predictions_made_at_close() -> None:
    predictions = {"version": "heuristic-flags-v1", "failure": {"walkaway": 0.6, "any": 0.4}}
    facts = read_request(None, full_request(predictions=predictions), 1).request
    assert facts.predictions == FailurePredictions(version="heuristic-flags-v1", failure={"walkaway": 0.6, "any": 0.4})
    assert read_request(None, full_request(), 1).request.predictions == FailurePredictions(version=NO_PREDICTIONS)


@pytest.mark.parametrize("predictions", [{"version": "v", "failure": {"walkaway": 1.5}},
                                         {"version": "v", "failure": {"nonsense": 0.1}}, {"failure": {}}, [0.5]])
def test_unreadable_predictions_refuse_the_request_but_keep_its_stratum(predictions: object) -> None:
    record = full_request(predictions=predictions)
    with pytest.raises((msgspec.ValidationError, ValueError)):
        read_request(None, record, 1)
    assert facts_in(record) == RequestFacts(
        session_id="s1", feature="search", domain="legal", pi=0.2, pi_unscaled=0.4
    )
