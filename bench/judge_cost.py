"""The judge's cost model and the sample sizes it buys: pure functions.

Tokens are approximated as characters / 4 (Claude's tokenizer is not published;
the Messages API's ``count_tokens`` needs the network). Cached means the system
prompt and tool schema, which every request repeats and marks for caching.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from undercurrent.judge.cost import LIST_PRICES, Price, Usage, cost_usd

CHARS_PER_TOKEN = 4
Z95 = 1.959964
# Mean tokens per judged session, measured by bench/judge_throughput.py on 200 real ShareGPT
# sessions (docs/performance.md): the session part, the cached prefix (instructions and tool
# schema; tests/unit/test_judge_cost.py fails when the prompt has moved away from it), and the
# assumed verdict length.
SESSION_TOKENS = 1898
PREFIX_TOKENS = 2349
OUTPUT_TOKENS = 400

# Share of all transcripts showing each archetype (taxonomy §5.1: counts of 100,000 WildChat transcripts).
ARCHETYPE_RATES: Mapping[str, float] = {
    "any_failure": 0.62557,
    "walkaway": 0.53254,
    "silent_mismatch": 0.32904,
    "confidence_trap": 0.20201,
    "partial_recovery": 0.03425,
    "drift": 0.02446,
    "death_spiral": 0.01267,
    "contradiction_unravel": 0.00217,
    "mystery_failure": 0.0001,
}


def approx_tokens(value: Any) -> int:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def request_usage(request: Mapping[str, Any], *, output_tokens: int, cache_hit: bool) -> Usage:
    """Approximate usage of one request built by ``build_request``."""
    prefix = approx_tokens(request["system"]) + approx_tokens(request["tools"])
    return Usage(
        input_tokens=approx_tokens(request["messages"]),
        output_tokens=output_tokens,
        cache_read_input_tokens=prefix if cache_hit else 0,
        cache_creation_input_tokens=0 if cache_hit else prefix,
    )


def usd_per_1000_sessions(model: str, mean_usage: Usage, sample_rate: float, table: Mapping[str, Price]) -> float:
    return 1000 * sample_rate * cost_usd(model, mean_usage, table)


def sample_size(p: float, half_width: float, population: int | None = None, z: float = Z95) -> int:
    """Simple random sample giving a ``z`` interval of ± ``half_width`` around a proportion near ``p``."""
    n0 = z * z * p * (1 - p) / (half_width * half_width)
    if population is not None:
        n0 = n0 / (1 + (n0 - 1) / population)
    return math.ceil(n0)


def half_width(p: float, n: int, population: int | None = None, z: float = Z95) -> float:
    """The ± of a proportion near ``p`` from a simple random sample of ``n``."""
    fpc = (population - n) / (population - 1) if population and population > 1 else 1.0
    return z * math.sqrt(p * (1 - p) / n * fpc)


def judged_session_usage(*, cache_hit: bool) -> Usage:
    """Usage of one judged session with the measured mean token counts."""
    return Usage(
        input_tokens=SESSION_TOKENS,
        output_tokens=OUTPUT_TOKENS,
        cache_read_input_tokens=PREFIX_TOKENS if cache_hit else 0,
        cache_creation_input_tokens=0 if cache_hit else PREFIX_TOKENS,
    )


def usd_per_day(
    judged_per_day: float, model: str, *, cache_hit: bool, batch: bool, table: Mapping[str, Price] = LIST_PRICES
) -> float:
    """Judge spend at list prices for ``judged_per_day`` sessions, interactive or through the batch API."""
    return judged_per_day * cost_usd(model, judged_session_usage(cache_hit=cache_hit), table, batch=batch)


def judged_for_half_width(
    variance_at: Callable[[float], float], half_width: float, population: int, z: float = Z95
) -> float:
    """The smallest expected number of judged sessions n in (0, population] with z · √variance_at(n) ≤ half_width.

    ``variance_at(n)`` is the design variance of the estimated rate when n sessions
    are expected to be judged; it must decrease in n. Found by bisection to 0.01 sessions.
    """
    if z * math.sqrt(max(variance_at(population), 0.0)) > half_width:
        raise ValueError("even judging every session does not reach the half-width")
    low, high = 0.0, float(population)
    while high - low > 0.01:
        mid = (low + high) / 2
        if mid > 0 and z * math.sqrt(max(variance_at(mid), 0.0)) <= half_width:
            high = mid
        else:
            low = mid
    return high
