"""Failure messages: one readable line, no class paths, the logged root cause attached."""

from __future__ import annotations

import logging

from harness.failure_message import logged_problems, readable, with_root_cause


def test_an_assertion_message_is_kept_whole_on_one_line_without_introspection() -> None:
    crash = ("AssertionError: expected one OrderCreated, got:\n    (no events)\n"
             "assert 0 == 1\n +  where 0 = len([])")
    assert readable(crash) == "expected one OrderCreated, got: (no events)"


def test_class_paths_are_cut_to_the_class_name() -> None:
    assert readable("harness.cassette.loader.CassetteError: a.yaml: line 3: invalid YAML") == \
        "CassetteError: a.yaml: line 3: invalid YAML"
    assert readable("ValueError: bad") == "ValueError: bad"


def test_the_first_logged_problem_is_the_root_cause_errors_first() -> None:
    log = logging.getLogger("connector.under.test")
    with logged_problems() as problems:
        log.info("ignored")
        log.warning("a warning")
        log.error("response is not valid JSON:\n  '{oops'")
    assert problems == ["response is not valid JSON:\n  '{oops'", "a warning"]
    assert with_root_cause("AssertionError: no event", problems) == (
        "no event (logged: response is not valid JSON: '{oops')")


def test_a_long_cause_is_cut_and_a_repeated_one_not_added() -> None:
    line = with_root_cause("boom", ["x" * 500])
    assert line.startswith("boom (logged: xxx") and line.endswith("…)") and len(line) < 270
    assert with_root_cause("TimeoutError: late", ["late"]) == "TimeoutError: late"
    assert with_root_cause("", []) == "failed without a message"
