import asyncio
from harness.checks import check
from harness.standard.pair import TradingPair

@check("SPOT-SYM-1", "exp", area="symbols", scenario="exp_startup")
async def test_exp(subject):
    import time
    t = time.perf_counter()
    await subject.start()
    print("ready in", time.perf_counter() - t, dict(subject.connector.status))
    for r in subject.server.requests:
        print(r.method, r.path, r.view.query_string[:80], r.interaction_index)
    print(subject.log_text)
