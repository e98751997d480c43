"""报告篇幅上限: what a report may hold, so that its PDF and Word file render in seconds.

The problems and suggestions are printed too, so they are bounded as well (`MAX_PROBLEMS`).
A 300-row table renders as PDF in about 1.5 s and as Word in under 1 s (`bench/report_tables`);
the PDF grows faster than the rows (1,000 rows: 28 s), so the rows are counted over the whole
report, not per section. The limits are checked when a section is saved (`save_section`) and,
for reports saved before they existed, by the consistency checks before submission.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workflow.reports.render.text import cells_of, is_separator

#: Characters of one section (章节内容).
MAX_BODY = 100_000

#: Characters of all sections together.
MAX_REPORT_CHARS = 300_000

#: Table rows (表格行) of the whole report, header rows included.
MAX_TABLE_ROWS = 300

#: Table cells of the whole report.
MAX_TABLE_CELLS = 3_000

#: Columns of one table row.
MAX_TABLE_COLUMNS = 12

#: Characters of one table cell.
MAX_CELL_CHARS = 500

#: 存在的问题 and 有关建议 of one report, together.
MAX_PROBLEMS = 100

#: Characters of a problem's text, its cause and its measure, each.
MAX_PROBLEM_CHARS = 2_000


@dataclass(frozen=True)
class Size:
    """篇幅 of one section body: characters, table rows and cells, the widest row and the
    longest cell."""

    chars: int = 0
    rows: int = 0
    cells: int = 0
    widest: int = 0
    longest_cell: int = 0

    @classmethod
    def of(cls, body: str) -> Size:
        """Measured line by line as `parse_body` reads tables, without building them (a
        parsed table is padded to its widest row, which an oversized body makes huge)."""
        rows = cells = widest = longest = 0
        run, header = 0, False  # rows of the table being read, and whether it has a header
        for raw in body.splitlines():
            line = raw.strip()
            if not line.startswith("|"):
                run, header = 0, False
                continue
            row = cells_of(line)
            if run == 1 and not header and is_separator(row):
                header = True
                continue
            run += 1
            rows += 1
            cells += len(row)
            widest = max(widest, len(row))
            longest = max(longest, max(len(cell) for cell in row))
        return cls(len(body), rows, cells, widest, longest)


def section_problems(here: Size) -> list[str]:
    """What one section exceeds on its own, in Chinese."""
    found = []
    if here.chars > MAX_BODY:
        found.append(f"章节内容过长（上限{MAX_BODY}字，本章节{here.chars}字）")
    if here.widest > MAX_TABLE_COLUMNS:
        found.append(f"表格列数过多（每行上限{MAX_TABLE_COLUMNS}列，本章节有{here.widest}列的行）")
    if here.longest_cell > MAX_CELL_CHARS:
        found.append(
            f"表格单元格内容过长（每格上限{MAX_CELL_CHARS}字，本章节最长{here.longest_cell}字）"
        )
    return found


def report_problems(sizes: list[Size], here: Size | None = None) -> list[str]:
    """What the sections exceed together (`here` is the one being saved, if any)."""
    chars = sum(s.chars for s in sizes)
    rows = sum(s.rows for s in sizes)
    cells = sum(s.cells for s in sizes)
    found = []
    if chars > MAX_REPORT_CHARS:
        found.append(f"报告全文过长（各章节合计上限{MAX_REPORT_CHARS}字，现为{chars}字）")
    if rows > MAX_TABLE_ROWS:
        where = f"，其中本章节{here.rows}行" if here is not None else ""
        found.append(f"报告中的表格过大（全文表格合计上限{MAX_TABLE_ROWS}行，现为{rows}行{where}）")
    if cells > MAX_TABLE_CELLS:
        found.append(
            f"报告中的表格过大（全文表格合计上限{MAX_TABLE_CELLS}个单元格，现为{cells}个）"
        )
    return found


def problems(body: str, others: Iterable[str]) -> list[str]:
    """Every limit the report would exceed with `body` as one section and `others` as the
    rest, in Chinese (empty when it fits)."""
    here = Size.of(body)
    return section_problems(here) + report_problems([here, *map(Size.of, others)], here)
