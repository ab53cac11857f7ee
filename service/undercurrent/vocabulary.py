"""The words every package shares: failure archetypes, visibilities and verticals.

Defined once here; the judge's verdict schema, the detectors, the estimates, the metric labels,
the recording rules and the evidence view all read them from this module.
"""

from __future__ import annotations

from typing import Literal

ARCHETYPES: tuple[str, ...] = (
    "confidence_trap",
    "silent_mismatch",
    "drift",
    "death_spiral",
    "contradiction_unravel",
    "walkaway",
    "partial_recovery",
    "mystery_failure",
)
NO_FAILURE = "none"
"""The archetype and the visibility of a session that did not fail."""

FailureVisibility = Literal["visible", "invisible", "mixed"]
Visibility = Literal["none", FailureVisibility]

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
"""The taxonomy's verticals: the domain of a user's intent."""
