"""评价指标体系 services: read, replace and copy from a template an evaluation's indicator tree.

The tree travels in its API shape (see `workflow.indicators`); here it is validated as a whole,
checked against the working group, and stored as `Indicator` rows. Scores of leaves whose
scoring definition did not change survive an edit (a 退回 to 组织实施 does not lose them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import roles
from workflow.db import unit_of_work
from workflow.errors import InvalidInput
from workflow.evaluations import audit, get_visible, require
from workflow.guards import register
from workflow.indicator_templates import get_template
from workflow.indicators import (
    is_branch,
    iter_leaves,
    node_weight,
    self_evaluation_weight_warnings,
    validate_tree,
)
from workflow.models import Evaluation, Indicator, IndicatorScore, User
from workflow.scoring import POSITIVE, parse_points, split_rule

EMPTY_TREE = "尚未设置评价指标体系"


@dataclass
class IndicatorSystem:
    """An evaluation's tree in API shape, with its validation problems and 单位自评 warnings."""

    indicators: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    editable: bool = False  # the reader may edit it now (组长、副组长 in 组织实施)

    @property
    def valid(self) -> bool:
        return bool(self.indicators) and not self.errors


# --- reading ------------------------------------------------------------------------------------


def load_nodes(session: Session, evaluation: Evaluation) -> list[Indicator]:
    """Every indicator row of the evaluation (parents and children loaded together)."""
    return list(
        session.scalars(
            select(Indicator)
            .where(Indicator.evaluation_id == evaluation.id)
            .order_by(Indicator.level, Indicator.position)
            .options(selectinload(Indicator.children))
        )
    )


def roots(nodes: Sequence[Indicator]) -> list[Indicator]:
    return [node for node in nodes if node.parent_id is None]


def leaves(nodes: Sequence[Indicator]) -> list[Indicator]:
    """三级指标 in display order (depth first)."""
    result: list[Indicator] = []

    def walk(items: Sequence[Indicator]) -> None:
        for item in items:
            if item.is_leaf:
                result.append(item)
            else:
                walk(item.children)

    walk(roots(nodes))
    return result


def leaf_dict(node: Indicator) -> dict[str, Any]:
    """A leaf in the API shape that `workflow.scoring` understands."""
    return {
        "code": node.code,
        "name": node.name,
        "weight": str(node.weight),
        "target": node.target,
        "unit": node.unit,
        "standard": node.standard,
        "rule": {"type": node.rule_type, **(node.rule_params or {})},
        "scorer": node.scorer_id,
        "direction": node.direction,
    }


def node_dict(node: Indicator) -> dict[str, Any]:
    """A node and its subtree in the API shape."""
    if node.is_leaf:
        return leaf_dict(node)
    return {
        "code": node.code,
        "name": node.name,
        "weight": str(node.weight),
        "children": [node_dict(child) for child in node.children],
    }


def tree(session: Session, evaluation: Evaluation) -> list[dict[str, Any]]:
    return [node_dict(node) for node in roots(load_nodes(session, evaluation))]


def system_of(session: Session, evaluation: Evaluation) -> IndicatorSystem:
    """The stored tree with its problems (for the page, the API and the guard)."""
    indicators = tree(session, evaluation)
    if not indicators:
        return IndicatorSystem([], [EMPTY_TREE])
    errors = validate_tree(indicators) + _scorer_problems(evaluation, indicators)
    warnings = self_evaluation_weight_warnings(indicators) if evaluation.kind == "unit_self" else []
    return IndicatorSystem(indicators, errors, warnings)


def get_indicators(session: Session, actor: User, evaluation_id: int) -> IndicatorSystem:
    """评价指标体系 of an evaluation the actor may see."""
    evaluation = get_visible(session, actor, evaluation_id)
    system = system_of(session, evaluation)
    system.editable = can_edit(actor, evaluation)
    return system


def can_edit(actor: User, evaluation: Evaluation) -> bool:
    """May the actor edit the tree now (组长、副组长, in 组织实施)? For showing the edit button."""
    return roles.can(actor, "edit_indicators", evaluation)


# --- writing ------------------------------------------------------------------------------------


@unit_of_work
def replace_indicators(
    session: Session,
    actor: User,
    evaluation_id: int,
    indicators: Any,
    client_addr: str | None = None,
) -> IndicatorSystem:
    """设置评价指标体系: replace the whole tree; every problem is reported at once (400)."""
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "edit_indicators", evaluation)
    return _replace(session, actor, evaluation, indicators, "indicators_replaced", "", client_addr)


@unit_of_work
def copy_template(
    session: Session,
    actor: User,
    evaluation_id: int,
    template_key: str,
    client_addr: str | None = None,
) -> IndicatorSystem:
    """从模板复制: replace the tree with a copy of a kept template (共性指标框架、单位自评、雪亮工程
    or one an administrator added)."""
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "edit_indicators", evaluation)
    template = get_template(session, template_key)
    comment = f"从模板“{template.title}”复制"
    return _replace(
        session,
        actor,
        evaluation,
        template.indicators(),
        "indicators_from_template",
        comment,
        client_addr,
    )


