"""Inline heuristic detectors: signals, heuristic archetype flags, visibility hint, risk and domain."""

from .model import ArchetypeFlag, Detector, DetectorConfig, DetectorReport, Hit, Signal
from .registry import DETECTORS, SIGNAL_NAMES
from .risk import RiskModel
from .run import run_session_detectors, run_turn_detectors

__all__ = [
    "DETECTORS",
    "SIGNAL_NAMES",
    "ArchetypeFlag",
    "Detector",
    "DetectorConfig",
    "DetectorReport",
    "Hit",
    "RiskModel",
    "Signal",
    "run_session_detectors",
    "run_turn_detectors",
]
