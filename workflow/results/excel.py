"""结果应用汇总表 as an Excel workbook: a year's archived evaluations with their 总分, 等级 and
the bureau's decision, for the next budget round. Totals and percentages are numbers (two
decimals), so the sheet sorts and adds up in Excel; it prints on A4 landscape, one page wide,
the header row on every page."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workflow.lifecycle.models import EVALUATION_KINDS
from workflow.results.queries import DecisionRow
from workflow.results.rules import DECISIONS, Rule, label
from workflow.scoring.excel import BORDER, CENTER, POINTS, WRAP, print_setup

HEADERS = (
    "序号",
    "预算单位",
    "项目名称",
    "评价类型",
    "总分",
    "等级",
    "结果应用",
    "比例（%）",
    "说明",
    "规则建议",
)
WIDTHS = (6, 22, 32, 10, 8, 6, 14, 10, 36, 14)
NUMBERS = {5, 8}  # 总分, 比例: two decimals
HEADER_ROW = 2


def decisions_workbook(year: int, rows: list[DecisionRow], rules: dict[str, Rule]) -> bytes:
    """The .xlsx bytes of `rows` (`queries.decisions_of_year`), with what `rules` suggest for
    the 等级 of those not decided yet."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年度结果应用"
    sheet.append([f"{year}年度绩效评价结果应用汇总表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = CENTER
    sheet.row_dimensions[1].height = 28
    sheet.append(list(HEADERS))
    for column in range(1, len(HEADERS) + 1):
        cell = sheet.cell(HEADER_ROW, column)
        cell.font, cell.alignment, cell.border = Font(bold=True), CENTER, BORDER
    for number, row in enumerate(rows, start=1):
        suggested = rules.get(row.grade or "")
        values = (
            number,
            row.unit_name,
            row.project_name,
            EVALUATION_KINDS.get(row.kind, row.kind),
            row.total,
            row.grade or "",
            DECISIONS[row.decision] if row.decision else "未确定",
            row.percentage,
            row.comment,
            label(suggested.decision, suggested.percentage) if suggested else "",
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(HEADER_ROW + number, column, value)
            cell.border = BORDER
            cell.alignment = CENTER if column in (1, 4, 5, 6, 7, 8) else WRAP
            if column in NUMBERS:
                cell.number_format = POINTS
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    print_setup(sheet, HEADER_ROW + len(rows), len(HEADERS), HEADER_ROW)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_filename(year: int) -> str:
    return f"{year}年度绩效评价结果应用汇总表.xlsx"
