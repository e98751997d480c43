"""Evaluation services (评价业务): create, edit, form the group, and take workflow actions.

Each public function takes the Session and the acting user, checks permission through
`roles`, changes state only through the machine (`workflow.lifecycle.wiring`), writes the
audit event, and runs as one unit of work (see `workflow.kernel.db.unit_of_work`).

Concurrency on the evaluation's row has one mechanism: `_compare_and_set`, an UPDATE whose
WHERE checks the `version` that was read and whose SET moves it on; no row updated is
Conflict ("已被他人处理，请刷新"). Actions (`perform`), project edits (`update_project`) and
group edits (`set_group`) all write the row through it, so any of them makes the others'
later write on the old version miss. `Evaluation` declares no ORM `version_id_col`: an action
stays one read and one write (on PostgreSQL one statement for state + audit, built from the
same UPDATE), and no code sets the row's attributes through the ORM, which would write them
without checking or moving the version (`create_evaluation` inserts the row, at version 1).
`Task`, `IndicatorScore` and `ReportSection` are written only through the ORM and keep its
`version_id_col`. `workflow.kernel.access.lock` is not a second mechanism for this row: it
neither checks nor moves `version` or the state, and only holds the row so that 打分 and
评分定稿, which write other rows (scores, the 定稿), do not interleave.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Update, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

import roles
from workflow.accounts.models import Unit, User
from workflow.kernel import clock
from workflow.kernel.access import get_visible, require
from workflow.kernel.audit import _INSERT_AUDIT, AuditEvent, audit, audit_row
from workflow.kernel.db import CONFLICT_MESSAGE, unit_of_work
from workflow.kernel.errors import (
    Conflict,
    FieldError,
    GuardFailed,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from workflow.kernel.money import money_problem, money_str
from workflow.lifecycle.approvals import approved_this_round, parse_policy
from workflow.lifecycle.funds import FundSource, check_fund_sources
from workflow.lifecycle.models import (
    EVALUATION_KINDS,
    YEARS,
    Approval,
    Evaluation,
    GroupMember,
)
from workflow.lifecycle.states import (
    ACTIONS,
    ACTIONS_NEEDING_REASON,
    DEFAULT_APPROVAL_POLICY,
    ActionContext,
    definition_for,
    return_targets,
)
from workflow.lifecycle.wiring import trigger
from workflow.scoring.rules import (
    EXECUTION_BASES,
    EXECUTION_BASIS_ERROR,
    execution_basis_label,
)


@dataclass
class ProjectFields:
    """The editable project facts of an evaluation (项目与资金情况); amounts in 万元."""

    project_name: str
    year: int
    kind: str
    budget: Decimal | None = None
    funds_received: Decimal | None = None
    funds_spent: Decimal | None = None
    due_date: date | None = None
    targets: str = ""
    competent_department: str = ""
    initial_budget: Decimal | None = None
    fund_sources: list[FundSource] = field(default_factory=list)
    targets_achieved: str = ""
    #: 预算执行率口径 ("budget" | "received"); None keeps the current one (预算 on creation)
    execution_basis: str | None = None


def _check_project(fields: ProjectFields) -> None:
    problems: list[str | FieldError] = []
    if not fields.project_name.strip():
        problems.append("项目名称不能为空")
    if fields.year not in YEARS:
        problems.append(f"年度应在 {YEARS.start} 至 {YEARS.stop - 1} 之间")
    if fields.kind not in EVALUATION_KINDS:
        problems.append("评价类型应为单位自评、部门评价或财政评价")
    for label, value in (
        ("年初预算数", fields.initial_budget),
        ("预算金额", fields.budget),
        ("到位资金", fields.funds_received),
        ("实际支出", fields.funds_spent),
    ):
        problem = None if value is None else money_problem(value)
        if problem:
            problems.append(f"{label}{problem}")
    if fields.execution_basis is not None and fields.execution_basis not in EXECUTION_BASES:
        problems.append(FieldError("execution_basis", EXECUTION_BASIS_ERROR))
    elif fields.execution_basis == "received" and fields.kind == "unit_self":
        # the 自评表 defines 执行率 as 全年执行数 ÷ 全年预算数; its score must agree with it
        problems.append(FieldError("execution_basis", UNIT_SELF_BASIS_ERROR))
    if problems:
        raise InvalidInput(errors=problems)
    check_fund_sources(fields.fund_sources, _project_values(fields))


UNIT_SELF_BASIS_ERROR = (
    "单位自评按自评表口径计算预算执行率（全年执行数÷全年预算数），不能选择按到位资金计算"
)


def _project_values(fields: ProjectFields) -> dict[str, Any]:
    return {
        "project_name": fields.project_name.strip(),
        "year": fields.year,
        "kind": fields.kind,
        "budget": fields.budget,
        "funds_received": fields.funds_received,
        "funds_spent": fields.funds_spent,
        "due_date": fields.due_date,
        "targets": fields.targets,
        "competent_department": fields.competent_department.strip(),
        "initial_budget": fields.initial_budget,
        "fund_sources": [row.as_json() for row in fields.fund_sources] or None,
        "targets_achieved": fields.targets_achieved,
    } | ({"execution_basis": fields.execution_basis} if fields.execution_basis else {})


@unit_of_work
def create_evaluation(
    session: Session,
    actor: User,
    unit_id: int,
    fields: ProjectFields,
    client_addr: str | None = None,
) -> Evaluation:
    """开展评价: open an evaluation for a project and year in `preparation`.

    A unit the actor may not open evaluations for answers as a missing one: whether another
    unit's id exists is none of their business."""
    if not roles.can_create_evaluations(actor):
        raise NotAllowed("您无权创建评价（仅单位用户和管理员可以开展评价）")
    unit = session.get(Unit, unit_id)
    if unit is None or not roles.can_create_evaluation(actor, unit_id):
        raise InvalidInput.field("unit_id", "预算单位不存在")
    _check_project(fields)
    now = clock.now()
    version = definition_for(fields.kind)
    evaluation = Evaluation(
        unit=unit,
        state="preparation",
        machine_version=version,
        round=1,
        approval_policy=DEFAULT_APPROVAL_POLICY[version],
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        stage_entered_at=now,
        **_project_values(fields),
    )
    session.add(evaluation)
    session.flush()
    audit(session, evaluation, actor, "create", role=actor.role, client_addr=client_addr)
    return evaluation


