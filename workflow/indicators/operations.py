"""Changing indicator systems and templates: replace a tree, copy a template, keep templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import roles
from workflow.accounts.models import User
from workflow.indicators.builtin import Template
from workflow.indicators.excel import read_indicators
from workflow.indicators.models import Indicator, IndicatorTemplate
from workflow.indicators.queries import (
    IndicatorSystem,
    _row,
    _template,
    get_template,
    leaf_dict,
    leaves,
    load_nodes,
    roots,
    scorer_problems,
    system_of,
    tree,
    with_previous,
)
from workflow.indicators.tree import is_branch, iter_leaves, node_weight, validate_tree
from workflow.kernel import clock
from workflow.kernel.access import get_visible, require
from workflow.kernel.audit import _INSERT_AUDIT, audit, audit_row
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import InvalidInput
from workflow.lifecycle.models import EVALUATION_KINDS, Evaluation
from workflow.scoring.models import IndicatorScore
from workflow.scoring.rules import POSITIVE, parse_points, split_rule


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


def plant_template(
    session: Session,
    actor: User,
    evaluations: list[Evaluation],
    template: Template,
    client_addr: str | None = None,
) -> None:
    """从模板复制 into evaluations just opened by someone else (自评任务下达), in the caller's
    transaction: their trees in one flush and one audit event each, in one insert. The trees
    are new, so there is nothing to keep or check against (`copy_template` is the way later)."""
    if not evaluations:
        return
    tree = template.indicators()
    leaf_count = sum(1 for _ in iter_leaves(tree))
    for evaluation in evaluations:
        for position, node in enumerate(template.indicators()):
            session.add(_build(evaluation.id, node, 1, position))
    session.flush()
    comment = f"从模板“{template.title}”复制"
    details = {"leaves": leaf_count, "scores_kept": 0}
    rows = [
        audit_row(
            e,
            actor,
            "indicators_from_template",
            comment=comment,
            client_addr=client_addr,
            details=details,
        )
        for e in evaluations
    ]
    session.connection().execute(_INSERT_AUDIT, rows)


@unit_of_work
def copy_from_evaluation(
    session: Session,
    actor: User,
    evaluation_id: int,
    other_id: int,
    client_addr: str | None = None,
) -> IndicatorSystem:
    """复制上年: replace the tree with a copy of another evaluation's (one the actor may see),
    codes, weights, targets and rules as they were; the scorers are left unassigned (they
    are people of that evaluation's group)."""
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "edit_indicators", evaluation)
    other = get_visible(session, actor, other_id)
    if other.id == evaluation.id:
        raise InvalidInput.field("other_id", "不能从本评价复制指标体系")
    indicators = [_without_scorers(node) for node in tree(session, other)]
    if not indicators:
        raise InvalidInput.field("other_id", f"“{other.year}年{other.project_name}”尚无指标体系")
    comment = f"从“{other.year}年{other.project_name}”（评价 {other.id}）复制"
    return _replace(
        session, actor, evaluation, indicators, "indicators_from_evaluation", comment, client_addr
    )


@unit_of_work
def import_indicators(
    session: Session,
    actor: User,
    evaluation_id: int,
    data: bytes,
    client_addr: str | None = None,
) -> IndicatorSystem:
    """从 Excel 导入: replace the tree with the one in a 绩效目标申报表-layout sheet (every
    problem named by its row); a leaf whose code is kept keeps its 评分人."""
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "edit_indicators", evaluation)
    indicators = read_indicators(data)
    scorers = {leaf.code: leaf.scorer_id for leaf in leaves(load_nodes(session, evaluation))}
    for leaf in iter_leaves(indicators):
        leaf["scorer"] = scorers.get(leaf["code"])
    return _replace(
        session, actor, evaluation, indicators, "indicators_imported", "从 Excel 导入", client_addr
    )


