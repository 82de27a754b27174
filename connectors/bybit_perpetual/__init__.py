"""Bybit v5 USDT linear perpetuals, on the Bybit spot connector (one API, category=linear)
and the harness' perpetual base. Not registered yet: it has no connector.toml until its
cassettes, double and suites/perp exist."""
