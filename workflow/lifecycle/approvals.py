"""领导小组审批 policies: 会签 (all), 或签 (any) and quorum:N, counted per review round."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.accounts.models import User
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


@dataclass(frozen=True)
class ApprovalProgress:
    """领导小组审核 this round: how many of the approvals the policy needs are in, and the
    approvers who have not approved yet."""

    done: int
    needed: int
    waiting: list[User]

    def message(self) -> str:
        """The flash after an approval: 您已同意（1/2），待周建华审核 (or 尚需 1 人同意（…）
        when any of several will do)."""
        names = "、".join(u.display_name for u in self.waiting)
        head = f"您已同意（{self.done}/{self.needed}）"
        missing = self.needed - self.done
        if missing <= 0 or not names:
            return head
        if missing == len(self.waiting):
            return f"{head}，待{names}审核"
        return f"{head}，尚需 {missing} 人同意（{names}）"


def approval_progress(session: Session, evaluation: Evaluation) -> ApprovalProgress:
    approver_ids = list(dict.fromkeys(evaluation.approver_ids))
    approved = {
        a.user_id
        for a in approvals_this_round(session, evaluation, "group_review")
        if a.user_id in approver_ids
    }
    pending = [uid for uid in approver_ids if uid not in approved]
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(pending)))}
    return ApprovalProgress(
        done=len(approved),
        needed=max(required_approvals(evaluation), 1),
        waiting=[users[uid] for uid in pending if uid in users],
    )
