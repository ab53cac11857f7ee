"""A local stand-in for the Anthropic Messages API, for tests only.

It serves ``POST /v1/messages`` in-process on a free port, answers each request
with the next scripted :class:`Reply` (or, when the script is empty, a verdict
derived from the request by a fixed rule), and records every request it got.
Replies scripted with :meth:`FakeAnthropic.when` go only to requests whose
session text contains a marker, so concurrent sessions can meet different faults.
It also serves the Message Batches endpoints in the real API's shapes (``POST
/v1/messages/batches``, ``GET /v1/messages/batches/{id}``, ``GET
/v1/messages/batches/{id}/results`` as JSONL): a batch answers ``in_progress`` to
its first retrieval and while :attr:`FakeAnthropic.hold_batches` is set, then
``ended``, and each of its requests is answered as ``POST /v1/messages`` would
answer it (a scripted failure becomes an ``errored`` result, :meth:`Reply.expired`
an ``expired`` one).
It is a test double for tests and benchmarks: the service and the demo never use it.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.support.loopback_server import LoopbackServer
from undercurrent.judge.instructions import TOOL_NAME
from undercurrent.vocabulary import ARCHETYPES, VERTICALS

_SESSION = re.compile(r"<session_data_(\w+)>\n(.*)\n</session_data_\1>", re.S)


@dataclass(frozen=True)
class Reply:
    kind: str = "rule"  # rule | verdict | text | tool_use | status | broken_body | expired
    verdict: dict[str, Any] | None = None
    tool: str = ""
    tool_input: dict[str, Any] | None = None
    text: str = ""
    status: int = 200
    retry_after: float | None = None
    delay_s: float = 0.0
    model: str | None = None  # the model the reply names; the requested one when None

    @classmethod
    def ok(cls, verdict: dict[str, Any] | None = None, *, delay_s: float = 0.0, model: str | None = None) -> Reply:
        return cls(kind="verdict" if verdict else "rule", verdict=verdict, delay_s=delay_s, model=model)

    @classmethod
    def answer(cls, text: str) -> Reply:
        """A product's answer: plain text."""
        return cls(kind="text", text=text)

    @classmethod
    def tool_call(cls, tool: str, tool_input: dict[str, Any]) -> Reply:
        """A product's tool call: one ``tool_use`` block."""
        return cls(kind="tool_use", tool=tool, tool_input=tool_input)

    @classmethod
    def malformed_json(cls) -> Reply:
        return cls(kind="text", text='{"quality": "poor", "failure_visibility": ')

    @classmethod
    def wrong_schema(cls) -> Reply:
        return cls(kind="verdict", verdict={"quality": "terrible", "archetypes": "walkaway"})

    @classmethod
    def rate_limited(cls, retry_after: float) -> Reply:
        return cls(kind="status", status=429, retry_after=retry_after)

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls(kind="status", status=status)

    @classmethod
    def slow(cls, delay_s: float) -> Reply:
        return cls(kind="rule", delay_s=delay_s)

    @classmethod
    def broken_body(cls) -> Reply:
        return cls(kind="broken_body")

    @classmethod
    def expired(cls) -> Reply:
        """In a batch: the request expired before it was processed."""
        return cls(kind="expired")


@dataclass(frozen=True)
class Received:
    body: dict[str, Any]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


