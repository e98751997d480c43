"""The report as a Word file (python-docx), laid out like the PDF: cover, numbered sections,
the 评分表 attachment with merged level-2 cells, the approval page, "第 x 页 / 共 y 页" footers.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from workflow.reports.render.content import ATTACHMENT_TITLE, ReportContent
from workflow.reports.render.text import Block

CORE_PROPERTY_LIMIT = 255  # characters of a .docx core property (title, author)

BODY_FONT = "仿宋"

HEADING_FONT = "黑体"

TITLE_FONT = "宋体"


def _font(run_or_style, name: str, size: float | None = None, bold: bool | None = None) -> None:
    font = run_or_style.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(
    doc,
    text: str = "",
    *,
    font: str = BODY_FONT,
    size: float = 14,
    bold: bool = False,
    align=None,
    indent: bool = True,
    space_after: float = 0,
):
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = Pt(28)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    if text:
        _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _page_footer(section) -> None:
    """第 x 页 / 共 y 页 with PAGE and NUMPAGES fields."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("第 ", "PAGE", " 页 / 共 ", "NUMPAGES", " 页"):
        if piece in ("PAGE", "NUMPAGES"):
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), piece)
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            paragraph._p.append(field)
        else:
            _font(paragraph.add_run(piece), BODY_FONT, 10.5)


def _cell(cell, text: str, *, bold: bool = False, size: float = 10.5, center: bool = True) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    _font(paragraph.add_run(text), BODY_FONT, size, bold)


