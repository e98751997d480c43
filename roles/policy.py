"""Who may see what and do what: the one place permissions are decided.

Two kinds of role meet here: the system role of a user (管理员 admin, 单位用户 unit_user,
财政局审核人 finance_reviewer) and the roles a user holds in one evaluation (组长 leader,
副组长 deputy, 成员 member, 领导小组审批人 approver, 提交人 submitter, 创建人 creator).
The tables below are the specification; README.md shows them to people.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    exists,
    false,
    literal,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.orm import aliased

from workflow.accounts.models import Unit, User
from workflow.campaigns.models import Campaign
from workflow.indicators.models import Indicator
from workflow.kernel.errors import Conflict, GuardFailed, JixiaoError, NotAllowed
from workflow.lifecycle.models import (
    DEFAULT_APPROVERS,
    GROUP_ROLES,
    GROUP_WORKERS,
    Approval,
    Evaluation,
    GroupMember,
)
from workflow.lifecycle.states import (
    ACTIONS,
    DEFINITIONS,
    OPEN_STATES,
    STATES,
    WORKING_STATES,
    actions_from,
)
from workflow.rectifications.models import UNFINISHED, Rectification
from workflow.tasks.models import Task

ROLE_LABELS = {
    "admin": "管理员",
    "unit_user": "单位用户",
    "finance_reviewer": "财政局审核人",
    **GROUP_ROLES,  # 组长, 副组长, 成员, 领导小组审批人
    "submitter": "提交人",
    "creator": "创建人",
    "owner": "责任人",  # of a 整改事项
    "dispatcher": "下达单位（财政局）",
    "unit_staff": "本单位用户（待组建工作组）",
}

# Workflow actions: (action, state or "*") → roles that may take it there.
ACTION_ROLES: dict[tuple[str, str], tuple[str, ...]] = {
    ("advance", "*"): ("leader",),
    ("approve", "group_review"): ("approver",),
    ("approve", "finance_review"): ("finance_reviewer",),
    ("return", "group_review"): ("approver",),
    ("return", "finance_review"): ("finance_reviewer",),
    ("withdraw", "group_review"): ("submitter",),
    ("cancel", "*"): ("admin", "dispatcher"),  # 下达单位: 取消下达 of its campaign's items
}

# Other things done to an evaluation → roles that may do them, and in which states.
PERMISSION_ROLES: dict[str, tuple[str, ...]] = {
    "edit_project": ("leader", "creator", "admin"),
    # unit_staff: a campaign evaluation's group is formed by the first of its unit to come
    "edit_group": ("leader", "creator", "admin", "unit_staff"),
    "upload_document": (*GROUP_WORKERS, "creator", "admin"),
    # delete, replace, re-categorise any document; the uploader may also change their own
    "manage_documents": ("leader", "creator", "admin"),
    "edit_indicators": ("leader", "deputy"),
    "manage_tasks": ("leader",),
    "work_on_tasks": GROUP_WORKERS,
    "score_indicators": ("leader",),  # and each leaf's assigned scorer: see `can_score_leaf`
    "finalize_scores": ("leader",),
    "reopen_scores": ("leader",),  # 解除定稿, with a reason
    "edit_report": GROUP_WORKERS,  # sections and problems, in 报告撰写
    "decide_result": ("finance_reviewer", "admin"),  # 结果应用, of an archived evaluation
    "publish_result": ("finance_reviewer",),  # 评价结果公开
}
PERMISSION_STATES: dict[str, tuple[str, ...]] = {
    "edit_project": WORKING_STATES,
    "edit_group": WORKING_STATES,
    "upload_document": OPEN_STATES,
    "manage_documents": OPEN_STATES,
    "edit_indicators": ("implementation",),
    "manage_tasks": WORKING_STATES,
    "work_on_tasks": WORKING_STATES,
    "score_indicators": ("analysis",),
    "finalize_scores": ("analysis",),
    "reopen_scores": ("analysis",),
    "edit_report": ("reporting",),
    "decide_result": ("archived",),
    "publish_result": ("archived",),
}
# 审核意见 on report sections: the leading group in its review, the finance bureau in its own.
REPORT_COMMENT_ROLES: dict[str, str] = {
    "group_review": "approver",
    "finance_review": "finance_reviewer",
}


def covers(user: User, evaluation: Evaluation) -> bool:
    """A finance reviewer covers the units of their own bureau (财政局)."""
    return (
        user.role == "finance_reviewer"
        and user.bureau_id is not None
        and evaluation.bureau_id == user.bureau_id
    )


def can_view(user: User, evaluation: Evaluation) -> bool:
    """Unit users see their unit's evaluations, reviewers their bureau's units', admins all."""
    if user.role == "admin":
        return True
    if user.role == "unit_user":
        return user.unit_id == evaluation.unit_id
    return covers(user, evaluation)


