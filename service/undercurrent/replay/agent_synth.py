"""Turn an agent run into the contract events a live agent product would emit, with timings.

Every message becomes one ``turn`` event, in order, with its ``turn`` index:

- user and system messages: ``role`` and ``text``;
- assistant text: ``model``, ``latency_ms``, token counts and ``finish_reason: stop``;
- each tool call: an assistant turn whose text is the arguments, with
  ``step: {kind: tool_call, tool}``; the last call of a response has ``finish_reason: tool_use``
  (text the model wrote beside its calls comes first, as its own assistant turn);
- each tool result: a ``tool`` turn with ``step: {kind: tool_result, tool, status, error?}``.

The run then ends as its trace says (``session_end`` event, ``abandon`` event, or nothing).
Like :mod:`.synth`, this is pure and seeded; times are second offsets from the session start.
"""

from __future__ import annotations

import math
import random
from typing import Any

from .synth import (
    Draft,
    SynthOptions,
    finalise,
    first_token_s,
    reading_s,
    release_fields,
    session_base,
    thinking_s,
)
from .trace import AgentTrace, TraceMessage

_MAX_ERROR_CHARS = 500


def synthesize_trace(
    trace: AgentTrace, rng: random.Random, start_ms: int, options: SynthOptions | None = None
) -> list[dict[str, Any]]:
    """Events of one agent session, ordered by ``ts``, with ids ``{session_id}:{n}``."""
    options = options or SynthOptions()
    session = _AgentSession(trace, rng, options)
    drafts = session.run()
    return finalise(drafts, session.base, start_ms, options.timing.max_session_s)


class _AgentSession:
    def __init__(self, trace: AgentTrace, rng: random.Random, options: SynthOptions) -> None:
        self.trace = trace
        self.rng = rng
        self.timing = options.timing
        self.release = release_fields(trace.model or options.model, options)
        self.base = session_base(trace.id, options, trace.feature, trace.domain, trace.user_id)
        self.typing_cps = self.timing.typing_cps * rng.lognormvariate(0.0, 0.3)
        self.drafts: list[Draft] = []
        self.t = 0.0
        self.turn = 0
        self.context_chars = 0
        self.previous: str | None = None

    def run(self) -> list[Draft]:
        for message in self.trace.messages:
            if message.role == "user":
                self._user(message.text)
            elif message.role == "assistant":
                self._assistant(message)
            elif message.role == "tool":
                self._tool_result(message)
            else:
                self._turn({"role": message.role, "text": message.text})
            self.previous = message.role
        self._end()
        return self.drafts

    def _turn(self, fields: dict[str, Any]) -> None:
        self.drafts.append((self.t, {"type": "turn", "turn": self.turn, **fields}))
        self.turn += 1
        self.context_chars += len(fields["text"])

    def _user(self, text: str) -> None:
        if self.previous == "user":
            self.t += thinking_s(self.rng, self.timing)
        if self.previous not in (None, "system"):
            self.t += min(len(text) / self.typing_cps, self.timing.max_typing_s)
        self._turn({"role": "user", "text": text})

    def _assistant(self, message: TraceMessage) -> None:
        """One model response: optional text, then its tool calls, streamed after one first-token wait."""
        wait = first_token_s(self.rng, self.timing)
        if message.text or not message.tool_calls:
            self._generated(wait, message.text, None if message.tool_calls else "stop")
            wait = 0.0
        for position, call in enumerate(message.tool_calls):
            last = position == len(message.tool_calls) - 1
            step = {"kind": "tool_call", "tool": call.name}
            self._generated(wait, call.arguments, "tool_use" if last else None, step)
            wait = 0.0
        if not message.tool_calls:
            self.t += max(1.0, reading_s(self.rng, self.timing, message.text) + thinking_s(self.rng, self.timing))

    def _generated(
        self, wait: float, text: str, finish_reason: str | None, step: dict[str, Any] | None = None
    ) -> None:
        """A piece of a response: ``wait`` (the first token, for the first piece) plus streaming."""
        timing = self.timing
        output_tokens = math.ceil(len(text) / timing.chars_per_token)
        latency = wait + output_tokens / timing.output_tokens_per_s
        self.t += latency
        fields: dict[str, Any] = {
            "role": "assistant",
            "text": text,
            **self.release,
            "latency_ms": round(latency * 1000, 1),
            "input_tokens": math.ceil(self.context_chars / timing.chars_per_token),
            "output_tokens": output_tokens,
        }
        if finish_reason:
            fields["finish_reason"] = finish_reason
        if step:
            fields["step"] = step
        self._turn(fields)

    def _tool_result(self, message: TraceMessage) -> None:
        self.t += self.rng.uniform(*self.timing.tool_s)
        step: dict[str, Any] = {"kind": "tool_result", "status": "ok"}
        if message.tool:
            step["tool"] = message.tool
        if message.error is not None:
            step.update(status="error", error=message.error[:_MAX_ERROR_CHARS])
        self._turn({"role": "tool", "text": message.text, "step": step})

    def _end(self) -> None:
        timing = self.timing
        if self.trace.ending == "session_end":
            self.drafts.append((self.t + self.rng.uniform(*timing.end_delay_s), {"type": "session_end"}))
        elif self.trace.ending == "abandon":
            self.drafts.append((self.t + self.rng.uniform(*timing.abandon_delay_s), {"type": "abandon"}))
