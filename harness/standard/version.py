"""The version of the connector standard; docs/standard.md and every report quote it."""

STANDARD_VERSION = "1.0.0"
