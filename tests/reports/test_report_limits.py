"""A report's size is bounded and its signed files render after the approval that archives it:
the limits on sections and tables (a clear 400 on the API and the page), the Word tables built
in linear time, and 归档 queuing the signed PDF and Word file (生成中 until they exist, a failed
render retried and reported, the hashes in an audit event of their own)."""

from __future__ import annotations

import hashlib
import time

import pytest
from conftest import AuthActions
from docx.table import Table
from report_helpers import complete_report, to_reporting
from sqlalchemy import select

from web.scheduler import render_reports
from workflow.kernel import clock
from workflow.kernel.audit import AuditEvent
from workflow.reports import limits
from workflow.reports import operations as reports
from workflow.reports import page as report_page
from workflow.reports import queries as report_queries
from workflow.reports.models import ReportRender, ReportSection
from workflow.reports.render import docx as docx_render


@pytest.fixture
def reporting(session, team, store):
    evaluation = to_reporting(session, team, store)
    complete_report(session, team, evaluation)
    return evaluation


def url(evaluation, path: str = "") -> str:
    return f"/api/v1/evaluations/{evaluation.id}/report{path}"


def table(rows: int, cols: int = 3, cell: str = "资金") -> str:
    header = "|" + "|".join(f"列{c}" for c in range(cols)) + "|"
    lines = [header, "|" + "---|" * cols]
    lines += ["|" + "|".join(f"{cell}{r}" for _ in range(cols)) + "|" for r in range(rows - 1)]
    return "\n".join(lines)


def save(api, user, evaluation, key: str, body: str):
    version = next(
        s["version"] for s in api.as_(user).get(url(evaluation)).json["sections"] if s["key"] == key
    )
    return api.as_(user).put(
        url(evaluation, f"/sections/{key}"), json={"body": body, "version": version}
    )


def table_rows(session, evaluation) -> int:
    return sum(limits.Size.of(s.body).rows for s in report_queries.sections_of(session, evaluation))


# --- the limits ---------------------------------------------------------------------------------


def test_a_table_over_the_report_limit_is_refused_naming_the_limit(api, session, team, reporting):
    room = limits.MAX_TABLE_ROWS - table_rows(session, reporting)
    member = team.members[0]
    res = save(api, member, reporting, "other", table(room + 1))
    assert res.status_code == 400, res.json
    assert res.json["code"] == "report_too_large"
    [problem] = res.json["fields"]
    assert problem["field"] == "body"
    assert f"全文表格合计上限{limits.MAX_TABLE_ROWS}行" in problem["message"]
    assert f"其中本章节{room + 1}行" in problem["message"]
    assert save(api, member, reporting, "other", table(room)).status_code == 200


def test_table_rows_of_all_sections_count_together(api, session, team, reporting):
    half = (limits.MAX_TABLE_ROWS - table_rows(session, reporting)) // 2 + 1
    assert save(api, team.leader, reporting, "other", table(half)).status_code == 200
    res = save(api, team.leader, reporting, "experience", table(half))
    assert res.status_code == 400
    assert "报告中的表格过大" in res.json["message"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (table(3, cols=limits.MAX_TABLE_COLUMNS + 1), f"每行上限{limits.MAX_TABLE_COLUMNS}列"),
        (table(3, cell="字" * limits.MAX_CELL_CHARS), f"每格上限{limits.MAX_CELL_CHARS}字"),
        ("长" * (limits.MAX_BODY + 1), f"上限{limits.MAX_BODY}字"),
    ],
    ids=["columns", "cell", "characters"],
)
def test_wide_rows_long_cells_and_long_sections_are_refused(api, team, reporting, body, words):
    res = save(api, team.leader, reporting, "other", body)
    assert res.status_code == 400
    assert any(words in f["message"] for f in res.json["fields"]), res.json


def test_the_page_says_which_limit_and_keeps_the_text(app, session, team, reporting):
    client = app.test_client()
    auth = AuthActions(client)
    auth.login(team.leader.username)
    edit = f"/evaluations/{reporting.id}/report/sections/other/edit"
    html = client.get(edit).get_data(as_text=True)
    assert f"全文表格合计不超过{limits.MAX_TABLE_ROWS}行" in html
    body = table(limits.MAX_TABLE_ROWS + 1)
    res = client.post(
        edit, data={"csrf_token": auth.csrf_token(edit), "body": body, "version": "1"}
    )
    html = res.get_data(as_text=True)
    assert res.status_code == 400
    assert f"全文表格合计上限{limits.MAX_TABLE_ROWS}行" in html
    assert "列1|列2|" in html  # the text typed is still in the form
    assert "|资金299|" in html


def test_measuring_a_hostile_body_does_not_build_its_table():
    # One row of 50,000 cells over 25,000 rows of one: padded as a table, 1.25 billion cells.
    body = "|" * 50_000 + "\n" + "|a\n" * 25_000
    size = limits.Size.of(body)
    assert (size.rows, size.widest) == (25_001, 49_999)
    assert limits.problems(body, [])


