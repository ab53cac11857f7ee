from __future__ import annotations

import math

import msgspec
import pytest

from undercurrent.sampling import SamplingPolicy


def test_a_valid_policy_is_accepted() -> None:
    policy = SamplingPolicy(version="v1", salt="s", floor=0.02, base_rate=0.05, full_risk_rate=0.5)
    assert policy.floor == 0.02


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"floor": 0.0}, "floor must be in"),
        ({"floor": -0.1}, "floor must be in"),
        ({"floor": math.nan}, "floor must be in"),
        ({"full_risk_rate": 1.5}, "full_risk_rate must be in"),
        ({"floor": 0.1, "base_rate": 0.05}, "floor <= base_rate"),
        ({"base_rate": 0.6, "full_risk_rate": 0.5}, "floor <= base_rate"),
        ({"domain_min_rates": {"legal": 0.0}}, "domain min rate for 'legal'"),
        ({"feature_min_rates": {"search": 2.0}}, "feature min rate for 'search'"),
        ({"salt": ""}, "salt must be"),
        ({"salt": "x" * 65}, "salt must be"),
        ({"version": ""}, "version must not be empty"),
    ],
)
def test_invalid_policies_are_rejected(overrides: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"version": "v1", "salt": "s", **overrides}
    with pytest.raises(ValueError, match=message):
        SamplingPolicy(**fields)  # type: ignore[arg-type]


def test_a_zero_floor_is_rejected_when_loaded_from_config() -> None:
    with pytest.raises(msgspec.ValidationError, match="floor must be in"):
        msgspec.convert({"version": "v1", "salt": "s", "floor": 0}, SamplingPolicy)
