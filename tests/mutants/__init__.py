"""Proof that the spot checks bite: broken connectors and the test that runs them."""
