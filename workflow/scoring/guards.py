"""推进条件 for leaving 分析评价: every leaf scored and the scores finalised."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workflow.indicators.queries import load_nodes
from workflow.lifecycle.models import Evaluation
from workflow.scoring.scorecard import finalization, unscored


def every_leaf_scored(session: Session, evaluation: Evaluation) -> list[str]:
    """推进条件: every leaf has a score or is 不适用."""
    if not load_nodes(session, evaluation):
        return ["尚未设置评价指标体系"]
    return unscored(session, evaluation)


def scores_finalized(session: Session, evaluation: Evaluation) -> list[str]:
    """推进条件: the 组长 has finalised the scores."""
    return [] if finalization(session, evaluation) else ["评分尚未定稿"]