def visible_evaluations(user: User) -> ColumnElement[bool]:
    """The same rule as `can_view`, as a WHERE clause for lists."""
    if user.role == "admin":
        return true()
    if user.role == "unit_user":
        return Evaluation.unit_id == user.unit_id
    if user.role == "finance_reviewer" and user.bureau_id is not None:
        return Evaluation.unit_id.in_(select(Unit.id).where(Unit.bureau_id == user.bureau_id))
    return false()


def visible_units(user: User) -> ColumnElement[bool]:
    """The units whose evaluations `user` may see (`can_view`), as a WHERE clause on units: the
    list's 预算单位 filter offers these."""
    if user.role == "admin":
        return true()
    if user.role == "unit_user":
        return Unit.id == user.unit_id
    if user.role == "finance_reviewer" and user.bureau_id is not None:
        return Unit.bureau_id == user.bureau_id
    return false()


def can_see_unit(user: User, unit: Unit) -> bool:
    """`visible_units` for one unit: a unit's overview is for whoever may see its evaluations."""
    if user.role == "admin":
        return True
    if user.role == "unit_user":
        return user.unit_id == unit.id
    return user.role == "finance_reviewer" and user.bureau_id == unit.bureau_id


def roles_in(user: User, evaluation: Evaluation) -> set[str]:
    """Every role `user` holds for `evaluation` (system roles that apply to it included).

    A deactivated account holds none (it cannot sign in either)."""
    if not user.active or not can_view(user, evaluation):
        return set()
    roles = evaluation.roles_of(user.id)
    if user.id in evaluation.approver_ids:
        roles.add("approver")
    if evaluation.submitted_by_id == user.id:
        roles.add("submitter")
    if evaluation.campaign_id is None and evaluation.created_by_id == user.id:
        # a campaign's evaluation is "created" by the dispatching reviewer, who gains nothing
        roles.add("creator")
    if evaluation.campaign_id is not None:
        if covers(user, evaluation):
            roles.add("dispatcher")
        if user.role == "unit_user" and not evaluation.ids_in("leader"):
            roles.add("unit_staff")  # can_view: the evaluation's own unit
    if user.role == "admin":
        roles.add("admin")
    if covers(user, evaluation):
        roles.add("finance_reviewer")
    return roles


def action_roles(action: str, state: str) -> tuple[str, ...]:
    """The roles of ACTION_ROLES that take `action` in `state` (its own row, else the "*" one)."""
    return ACTION_ROLES.get((action, state)) or ACTION_ROLES.get((action, "*")) or ()


def acting_role(user: User, action: str, evaluation: Evaluation) -> str | None:
    """The role under which `user` may take `action` in the evaluation's current state."""
    allowed = action_roles(action, evaluation.state)
    if not allowed:
        return None
    held = roles_in(user, evaluation)
    return next((role for role in allowed if role in held), None)


