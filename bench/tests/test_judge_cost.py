import pytest
from bench.judge_cost import (
    PREFIX_TOKENS,
    Z95,
    half_width,
    judged_for_half_width,
    request_usage,
    sample_size,
    usd_per_1000_sessions,
    usd_per_day,
)

from undercurrent.judge.cost import Price, Usage
from undercurrent.judge.prompt import build_request
from undercurrent.privacy.redact import Redactor
from undercurrent.sessions.model import SessionSnapshot

REQUEST = {"system": "s" * 398, "tools": [], "messages": "m" * 798}  # JSON adds two quote characters


@pytest.mark.parametrize(
    ("cache_hit", "read", "write"),
    [(True, 101, 0), (False, 0, 101)],
)
def test_request_usage_splits_cached_prefix_from_session(cache_hit, read, write):
    usage = request_usage(REQUEST, output_tokens=50, cache_hit=cache_hit)
    assert (usage.input_tokens, usage.output_tokens) == (200, 50)
    assert (usage.cache_read_input_tokens, usage.cache_creation_input_tokens) == (read, write)


def test_usd_per_1000_sessions_scales_by_sample_rate():
    table = {"m": Price(input=1.0, output=10.0, cache_write=2.0, cache_read=0.1)}
    usage = Usage(input_tokens=1_000, output_tokens=100)  # 0.001 + 0.001 USD
    assert usd_per_1000_sessions("m", usage, 0.05, table) == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("p", "population", "expected"),
    [(0.5, None, 2401), (0.5, 10_000, 1937), (0.1, None, 865), (0.0, None, 0)],
)
def test_sample_size_for_two_points(p, population, expected):
    assert sample_size(p, 0.02, population) == expected


@pytest.mark.parametrize(("p", "n"), [(0.5, 2401), (0.1, 865)])
def test_half_width_inverts_sample_size(p, n):
    assert half_width(p, n) == pytest.approx(0.02, abs=2e-5)


def test_finite_population_narrows_the_interval():
    assert half_width(0.3, 500, 10_000) < half_width(0.3, 500)


def test_batch_judging_costs_half():
    interactive = usd_per_day(1000, "claude-sonnet-4-6", cache_hit=True, batch=False)
    assert usd_per_day(1000, "claude-sonnet-4-6", cache_hit=True, batch=True) == pytest.approx(interactive / 2)


@pytest.mark.parametrize(
    ("model", "cache_hit", "per_session"),
    [
        # 1,898 input + 2,349 cached prefix + 400 output tokens at the list prices per million
        ("claude-sonnet-4-6", True, (1898 * 3.0 + 2349 * 0.30 + 400 * 15.0) / 1e6),
        ("claude-sonnet-4-6", False, (1898 * 3.0 + 2349 * 3.75 + 400 * 15.0) / 1e6),
        ("claude-haiku-4-5", True, (1898 * 1.0 + 2349 * 0.10 + 400 * 5.0) / 1e6),
    ],
)
def test_usd_per_day_uses_the_measured_session_tokens(model, cache_hit, per_session):
    assert usd_per_day(2000, model, cache_hit=cache_hit, batch=False) == pytest.approx(2000 * per_session)


def test_judged_for_half_width_inverts_a_uniform_design():
    # Uniform π = n/N over N sessions with Σ(y − f)² = s2: Var(p̂) = s2 · (N/n − 1) / N².
    population, s2 = 10_000, 2_500.0
    needed = judged_for_half_width(lambda n: s2 * (population / n - 1) / population**2, 0.02, population)
    closed_form = population / (1 + (0.02 / Z95) ** 2 * population**2 / s2)
    assert needed == pytest.approx(closed_form, abs=0.02)


def test_judged_for_half_width_rejects_an_unreachable_target():
    with pytest.raises(ValueError, match="every session"):
        judged_for_half_width(lambda n: 1.0, 0.02, 100)


def test_the_cost_model_prices_the_cached_prefix_the_judge_sends_today():
    """Instructions and tool schema of a chat session's request: a change to the prompt must reach the cost model."""
    session = SessionSnapshot(session_id="s", feature="chat", domain=None, user_id=None, turns=(), behaviours=(),
                              opened_ms=0, last_event_ms=0, close_reason="idle")
    usage = request_usage(build_request(session, model="m", redact=Redactor()), output_tokens=0, cache_hit=True)
    assert usage.cache_read_input_tokens == pytest.approx(PREFIX_TOKENS, rel=0.02)
