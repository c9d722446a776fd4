"""Benchmarks of the read and write paths against their floors (``python -m benchmarks.run``)."""
