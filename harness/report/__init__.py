"""Reporters: peers that all read the same results and the same computed statuses.

`write_reports()` in `harness.report.writer` writes every report of a run; docs/reports.md
describes each file.
"""
