"""结果应用的规则: the decisions the bureau may take for the next budget, and the default each
等级 suggests (an administrator changes them; `DEFAULT_RULES` until then)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from workflow.scoring.rules import GRADE_TITLES

#: 结果应用: what the grade means for the project's next budget.
DECISIONS: dict[str, str] = {
    "keep": "维持",
    "increase": "增加",
    "reduce": "压减",
    "stop": "取消",
    "rectify": "整改后再安排",
}

#: Decisions stated with a percentage of the budget: 压减 needs one, 增加 may have one.
WITH_PERCENTAGE = ("reduce", "increase")
NEEDS_PERCENTAGE = ("reduce",)
MAX_PERCENTAGE = Decimal(100)


@dataclass(frozen=True)
class Rule:
    """One 等级's default 结果应用 (e.g. 中 → 压减 10%)."""

    grade: str
    decision: str
    percentage: Decimal | None = None

    @property
    def decision_label(self) -> str:
        return DECISIONS[self.decision]


#: The defaults (财政部门 commonly: 优/良 维持, 中 压减 10%, 差 取消), one per 等级 of GRADE_TITLES.
DEFAULT_RULES: dict[str, Rule] = {
    "优": Rule("优", "keep"),
    "良": Rule("良", "keep"),
    "中": Rule("中", "reduce", Decimal(10)),
    "差": Rule("差", "stop"),
}
assert tuple(DEFAULT_RULES) == GRADE_TITLES


def percentage_problem(decision: str, percentage: Decimal | None) -> str | None:
    """Why `percentage` does not go with `decision` (in Chinese), or None if it does."""
    if percentage is None:
        return "压减须写明比例" if decision in NEEDS_PERCENTAGE else None
    if decision not in WITH_PERCENTAGE:
        return f"“{DECISIONS[decision]}”不填写比例"
    if not Decimal(0) < percentage <= MAX_PERCENTAGE:
        return "比例应大于 0、不超过 100"
    return None


def label(decision: str | None, percentage: Decimal | None) -> str:
    """The decision as a sheet and a page print it: "压减 10%", "维持", "—"."""
    if decision is None:
        return "—"
    if percentage is None:
        return DECISIONS[decision]
    return f"{DECISIONS[decision]} {percentage.normalize():f}%"