@unit_of_work
def update_project(
    session: Session,
    actor: User,
    evaluation_id: int,
    fields: ProjectFields,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> Evaluation:
    """Edit the project and fund figures (项目与资金情况)."""
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "edit_project", evaluation)
    _check_version(evaluation, expected_version)
    _check_project(fields)
    values = _project_values(fields) | _definition_change(evaluation, fields.kind)
    changed = _changes(evaluation, values)
    values["updated_at"] = clock.now()
    _compare_and_set(session, evaluation, evaluation.version, values)
    audit(session, evaluation, actor, "project_updated", comment=changed, client_addr=client_addr)
    return evaluation


#: 修改项目信息's audit comment names what changed, with these labels.
CHANGE_LABELS = {
    "project_name": "项目名称",
    "year": "年度",
    "kind": "评价类型",
    "budget": "预算",
    "funds_received": "到位资金",
    "funds_spent": "实际支出",
    "due_date": "完成期限",
    "competent_department": "主管部门",
    "initial_budget": "年初预算数",
    "execution_basis": "预算执行率口径",
}
LONG_TEXT = {"targets": "绩效目标", "targets_achieved": "实际完成情况", "fund_sources": "资金来源"}


def _changes(evaluation: Evaluation, values: dict[str, Any]) -> str:
    """ "实际支出 4526.00 → 452.60；绩效目标已修改": what the edit changes, for the audit trail."""
    said = []
    for key, label in CHANGE_LABELS.items():
        before, after = getattr(evaluation, key), values.get(key, getattr(evaluation, key))
        if before != after:
            said.append(f"{label} {_shown(before)} → {_shown(after)}")
    said += [
        f"{label}已修改"
        for key, label in LONG_TEXT.items()
        if key in values and getattr(evaluation, key) != values[key]
    ]
    return "；".join(said)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, Decimal):
        return money_str(value) or ""
    if isinstance(value, str) and value in EVALUATION_KINDS:
        return EVALUATION_KINDS[value]
    if isinstance(value, str) and value in EXECUTION_BASES:
        return execution_basis_label(value)
    return str(value)