def test_problems_are_bounded_in_number_and_length(api, monkeypatch, team, reporting):
    problems = url(reporting, "/problems")
    as_member = api.as_(team.members[0])
    long = {"problem": "问" * (limits.MAX_PROBLEM_CHARS + 1), "measure": "措施"}
    res = as_member.post(problems, json=long)
    assert res.status_code == 400
    assert res.json["fields"] == [
        {"field": "problem", "message": f"内容过长（上限{limits.MAX_PROBLEM_CHARS}字）"}
    ]
    count = len(as_member.get(url(reporting)).json["problems"])
    monkeypatch.setattr(limits, "MAX_PROBLEMS", count + 1)
    assert (
        as_member.post(problems, json={"problem": "再一条", "measure": "措施"}).status_code == 201
    )
    res = as_member.post(problems, json={"problem": "又一条", "measure": "措施"})
    assert res.status_code == 400 and res.json["code"] == "report_too_large"
    assert f"每份报告合计{count + 1}条" in res.json["message"]


def test_a_report_saved_before_the_limits_cannot_be_submitted(api, session, team, reporting):
    section = session.scalar(
        select(ReportSection).where(
            ReportSection.evaluation_id == reporting.id, ReportSection.key == "other"
        )
    )
    section.body = table(limits.MAX_TABLE_ROWS + 1)
    session.commit()
    checks = api.as_(team.leader).get(url(reporting)).json["checks"]
    assert [c["code"] for c in checks] == ["too_large"]
    res = api.as_(team.leader).post(f"/api/v1/evaluations/{reporting.id}/actions/advance", json={})
    assert res.status_code == 409
    assert "报告中的表格过大" in res.json["message"]


def test_word_tables_read_each_row_once(monkeypatch, session, team, reporting):
    """`table.cell(r, c)` walks the whole table: in a loop over the cells it is quadratic."""

    def walk(*_args):
        raise AssertionError("table.cell() in the Word builder")

    monkeypatch.setattr(Table, "cell", walk)
    reports.save_section(
        session, team.leader, reporting.id, "other", table(50), _version(session, reporting)
    )
    data = report_page.report_docx(session, team.leader, reporting.id, None).data
    assert data[:2] == b"PK"
    assert docx_render.CORE_PROPERTY_LIMIT  # the module under test was the one patched in


def _version(session, evaluation) -> int:
    return next(
        s.version for s in report_queries.sections_of(session, evaluation) if s.key == "other"
    )


# --- archiving renders after the commit ---------------------------------------------------------


def act(api, user, evaluation, action, **body):
    res = api.as_(user).post(f"/api/v1/evaluations/{evaluation.id}/actions/{action}", json=body)
    assert res.status_code == 200, res.json
    return res.json


def to_finance_review(api, team, evaluation) -> None:
    act(api, team.leader, evaluation, "advance")
    for approver in team.approvers:
        act(api, approver, evaluation, "approve", comment="同意")


@pytest.fixture
def later(app):
    """Renders left to the scheduler (`REPORT_RENDER=scheduler`), as a deployment may."""
    app.config["REPORT_RENDER"] = "scheduler"
    yield
    app.config["REPORT_RENDER"] = "inline"


def events(session, evaluation, action: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(
                AuditEvent.evaluation_id == evaluation.id, AuditEvent.action == action
            )
        )
    )


