"""推进条件 for leaving 组织实施: every required task done."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.lifecycle.models import Evaluation
from workflow.tasks.models import Task


def required_tasks_done(session: Session, evaluation: Evaluation) -> list[str]:
    """推进条件: every required task is done."""
    pending = session.scalars(
        select(Task)
        .where(Task.evaluation_id == evaluation.id, Task.required, Task.status != "done")
        .order_by(Task.id)
    )
    return [f"必做任务“{task.title}”尚未完成" for task in pending]
