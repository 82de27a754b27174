"""Write every Binance suite cassette: python generate.py [scenario ...]."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import scenarios_account
import scenarios_markets
import scenarios_orders

from harness.cassette.builder import write_scenarios

OUT = Path(__file__).resolve().parents[2] / "cassettes" / "binance"
for cassette in write_scenarios(scenarios_markets.ALL + scenarios_orders.ALL
                                + scenarios_account.ALL, OUT, set(sys.argv[1:])):
    print("wrote", cassette.scenario)
