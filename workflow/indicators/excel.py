"""The indicator tree as an Excel sheet in the 绩效目标申报表 layout, and back.

Columns: 一级指标, 二级指标, 三级指标, 指标性质, 指标值, 度量单位, 分值, 评分标准, and 指标代码 and
评分规则 so that a sheet exported and imported again gives back the same tree. A 一级 row (only
its name) and a 二级 row (一级 and 二级 names) carry their codes; a 三级 row is a leaf of the
二级 above with the same names. Reading refuses a bad sheet with every problem named by its row.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workflow.indicators.tree import branch_children, is_branch
from workflow.kernel.errors import InvalidInput
from workflow.scoring.rules import (
    NATURES,
    POSITIVE,
    QUALITATIVE,
    RULE_TYPES,
    indicator_nature,
    parse_points,
    split_rule,
    validate_rule,
)

SHEET = "绩效指标"
HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "分值",
    "评分标准",
    "指标代码",
    "评分规则",
)
REQUIRED = ("一级指标", "二级指标", "三级指标", "分值")
WIDTHS = (14, 16, 26, 8, 12, 10, 8, 50, 10, 34)
#: 指标性质 → direction (定性 leaves are judged in bands; their direction does not score).
DIRECTION_OF = {sign: direction for direction, sign in NATURES.items()} | {QUALITATIVE: POSITIVE}
RULE_OF_TITLE = {title: key for key, title in RULE_TYPES.items()}
MAX_ROWS = 2000


def indicators_workbook(title: str, tree: list[dict[str, Any]]) -> bytes:
    """The .xlsx bytes of a tree in the API shape."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([f"{title}绩效指标"])
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.append(list(HEADERS))
    for column in range(1, len(HEADERS) + 1):
        sheet.cell(2, column).font = Font(bold=True)
    for level1 in tree:
        sheet.append([level1["name"], None, None, None, None, None, _points(level1), None,
                      level1["code"]])  # fmt: skip
        for level2 in branch_children(level1) or []:
            sheet.append([level1["name"], level2["name"], None, None, None, None,
                          _points(level2), None, level2["code"]])  # fmt: skip
            for leaf in branch_children(level2) or []:
                sheet.append(_leaf_row(level1, level2, leaf))
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # 指标性质 "=", not a formula
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _points(node: dict[str, Any]) -> float | None:
    weight = node.get("weight")
    return None if weight in (None, "") else float(Decimal(str(weight)))


def _leaf_row(level1: dict, level2: dict, leaf: dict) -> list[Any]:
    rule_type, params = split_rule(leaf.get("rule"))
    direction = leaf.get("direction") or POSITIVE
    nature = indicator_nature(direction, rule_type, leaf.get("target"))
    if nature == QUALITATIVE and direction != POSITIVE:
        nature = NATURES[direction]  # keep the direction: the sheet comes back the same
    rule = json.dumps(leaf["rule"], ensure_ascii=False) if params else rule_type
    return [level1["name"], level2["name"], leaf["name"], nature, leaf.get("target") or "",
            leaf.get("unit") or "", _points(leaf), leaf.get("standard") or "", leaf["code"],
            rule]  # fmt: skip


# --- reading a sheet --------------------------------------------------------------------------


@dataclass
class _Branch:
    code: str
    name: str
    weight: Any
    children: list = field(default_factory=list)

    def as_node(self) -> dict[str, Any]:
        node = {"code": self.code, "name": self.name, "children": []}
        if self.weight not in (None, ""):
            node["weight"] = self.weight
        node["children"] = [c.as_node() if isinstance(c, _Branch) else c for c in self.children]
        return node


def read_indicators(data: bytes) -> list[dict[str, Any]]:
    """The tree in the API shape from a sheet in the layout above; InvalidInput naming every
    problem by its row otherwise (never an error of the file reader)."""
    sheet = _open(data)
    header_row, columns = _header(sheet)
    problems: list[str] = []
    level1s: dict[str, _Branch] = {}
    level2s: dict[tuple[str, str], _Branch] = {}
    codes: dict[str, int] = {}
    for number, values in enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True),
                                    start=header_row + 1):  # fmt: skip
        if number > header_row + MAX_ROWS:
            problems.append(f"指标超过 {MAX_ROWS} 行，请分开导入")
            break
        row = {name: _text(values[i]) if i < len(values) else "" for name, i in columns.items()}
        if not any(row.values()):
            continue
        _read_row(number, row, values, columns, level1s, level2s, codes, problems)
    if not level1s and not problems:
        problems.append("表中没有指标（第一行为标题，表头须含一级指标、二级指标、三级指标、分值）")
    if problems:
        listed = "；".join(problems)
        raise InvalidInput(f"Excel 指标表有 {len(problems)} 处问题：{listed}", errors=problems)
    tree = [branch.as_node() for branch in level1s.values()]
    _fill_codes(tree, set(codes))
    return tree


