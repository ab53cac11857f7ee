import json

import pytest

from undercurrent.replay.jsonl import ConversationFileError, count_lines, read_jsonl


def _write(tmp_path, *lines: str):
    path = tmp_path / "conversations.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _line(**fields) -> str:
    fields.setdefault("messages", [{"role": "user", "text": "hi"}])
    return json.dumps(fields)


def test_reads_text_or_content_and_optional_fields(tmp_path):
    messages = [{"role": "system", "content": "be brief"}, {"role": "user", "text": "hi"}]
    path = _write(tmp_path, _line(id="c1", feature="search", domain="legal", user_id="u7", messages=messages))
    (conversation,) = read_jsonl(path)
    assert conversation.id == "c1"
    assert conversation.messages == (("system", "be brief"), ("user", "hi"))
    assert (conversation.feature, conversation.domain, conversation.user_id) == ("search", "legal", "u7")


def test_blank_lines_are_ignored_and_numeric_ids_become_strings(tmp_path):
    path = _write(tmp_path, _line(id=1), "", "   ", _line(id=2))
    assert [c.id for c in read_jsonl(path)] == ["1", "2"]
    assert count_lines(path) == 2


def test_skip_and_limit(tmp_path):
    path = _write(tmp_path, *(_line(id=f"c{n}") for n in range(5)))
    assert [c.id for c in read_jsonl(path, skip=1, limit=2)] == ["c1", "c2"]


@pytest.mark.parametrize(
    ("bad_line", "detail"),
    [
        ("{not json", "malformed"),
        (_line(id="x", messages=[{"role": "robot", "text": "beep"}]), "role"),
        (_line(id="x", messages=[{"role": "user"}]), "neither `text` nor `content`"),
        (_line(id="x", messages=[{"role": "assistant", "text": "hello"}]), "no user message"),
        (json.dumps({"messages": [{"role": "user", "text": "hi"}]}), "id"),
        (_line(id=""), "id"),
    ],
)
def test_bad_line_raises_with_its_line_number(tmp_path, bad_line, detail):
    path = _write(tmp_path, _line(id="ok"), bad_line)
    with pytest.raises(ConversationFileError, match=rf":2: .*{detail}"):
        list(read_jsonl(path))
