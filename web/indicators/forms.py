"""Forms of the 评价指标体系 editor and the 评分 page: they parse and type the input; the
services (`workflow.indicators.operations`, `workflow.scoring.operations`) judge it.

The editor is one form holding the whole tree as an outline: one row per node, in display order,
each with its level (一级、二级、三级). Structural edits (add, move, delete) rearrange the rows
and show the form again; only “保存” sends the tree to the service.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.validators import Length

from web.forms import Form, _optional_int, options
from workflow.indicators.tree import LEVEL_TITLES, iter_leaves, node_weight
from workflow.scoring.rules import (
    DEFAULT_SURVEY_OPTIONS,
    DEFAULT_TARGET_RATE,
    DIRECTIONS,
    MEASURES,
    NATURES,
    POSITIVE,
    RULE_TYPES,
    split_rule,
)


class NodeRow(SubForm):
    """One node of the outline; leaf fields are ignored on branches."""

    level = HiddenField()
    code = StringField("代码", validators=[Length(max=40)])
    name = StringField("名称", validators=[Length(max=200)])
    weight = StringField("分值")
    target = StringField("指标值", validators=[Length(max=100)])
    unit = StringField("单位", validators=[Length(max=40)])
    direction = SelectField(
        "指标性质",
        choices=options((k, f"{NATURES[k]}（{v}）") for k, v in DIRECTIONS.items()),
        validate_choice=False,
    )
    rule = SelectField("评分规则", choices=options(RULE_TYPES.items()), validate_choice=False)
    measure = SelectField("比率", choices=options(MEASURES.items()), validate_choice=False)
    target_rate = StringField("目标满意度（%）")
    options = StringField("问卷选项及分值")
    standard = TextAreaField("评分标准")
    scorer = SelectField("评分人", coerce=_optional_int, validate_choice=False)


class IndicatorTreeForm(Form):
    nodes = FieldList(FormField(NodeRow))
    op = StringField()  # the pressed button: save, add-root, add-3, up-3, down-3, del-3


class TemplateForm(Form):
    template = SelectField("指标模板")


class ImportForm(Form):
    """从 Excel 导入 the indicator sheet."""

    file = FileField("Excel 指标表", validators=[FileRequired("请选择 Excel 指标表")])


def row_level(row: dict[str, Any]) -> int:
    """The level of an editor row (1, 2 or 3), whatever was posted."""
    return _level(row.get("level"))


def _level(value: Any) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        return 3
    return min(max(level, 1), 3)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def rows_from_tree(nodes: list[dict[str, Any]], level: int = 1) -> list[dict[str, Any]]:
    """The stored tree (API shape) as editor rows, depth first."""
    rows: list[dict[str, Any]] = []
    for node in nodes:
        if "children" in node:
            rows.append({"level": level, "code": node["code"], "name": node["name"]})
            rows.extend(rows_from_tree(node["children"], level + 1))
            continue
        rule_type, params = split_rule(node.get("rule"))
        rows.append(
            {
                "level": level,
                "code": node.get("code", ""),
                "name": node.get("name", ""),
                "weight": node.get("weight", ""),
                "target": node.get("target", ""),
                "unit": node.get("unit", ""),
                "direction": node.get("direction") or POSITIVE,
                "rule": rule_type or "tiered",
                "measure": params.get("measure", "budget_execution"),
                "target_rate": str(params.get("target_rate", "")),
                "options": format_options(params.get("options")),
                "standard": node.get("standard", ""),
                "scorer": node.get("scorer"),
            }
        )
    return rows


def tree_from_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Editor rows → the tree the `replace tree` service takes (branch weights are derived)."""
    roots: list[dict[str, Any]] = []
    parents: dict[int, dict[str, Any]] = {}
    for row in rows:
        level = _level(row.get("level"))
        if level < 3:
            node = {"code": _text(row.get("code")), "name": _text(row.get("name")), "children": []}
        else:
            node = _leaf(row)
        if level == 1:
            roots.append(node)
        else:
            parent = parents.get(level - 1)
            if parent is None:  # an orphan row: give it an unnamed parent the service reports
                parent = {"code": "", "name": "", "children": []}
                (roots if level == 2 else _parent_of_orphan(roots, parents)).append(parent)
                parents[level - 1] = parent
            parent["children"].append(node)
        if level < 3:
            parents[level] = node
            parents.pop(level + 1, None)
    return roots


def _parent_of_orphan(roots: list, parents: dict) -> list:
    level1 = parents.get(1)
    if level1 is None:
        level1 = {"code": "", "name": "", "children": []}
        roots.append(level1)
        parents[1] = level1
    return level1["children"]


def _leaf(row: dict[str, Any]) -> dict[str, Any]:
    rule_type = _text(row.get("rule")) or "tiered"
    rule: dict[str, Any] = {"type": rule_type}
    if rule_type == "rate":
        rule["measure"] = _text(row.get("measure"))
    elif rule_type == "survey":
        if _text(row.get("target_rate")):
            rule["target_rate"] = _text(row.get("target_rate"))
        if _text(row.get("options")):
            rule["options"] = parse_options(_text(row.get("options")))
    return {
        "code": _text(row.get("code")),
        "name": _text(row.get("name")),
        "weight": _text(row.get("weight")),
        "target": _text(row.get("target")),
        "unit": _text(row.get("unit")),
        "direction": _text(row.get("direction")) or POSITIVE,
        "standard": _text(row.get("standard")),
        "rule": rule,
        "scorer": row.get("scorer"),
    }


