"""Unbiased failure-rate estimation from sampled judge verdicts (Horvitz–Thompson)."""

from ..vocabulary import ARCHETYPES
from .interval import Z95, Estimate
from .weights import ANY, VISIBILITIES, WeightIncrement, failure_weight_increments

__all__ = [
    "ANY",
    "ARCHETYPES",
    "VISIBILITIES",
    "Z95",
    "Estimate",
    "WeightIncrement",
    "failure_weight_increments",
]
