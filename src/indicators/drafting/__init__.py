"""Drafting a plan file from a plan's text: numbers found, years and indicators guessed, the YAML written."""