def _block_end(rows: list[dict[str, Any]], index: int) -> int:
    """One past the last row of the node at `index` and its descendants."""
    level = _level(rows[index]["level"])
    end = index + 1
    while end < len(rows) and _level(rows[end]["level"]) > level:
        end += 1
    return end


def _previous_sibling(rows: list[dict[str, Any]], index: int) -> int | None:
    level = _level(rows[index]["level"])
    for position in range(index - 1, -1, -1):
        other = _level(rows[position]["level"])
        if other < level:
            return None
        if other == level:
            return position
    return None


def _new_rows(level: int, parent_code: str, siblings: int, taken: set[str]) -> list[dict]:
    """A new node (with a first child down to a leaf, so no branch starts empty)."""
    code = _free_code(f"{parent_code}.{siblings + 1}" if parent_code else str(siblings + 1), taken)
    taken.add(code)
    title = LEVEL_TITLES[level]
    if level == 3:
        return [
            {
                "level": 3,
                "code": code,
                "name": "",
                "weight": "",
                "direction": POSITIVE,
                "rule": "tiered",
                "measure": "budget_execution",
                "target_rate": DEFAULT_TARGET_RATE,
                "options": format_options(DEFAULT_SURVEY_OPTIONS),
            }
        ]
    return [
        {"level": level, "code": code, "name": f"新{title}指标"},
        *_new_rows(level + 1, code, 0, taken),
    ]


def _free_code(code: str, taken: set[str]) -> str:
    base, number = code, 1
    while code in taken:
        number += 1
        code = f"{base}-{number}"
    return code


def _children_count(rows: list[dict[str, Any]], index: int) -> int:
    level = _level(rows[index]["level"])
    return sum(
        1 for row in rows[index + 1 : _block_end(rows, index)] if _level(row["level"]) == level + 1
    )


def apply_op(rows: list[dict[str, Any]], op: str) -> tuple[list[dict[str, Any]], int | None]:
    """Apply one editor button to the outline; returns the rows and the row to scroll to."""
    rows = list(rows)
    taken = {_text(row.get("code")) for row in rows}
    name, _, arg = op.partition("-")
    if name == "add" and arg == "root":
        roots = sum(1 for row in rows if _level(row["level"]) == 1)
        rows.extend(_new_rows(1, "", roots, taken))
        return rows, len(rows) - 3
    if not arg.isdigit() or int(arg) >= len(rows):
        return rows, None
    index = int(arg)
    end = _block_end(rows, index)
    if name == "add" and _level(rows[index]["level"]) < 3:
        level = _level(rows[index]["level"]) + 1
        parent_code = _text(rows[index].get("code"))
        rows[end:end] = _new_rows(level, parent_code, _children_count(rows, index), taken)
        return rows, end
    if name == "del":
        del rows[index:end]
        return rows, max(index - 1, 0) if rows else None
    if name == "up":
        before = _previous_sibling(rows, index)
        if before is None:
            return rows, index
        rows[before:end] = rows[index:end] + rows[before:index]
        return rows, before
    if name == "down":
        if end < len(rows) and _level(rows[end]["level"]) == _level(rows[index]["level"]):
            after = _block_end(rows, end)
            rows[index:after] = rows[end:after] + rows[index:end]
            return rows, index + (after - end)
        return rows, index
    return rows, None


def outline_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Subtotals per row (branches: sum of their leaves) and the leaf total, for display."""
    tree = tree_from_rows(rows)
    leaves = list(iter_leaves(tree))
    subtotals: list[Decimal | None] = []
    for index, row in enumerate(rows):
        if _level(row["level"]) == 3:
            subtotals.append(None)
            continue
        weights = [
            _weight(r) for r in rows[index + 1 : _block_end(rows, index)] if _level(r["level"]) == 3
        ]
        subtotals.append(sum((w for w in weights if w is not None), Decimal(0)))
    weights = [node_weight(leaf) for leaf in leaves]
    total = sum((w for w in weights if w is not None), Decimal(0))
    invalid = sum(1 for w in weights if w is None)  # shown as such, not counted as 0
    return {"subtotals": subtotals, "total": total, "leaves": len(leaves), "invalid": invalid}


def _weight(row: dict[str, Any]) -> Decimal | None:
    return node_weight({"weight": _text(row.get("weight"))})


_OPTION_SEPARATORS = re.compile(r"[，,；;、\n]+")


_OPTION_PAIR = re.compile(r"^(.+?)\s*[:：=]\s*(.*)$")


def format_options(values: dict[str, Any] | None) -> str:
    """{"非常满意": 100, …} → "非常满意:100，满意:80，…" for the editor."""
    return "，".join(f"{name}:{value}" for name, value in (values or {}).items())


def parse_options(text: str) -> dict[str, Any]:
    """ "非常满意:100，满意:80" → {"非常满意": 100, "满意": 80}; a bad value is kept as typed so
    the service reports it in Chinese."""
    result: dict[str, Any] = {}
    for part in _OPTION_SEPARATORS.split(text):
        if not part.strip():
            continue
        match = _OPTION_PAIR.match(part.strip())
        name, value = (match.group(1), match.group(2)) if match else (part.strip(), "")
        result[name.strip()] = _number(value.strip())
    return result


def _number(value: str) -> Any:
    """Whole numbers as int (like the templates), others as typed."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return int(number) if number.is_finite() and number == number.to_integral_value() else value
