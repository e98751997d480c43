"""The evaluation lifecycle (评价流程) as data: stages, actions and the transitions between them.

The UI, the API and the tests ask this module which actions exist in a state; `roles/` then
says who may take them. What the transitions' conditions check and what runs on entering a
stage is wired in `workflow.lifecycle.wiring`, which builds the shared machine from this data.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from typing import Any

MACHINE_VERSION = "1"  # the full definition: 部门评价, 财政评价
#: The lighter definition every 单位自评 runs on: the same stages, lighter guards to leave
#: 前期准备 (`wiring.GUARDS`), the unit's own sign-off as 领导小组审核.
UNIT_SELF_VERSION = "unit_self-1"

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
WORKING_STATES = ("preparation", "implementation", "analysis", "reporting")  # the group works
REVIEW_STAGES = ("group_review", "finance_review")
OPEN_STATES = (*WORKING_STATES, *REVIEW_STAGES)
CLOSED_STATES = ("archived", "cancelled")  # 已归档, 已终止: nothing moves any more
RETURN_TARGETS = WORKING_STATES  # a review returns the evaluation to a working stage

ACTIONS: dict[str, str] = {
    "advance": "推进",
    "approve": "审核通过",
    "return": "退回",
    "withdraw": "撤回",
    "cancel": "终止",
}
ACTIONS_NEEDING_REASON = ("return", "cancel")

# The definition, as data. Conditions are names, resolved in `wiring.CONDITIONS`.
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
        "source": list(OPEN_STATES),
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
    #: Where hooks may store files (a `workflow.kernel.files.DocumentStore`); set by the web layer.
    #: Archiving needs it to keep the signed report.
    files: Any = None
    #: How work that follows the commit runs (archiving's render of the signed files): given
    #: the work, run it. The web app passes a thread's start; None runs it at once, after the
    #: commit, in the caller's process (the command line, the tests).
    background: Any = None
    #: Extra details hooks add to the action's audit event (e.g. the archived report's SHA-256).
    details: dict[str, Any] = field(default_factory=dict)


def return_targets(state: str) -> list[str]:
    """Stages an evaluation may be returned to from `state` (the earlier working stages)."""
    if state not in REVIEW_STAGES:
        return []
    return list(RETURN_TARGETS)


#: Every version of the process definition, by `machine_version`; an evaluation keeps the one
#: it started on. A 单位自评 moves through the same stages and actions as the full definition;
#: what differs is wired per version (`wiring.GUARDS`) and the defaults below.
DEFINITIONS: dict[str, list[dict[str, Any]]] = {
    MACHINE_VERSION: TRANSITIONS,
    UNIT_SELF_VERSION: TRANSITIONS,
}
#: What each definition is called on the evaluation's page.
DEFINITION_TITLES: dict[str, str] = {
    MACHINE_VERSION: "完整评价流程",
    UNIT_SELF_VERSION: "单位自评流程（项目负责人填报，单位审核，财政局审核）",
}
#: The definition an evaluation of each kind starts on (others: the full one).
KIND_DEFINITIONS: dict[str, str] = {"unit_self": UNIT_SELF_VERSION}
#: 领导小组审核's approval policy until the group says otherwise: a 单位自评 is signed off by
#: any one of the unit's approvers (或签), a full evaluation by all of them (会签).
DEFAULT_APPROVAL_POLICY: dict[str, str] = {MACHINE_VERSION: "all", UNIT_SELF_VERSION: "any"}


def definition_for(kind: str) -> str:
    """The `machine_version` a new evaluation of `kind` runs on."""
    return KIND_DEFINITIONS.get(kind, MACHINE_VERSION)


def definition_label(version: str) -> str:
    """流程定义 as the page shows it: its title and version ("完整评价流程（版本 1）")."""
    return f"{DEFINITION_TITLES.get(version, '流程')}（版本 {version}）"


def sources(transition: dict[str, Any]) -> list[str]:
    """The states a transition leaves from (one name or a list, as `transitions` takes it)."""
    source = transition["source"]
    return source if isinstance(source, list) else [source]


@functools.cache
def _offered(version: str, state: str) -> tuple[str, ...]:
    offered = {t["trigger"] for t in DEFINITIONS[version] if state in sources(t)}
    return tuple(a for a in ACTIONS if a in offered)


def actions_from(state: str, version: str = MACHINE_VERSION) -> list[str]:
    """The actions the definition of `version` offers in `state`, in a stable order."""
    return list(_offered(version, state))
