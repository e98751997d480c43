"""The evaluation lifecycle (评价流程) as data, run by one shared `transitions` machine.

The UI, the API and the tests all ask this module which actions exist in a state; `roles/`
then says who may take them. Guards live in `workflow.guards` and are looked up by stage, so
later stages add theirs without touching the machine.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value
from transitions import EventData, Machine

MACHINE_VERSION = "1"

STAGES: dict[str, str] = {
    "preparation": "前期准备",
    "implementation": "组织实施",
    "analysis": "分析评价",
    "reporting": "报告撰写",
    "group_review": "领导小组审核",
    "finance_review": "财政局审核",
    "archived": "已归档",
}
STATES: dict[str, str] = {**STAGES, "cancelled": "已终止"}
FLOW = list(STAGES)  # the stage order, for the stage bar and "earlier stage" questions
REVIEW_STAGES = ("group_review", "finance_review")
RETURN_TARGETS = ("preparation", "implementation", "analysis", "reporting")

ACTIONS: dict[str, str] = {
    "advance": "推进",
    "approve": "审核通过",
    "return": "退回",
    "withdraw": "撤回",
    "cancel": "终止",
}
ACTIONS_NEEDING_REASON = ("return", "cancel")

# The definition, as data. Conditions are names resolved in CONDITIONS below.
TRANSITIONS: list[dict[str, Any]] = [
    *(
        {"trigger": "advance", "source": a, "dest": b, "conditions": ["guards_pass"]}
        for a, b in itertools.pairwise(FLOW[:5])
    ),
    # 领导小组: each approval is recorded; the stage moves on once the policy is met.
    {
        "trigger": "approve",
        "source": "group_review",
        "dest": "finance_review",
        "conditions": ["approval_policy_met"],
    },
    {"trigger": "approve", "source": "group_review", "dest": None},
    {"trigger": "approve", "source": "finance_review", "dest": "archived"},
    *(
        {
            "trigger": "return",
            "source": list(REVIEW_STAGES),
            "dest": target,
            "conditions": ["is_requested_target"],
        }
        for target in RETURN_TARGETS
    ),
    {
        "trigger": "withdraw",
        "source": "group_review",
        "dest": "reporting",
        "conditions": ["no_approver_acted"],
    },
    {
        "trigger": "cancel",
        "source": [s for s in STATES if s not in ("archived", "cancelled")],
        "dest": "cancelled",
    },
]


@dataclass
class ActionContext:
    """What one action carries through the machine's conditions and callbacks."""

    session: Any
    actor: Any
    role: str
    action: str = ""
    comment: str = ""
    to: str | None = None
    unmet: list[str] = field(default_factory=list)
    #: Where hooks may store files (a `workflow.documents.DocumentStore`); set by the web layer.
    #: Archiving needs it to keep the signed report.
    files: Any = None
    #: Extra details hooks add to the action's audit event (e.g. the archived report's SHA-256).
    details: dict[str, Any] = field(default_factory=dict)


def _guards_pass(event: EventData) -> bool:
    from workflow.guards import unmet_guards

    ctx: ActionContext = event.kwargs["ctx"]
    ctx.unmet = unmet_guards(ctx.session, event.model)
    return not ctx.unmet


def _approval_policy_met(event: EventData) -> bool:
    from workflow.approvals import policy_met

    return policy_met(event.kwargs["ctx"].session, event.model)


def _is_requested_target(event: EventData) -> bool:
    return event.kwargs["ctx"].to == event.transition.dest


def _no_approver_acted(event: EventData) -> bool:
    from workflow.approvals import approvals_this_round

    ctx: ActionContext = event.kwargs["ctx"]
    return not approvals_this_round(ctx.session, event.model, "group_review")


CONDITIONS: dict[str, Callable[[EventData], bool]] = {
    "guards_pass": _guards_pass,
    "approval_policy_met": _approval_policy_met,
    "is_requested_target": _is_requested_target,
    "no_approver_acted": _no_approver_acted,
}

# Hooks run when a state is entered (inside the action's transaction): later issues register
# e.g. report drafting on "reporting" and the signed PDF on "archived".
ENTER_HOOKS: dict[str, list[Callable[[ActionContext, Any], None]]] = {}


def on_enter(state: str, hook: Callable[[ActionContext, Any], None]) -> None:
    """Register `hook(ctx, evaluation)` to run whenever an evaluation enters `state`."""
    ENTER_HOOKS.setdefault(state, []).append(hook)


def _run_enter_hooks(event: EventData) -> None:
    if event.transition.dest is None:
        return
    from workflow.guards import load_stage_modules

    load_stage_modules()  # the modules of later stages register their hooks on import
    for hook in ENTER_HOOKS.get(event.transition.dest, []):
        hook(event.kwargs["ctx"], event.model)


def _follow_state(event: EventData) -> None:
    """Keep the evaluation's `state` in step with the machine's, outside the ORM's unit of work:
    the service writes the row once, with its version check (`evaluations._write_state`), so
    the object must not also be flushed as changed."""
    set_committed_value(event.model, "state", event.model.machine_state)


def _resolve(spec: dict[str, Any]) -> dict[str, Any]:
    spec = dict(spec)
    spec["conditions"] = [CONDITIONS[name] for name in spec.get("conditions", [])]
    return spec


def build_machine() -> Machine:
    return Machine(
        model=None,
        states=list(STATES),
        transitions=[_resolve(t) for t in TRANSITIONS],
        initial="preparation",
        auto_transitions=False,
        send_event=True,
        model_attribute="machine_state",
        after_state_change=[_follow_state, _run_enter_hooks],
    )


MACHINES: dict[str, Machine] = {MACHINE_VERSION: build_machine()}


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


@functools.cache
def _offered(version: str, state: str) -> tuple[str, ...]:
    offered = set(MACHINES[version].get_triggers(state))
    return tuple(a for a in ACTIONS if a in offered)


def actions_from(state: str, version: str = MACHINE_VERSION) -> list[str]:
    """The actions the definition offers in `state`, in a stable order."""
    return list(_offered(version, state))


def return_targets(state: str) -> list[str]:
    """Stages an evaluation may be returned to from `state` (the earlier working stages)."""
    if state not in REVIEW_STAGES:
        return []
    return list(RETURN_TARGETS)
