"""评价指标体系: validation of the three-level tree and the templates, as pure data.

A tree is a list of level-1 nodes in the API shape: a branch is `{"code","name","children"}`
(optionally with "weight"), a leaf `{"code","name","weight","target","unit","standard","rule",
"scorer","direction"}`. Validation returns every problem at once, in Chinese, so the page can
list them all; an empty list means the tree is usable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from workflow.kernel.errors import InvalidInput
from workflow.scoring.rules import parse_points, validate_rule

TOTAL_WEIGHT = Decimal(100)

LEVELS = 3

LEVEL_TITLES = {1: "一级", 2: "二级", 3: "三级"}

# 单位自评: level-1 weights the rules set "in principle".
SELF_EVALUATION_WEIGHTS: dict[str, Decimal] = {
    "产出": Decimal(50),
    "效益": Decimal(30),
    "服务对象满意度": Decimal(10),
    "预算执行率": Decimal(10),
}

_LEVEL1_ALIASES = {"效果": "效益", "满意度": "服务对象满意度", "预算执行": "预算执行率"}

Node = Mapping[str, Any]
T = TypeVar("T")


def is_branch(node: Node) -> bool:
    return "children" in node


def branch_children(node: Node) -> Sequence[Node] | None:
    """A dict node's children, or None for a leaf (a node without "children")."""
    return (node.get("children") or []) if is_branch(node) else None


def iter_leaves(
    nodes: Iterable[T], children: Callable[[T], Iterable[T] | None] = branch_children
) -> Iterator[T]:
    """Every leaf (三级指标), depth first, in display order.

    Walks any tree of the API shape: an evaluation's or a template's tree, the 评分表's levels,
    the report's scorecard. `children` says what lies below a node (None for a leaf); the
    default reads dict nodes, `workflow.indicators.queries.leaves` passes one for ORM rows.
    """
    for node in nodes:
        below = children(node)
        if below is None:
            yield node
        else:
            yield from iter_leaves(below, children)


def find_node(nodes: Sequence[Node], code: str) -> Node | None:
    """The node with this code anywhere in the tree, or None."""
    for node in nodes:
        if node.get("code") == code:
            return node
        if is_branch(node):
            found = find_node(node.get("children") or [], code)
            if found is not None:
                return found
    return None


def node_weight(node: Node) -> Decimal | None:
    """A node's weight: the leaf's own, a branch's sum of children; None if any is unusable."""
    if not is_branch(node):
        return _weight_or_none(node.get("weight"))
    weights = [node_weight(child) for child in node.get("children") or []]
    if not weights or None in weights:
        return None
    return sum(weights, Decimal(0))


def _weight_or_none(value: Any) -> Decimal | None:
    try:
        weight = parse_points(value, "分值")
    except InvalidInput:
        return None
    return weight if weight > 0 else None


def validate_tree(nodes: Any) -> list[str]:
    """All problems of the tree at once (Chinese messages); empty when the tree is valid.

    Checks: exactly three levels, no empty branches, codes present and unique, leaf weights
    positive with at most two decimals adding up to exactly 100, a branch's weight (if given)
    equal to its children's sum, every leaf with a known rule whose parameters fit.
    """
    if not isinstance(nodes, Sequence) or isinstance(nodes, str) or not nodes:
        return ["指标体系为空，请至少设置一个一级指标"]
    errors: list[str] = []
    codes: list[str] = []
    for node in nodes:
        _check_node(node, 1, errors, codes)
    duplicates = [code for code, count in Counter(codes).items() if count > 1]
    errors.extend(f"指标代码“{code}”重复，代码须唯一" for code in duplicates)
    if problem := total_problem(nodes):
        errors.append(problem)
    return errors


def total_problem(nodes: Sequence[Any]) -> str | None:
    """What is wrong with the 三级指标 total: the leaves whose 分值 is unusable (named, never
    counted as 0), else a sum that is not 100; None when it is 100."""
    leaves = iter_leaves(_mappings(nodes))
    weights = [(leaf, _weight_or_none(leaf.get("weight"))) for leaf in leaves]
    invalid = [_label(leaf, LEVELS) for leaf, weight in weights if weight is None]
    if invalid:
        named = "、".join(invalid[:5]) + (f"等 {len(invalid)} 项" if len(invalid) > 5 else "")
        return f"三级指标分值合计无法核对：{named}的分值无效，改正后再合计"
    total = sum((weight for _, weight in weights if weight is not None), Decimal(0))
    if weights and total != TOTAL_WEIGHT:
        return f"三级指标分值合计为{_num(total)}分，应为100分"
    return None


