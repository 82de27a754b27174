"""The spot conformance suite: checks every spot connector must pass, by area."""
