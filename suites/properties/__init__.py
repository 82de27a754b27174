"""Property-based checks: order lifecycles under random operations and faults, and the
regression cassettes their failures left behind."""
