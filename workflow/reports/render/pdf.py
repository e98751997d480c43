"""The report as an A4 PDF, through the report template and the CJK PDF engine."""

from __future__ import annotations

import functools

from jinja2 import Environment, FileSystemLoader, select_autoescape

from workflow.reports.render.cjk import render_pdf
from workflow.reports.render.content import ATTACHMENT_TITLE, TEMPLATES, ReportContent


@functools.cache
def pdf_templates() -> Environment:
    """The templates the PDFs are written from (the report, the 自评表), autoescaped."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report_html(content: ReportContent) -> str:
    template = pdf_templates().get_template("reports/pdf.html")
    return template.render(report=content, attachment_title=ATTACHMENT_TITLE)


def render_report_pdf(content: ReportContent) -> bytes:
    """A4 PDF: cover (unnumbered), sections, the 评分表 attachment, the approval page."""
    return render_pdf(
        render_report_html(content),
        page_numbers=True,
        cover=True,
        title=content.title,
        author=content.unit_name,
    )
