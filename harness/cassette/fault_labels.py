"""`meta.fault`: the rules of the exchange a cassette breaks on purpose.

A cassette that describes something the exchange would not do (a fill before its
acknowledgement, a frame sent twice, garbage on a stream...) says so with labels from this
vocabulary, so a reader knows the oddity is the point of the scenario and the market lint
(market_rules.py) excuses exactly what is declared. docs/cassettes.md lists the labels.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class FaultLabel(StrEnum):
    """One way a cassette deliberately breaks the exchange's rules."""

    FILL_BEFORE_ACK = "fill_before_ack"
    FILL_AFTER_TERMINAL = "fill_after_terminal"
    OVERFILL = "overfill"
    MAKER_FILL_OFF_LIMIT = "maker_fill_off_limit"
    FILL_BEYOND_LIMIT = "fill_beyond_limit"
    RESTING_OFF_BOOK = "resting_off_book"
    DUPLICATE_FRAME = "duplicate_frame"
    REORDERED_FRAMES = "reordered_frames"
    EVENT_AFTER_TERMINAL = "event_after_terminal"
    SEQUENCE_GAP = "sequence_gap"
    GARBAGE_FRAME = "garbage_frame"
    MALFORMED_PAYLOAD = "malformed_payload"


DESCRIPTIONS: dict[FaultLabel, str] = {
    FaultLabel.FILL_BEFORE_ACK: "a fill is reported before the order's acknowledgement",
    FaultLabel.FILL_AFTER_TERMINAL: "a fill is reported after the order was filled, "
                                    "canceled, expired or rejected",
    FaultLabel.OVERFILL: "more is executed than the order's amount",
    FaultLabel.MAKER_FILL_OFF_LIMIT: "a maker fill at a price other than the order's limit",
    FaultLabel.FILL_BEYOND_LIMIT: "a fill at a price worse than the order's limit",
    FaultLabel.RESTING_OFF_BOOK: "an open resting order reported as not on the book",
    FaultLabel.DUPLICATE_FRAME: "the same frame or event is delivered twice",
    FaultLabel.REORDERED_FRAMES: "frames arrive out of the exchange's order",
    FaultLabel.EVENT_AFTER_TERMINAL: "an order event (not a fill) after a terminal state",
    FaultLabel.SEQUENCE_GAP: "update ids skip: messages were lost",
    FaultLabel.GARBAGE_FRAME: "a frame that is not the exchange's format (not JSON, unknown "
                              "shape, truncated)",
    FaultLabel.MALFORMED_PAYLOAD: "a REST answer that breaks the documented format",
}

_VALUES = frozenset(label.value for label in FaultLabel)


def fault_label_problems(value: Any) -> list[tuple[str, str]]:
    """(location under meta.fault, message) for each thing wrong with a `meta.fault` value;
    [] when it is a list of known labels, each once."""
    known = ", ".join(label.value for label in FaultLabel)
    if not isinstance(value, list) or not value:
        return [("", f"must be a non-empty list of fault labels ({known}), got {value!r}")]
    problems = [(f"[{index}]", f"{item!r} is not a fault label; use one of {known}")
                for index, item in enumerate(value) if item not in _VALUES]
    if len(set(map(str, value))) != len(value):
        problems.append(("", "lists a label twice; list each once"))
    return problems


def declared_labels(meta: Any) -> frozenset[FaultLabel]:
    """The valid labels a cassette's meta declares (unknown ones are validate.py's to report)."""
    value = meta.get("fault") if isinstance(meta, dict) else None
    if not isinstance(value, list):
        return frozenset()
    return frozenset(FaultLabel(item) for item in value if item in _VALUES)
