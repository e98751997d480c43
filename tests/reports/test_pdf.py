"""The PDF engine: an embedded Chinese font, extractable text, stamped page numbers, safe splits."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from workflow.reports.render import cjk as pdf_engine
from workflow.reports.render.cjk import render_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) is not installed",
)

SENTENCE = (
    "本项目年度预算资金300万元，实际到位资金300万元，实际支出297.45万元，预算执行率为99.15%。"
    "按照“一总两分”建设模式，建成1个市级视频云共享平台、1个综治分平台和9个县级分平台；"
    "服务对象满意度为94.8%（有效问卷116份），群众安全感明显提升！"
)
FOOTER = re.compile(r"第\s*(\d+)\s*页\s*/\s*共\s*(\d+)\s*页")


def pdftotext(data: bytes, *args: str) -> str:
    cmd = ["pdftotext", *args, "-", "-"]
    return subprocess.run(cmd, input=data, capture_output=True, check=True).stdout.decode()


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def document(body: str, css: str = "") -> str:
    return f"<html><head><style>{css}</style></head><body>{body}</body></html>"


def body_text(data: bytes) -> str:
    """The text in content order, without whitespace and without the stamped footers."""
    return FOOTER.sub("", re.sub(r"\s", "", pdftotext(data, "-raw")))


def scorecard(rows: int) -> str:
    head = "<thead><tr><th>一级指标</th><th>三级指标</th><th>分值</th><th>得分</th></tr></thead>"
    body = "".join(
        f"<tr><td>产出</td><td>指标{n:02d}完成率</td><td>2.50</td><td>{n / 20:.2f}</td></tr>"
        for n in range(1, rows + 1)
    )
    return f'<h2>附件：评分表</h2><table repeat="1">{head}<tbody>{body}</tbody></table>'


@pytest.fixture(scope="module")
def report() -> bytes:
    """A cover, sections with long paragraphs and a 40-row scorecard."""
    sections = "".join(
        f"<h2>{number}、绩效评价指标分析</h2>" + f"<p>{SENTENCE * 6}</p>" * 3
        for number in "一二三四五六"
    )
    cover = "<h1>某县公安局雪亮工程项目支出绩效评价报告</h1><p>评价年度：2024 年度</p>"
    return render_pdf(document(cover + "<pdf:nextpage/>" + sections + scorecard(40)))


def test_cjk_font_is_embedded_and_no_font_is_not(report):
    listing = subprocess.run(["pdffonts", "-"], input=report, capture_output=True, check=True)
    rows = listing.stdout.decode().splitlines()[2:]
    assert any("WenQuanYi" in row for row in rows)
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", f"{name} is not embedded"


def test_text_and_numbers_come_back_from_pdftotext(report):
    text = re.sub(r"\s", "", pdftotext(report))
    assert "某县公安局雪亮工程项目支出绩效评价报告" in text
    assert "实际支出297.45万元，预算执行率为99.15%" in text
    assert "指标40完成率" in text


def test_every_page_says_which_of_how_many(report):
    total = page_count(report)
    footers = [FOOTER.findall(pdftotext(report, "-f", str(n), "-l", str(n))) for n in range(1, 4)]
    assert footers == [[("1", str(total))], [("2", str(total))], [("3", str(total))]]
    assert FOOTER.findall(pdftotext(report)) == [(str(n), str(total)) for n in range(1, total + 1)]


def test_cover_is_neither_numbered_nor_counted():
    data = render_pdf(document(f"<h1>封面</h1><pdf:nextpage/><p>{SENTENCE * 40}</p>"), cover=True)
    total = page_count(data) - 1
    assert FOOTER.findall(pdftotext(data, "-f", "1", "-l", "1")) == []
    assert FOOTER.findall(pdftotext(data, "-f", "2", "-l", "2")) == [("1", str(total))]


def test_page_numbers_can_be_left_out():
    data = render_pdf(document(f"<p>{SENTENCE}</p>"), page_numbers=False)
    assert FOOTER.findall(pdftotext(data)) == []


@pytest.mark.parametrize("size", [9, 10.5, 12, 14, 16, 22])
def test_long_paragraphs_split_across_pages_without_losing_text(size):
    # Longer than a page at every size, so they must split; mixed runs exercise the frag paths.
    long = SENTENCE * 25
    body = f"<p>{long}</p><p>{long}<b>加粗的一句。</b>{long}</p>"
    data = render_pdf(document(body, f"p {{ font-size: {size}pt; }}"))
    assert page_count(data) > 1
    assert body_text(data) == long + long + "加粗的一句。" + long


def test_long_paragraph_splits_even_where_the_template_says_avoid():
    long = SENTENCE * 25
    data = render_pdf(document(f"<p>{long}</p>", "p { page-break-inside: avoid; }"))
    assert body_text(data) == long


def test_scorecard_of_40_rows_splits_with_its_header_repeated():
    data = render_pdf(document(scorecard(40)))
    pages = [pdftotext(data, "-f", str(n), "-l", str(n)) for n in range(1, page_count(data) + 1)]
    assert len(pages) > 1
    assert all("三级指标" in page for page in pages)
    text = "".join(pages)
    assert all(f"指标{n:02d}完成率" in text for n in range(1, 41))


def test_fast_line_breaking_draws_exactly_what_upstream_draws(monkeypatch):
    # Without the line-breaking rules (kept apart in `rule_breaks`), the fast path is upstream's.
    monkeypatch.setattr(pdf_engine, "LINE_RULES", False)
    paragraphs = "".join(
        f'<p style="font-size: {size}pt">{SENTENCE * 3}<b>abc Hello world</b>{SENTENCE}</p>'
        for size in (9, 11, 12.5, 16)
    )
    html = document(paragraphs + "<p>（短）。</p>")

    def contents() -> list[bytes]:
        pages = PdfReader(io.BytesIO(render_pdf(html, page_numbers=False))).pages
        return [page.get_contents().get_data() for page in pages]

    fast = contents()
    monkeypatch.setattr(pdf_engine.rl_paragraph, "cjkFragSplit", pdf_engine._original_cjk_split)
    assert contents() == fast


# --- line breaking: values stay whole, no line starts with closing punctuation ----------------

VALUES = ("96.00%", "12.3万元", "2026-12-02 04:42", "3,000.45万元", "2100路", "GB/T9704")
CLOSING = "，。：；、）」』】》！？%…"


def value_paragraph(shift: int) -> str:
    """Values and punctuation at every offset along a line, so some land on a line end."""
    filler = "预算执行" * 8
    return "".join(
        f"{filler[: (n * 7 + shift) % 23]}完成值为{value}，其中：截至（{value}）。"
        for n, value in enumerate(VALUES * 6)
    )


def text_lines(data: bytes) -> list[str]:
    lines = [line.strip() for line in pdftotext(data).splitlines()]
    return [line for line in lines if line and not FOOTER.search(line)]


@pytest.mark.parametrize("size", [10.5, 12, 14, 16])
def test_no_value_is_split_and_no_line_starts_with_closing_punctuation(size):
    paragraphs = [value_paragraph(shift) for shift in range(4)]
    sentences = [s + "。" for s in "".join(paragraphs[:2]).split("。") if s]
    cells = "".join(
        f"<tr><td>{a}</td><td>{b}</td></tr><tr><td colspan='2'>{a}{b}</td></tr>"
        for a, b in zip(sentences[::2], sentences[1::2], strict=True)
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs) + f"<table>{cells}</table>"
    data = render_pdf(document(body, f"p, td {{ font-size: {size}pt; }}"))
    lines = text_lines(data)
    starts = [line for line in lines if line[0] in CLOSING]
    assert starts == []
    joined = "\n".join(lines)
    for value in VALUES:  # every occurrence on one line
        expected = sum(p.count(value) for p in paragraphs) + 2 * sum(
            s.count(value) for s in sentences
        )
        assert joined.count(value) == expected, value


@pytest.mark.parametrize(
    "title",
    [
        "公安局雪亮工程视频监控项目绩效评价报告",  # 19 characters, 18 fit on a line at 24pt
        "和平县公安局二〇二四年度雪亮工程视频监控项目建设资金支出绩效评价报告",  # 37
    ],
)
def test_a_last_line_of_one_lone_character_takes_one_more(title):
    css = "@page { size: a4 portrait; margin: 3.7cm 2.6cm 3.5cm 2.8cm; } h1 { font-size: 24pt; }"
    lines = text_lines(render_pdf(document(f"<h1>{title}</h1>", css), page_numbers=False))
    assert "".join(lines) == title and len(lines) == len(title) // 18 + 1
    assert len(lines[-1]) >= 2


# --- fonts: the installed 宋体 for body text, the pip 黑体 for headings and as the fallback -----

SONG = Path(pdf_engine.SYSTEM_FONTS[pdf_engine.SONG_FAMILY])


def font_names(data: bytes) -> set[str]:
    listing = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True)
    return {row.split()[0].split("+")[-1] for row in listing.stdout.decode().splitlines()[2:]}


@pytest.mark.skipif(not SONG.is_file(), reason=f"{SONG} (fonts-arphic-uming) is not installed")
def test_body_text_is_set_in_the_installed_song_face_and_headings_in_the_hei():
    data = render_pdf(document("<h2>一、项目基本情况</h2><p>项目由和平县公安局组织实施。</p>"))
    names = font_names(data)
    assert any(name.startswith("UMingCN") for name in names), names
    assert any(name.startswith("WenQuanYi") for name in names), names


def test_a_character_the_song_face_lacks_sets_the_document_in_the_hei():
    data = render_pdf(document("<h2>一、情况</h2><p>项目名称含生僻字“刏”。</p>"))
    assert all(name.startswith("WenQuanYi") for name in font_names(data))
    assert "刏" in pdftotext(data)
