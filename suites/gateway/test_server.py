"""GW-SRV: the Gateway this connector is judged against keeps the Gateway contract."""

from __future__ import annotations

from typing import Any

from harness.checks import check


@check("GW-SRV-1", "The Gateway double serving this connector's DEX passes every GW check "
       "(docs/standard.md)", area="gateway-server", standard="gateway")
async def test_the_double_keeps_the_gateway_contract(gateway_subject: Any) -> None:
    results = await gateway_subject.server_checks()
    bad = [f"{r.check_id} {r.outcome}: {r.message}" for r in results
           if r.outcome not in ("passed",)]
    assert results and not bad, "\n".join(bad)
