"""Write every Bybit suite cassette: python tools/bybit_cassettes/generate.py [scenario ...].

One scenario set, two products: spot (cassettes/bybit/) and USDT perpetuals
(cassettes/bybit_perpetual/).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bybit_data
import scenarios_account
import scenarios_markets
import scenarios_orders
import scenarios_perp

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
wanted = set(sys.argv[1:])
for category in (bybit_data.SPOT, bybit_data.LINEAR):
    bybit_data.use(category)
    out = CASSETTES / bybit_data.P.connector
    out.mkdir(exist_ok=True)
    perp = scenarios_perp.ALL if category == bybit_data.LINEAR else []
    for build in scenarios_markets.ALL + scenarios_orders.ALL + scenarios_account.ALL + perp:
        if wanted and build.__name__ not in wanted:
            continue
        cassette = build()
        assert cassette.scenario == build.__name__, build.__name__
        cassette.dump(out)
        print("wrote", out.name, cassette.scenario)
