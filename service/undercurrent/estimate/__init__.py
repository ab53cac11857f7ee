"""Unbiased failure-rate estimation from sampled judge verdicts (Horvitz–Thompson)."""

from .interval import Z95, Estimate
from .weights import ANY, ARCHETYPES, VISIBILITIES, WeightIncrement, failure_weight_increments

__all__ = [
    "ANY",
    "ARCHETYPES",
    "VISIBILITIES",
    "Z95",
    "Estimate",
    "WeightIncrement",
    "failure_weight_increments",
]
