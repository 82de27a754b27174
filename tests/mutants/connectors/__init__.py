"""Deliberately broken variants of the Binance connector, one bug each.

The classes are in broken_*.py; each folder here is one mutant's manifest. The bugs each check
must catch are listed in tests/mutants/test_mutants_are_caught.py.
"""