def _fill_codes(nodes: list[dict[str, Any]], taken: set[str], prefix: str = "") -> None:
    """Codes by position ("1", "1.2", "1.2.3") for the rows the sheet gave none."""
    for position, node in enumerate(nodes, start=1):
        if not node["code"]:
            code = f"{prefix}{position}"
            while code in taken:
                code += "'"
            node["code"] = code
            taken.add(code)
        if is_branch(node):
            _fill_codes(node["children"], taken, f"{node['code']}.")


def _open(data: bytes) -> Worksheet:
    try:
        book = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception:  # any reader error of an uploaded file is the file's fault: 400
        message = "无法读取该文件，请上传 Excel（.xlsx）格式的指标表"
        raise InvalidInput.field("file", message) from None
    return book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]


def _header(sheet: Worksheet) -> tuple[int, dict[str, int]]:
    for number, values in enumerate(sheet.iter_rows(max_row=5, values_only=True), start=1):
        names = [_text(v) for v in values]
        if "三级指标" in names:
            columns = {name: names.index(name) for name in HEADERS if name in names}
            missing = [name for name in REQUIRED if name not in columns]
            if missing:
                raise InvalidInput.field("file", f"第{number}行表头缺少：{'、'.join(missing)}")
            return number, columns
    raise InvalidInput.field("file", "前 5 行中找不到表头（一级指标、二级指标、三级指标、分值…）")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_row(number, row, values, columns, level1s, level2s, codes, problems) -> None:
    where = f"第{number}行"
    name1, name2, name3 = row["一级指标"], row["二级指标"], row["三级指标"]
    if not name1:
        problems.append(f"{where}：缺少一级指标")
        return
    code = row.get("指标代码", "")
    if code:
        if code in codes:
            problems.append(f"{where}：指标代码“{code}”与第{codes[code]}行重复")
        codes.setdefault(code, number)
    level1 = level1s.get(name1)
    if level1 is None:
        level1 = level1s[name1] = _Branch(code if not name2 else "", name1, None)
    if not name2:
        if name3:
            problems.append(f"{where}：三级指标“{name3}”缺少二级指标")
            return
        level1.code = level1.code or code
        level1.weight = _weight(row, where, problems, optional=True)
        return
    level2 = level2s.get((name1, name2))
    if level2 is None:
        level2 = level2s[(name1, name2)] = _Branch(code if not name3 else "", name2, None)
        level1.children.append(level2)
    if not name3:
        level2.code = level2.code or code
        level2.weight = _weight(row, where, problems, optional=True)
        return
    leaf = _leaf(row, where, problems)
    if leaf is not None:
        level2.children.append(leaf)


def _weight(row: dict[str, str], where: str, problems: list[str], optional: bool = False) -> Any:
    value = row["分值"]
    if not value:
        if not optional:
            problems.append(f"{where}：缺少分值")
        return None
    try:
        return str(parse_points(value, "分值"))
    except InvalidInput as exc:
        problems.append(f"{where}：{exc.message}")
        return None


def _leaf(row: dict[str, str], where: str, problems: list[str]) -> dict[str, Any] | None:
    count = len(problems)
    weight = _weight(row, where, problems)
    nature = row.get("指标性质", "") or NATURES[POSITIVE]
    if nature not in DIRECTION_OF:
        problems.append(f"{where}：指标性质“{nature}”应为 ≥、≤、= 或 定性")
    rule = _rule(row, nature, where, problems)
    if len(problems) > count:
        return None
    leaf = {
        "code": row.get("指标代码", ""),
        "name": row["三级指标"],
        "weight": weight,
        "target": row.get("指标值", ""),
        "unit": row.get("度量单位", ""),
        "standard": row.get("评分标准", ""),
        "rule": rule,
        "scorer": None,
        "direction": DIRECTION_OF.get(nature, POSITIVE),
    }
    problems.extend(f"{where}：{message}" for message in validate_rule(leaf))
    return leaf


def _rule(row: dict[str, str], nature: str, where: str, problems: list[str]) -> dict | None:
    """评分规则: a rule's key or title (completion, 完成率 …), or its JSON with parameters; when
    the column is absent or blank, 定性 is judged in bands and a figure by completion."""
    text = row.get("评分规则", "")
    if not text:
        return {"type": "tiered" if nature == QUALITATIVE else "completion"}
    if text.startswith("{"):
        try:
            rule = json.loads(text)
        except ValueError:
            problems.append(f"{where}：评分规则不是有效的 JSON")
            return None
        if not isinstance(rule, dict) or rule.get("type") not in RULE_TYPES:
            problems.append(f"{where}：评分规则须含已知的 type（{'、'.join(RULE_TYPES)}）")
            return None
        return rule
    key = text if text in RULE_TYPES else RULE_OF_TITLE.get(text)
    if key is None:
        known = "、".join(f"{k}（{v}）" for k, v in RULE_TYPES.items())
        problems.append(f"{where}：评分规则“{text}”未知，可选：{known}")
        return None
    return {"type": key}
