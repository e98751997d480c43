"""金额 (amounts in 万元): the column type, the range and precision every amount is held to,
and how an amount is written back, in one place for the API, the page forms and the exports.

An amount is kept exactly to the 分: 万元 with up to six decimals ("38.766462" is 387,664.62 元).
More decimals than that are refused, never rounded; so are amounts the column cannot hold.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Numeric

#: Decimals of a 万元 amount: six places are the 分 (0.000001 万元 = 0.01 元).
MONEY_PLACES = 6
#: Digits the column holds in all, nine before the point (below 10 亿万元): fifteen significant
#: digits are what SQLite, which keeps a NUMERIC as a double, gives back exactly too.
MONEY_DIGITS = 15
MONEY_LIMIT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)  # exclusive
_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)
_YUAN_PER_WANYUAN = Decimal(10000)

Money = Numeric(MONEY_DIGITS, MONEY_PLACES)  # 万元, exact to the 分; never binary floats


def money_problem(value: Decimal) -> str | None:
    """What is wrong with an amount in 万元 (negative, too large, finer than the 分), or None.
    The range is checked first: a number like 1e+300 cannot even be rounded to the 分."""
    if not value.is_finite():
        return "应为数字"
    if value < 0:
        return "不能为负数"
    if value >= MONEY_LIMIT:
        return f"超出可填写的范围（应小于 {MONEY_LIMIT:,} 万元）"
    if value != value.quantize(_QUANTUM):
        return f"最多保留 {MONEY_PLACES} 位小数（万元，精确到分）"
    return None


def to_money(value: Any) -> Decimal:
    """An amount in 万元 from a str, int or Decimal (a float through its shortest repr);
    ValueError with the Chinese problem when it is not a number or `money_problem` refuses it."""
    if isinstance(value, bool) or value is None:
        raise ValueError("应为数字")
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError("应为数字") from None
    problem = money_problem(number)
    if problem:
        raise ValueError(problem)
    return number


def money_str(value: Decimal | None) -> str | None:
    """The amount as the API writes it: at least two decimals, more only where the 分 need them
    ("300" → "300.00", "38.766462" → "38.766462", "12.3400" → "12.34")."""
    if value is None:
        return None
    whole, _, decimals = f"{Decimal(value).quantize(_QUANTUM):f}".partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def yuan(value: Decimal | None) -> Decimal | None:
    """万元 → 元, exact (38.766462 → 387664.62)."""
    return None if value is None else (Decimal(value) * _YUAN_PER_WANYUAN).quantize(Decimal("0.01"))
