"""The LLM judge tier: prompt, client, verdict, ensembling, cost and evaluation."""

from .client import JudgeClient, JudgeConfig, JudgeResult
from .cost import LIST_PRICES, Price, Usage, cost_usd, price_table
from .ensemble import EnsembleOutcome, combine
from .errors import (
    JudgeError,
    JudgeInvalidOutput,
    JudgeRateLimited,
    JudgeRejected,
    JudgeTimeout,
    JudgeUnavailable,
)
from .prompt import build_request
from .redact import Redactor
from .runner import SessionJudgement, judge_session
from .verdict import ARCHETYPES, ArchetypeFinding, Verdict, parse_verdict, verdict_schema

__all__ = [
    "ARCHETYPES",
    "LIST_PRICES",
    "ArchetypeFinding",
    "EnsembleOutcome",
    "JudgeClient",
    "JudgeConfig",
    "JudgeError",
    "JudgeInvalidOutput",
    "JudgeRateLimited",
    "JudgeRejected",
    "JudgeResult",
    "JudgeTimeout",
    "JudgeUnavailable",
    "Price",
    "Redactor",
    "SessionJudgement",
    "Usage",
    "Verdict",
    "build_request",
    "combine",
    "cost_usd",
    "judge_session",
    "parse_verdict",
    "price_table",
    "verdict_schema",
]
