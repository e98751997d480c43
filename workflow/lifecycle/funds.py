"""项目资金 of the 自评表: the funds by source (当年财政拨款 / 上年结转资金 / 其他资金) and the
rule that the sources add up to the totals (年初预算数, 全年预算数, 全年执行数)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from workflow.kernel.errors import FieldError, InvalidInput
from workflow.kernel.money import money_problem, money_str, to_money

#: 资金来源 with their labels, in the form's order.
FUND_SOURCES = {"fiscal": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
#: The form's amount columns: the source's field, the evaluation's total, the label.
FUND_COLUMNS = (
    ("initial_budget", "initial_budget", "年初预算数"),
    ("budget", "budget", "全年预算数"),
    ("spent", "funds_spent", "全年执行数"),
)


@dataclass(frozen=True)
class FundSource:
    """One row of 项目资金 below 年度资金总额 (万元; None where the unit left it blank)."""

    source: str
    initial_budget: Decimal | None = None
    budget: Decimal | None = None
    spent: Decimal | None = None

    @property
    def label(self) -> str:
        return FUND_SOURCES[self.source]

    def as_json(self) -> dict[str, Any]:
        """The stored and API shape: amounts as exact decimal strings."""
        return {"source": self.source} | {
            column: money_str(getattr(self, column)) for column, _, _ in FUND_COLUMNS
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FundSource:
        return cls(
            data["source"],
            *(_amount(data.get(column)) for column, _, _ in FUND_COLUMNS),
        )


def _amount(value: Any) -> Decimal | None:
    return None if value is None or value == "" else to_money(value)


def sources_of(stored: list[dict[str, Any]] | None) -> list[FundSource]:
    """The stored `fund_sources` of an evaluation as rows, in the form's order."""
    rows = [FundSource.from_json(item) for item in stored or []]
    return sorted(rows, key=lambda row: list(FUND_SOURCES).index(row.source))


def check_fund_sources(sources: list[FundSource], totals: dict[str, Decimal | None]) -> None:
    """Refuse an unknown or repeated source, and a column whose sources do not add up to its
    total: 400 with `details` naming the column and the difference in 万元."""
    seen: set[str] = set()
    for row in sources:
        if row.source not in FUND_SOURCES:
            known = "、".join(f"{k}（{v}）" for k, v in FUND_SOURCES.items())
            raise InvalidInput.field("fund_sources", f"资金来源“{row.source}”未知，可选：{known}")
        if row.source in seen:
            raise InvalidInput.field("fund_sources", f"资金来源“{row.label}”重复")
        seen.add(row.source)
        for column, _, label in FUND_COLUMNS:
            value = getattr(row, column)
            problem = None if value is None else money_problem(value)
            if problem:
                raise InvalidInput.field("fund_sources", f"{row.label}的{label}{problem}")
    mismatches = [m for m in (_mismatch(sources, *c, totals) for c in FUND_COLUMNS) if m]
    if mismatches:
        raise InvalidInput(
            details={"fund_sources": mismatches},
            errors=[FieldError("fund_sources", m["message"]) for m in mismatches],
        )


def _mismatch(
    sources: list[FundSource],
    column: str,
    total_field: str,
    label: str,
    totals: dict[str, Decimal | None],
) -> dict[str, str] | None:
    given = [getattr(row, column) for row in sources if getattr(row, column) is not None]
    if not given:
        return None
    added = sum(given, Decimal(0))
    total = totals.get(total_field)
    if total is not None and added == total:
        return None
    difference = added - (total or Decimal(0))
    stated = "未填写" if total is None else f"{money_str(total)} 万元"
    return {
        "column": column,
        "label": label,
        "total": money_str(total),
        "sum": money_str(added),
        "difference": money_str(abs(difference)),
        "message": (
            f"{label}：各资金来源合计 {money_str(added)} 万元，与年度资金总额（{stated}）"
            f"相差 {money_str(abs(difference))} 万元"
        ),
    }


def amount_warnings(
    budget: Decimal | None, received: Decimal | None, spent: Decimal | None
) -> list[str]:
    """What looks wrong in an evaluation's 预算 / 到位资金 / 实际支出 (万元): more spent than
    received, more received than budgeted (so a rate over 100 %). Said on the form and the
    evaluation page, and named by the report's consistency check."""
    warnings = []
    if _above(spent, received):
        warnings.append(_over("实际支出", spent, "到位资金", received, "资金执行率"))
    if _above(received, budget):
        warnings.append(_over("到位资金", received, "预算", budget, "资金到位率"))
    if _above(spent, budget) and not warnings:
        warnings.append(_over("实际支出", spent, "预算", budget, "预算执行率"))
    return warnings


def _above(amount: Decimal | None, limit: Decimal | None) -> bool:
    return amount is not None and limit is not None and amount > limit


def _over(what: str, amount: Decimal | None, than: str, limit: Decimal | None, rate: str) -> str:
    return f"{what}（{_wan(amount)}）超过{than}（{_wan(limit)}），{rate}将超过 100%，请核对"


def _wan(amount: Decimal | None) -> str:
    return f"{amount or 0:,.2f}万元"
