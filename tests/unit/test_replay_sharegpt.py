import io
import json

from undercurrent.replay.conversation import Conversation
from undercurrent.replay.sharegpt import read_sharegpt, to_conversation


def _record(record_id: str, *turns: tuple[str, str]) -> dict:
    return {"id": record_id, "conversations": [{"from": who, "value": text} for who, text in turns]}


def _array(*records: dict) -> bytes:
    return json.dumps(list(records), indent=2).encode()


def test_stops_cleanly_at_a_truncated_record(tmp_path):
    data = _array(_record("a", ("human", "hi"), ("gpt", "hello")), _record("b", ("human", "x")), _record("c"))
    path = tmp_path / "cut.json"
    path.write_bytes(data[: data.index(b'"c"') + 2])
    with path.open("rb") as stream:
        assert [c.id for c in read_sharegpt(stream)] == ["a", "b"]


def test_cut_inside_a_message_text_drops_that_record():
    data = _array(_record("a", ("human", "hi")), _record("b", ("human", "a long question")))
    stream = io.BytesIO(data[: data.index(b"long")])
    assert [c.id for c in read_sharegpt(stream)] == ["a"]


def test_reads_a_complete_file_to_the_end():
    stream = io.BytesIO(_array(_record("a", ("human", "hi")), _record("b", ("human", "yo"))))
    assert [c.id for c in read_sharegpt(stream)] == ["a", "b"]


def test_skip_and_limit_count_usable_conversations():
    records = [_record(str(n), ("human", "q")) for n in range(6)]
    records.insert(1, _record("no-user", ("gpt", "answer")))
    stream = io.BytesIO(_array(*records))
    assert [c.id for c in read_sharegpt(stream, skip=1, limit=3)] == ["1", "2", "3"]


def test_maps_speakers_to_contract_roles():
    record = _record(
        "r", ("system", "be brief"), ("human", "q"), ("bing", "a"), ("user", "q2"), ("chatgpt", "b")
    )
    assert to_conversation(record) == Conversation(
        id="r",
        messages=(
            ("system", "be brief"),
            ("user", "q"),
            ("assistant", "a"),
            ("user", "q2"),
            ("assistant", "b"),
        ),
    )


def test_drops_empty_texts_and_unknown_speakers():
    record = _record("r", ("human", "q"), ("gpt", "  "), ("narrator", "meanwhile"), ("bard", "a"))
    assert to_conversation(record).messages == (("user", "q"), ("assistant", "a"))


def test_conversation_without_a_user_message_is_skipped():
    assert to_conversation(_record("r", ("gpt", "hello"), ("human", ""))) is None


def test_packaged_dataset_yields_its_first_records():
    first, second = read_sharegpt(limit=2)
    assert first.id == "QWJhYvA_0"
    assert first.messages[0][0] == "user"
    assert first.messages[0][1].startswith("Summarize the main ideas of Jeff Walker's Product Launch Formula")
    assert first.messages[1][0] == "assistant"
    assert second.id != first.id
