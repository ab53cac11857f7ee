"""The label format and the guide's rules: a table of valid and broken labels."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import msgspec
import pytest
from evaluation import files
from evaluation.check import agreement, check_lines
from evaluation.files import read_labels
from evaluation.labels import ConversationLabel, label_schema, problems

ROLES = ("user", "assistant", "user", "assistant", "user", "assistant")
FAILED = {
    "id": "c_0",
    "labeller": "ana",
    "language": "en",
    "quality": "poor",
    "failure_visibility": "mixed",
    "archetypes": {"partial_recovery": [1, 3], "walkaway": [5]},
    "signals": {"user_corrects_ai": [2, 4], "ai_acknowledges_correction": [3], "ai_malfunction": [5]},
    "implicit_corrections": [4],
    "artefacts": ["continue_prompts"],
    "note": "The fix in turn 3 drops the second requirement and the last answer is cut off.",
}
SUCCEEDED = {
    **FAILED,
    "quality": "acceptable",
    "failure_visibility": "none",
    "archetypes": {"none": []},
    "signals": {"user_corrects_ai": [2], "ai_acknowledges_correction": [3], "user_positive_feedback": [4]},
    "implicit_corrections": [],
    "artefacts": [],
    "note": "One correction in turn 2 was fixed completely and the user approved the result.",
}


def label(data: dict) -> ConversationLabel:
    return msgspec.convert(data, ConversationLabel)


def changed(base: dict, **fields: object) -> dict:
    return {**base, **fields}


@pytest.mark.parametrize("data", [FAILED, SUCCEEDED])
def test_valid_labels_have_no_problems(data: dict) -> None:
    assert problems(label(data), ROLES) == []
    assert label(data).failed == (data["failure_visibility"] != "none")


FORMAT_ERRORS = [
    changed(FAILED, quality="bad"),
    changed(FAILED, failure_visibility="hidden"),
    changed(FAILED, archetypes={"the_drift": [1]}),
    changed(FAILED, archetypes={}),
    changed(FAILED, signals={"user_is_annoyed": [2]}),
    changed(FAILED, signals={"user_corrects_ai": []}),
    changed(FAILED, signals={"user_corrects_ai": [-1]}),
    changed(FAILED, artefacts=["spam"]),
    changed(FAILED, language="english"),
    changed(FAILED, labeller="Ana Smith"),
    changed(FAILED, note="bad"),
    changed(FAILED, extra=True),
    {k: v for k, v in FAILED.items() if k != "note"},
]


@pytest.mark.parametrize("data", FORMAT_ERRORS)
def test_format_errors_are_rejected_by_the_struct_and_the_schema(data: dict) -> None:
    with pytest.raises(msgspec.ValidationError):
        label(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, label_schema())


RULE_BREAKS = [
    (changed(FAILED, archetypes={"none": []}), "go with failure_visibility 'none'"),
    (changed(SUCCEEDED, archetypes={"drift": [1]}), "go with failure_visibility 'none'"),
    (changed(FAILED, archetypes={"none": [], "drift": [1]}), "must stand alone"),
    (changed(FAILED, quality="good"), "cannot have quality 'good'"),
    (changed(SUCCEEDED, quality="critical"), "needs a failure"),
    (changed(FAILED, archetypes={"drift": []}), "needs at least one evidence turn"),
    (changed(SUCCEEDED, archetypes={"none": [2]}), "takes no evidence turns"),
    (changed(FAILED, implicit_corrections=[0]), "must be turns of user_corrects_ai"),
    (changed(FAILED, signals={"user_corrects_ai": [4, 2]}), "sorted and without repeats"),
    (changed(FAILED, artefacts=["role_play", "jailbreak"]), "sorted and without repeats"),
]


@pytest.mark.parametrize(("data", "message"), RULE_BREAKS)
def test_rules_of_the_guide(data: dict, message: str) -> None:
    found = problems(label(data), ROLES)
    assert any(message in p for p in found), found


TURN_ERRORS = [
    (changed(FAILED, signals={"user_corrects_ai": [3]}, implicit_corrections=[]), "is a assistant turn, not a user"),
    (changed(FAILED, signals={"repetition": [2]}), "is a user turn, not a assistant"),
    (changed(FAILED, archetypes={"walkaway": [6]}), "turn 6 does not exist"),
]


@pytest.mark.parametrize(("data", "message"), TURN_ERRORS)
def test_turns_must_exist_and_belong_to_the_signal_side(data: dict, message: str) -> None:
    found = problems(label(data), ROLES)
    assert any(message in p for p in found), found
    assert not any(message in p for p in problems(label(data)))


def test_the_committed_schema_is_generated_from_the_struct() -> None:
    assert json.loads(files.LABEL_SCHEMA.read_bytes()) == label_schema()


def test_files_are_checked_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps(FAILED), "not json", json.dumps(changed(FAILED, quality="x")), json.dumps(FAILED),
             json.dumps(changed(SUCCEEDED, id="c_9")), json.dumps(changed(SUCCEEDED, labeller="bo"))]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = check_lines(read_labels(path), ["c_0", "c_1"], {"c_0": ROLES})
    where = [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in found]
    assert where == ["2", "3", "4", "5"]
    assert "not JSON" in found[0] and "format" in found[1]
    assert "already labelled by ana" in found[2] and "not in the sample" in found[3]


def test_agreement_over_conversations_labelled_twice() -> None:
    a = label(FAILED)
    b = label(changed(FAILED, labeller="bo", failure_visibility="visible"))
    c = label(changed(SUCCEEDED, id="c_1"))
    result = agreement([a, b, c])
    assert result is not None
    assert (result.conversations, result.failed, result.visibility, result.quality) == (1, 1.0, 0.0, 1.0)
    assert agreement([a, c]) is None
