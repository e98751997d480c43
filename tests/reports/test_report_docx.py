"""The report as a Word file: Word's own heading styles, Chinese font names, and what
LibreOffice makes of it (converted to PDF, the way a reader without Word opens it)."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from conftest import ARTIFACTS
from docx import Document
from docx.oxml.ns import qn
from office_helpers import soffice_pdf
from report_helpers import complete_report, to_reporting


@pytest.fixture
def docx_bytes(api, session, team, store) -> bytes:
    evaluation = to_reporting(session, team, store)
    complete_report(session, team, evaluation)
    res = api.as_(team.leader).get(f"/api/v1/evaluations/{evaluation.id}/report.docx")
    assert res.status_code == 200
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.docx").write_bytes(res.data)
    return res.data


def east_asia_font(style) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_headings_use_words_heading_styles(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    by_style: dict[str, list[str]] = {}
    for paragraph in doc.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert by_style["Heading 1"][:2] == ["一、项目基本情况", "二、项目绩效目标"]
    assert "九、其他需要说明的问题" in by_style["Heading 1"]
    assert by_style["Heading 1"][-2:] == ["绩效评价指标体系及评分表", "审批记录"]
    assert "（一）项目概况" in by_style["Heading 2"]
    assert "1. 资金支付进度较慢" in by_style["Heading 3"]
    assert by_style["Title"] == ["雪亮工程视频监控项目绩效评价报告"] * 2
    body = by_style["Normal"]
    assert not any(re.match(r"^[一二三四五六七八九]、|^（[一二三四五]）", text) for text in body)
    # Each heading level is an outline level: what the navigation pane and a 目录 read.
    levels = {
        name: doc.styles[name].element.pPr.find(qn("w:outlineLvl")).get(qn("w:val"))
        for name in ("Heading 1", "Heading 2", "Heading 3")
    }
    assert levels == {"Heading 1": "0", "Heading 2": "1", "Heading 3": "2"}


def test_body_and_headings_name_chinese_official_fonts(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    fonts = {
        name: east_asia_font(doc.styles[name]) for name in ("Normal", "Heading 1", "Heading 2")
    }
    assert fonts == {"Normal": "仿宋", "Heading 1": "黑体", "Heading 2": "楷体"}
    assert east_asia_font(doc.styles["Title"]) == "宋体"
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsiaTheme")) is None, name  # the theme would win in Word
        assert doc.styles[name].font.color.rgb == (0, 0, 0), name
    # Runs do not override the body font: a paragraph's face comes from its style.
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            rfonts = run.element.rPr.find(qn("w:rFonts")) if run.element.rPr is not None else None
            assert rfonts is None or rfonts.get(qn("w:eastAsia")) in ("仿宋", "黑体", "宋体")


def test_libreoffice_shows_the_headings_in_chinese_fonts(docx_bytes, tmp_path):
    pdf = soffice_pdf(docx_bytes, ".docx", tmp_path)
    (ARTIFACTS / "report-docx.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s", "", text)
    for heading in ("一、项目基本情况", "（一）项目概况", "绩效评价指标体系及评分表", "审批记录"):
        assert heading in flat
    assert "\ufffd" not in text and "□" not in text
    rows = subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    rows = [row.split() for row in rows.splitlines()[2:]]
    assert all(row[-5] == "yes" for row in rows), rows  # embedded, so no reader shows boxes
    # The Chinese text is drawn in a Chinese face (whatever the system substitutes for 仿宋).
    assert any(re.search(r"WenQuanYi|AR ?PL|UMing|UKai|CJK|Song|Fang|Kai", row[0]) for row in rows)
