"""Output contract v1: the record structs, their published JSON Schemas and the records already on the topics agree."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import msgspec
import pytest

from undercurrent.events.schema import render
from undercurrent.judge.record import JudgeFailed, VerdictRecord
from undercurrent.records.schema import SCHEMA_DIR, schemas
from undercurrent.records.session import CloseResults, SessionRecord

DATA = Path(__file__).resolve().parents[1] / "data" / "records"
# Written by the record builder before the record was a struct (a dict filled in by the close stages):
# a sampled session with every close stage's result, a session cut to fit one Kafka record, and the
# close results kept with the first in Redis.
PUBLISHED = ["session-record-v1.json", "session-record-v1-truncated.json"]
# Written by the judge worker's record structs before the verdict struct took its present name: an
# ensemble verdict on an agent session (published and kept) and a session the judge gave up on (kept).
JUDGE_RECORDS = [("verdict-v1.json", VerdictRecord, "verdict.json"), ("judge-failure-v1.json", JudgeFailed,
                                                                       "judge-failure.json")]


def test_committed_schemas_match_the_structs() -> None:
    for name, schema in schemas().items():
        assert (SCHEMA_DIR / name).read_text() == render(schema), "run python -m undercurrent.records.schema"


@pytest.mark.parametrize("name", PUBLISHED)
def test_records_on_the_topics_decode_and_encode_to_the_same_bytes(name: str) -> None:
    data = (DATA / name).read_bytes().strip()
    record = msgspec.json.decode(data, type=SessionRecord)
    assert msgspec.json.encode(record) == data
    jsonschema.Draft202012Validator(schemas()["session.json"]).validate(json.loads(data))


@pytest.mark.parametrize(("name", "kind", "schema"), JUDGE_RECORDS)
def test_judge_records_decode_and_encode_to_the_same_bytes(name: str, kind: type, schema: str) -> None:
    data = (DATA / name).read_bytes().strip()
    assert msgspec.json.encode(msgspec.json.decode(data, type=kind)) == data
    jsonschema.Draft202012Validator(schemas()[schema]).validate(json.loads(data))


def test_kept_close_results_decode_and_encode_to_the_same_bytes() -> None:
    data = (DATA / "session-results-v1.json").read_bytes().strip()
    results = msgspec.json.decode(data, type=CloseResults)
    assert msgspec.json.encode(results) == data
    record = msgspec.json.decode((DATA / "session-record-v1.json").read_bytes(), type=SessionRecord)
    assert record.close_results() == results
    jsonschema.Draft202012Validator(schemas()["close-results.json"]).validate(json.loads(data))


def test_a_record_of_another_schema_is_refused() -> None:
    data = json.loads((DATA / "session-record-v1.json").read_bytes())
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(json.dumps({**data, "schema": "undercurrent.session/v2"}), type=SessionRecord)
    assert not jsonschema.Draft202012Validator(schemas()["session.json"]).is_valid(
        {**data, "schema": "undercurrent.session/v2"}
    )
