"""Property-based order-lifecycle scenarios: a hypothesis state machine over a connector and
its exchange double, with faults, invariants, profiles and regression cassettes.

Layering: settings, steps, edges, ledger, bridge (plain) -> world (double
server, connector) -> invariants, quiescence, driver -> faults, machine -> runner ->
regression, api. Suites reach it through `SubjectPlan.scenarios()` (harness.subject),
never by importing it.
"""
