"""Access to one evaluation: load it if the user may see it (404 otherwise, never a hint that it
exists), check a permission through `roles`, and hold its row for work that must not interleave.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload, undefer

import roles
from workflow.accounts.models import User
from workflow.kernel.db import forget_reads
from workflow.kernel.errors import NotAllowed, NotFound
from workflow.lifecycle.models import Evaluation

# A page reads the evaluation with its group (who holds which role, and their names) and its
# unit, once per request: asked again, the session's identity map answers without a SELECT.
_PAGE_OPTIONS = (joinedload(Evaluation.members), undefer(Evaluation.group_roles))

# An action decides on the row as it is now (populate_existing: not on what this session saw
# earlier) and reads only the row: permissions and the 前期准备 guards need the group by id, the
# covering bureau (through the unit, joined) and whether the work plan is there. The group's
# rows load on first use, if a stage hook wants names.
_LOAD_FOR_ACTION = (
    select(Evaluation)
    .where(Evaluation.id == bindparam("evaluation_id"))
    .options(undefer(Evaluation.has_work_plan), undefer(Evaluation.group_roles))
    .execution_options(populate_existing=True)
)


def _load(session: Session, evaluation_id: int, for_action: bool) -> Evaluation | None:
    if for_action:
        return session.scalars(_LOAD_FOR_ACTION, {"evaluation_id": evaluation_id}).one_or_none()
    return session.get(Evaluation, evaluation_id, options=_PAGE_OPTIONS)


def get_visible(
    session: Session, user: User, evaluation_id: int, *, for_action: bool = False
) -> Evaluation:
    """The evaluation if `user` may see it; otherwise NotFound, never a hint that it exists.

    `for_action` loads the row as the database has it now, with what permissions and the
    前期准备 guards read (group by id, covering bureau, work plan), and no related rows.
    """
    evaluation = _load(session, evaluation_id, for_action)
    if evaluation is None or not roles.can_view(user, evaluation):
        raise NotFound("评价不存在或无权查看")
    return evaluation


def require(user: User, permission: str, evaluation: Evaluation) -> None:
    if not roles.can(user, permission, evaluation):
        raise NotAllowed("您无权进行此操作，或当前阶段不允许")


def lock(session: Session, evaluation_id: int, *, shared: bool = False) -> None:
    """Hold the evaluation's row until commit, for work that reads, checks and then writes
    other rows and must not interleave with its counterpart (打分 against 评分定稿).

    Call it first, before reading what is checked. On PostgreSQL a row lock: shared ones
    (scorers) do not wait for each other, an exclusive one waits for them and holds them off,
    as do actions and edits (their compare-and-set writes the row). SQLite has one writer at a
    time: an empty write takes its lock, so what is read next includes every earlier commit.
    It neither checks nor moves the row's `version`.
    """
    forget_reads(session)  # what is read next is read after the lock
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.execute(_TAKE_WRITE_LOCK, {"evaluation_id": evaluation_id})
    else:
        lock_row = _LOCK_SHARED if shared else _LOCK
        connection.execute(lock_row, {"evaluation_id": evaluation_id})


_table = Evaluation.__table__

_LOCK = select(_table.c.id).where(_table.c.id == bindparam("evaluation_id")).with_for_update()

_LOCK_SHARED = _LOCK.with_for_update(read=True)

_TAKE_WRITE_LOCK = (
    update(_table).where(_table.c.id == bindparam("evaluation_id")).values(version=_table.c.version)
)
