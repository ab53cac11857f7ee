"""Turn a bare conversation into the contract events a live product would emit.

Everything here is pure: randomness comes from the ``random.Random`` passed in
(see :func:`conversation_rng`), so a seed reproduces a replay exactly. Times are
built as second offsets from the session start, then converted to epoch ms.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .conversation import Conversation
from .rates import BehaviourRates, Timing

Draft = tuple[float, dict[str, Any]]

_ENDINGS = frozenset(".!?)]}>\"'`*:;…。！？」』】）")
_CUT_MIN_CHARS = 200


@dataclass(frozen=True, slots=True)
class SynthOptions:
    rates: BehaviourRates = field(default_factory=BehaviourRates)
    timing: Timing = field(default_factory=Timing)
    features: Sequence[str] = ("chat",)
    session_prefix: str = "replay"
    model: str = "gpt-3.5-turbo"
    prompt_version: str | None = None  # with the model, names the release the replay stands for


def release_fields(model: str, options: SynthOptions) -> dict[str, str]:
    """The contract fields that name an assistant turn's release."""
    return {"model": model, **({"prompt_version": options.prompt_version} if options.prompt_version else {})}


def conversation_rng(seed: int, conversation_id: str) -> random.Random:
    return random.Random(f"{seed}/{conversation_id}")


def pick_feature(conversation_id: str, features: Sequence[str]) -> str:
    """Stable across runs and processes (unlike ``hash``)."""
    return features[zlib.crc32(conversation_id.encode()) % len(features)]


def looks_cut(text: str) -> bool:
    """A long answer that stops without closing punctuation was probably cut at the token limit."""
    stripped = text.rstrip()
    return len(stripped) >= _CUT_MIN_CHARS and stripped[-1] not in _ENDINGS


def synthesize(
    conversation: Conversation, rng: random.Random, start_ms: int, options: SynthOptions | None = None
) -> list[dict[str, Any]]:
    """Events of one session, ordered by ``ts``, with ids ``{session_id}:{n}``."""
    options = options or SynthOptions()
    session = _Session(conversation, rng, options)
    drafts = session.run()
    return finalise(drafts, session.base, start_ms, options.timing.max_session_s)


def session_base(
    item_id: str, options: SynthOptions, feature: str | None, domain: str | None, user_id: str | None
) -> dict[str, Any]:
    """Fields every event of a replayed session shares."""
    base: dict[str, Any] = {
        "session_id": f"{options.session_prefix}-{item_id}",
        "feature": feature or pick_feature(item_id, options.features),
    }
    if domain:
        base["domain"] = domain
    if user_id:
        base["user_id"] = user_id
    return base


def first_token_s(rng: random.Random, timing: Timing) -> float:
    return timing.first_token_median_s * rng.lognormvariate(0.0, 0.4)


def reading_s(rng: random.Random, timing: Timing, text: str) -> float:
    skim = rng.uniform(0.3, 1.0)
    return min(len(text) / timing.reading_cps * skim, timing.max_reading_s)


def thinking_s(rng: random.Random, timing: Timing) -> float:
    return min(timing.think_median_s * rng.lognormvariate(0.0, 0.8), timing.max_think_s)


