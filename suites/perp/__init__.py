"""PERP checks: what a perpetual connector adds to a spot one (positions, leverage, position
mode, funding, position actions, collateral). The spot checks run on perpetual connectors too."""
