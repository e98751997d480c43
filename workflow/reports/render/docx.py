"""The report as a Word file (python-docx), laid out like the PDF: cover, numbered sections,
the 评分表 attachment with merged level-2 cells, the approval page, "第 x 页 / 共 y 页" footers.

Headings use Word's built-in styles (Heading 1/2/3, shown as 标题 1/2/3 in Chinese Word), so
the navigation pane and an automatic 目录 work: 标题 1 for the numbered sections, the attachment
and the approval page, 标题 2 for the （一）… sub-headings, 标题 3 for the numbered problems and
suggestions. Fonts follow official documents (GB/T 9704): body 仿宋, 标题 1 黑体, 标题 2 楷体,
titles 宋体; Latin letters and digits in Times New Roman. The Chinese face is the `w:eastAsia`
font name, which python-docx's `font.name` does not set.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from workflow.reports.render.content import ATTACHMENT_TITLE, ReportContent
from workflow.reports.render.text import Block

CORE_PROPERTY_LIMIT = 255  # characters of a .docx core property (title, author)

BODY_FONT = "仿宋"

HEADING_FONT = "黑体"

SUBHEADING_FONT = "楷体"

TITLE_FONT = "宋体"

LATIN_FONT = "Times New Roman"

#: Built-in style → (East Asian font, size in pt, bold). Names are python-docx's (English) ones.
STYLES = {
    "Normal": (BODY_FONT, 14, False),
    "Title": (TITLE_FONT, 20, True),
    "Heading 1": (HEADING_FONT, 16, False),
    "Heading 2": (SUBHEADING_FONT, 14, True),
    "Heading 3": (BODY_FONT, 14, True),
}

LINE = Pt(28)

_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(rpr, east_asia: str) -> None:
    """Name the Latin and the East Asian face on an rPr, dropping the theme's font choices."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in _THEME_FONTS:
        fonts.attrib.pop(qn(theme), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def _font(run_or_style, name: str | None = None, size: float | None = None, bold=None) -> None:
    """Direct formatting on a run (or a style): only what differs from its style."""
    if size is not None:
        run_or_style.font.size = Pt(size)
    if bold is not None:
        run_or_style.font.bold = bold
    if name is not None:
        _set_fonts(run_or_style.element.get_or_add_rPr(), name)


def _setup_styles(doc) -> None:
    """Body and heading styles in black, with Chinese fonts; the defaults under them too."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_FONT)
    for name, (east_asia, size, bold) in STYLES.items():
        style = doc.styles[name]
        _font(style, east_asia, size, bold)
        style.font.color.rgb = RGBColor(0, 0, 0)
        fmt = style.paragraph_format
        fmt.line_spacing = LINE
        fmt.space_after = Pt(0)
        if name != "Normal":
            style.font.italic = False
            fmt.space_before = Pt(6)
            fmt.keep_with_next = True
    title = doc.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    border = title.element.pPr.find(qn("w:pBdr"))
    if border is not None:  # the default template underlines the title in blue
        title.element.pPr.remove(border)
    title.paragraph_format.space_after = Pt(12)
    title.paragraph_format.line_spacing = Pt(36)
    for name in ("Normal", "Heading 2", "Heading 3"):
        doc.styles[name].paragraph_format.first_line_indent = Pt(28)  # two characters


def _paragraph(
    doc,
    text: str = "",
    *,
    style: str = "Normal",
    font: str | None = None,
    size: float | None = None,
    bold: bool | None = None,
    align=None,
    indent: bool = True,
    space_after: float | None = None,
):
    """A paragraph in `style`; `font`, `size`, `bold` only where it differs from the style."""
    paragraph = doc.add_paragraph(style=style)
    fmt = paragraph.paragraph_format
    if space_after is not None:
        fmt.space_after = Pt(space_after)
    if not indent:
        fmt.first_line_indent = Pt(0)
    elif size is not None:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    if text:
        _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _page_footer(section) -> None:
    """第 x 页 / 共 y 页 with PAGE and NUMPAGES fields. The cover counts as page 1 without a
    footer: SECTIONPAGES (which could leave it out) is not computed by LibreOffice, and a
    numbering restart after it makes LibreOffice count a blank page that is not there."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
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
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing = 1.0
    _font(paragraph.add_run(text), None, size, bold)


def _table(doc, rows: list[list[str]], header: bool, widths: list[float] | None = None) -> Table:
    """A grid table filled row by row, each row's cells read once: linear in the cells
    (python-docx's `table.cell(r, c)` walks the whole table on every call)."""
    width = max(len(row) for row in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if widths:
        table.autofit = False
        for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=False):
            col.w = Cm(w)  # LibreOffice lays tables out from the grid, Word from the cells
    for r, (table_row, row) in enumerate(zip(table.rows, rows, strict=True)):
        for c, cell in enumerate(table_row.cells):
            _cell(cell, row[c] if c < len(row) else "", bold=header and r == 0)
            if widths and c < len(widths):
                cell.width = Cm(widths[c])
    return table


def _block(doc, block: Block) -> None:
    if block.kind == "heading":
        _paragraph(doc, block.text, style="Heading 2")
    elif block.kind == "paragraph":
        _paragraph(doc, block.text)
    elif block.kind == "list":
        for item in block.items:
            _paragraph(doc, item)
    elif block.kind == "table":
        _table(doc, block.rows, block.header)


def _cover(doc, report: ReportContent) -> None:
    _paragraph(doc, report.cover_head, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for _ in range(4):
        _paragraph(doc, indent=False)
    _paragraph(doc, report.title, style="Title", size=24, indent=False)
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
    _paragraph(doc, indent=False)
    for text in (report.unit_name, report.date_text):
        _paragraph(doc, text, size=15, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)


def _sections(doc, report: ReportContent) -> None:
    _paragraph(doc, report.title, style="Title", indent=False)
    for section in report.sections:
        _paragraph(doc, f"{section.number}、{section.title}", style="Heading 1")
        for block in section.blocks:
            _block(doc, block)
        for number, item in enumerate(section.items, start=1):
            _paragraph(doc, f"{number}. {item.problem}", style="Heading 3")
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
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the signature never stands alone
    for text in (report.unit_name, report.date_text):
        _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def _scorecard(doc, report: ReportContent) -> None:
    _paragraph(doc, "附件：", font=HEADING_FONT, size=14, indent=False)
    _centred_heading(doc, ATTACHMENT_TITLE)
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
    table = _table(doc, rows, header=True, widths=[1.6, 1.9, 3.2, 1.0, 1.7, 1.7, 1.2, 3.3])
    for cell_row in table.rows:
        for cell in cell_row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    _merge(table, report)


def _merge(table: Table, report: ReportContent) -> None:
    """Merge each level-2 group's cells, each level-1's cells, the subtotal and total labels."""
    rows = list(table.rows)
    level1_start = 1
    for here, row in enumerate(report.score_rows, start=1):
        if row.subtotal:
            cells = rows[here].cells
            cells[1].merge(cells[2])
            _cell(rows[here].cells[1], "小计", size=9)
            _merge_text(rows, level1_start, here, 0, row.level1)
            level1_start = here + 1
        elif row.level2 is not None and row.span > 1:
            _merge_text(rows, here, here + row.span - 1, 1, row.level2)
    cells = rows[-1].cells
    cells[0].merge(cells[2])
    _cell(rows[-1].cells[0], "合计", size=9, bold=True)


def _merge_text(rows: list, first: int, last: int, column: int, text: str) -> None:
    """Merge a column's cells from row `first` to `last` (each row's cells read once)."""
    if last > first:
        rows[first].cells[column].merge(rows[last].cells[column])
    _cell(rows[first].cells[column], text, size=9)


def _centred_heading(doc, text: str) -> None:
    """A 标题 1 of its own page (the attachment, the approval page), centred like a title."""
    _paragraph(
        doc,
        text,
        style="Heading 1",
        size=18,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        space_after=6,
    )


def _approval_page(doc, report: ReportContent) -> None:
    _centred_heading(doc, "审批记录")
    if not report.approvals:
        _paragraph(doc, "（尚无审批记录）")
    else:
        rows = [["轮次", "审核阶段", "审批人", "身份", "时间", "结果", "意见"]]
        rows += [
            [f"第{a.round}轮", a.stage, a.name, a.role, a.at, a.outcome, a.comment]
            for a in report.approvals
        ]
        _table(doc, rows, header=True, widths=[1.5, 2.0, 2.0, 3.0, 2.4, 2.1, 2.6])
        for note in report.round_notes:
            _paragraph(doc, f"注：{note}", size=12, indent=False)
    _paragraph(doc, f"报告状态：{report.state_label}。", indent=False)


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def build_docx(report: ReportContent):
    doc = Document()
    _setup_styles(doc)
    cover = doc.sections[0]
    cover.page_width, cover.page_height = Cm(21), Cm(29.7)
    cover.top_margin, cover.bottom_margin = Cm(3.7), Cm(3.5)
    cover.left_margin, cover.right_margin = Cm(2.8), Cm(2.6)
    _cover(doc, report)
    body = doc.add_section(WD_SECTION.NEW_PAGE)  # the footer from here; the cover has none
    body.footer.is_linked_to_previous = False
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
