"""Guards for `advance` (推进条件), by the stage being left.

Each guard returns the list of what is missing, in Chinese, so the page and the API can show
everything at once. Later stages register theirs with `register`.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable

from sqlalchemy.orm import Session

from workflow.models import Evaluation

Guard = Callable[[Session, Evaluation], list[str]]
GUARDS: dict[str, list[Guard]] = {}


def register(stage: str) -> Callable[[Guard], Guard]:
    """Decorator: `guard` must pass before an evaluation may leave `stage`."""

    def decorate(guard: Guard) -> Guard:
        guards = GUARDS.setdefault(stage, [])
        guards.append(guard)
        # The same order whichever module was imported first: messages read the same each time.
        rank = {name: i for i, name in enumerate((__name__, *STAGE_MODULES))}
        guards.sort(key=lambda g: rank.get(g.__module__, len(rank)))
        return guard

    return decorate


# Later stages keep their guards (and `on_enter` hooks) beside their services and register them
# on import: 组织实施 the indicator system and the tasks, 分析评价 the scores, 报告撰写 the report.
STAGE_MODULES = (
    "workflow.indicator_tree",
    "workflow.tasks",
    "workflow.scorecards",
    "workflow.reports",
)


@functools.cache
def load_stage_modules() -> None:
    """Import the modules that register later stages' guards and hooks (once per process)."""
    for name in STAGE_MODULES:
        importlib.import_module(name)


def unmet_guards(session: Session, evaluation: Evaluation) -> list[str]:
    """Every unmet condition for leaving the evaluation's current stage."""
    load_stage_modules()
    return [msg for guard in GUARDS.get(evaluation.state, []) for msg in guard(session, evaluation)]


@register("preparation")
def group_is_formed(_session: Session, evaluation: Evaluation) -> list[str]:
    missing = []
    if not evaluation.ids_in("leader"):
        missing.append("尚未指定组长")
    if not evaluation.ids_in("member"):
        missing.append("工作组至少需要一名成员")
    return missing


@register("preparation")
def work_plan_uploaded(_session: Session, evaluation: Evaluation) -> list[str]:
    return [] if evaluation.has_work_plan else ["缺少评价工作方案"]


@register("preparation")
def budget_figures_given(_session: Session, evaluation: Evaluation) -> list[str]:
    missing = []
    if not evaluation.budget or evaluation.budget <= 0:
        missing.append("缺少项目预算金额")
    if evaluation.funds_received is None:
        missing.append("缺少到位资金金额")
    if evaluation.funds_spent is None:
        missing.append("缺少实际支出金额")
    return missing
