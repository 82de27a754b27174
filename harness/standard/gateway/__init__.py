"""The Gateway standard: Hummingbot Gateway's DEX model and the schemas of its REST routes.

Gateway (hummingbot/gateway) is a middleware that exposes one REST contract per trading type
(router, amm, clmm) and per chain (ethereum, solana). This package holds that contract as
data: the model (model.py), the money rules quotes and transactions obey (rules.py), a small
schema language (schema.py) and every route with its request and response schema (routes.py).
Standard library only, like the rest of harness.standard.
"""
