"""What the judge worker reads of a request it cannot judge: enough to name its stratum and π, or nothing."""

from __future__ import annotations

import json

import pytest

from undercurrent.judge.worker import RequestFacts, attempt_of, facts_in

GOOD = {"session_id": "s1", "feature": "search", "domain": "legal", "sampling": {"pi": 0.2, "pi_unscaled": 0.4}}


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