# --- `roles_in` and `allowed_actions` in SQL, for readers of many evaluations at once ---------
# (the reminder sweep's "who holds this review"). Each rule is the one above, as a condition on
# the `Evaluation` (with its `Unit`) and `User` rows of one SELECT;
# tests/roles/test_holders_sql.py holds the SQL to the Python answers on generated data.


def _sees_sql() -> ColumnElement[bool]:
    """`can_view`: admins all, unit users their unit's, finance reviewers their bureau's."""
    return or_(
        User.role == "admin",
        and_(User.role == "unit_user", User.unit_id == Evaluation.unit_id),
        and_(User.role == "finance_reviewer", User.bureau_id == Unit.bureau_id),
    )


def _pairs(user: ColumnElement[bool], *through: tuple[Any, ColumnElement[bool]]) -> Select:
    """(evaluation_id, user_id) from an evaluation with its unit (for the covering bureau),
    the tables `through` which the role is held, and the users matching `user`."""
    statement = (
        select(Evaluation.id.label("evaluation_id"), User.id.label("user_id"))
        .select_from(Evaluation)
        .join(Unit, Unit.id == Evaluation.unit_id)
    )
    for table, on in through:
        statement = statement.join(table, on)
    return statement.join(User, user)


def _in_group(condition: ColumnElement[bool]) -> Select:
    """A group role (`condition` on GroupMember; one row per person even if two match)."""
    member = (GroupMember, and_(GroupMember.evaluation_id == Evaluation.id, condition))
    return _pairs(User.id == GroupMember.user_id, member).distinct()


def _approver_sql() -> Select:
    """`Evaluation.approver_ids`: the named 审批人, by default the 组长 and 副组长."""
    named = aliased(GroupMember, name="named")
    return _in_group(
        or_(
            GroupMember.role == "approver",
            and_(
                GroupMember.role.in_(DEFAULT_APPROVERS),
                ~exists().where(
                    named.evaluation_id == GroupMember.evaluation_id, named.role == "approver"
                ),
            ),
        )
    )


def _finance_reviewer_sql() -> Select:
    """`covers`: finance reviewers of the bureau covering the evaluation's unit."""
    return _pairs(and_(User.role == "finance_reviewer", User.bureau_id == Unit.bureau_id))


def _dispatcher_sql() -> Select:
    """下达单位: the covering bureau's finance reviewers, on a campaign's evaluations."""
    return _pairs(
        and_(
            User.role == "finance_reviewer",
            User.bureau_id == Unit.bureau_id,
            Evaluation.campaign_id.is_not(None),
        )
    )


def _submitter_sql() -> Select:
    return _pairs(User.id == Evaluation.submitted_by_id)


def _admin_sql() -> Select:
    return _pairs(User.role == "admin")  # every administrator, every evaluation


#: Who holds a role of ACTION_ROLES in an evaluation, as SQL: the `roles_in` rule for that role.
ROLE_SQL: dict[str, Callable[[], Select]] = {
    "leader": lambda: _in_group(GroupMember.role == "leader"),
    "approver": _approver_sql,
    "finance_reviewer": _finance_reviewer_sql,
    "submitter": _submitter_sql,
    "admin": _admin_sql,
    "dispatcher": _dispatcher_sql,
}


def holders(action: str, stage: str, *, user_id: Any = None) -> Subquery:
    """(evaluation_id, user_id) of everyone who may take `action` now on the evaluations in
    `stage`: `allowed_actions` as SQL (the stage's machine offers it, a role of ACTION_ROLES
    held by an active user who may see the evaluation, and in a review round not approved
    yet / nobody approved yet for a withdrawal). The reminder sweep's "who holds this review"."""
    held_by = action_roles(action, stage)
    versions = [version for version in DEFINITIONS if action in actions_from(stage, version)]
    this_round = and_(
        Approval.evaluation_id == Evaluation.id,
        Approval.round == Evaluation.round,
        Approval.stage == Evaluation.state,
    )
    condition = and_(
        Evaluation.state == stage,
        Evaluation.machine_version.in_(versions),
        User.active,
        _sees_sql(),
    )
    if user_id is not None:
        condition = and_(condition, User.id == user_id)
    if action == "approve":
        condition = and_(condition, ~exists().where(this_round, Approval.user_id == User.id))
    if action == "withdraw":
        condition = and_(condition, ~exists().where(this_round))
    branches = [ROLE_SQL[role]().where(condition) for role in held_by]
    if not branches:  # nobody takes `action` in `stage`
        nobody = select(
            Evaluation.id.label("evaluation_id"), Evaluation.created_by_id.label("user_id")
        )
        return nobody.where(false()).subquery("holder")
    statement = branches[0] if len(branches) == 1 else union(*branches)
    return statement.subquery("holder")


