"""The only writers of 结果应用 and 评价结果公开, each change with its audit event."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.access import get_visible
from workflow.kernel.audit import audit
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import Conflict, FieldError, InvalidInput, NotAllowed
from workflow.lifecycle.models import Evaluation
from workflow.results.models import DecisionRule, Publication, ResultDecision
from workflow.results.queries import publication_of, rules_in_force
from workflow.results.rules import DECISIONS, Rule, label, percentage_problem
from workflow.scoring.rules import GRADE_TITLES

MAX_COMMENT = 2000
TOKEN_BYTES = 24  # 32 URL-safe characters: not to be guessed


@dataclass(frozen=True)
class DecisionSpec:
    """结果应用 as entered: the decision, its percentage (压减/增加), a comment."""

    decision: str
    percentage: Decimal | None = None
    comment: str = ""


def _check(spec: DecisionSpec, field: str = "") -> list[FieldError]:
    problems = []
    if spec.decision not in DECISIONS:
        problems.append(FieldError(f"{field}decision", "应为 " + "、".join(DECISIONS)))
    elif problem := percentage_problem(spec.decision, spec.percentage):
        problems.append(FieldError(f"{field}percentage", problem))
    if len(spec.comment) > MAX_COMMENT:
        problems.append(FieldError(f"{field}comment", f"说明不超过 {MAX_COMMENT} 字"))
    return problems


def _archived_for(session: Session, actor: User, evaluation_id: int, allowed) -> Evaluation:
    """The evaluation, archived, if `allowed(actor, it)`: 409 before archive, 403 otherwise."""
    evaluation = get_visible(session, actor, evaluation_id, for_action=True)
    if evaluation.state != "archived":
        raise Conflict("评价归档后才能进行此操作", code="not_archived")
    if not allowed(actor, evaluation):
        raise NotAllowed("仅所属财政局审核人可以进行此操作")
    return evaluation


@unit_of_work
def decide_result(
    session: Session,
    actor: User,
    evaluation_id: int,
    spec: DecisionSpec,
    client_addr: str | None = None,
) -> ResultDecision:
    """确定结果应用: the covering finance reviewer (or an administrator) records, or changes,
    what an archived evaluation means for the project's next budget."""
    evaluation = _archived_for(session, actor, evaluation_id, roles.can_decide_result)
    if problems := _check(spec):
        raise InvalidInput(errors=problems)
    row = session.scalar(
        select(ResultDecision).where(ResultDecision.evaluation_id == evaluation.id)
    )
    before = label(row.decision, row.percentage) if row else None
    if row is None:
        row = ResultDecision(evaluation_id=evaluation.id)
        session.add(row)
    row.decision, row.percentage, row.comment = spec.decision, spec.percentage, spec.comment
    row.decided_by_id, row.decided_at = actor.id, clock.now()
    now = label(spec.decision, spec.percentage)
    audit(
        session,
        evaluation,
        actor,
        "result_decided",
        role=actor.role,  # finance_reviewer or admin: the roles that may decide
        comment=f"{before} → {now}" if before else now,
        client_addr=client_addr,
        details={
            "decision": spec.decision,
            "percentage": None if spec.percentage is None else str(spec.percentage),
            "comment": spec.comment,
        },
    )
    session.flush()
    return row


@unit_of_work
def set_decision_rules(session: Session, actor: User, rules: list[Rule]) -> dict[str, Rule]:
    """修改结果应用规则 (administrator): the given 等级 get their new default, others stay."""
    if not roles.can_manage_decision_rules(actor):
        raise NotAllowed("仅管理员可以修改结果应用规则")
    problems = []
    for n, rule in enumerate(rules):
        if rule.grade not in GRADE_TITLES:
            problems.append(FieldError(f"rules.{n}.grade", "应为 " + "、".join(GRADE_TITLES)))
        problems += _check(DecisionSpec(rule.decision, rule.percentage), f"rules.{n}.")
    if len({rule.grade for rule in rules}) != len(rules):
        problems.append(FieldError("rules", "每个等级只能有一条规则"))
    if problems:
        raise InvalidInput(errors=problems)
    for rule in rules:
        row = session.get(DecisionRule, rule.grade) or DecisionRule(grade=rule.grade)
        row.decision, row.percentage = rule.decision, rule.percentage
        row.updated_by_id, row.updated_at = actor.id, clock.now()
        session.add(row)
    session.flush()
    return rules_in_force(session)


@unit_of_work
def set_publication(
    session: Session,
    actor: User,
    evaluation_id: int,
    published: bool,
    client_addr: str | None = None,
) -> Publication | None:
    """评价结果公开 on or off: the covering finance reviewer, for an archived evaluation.

    Switched on, the evaluation gets a new unguessable token (a link handed out before a
    switch-off stays dead); asked for what already holds, nothing changes."""
    evaluation = _archived_for(session, actor, evaluation_id, roles.can_publish_result)
    row = publication_of(session, evaluation)
    if (row is not None and row.published) == published:
        return row
    if row is None:
        row = Publication(evaluation_id=evaluation.id)
        session.add(row)
    if published:
        row.token = secrets.token_urlsafe(TOKEN_BYTES)
    row.published, row.changed_by_id, row.changed_at = published, actor.id, clock.now()
    said = {"role": actor.role, "client_addr": client_addr}
    if published:
        audit(session, evaluation, actor, "result_published", **said)
    else:
        audit(session, evaluation, actor, "result_unpublished", **said)
    session.flush()
    return row
