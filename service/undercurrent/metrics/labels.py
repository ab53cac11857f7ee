"""Bounded label values: a producer cannot create new time series by sending new names."""

from __future__ import annotations

from collections.abc import Iterable

VERTICALS: tuple[str, ...] = (
    "software_development", "data_science_ml", "it_infrastructure",
    "legal", "finance_accounting", "consulting_strategy",
    "marketing_advertising", "sales_crm", "hr_recruiting", "customer_support", "product_management",
    "healthcare_medical", "education_academic", "ecommerce_retail", "real_estate",
    "manufacturing_supply_chain", "energy_utilities", "government_public_sector", "travel_hospitality",
    "insurance", "telecommunications",
    "creative_writing", "content_production", "media_entertainment", "design_ux",
    "personal_lifestyle", "gaming", "general_knowledge", "translation_language", "math_science",
    "adversarial_invalid", "explicit_nsfw", "ambiguous_unclear",
)  # fmt: skip
OTHER = "other"
UNKNOWN_DOMAIN = "unknown"
UNDETERMINED_LANGUAGE = "und"


class LabelBounds:
    """Maps free-form feature and domain names onto an allow-list plus ``other``."""

    def __init__(self, features: Iterable[str], domains: Iterable[str] | None = None) -> None:
        self.features = frozenset(features)
        self.domains = frozenset(domains if domains is not None else (*VERTICALS, UNKNOWN_DOMAIN))

    def feature(self, value: str | None) -> str:
        return value if value in self.features else OTHER

    def pairs(self) -> list[tuple[str, str]]:
        """Every (feature, domain) label pair, ``other`` included, for pre-creating series at zero."""
        return [(f, d) for f in (*sorted(self.features), OTHER) for d in (*sorted(self.domains), OTHER)]

    def domain(self, value: str | None) -> str:
        if value is None:
            return UNKNOWN_DOMAIN
        return value if value in self.domains else OTHER


class LanguageBounds:
    """Maps a session's language onto the configured list, ``other`` and ``und`` (too little text to tell)."""

    def __init__(self, languages: Iterable[str]) -> None:
        self.languages = frozenset(languages) - {OTHER, UNDETERMINED_LANGUAGE}

    def language(self, value: str | None) -> str:
        if value is None or value == UNDETERMINED_LANGUAGE:
            return UNDETERMINED_LANGUAGE
        return value if value in self.languages else OTHER

    def values(self) -> tuple[str, ...]:
        """Every label value, for pre-creating series at zero."""
        return (*sorted(self.languages), OTHER, UNDETERMINED_LANGUAGE)
