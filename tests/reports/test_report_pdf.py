"""The report as PDF and Word: text, fonts, the 评分表 attachment, and the archived signed file."""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import shutil
import subprocess

import pytest
from conftest import ARTIFACTS
from docx import Document
from pypdf import PdfReader
from report_helpers import RETURN_REASON, complete_report, return_then_archive, to_reporting

from workflow.kernel.audit import AuditEvent
from workflow.rectifications.models import Rectification
from workflow.reports import operations as reports
from workflow.reports import page as report_page
from workflow.reports import queries as report_queries
from workflow.reports.render.content import ReportContent
from workflow.reports.render.pdf import render_report_html

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) is not installed",
)
LEVEL1 = ("项目过程", "项目产出", "项目效果")


@pytest.fixture
def reporting(session, team, store):
    evaluation = to_reporting(session, team, store)
    complete_report(session, team, evaluation)
    return evaluation


def pdftotext(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s", "", out.stdout.decode())


def font_rows(data: bytes) -> list[list[str]]:
    out = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True)
    return [row.split() for row in out.stdout.decode().splitlines()[2:]]


def act(api, user, evaluation, action, **body):
    res = api.as_(user).post(f"/api/v1/evaluations/{evaluation.id}/actions/{action}", json=body)
    assert res.status_code == 200, res.json
    return res.json


def archive(api, team, evaluation) -> None:
    act(api, team.leader, evaluation, "advance")
    for approver in team.approvers:
        act(api, approver, evaluation, "approve", comment="同意")
    assert act(api, team.reviewer, evaluation, "approve", comment="同意归档")["state"] == "archived"


def test_pdf_has_title_unit_every_level1_indicator_total_and_grade(api, team, reporting):
    res = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.pdf")
    assert res.status_code == 200
    assert res.mimetype == "application/pdf"
    assert res.headers["X-Report-Archived"] == "0"
    text = pdftotext(res.data)
    assert "雪亮工程视频监控项目绩效评价报告" in text
    assert "预算单位：和平县公安局" in text
    for name in LEVEL1:
        assert f"{name}（分值" in text  # the analysis
        assert text.count(name) >= 5  # repeated on every 评分表 row
    assert "总分为99.52分" in text and "等级为“优”" in text
    assert "附件：绩效评价指标体系及评分表" in text
    assert "99.52" in text and "评价等级：优" in text
    assert "第1页/共" in text and "审批记录" in text
    assert "1.资金支付进度较慢" in text and "整改措施：建立支付台账，按月调度" in text


def test_pdf_fonts_are_all_embedded(api, team, reporting):
    data = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.pdf").data
    rows = font_rows(data)
    assert rows and all(re.search(r"WenQuanYi|UMing|UKai", row[0]) for row in rows), rows
    assert all(row[-5] == "yes" for row in rows), rows


def test_scorecard_merges_level2_groups_only_and_repeats_level1(session, reporting):
    content = ReportContent.of(
        session,
        reporting,
        report_queries.sections_of(session, reporting),
        report_queries.problems_of(session, reporting),
    )
    html = render_report_html(content)
    spans = [int(n) for n in re.findall(r'rowspan="(\d+)"', html)]
    assert spans and max(spans) <= 3  # short spans: the level-2 groups, never a level-1 column
    leaf_rows = [row for row in content.score_rows if not row.subtotal]
    assert len(leaf_rows) == 14 and all(row.level1 in LEVEL1 for row in leaf_rows)
    assert [row.score for row in content.score_rows if row.subtotal] == ["19.52", "40.00", "40.00"]


def test_archive_stores_the_pdf_once_records_its_hash_and_serves_it_unchanged(
    api, session, team, reporting, store
):
    archive(api, team, reporting)
    event = (
        session.query(AuditEvent)
        .filter_by(evaluation_id=reporting.id, action="report_signed")
        .one()
    )
    digest = event.details["report_sha256"]
    url = f"/api/v1/evaluations/{reporting.id}/report.pdf"
    first = api.as_(team.reviewer).get(url)
    assert first.headers["X-Report-Archived"] == "1"
    assert hashlib.sha256(first.data).hexdigest() == digest == first.headers["X-Content-SHA256"]
    text = pdftotext(first.data)
    assert "审批记录" in text and "财政局审核人" in text and text.count("同意") >= 4
    assert "未经签发归档" not in text

    # Whatever changes later (a name on the approval page), the signed file stays the same.
    reviewer = session.get(type(team.reviewer), team.reviewer.id)
    reviewer.display_name = "改名后的审核人"
    session.commit()
    again = api.as_(team.leader).get(url)
    assert again.data == first.data
    assert report_queries.archived_report(session, reporting).sha256 == digest