def test_archiving_commits_and_the_signed_files_follow(app, api, session, team, reporting, later):
    to_finance_review(api, team, reporting)
    assert act(api, team.reviewer, reporting, "approve", comment="同意归档")["state"] == "archived"
    [approval] = events(session, reporting, "approve")[-1:]
    assert "report_sha256" not in approval.details and approval.details["rectifications"] == 2

    view = api.as_(team.leader).get(url(reporting)).json
    assert view["archived"] is None
    assert view["archive_render"]["status"] == "pending"
    assert view["archive_render"]["label"] == "生成中"
    pdf = api.as_(team.leader).get(url(reporting, ".pdf"))
    assert pdf.status_code == 409 and pdf.json["code"] == "archive_rendering"
    assert pdf.json["message"] == "签发版报告文件生成中，请稍后再下载"
    assert api.as_(team.leader).get(url(reporting, ".docx")).status_code == 409

    client = app.test_client()
    AuthActions(client).login(team.leader.username)
    page = f"/evaluations/{reporting.id}/report"
    assert "签发版 PDF 和 Word 文件生成中" in client.get(page).get_data(as_text=True)
    res = client.get(f"{page}.pdf")
    assert res.status_code == 302 and res.headers["Location"].endswith(f"{page}#archive")
    assert "签发版报告文件生成中，请稍后再下载" in client.get(page).get_data(as_text=True)

    # What was approved is frozen: a unit renamed meanwhile does not reach the signed files.
    unit = reporting.unit
    name, unit.name = unit.name, "改名后的单位"
    session.commit()
    assert render_reports(app).run.rendered == 1

    stored = report_queries.archived_report(session, reporting)
    [signed] = events(session, reporting, "report_signed")
    assert signed.details["report_sha256"] == stored.sha256
    assert signed.details["report_docx_sha256"] == stored.docx_sha256
    assert signed.actor_id is None and signed.comment == "签发版 PDF 与 Word 文件已生成"
    pdf = api.as_(team.leader).get(url(reporting, ".pdf"))
    assert pdf.status_code == 200 and pdf.headers["X-Report-Archived"] == "1"
    assert hashlib.sha256(pdf.data).hexdigest() == stored.sha256
    assert name in pdf_text(pdf.data) and "改名后的单位" not in pdf_text(pdf.data)
    html = client.get(page).get_data(as_text=True)
    assert stored.sha256 in html and "文件生成中" not in html
    assert render_reports(app).run.rendered == 0  # once


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_a_failed_render_is_retried_and_reported(
    app, api, monkeypatch, session, team, reporting, later
):
    to_finance_review(api, team, reporting)
    act(api, team.reviewer, reporting, "approve", comment="同意归档")

    def broken(_content):
        raise OSError("磁盘已满")

    monkeypatch.setattr(reports, "render_report_pdf", broken)
    assert render_reports(app).run.failed == 1
    [failed] = events(session, reporting, "report_render_failed")
    assert failed.details == {"attempts": 1, "error": "OSError: 磁盘已满", "status": "pending"}
    assert "将于稍后重试" in failed.comment
    view = api.as_(team.leader).get(url(reporting)).json
    assert view["archive_render"]["status"] == "pending"
    assert view["archive_render"]["error"] == "OSError: 磁盘已满"
    assert render_reports(app).run.failed == 0  # not before its back-off

    monkeypatch.undo()
    soon = clock.now() + reports.RENDER_BACKOFF[0]
    assert render_reports(app, soon).run.rendered == 1
    assert report_queries.archived_report(session, reporting) is not None
    assert events(session, reporting, "report_signed")[0].details["attempts"] == 2


def test_a_render_that_keeps_failing_stops_and_says_so(
    app, api, monkeypatch, session, team, reporting, later
):
    to_finance_review(api, team, reporting)
    act(api, team.reviewer, reporting, "approve", comment="同意归档")
    monkeypatch.setattr(reports, "render_report_docx", lambda _content: 1 / 0)
    at = clock.now()
    for _ in range(reports.MAX_RENDER_ATTEMPTS):
        render_reports(app, at)
        at += max(reports.RENDER_BACKOFF)
    job = session.scalar(select(ReportRender).where(ReportRender.evaluation_id == reporting.id))
    session.refresh(job)
    assert (job.status, job.attempts) == ("failed", reports.MAX_RENDER_ATTEMPTS)
    assert render_reports(app, at).run.failed == 0
    pdf = api.as_(team.leader).get(url(reporting, ".pdf"))
    assert pdf.status_code == 409 and pdf.json["code"] == "archive_render_failed"
    client = app.test_client()
    AuthActions(client).login(team.leader.username)
    html = client.get(f"/evaluations/{reporting.id}/report").get_data(as_text=True)
    assert "签发版文件生成失败" in html and "请联系管理员处理" in html


def test_a_render_left_by_a_dead_process_is_taken_over(app, api, session, team, reporting, later):
    to_finance_review(api, team, reporting)
    act(api, team.reviewer, reporting, "approve", comment="同意归档")
    job = session.scalar(select(ReportRender).where(ReportRender.evaluation_id == reporting.id))
    assert reports.claim_render(session, job.id)  # a worker took it, then died
    assert render_reports(app).run.rendered == 0
    assert render_reports(app, clock.now() + reports.RENDER_STALE).run.rendered == 1


def test_by_default_the_render_runs_beside_the_response(app, api, session, team, reporting):
    to_finance_review(api, team, reporting)
    app.config["REPORT_RENDER"] = "thread"
    try:
        act(api, team.reviewer, reporting, "approve", comment="同意归档")
    finally:
        app.config["REPORT_RENDER"] = "inline"
    deadline = time.monotonic() + 60
    while report_queries.archived_report(session, reporting) is None:
        assert time.monotonic() < deadline, "the signed files never came"
        time.sleep(0.2)
        session.expire_all()
    assert events(session, reporting, "report_signed")


def test_the_scheduler_jixiao_serve_embeds_renders_what_is_left(
    app, api, session, team, reporting, later
):
    from web.scheduler import start_background

    to_finance_review(api, team, reporting)
    act(api, team.reviewer, reporting, "approve", comment="同意归档")
    assert report_queries.archived_report(session, reporting) is None
    scheduler = start_background(app, interval=3600)
    try:
        assert {job.id for job in scheduler.get_jobs()} >= {"reminder-sweep", "report-renders"}
        deadline = time.monotonic() + 60
        while report_queries.archived_report(session, reporting) is None:
            assert time.monotonic() < deadline, "the scheduler never rendered it"
            time.sleep(0.2)
            session.expire_all()
    finally:
        scheduler.shutdown(wait=True)
