"""阶段截止日期: the 组长 sets a deadline per stage; the sweep reminds of them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.accounts.models import User
from workflow.kernel.access import get_visible, require
from workflow.kernel.audit import audit
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import InvalidInput
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import STATES
from workflow.reminders.models import DEADLINE_STAGES, StageDeadline


def _editable(session: Session, actor: User, evaluation_id: int) -> Evaluation:
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "edit_project", evaluation)
    return evaluation


def _set(session: Session, evaluation: Evaluation, stage: str, due: date | None) -> str | None:
    """Set one stage's deadline; what changed in words ("报告撰写 （未设定） → 2024-04-20"),
    or None if it stays as it was."""
    if stage not in DEADLINE_STAGES:
        raise InvalidInput.field("stage", "阶段无效")
    row = session.scalar(
        select(StageDeadline).where(
            StageDeadline.evaluation_id == evaluation.id, StageDeadline.stage == stage
        )
    )
    before = row.due_date if row is not None else None
    if before == due:
        return None
    if due is None:
        session.delete(row)
    elif row is None:
        session.add(StageDeadline(evaluation_id=evaluation.id, stage=stage, due_date=due))
    else:
        row.due_date = due
    return f"{STATES[stage]} {before or '（未设定）'} → {due or '（未设定）'}"


def _audit(session: Session, evaluation: Evaluation, actor: User, changes: list[str]) -> None:
    if changes:
        audit(session, evaluation, actor, "stage_deadlines_set", comment="；".join(changes))


@unit_of_work
def set_stage_deadline(
    session: Session, actor: User, evaluation_id: int, stage: str, due: date | None
) -> None:
    """设置阶段期限 (组长): `due` None removes it."""
    evaluation = _editable(session, actor, evaluation_id)
    change = _set(session, evaluation, stage, due)
    _audit(session, evaluation, actor, [change] if change else [])


def stage_deadlines(session: Session, actor: User, evaluation_id: int) -> dict[str, date | None]:
    """阶段期限 of an evaluation, every stage listed (None: no deadline of its own)."""
    return deadlines_of(session, get_visible(session, actor, evaluation_id))


def deadlines_of(session: Session, evaluation: Evaluation) -> dict[str, date | None]:
    """阶段期限 of an evaluation already found visible (its page)."""
    rows = session.scalars(
        select(StageDeadline).where(StageDeadline.evaluation_id == evaluation.id)
    )
    found = {row.stage: row.due_date for row in rows}
    return {stage: found.get(stage) for stage in DEADLINE_STAGES}


@unit_of_work
def set_stage_deadlines(
    session: Session, actor: User, evaluation_id: int, deadlines: dict[str, date | None]
) -> dict[str, date | None]:
    """Set several stage deadlines at once (one transaction, one audit event naming what
    changed); stages not given stay."""
    evaluation = _editable(session, actor, evaluation_id)
    changes = [_set(session, evaluation, stage, due) for stage, due in deadlines.items()]
    _audit(session, evaluation, actor, [change for change in changes if change])
    session.flush()
    return stage_deadlines(session, actor, evaluation_id)