def _without_scorers(node: dict[str, Any]) -> dict[str, Any]:
    if is_branch(node):
        return {**node, "children": [_without_scorers(child) for child in node["children"]]}
    return {**node, "scorer": None}


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
        errors = scorer_problems(evaluation, indicators)
    if errors:
        raise InvalidInput("指标体系有误：" + "；".join(errors), errors=errors)
    kept = _remove_tree(session, evaluation)
    for position, node in enumerate(indicators):
        session.add(_build(evaluation.id, node, 1, position))
    session.flush()
    restored = _restore_scores(session, evaluation, kept)
    system = with_previous(session, evaluation, system_of(session, evaluation))
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


KEY_PATTERN = re.compile(r"^[a-z0-9_]{2,40}$")

TITLE_MAX = 200

BRANCH_FIELDS = ("code", "name", "weight")

LEAF_FIELDS = ("code", "name", "weight", "target", "unit", "standard", "rule", "direction")


@dataclass
class TemplateFields:
    """What an administrator sets on a template (the key is given apart: it never changes)."""

    title: str
    kinds: list[str]
    description: str
    indicators: Any  # the tree in API shape, validated by `workflow.indicators.tree.validate_tree`


@unit_of_work
def save_template(
    session: Session, actor: User, key: str, fields: TemplateFields, create: bool = False
) -> Template:
    """Add a template (`create`) or edit the one with this key (built-in ones too).

    Every problem (key, title, kinds, the whole tree) is reported at once in `details`. A
    template names no 打分人: scorers are chosen in each evaluation, so they are not kept.
    """
    roles.require_admin(actor, "仅管理员可以维护指标模板")
    key = (key or "").strip()
    row = None if create else _row(session, key)
    problems = _problems(session, key, fields, create)
    if problems:
        raise InvalidInput("指标模板有误：" + "；".join(problems), errors=problems)
    if row is None:
        row = IndicatorTemplate(key=key, built_in=False)
        session.add(row)
    row.title = fields.title.strip()
    row.kinds = list(fields.kinds)
    row.description = (fields.description or "").strip()
    row.tree = [_clean(node) for node in fields.indicators]
    row.updated_by = actor
    row.updated_at = clock.now()
    session.flush()
    return _template(row)


@unit_of_work
def delete_template(session: Session, actor: User, key: str) -> None:
    """Delete a template an administrator added; the built-in ones stay (they may be edited)."""
    roles.require_admin(actor, "仅管理员可以维护指标模板")
    row = _row(session, key)
    if row.built_in:
        raise InvalidInput(f"“{row.title}”是内置模板，可以修改但不能删除", code="built_in")
    session.delete(row)


def _problems(session: Session, key: str, fields: TemplateFields, create: bool) -> list[str]:
    problems = []
    if create:
        if not KEY_PATTERN.match(key):
            problems.append("模板代码须为2～40位小写字母、数字或下划线")
        elif session.scalar(select(IndicatorTemplate.id).where(IndicatorTemplate.key == key)):
            problems.append(f"模板代码“{key}”已存在")
    title = (fields.title or "").strip()
    if not title:
        problems.append("模板名称不能为空")
    elif len(title) > TITLE_MAX:
        problems.append(f"模板名称至多{TITLE_MAX}个字")
    if not fields.kinds:
        problems.append("请至少选择一种适用的评价类型")
    unknown = [kind for kind in fields.kinds if kind not in EVALUATION_KINDS]
    if unknown:
        allowed = "、".join(f"{k}（{v}）" for k, v in EVALUATION_KINDS.items())
        problems.append(f"评价类型“{'、'.join(map(str, unknown))}”不存在，应为{allowed}")
    problems.extend(validate_tree(fields.indicators))
    return problems


def _clean(node: Mapping[str, Any]) -> dict[str, Any]:
    """A validated node with only the named fields of its kind; a leaf's 打分人 left empty."""
    if is_branch(node):
        copied = {name: node[name] for name in BRANCH_FIELDS if node.get(name) not in (None, "")}
        return {**copied, "children": [_clean(child) for child in node["children"]]}
    copied = {name: node[name] for name in LEAF_FIELDS if name in node}
    return {**copied, "scorer": None}
