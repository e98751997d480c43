"""推进条件 for leaving 前期准备: each returns what is missing, in Chinese."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workflow.lifecycle.models import Evaluation


def group_is_formed(session: Session, evaluation: Evaluation) -> list[str]:
    """评价工作组: a 组长 and at least one 成员."""
    missing = leader_is_named(session, evaluation)
    if not evaluation.ids_in("member"):
        missing.append("工作组至少需要一名成员")
    return missing


def leader_is_named(_session: Session, evaluation: Evaluation) -> list[str]:
    """组长 (in a 单位自评: the 项目负责人 who fills the form)."""
    return [] if evaluation.ids_in("leader") else ["尚未指定组长"]


def work_plan_uploaded(_session: Session, evaluation: Evaluation) -> list[str]:
    return [] if evaluation.has_work_plan else ["缺少评价工作方案"]


def budget_figures_given(_session: Session, evaluation: Evaluation) -> list[str]:
    missing = []
    if not evaluation.budget or evaluation.budget <= 0:
        missing.append("缺少项目预算金额")
    if evaluation.funds_received is None:
        missing.append("缺少到位资金金额")
    if evaluation.funds_spent is None:
        missing.append("缺少实际支出金额")
    return missing
