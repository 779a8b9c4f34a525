"""Benchmarks that print figures: ``make bench`` (``QUICK=1`` for a short run). Never run as tests."""
