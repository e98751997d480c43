"""The 项目支出绩效自评表 as an Excel workbook, in the national layout (财预〔2020〕10号 附件3).

Top to bottom: the title and year, 项目名称 / 主管部门 / 实施单位, 项目资金 (年度资金总额 and its
three sources), 年度总体目标 (预期目标 beside 实际完成情况), the 绩效指标 table with its 一级 and
二级 cells merged over their leaves, 总分, and the signature lines. It prints on A4 landscape,
one page wide, with the 绩效指标 header repeated on every page it runs onto.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workflow.lifecycle.funds import FUND_SOURCES, FundSource
from workflow.scoring.rules import percentage
from workflow.selfeval.form import SOURCE_LABELS, TITLE, FormIndicator, SelfEvaluationForm

#: A 项目资金 label column, then the 绩效指标 table's eight columns.
WIDTHS = (10, 12, 14, 22, 14, 14, 8, 9, 34)
LAST_COLUMN = len(WIDTHS)
MONEY = "#,##0.00####"  # 万元: two decimals, up to the 分 where there are more
POINTS = "0.00"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
LINE_HEIGHT = 13.5  # points per wrapped line at 10.5 pt
CJK_WIDTH = 1.55  # column-width units a Chinese character takes at 10.5 pt
#: Up to this many indicators the form is scaled onto one page; beyond it runs on, one page
#: wide, with the 绩效指标 header repeated.
ONE_PAGE_INDICATORS = 20
INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)


def self_evaluation_workbook(form: SelfEvaluationForm) -> bytes:
    """The .xlsx bytes of the form."""
    book = Workbook()
    sheet = book.active
    sheet.title = "自评表"
    row = _header(sheet, form)
    row = _funds(sheet, form, row)
    row = _targets(sheet, form, row)
    header_row = row
    row = _indicators(sheet, form, row)
    row = _total(sheet, form, row)
    last = _signatures(sheet, form, row + 1)
    _page_setup(sheet, header_row, last, len(form.indicators) <= ONE_PAGE_INDICATORS)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- cells ------------------------------------------------------------------------------------


def _cell(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Any,
    *,
    last_column: int | None = None,
    last_row: int | None = None,
    align: Alignment = CENTER,
    number_format: str | None = None,
    bold: bool = False,
) -> None:
    """A bordered cell, merged to `last_row`/`last_column` when given."""
    last_row, last_column = last_row or row, last_column or column
    for r in range(row, last_row + 1):
        for c in range(column, last_column + 1):
            sheet.cell(r, c).border = BORDER
    cell = sheet.cell(row, column, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # 指标性质 "=190天" is text, not a formula
    cell.alignment = align
    cell.font = Font(size=10.5, bold=bold)
    if number_format:
        cell.number_format = number_format
    if (last_row, last_column) != (row, column):
        sheet.merge_cells(
            start_row=row, start_column=column, end_row=last_row, end_column=last_column
        )


def _lines(text: str, width: float) -> int:
    """Wrapped lines a text takes in a column `width` characters wide (a CJK char is two)."""
    if not text:
        return 1
    per_line = max(int(width / CJK_WIDTH), 1)
    return sum(max(math.ceil(len(part) / per_line), 1) for part in text.splitlines() or [""])


def _width(first: int, last: int) -> float:
    return sum(WIDTHS[first - 1 : last])


def _fit(sheet: Worksheet, row: int, texts: list[tuple[str, int, int]], min_lines: int = 1) -> None:
    """Make the row tall enough for the longest of its (text, first column, last column)."""
    lines = max(_lines(text, _width(first, last)) for text, first, last in texts)
    sheet.row_dimensions[row].height = max(lines, min_lines) * LINE_HEIGHT + 4


# --- blocks -----------------------------------------------------------------------------------


def _header(sheet: Worksheet, form: SelfEvaluationForm) -> int:
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=LAST_COLUMN)
    title = sheet.cell(1, 1, TITLE)
    title.font, title.alignment = Font(size=18, bold=True), CENTER
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=LAST_COLUMN)
    year = sheet.cell(2, 1, f"（{form.year}年度）")
    year.font, year.alignment = Font(size=12), CENTER
    _cell(sheet, 3, 1, "项目名称", bold=True)
    _cell(sheet, 3, 2, form.project_name, last_column=LAST_COLUMN, align=LEFT)
    _cell(sheet, 4, 1, "主管部门", bold=True)
    _cell(sheet, 4, 2, form.competent_department, last_column=5, align=LEFT)
    _cell(sheet, 4, 6, "实施单位", bold=True)
    _cell(sheet, 4, 7, form.unit_name, last_column=LAST_COLUMN, align=LEFT)
    return 5


def _funds(sheet: Worksheet, form: SelfEvaluationForm, row: int) -> int:
    funds = form.funds
    _cell(sheet, row, 1, "项目资金（万元）", last_row=row + 4, bold=True)
    _cell(sheet, row, 2, "", last_column=3)
    for column, label in enumerate(
        ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), start=4
    ):
        _cell(sheet, row, column, label, bold=True)
    rate = f"{funds.rate}%" if funds.rate is not None else ""
    totals = ("年度资金总额", funds.initial_budget, funds.budget, funds.spent)
    _money_row(sheet, row + 1, *totals)
    _cell(sheet, row + 1, 7, funds.weight, number_format=POINTS)
    _cell(sheet, row + 1, 8, rate)
    _cell(sheet, row + 1, 9, funds.score, number_format=POINTS)
    given = {source.source: source for source in funds.sources}
    for offset, key in enumerate(FUND_SOURCES, start=2):
        source = given.get(key, FundSource(key))
        amounts = (source.initial_budget, source.budget, source.spent)
        _money_row(sheet, row + offset, SOURCE_LABELS[key], *amounts)
        source_rate = percentage(source.spent, source.budget)
        _cell(sheet, row + offset, 7, "—")
        _cell(sheet, row + offset, 8, f"{source_rate}%" if source_rate is not None else "")
        _cell(sheet, row + offset, 9, "—")
    return row + 5


def _money_row(sheet: Worksheet, row: int, label: str, *amounts: Decimal | None) -> None:
    _cell(sheet, row, 2, label, last_column=3, align=LEFT)
    for column, value in enumerate(amounts, start=4):
        _cell(sheet, row, column, value, number_format=MONEY)


def _targets(sheet: Worksheet, form: SelfEvaluationForm, row: int) -> int:
    _cell(sheet, row, 1, "年度总体目标", last_row=row + 1, bold=True)
    _cell(sheet, row, 2, "预期目标", last_column=5, bold=True)
    _cell(sheet, row, 6, "实际完成情况", last_column=LAST_COLUMN, bold=True)
    _cell(sheet, row + 1, 2, form.targets, last_column=5, align=TOP_LEFT)
    _cell(sheet, row + 1, 6, form.targets_achieved, last_column=LAST_COLUMN, align=TOP_LEFT)
    texts = [(form.targets, 2, 5), (form.targets_achieved, 6, LAST_COLUMN)]
    _fit(sheet, row + 1, texts, min_lines=3)  # boxes to write in, as on the printed form
    return row + 2


def _indicators(sheet: Worksheet, form: SelfEvaluationForm, row: int) -> int:
    rows = form.indicators
    _cell(sheet, row, 1, "绩效指标", last_row=row + max(len(rows), 1), bold=True)
    for column, label in enumerate(INDICATOR_HEADERS, start=2):
        _cell(sheet, row, column, label, bold=True)
    first = row + 1
    for index, indicator in enumerate(rows):
        _indicator(sheet, first + index, indicator)
    _merge_runs(sheet, rows, first, 2, lambda i: i.level1)
    _merge_runs(sheet, rows, first, 3, lambda i: (i.level1, i.level2))
    return first + max(len(rows), 1)


def _indicator(sheet: Worksheet, row: int, indicator: FormIndicator) -> None:
    target, actual = indicator.target_shown, indicator.actual_cell
    values = (
        (2, indicator.level1, CENTER, None),
        (3, indicator.level2, CENTER, None),
        (4, indicator.name, LEFT, None),
        (5, target, CENTER, None),
        (6, actual, CENTER, None),
        (7, indicator.weight, CENTER, POINTS),
        (8, "不适用" if indicator.not_applicable else indicator.score, CENTER, POINTS),
        (9, indicator.deviation_note, LEFT, None),
    )
    for column, value, align, number_format in values:
        _cell(sheet, row, column, value, align=align, number_format=number_format)
    _fit(sheet, row, [(indicator.name, 4, 4), (indicator.deviation_note, 9, 9), (target, 5, 5)])


def _merge_runs(sheet: Worksheet, rows, first: int, column: int, key) -> None:
    """Merge a column's cells over each run of rows with the same key (the 一级, 二级 groups)."""
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or key(rows[index]) != key(rows[start]):
            if index - 1 > start:
                sheet.merge_cells(
                    start_row=first + start,
                    start_column=column,
                    end_row=first + index - 1,
                    end_column=column,
                )
            start = index


