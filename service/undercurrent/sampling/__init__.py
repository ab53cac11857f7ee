"""Which closed sessions the judge sees, with a known inclusion probability, within budget."""

from .budget import BudgetController, BudgetLimits, BudgetStatus
from .inclusion import SamplingDecision, decide, inclusion_probability, sample, unscaled_probability
from .policy import SamplingPolicy

__all__ = [
    "BudgetController",
    "BudgetLimits",
    "BudgetStatus",
    "SamplingDecision",
    "SamplingPolicy",
    "decide",
    "inclusion_probability",
    "sample",
    "unscaled_probability",
]