#: 我的待办 lists every workflow action but 终止 (an administrator's power, never a to-do).
TODO_ACTIONS = tuple(action for action in ACTIONS if action != "cancel")


#: The user `waiting_actions` is asked for: bound at execution (`{WAITING_USER: user.id}`).
WAITING_USER = "waiting_user_id"


@functools.cache
def waiting_actions() -> Select:
    """我的待办 in SQL: (evaluation_id, action) for every action of TODO_ACTIONS the user bound
    as WAITING_USER may take now, in one statement: `holders` of each action in each stage a
    definition offers it in, for that user. The same answer as `allowed_actions` per
    evaluation (tests/roles/test_holders_sql.py). Built once: the request only binds the user."""
    user_id = bindparam(WAITING_USER, type_=Integer)
    branches = [
        select(holder.c.evaluation_id, literal(action).label("action"))
        for action in TODO_ACTIONS
        for stage in STATES
        if any(action in actions_from(stage, version) for version in DEFINITIONS)
        for holder in [holders(action, stage, user_id=user_id)]
    ]
    return union_all(*branches)


def can(user: User, permission: str, evaluation: Evaluation) -> bool:
    """May `user` do `permission` (see PERMISSION_ROLES/STATES) to the evaluation now?"""
    if not stage_allows(evaluation, permission):
        return False
    return bool(roles_in(user, evaluation) & set(PERMISSION_ROLES[permission]))


def stage_allows(evaluation: Evaluation, permission: str) -> bool:
    """Is the evaluation in a stage where `permission` is done at all (PERMISSION_STATES),
    whoever may do it? Pages say "not in this stage" with it, actions refuse with it."""
    return evaluation.state in PERMISSION_STATES[permission]


# --- workflow actions: what the page offers is what the action allows -----------------------

#: Who has approved in the evaluation's current review stage this round, asked only when the
#: answer turns on it (`workflow.lifecycle.approvals.approved_this_round` reads it).
ApprovedBy = Callable[[], Collection[int]]


def _decide(
    user: User, action: str, evaluation: Evaluation, approved_by: ApprovedBy
) -> tuple[str | None, JixiaoError | None]:
    """The one decision on a workflow action: (the role `user` acts under, None) when they may
    take it now, else (…, the refusal). Offered by the evaluation's machine, held by a role of
    ACTION_ROLES, and in a review round: nobody approves twice, no withdrawal once anyone
    approved. What the transition's own conditions check (guards, the approval policy) is
    left to the machine."""
    if action not in actions_from(evaluation.state, evaluation.machine_version):
        refusal = GuardFailed(
            f"当前阶段（{STATES[evaluation.state]}）不能{ACTIONS[action]}",
            code="invalid_state",
            details=[],
        )
        return None, refusal
    role = acting_role(user, action, evaluation)
    if role is None:
        return None, NotAllowed(f"您无权{ACTIONS[action]}此评价")
    if action == "approve" and user.id in approved_by():
        return role, Conflict("您已在本轮审核通过", code="already_approved")
    if action == "withdraw" and approved_by():
        return role, GuardFailed("审批人已开始审核，不能撤回", details=["审批人已开始审核"])
    return role, None


