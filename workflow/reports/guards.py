"""推进条件 for leaving 报告撰写: the report's consistency checks."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workflow.lifecycle.models import Evaluation
from workflow.reports.checks import checks_of


def report_is_consistent(session: Session, evaluation: Evaluation) -> list[str]:
    """推进条件 of 报告撰写: the report passes every consistency check."""
    return [check.message for check in checks_of(session, evaluation)]