def _table(doc, rows: list[list[str]], header: bool, widths: list[float] | None = None) -> Table:
    width = max(len(row) for row in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        for c in range(width):
            _cell(table.cell(r, c), row[c] if c < len(row) else "", bold=header and r == 0)
    if widths:
        for column, w in zip(table.columns, widths, strict=False):
            for cell in column.cells:
                cell.width = Cm(w)
    return table


def _block(doc, block: Block) -> None:
    if block.kind == "heading":
        _paragraph(doc, block.text, font="楷体", bold=True)
    elif block.kind == "paragraph":
        _paragraph(doc, block.text)
    elif block.kind == "list":
        for item in block.items:
            _paragraph(doc, item)
    elif block.kind == "table":
        _table(doc, block.rows, block.header)


def _cover(doc, report: ReportContent) -> None:
    _paragraph(doc, report.kind_label, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for _ in range(4):
        _paragraph(doc, indent=False)
    _paragraph(
        doc,
        report.title,
        font=TITLE_FONT,
        size=24,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    for _ in range(5):
        _paragraph(doc, indent=False)
    for label, value in (
        ("预算单位", report.unit_name),
        ("评价项目", report.project_name),
        ("评价年度", f"{report.year}年度"),
        ("评价类型", report.kind_label),
        ("报告日期", report.date_text),
    ):
        paragraph = _paragraph(doc, f"{label}：{value}", size=15, indent=False)
        paragraph.paragraph_format.left_indent = Cm(2.5)
    if not report.final:
        _paragraph(
            doc,
            f"（{report.state_label}阶段文稿，未经签发归档）",
            size=12,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=False,
        )


def _sections(doc, report: ReportContent) -> None:
    _paragraph(
        doc,
        report.title,
        font=TITLE_FONT,
        size=20,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        space_after=12,
    )
    for section in report.sections:
        _paragraph(doc, f"{section.number}、{section.title}", font=HEADING_FONT, size=16)
        for block in section.blocks:
            _block(doc, block)
        for number, item in enumerate(section.items, start=1):
            _paragraph(doc, f"{number}. {item.problem}", font="楷体", bold=True)
            if item.cause:
                _paragraph(doc, f"原因分析：{item.cause}")
            if item.measure:
                label = "整改措施" if section.item_kind == "problem" else "具体措施"
                _paragraph(doc, f"{label}：{item.measure}")
            owner = f"责任人：{item.owner_label}" if item.owner_label else ""
            due = f"完成时限：{item.due_date.isoformat()}" if item.due_date else ""
            if owner or due:
                _paragraph(doc, "；".join(x for x in (owner, due) if x))
        if not section.blocks and not section.items:
            _paragraph(doc, "（本部分尚未填写）")
    for text in (report.unit_name, report.date_text):
        _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def _scorecard(doc, report: ReportContent) -> None:
    _paragraph(doc, "附件：", font=HEADING_FONT, size=14, indent=False)
    _paragraph(
        doc,
        ATTACHMENT_TITLE,
        font=TITLE_FONT,
        size=18,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        space_after=6,
    )
    if not report.score_rows:
        _paragraph(doc, "（尚未设置评价指标体系）")
        return
    header = ["一级指标", "二级指标", "三级指标", "分值", "指标值", "完成值", "得分", "扣分理由"]
    rows = [header]
    for row in report.score_rows:
        if row.subtotal:
            rows.append([row.level1, "小计", "", row.weight, "", "", row.score, ""])
        else:
            rows.append(
                [
                    row.level1,
                    row.level2 or "",
                    row.name,
                    row.weight,
                    row.target,
                    row.actual,
                    row.score,
                    row.note,
                ]
            )
    rows.append(["合计", "", "", "100", "", "", report.total, f"评价等级：{report.grade}"])
    table = _table(doc, rows, header=True, widths=[1.8, 2.0, 3.2, 1.1, 1.6, 1.6, 1.3, 3.4])
    for cell_row in table.rows:
        for cell in cell_row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    _merge(table, report)


def _merge(table: Table, report: ReportContent) -> None:
    """Merge each level-2 group's cells, each level-1's cells, the subtotal and total labels."""
    r = 1
    level1_start = 1
    for index, row in enumerate(report.score_rows):
        here = r + index
        if row.subtotal:
            table.cell(here, 1).merge(table.cell(here, 2))
            _cell(table.cell(here, 1), "小计", size=9)
            _merge_text(table, level1_start, here, 0, row.level1)
            level1_start = here + 1
        elif row.level2 is not None and row.span > 1:
            _merge_text(table, here, here + row.span - 1, 1, row.level2)
    last = len(table.rows) - 1
    table.cell(last, 0).merge(table.cell(last, 2))
    _cell(table.cell(last, 0), "合计", size=9, bold=True)


def _merge_text(table: Table, first: int, last: int, column: int, text: str) -> None:
    if last > first:
        table.cell(first, column).merge(table.cell(last, column))
    _cell(table.cell(first, column), text, size=9)


def _approval_page(doc, report: ReportContent) -> None:
    _paragraph(
        doc,
        "审批记录",
        font=TITLE_FONT,
        size=18,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        space_after=6,
    )
    if not report.approvals:
        _paragraph(doc, "（尚无审批记录）")
    else:
        rows = [["轮次", "审核阶段", "审批人", "身份", "时间", "意见"]]
        rows += [
            [f"第{a.round}轮", a.stage, a.name, a.role, a.at, a.comment] for a in report.approvals
        ]
        _table(doc, rows, header=True, widths=[1.3, 2.3, 2.6, 3.6, 2.8, 3.2])
    _paragraph(doc, f"报告状态：{report.state_label}。", indent=False)


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def build_docx(report: ReportContent):
    doc = Document()
    normal = doc.styles["Normal"]
    _font(normal, BODY_FONT, 14)
    cover = doc.sections[0]
    cover.page_width, cover.page_height = Cm(21), Cm(29.7)
    cover.top_margin, cover.bottom_margin = Cm(3.7), Cm(3.5)
    cover.left_margin, cover.right_margin = Cm(2.8), Cm(2.6)
    _cover(doc, report)
    body = doc.add_section(WD_SECTION.NEW_PAGE)  # numbered from here; the cover has no footer
    body.footer.is_linked_to_previous = False
    body_pg = body._sectPr
    start = OxmlElement("w:pgNumType")
    start.set(qn("w:start"), "1")
    body_pg.append(start)
    _page_footer(body)
    _sections(doc, report)
    _page_break(doc)
    _scorecard(doc, report)
    _page_break(doc)
    _approval_page(doc, report)
    # The core properties hold 255 characters (python-docx refuses more); the text keeps it all.
    doc.core_properties.title = report.title[:CORE_PROPERTY_LIMIT]
    doc.core_properties.author = report.unit_name[:CORE_PROPERTY_LIMIT]
    return doc


def render_report_docx(content: ReportContent) -> bytes:
    """The same report as a .docx (python-docx), for those who edit in Word."""
    out = io.BytesIO()
    build_docx(content).save(out)
    return out.getvalue()
