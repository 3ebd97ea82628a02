"""Forecasts of short yearly series: the model registry, the ladder, every series of a table at once."""
