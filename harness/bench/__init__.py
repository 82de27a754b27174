"""Benchmarks: measured side by side with a bare baseline; figures, never timed tests."""
