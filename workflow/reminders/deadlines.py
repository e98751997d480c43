"""阶段截止日期: the 组长 sets a deadline per stage; the sweep reminds of them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.accounts.models import User
from workflow.kernel.access import get_visible, require
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import InvalidInput
from workflow.reminders.models import DEADLINE_STAGES, StageDeadline


@unit_of_work
def set_stage_deadline(
    session: Session, actor: User, evaluation_id: int, stage: str, due: date | None
) -> None:
    """设置阶段期限 (组长): `due` None removes it."""

    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "edit_project", evaluation)
    if stage not in DEADLINE_STAGES:
        raise InvalidInput.field("stage", "阶段无效")
    row = session.scalar(
        select(StageDeadline).where(
            StageDeadline.evaluation_id == evaluation.id, StageDeadline.stage == stage
        )
    )
    if due is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = StageDeadline(evaluation_id=evaluation.id, stage=stage, due_date=due)
        session.add(row)
    row.due_date = due


def stage_deadlines(session: Session, actor: User, evaluation_id: int) -> dict[str, date | None]:
    """阶段期限 of an evaluation, every stage listed (None: no deadline of its own)."""

    evaluation = get_visible(session, actor, evaluation_id)
    rows = session.scalars(
        select(StageDeadline).where(StageDeadline.evaluation_id == evaluation.id)
    )
    found = {row.stage: row.due_date for row in rows}
    return {stage: found.get(stage) for stage in DEADLINE_STAGES}


@unit_of_work
def set_stage_deadlines(
    session: Session, actor: User, evaluation_id: int, deadlines: dict[str, date | None]
) -> dict[str, date | None]:
    """Set several stage deadlines at once (one transaction); stages not given stay."""
    for stage, due in deadlines.items():
        set_stage_deadline(session, actor, evaluation_id, stage, due)
    session.flush()
    return stage_deadlines(session, actor, evaluation_id)
