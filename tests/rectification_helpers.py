"""整改事项 of an archived evaluation, made directly (the archive itself is tested with the
report): the rectification tests' factory."""

from __future__ import annotations

import io
from datetime import date

from conftest import put_in_state

from workflow.rectifications import operations as rectifications
from workflow.rectifications.models import Rectification

PROBLEM = "资金支付进度较慢"
MEASURE = "建立支付台账，按月调度"
EVIDENCE = ("支付台账.txt", "2024年支付台账：1月 120 万元".encode())


def archived_items(session, team, owner=None, **fields) -> list[Rectification]:
    """The team's evaluation archived with two items: one owned by `owner` (a 成员 by
    default), one whose owner is outside the system (a name only)."""
    evaluation = put_in_state(session, team.evaluation, "archived")
    owner = owner or team.members[0]
    items = [
        Rectification(
            evaluation_id=evaluation.id,
            kind="problem",
            problem=fields.pop("problem", PROBLEM),
            measure=MEASURE,
            owner_id=owner.id,
            due_date=fields.pop("due_date", date(2099, 6, 30)),
            **fields,
        ),
        Rectification(
            evaluation_id=evaluation.id,
            kind="suggestion",
            problem="加强绩效管理业务培训",
            owner_text="办公室刘向东",
            due_date=date(2099, 12, 31),
        ),
    ]
    session.add_all(items)
    session.commit()
    return items


def hand_in(session, item: Rectification, actor, store) -> None:
    """整改完成 with one evidence file and a note, by `actor` (the owner or the 组长)."""
    name, data = EVIDENCE
    rectifications.add_evidence(session, actor, item.id, [(name, io.BytesIO(data))], store)
    rectifications.update_item(
        session, actor, item.id, rectifications.Changes(status="done", note="已建立台账"), None
    )
    session.refresh(item)
