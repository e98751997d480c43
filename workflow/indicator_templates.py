"""指标模板 services: the templates administrators keep, read by 从模板复制.

A template is stored as an `IndicatorTemplate` row and handed out as a
`workflow.indicators.Template` value (its `indicators()` is a fresh copy, safe to edit). The
built-in templates of `workflow.indicators.TEMPLATES` are inserted by the migration
(`built_in_rows`); administrators may edit them but not delete them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import roles
from workflow import clock
from workflow.db import unit_of_work
from workflow.errors import InvalidInput, NotFound
from workflow.indicators import TEMPLATES, Template, is_branch, validate_tree
from workflow.models import EVALUATION_KINDS, IndicatorTemplate, User

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
    indicators: Any  # the tree in API shape, validated by `workflow.indicators.validate_tree`


# --- reading ------------------------------------------------------------------------------------


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


# --- keeping (administrators) -------------------------------------------------------------------


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
        raise InvalidInput("指标模板有误：" + "；".join(problems), details=problems)
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


# --- the built-in templates ---------------------------------------------------------------------


def built_in_rows() -> list[dict[str, Any]]:
    """The built-in templates as rows of `indicator_templates` (the migration inserts them)."""
    return [
        {
            "key": template.key,
            "title": template.title,
            "kinds": list(template.kinds),
            "description": template.description,
            "tree": template.indicators(),
            "built_in": True,
            "updated_by_id": None,
            "updated_at": clock.now(),
        }
        for template in TEMPLATES.values()
    ]
