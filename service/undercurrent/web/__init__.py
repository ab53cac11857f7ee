"""The evidence view: the closed sessions behind a dashboard number or an alert."""