def allowed_actions(user: User, evaluation: Evaluation, approved_by: ApprovedBy) -> list[str]:
    """The workflow actions `user` may take now, in the machine's order: the buttons a page
    shows, and the same answer `authorize_action` gives when one is pressed."""
    return [
        action
        for action in actions_from(evaluation.state, evaluation.machine_version)
        if _decide(user, action, evaluation, approved_by)[1] is None
    ]


def authorize_action(
    user: User, action: str, evaluation: Evaluation, approved_by: ApprovedBy
) -> str:
    """The role under which `user` takes `action` now; the refusal is raised otherwise
    (GuardFailed `invalid_state`, NotAllowed, Conflict `already_approved`, GuardFailed)."""
    role, refusal = _decide(user, action, evaluation, approved_by)
    if refusal is not None:
        raise refusal
    assert role is not None
    return role


# --- 评价文件 ---------------------------------------------------------------------------------


def can_change_document(user: User, evaluation: Evaluation, uploaded_by_id: int) -> bool:
    """删除、替换、改类别: the 组长, 创建人 or 管理员, or whoever uploaded it (while they may
    still upload), in an open stage; never once 已归档."""
    if can(user, "manage_documents", evaluation):
        return True
    return uploaded_by_id == user.id and can(user, "upload_document", evaluation)


# --- 工作任务 ---------------------------------------------------------------------------------


def can_claim_task(user: User, task: Task) -> bool:
    """领取: an open pool task, by the 组长、副组长 or a 成员, while the group works."""
    return task.status == "open" and can(user, "work_on_tasks", task.evaluation)


def can_complete_task(user: User, task: Task) -> bool:
    """完成: the task's holder, once claimed."""
    return (
        task.status == "claimed"
        and task.assignee_id == user.id
        and can(user, "work_on_tasks", task.evaluation)
    )


def can_transfer_task(user: User, task: Task) -> bool:
    """转交: the holder passes a task on; the 组长 may (re)assign any task that is not done."""
    if task.status == "done":
        return False
    if can(user, "manage_tasks", task.evaluation):
        return True
    return task.assignee_id == user.id and can(user, "work_on_tasks", task.evaluation)


def can_reopen_task(user: User, task: Task) -> bool:
    """重新打开: the 组长, a done task."""
    return task.status == "done" and can(user, "manage_tasks", task.evaluation)


def can_set_task_section(user: User, task: Task) -> bool:
    """指定报告章节: the 组长 may point a 报告章节 task that is not done at another section."""
    return (
        task.kind == "report_section"
        and task.status != "done"
        and can(user, "manage_tasks", task.evaluation)
    )


# --- 评价指标体系, 打分, 定稿 -------------------------------------------------------------------


def can_edit_indicators(user: User, evaluation: Evaluation) -> bool:
    """指标体系: the 组长 and 副组长, in 组织实施."""
    return can(user, "edit_indicators", evaluation)


def can_score_leaf(
    user: User, evaluation: Evaluation, leaf: Indicator, *, finalized: bool = False
) -> bool:
    """打分 one leaf: its assigned scorer (a group member) or the 组长, in 分析评价, and
    nobody once the scores are `finalized` (评分定稿; the action refuses that on its own)."""
    if finalized:
        return False
    if can(user, "score_indicators", evaluation):
        return True
    if not stage_allows(evaluation, "score_indicators") or leaf.scorer_id != user.id:
        return False
    return bool(roles_in(user, evaluation) & set(GROUP_WORKERS))


def can_finalize_scores(user: User, evaluation: Evaluation, *, finalized: bool = False) -> bool:
    """评分定稿: the 组长, in 分析评价, unless the scores are `finalized` already."""
    return not finalized and can(user, "finalize_scores", evaluation)


def can_reopen_scores(user: User, evaluation: Evaluation, *, finalized: bool) -> bool:
    """解除定稿: the 组长, in 分析评价, once the scores are `finalized`."""
    return finalized and can(user, "reopen_scores", evaluation)