def _replace(
    session: Session,
    actor: User,
    evaluation: Evaluation,
    indicators: Any,
    action: str,
    comment: str,
    client_addr: str | None,
) -> IndicatorSystem:
    errors = validate_tree(indicators)
    if not errors:
        errors = _scorer_problems(evaluation, indicators)
    if errors:
        raise InvalidInput("指标体系有误：" + "；".join(errors), details=errors)
    kept = _remove_tree(session, evaluation)
    for position, node in enumerate(indicators):
        session.add(_build(evaluation.id, node, 1, position))
    session.flush()
    restored = _restore_scores(session, evaluation, kept)
    system = system_of(session, evaluation)
    system.editable = True
    leaf_count = sum(1 for _ in iter_leaves(indicators))
    audit(
        session,
        evaluation,
        actor,
        action,
        comment=comment,
        client_addr=client_addr,
        details={"leaves": leaf_count, "scores_kept": restored},
    )
    return system


def _remove_tree(session: Session, evaluation: Evaluation) -> dict[tuple, dict[str, Any]]:
    """Delete the stored tree and its scores (through the ORM, so the identity map stays true),
    returning the scores by (code, signature) so unchanged leaves can get theirs back."""
    kept = _scores_by_signature(session, evaluation)
    for score in session.scalars(
        select(IndicatorScore).where(IndicatorScore.evaluation_id == evaluation.id)
    ):
        session.delete(score)
    for node in roots(load_nodes(session, evaluation)):
        session.delete(node)
    session.flush()
    return kept


def _build(evaluation_id: int, node: Mapping[str, Any], level: int, position: int) -> Indicator:
    row = Indicator(
        evaluation_id=evaluation_id,
        level=level,
        position=position,
        code=node["code"].strip(),
        name=str(node["name"]).strip(),
        weight=node_weight(node),
    )
    if is_branch(node):
        row.children = [
            _build(evaluation_id, child, level + 1, index)
            for index, child in enumerate(node["children"])
        ]
        return row
    rule_type, params = split_rule(node["rule"])
    row.target = str(node.get("target") or "")
    row.unit = str(node.get("unit") or "")
    row.standard = str(node.get("standard") or "")
    row.direction = node.get("direction") or POSITIVE
    row.rule_type = rule_type
    row.rule_params = params
    row.scorer_id = node.get("scorer")
    return row


def _scorer_problems(evaluation: Evaluation, indicators: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each leaf's 打分人 must be a 组长、副组长 or 成员 of this evaluation."""
    problems = []
    for leaf in iter_leaves(indicators):
        scorer = leaf.get("scorer")
        if scorer is None:
            continue
        if isinstance(scorer, bool) or not isinstance(scorer, int):
            problems.append(f"三级指标“{leaf.get('name')}”的打分人须为用户编号")
        elif not roles.is_group_worker(scorer, evaluation):
            problems.append(
                f"三级指标“{leaf.get('name')}”的打分人（用户 {scorer}）不是本评价工作组成员"
            )
    return problems


# --- keeping scores across an edit ---------------------------------------------------------------


def _signature(leaf: Mapping[str, Any]) -> tuple:
    """What a score depends on: weight, target, direction and rule."""
    rule = leaf.get("rule") or {}
    return (
        parse_points(leaf["weight"], "分值"),
        str(leaf.get("target") or ""),
        leaf.get("direction") or POSITIVE,
        tuple(sorted((k, repr(v)) for k, v in rule.items())),
    )


def _scores_by_signature(session: Session, evaluation: Evaluation) -> dict[tuple, dict[str, Any]]:
    rows = session.scalars(
        select(IndicatorScore)
        .where(IndicatorScore.evaluation_id == evaluation.id)
        .options(selectinload(IndicatorScore.indicator))
    )
    return {
        (row.indicator.code, _signature(leaf_dict(row.indicator))): _score_fields(row)
        for row in rows
    }


def _score_fields(row: IndicatorScore) -> dict[str, Any]:
    names = (
        "inputs",
        "score",
        "actual",
        "rate",
        "details",
        "reason",
        "deviation_note",
        "not_applicable",
        "scored_by_id",
        "scored_at",
    )
    return {name: getattr(row, name) for name in names}


def _restore_scores(session: Session, evaluation: Evaluation, kept: dict[tuple, dict]) -> int:
    restored = 0
    for node in leaves(load_nodes(session, evaluation)):
        fields = kept.get((node.code, _signature(leaf_dict(node))))
        if fields is not None:
            session.add(IndicatorScore(evaluation_id=evaluation.id, indicator_id=node.id, **fields))
            restored += 1
    session.flush()
    return restored


# --- guard --------------------------------------------------------------------------------------


@register("implementation")
def indicator_system_valid(session: Session, evaluation: Evaluation) -> list[str]:
    """推进条件: the indicator system exists and is valid."""
    system = system_of(session, evaluation)
    if not system.indicators:
        return [EMPTY_TREE]
    return [f"评价指标体系：{message}" for message in system.errors]
