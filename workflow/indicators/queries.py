"""Reading an evaluation's indicator system and the admin-kept templates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import roles
from workflow.accounts.models import User
from workflow.indicators.builtin import Template
from workflow.indicators.models import Indicator, IndicatorTemplate
from workflow.indicators.tree import iter_leaves, self_evaluation_weight_warnings, validate_tree
from workflow.kernel.access import get_visible
from workflow.kernel.db import read_once
from workflow.kernel.errors import NotFound
from workflow.lifecycle.models import Evaluation
from workflow.scoring.previous import PreviousValue, previous_values

EMPTY_TREE = "尚未设置评价指标体系"
NO_PREVIOUS = PreviousValue(None, None)


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


def load_nodes(session: Session, evaluation: Evaluation) -> list[Indicator]:
    """Every indicator row of the evaluation (parents and children loaded together), read
    once per request however many parts of a page ask (`read_once`)."""
    statement = (
        select(Indicator)
        .where(Indicator.evaluation_id == evaluation.id)
        .order_by(Indicator.level, Indicator.position)
        .options(selectinload(Indicator.children))
    )
    key = ("indicators", evaluation.id)
    return read_once(session, key, lambda: list(session.scalars(statement)))


def roots(nodes: Sequence[Indicator]) -> list[Indicator]:
    return [node for node in nodes if node.parent_id is None]


def leaves(nodes: Sequence[Indicator]) -> list[Indicator]:
    """三级指标 rows in display order (depth first): `iter_leaves` over ORM nodes, where a leaf is
    the level-3 row (an 一级 or 二级 row without children yet is not one)."""
    return list(iter_leaves(roots(nodes), _row_children))


def _row_children(node: Indicator) -> list[Indicator] | None:
    return None if node.is_leaf else node.children


def leaf_dict(node: Indicator) -> dict[str, Any]:
    """A leaf in the API shape that `workflow.scoring.rules` understands."""
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
    errors = validate_tree(indicators) + scorer_problems(evaluation, indicators)
    warnings = self_evaluation_weight_warnings(indicators) if evaluation.kind == "unit_self" else []
    return IndicatorSystem(indicators, errors, warnings)


def get_indicators(session: Session, actor: User, evaluation_id: int) -> IndicatorSystem:
    """评价指标体系 of an evaluation the actor may see."""
    evaluation = get_visible(session, actor, evaluation_id)
    system = system_of(session, evaluation)
    system.editable = roles.can_edit_indicators(actor, evaluation)
    return with_previous(session, evaluation, system)


def get_tree(session: Session, actor: User, evaluation_id: int) -> tuple[Evaluation, list]:
    """The evaluation (one the actor may see) and its tree in the API shape (for the sheet)."""
    evaluation = get_visible(session, actor, evaluation_id)
    return evaluation, tree(session, evaluation)


def with_previous(
    session: Session, evaluation: Evaluation, system: IndicatorSystem
) -> IndicatorSystem:
    """Each leaf with last year's 完成值 and 得分 (`previous_actual`, `previous_score`)."""
    previous = previous_values(session, evaluation)
    for leaf in iter_leaves(system.indicators):
        leaf.update(previous.get(leaf["code"], NO_PREVIOUS).as_dict())
    return system


def list_templates(session: Session) -> list[Template]:
    """Every template, the built-in ones first (in the order they were added)."""
    rows = session.scalars(
        select(IndicatorTemplate)
        .order_by(IndicatorTemplate.id)
        .options(selectinload(IndicatorTemplate.updated_by))
    )
    return [_template(row) for row in rows]


def get_template(session: Session, key: str) -> Template:
    """The template with this key; `NotFound` otherwise."""
    return _template(_row(session, key))


def _row(session: Session, key: str) -> IndicatorTemplate:
    row = session.scalar(select(IndicatorTemplate).where(IndicatorTemplate.key == key))
    if row is None:
        raise NotFound(f"指标模板“{key}”不存在")
    return row


def _template(row: IndicatorTemplate) -> Template:
    return Template(
        key=row.key,
        title=row.title,
        kinds=tuple(row.kinds or ()),
        description=row.description,
        tree=tuple(row.tree or ()),
        built_in=row.built_in,
        updated_by=row.updated_by_id,
        updated_by_name=row.updated_by.display_name if row.updated_by else None,
        updated_at=row.updated_at,
    )


def scorer_problems(evaluation: Evaluation, indicators: Sequence[Mapping[str, Any]]) -> list[str]:
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
