"""领导小组审批 policies: 会签 (all), 或签 (any) and quorum:N, counted per review round."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.kernel.errors import InvalidInput
from workflow.lifecycle.models import Approval, Evaluation

POLICY_LABELS = {"all": "会签（全部同意）", "any": "或签（任一同意）", "quorum": "多数同意"}

_QUORUM = re.compile(r"^quorum:([1-9]\d*)$")


def parse_policy(policy: str) -> tuple[str, int | None]:
    """`all` | `any` | `quorum:N` → (kind, N); anything else is refused."""
    if policy in ("all", "any"):
        return policy, None
    match = _QUORUM.match(policy or "")
    if not match:
        raise InvalidInput("审批规则应为 all（会签）、any（或签）或 quorum:N（N 人同意）")
    return "quorum", int(match.group(1))


def policy_label(policy: str) -> str:
    kind, n = parse_policy(policy)
    return f"{n} 人同意" if kind == "quorum" else POLICY_LABELS[kind]


def approvals_this_round(session: Session, evaluation: Evaluation, stage: str) -> list[Approval]:
    return list(
        session.scalars(
            select(Approval)
            .where(
                Approval.evaluation_id == evaluation.id,
                Approval.round == evaluation.round,
                Approval.stage == stage,
            )
            .order_by(Approval.id)
        )
    )


def approved_this_round(session: Session, evaluation: Evaluation) -> Callable[[], frozenset[int]]:
    """Who has approved in the evaluation's current stage this round, read when first asked
    and then kept: what `roles.allowed_actions` and `roles.authorize_action` take, and ask
    only when the answer turns on it (approve, withdraw)."""
    return functools.cache(
        lambda: frozenset(
            a.user_id for a in approvals_this_round(session, evaluation, evaluation.state)
        )
    )


def required_approvals(evaluation: Evaluation) -> int:
    kind, n = parse_policy(evaluation.approval_policy)
    approvers = len(set(evaluation.approver_ids))
    if kind == "all":
        return approvers
    if kind == "any":
        return 1
    return min(n or 1, approvers)


def policy_met(session: Session, evaluation: Evaluation) -> bool:
    """True once enough of the current approvers have approved in this round."""
    approver_ids = set(evaluation.approver_ids)
    approved = {
        a.user_id
        for a in approvals_this_round(session, evaluation, "group_review")
        if a.user_id in approver_ids
    }
    return len(approved) >= max(required_approvals(evaluation), 1)
