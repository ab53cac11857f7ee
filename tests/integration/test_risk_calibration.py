"""The calibration loop end to end: a worker scores with the model file it is given, and
`undercurrent calibrate --from-verdicts` fits on verdicts and records read back from the broker."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time

import msgspec
import pytest

from undercurrent.detectors import run_session_detectors
from undercurrent.detectors.risk import RiskModel, RiskTerms, encode_model, load_model
from undercurrent.judge.cost import Usage
from undercurrent.judge.record import VerdictRecord
from undercurrent.judge.verdict import ArchetypeFinding, Verdict
from undercurrent.records.session import session_record
from undercurrent.sampling.inclusion import SamplingDecision
from undercurrent.sessions.model import SessionSnapshot, TranscriptTurn

from .harness import ROOT, Deployment, collect, encode, event, produce

PLANTED_BIAS = 0.75  # no signal → risk 0.679, far from the shipped model's


async def test_the_worker_scores_with_the_model_file_it_is_given_and_names_its_version(
    deployment: Deployment, tmp_path
) -> None:
    path = tmp_path / "risk.json"
    path.write_bytes(encode_model(RiskModel(created="2026-11-30", terms=RiskTerms(bias=PLANTED_BIAS, weights={}))))
    version = load_model(path).version
    deployment.extra_env["UNDERCURRENT_DETECTORS__RISK_MODEL"] = str(path)
    worker = deployment.start_worker()
    base = int(time.time() * 1000) - 3600 * 1000
    texts = {"en": ("Could you suggest three names for a small bakery that sells sourdough bread?", "Crumb & Co."),
             "ko": ("작은 빵집 이름을 세 개만 추천해 주실 수 있나요? 사워도우 빵을 팔아요.", "크럼앤코")}
    records = []
    for sid, (question, answer) in texts.items():
        bodies = [event(sid, 0, base, text=question), event(sid, 1, base + 3000, text=answer),
                  event(sid, 2, base + 3010, "session_end")]
        records += [(deployment.topic("chat" if b["type"] == "turn" else "client"), sid, encode(b)) for b in bodies]
    await produce(deployment.bootstrap, records)

    sessions = {json.loads(m.value)["session_id"]: json.loads(m.value)
                for m in await collect(deployment.bootstrap, deployment.topic("sessions"), until=2)}
    assert set(sessions) == {"en", "ko"}
    for language, record in sessions.items():
        assert record["detectors"]["risk_model"] == version
        assert record["detectors"]["signals"] == []
        assert record["detectors"]["risk"] == pytest.approx(1 / (1 + math.exp(-PLANTED_BIAS)), abs=1e-4)
        assert record["language"] == language
    assert worker.sample("undercurrent_risk_model_info", version=version) == 1.0
    assert worker.sample("undercurrent_language_sessions_total", language="ko") == 1.0


def test_a_worker_refuses_a_hand_edited_model_file_and_says_why(deployment: Deployment, tmp_path) -> None:
    path = tmp_path / "risk.json"
    path.write_bytes(encode_model(RiskModel(created="2026-11-30")).replace(b'"bias": -1.0', b'"bias": -3.0'))
    deployment.extra_env["UNDERCURRENT_DETECTORS__RISK_MODEL"] = str(path)
    worker = deployment.start_worker()
    assert worker.proc.wait(timeout=120) != 0
    assert "does not match its content" in worker.log_path.read_text()


QUESTION = "Which year did the Berlin Wall fall, and why?"


def session(session_id: str) -> SessionSnapshot:
    turns = (TranscriptTurn(index=0, role="user", text=QUESTION, ts_ms=0, event_id=f"{session_id}:0"),
             TranscriptTurn(index=1, role="assistant", text="Here is an answer.", ts_ms=2000,
                            event_id=f"{session_id}:1"))
    return SessionSnapshot(session_id=session_id, feature="chat", domain=None, user_id=None, turns=turns,
                           behaviours=(), opened_ms=0, last_event_ms=2000, close_reason="end")


def judged(session_id: str, failed: bool, pi: float) -> tuple[bytes, bytes]:
    """A judge request record and the verdict the judge worker would publish for it."""
    snapshot = session(session_id)
    record = session_record(snapshot, closed_at_ms=3000)
    record.sampling = SamplingDecision(sampled=True, pi=pi, pi_unscaled=pi, floor_binding=False, budget_scale=1.0,
                                       policy_version="v1")
    verdict = VerdictRecord(
        session_id=session_id, feature="chat", domain=None, pi=pi, model="stand-in", votes=1, disagreement={},
        usage=Usage(input_tokens=900, output_tokens=120), judged_at_ms=3000,
        verdict=Verdict(
            quality="poor" if failed else "good", failure_visibility="invisible" if failed else "none",
            domain="general_knowledge", failure_origin="capability" if failed else "none", summary="planted",
            archetypes=(ArchetypeFinding(archetype="silent_mismatch" if failed else "none",
                                         evidence_turns=(1,) if failed else (), rationale="planted"),),
        ),
    )
    return msgspec.json.encode(record), msgspec.json.encode(verdict)


def run_calibrate(deployment: Deployment, out, *flags: str) -> RiskModel:
    result = subprocess.run(
        [sys.executable, "-m", "undercurrent.cli", "calibrate", "--from-verdicts", "--out", str(out), *flags],
        env=deployment.env(), cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "80 judged sessions, 80 joined" in result.stdout
    return load_model(out)


async def test_calibrate_reads_verdicts_from_the_broker_and_weights_each_by_one_over_pi(
    deployment: Deployment, tmp_path
) -> None:
    """Planted: the judge saw every session of one kind (π = 1, 80% failed) and a tenth of another that looks
    the same to the detectors (π = 0.1, 20% failed). Of the 440 sessions they stand for, 25.5% failed."""
    messages = []
    for i in range(40):
        messages.append(judged(f"high{i}", i < 32, 1.0))
        messages.append(judged(f"low{i}", i < 8, 0.1))
    await produce(deployment.bootstrap,
                  [(deployment.topic("judge.requests"), json.loads(r)["session_id"], r) for r, _ in messages]
                  + [(deployment.topic("judge.verdicts"), json.loads(v)["session_id"], v) for _, v in messages])

    weighted = run_calibrate(deployment, tmp_path / "weighted.json")
    unweighted = run_calibrate(deployment, tmp_path / "unweighted.json", "--no-weighted")

    population_rate = (32 + 8 * 10) / 440
    assert run_session_detectors(session("new"), risk_model=weighted).risk == pytest.approx(population_rate, abs=0.01)
    assert run_session_detectors(session("new"), risk_model=unweighted).risk == pytest.approx(0.5, abs=0.01)
    assert weighted.version != unweighted.version
    assert [(s.name, s.rows, s.failed) for s in weighted.provenance.sources] == [("verdicts", 80, 40)]
