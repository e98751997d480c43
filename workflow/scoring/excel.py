"""评分表 as an Excel workbook (绩效评价指标体系及评分表), from the `Scorecard`.

One row per 三级指标, and under a leaf scored by deductions one row per 扣分 item (its reason and
the points in the 扣分 column); the 一级 and 二级 columns are merged over their rows. Weights,
scores and deductions are numbers shown with two decimals, so the sheet adds up in Excel too.
It prints on A4 landscape, one page wide, with the header row repeated on every page.
"""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workflow.scoring.rules import HUNDRED, RULE_TYPES, Scorecard, ScorecardNode

HEADERS = (
    "一级指标",
    "分值",
    "得分",
    "二级指标",
    "分值",
    "得分",
    "代码",
    "三级指标",
    "分值",
    "指标值",
    "完成值",
    "评分规则",
    "得分",
    "扣分理由/说明",
    "偏差说明",
    "扣分",
)

WIDTHS = (10, 7, 7, 12, 7, 7, 7, 20, 7, 10, 10, 10, 7, 30, 20, 7)

DEDUCTION_COLUMN = 16

HEADER_ROW = 2

#: Characters a file name may not carry on Windows or macOS.
UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')

POINTS = "0.00"

THIN = Side(style="thin")

BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

WRAP = Alignment(wrap_text=True, vertical="center")

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

RESCALED = "折算总分（有不适用指标，按适用指标分值折算为百分制）"

FIRST_ROW = 3  # title, header, then the indicators


def scorecard_workbook(card: Scorecard) -> bytes:
    """The .xlsx bytes of a scorecard as returned by `scorecards.scorecard_of`."""
    book = Workbook()
    sheet = book.active
    sheet.title = "评分表"
    _title(sheet, card)
    row = FIRST_ROW
    for level1 in card.levels:
        row = _level1(sheet, level1, row)
    last = _totals(sheet, card, row)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 1)
    print_setup(sheet, last)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_filename(card: Scorecard) -> str:
    """The download's name: the project's, so that several saved 评分表 tell themselves apart."""
    project = UNSAFE_IN_NAME.sub("_", card.project_name).strip(" .") or "评价"
    return f"{project}-绩效评价评分表.xlsx"


def print_setup(
    sheet: Worksheet, last_row: int, columns: int = len(HEADERS), header_row: int = HEADER_ROW
) -> None:
    """A4 landscape, one page wide, the header row on every page, page numbers in the footer
    (every sheet jixiao exports prints so)."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_area = f"A1:{get_column_letter(columns)}{last_row}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页 / 共 &N 页"


def _title(sheet: Worksheet, card: Scorecard) -> None:
    sheet.append([f"{card.project_name}绩效评价指标体系及评分表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = CENTER
    sheet.append(list(HEADERS))
    for column in range(1, len(HEADERS) + 1):
        cell = sheet.cell(HEADER_ROW, column)
        cell.font = Font(bold=True)
        cell.alignment = CENTER
        cell.border = BORDER


def _put(sheet: Worksheet, row: int, column: int, value: Any, points: bool = False) -> None:
    cell = sheet.cell(row, column, value)
    cell.border = BORDER
    cell.alignment = CENTER if points or column in (1, 4, 7) else WRAP
    if points:
        cell.number_format = POINTS


def _merged(sheet: Worksheet, first: int, last: int, column: int, value: Any, points=False) -> None:
    _put(sheet, first, column, value, points)
    for row in range(first + 1, last + 1):
        sheet.cell(row, column).border = BORDER
    if last > first:
        sheet.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)


def _branch(sheet: Worksheet, node: ScorecardNode, first: int, last: int, column: int) -> None:
    _merged(sheet, first, last, column, node.name)
    _merged(sheet, first, last, column + 1, node.weight, points=True)
    _merged(sheet, first, last, column + 2, node.score, points=True)


def _level1(sheet: Worksheet, node: ScorecardNode, row: int) -> int:
    first = row
    for level2 in node.children:
        start = row
        for leaf in level2.children:
            row = _leaf(sheet, leaf, row)
        _branch(sheet, level2, start, row - 1, 4)
    _branch(sheet, node, first, row - 1, 1)
    return row


def _leaf(sheet: Worksheet, leaf: ScorecardNode, row: int) -> int:
    """The leaf's row and its 扣分 rows; the next free row."""
    target = f"{leaf.target}{leaf.unit or ''}" if leaf.target else ""
    actual = leaf.completion_value
    explanation = leaf.reason or ""
    if leaf.not_applicable:
        explanation = f"不适用：{explanation}"
    values = (
        (7, leaf.code, False),
        (8, leaf.name, False),
        (9, leaf.weight, True),
        (10, target, False),
        (11, actual, False),
        (12, RULE_TYPES.get(leaf.rule or "", ""), False),
        (13, "不适用" if leaf.not_applicable else leaf.score, True),
        (14, explanation, False),
        (15, leaf.deviation_note or "", False),
    )
    for column, value, points in values:
        _put(sheet, row, column, value, points)
    _put(sheet, row, DEDUCTION_COLUMN, None, points=True)
    for number, deduction in enumerate(leaf.deductions, start=1):
        row += 1
        for column in range(7, DEDUCTION_COLUMN + 1):
            _put(sheet, row, column, None)
        _put(sheet, row, 8, f"扣分项{number}")
        _put(sheet, row, 14, deduction.reason)
        _put(sheet, row, DEDUCTION_COLUMN, deduction.points, points=True)
    return row + 1


def _totals(sheet: Worksheet, card: Scorecard, row: int) -> int:
    """合计, the rescaled total if any, and the grade; the last row written."""
    lines = [("合计", card.applicable_weight, card.raw_total)]
    if card.rescaled:
        lines.append((RESCALED, HUNDRED, card.total))
    lines.append((f"评价等级：{card.grade or '—'}", None, card.total))
    for offset, (label, weight, score) in enumerate(lines):
        current = row + offset
        sheet.merge_cells(start_row=current, start_column=1, end_row=current, end_column=8)
        _put(sheet, current, 1, label)
        sheet.cell(current, 1).font = Font(bold=True)
        _put(sheet, current, 9, weight, points=True)
        _put(sheet, current, 13, score, points=True)
        for column in (10, 11, 12, 14, 15, DEDUCTION_COLUMN):
            _put(sheet, current, column, None)
    return row + len(lines) - 1
