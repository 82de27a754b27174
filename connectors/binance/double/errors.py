"""Binance's error answers (errors.md) as the double raises them, and the exchange's reasons.

An error carries its Binance `code`, `msg`, HTTP status and whether the client is to blame
(`invalid`): invalid requests are also marked so in the server's request log, while business
refusals (insufficient balance, unknown order, a LIMIT_MAKER that would take) are normal.
"""

from __future__ import annotations

from connectors.binance.double.markets import notional_filter
from harness.double import Rejection, RejectReason

DECIMAL_RANGE = r"^([0-9]{1,20})(\.[0-9]{1,20})?$"
LONG_RANGE = r"^[0-9]{1,20}$"
CLIENT_ID_RANGE = r"^[a-zA-Z0-9-_]{1,36}$"


class BinanceError(Exception):
    """One Binance error response: ``{"code": code, "msg": msg}`` with HTTP `status`."""

    def __init__(self, code: int, msg: str, status: int = 400, *, invalid: bool = True,
                 reason: str | None = None) -> None:
        super().__init__(f"{code} {msg}")
        self.code = code
        self.msg = msg
        self.status = status
        self.invalid = invalid
        self.reason = reason or msg
        """What the request log says about an invalid request (may be more precise)."""

    @property
    def body(self) -> dict[str, int | str]:
        return {"code": self.code, "msg": self.msg}


# -- the client's mistakes (marked invalid) ----------------------------------------------------
def mandatory(name: str) -> BinanceError:
    return BinanceError(-1102, f"Mandatory parameter '{name}' was not sent, was empty/null, "
                               "or malformed.")


def one_of(first: str, second: str) -> BinanceError:
    return BinanceError(-1102, f"Param '{first}' or '{second}' must be sent, but both were "
                               "empty/null!")


def empty(name: str) -> BinanceError:
    return BinanceError(-1105, f"Parameter '{name}' was empty.")


def illegal(name: str, legal: str) -> BinanceError:
    return BinanceError(-1100, f"Illegal characters found in parameter '{name}'; legal range "
                               f"is '{legal}'.")


def not_valid(name: str) -> BinanceError:
    return BinanceError(-1130, f"Data sent for parameter '{name}' is not valid.")


def not_required(name: str) -> BinanceError:
    # errors.md also lists -1114 for timeInForce, but Binance answers a LIMIT_MAKER with a
    # timeInForce with -1106 (ccxt/node-binance-api pull request 358).
    return BinanceError(-1106, f"Parameter '{name}' sent when not required.")


def too_precise(name: str) -> BinanceError:
    return BinanceError(-1111, f"Parameter '{name}' has too much precision.")


def unread(read: int, sent: int) -> BinanceError:
    return BinanceError(-1104, f"Not all sent parameters were read; read '{read}' parameter(s) "
                               f"but was sent '{sent}'.")


def duplicate_parameter(name: str) -> BinanceError:
    return BinanceError(-1101, "Duplicate values for a parameter detected.",
                        reason=f"parameter {name!r} sent twice")


def bad_combination() -> BinanceError:
    return BinanceError(-1128, "Combination of optional parameters invalid.")


def filter_failure(name: str, detail: str, *, invalid: bool = True) -> BinanceError:
    return BinanceError(-1013, f"Filter failure: {name}", invalid=invalid,
                        reason=f"Filter failure: {name} ({detail})")


INVALID_SYMBOL = BinanceError(-1121, "Invalid symbol.")
BAD_API_KEY_FORMAT = BinanceError(-2014, "API-key format invalid.", 401)
REJECTED_API_KEY = BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401)
BAD_SIGNATURE = BinanceError(-1022, "Signature for this request is not valid.")
BAD_RECV_WINDOW = BinanceError(-1131, "recvWindow must be less than 60000")
OUTSIDE_RECV_WINDOW = "Timestamp for this request is outside of the recvWindow."
AHEAD_OF_SERVER = "Timestamp for this request was 1000ms ahead of the server's time."
ENUM_ERRORS = {"side": (-1117, "Invalid side."), "type": (-1116, "Invalid orderType."),
               "timeInForce": (-1115, "Invalid timeInForce."),
               "cancelRestrictions": (-1145, "Invalid cancelRestrictions")}


def bad_enum(name: str) -> BinanceError:
    code, msg = ENUM_ERRORS.get(name, (-1130, f"Data sent for parameter '{name}' is not valid."))
    return BinanceError(code, msg)


def timestamp_error(message: str = OUTSIDE_RECV_WINDOW, *, invalid: bool = True,
                    reason: str | None = None) -> BinanceError:
    return BinanceError(-1021, message, invalid=invalid, reason=reason)


# -- business refusals (valid requests) --------------------------------------------------------
UNKNOWN_ORDER = "Unknown order sent."
NO_SUCH_ORDER = BinanceError(-2013, "Order does not exist.", invalid=False)
CANCEL_UNKNOWN = BinanceError(-2011, UNKNOWN_ORDER, invalid=False)
LIQUIDITY = "Order book liquidity is less than `LOT_SIZE` filter minimum quantity."

_ORDER_REJECTIONS: dict[RejectReason, str] = {
    RejectReason.MARKET_CLOSED: "Market is closed.",
    RejectReason.DUPLICATE_CLIENT_ID: "Duplicate order sent.",
    RejectReason.WOULD_TAKE: "Order would immediately match and take.",
    RejectReason.INSUFFICIENT_BALANCE: "Account has insufficient balance for requested action.",
    RejectReason.NO_LIQUIDITY: LIQUIDITY,
    RejectReason.LOT_SIZE: LIQUIDITY,  # after our own filter checks: a quote-qty MARKET order
}
_FILTERS = {RejectReason.PRICE_FILTER: "PRICE_FILTER", RejectReason.LOT_SIZE: "LOT_SIZE",
            RejectReason.MIN_NOTIONAL: "NOTIONAL"}

REJECT_REASONS: dict[RejectReason, str] = {
    RejectReason.INSUFFICIENT_BALANCE: "INSUFFICIENT_BALANCES",
    RejectReason.WOULD_TAKE: "WOULD_MATCH_IMMEDIATELY",
}
"""executionReport `r` for the exchange's reasons (anything else is "NONE")."""


def filter_name(reason: RejectReason, symbol: str = "") -> str | None:
    """The Binance filter that a neutral rejection reason stands for, if it is one (the
    notional filter by the name `symbol` is listed with)."""
    if reason is RejectReason.MIN_NOTIONAL:
        return notional_filter(symbol)
    return _FILTERS.get(reason)


def placement_refused(rejection: Rejection, *, by_quote: bool, symbol: str = "") -> BinanceError:
    """The answer to an order the exchange refused, after the wire's own checks passed."""
    if rejection.reason is RejectReason.UNKNOWN_SYMBOL:
        return INVALID_SYMBOL
    if rejection.reason is RejectReason.LOT_SIZE and not by_quote:
        return filter_failure("LOT_SIZE", rejection.message)
    name = filter_name(rejection.reason, symbol)
    if name is not None and rejection.reason is not RejectReason.LOT_SIZE:
        # Filters are checked before the exchange is asked; a MARKET order's notional can
        # still fail here when the book moved since the client looked.
        return filter_failure(name, rejection.message, invalid=False)
    message = _ORDER_REJECTIONS.get(rejection.reason)
    if message is None:
        return BinanceError(-2010, rejection.message, invalid=True,
                            reason=f"{rejection.reason.value}: {rejection.message}")
    return BinanceError(-2010, message, invalid=False,
                        reason=f"{rejection.reason.value}: {rejection.message}")
