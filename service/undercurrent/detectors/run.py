"""Run the registered detectors over a snapshot and assemble the report."""

from __future__ import annotations

from collections.abc import Sequence

from ..sessions.model import SessionSnapshot
from .archetypes import archetype_flags, visibility
from .domain import classify, valid_domain
from .factors import compute_factors
from .model import Context, Detector, DetectorConfig, DetectorReport, Hit, Signal
from .registry import DETECTORS
from .risk import RiskModel, risk_inputs, shipped_model

DEFAULT_CONFIG = DetectorConfig()


def _signal(detector: Detector, hits: list[Hit]) -> Signal:
    strongest = max(hits, key=lambda h: h.score)
    return Signal(
        name=detector.name,
        turns=sorted({h.turn for h in hits}),
        score=round(strongest.score, 3),
        evidence=strongest.evidence,
        detector=detector.name,
    )


def run_detectors(detectors: Sequence[Detector], ctx: Context) -> tuple[Signal, ...]:
    signals = []
    for detector in detectors:
        hits = list(detector.fn(ctx))
        if hits:
            signals.append(_signal(detector, hits))
    return tuple(signals)


def run_turn_detectors(
    snapshot: SessionSnapshot,
    config: DetectorConfig = DEFAULT_CONFIG,
    detectors: Sequence[Detector] = DETECTORS,
) -> tuple[Signal, ...]:
    """The cheap per-turn detectors, for a live view of a session that is still open."""
    turn_level = [d for d in detectors if d.scope == "turn"]
    return run_detectors(turn_level, Context(snapshot=snapshot, config=config))


def run_session_detectors(
    snapshot: SessionSnapshot,
    config: DetectorConfig = DEFAULT_CONFIG,
    *,
    closed_ms: int | None = None,
    risk_model: RiskModel | None = None,
    detectors: Sequence[Detector] = DETECTORS,
) -> DetectorReport:
    """Every detector over a closed session; ``closed_ms`` is the event time of the close when known.

    Risk comes from ``risk_model``, by default the model shipped with the package.
    """
    ctx = Context(snapshot=snapshot, config=config, closed_ms=closed_ms)
    signals = run_detectors(detectors, ctx)
    factors = compute_factors(ctx)
    profile = {s.name: s for s in signals}
    producer_domain = valid_domain(snapshot.domain)
    domain = producer_domain or classify(t.text for t in snapshot.turns if t.role == "user")
    model = risk_model if risk_model is not None else shipped_model()
    return DetectorReport(
        signals=list(signals),
        archetypes=archetype_flags(profile),
        visibility=visibility(profile),
        risk=round(model.score(risk_inputs(signals, factors), feature=snapshot.feature, domain=domain), 4),
        risk_model=model.version,
        factors=factors,
        domain=domain,
        domain_source="producer" if producer_domain else "classifier",
        versions={d.name: d.version for d in detectors},
    )
