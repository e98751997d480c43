"""Who may see what and do what: the one place permissions are decided.

Two kinds of role meet here: the system role of a user (管理员 admin, 单位用户 unit_user,
财政局审核人 finance_reviewer) and the roles a user holds in one evaluation (组长 leader,
副组长 deputy, 成员 member, 领导小组审批人 approver, 提交人 submitter, 创建人 creator).
The tables below are the specification; README.md shows them to people.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true

from workflow.accounts.models import Unit, User
from workflow.kernel.errors import NotAllowed
from workflow.lifecycle.models import GROUP_ROLES, GROUP_WORKERS, Evaluation
from workflow.lifecycle.states import OPEN_STATES, WORKING_STATES

ROLE_LABELS = {
    "admin": "管理员",
    "unit_user": "单位用户",
    "finance_reviewer": "财政局审核人",
    **GROUP_ROLES,  # 组长, 副组长, 成员, 领导小组审批人
    "submitter": "提交人",
    "creator": "创建人",
}

# Workflow actions: (action, state or "*") → roles that may take it there.
ACTION_ROLES: dict[tuple[str, str], tuple[str, ...]] = {
    ("advance", "*"): ("leader",),
    ("approve", "group_review"): ("approver",),
    ("approve", "finance_review"): ("finance_reviewer",),
    ("return", "group_review"): ("approver",),
    ("return", "finance_review"): ("finance_reviewer",),
    ("withdraw", "group_review"): ("submitter",),
    ("cancel", "*"): ("admin",),
}

# Other things done to an evaluation → roles that may do them, and in which states.
PERMISSION_ROLES: dict[str, tuple[str, ...]] = {
    "edit_project": ("leader", "creator", "admin"),
    "edit_group": ("leader", "creator", "admin"),
    "upload_document": (*GROUP_WORKERS, "creator", "admin"),
    "edit_indicators": ("leader", "deputy"),
    "manage_tasks": ("leader",),
    "work_on_tasks": GROUP_WORKERS,
    "score_indicators": ("leader",),  # and each leaf's assigned scorer: see `can_score`
    "finalize_scores": ("leader",),
    "edit_report": GROUP_WORKERS,  # sections and problems, in 报告撰写
}
PERMISSION_STATES: dict[str, tuple[str, ...]] = {
    "edit_project": WORKING_STATES,
    "edit_group": WORKING_STATES,
    "upload_document": OPEN_STATES,
    "edit_indicators": ("implementation",),
    "manage_tasks": WORKING_STATES,
    "work_on_tasks": WORKING_STATES,
    "score_indicators": ("analysis",),
    "finalize_scores": ("analysis",),
    "edit_report": ("reporting",),
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


def roles_in(user: User, evaluation: Evaluation) -> set[str]:
    """Every role `user` holds for `evaluation` (system roles that apply to it included)."""
    if not can_view(user, evaluation):
        return set()
    roles = evaluation.roles_of(user.id)
    if user.id in evaluation.approver_ids:
        roles.add("approver")
    if evaluation.submitted_by_id == user.id:
        roles.add("submitter")
    if evaluation.created_by_id == user.id:
        roles.add("creator")
    if user.role == "admin":
        roles.add("admin")
    if covers(user, evaluation):
        roles.add("finance_reviewer")
    return roles


def acting_role(user: User, action: str, evaluation: Evaluation) -> str | None:
    """The role under which `user` may take `action` in the evaluation's current state."""
    allowed = ACTION_ROLES.get((action, evaluation.state)) or ACTION_ROLES.get((action, "*"))
    if not allowed:
        return None
    held = roles_in(user, evaluation)
    return next((role for role in allowed if role in held), None)


def can(user: User, permission: str, evaluation: Evaluation) -> bool:
    """May `user` do `permission` (see PERMISSION_ROLES/STATES) to the evaluation now?"""
    if evaluation.state not in PERMISSION_STATES[permission]:
        return False
    return bool(roles_in(user, evaluation) & set(PERMISSION_ROLES[permission]))


def can_score(user: User, evaluation: Evaluation, scorer_id: int | None) -> bool:
    """打分: the leaf's assigned scorer (a group member) or the 组长, in 分析评价."""
    if can(user, "score_indicators", evaluation):
        return True
    if evaluation.state not in PERMISSION_STATES["score_indicators"] or scorer_id != user.id:
        return False
    return bool(roles_in(user, evaluation) & set(GROUP_WORKERS))


def is_group_worker(user_id: int, evaluation: Evaluation) -> bool:
    """A 组长, 副组长 or 成员 of the evaluation: who may hold tasks and score leaves."""
    return bool(evaluation.roles_of(user_id) & set(GROUP_WORKERS))


def can_create_evaluation(user: User, unit_id: int) -> bool:
    return user.role == "admin" or (user.role == "unit_user" and user.unit_id == unit_id)


def is_admin(user: User) -> bool:
    return user.role == "admin"


def require_admin(user: User, message: str = "仅管理员可以进行此操作") -> User:
    """系统管理 (bureaus, units, users, templates, reminder policy): administrators only."""
    if not is_admin(user):
        raise NotAllowed(message)
    return user


def can_manage_reminders(user: User) -> bool:
    """提醒规则 are the administrators' to change."""
    return user.role == "admin"


def can_comment_report(user: User, evaluation: Evaluation) -> bool:
    """审核意见: an approver in 领导小组审核, a covering finance reviewer in 财政局审核."""
    role = REPORT_COMMENT_ROLES.get(evaluation.state)
    return role is not None and role in roles_in(user, evaluation)