@dataclass
class FakeAnthropic:
    script: deque[Reply] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    rule: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda body: rule_verdict(body))
    """What an unscripted request gets: a verdict derived from the request body."""
    by_marker: dict[str, deque[Reply]] = field(default_factory=dict)
    hold_batches: bool = False
    """While set, every batch stays ``in_progress``."""
    batches: dict[str, FakeBatch] = field(default_factory=dict)
    refuse_batches_with: str | None = None
    """A batch with a request whose session text contains this marker is refused with a 400."""
    refused_batches: list[list[str]] = field(default_factory=list)
    """The custom ids of every refused batch, in order."""
    _cached: set[str] = field(default_factory=set)

    def then(self, *replies: Reply) -> FakeAnthropic:
        self.script.extend(replies)
        return self

    def when(self, marker: str, *replies: Reply) -> FakeAnthropic:
        """Answer requests whose session text contains ``marker`` with these replies, then by the rule."""
        self.by_marker.setdefault(marker, deque()).extend(replies)
        return self

    def received_with(self, marker: str) -> list[Received]:
        return [r for r in self.received if marker in _text(r.body)]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.port}"

    async def __aenter__(self) -> FakeAnthropic:
        self._http = LoopbackServer(Starlette(routes=[
            Route("/v1/messages", self._messages, methods=["POST"]),
            Route("/v1/messages/batches", self._create_batch, methods=["POST"]),
            Route("/v1/messages/batches/{batch_id}", self._retrieve_batch, methods=["GET"]),
            Route("/v1/messages/batches/{batch_id}/results", self._batch_results, methods=["GET"]),
        ]))
        await self._http.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.stop()

    async def _messages(self, request: Request) -> Response:
        body = await request.json()
        self.received.append(Received(body=body, headers=dict(request.headers), at=time.monotonic()))
        reply = self._next_reply(body)
        await asyncio.sleep(reply.delay_s)
        if reply.kind == "status":
            headers = {"retry-after": str(reply.retry_after)} if reply.retry_after is not None else {}
            return JSONResponse(_error(reply.status), status_code=reply.status, headers=headers)
        if reply.kind == "broken_body":
            return PlainTextResponse("{not json", media_type="application/json")
        return JSONResponse(self._answer(body, reply))

    def _answer(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        """The message a reply of kind rule, verdict, text or tool_use stands for."""
        if reply.kind == "text":
            return self._message(body, [{"type": "text", "text": reply.text}], "end_turn")
        if reply.kind == "tool_use":
            block = {"type": "tool_use", "id": f"toolu_{len(self.received)}", "name": reply.tool,
                     "input": reply.tool_input}
            return self._message(body, [block], "tool_use")
        verdict = reply.verdict if reply.kind == "verdict" else self.rule(body)
        content = [{"type": "tool_use", "id": "toolu_fake", "name": TOOL_NAME, "input": verdict}]
        return self._message(body, content, "tool_use", reply.model)

    async def _create_batch(self, request: Request) -> Response:
        body = await request.json()
        marker = self.refuse_batches_with
        if marker is not None and any(marker in _text(item["params"]) for item in body["requests"]):
            self.refused_batches.append([item["custom_id"] for item in body["requests"]])
            return JSONResponse(_error(400), status_code=400)
        batch = FakeBatch(id=f"msgbatch_fake_{len(self.batches) + 1}", requests=body["requests"],
                          created_at=time.time())
        for item in batch.requests:
            self.received.append(Received(body=item["params"], headers=dict(request.headers), at=time.monotonic()))
        self.batches[batch.id] = batch
        return JSONResponse(self._batch(batch))

    async def _retrieve_batch(self, request: Request) -> Response:
        batch = self.batches.get(request.path_params["batch_id"])
        if batch is None:
            return JSONResponse(_error(404), status_code=404)
        batch.retrievals += 1
        if batch.results is None and batch.retrievals > 1 and not self.hold_batches:
            batch.results = [self._batch_result(item) for item in batch.requests]
            batch.ended_at = time.time()
        return JSONResponse(self._batch(batch))

    async def _batch_results(self, request: Request) -> Response:
        batch = self.batches.get(request.path_params["batch_id"])
        if batch is None or batch.results is None:
            return JSONResponse(_error(404), status_code=404)
        lines = "".join(json.dumps(line) + "\n" for line in batch.results)
        return Response(lines, media_type="application/x-jsonl")

    def _batch_result(self, item: dict[str, Any]) -> dict[str, Any]:
        reply = self._next_reply(item["params"])
        if reply.kind == "expired":
            result: dict[str, Any] = {"type": "expired"}
        elif reply.kind in ("status", "broken_body"):
            result = {"type": "errored", "error": _error(reply.status if reply.kind == "status" else 500)}
        else:
            result = {"type": "succeeded", "message": self._answer(item["params"], reply)}
        return {"custom_id": item["custom_id"], "result": result}

    def _batch(self, batch: FakeBatch) -> dict[str, Any]:
        """A ``MessageBatch`` object."""
        counts = dict.fromkeys(("processing", "succeeded", "errored", "canceled", "expired"), 0)
        if batch.results is None:
            counts["processing"] = len(batch.requests)
        for line in batch.results or []:
            counts[line["result"]["type"]] += 1
        ended = batch.results is not None
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": counts,
            "created_at": _rfc3339(batch.created_at),
            "expires_at": _rfc3339(batch.created_at + 24 * 3600),
            "ended_at": _rfc3339(batch.ended_at) if batch.ended_at is not None else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"{self.base_url}/v1/messages/batches/{batch.id}/results" if ended else None,
        }

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        text = _text(body)
        for marker, replies in self.by_marker.items():
            if marker in text:
                return replies.popleft() if replies else Reply()
        return self.script.popleft() if self.script else Reply()

    def _message(
        self, body: dict[str, Any], content: list[dict[str, Any]], stop: str, model: str | None = None
    ) -> dict[str, Any]:
        system = json.dumps(body.get("system", ""))
        prompt_tokens = len(system) // 4
        cached = system in self._cached
        self._cached.add(system)
        return {
            "id": f"msg_fake_{len(self.received)}",
            "type": "message",
            "role": "assistant",
            "model": model or body["model"],
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": len(json.dumps(body.get("messages", ""))) // 4,
                "output_tokens": len(json.dumps(content)) // 4,
                "cache_creation_input_tokens": 0 if cached else prompt_tokens,
                "cache_read_input_tokens": prompt_tokens if cached else 0,
            },
        }


