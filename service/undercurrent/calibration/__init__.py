"""Fitting the risk model to labelled sessions and judge verdicts, and measuring its calibration."""
