"""The lifecycle's wiring, in one place: for every stage, what must hold to leave it (GUARDS)
and what runs on entering it (ON_ENTER), and the shared `transitions` machine built from the
definitions in `workflow.lifecycle.states` with these conditions and hooks.

Guards return the list of what is missing, in Chinese, so the page and the API show everything
at once; they only read. Hooks run inside the action's transaction, after the state changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from transitions import EventData, Machine

from workflow.documents.operations import purge_on_archive
from workflow.indicators.guards import indicator_system_valid
from workflow.lifecycle.approvals import approvals_this_round, policy_met
from workflow.lifecycle.guards import (
    budget_figures_given,
    group_is_formed,
    leader_is_named,
    work_plan_uploaded,
)
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import (
    DEFINITIONS,
    MACHINE_VERSION,
    STATES,
    UNIT_SELF_VERSION,
    ActionContext,
)
from workflow.reminders.events import announce
from workflow.reports.guards import report_is_consistent
from workflow.reports.operations import archive_on_enter, draft_on_enter
from workflow.scoring.guards import every_leaf_scored, scores_finalized
from workflow.scoring.operations import unlock_on_return
from workflow.tasks.guards import required_tasks_done
from workflow.tasks.operations import close_on_cancel

Guard = Callable[[Session, Evaluation], list[str]]
Hook = Callable[[ActionContext, Evaluation], None]

#: 推进条件 of the full definition: what must hold before `advance` may leave a stage, checked
#: in this order.
FULL_GUARDS: dict[str, list[Guard]] = {
    "preparation": [group_is_formed, work_plan_uploaded, budget_figures_given],
    "implementation": [indicator_system_valid, required_tasks_done],
    "analysis": [every_leaf_scored, scores_finalized],
    "reporting": [report_is_consistent],
}
#: 单位自评: no working group or work plan to leave 前期准备, a 组长 (项目负责人) and the budget
#: figures only; the later stages as in the full definition (the report on the self-evaluation
#: outline).
UNIT_SELF_GUARDS: dict[str, list[Guard]] = {
    **FULL_GUARDS,
    "preparation": [leader_is_named, budget_figures_given],
}
#: The guards of each definition, by `machine_version`.
GUARDS: dict[str, dict[str, list[Guard]]] = {
    MACHINE_VERSION: FULL_GUARDS,
    UNIT_SELF_VERSION: UNIT_SELF_GUARDS,
}

#: What runs when an evaluation enters a state, in this order. `announce` tells the people
#: the action concerns (退回, 提交审核, 领导小组审核通过, 归档: `workflow.reminders.events`).
ON_ENTER: dict[str, list[Hook]] = {
    # 退回 to 分析评价 or earlier lifts the 评分定稿.
    "preparation": [unlock_on_return, announce],
    "implementation": [unlock_on_return, announce],
    "analysis": [unlock_on_return, announce],
    # The report's first draft, from the data, the first time the stage is entered.
    "reporting": [draft_on_enter, announce],
    "group_review": [announce],
    "finance_review": [announce],
    # The signed PDF stored with its SHA-256, and the 整改 items opened from the problems;
    # deleted documents' bytes go (their rows stay).
    "archived": [archive_on_enter, purge_on_archive, announce],
    # 终止 closes the tasks still open.
    "cancelled": [close_on_cancel],
}


def unmet_guards(session: Session, evaluation: Evaluation) -> list[str]:
    """Every unmet condition for leaving the evaluation's current stage, by its definition."""
    guards = GUARDS[evaluation.machine_version].get(evaluation.state, [])
    return [msg for guard in guards for msg in guard(session, evaluation)]


def _guards_pass(event: EventData) -> bool:
    ctx: ActionContext = event.kwargs["ctx"]
    ctx.unmet = unmet_guards(ctx.session, event.model)
    return not ctx.unmet


def _approval_policy_met(event: EventData) -> bool:
    return policy_met(event.kwargs["ctx"].session, event.model)


def _is_requested_target(event: EventData) -> bool:
    return event.kwargs["ctx"].to == event.transition.dest


def _no_approver_acted(event: EventData) -> bool:
    ctx: ActionContext = event.kwargs["ctx"]
    return not approvals_this_round(ctx.session, event.model, "group_review")


#: The transitions' conditions, by the names the definitions use.
CONDITIONS: dict[str, Callable[[EventData], bool]] = {
    "guards_pass": _guards_pass,
    "approval_policy_met": _approval_policy_met,
    "is_requested_target": _is_requested_target,
    "no_approver_acted": _no_approver_acted,
}


def _run_enter_hooks(event: EventData) -> None:
    if event.transition.dest is None:
        return
    for hook in ON_ENTER.get(event.transition.dest, []):
        hook(event.kwargs["ctx"], event.model)


def _follow_state(event: EventData) -> None:
    """Keep the evaluation's `state` in step with the machine's, outside the ORM's unit of work:
    `operations._write_state` writes the row once, with its compare-and-set, so the object must
    not also be flushed as changed."""
    set_committed_value(event.model, "state", event.model.machine_state)


def _resolve(spec: dict[str, Any]) -> dict[str, Any]:
    spec = dict(spec)
    spec["conditions"] = [CONDITIONS[name] for name in spec.get("conditions", [])]
    return spec


def build_machine(transitions: list[dict[str, Any]]) -> Machine:
    return Machine(
        model=None,
        states=list(STATES),
        transitions=[_resolve(t) for t in transitions],
        initial="preparation",
        auto_transitions=False,
        send_event=True,
        model_attribute="machine_state",
        after_state_change=[_follow_state, _run_enter_hooks],
    )


#: One shared machine per definition version.
MACHINES: dict[str, Machine] = {version: build_machine(t) for version, t in DEFINITIONS.items()}


def trigger(evaluation: Any, action: str, ctx: ActionContext) -> bool:
    """Run `action` on a loaded evaluation through its version's shared machine.

    The evaluation is not added to the machine: as the library's FAQ shows for many models
    (a static machine, `machine.events[name].trigger(model)`), the event is fired on the
    object directly, so nothing is attached, locked or left behind per action. The machine
    works on its own attribute, `machine_state`, seeded here from the column (never from the
    machine's initial state); `_follow_state` copies the result back.
    """
    machine = MACHINES[evaluation.machine_version]
    evaluation.machine_state = evaluation.state
    return machine.events[action].trigger(evaluation, ctx=ctx)