def _total(sheet: Worksheet, form: SelfEvaluationForm, row: int) -> int:
    weights = sum((i.weight for i in form.indicators), form.funds.weight or Decimal(0))
    _cell(sheet, row, 1, "总分", last_column=6, bold=True)
    _cell(sheet, row, 7, weights, number_format=POINTS, bold=True)
    _cell(sheet, row, 8, form.total, number_format=POINTS, bold=True)
    _cell(sheet, row, 9, f"等级：{form.grade}" if form.grade else "", bold=True)
    sheet.row_dimensions[row].height = 22
    return row + 1


def _signatures(sheet: Worksheet, form: SelfEvaluationForm, row: int) -> int:
    spans = ((1, 3), (4, 6), (7, 9))
    for (first, last), title in zip(spans, form.signatures, strict=True):
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        cell = sheet.cell(row, first, f"{title}：")
        cell.font, cell.alignment = Font(size=11), LEFT
    sheet.row_dimensions[row].height = 30
    return row


def _page_setup(sheet: Worksheet, header_row: int, last_row: int, one_page: bool) -> None:
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_area = f"A1:{get_column_letter(LAST_COLUMN)}{last_row}"
    sheet.print_title_rows = f"{header_row}:{header_row}"  # the 绩效指标 header on every page
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if one_page else 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