@dataclass
class FakeBatch:
    id: str
    requests: list[dict[str, Any]]
    created_at: float
    retrievals: int = 0
    ended_at: float | None = None
    results: list[dict[str, Any]] | None = None  # the JSONL lines, once processing has ended


_ERROR_TYPES = {400: "invalid_request_error", 404: "not_found_error", 429: "rate_limit_error",
                529: "overloaded_error"}


def _error(status: int) -> dict[str, Any]:
    kind = _ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
    return {"type": "error", "error": {"type": kind, "message": "scripted failure"}}


def _rfc3339(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")


def rule_verdict(body: dict[str, Any]) -> dict[str, Any]:
    """Archetypes = signal names that are archetypes; visible if the user regenerated or thumbed down.

    An agent session (its session lists ``agent_steps``) also gets :func:`rule_trajectory`.
    """
    session = session_data(body)
    verdict = _rule_session_verdict(session)
    if "agent_steps" in session["session"]:
        verdict["trajectory"] = rule_trajectory(session)
    return verdict


def rule_trajectory(session: dict[str, Any]) -> dict[str, Any]:
    """A fixed rule, not a judgement: a failed tool result is a major tool_failure, a step the
    action_without_confirmation signal names is a critical action_without_confirmation, every
    other step is correct."""
    unconfirmed = {t for s in session["signals"] if s["name"] == "action_without_confirmation" for t in s["turns"]}
    failed = {t["turn"] for t in session["transcript"] if (t.get("step") or {}).get("status") == "error"}
    steps = []
    for turn in session["session"]["agent_steps"]:
        if turn in unconfirmed:
            steps.append({"turn": turn, "correct": False, "category": "action_without_confirmation",
                          "severity": "critical", "rationale": "stand-in rule: signal named this step"})
        elif turn in failed:
            steps.append({"turn": turn, "correct": False, "category": "tool_failure", "severity": "major",
                          "rationale": "stand-in rule: the tool reported an error"})
        else:
            steps.append({"turn": turn, "correct": True})
    wrong = [s["turn"] for s in steps if not s["correct"]]
    return {"steps": steps, "first_error_turn": wrong[0] if wrong else None}


def _rule_session_verdict(session: dict[str, Any]) -> dict[str, Any]:
    names = sorted({s["name"] for s in session["signals"]} & set(ARCHETYPES))
    hint = session["session"]["domain_hint"]
    domain = hint if hint in VERTICALS else "general_knowledge"
    if not names:
        return {
            "quality": "good",
            "failure_visibility": "none",
            "archetypes": [{"archetype": "none", "evidence_turns": [], "rationale": "no failure signal"}],
            "domain": domain,
            "failure_origin": "none",
            "summary": "rule: no archetype signal",
        }
    noticed = any(b["type"] == "regenerate" or b.get("value") == "thumbs_down" for b in session["behaviours"])
    turns = {s["name"]: s["turns"] for s in session["signals"]}
    return {
        "quality": "poor",
        "failure_visibility": "visible" if noticed else "invisible",
        "archetypes": [{"archetype": n, "evidence_turns": turns[n], "rationale": "rule"} for n in names],
        "domain": domain,
        "failure_origin": "interactional",
        "summary": "rule: archetype signals present",
    }


def _text(body: dict[str, Any]) -> str:
    """The first message's text, whether its content is a string or a list of blocks."""
    content = body["messages"][0]["content"]
    return content if isinstance(content, str) else str(content[0]["text"])


def session_data(body: dict[str, Any]) -> dict[str, Any]:
    match = _SESSION.search(_text(body))
    if match is None:
        raise ValueError("request has no session_data element")
    return json.loads(match.group(2))
