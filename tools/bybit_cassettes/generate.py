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

from harness.cassette.builder import write_scenarios

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
wanted = set(sys.argv[1:])
for category in (bybit_data.SPOT, bybit_data.LINEAR):
    bybit_data.use(category)
    out = CASSETTES / bybit_data.P.connector
    out.mkdir(exist_ok=True)
    perp = scenarios_perp.ALL if category == bybit_data.LINEAR else []
    builders = scenarios_markets.ALL + scenarios_orders.ALL + scenarios_account.ALL + perp
    for cassette in write_scenarios(builders, out, wanted):
        print("wrote", out.name, cassette.scenario)
