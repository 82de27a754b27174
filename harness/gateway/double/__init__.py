"""An in-memory Hummingbot Gateway served on 127.0.0.1: an ethereum and a solana network,
constant-product AMM pools, bin-based concentrated-liquidity pools, a router over them,
wallets, and transactions that stay pending for a few blocks before they confirm or fail."""
