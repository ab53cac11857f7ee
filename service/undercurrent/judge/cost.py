"""What a judge call costs, from its token usage and a price table.

List prices in USD per million tokens, read from Anthropic's pricing page
(platform.claude.com/docs/en/about-claude/pricing) on 2026-11-22. Cache writes
use the 5-minute TTL rate, the one ``cache_control: ephemeral`` buys. Override
the table with :func:`price_table` when prices change or a gateway bills
differently. The Message Batches API bills every token kind, cache reads and
writes included, at :data:`BATCH_DISCOUNT` of these prices.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec


class Price(msgspec.Struct, frozen=True, kw_only=True):
    input: float
    output: float
    cache_write: float
    cache_read: float


class Usage(msgspec.Struct, frozen=True, kw_only=True):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_creation_input_tokens=self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            cache_read_input_tokens=self.cache_read_input_tokens + other.cache_read_input_tokens,
        )


_OPUS = Price(input=5.0, output=25.0, cache_write=6.25, cache_read=0.50)
_SONNET = Price(input=3.0, output=15.0, cache_write=3.75, cache_read=0.30)
_HAIKU = Price(input=1.0, output=5.0, cache_write=1.25, cache_read=0.10)

LIST_PRICES: Mapping[str, Price] = {
    "claude-opus-4-6": _OPUS,
    "claude-opus-4-5": _OPUS,
    "claude-sonnet-4-6": _SONNET,
    "claude-sonnet-4-5": _SONNET,
    "claude-haiku-4-5": _HAIKU,
}


BATCH_DISCOUNT = 0.5
"""Share of the list price the Message Batches API bills for every token kind; prompt caching applies on top."""


class UnknownModelPrice(KeyError):
    """The model has no price: spend cannot be accounted, so the caller must decide."""


UNPRICED = "unpriced"
"""Metric label for a model without a price: a reply's model name must not mint new series."""


def price_table(overrides: Mapping[str, Mapping[str, float]] | None = None) -> dict[str, Price]:
    """The list prices updated with ``{model: {input, output, cache_write, cache_read}}``."""
    table = dict(LIST_PRICES)
    for model, fields in (overrides or {}).items():
        table[model] = msgspec.convert(fields, Price)
    return table


def price_for(model: str, table: Mapping[str, Price] = LIST_PRICES) -> Price:
    """Exact match first, then the longest key that prefixes ``model`` (dated snapshots)."""
    if model in table:
        return table[model]
    prefixes = [key for key in table if model.startswith(key)]
    if not prefixes:
        raise UnknownModelPrice(model)
    return table[max(prefixes, key=len)]


def cost_usd(model: str, usage: Usage, table: Mapping[str, Price] = LIST_PRICES, *, batch: bool = False) -> float:
    return _priced(usage, price_for(model, table), batch=batch)


def _priced(usage: Usage, price: Price, *, batch: bool = False) -> float:
    return (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_creation_input_tokens * price.cache_write
        + usage.cache_read_input_tokens * price.cache_read
    ) / 1_000_000 * (BATCH_DISCOUNT if batch else 1.0)


def is_priced(model: str, table: Mapping[str, Price] = LIST_PRICES) -> bool:
    return model in table or any(model.startswith(key) for key in table)


def ceiling_price(table: Mapping[str, Price] = LIST_PRICES) -> Price:
    """The highest known price of each token kind."""
    return Price(
        input=max(p.input for p in table.values()),
        output=max(p.output for p in table.values()),
        cache_write=max(p.cache_write for p in table.values()),
        cache_read=max(p.cache_read for p in table.values()),
    )


def spend_usd(model: str, usage: Usage, table: Mapping[str, Price] = LIST_PRICES, *, batch: bool = False) -> float:
    """What a call counts against the budget: its price (the batch price for a Message Batches
    request), or the ceiling price when the model has none.

    A reply from an unpriced model (a gateway's alias, a model released after the
    table) was still paid for; counting it at the highest known price keeps the
    budget from being overspent while the price table is fixed.
    """
    return _priced(usage, price_for(model, table) if is_priced(model, table) else ceiling_price(table), batch=batch)