class _Session:
    def __init__(self, conversation: Conversation, rng: random.Random, options: SynthOptions) -> None:
        self.conversation = conversation
        self.rng = rng
        self.rates = options.rates
        self.timing = options.timing
        self.release = release_fields(options.model, options)
        self.base = session_base(
            conversation.id, options, conversation.feature, conversation.domain, conversation.user_id
        )
        self.typing_cps = self.timing.typing_cps * rng.lognormvariate(0.0, 0.3)
        self.drafts: list[Draft] = []
        self.t = 0.0
        self.context_chars = 0

    def run(self) -> list[Draft]:
        previous = None
        for index, (role, text) in enumerate(self.conversation.messages):
            if role == "user":
                self._user(index, text, previous)
            elif role == "assistant":
                self._assistant(index, text)
            elif role == "tool":
                self.t += self.rng.uniform(*self.timing.tool_s)
                self._emit({"type": "turn", "turn": index, "role": "tool", "text": text})
            else:
                self._emit({"type": "turn", "turn": index, "role": role, "text": text})
            self.context_chars += len(text)
            previous = role
        self._close()
        return self.drafts

    def _emit(self, event: dict[str, Any], at: float | None = None) -> None:
        self.drafts.append((self.t if at is None else at, event))

    def _user(self, index: int, text: str, previous: str | None) -> None:
        if previous == "user":
            self.t += self._think()
        if previous is not None and previous != "system":
            self.t += min(len(text) / self.typing_cps, self.timing.max_typing_s)
        self._emit({"type": "turn", "turn": index, "role": "user", "text": text})

    def _assistant(self, index: int, text: str) -> None:
        timing = self.timing
        stopped = self.rng.random() < self.rates.stop_generation
        if stopped:
            text = text[: max(1, int(len(text) * self.rng.uniform(0.2, 0.8)))]
        output_tokens = math.ceil(len(text) / timing.chars_per_token)
        latency = first_token_s(self.rng, timing)
        latency += output_tokens / timing.output_tokens_per_s
        turn: dict[str, Any] = {
            "type": "turn",
            "turn": index,
            "role": "assistant",
            "text": text,
            **self.release,
            "latency_ms": round(latency * 1000, 1),
            "input_tokens": math.ceil(self.context_chars / timing.chars_per_token),
            "output_tokens": output_tokens,
        }
        if stopped:
            self._emit({"type": "stop_generation", "turn": index}, self.t + latency)
            latency += self.rng.uniform(0.1, 0.4)
        else:
            turn["finish_reason"] = "length" if looks_cut(text) else "stop"
        self.t += latency
        self._emit(turn)
        dwell = max(1.0, self._read(text) + self._think())
        self._behaviours(index, self.t, self.t + dwell)
        self.t += dwell

    def _behaviours(self, turn: int, begin: float, end: float) -> None:
        rates, rng = self.rates, self.rng

        def at() -> float:
            return rng.uniform(begin + 0.5, end)

        if rng.random() < rates.copy:
            self._emit({"type": "copy", "turn": turn}, at())
        if rng.random() < rates.accept:
            accepted = at()
            self._emit({"type": "accept", "turn": turn}, accepted)
            if rng.random() < rates.undo_after_accept:
                self._emit({"type": "undo", "turn": turn}, rng.uniform(accepted, end))
        if rng.random() < rates.edit:
            ratio = round(rng.betavariate(rates.edit_ratio_alpha, rates.edit_ratio_beta), 3)
            self._emit({"type": "edit", "turn": turn, "edit_ratio": ratio}, at())
        if rng.random() < rates.regenerate:
            self._emit({"type": "regenerate", "turn": turn}, at())
        thumbs = rng.random()
        if thumbs < rates.thumbs_up + rates.thumbs_down:
            value = "thumbs_up" if thumbs < rates.thumbs_up else "thumbs_down"
            self._emit({"type": "feedback", "turn": turn, "value": value}, at())

    def _close(self) -> None:
        closure = self.rng.choices(
            ("end", "abandon", "walkaway"), weights=(self.rates.end, self.rates.abandon, self.rates.walkaway)
        )[0]
        if closure == "end":
            self._emit({"type": "session_end"}, self.t + self.rng.uniform(*self.timing.end_delay_s))
        elif closure == "abandon":
            self._emit({"type": "abandon"}, self.t + self.rng.uniform(*self.timing.abandon_delay_s))

    def _read(self, text: str) -> float:
        return reading_s(self.rng, self.timing, text)

    def _think(self) -> float:
        return thinking_s(self.rng, self.timing)


def finalise(
    drafts: list[Draft], base: dict[str, Any], start_ms: int, max_session_s: float
) -> list[dict[str, Any]]:
    """Order drafts by time, compress a session longer than ``max_session_s``, stamp ids and times."""
    drafts.sort(key=lambda draft: draft[0])
    span = drafts[-1][0] if drafts else 0.0
    scale = max_session_s / span if span > max_session_s else 1.0
    session_id = base["session_id"]
    return [
        {"event_id": f"{session_id}:{n}", **base, "ts": start_ms + round(offset * scale * 1000), **event}
        for n, (offset, event) in enumerate(drafts)
    ]
