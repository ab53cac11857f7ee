"""The simulations' vectorised counter increments are the production increments."""

from __future__ import annotations

import numpy as np

from .coverage import SCENARIOS, SHARES, STRATA, inclusion, rates
from .engine import increments, production_increments
from .populations import make_population


def test_vectorised_increments_equal_the_production_functions() -> None:
    for scenario in SCENARIOS.values():
        population = make_population(STRATA, SHARES, rates(), 3000, scenario.detectors, scenario.seed)
        pi = inclusion(population, scenario)
        fast, exact = increments(population, pi), production_increments(population, pi)
        assert np.abs(exact.judged).sum() > 0 and np.abs(exact.closed).sum() > 0
        for name in ("judged", "closed", "inclusion_weight"):
            np.testing.assert_allclose(getattr(fast, name), getattr(exact, name), rtol=1e-12, atol=0)
