"""The account: moves between free and locked never go negative, touched assets are reported."""

from __future__ import annotations

import pytest
from double_fixtures import D

from harness.double import Account, AssetBalance, InsufficientFunds


def test_lock_unlock_and_spend_move_between_free_and_locked() -> None:
    account = Account()
    account.set_free("USDT", D("100"))
    account.lock("USDT", D("40"))
    account.spend_locked("USDT", D("15"))
    account.unlock("USDT", D("5"))
    assert account.balance("USDT") == AssetBalance("USDT", D("65"), D("20"))
    assert account.balance("USDT").total == D("85")


def test_no_move_can_make_a_balance_negative() -> None:
    account = Account()
    account.set_free("BTC", D("1"))
    with pytest.raises(InsufficientFunds, match="free BTC would become -1"):
        account.lock("BTC", D("2"))
    with pytest.raises(InsufficientFunds):
        account.spend_locked("BTC", D("0.1"))
    with pytest.raises(InsufficientFunds):
        account.set_free("BTC", D("-1"))
    with pytest.raises(InsufficientFunds):
        account.credit("BTC", D("-1.5"))
    assert account.balance("BTC") == AssetBalance("BTC", D("1"), D("0"))


def test_touched_assets_are_reported_once_sorted() -> None:
    account = Account()
    account.credit("USDT", D("1"))
    account.set_free("BTC", D("2"))
    assert [b.asset for b in account.take_touched()] == ["BTC", "USDT"]
    assert account.take_touched() == ()
    assert list(account.balances()) == ["BTC", "USDT"]
    account.reset()
    assert account.balances() == {} and account.free("BTC") == 0
