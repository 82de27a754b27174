"""The shared Gateway client: one implementation of the Gateway connector API that every
gateway connector in connectors/ configures (its dex, trading type and chain)."""
