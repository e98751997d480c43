"""推进条件 for leaving 组织实施: a valid indicator system."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workflow.indicators.queries import EMPTY_TREE, system_of
from workflow.lifecycle.models import Evaluation


def indicator_system_valid(session: Session, evaluation: Evaluation) -> list[str]:
    """推进条件: the indicator system exists and is valid."""
    system = system_of(session, evaluation)
    if not system.indicators:
        return [EMPTY_TREE]
    return [f"评价指标体系：{message}" for message in system.errors]
