import pytest

from undercurrent.judge.cost import UnknownModelPrice, Usage, ceiling_price, cost_usd, price_table, spend_usd

MILLION = 1_000_000


@pytest.mark.parametrize(
    ("model", "usage", "expected"),
    [
        ("claude-sonnet-4-6", Usage(input_tokens=MILLION), 3.0),
        ("claude-sonnet-4-6", Usage(output_tokens=MILLION), 15.0),
        ("claude-sonnet-4-6", Usage(cache_creation_input_tokens=MILLION), 3.75),
        ("claude-sonnet-4-6", Usage(cache_read_input_tokens=MILLION), 0.30),
        ("claude-haiku-4-5-20251001", Usage(input_tokens=2000, output_tokens=400), 0.004),
        ("claude-opus-4-6", Usage(input_tokens=1000, output_tokens=1000), 0.03),
    ],
)
def test_cost_of_usage(model: str, usage: Usage, expected: float) -> None:
    assert cost_usd(model, usage) == pytest.approx(expected)


def test_unknown_model_is_an_error_not_zero() -> None:
    with pytest.raises(UnknownModelPrice):
        cost_usd("gpt-9", Usage(input_tokens=1))


def test_overrides_replace_and_add_models() -> None:
    table = price_table({"gateway-model": {"input": 1, "output": 2, "cache_write": 0, "cache_read": 0}})
    assert cost_usd("gateway-model", Usage(output_tokens=MILLION), table) == 2.0


def test_usage_adds_up() -> None:
    total = Usage(input_tokens=1, cache_read_input_tokens=2) + Usage(input_tokens=3, output_tokens=4)
    assert total == Usage(input_tokens=4, output_tokens=4, cache_read_input_tokens=2)


@pytest.mark.parametrize(
    ("model", "usage", "expected"),
    [
        ("claude-sonnet-4-6", Usage(output_tokens=MILLION), 15.0),  # priced: its own price
        ("claude-haiku-4-5-20251001", Usage(input_tokens=MILLION), 1.0),
        ("gpt-9", Usage(input_tokens=MILLION), 5.0),  # unpriced: the highest input price (Opus)
        ("gpt-9", Usage(output_tokens=MILLION, cache_read_input_tokens=MILLION), 25.5),
        ("", Usage(cache_creation_input_tokens=MILLION), 6.25),
    ],
)
def test_spend_counts_an_unpriced_model_at_the_highest_known_price(model: str, usage: Usage, expected: float) -> None:
    assert spend_usd(model, usage) == pytest.approx(expected)


def test_the_ceiling_takes_each_kind_from_the_dearest_model() -> None:
    table = price_table({"odd": {"input": 9, "output": 1, "cache_write": 0, "cache_read": 0}})
    ceiling = ceiling_price(table)
    assert (ceiling.input, ceiling.output, ceiling.cache_write, ceiling.cache_read) == (9, 25, 6.25, 0.5)


@pytest.mark.parametrize(
    ("model", "usage", "expected"),
    [
        ("claude-sonnet-4-6", Usage(input_tokens=MILLION), 1.5),
        ("claude-sonnet-4-6", Usage(output_tokens=MILLION), 7.5),
        ("claude-sonnet-4-6", Usage(cache_creation_input_tokens=MILLION), 1.875),  # caching applies on top
        ("claude-sonnet-4-6", Usage(cache_read_input_tokens=MILLION), 0.15),
        ("claude-haiku-4-5-20251001", Usage(input_tokens=2000, output_tokens=400), 0.002),
        ("gpt-9", Usage(output_tokens=MILLION), 12.5),  # unpriced: half the ceiling price
    ],
)
def test_a_batch_request_is_billed_at_half_of_every_token_price(model: str, usage: Usage, expected: float) -> None:
    assert spend_usd(model, usage, batch=True) == pytest.approx(expected)
    if model != "gpt-9":
        assert cost_usd(model, usage, batch=True) == pytest.approx(expected)
