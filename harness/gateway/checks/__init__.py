"""The GW checks a running Gateway is judged by: contract (routes, schemas, errors) and
semantics (quotes, swaps, transactions, liquidity). `run_checks` runs them in order."""