def _check_node(node: Any, level: int, errors: list[str], codes: list[str]) -> None:
    if not isinstance(node, Mapping):
        errors.append(f"{LEVEL_TITLES.get(level, '')}指标格式有误，应为对象")
        return
    label = _label(node, level)
    code = node.get("code")
    if not isinstance(code, str) or not code.strip():
        errors.append(f"{label}缺少指标代码")
    else:
        codes.append(code)
    if not str(node.get("name") or "").strip():
        errors.append(f"{label}缺少指标名称")
    if is_branch(node):
        _check_branch(node, level, label, errors, codes)
    else:
        _check_leaf(node, level, label, errors)


def _check_branch(node: Node, level: int, label: str, errors: list[str], codes: list[str]) -> None:
    if level >= LEVELS:
        errors.append(f"{label}不能再设下级指标，指标体系只有三级")
        return
    children = node["children"]
    if not isinstance(children, list) or not children:
        errors.append(f"{label}没有下级指标")
        return
    for child in children:
        _check_node(child, level + 1, errors, codes)
    if node.get("weight") in (None, ""):
        return
    given = _weight_or_none(node["weight"])
    computed = node_weight(node)
    if given is None:
        errors.append(f"{label}的分值须为大于0且最多两位小数的数字")
    elif computed is not None and given != computed:
        errors.append(f"{label}的分值为{_num(given)}分，但下级指标分值合计为{_num(computed)}分")


def _check_leaf(node: Node, level: int, label: str, errors: list[str]) -> None:
    if level < LEVELS:
        errors.append(f"{label}位于{LEVEL_TITLES[level]}，须包含下级指标（指标体系须为三级）")
        return
    try:
        weight = parse_points(node.get("weight"), "分值")
        if weight <= 0:
            errors.append(f"{label}的分值须大于0")
    except InvalidInput as exc:
        errors.append(f"{label}：{exc.message}")
    errors.extend(f"{label}：{message}" for message in validate_rule(node))


def _mappings(nodes: Sequence[Any]) -> list[Node]:
    """Only well-formed nodes, so totals can be computed on a tree that has other problems."""
    result: list[Node] = []
    for node in nodes:
        if not isinstance(node, Mapping):
            continue
        if is_branch(node):
            children = node["children"] if isinstance(node["children"], list) else []
            result.append({**node, "children": _mappings(children)})
        else:
            result.append(node)
    return result


def _label(node: Node, level: int) -> str:
    name = str(node.get("name") or "").strip() or "（未命名）"
    code = node.get("code")
    suffix = f"（{code}）" if isinstance(code, str) and code.strip() else ""
    return f"{LEVEL_TITLES.get(level, '')}指标“{name}”{suffix}"


def _num(value: Decimal) -> str:
    """50 → "50", 4.50 → "4.5": how people write weights in messages."""
    return format(value.normalize(), "f")


def self_evaluation_weight_warnings(nodes: Sequence[Node]) -> list[str]:
    """Warnings (not errors) when 单位自评 level-1 weights leave the national defaults.

    The rules weight 产出 50, 效益 30, 服务对象满意度 10, 预算执行率 10 "in principle": a group
    may differ, but the page should say so.
    """
    defaults = "、".join(f"{name}{_num(w)}分" for name, w in SELF_EVALUATION_WEIGHTS.items())
    found: dict[str, Decimal | None] = {}
    warnings: list[str] = []
    for node in _mappings(nodes):
        name = str(node.get("name") or "")
        key = _level1_key(name)
        if key in SELF_EVALUATION_WEIGHTS:
            found[key] = node_weight(node)
        else:
            warnings.append(f"一级指标“{name}”不在单位自评的默认框架内（{defaults}）")
    for key, expected in SELF_EVALUATION_WEIGHTS.items():
        if key not in found:
            warnings.append(f"缺少一级指标“{key}”，单位自评原则上为{_num(expected)}分")
        elif found[key] is not None and found[key] != expected:
            warnings.append(
                f"一级指标“{key}”分值为{_num(found[key])}分，单位自评原则上为{_num(expected)}分"
            )
    return warnings


def _level1_key(name: str) -> str:
    """ "产出指标" → "产出", "满意度指标" → "服务对象满意度"."""
    key = name.strip().removeprefix("项目").removesuffix("指标")
    return _LEVEL1_ALIASES.get(key, key)
