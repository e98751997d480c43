"""Shape core objects for the API and the pages (shared so both say the same thing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from roles import ApprovedBy
from workflow.accounts.models import User
from workflow.lifecycle import queries as evaluations
from workflow.lifecycle.funds import amount_warnings, sources_of
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import STATES, return_targets
from workflow.lifecycle.wiring import unmet_guards
from workflow.results.queries import previous_of
from workflow.scoring.scorecard import execution_rate_of


def group_dict(evaluation: Evaluation) -> dict[str, Any]:
    ids = evaluation.ids_in
    leader = ids("leader")
    return {
        "leader": leader[0] if leader else None,
        "deputies": ids("deputy"),
        "members": ids("member"),
        "approvers": ids("approver"),
        "effective_approvers": evaluation.approver_ids,
        "approval_policy": evaluation.approval_policy,
    }


def execution_fields(evaluation: Evaluation) -> dict[str, Any]:
    """预算执行率 with its 口径: `execution_basis`, its label, and the rate by it."""
    execution = execution_rate_of(evaluation)
    return {
        "execution_basis": execution.basis,
        "execution_basis_label": execution.basis_label,
        "execution_rate": execution.rate,
    }


def evaluation_dict(
    session: Session,
    user: User,
    evaluation: Evaluation,
    *,
    guards: bool = True,
    approved_by: ApprovedBy | None = None,
) -> dict[str, Any]:
    """The API's evaluation; `guards=False` (lists) leaves out the unmet guards, which can be
    costly to work out (the report checks), and the latest 退回 (`last_return`, null once
    resubmitted): both belong to one evaluation's page; a list passes who approved this round
    (`approved_this_round_of`), read for its whole page. Last year's result of the same
    project (`previous`, 上年评价结果) is one evaluation's too."""
    actions = evaluations.available_actions(session, user, evaluation, approved_by)
    body = {
        "id": evaluation.id,
        "unit_id": evaluation.unit_id,
        "unit_name": evaluation.unit.name,
        "project_name": evaluation.project_name,
        "year": evaluation.year,
        "kind": evaluation.kind,
        "budget": evaluation.budget,
        "funds_received": evaluation.funds_received,
        "funds_spent": evaluation.funds_spent,
        "amount_warnings": amount_warnings(
            evaluation.budget, evaluation.funds_received, evaluation.funds_spent
        ),
        **execution_fields(evaluation),
        "due_date": evaluation.due_date,
        "targets": evaluation.targets,
        "competent_department": evaluation.competent_department,
        "initial_budget": evaluation.initial_budget,
        "fund_sources": [
            {**row.as_json(), "label": row.label} for row in sources_of(evaluation.fund_sources)
        ],
        "targets_achieved": evaluation.targets_achieved,
        "state": evaluation.state,
        "state_label": STATES[evaluation.state],
        "round": evaluation.round,
        "version": evaluation.version,
        "machine_version": evaluation.machine_version,
        "approval_policy": evaluation.approval_policy,
        "available_actions": actions,
        "return_targets": return_targets(evaluation.state) if "return" in actions else [],
        "group": group_dict(evaluation),
        "created_at": evaluation.created_at,
        "updated_at": evaluation.updated_at,
        "stage_entered_at": evaluation.stage_entered_at,
    }
    if guards:
        body["unmet_guards"] = unmet_guards(session, evaluation) if "advance" in actions else []
        body["last_return"] = evaluations.last_return(session, evaluation)
        body["cancellation"] = evaluations.cancellation(session, evaluation)  # 终止, too
        previous = previous_of(session, evaluation)
        body["previous"] = previous.as_dict() if previous else None
    return body
