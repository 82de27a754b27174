"""Write every Bybit suite cassette: python tools/bybit_cassettes/generate.py [scenario ...]."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import scenarios_account
import scenarios_markets
import scenarios_orders

OUT = Path(__file__).resolve().parents[2] / "cassettes" / "bybit"
wanted = set(sys.argv[1:])
for build in scenarios_markets.ALL + scenarios_orders.ALL + scenarios_account.ALL:
    if wanted and build.__name__ not in wanted:
        continue
    cassette = build()
    assert cassette.scenario == build.__name__, build.__name__
    cassette.dump(OUT)
    print("wrote", cassette.scenario)
