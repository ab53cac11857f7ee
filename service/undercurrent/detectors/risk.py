"""Session risk: P(the session failed), a logistic model over signal scores and risk factors.

The coefficients come from ``undercurrent calibrate`` (see ``detectors.calibrate``), which fits
them to labelled conversations and to judge verdicts and writes a versioned JSON file. The
package ships one (``risk_model.json``); a worker loads another from
``UNDERCURRENT_DETECTORS__RISK_MODEL``. Scoring needs nothing beyond the coefficients.

``WEIGHTS`` and ``BIAS`` are hand-set priors: the starting point before any fit, and the weight
a fit keeps for a signal its data never shows (the client-behaviour signals never occur in a
text-only labelled set). Risk factors (``factors.py``) have no prior: they weigh nothing until
a fit gives them a weight.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path

import msgspec

from ..errors import UndercurrentError
from .model import Signal

WEIGHTS: dict[str, float] = {
    "user_corrects_ai": 2.0,
    "user_expresses_frustration": 2.5,
    "user_expresses_dissatisfaction": 2.0,
    "user_asks_clarification": 0.6,
    "user_repeats_request": 1.8,
    "user_positive_feedback": -2.0,
    "user_abandons_thread": 1.2,
    "accept_then_undo": 2.2,
    "large_edit": 1.5,
    "regenerate": 1.5,
    "stop_generation": 1.0,
    "copy": -1.2,
    "thumbs_up": -2.5,
    "thumbs_down": 3.0,
    "abandon_after_answer": 1.2,
    "walkaway": 0.8,
    "ai_malfunction": 1.8,
    "ai_refuses_or_declines": 1.2,
    "ai_asserts_knowledge_limit": 0.5,
    "performative_hedge": 0.6,
    "overconfidence_unhedged": 0.8,
    "ai_asked_clarifying_question": -0.3,
    "generate_without_clarifying": 0.8,
    "repetition": 2.0,
    "off_topic_drift": 1.0,
    "ai_self_contradiction": 1.0,
    "tool_error": 1.0,
    "repeated_tool_call": 1.5,
    "step_loop": 1.8,
    "action_without_confirmation": 0.8,
    "unsupported_action_claim": 1.2,
    "repeated_action": 0.8,
    "state_change": 0.5,
    "agent_handoff": 0.0,
    "premature_end": 1.0,
}
BIAS = -1.0
SCHEMA = "undercurrent.risk-model/v1"
SHIPPED = "risk_model.json"


class RiskModelError(UndercurrentError, ValueError):
    """A risk model file that cannot be used: unreadable, malformed, or edited after it was written."""


def risk_inputs(signals: Iterable[Signal], factors: Mapping[str, float]) -> dict[str, float]:
    """What the model weighs, by name: each signal's score and each risk factor's value."""
    return {s.name: s.score for s in signals} | dict(factors)


class RiskTerms(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One logistic: z = bias + domain_bias[domain] + Σ weights[name] · value over signals and factors."""

    bias: float = BIAS
    weights: dict[str, float] = msgspec.field(default_factory=lambda: dict(WEIGHTS))
    domain_bias: dict[str, float] = msgspec.field(default_factory=dict)

    def z(self, inputs: Mapping[str, float], domain: str | None) -> float:
        offset = self.domain_bias.get(domain, 0.0) if domain is not None else 0.0
        return self.bias + offset + sum(self.weights.get(name, 0.0) * value for name, value in inputs.items())


class SourceSummary(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What one input of a fit contributed."""

    name: str
    rows: int
    failed: int
    weight: float
    """Sum of the rows' fitting weights (1/π for judge verdicts, scaled to mean 1 within the source)."""


class Provenance(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How the coefficients were obtained; not used for scoring."""

    method: str
    sources: list[SourceSummary] = msgspec.field(default_factory=list)
    fitted: list[str] = msgspec.field(default_factory=list)
    """Signals and factors whose weight the fit set."""
    prior: list[str] = msgspec.field(default_factory=list)
    """Signals that kept their prior weight: too few examples showed them."""
    l2_c: dict[str, float] = msgspec.field(default_factory=dict)
    """Inverse regularisation strength chosen for each block (``default`` or a feature)."""
    notes: str = ""


class RiskModel(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A versioned risk model: default terms, optionally other terms for some product features.

    ``version`` is ``<created>-<first 10 hex of the content hash>``: two files with the same
    version have the same coefficients, and a file edited by hand no longer loads.
    """

    schema: str = SCHEMA
    version: str = ""
    created: str = ""
    terms: RiskTerms = msgspec.field(default_factory=RiskTerms)
    by_feature: dict[str, RiskTerms] = msgspec.field(default_factory=dict)
    provenance: Provenance = msgspec.field(default_factory=lambda: Provenance(method="hand-set priors"))

    def terms_for(self, feature: str | None) -> RiskTerms:
        return self.by_feature.get(feature, self.terms) if feature is not None else self.terms

    def score(self, inputs: Mapping[str, float], *, feature: str | None = None, domain: str | None = None) -> float:
        """P(failure) for a session with these signal scores and factor values (see :func:`risk_inputs`)."""
        z = self.terms_for(feature).z(inputs, domain)
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def content_hash(model: RiskModel) -> str:
    """Hash of everything but the version, over canonical JSON (sorted keys)."""
    unversioned = msgspec.structs.replace(model, version="")
    canonical = msgspec.json.encode(msgspec.to_builtins(unversioned), order="sorted")
    return hashlib.sha256(canonical).hexdigest()


def versioned(model: RiskModel) -> RiskModel:
    """``model`` with its version set from ``created`` and its content."""
    return msgspec.structs.replace(model, version=f"{model.created}-{content_hash(model)[:10]}")


def encode_model(model: RiskModel) -> bytes:
    return msgspec.json.format(msgspec.json.encode(versioned(model), order="sorted"), indent=2) + b"\n"


def decode_model(data: bytes, *, origin: str = "risk model") -> RiskModel:
    try:
        model = msgspec.json.decode(data, type=RiskModel)
    except msgspec.DecodeError as exc:  # ValidationError is a DecodeError
        raise RiskModelError(f"{origin}: {exc}") from exc
    if model.schema != SCHEMA:
        raise RiskModelError(f"{origin}: schema {model.schema!r} is not {SCHEMA!r}")
    if model.version != versioned(model).version:
        raise RiskModelError(
            f"{origin}: version {model.version!r} does not match its content; write model files with "
            "`undercurrent calibrate`, not by hand"
        )
    return model


def load_model(path: str | Path | None = None) -> RiskModel:
    """The model at ``path``, or the one shipped with the package when ``path`` is ``None``."""
    if path is None:
        shipped = resources.files(__package__).joinpath(SHIPPED).read_bytes()
        return decode_model(shipped, origin=f"shipped risk model {SHIPPED}")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RiskModelError(f"risk model {path}: {exc.strerror}") from exc
    return decode_model(data, origin=f"risk model {path}")


@cache
def shipped_model() -> RiskModel:
    """The model shipped with the package, read once per process."""
    return load_model()