# --- 评价报告 ---------------------------------------------------------------------------------


def can_edit_report(user: User, evaluation: Evaluation) -> bool:
    """Sections and problems: the 组长、副组长、成员, in 报告撰写."""
    return can(user, "edit_report", evaluation)


def can_comment_report(user: User, evaluation: Evaluation) -> bool:
    """审核意见: an approver in 领导小组审核, a covering finance reviewer in 财政局审核."""
    role = REPORT_COMMENT_ROLES.get(evaluation.state)
    return role is not None and role in roles_in(user, evaluation)


# --- the group, creating evaluations, administration ------------------------------------------


def is_group_worker(user_id: int, evaluation: Evaluation) -> bool:
    """A 组长, 副组长 or 成员 of the evaluation: who may hold tasks and score leaves."""
    return bool(evaluation.roles_of(user_id) & set(GROUP_WORKERS))


def must_lead_group(user: User, evaluation: Evaluation) -> bool:
    """A unit user forming a campaign evaluation's group before it has a 组长 (and holding no
    other right to the group) becomes its 组长: the first to form the group leads it."""
    if not stage_allows(evaluation, "edit_group"):
        return False
    held = roles_in(user, evaluation) & set(PERMISSION_ROLES["edit_group"])
    return held == {"unit_staff"}


# --- 自评任务下达 ---------------------------------------------------------------------------------


def can_dispatch_campaigns(user: User) -> bool:
    """下达自评任务: a finance reviewer of a bureau, or an administrator."""
    return user.active and (
        user.role == "admin" or (user.role == "finance_reviewer" and user.bureau_id is not None)
    )


def can_dispatch_to(user: User, unit: Unit) -> bool:
    """A campaign's item may go to a unit the reviewer's bureau covers (an admin: any unit)."""
    return user.role == "admin" or (
        user.role == "finance_reviewer" and user.bureau_id == unit.bureau_id
    )


def awaiting_group(user: User) -> ColumnElement[bool]:
    """组建工作组 to-dos, as a WHERE clause on evaluations: the campaign evaluations of the
    user's unit with no 组长 yet, while the group may be formed (the `unit_staff` rule)."""
    if not user.active or user.role != "unit_user":
        return false()
    return and_(
        Evaluation.campaign_id.is_not(None),
        Evaluation.unit_id == user.unit_id,
        Evaluation.state.in_(PERMISSION_STATES["edit_group"]),
        ~exists().where(GroupMember.evaluation_id == Evaluation.id, GroupMember.role == "leader"),
    )


def visible_campaigns(user: User) -> ColumnElement[bool]:
    """自评任务 a user sees: its bureau's reviewers, administrators, and the units it was
    dispatched to (each seeing only its own items: `visible_evaluations`)."""
    if user.role == "admin":
        return true()
    if user.role == "finance_reviewer" and user.bureau_id is not None:
        return Campaign.bureau_id == user.bureau_id
    if user.role == "unit_user":
        return exists().where(
            Evaluation.campaign_id == Campaign.id, Evaluation.unit_id == user.unit_id
        )
    return false()


def can_manage_campaign(user: User, bureau_id: int) -> bool:
    """催办、取消下达、导出 a campaign: its bureau's finance reviewers, administrators."""
    return user.active and (
        user.role == "admin" or (user.role == "finance_reviewer" and user.bureau_id == bureau_id)
    )


def can_create_evaluation(user: User, unit_id: int) -> bool:
    return user.role == "admin" or (user.role == "unit_user" and user.unit_id == unit_id)


def can_create_evaluations(user: User) -> bool:
    """开展评价 at all, for some unit (administrators, unit users); the unit is asked apart."""
    return user.role in ("admin", "unit_user")


def is_admin(user: User) -> bool:
    return user.role == "admin"