def docx_text(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_archived_word_file_is_the_signed_one_stored_beside_the_pdf(api, session, team, reporting):
    before = docx_text(
        api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.docx").data
    )
    assert "（报告撰写阶段文稿，未经签发归档）" in before
    archive(api, team, reporting)
    event = (
        session.query(AuditEvent)
        .filter_by(evaluation_id=reporting.id, action="report_signed")
        .one()
    )
    stored = report_queries.archived_report(session, reporting)
    assert event.details["report_docx_sha256"] == stored.docx_sha256
    url = f"/api/v1/evaluations/{reporting.id}/report.docx"
    first = api.as_(team.reviewer).get(url)
    assert first.headers["X-Report-Archived"] == "1"
    assert hashlib.sha256(first.data).hexdigest() == stored.docx_sha256
    assert (
        first.headers["X-Content-SHA256"] == stored.docx_sha256
        and len(first.data) == stored.docx_size
    )
    view = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report").json
    assert view["archived"]["docx_sha256"] == stored.docx_sha256

    paragraphs = docx_text(first.data)
    title = "雪亮工程视频监控项目绩效评价报告"
    cover = [p for p in paragraphs[: paragraphs.index(title, paragraphs.index(title) + 1)] if p]
    assert not any("未经签发" in p for p in paragraphs)
    assert cover[0] == f"{reporting.year}年度项目支出部门评价"
    # The cover ends with the unit and the date, the same date the signed PDF carries.
    pdf_cover = subprocess.run(
        ["pdftotext", "-l", "1", "-", "-"],
        input=api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.pdf").data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert cover[-2] == "和平县公安局" and cover[-1] in re.sub(r"\s", "", pdf_cover)
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", cover[-1])

    reviewer = session.get(type(team.reviewer), team.reviewer.id)
    reviewer.display_name = "改名后的审核人"
    session.commit()
    assert api.as_(team.leader).get(url).data == first.data


def test_archived_report_is_read_only_and_problems_become_rectifications(
    api, session, team, reporting
):
    archive(api, team, reporting)
    base = f"/api/v1/evaluations/{reporting.id}/report"
    res = api.as_(team.leader).put(f"{base}/sections/other", json={"body": "改", "version": 1})
    assert (res.status_code, res.json["code"]) == (403, "report_read_only")
    res = api.as_(team.leader).post(f"{base}/problems", json={"problem": "新问题"})
    assert res.status_code == 403
    items = session.query(Rectification).filter_by(evaluation_id=reporting.id).all()
    assert [(r.kind, r.problem, r.measure, r.status) for r in items] == [
        ("problem", "资金支付进度较慢", "建立支付台账，按月调度", "open"),
        ("suggestion", "加强绩效管理业务培训", "", "open"),
    ]
    listed = api.as_(team.leader).get("/api/v1/rectifications").json
    assert [(i["problem"], i["owner_name"], i["status"]) for i in listed] == [
        ("资金支付进度较慢", "刘向东", "open"),
        ("加强绩效管理业务培训", "", "open"),
    ]
    assert [h["status"] for h in listed[0]["history"]] == ["open"]


def test_a_tampered_archive_file_is_refused(api, session, team, reporting, store):
    archive(api, team, reporting)
    archived = report_queries.archived_report(session, reporting)
    store.path(archived.storage_key).write_bytes(b"%PDF-1.4 forged")
    res = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.pdf")
    assert (res.status_code, res.json["code"]) == (409, "archive_corrupt")
    store.path(archived.docx_storage_key).write_bytes(b"PK forged")
    res = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.docx")
    assert (res.status_code, res.json["code"]) == (409, "archive_corrupt")


def test_a_report_archived_before_word_files_were_kept_is_rendered_as_final(
    api, session, team, reporting
):
    archive(api, team, reporting)
    archived = report_queries.archived_report(session, reporting)
    archived.docx_sha256 = archived.docx_storage_key = archived.docx_size = None
    session.commit()
    res = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.docx")
    assert res.status_code == 200 and res.headers["X-Report-Archived"] == "0"
    assert not any("未经签发" in p for p in docx_text(res.data))


def test_archiving_without_a_file_store_is_refused(session, team, reporting):
    from workflow.kernel.errors import GuardFailed
    from workflow.lifecycle import operations as lifecycle

    lifecycle.perform(session, team.leader, reporting.id, "advance")
    for approver in team.approvers:
        lifecycle.perform(session, approver, reporting.id, "approve")
    with pytest.raises(GuardFailed) as refused:
        lifecycle.perform(session, team.reviewer, reporting.id, "approve")
    assert refused.value.code == "no_file_store"
    session.expire_all()
    assert report_queries.archived_report(session, reporting) is None


def test_word_file_has_the_sections_and_the_merged_scorecard(api, team, reporting):
    res = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.docx")
    assert res.status_code == 200
    doc = Document(io.BytesIO(res.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "雪亮工程视频监控项目绩效评价报告" in text
    assert "一、项目基本情况" in text and "九、其他需要说明的问题" in text
    scorecard = next(t for t in doc.tables if t.rows[0].cells[-1].text == "扣分理由")
    first_group = [row.cells[1] for row in scorecard.rows[2:4]]
    assert first_group[0].text == "财务管理" and first_group[0]._tc is first_group[1]._tc
    assert scorecard.rows[-1].cells[6].text == "99.52"


def test_cover_is_one_unnumbered_page_and_the_report_starts_on_page_one(api, team, reporting):
    data = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.pdf").data

    def page(n: int) -> str:
        out = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-", "-"],
            input=data,
            capture_output=True,
            check=True,
        )
        return re.sub(r"\s", "", out.stdout.decode())

    cover, first = page(1), page(2)
    assert "报告日期" in cover
    assert re.search(r"和平县公安局\d{4}年\d{1,2}月\d{1,2}日$", cover)  # fits on one page
    assert not re.search(r"第\d+页", cover)  # no footer on the cover
    assert first.startswith("雪亮工程视频监控项目绩效评价报告一、项目基本情况")
    assert "第1页/共" in first


def last_page(data: bytes) -> str:
    """The last page's text in content order (a table cell by cell), without whitespace."""
    total = len(PdfReader(io.BytesIO(data)).pages)
    out = subprocess.run(
        ["pdftotext", "-raw", "-f", str(total), "-l", str(total), "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return re.sub(r"\s", "", out.stdout.decode())


def test_approval_record_lists_every_round_the_return_and_its_reason(
    api, session, team, reporting, store
):
    return_then_archive(session, team, reporting, store)
    data = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.pdf").data
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-returned-archived.pdf").write_bytes(data)
    text = last_page(data)
    assert text.startswith("审批记录轮次审核阶段审批人身份时间结果意见")
    starts = [m.start() for m in re.finditer(r"第\d轮(?=领导小组|财政局)", text)]
    rows = [text[a:b] for a, b in itertools.pairwise([*starts, text.index("注：")])]
    assert [row[:3] for row in rows] == ["第1轮"] * 2 + ["第2轮"] * 4
    assert team.leader.display_name in rows[0] and "同意（已作废）" in rows[0]
    assert team.deputies[0].display_name in rows[1] and "退回至报告撰写" in rows[1]
    assert RETURN_REASON in rows[1]
    assert all("作废" not in row and "同意" in row for row in rows[2:])
    assert "财政局审核人" in rows[-1] and "同意归档" in rows[-1]
    note = r"注：第1轮于\d{4}-\d\d-\d\d\d\d:\d\d由.+退回至报告撰写，该轮的审核通过已作废"
    assert re.search(note, text)

    word = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.docx").data
    (ARTIFACTS / "report-returned-archived.docx").write_bytes(word)
    docx = Document(io.BytesIO(word))
    table = next(t for t in docx.tables if t.rows[0].cells[0].text == "轮次")
    cells = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [(r[0], r[5]) for r in cells[:2]] == [
        ("第1轮", "同意（已作废）"),
        ("第1轮", "退回至报告撰写"),
    ]
    assert cells[1][6] == RETURN_REASON


def test_pdf_has_the_report_title_in_its_metadata(api, team, reporting):
    data = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.pdf").data
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta.title == "雪亮工程视频监控项目绩效评价报告"
    assert meta.author == "和平县公安局"


LONG_VALUES = ("12,345,678.90万元", "96.00%", "2026-12-02 04:42", "12.3万元", "100.00%")
CLOSING = "，。：；、）」』】》！？%…"


def test_report_keeps_values_whole_and_starts_no_line_with_closing_punctuation(
    api, session, team, reporting
):
    filler = "项目单位按照资金管理办法" * 3
    body = "".join(
        f"{filler[: (n * 5) % 31]}截至{LONG_VALUES[2]}，累计支出{LONG_VALUES[0]}（执行率"
        f"{LONG_VALUES[1]}），其中：本年{LONG_VALUES[3]}、到位率{LONG_VALUES[4]}。"
        for n in range(12)
    )
    view = report_page.report_view(session, team.leader, reporting.id)
    version = next(s["version"] for s in view["sections"] if s["key"] == "other")
    reports.save_section(session, team.leader, reporting.id, "other", body, version)
    data = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/report.pdf").data
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-long-values.pdf").write_bytes(data)
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    lines = [line.strip() for line in out.stdout.decode().splitlines() if line.strip()]
    assert [line for line in lines if line[0] in CLOSING] == []
    joined = "\n".join(lines)
    for value in LONG_VALUES:
        assert joined.count(value) >= body.count(value), value
