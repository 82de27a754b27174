"""Gateway: the in-memory Gateway double (double/), the contract and semantic checks a
running Gateway is judged by (checks/, `harness gateway check`), and the shared client the
gateway connectors are configured from (client/)."""
