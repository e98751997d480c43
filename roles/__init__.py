"""Permissions: `roles.policy` answers "may this user do this to that?"."""

from roles.policy import (
    ACTION_ROLES,
    PERMISSION_ROLES,
    PERMISSION_STATES,
    ROLE_LABELS,
    acting_role,
    can,
    can_comment_report,
    can_create_evaluation,
    can_manage_reminders,
    can_score,
    can_view,
    is_admin,
    is_group_worker,
    require_admin,
    roles_in,
    visible_evaluations,
)

__all__ = [
    "ACTION_ROLES",
    "PERMISSION_ROLES",
    "PERMISSION_STATES",
    "ROLE_LABELS",
    "acting_role",
    "can",
    "can_comment_report",
    "can_create_evaluation",
    "can_manage_reminders",
    "can_score",
    "can_view",
    "is_admin",
    "is_group_worker",
    "require_admin",
    "roles_in",
    "visible_evaluations",
]
