import random
from collections import Counter

import msgspec
import pytest

from undercurrent.events import EventDecoder
from undercurrent.events.model import CLIENT_TYPES
from undercurrent.replay.conversation import Conversation
from undercurrent.replay.rates import BehaviourRates, Timing
from undercurrent.replay.synth import SynthOptions, conversation_rng, looks_cut, pick_feature, synthesize

START_MS = 1_750_000_000_000
EVERYTHING = BehaviourRates(
    copy=0.5,
    accept=0.5,
    undo_after_accept=0.5,
    edit=0.5,
    regenerate=0.5,
    stop_generation=0.3,
    thumbs_down=0.5,
)


def conversation(n: int = 0, pairs: int = 3, **fields) -> Conversation:
    messages = [("system", "You are helpful.")]
    for turn in range(pairs):
        messages += [("user", f"question {turn} " * (turn + 1)), ("assistant", f"Answer {turn}. " * 40)]
    return Conversation(id=f"c{n}", messages=tuple(messages), **fields)


def events_of(conv: Conversation, seed: int = 1, **options) -> list[dict]:
    return synthesize(conv, conversation_rng(seed, conv.id), START_MS, SynthOptions(**options))


def test_same_seed_gives_identical_events():
    assert events_of(conversation(), seed=7) == events_of(conversation(), seed=7)


def test_another_seed_gives_other_timings():
    assert [e["ts"] for e in events_of(conversation(), 7)] != [e["ts"] for e in events_of(conversation(), 8)]


def test_every_event_validates_against_the_contract():
    decoders = {"chat": EventDecoder("chat"), "client": EventDecoder("client")}
    seen = Counter()
    for n in range(200):
        for event in events_of(conversation(n), rates=EVERYTHING):
            decoded = decoders["chat" if event["type"] == "turn" else "client"].decode(
                msgspec.json.encode(event)
            )
            assert decoded.rejects == [], decoded.rejects
            seen[event["type"]] += 1
    assert set(seen) == {"turn", *CLIENT_TYPES}


def test_events_are_ordered_and_ids_follow_the_session():
    events = events_of(conversation(), rates=EVERYTHING)
    assert [e["ts"] for e in events] == sorted(e["ts"] for e in events)
    assert events[0]["ts"] == START_MS
    assert [e["event_id"] for e in events] == [f"replay-c0:{n}" for n in range(len(events))]


def test_turn_indices_follow_the_transcript():
    events = events_of(conversation(pairs=4), rates=EVERYTHING)
    turns = [e for e in events if e["type"] == "turn"]
    assert [t["turn"] for t in turns] == list(range(9))
    assert [t["role"] for t in turns] == ["system"] + ["user", "assistant"] * 4


def test_behaviours_refer_to_an_assistant_turn_already_answered_or_streaming():
    events = events_of(conversation(pairs=5), rates=EVERYTHING)
    assistant_ts = {e["turn"]: e["ts"] for e in events if e["type"] == "turn" and e["role"] == "assistant"}
    for event in events:
        if event["type"] not in ("turn", "session_end", "abandon"):
            assert event["turn"] in assistant_ts
            if event["type"] != "stop_generation":
                assert event["ts"] >= assistant_ts[event["turn"]]


def test_gaps_between_turns_are_seconds_to_minutes():
    events = events_of(conversation(pairs=6))
    turns = [e for e in events if e["type"] == "turn" and e["role"] != "system"]
    gaps_s = [(b["ts"] - a["ts"]) / 1000 for a, b in zip(turns, turns[1:], strict=False)]
    assert all(0.3 <= gap <= 8 * 60 for gap in gaps_s), gaps_s


def test_assistant_turns_carry_model_latency_and_token_estimates():
    events = events_of(conversation(pairs=2), model="m-1")
    first, second = (e for e in events if e["type"] == "turn" and e["role"] == "assistant")
    assert first["model"] == "m-1"
    assert first["finish_reason"] == "stop"
    assert first["latency_ms"] > 0
    assert first["output_tokens"] == len("Answer 0. " * 40) // 4
    assert second["input_tokens"] > first["input_tokens"] > 0


@pytest.mark.parametrize(("prompt_version", "expected"), [("v2", "v2"), (None, "absent")])
def test_assistant_turns_carry_the_replayed_prompt_version(prompt_version: str | None, expected: str) -> None:
    events = events_of(conversation(pairs=2), model="m", prompt_version=prompt_version)
    assistant = [e for e in events if e["type"] == "turn" and e["role"] == "assistant"]
    assert {e.get("prompt_version", "absent") for e in assistant} == {expected}
    assert all("prompt_version" not in e for e in events if e["type"] == "turn" and e["role"] == "user")


def test_stopped_answers_are_cut_and_follow_a_stop_event():
    events = events_of(conversation(pairs=2), rates=BehaviourRates(stop_generation=1.0))
    for position, event in enumerate(events):
        if event["type"] == "turn" and event["role"] == "assistant":
            before = events[position - 1]
            assert (before["type"], before["turn"]) == ("stop_generation", event["turn"])
            assert len(event["text"]) < len("Answer 0. " * 40)
            assert "finish_reason" not in event


@pytest.mark.parametrize(
    ("closure", "last_type"),
    [("end", "session_end"), ("abandon", "abandon")],
)
def test_closure_event_comes_last(closure, last_type):
    rates = BehaviourRates(**{"end": 0, "abandon": 0, "walkaway": 0, closure: 1})
    events = events_of(conversation(), rates=rates)
    assert events[-1]["type"] == last_type
    assert [e["type"] for e in events].count(last_type) == 1


def test_walkaway_sessions_have_no_closure_event():
    rates = BehaviourRates(end=0, abandon=0, walkaway=1)
    for n in range(50):
        types = {e["type"] for e in events_of(conversation(n), rates=rates)}
        assert not types & {"session_end", "abandon"}


def test_long_conversations_are_compressed_to_the_session_cap():
    timing = Timing(max_session_s=120.0)
    events = events_of(conversation(pairs=30), timing=timing)
    assert events[-1]["ts"] - events[0]["ts"] <= 120_000


def test_feature_by_conversation_id_unless_given():
    features = ("chat", "search", "code")
    chosen = {events_of(conversation(n), features=features)[0]["feature"] for n in range(40)}
    assert chosen == set(features)
    assert pick_feature("c3", features) == pick_feature("c3", features)
    given = conversation(feature="support", domain="legal", user_id="u1")
    assert {(e["feature"], e["domain"], e["user_id"]) for e in events_of(given)} == {
        ("support", "legal", "u1")
    }


def test_no_domain_key_when_unknown():
    assert all("domain" not in e for e in events_of(conversation()))


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("Short answer without a stop", False),
        ("x" * 300 + " and then the model ran out of", True),
        ("x" * 300 + ".", False),
        ("x" * 300 + "\n```\n", False),
        ("x" * 300 + " really?  \n", False),
        ("x" * 300 + " 你好。", False),
    ],
)
def test_looks_cut(text, cut):
    assert looks_cut(text) is cut


def test_tool_turns_take_time_after_the_call():
    conv = Conversation(id="t", messages=(("user", "weather?"), ("assistant", "calling"), ("tool", "{}")))
    events = synthesize(conv, random.Random(1), START_MS)
    assistant, tool = (e for e in events if e["type"] == "turn" and e["role"] != "user")
    assert tool["role"] == "tool" and tool["ts"] > assistant["ts"]
