"""Bybit v5 USDT linear perpetuals, on the Bybit spot connector (one API, category=linear)
and the harness' perpetual base."""
