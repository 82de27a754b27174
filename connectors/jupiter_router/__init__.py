"""Jupiter (Gateway router) through Hummingbot Gateway (the shared Gateway client)."""