def _definition_change(evaluation: Evaluation, kind: str) -> dict[str, Any]:
    """A kind changed across definitions (单位自评 ↔ 部门/财政评价): in 前期准备, before any
    stage has been worked on it, the evaluation moves to the new kind's definition; later the
    change is refused, since an evaluation keeps the definition it started on."""
    version = definition_for(kind)
    if version == evaluation.machine_version:
        return {}
    if evaluation.state != "preparation":
        raise InvalidInput.field(
            "kind", "评价已进入后续阶段，不能在单位自评与部门评价、财政评价之间更改评价类型"
        )
    return {"machine_version": version}


def _check_version(evaluation: Evaluation, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != evaluation.version:
        raise Conflict(CONFLICT_MESSAGE)


def _compare_and_set(
    session: Session, evaluation: Evaluation, read_version: int, values: dict[str, Any]
) -> None:
    """Write `values` to the evaluation's row if its version is still `read_version`, moving
    the version on; Conflict ("已被他人处理，请刷新") if another write got there first.

    The one way the row is changed once created (see the module docstring). The object is kept
    in step without being marked changed, so the ORM has nothing of the row's to flush.
    """
    params = {**values, "evaluation_id": evaluation.id, "read_version": read_version}
    written = session.connection().execute(_compare_and_set_statement(tuple(values)), params)
    if written.rowcount != 1:
        raise Conflict(CONFLICT_MESSAGE)
    _keep_in_step(evaluation, read_version, values)


def _keep_in_step(evaluation: Evaluation, read_version: int, values: dict[str, Any]) -> None:
    for key, value in values.items():
        set_committed_value(evaluation, key, value)
    set_committed_value(evaluation, "version", read_version + 1)


_table = Evaluation.__table__


@functools.cache
def _compare_and_set_statement(columns: tuple[str, ...]) -> Update:
    # Built once per set of columns: statement construction is a large part of an action's cost.
    return (
        update(_table)
        .where(
            _table.c.id == bindparam("evaluation_id"),
            _table.c.version == bindparam("read_version"),
        )
        .values({c: bindparam(c) for c in columns} | {"version": _table.c.version + 1})
    )


FOREIGN_MEMBER = "成员须为本单位用户"


@dataclass
class GroupSpec:
    """评价工作组: user ids per role, and the 领导小组 approval policy."""

    leader: int | None
    deputies: list[int]
    members: list[int]
    approvers: list[int]
    #: None: the definition's default (会签 for a full evaluation, 或签 for a 单位自评).
    approval_policy: str | None = None


def _check_group(session: Session, evaluation: Evaluation, spec: GroupSpec) -> dict[int, User]:
    problems: list[str | FieldError] = []
    roles_ids = {
        "leader": [spec.leader] if spec.leader is not None else [],
        "deputies": spec.deputies,
        "members": spec.members,
        "approvers": spec.approvers,
    }
    ids = {uid for chosen in roles_ids.values() for uid in chosen}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
    ours = {
        uid: user
        for uid, user in users.items()
        if user.role == "unit_user" and user.unit_id == evaluation.unit_id
    }
    # Anyone else is refused alike, unnamed: another unit's user looks like no user at all.
    for name, chosen in roles_ids.items():
        if any(uid not in ours for uid in chosen):
            problems.append(FieldError(name, FOREIGN_MEMBER))
    for uid in sorted(ids & ours.keys()):
        if not ours[uid].active:
            problems.append(f"{ours[uid].display_name} 已停用，不能加入工作组")
    if spec.leader is not None and spec.leader in spec.deputies + spec.members:
        problems.append("组长不能同时担任副组长或成员")
    if set(spec.deputies) & set(spec.members):
        problems.append("同一人不能同时担任副组长和成员")
    kind, n = parse_policy(spec.approval_policy)
    approvers = set(spec.approvers) or {*spec.deputies, *([spec.leader] if spec.leader else [])}
    if kind == "quorum" and n and n > len(approvers):
        problems.append(f"审批规则要求 {n} 人同意，但审批人只有 {len(approvers)} 人")
    if problems:
        raise InvalidInput(errors=problems)
    return users


def _first_leads(actor: User, evaluation: Evaluation, spec: GroupSpec) -> GroupSpec:
    """自评任务 without a 组长: the unit user who forms the group first becomes its 组长."""
    if not roles.must_lead_group(actor, evaluation):
        return spec
    if spec.leader not in (None, actor.id):
        raise InvalidInput.field("leader", "首位组建工作组的本单位用户须担任组长")
    return replace(spec, leader=actor.id)


@unit_of_work
def set_group(
    session: Session,
    actor: User,
    evaluation_id: int,
    spec: GroupSpec,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> Evaluation:
    """组建评价工作组: replace the group (组长、副组长、成员、审批人) and the approval policy."""
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "edit_group", evaluation)
    _check_version(evaluation, expected_version)
    spec = _first_leads(actor, evaluation, spec)
    policy = spec.approval_policy or DEFAULT_APPROVAL_POLICY[evaluation.machine_version]
    spec = replace(spec, approval_policy=policy)
    _check_group(session, evaluation, spec)
    # The row first: a concurrent group edit waits here (PostgreSQL) and then misses.
    values = {"approval_policy": spec.approval_policy, "updated_at": clock.now()}
    _compare_and_set(session, evaluation, evaluation.version, values)
    wanted = [("leader", spec.leader)] if spec.leader is not None else []
    wanted += [("deputy", u) for u in dict.fromkeys(spec.deputies)]
    wanted += [("member", u) for u in dict.fromkeys(spec.members)]
    wanted += [("approver", u) for u in dict.fromkeys(spec.approvers)]
    evaluation.members.clear()
    session.flush()
    evaluation.members.extend(GroupMember(user_id=uid, role=role) for role, uid in wanted)
    session.flush()
    session.refresh(evaluation, ["members", "group_roles"])
    audit(
        session,
        evaluation,
        actor,
        "group_changed",
        client_addr=client_addr,
        details={
            "leader": spec.leader,
            "deputies": spec.deputies,
            "members": spec.members,
            "approvers": spec.approvers,
            "approval_policy": spec.approval_policy,
        },
    )
    return evaluation


@unit_of_work
def perform(
    session: Session,
    actor: User,
    evaluation_id: int,
    action: str,
    *,
    comment: str = "",
    to: str | None = None,
    expected_version: int | None = None,
    client_addr: str | None = None,
    files: Any = None,
    background: Any = None,
) -> Evaluation:
    """Take a workflow action (推进/审核通过/退回/撤回/终止) as one transaction.

    State and audit event are written together; the compare-and-set on the evaluation's
    version makes a concurrent second action (or one on a version a project or group edit has
    moved on) fail with Conflict ("已被他人处理，请刷新") instead of half-writing.
    `files` is the file store the stage hooks may write to (archiving keeps the signed PDF there);
    `background` runs what follows the commit (`ActionContext.background`).
    """
    evaluation = get_visible(session, actor, evaluation_id, for_action=True)
    if action not in ACTIONS:
        raise NotFound(f"未知操作：{action}")
    _check_version(evaluation, expected_version)
    comment = (comment or "").strip()
    # What the page offered is what is allowed: the one decision, refusals included.
    role = roles.authorize_action(
        actor, action, evaluation, approved_this_round(session, evaluation)
    )
    if action in ACTIONS_NEEDING_REASON and not comment:
        raise InvalidInput.field("comment", f"{ACTIONS[action]}必须填写理由")
    if action == "return" and to not in return_targets(evaluation.state):
        raise InvalidInput.field(
            "to", "请选择退回到的阶段（前期准备、组织实施、分析评价或报告撰写）"
        )
    if action == "approve":
        _record_approval(session, evaluation, actor, comment)  # not twice: `roles` refused that

    source, read_version = evaluation.state, evaluation.version
    ctx = ActionContext(
        session=session,
        actor=actor,
        role=role,
        action=action,
        comment=comment,
        to=to,
        files=files,
        background=background,
    )
    # Guards only read; the state change is written once, below, with its audit event.
    with session.no_autoflush:
        moved = trigger(evaluation, action, ctx)
    if not moved:
        raise _refusal(action, ctx)

    event = audit_row(
        evaluation,
        actor,
        action,
        role=role,
        from_state=source,
        to_state=evaluation.state,
        comment=comment,
        client_addr=client_addr,
        details=ctx.details or None,
        round_=evaluation.round,  # the round acted in, before a return opens the next
    )
    changes = _round_changes(evaluation, actor, action)
    _write_state(session, evaluation, read_version, changes, event)
    return evaluation


_STATE_COLUMNS = ("state", "round", "submitted_by_id", "stage_entered_at")


def _write_state(
    session: Session,
    evaluation: Evaluation,
    read_version: int,
    changes: dict[str, Any],
    event: dict[str, Any],
) -> None:
    """Compare-and-set the evaluation row on the version that was read, and append its audit
    event, in the caller's transaction.

    Every action writes the row, even an approval that leaves the state as it is, so two
    concurrent actions are ordered: the second updates nothing and gets Conflict
    ("已被他人处理，请刷新"). On PostgreSQL the update (`_compare_and_set`'s statement) and the
    insert are one statement (the insert selects from the updated row, so no row means no
    event): one round trip per action fewer.
    """
    values = {key: getattr(evaluation, key) for key in _STATE_COLUMNS} | changes
    values["updated_at"] = event["at"]  # the event's time
    if event["from_state"] != event["to_state"]:
        values["stage_entered_at"] = event["at"]  # a new stage: its waiting starts now
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        _compare_and_set(session, evaluation, read_version, values)
        connection.execute(_INSERT_AUDIT, event)
        return
    params = {**values, "evaluation_id": evaluation.id, "read_version": read_version}
    if len(connection.execute(_MOVE_AND_AUDIT, params | _event_params(event)).all()) != 1:
        raise Conflict(CONFLICT_MESSAGE)
    _keep_in_step(evaluation, read_version, values)


def _event_params(event: dict[str, Any]) -> dict[str, Any]:
    # The event's evaluation, to-state and time are the updated row's own; its other columns
    # are bound as `event_*` so they cannot clash with the row's names (state, round …).
    return {f"event_{key}": event[key] for key in _BOUND_EVENT_COLUMNS}


_UPDATE_STATE = _compare_and_set_statement((*_STATE_COLUMNS, "updated_at"))

_audit_table = AuditEvent.__table__

_moved = _UPDATE_STATE.returning(_table.c.id, _table.c.state, _table.c.updated_at).cte("moved")

_FROM_ROW = {"evaluation_id": _moved.c.id, "to_state": _moved.c.state, "at": _moved.c.updated_at}

_BOUND_EVENT_COLUMNS = [c.name for c in _audit_table.c if c.name not in ("id", *_FROM_ROW)]

_event_values = {
    **_FROM_ROW,
    **{
        name: bindparam(f"event_{name}", type_=_audit_table.c[name].type)
        for name in _BOUND_EVENT_COLUMNS
    },
}

_MOVE_AND_AUDIT = (
    insert(_audit_table)
    .from_select(list(_event_values), select(*_event_values.values()))
    .returning(_audit_table.c.id)  # the event's id; no row when the compare-and-set missed
)


def _record_approval(session: Session, evaluation: Evaluation, actor: User, comment: str) -> None:
    session.add(
        Approval(
            evaluation_id=evaluation.id,
            round=evaluation.round,
            stage=evaluation.state,
            user_id=actor.id,
            comment=comment,
            at=clock.now(),
        )
    )
    session.flush()


def _refusal(action: str, ctx: ActionContext) -> Exception:
    if action == "advance":
        return GuardFailed("尚不满足推进条件：" + "；".join(ctx.unmet), details=ctx.unmet)
    if action == "withdraw":
        return GuardFailed("审批人已开始审核，不能撤回", details=["审批人已开始审核"])
    return GuardFailed(f"不能{ACTIONS[action]}", details=[])


def _round_changes(evaluation: Evaluation, actor: User, action: str) -> dict[str, Any]:
    """Round bookkeeping: a submission records its submitter; a return opens a new round."""
    if action == "advance" and evaluation.state == "group_review":
        return {"submitted_by_id": actor.id}
    if action == "withdraw":
        return {"submitted_by_id": None}
    if action == "return":  # approvals of the old round no longer count
        return {"round": evaluation.round + 1, "submitted_by_id": None}
    return {}