def require_admin(user: User, message: str = "仅管理员可以进行此操作") -> User:
    """系统管理 (bureaus, units, users, templates, reminder policy): administrators only."""
    if not is_admin(user):
        raise NotAllowed(message)
    return user


def can_decide_result(user: User, evaluation: Evaluation) -> bool:
    """结果应用: the covering finance reviewer (or an administrator), once archived."""
    return can(user, "decide_result", evaluation)


def can_publish_result(user: User, evaluation: Evaluation) -> bool:
    """评价结果公开 on or off: the covering finance reviewer, once archived."""
    return can(user, "publish_result", evaluation)


def can_manage_decision_rules(user: User) -> bool:
    """结果应用规则 (等级 → default decision) are the administrators' to change."""
    return user.role == "admin"


def can_manage_reminders(user: User) -> bool:
    """提醒规则 are the administrators' to change."""
    return user.role == "admin"


# --- 整改事项 ---------------------------------------------------------------------------------

# What is done to a 整改事项 → who may, and in which of its statuses (as PERMISSION_ROLES and
# PERMISSION_STATES are for an evaluation): the owner or the evaluation's 组长 work on it (修改
# 措施、期限、说明, 上传佐证材料, 开始整改, 整改完成) until it is handed in; the finance reviewer
# of the bureau covering the unit accepts it or sends it back.
RECTIFICATION_ROLES: dict[str, tuple[str, ...]] = {
    "update": ("owner", "leader"),
    "review": ("finance_reviewer",),
}
RECTIFICATION_STATES: dict[str, tuple[str, ...]] = {
    "update": UNFINISHED,
    "review": ("done",),
}


def rectification_roles(user: User, item: Rectification) -> set[str]:
    """The roles `user` holds for a 整改事项: 责任人 (owner), the evaluation's 组长 (leader), the
    covering 财政局审核人 (finance_reviewer). None for one who may not see it, or inactive."""
    evaluation = item.evaluation
    if not user.active or not can_view(user, evaluation):
        return set()
    held = set()
    if item.owner_id == user.id:
        held.add("owner")
    if "leader" in evaluation.roles_of(user.id):
        held.add("leader")
    if covers(user, evaluation):
        held.add("finance_reviewer")
    return held


def may_rectification(user: User, permission: str, item: Rectification) -> bool:
    """Does `user` hold a role that does `permission` (RECTIFICATION_ROLES) to the item at all,
    whatever its status? Actions refuse with 403 without it."""
    return bool(rectification_roles(user, item) & set(RECTIFICATION_ROLES[permission]))


def rectification_allows(item: Rectification, permission: str) -> bool:
    """Is the item in a status where `permission` is done (RECTIFICATION_STATES)?"""
    return item.status in RECTIFICATION_STATES[permission]


def can_rectification(user: User, permission: str, item: Rectification) -> bool:
    """May `user` do `permission` to the item now: the buttons its page shows."""
    return rectification_allows(item, permission) and may_rectification(user, permission, item)


def rectifications_waiting_on(user: User) -> ColumnElement[bool]:
    """整改事项 waiting on `user` (我的待办), as a WHERE clause on Rectification joined with its
    Evaluation: for a finance reviewer the handed-in items of their bureau's units (`review`); for
    a unit user the unfinished items they own, and those of evaluations they lead whose owner is
    outside the system (`update`; as the due-date reminder goes to them)."""
    if not user.active:
        return false()
    if user.role == "finance_reviewer":
        review = Rectification.status.in_(RECTIFICATION_STATES["review"])
        return and_(review, visible_evaluations(user))
    if user.role != "unit_user":
        return false()
    leads = exists().where(
        GroupMember.evaluation_id == Rectification.evaluation_id,
        GroupMember.user_id == user.id,
        GroupMember.role == "leader",
    )
    return and_(
        Rectification.status.in_(RECTIFICATION_STATES["update"]),
        visible_evaluations(user),
        or_(Rectification.owner_id == user.id, and_(Rectification.owner_id.is_(None), leads)),
    )
