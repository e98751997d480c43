"""评价报告 pages: the report with its checks, section editing with versions, the comparison of
versions, reviewers' comments across rounds, problems and suggestions, the PDF and Word
downloads, and the archived report read-only. Each user clicks through the real forms (CSRF
included) in a browser session of their own."""

from __future__ import annotations

import hashlib
import re

import pytest
from conftest import AuthActions
from report_helpers import complete_report, to_reporting

from workflow.lifecycle import operations as lifecycle
from workflow.reports import operations as reports
from workflow.reports import page as report_page
from workflow.reports import queries as report_queries

# --- helpers ----------------------------------------------------------------------------------


def page(res) -> str:
    return res.get_data(as_text=True)


class Person:
    """One user with a cookie jar of their own, posting the pages' forms."""

    def __init__(self, app, user) -> None:
        self.client = app.test_client()
        auth = AuthActions(self.client)
        res = auth.login(user.username)
        assert res.status_code == 302, page(res)
        self.token = auth.csrf_token("/")

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)


@pytest.fixture
def as_user(app):
    return lambda user: Person(app, user)


@pytest.fixture
def reporting(session, team, store):
    return to_reporting(session, team, store)


def url(evaluation, path: str = "") -> str:
    return f"/evaluations/{evaluation.id}/report{path}"


def section(session, team, evaluation, key: str) -> dict:
    """The section as the database has it now (not as this test's session loaded it before)."""
    session.rollback()
    session.expire_all()
    view = report_page.report_view(session, team.leader, evaluation.id)
    return next(s for s in view["sections"] if s["key"] == key)


def textarea(html: str, name: str = "body") -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1).lstrip("\r\n")


def submit_for_review(session, team, evaluation) -> None:
    complete_report(session, team, evaluation)
    lifecycle.perform(session, team.leader, evaluation.id, "advance")


# --- reading the report -------------------------------------------------------------------------

PROTECTED = [
    "/evaluations/1/report",
    "/evaluations/1/report/sections/basic/edit",
    "/evaluations/1/report/sections/basic/versions",
    "/evaluations/1/report/problems/1/edit",
    "/evaluations/1/report.pdf",
    "/evaluations/1/report.docx",
]


@pytest.mark.parametrize("path", PROTECTED)
def test_report_pages_redirect_to_login_when_logged_out(client, path):
    res = client.get(path)
    assert res.status_code == 302
    assert res.headers["Location"].startswith("/login?next=")


def test_report_page_shows_numbered_sections_and_every_open_check(as_user, team, reporting):
    html = page(as_user(team.leader).get(url(reporting)))
    for heading in ("一、项目基本情况", "四、综合评价情况及评价结论", "九、其他需要说明的问题"):
        assert heading in html
    assert "总分为99.52分" in html
    assert "提交前尚需处理" in html
    for message in (
        "“六、主要经验及做法”尚未填写",
        "“七、存在的问题及原因分析”尚未填写",
        "“八、有关建议”尚未填写",
    ):
        assert message in html
    assert f"/evaluations/{reporting.id}/report/sections/experience/edit" in html
    assert f"/evaluations/{reporting.id}/report.pdf" in html
    assert f"/evaluations/{reporting.id}/report.docx" in html


def test_a_complete_report_says_it_can_be_submitted(as_user, session, team, reporting):
    complete_report(session, team, reporting)
    html = page(as_user(team.leader).get(url(reporting)))
    assert "一致性检查已全部通过" in html and "提交前尚需处理" not in html
    assert "推进至“领导小组审核”" in html  # the action button beside the report


def test_evaluation_page_links_to_the_report_from_reporting_on(as_user, team, reporting):
    html = page(as_user(team.leader).get(f"/evaluations/{reporting.id}"))
    assert f'href="/evaluations/{reporting.id}/report"' in html and "撰写评价报告" in html


def test_evaluation_page_has_no_report_before_reporting(as_user, team):
    html = page(as_user(team.leader).get(f"/evaluations/{team.evaluation.id}"))
    assert f"/evaluations/{team.evaluation.id}/report" not in html


def test_outsiders_do_not_see_the_report(as_user, make, reporting):
    elsewhere = make.make_user(unit=make.make_unit())
    assert as_user(elsewhere).get(url(reporting)).status_code == 404


def test_section_body_is_escaped_with_lists_tables_and_subheadings(
    as_user, session, team, reporting
):
    other = section(session, team, reporting, "other")
    body = (
        "（一）补充说明\n<script>alert(1)</script>正文。\n- 甲项\n- 乙项\n"
        "| 项目 | 得分 |\n| --- | --- |\n| 产出 | 40 |"
    )
    reports.save_section(session, team.leader, reporting.id, "other", body, other["version"])
    html = page(as_user(team.leader).get(url(reporting)))
    assert '<h3 class="doc-sub">（一）补充说明</h3>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;正文。" in html and "<script>alert" not in html
    assert "<li>甲项</li><li>乙项</li>" in html
    assert "<thead><tr><th>项目</th><th>得分</th></tr></thead>" in html


# --- editing sections ---------------------------------------------------------------------------


def test_leader_edits_a_section_and_it_becomes_a_version(as_user, session, team, reporting):
    leader = as_user(team.leader)
    edit = page(leader.get(url(reporting, "/sections/experience/edit")))
    assert "书写格式" in edit and 'name="version" type="hidden" value="1"' in edit
    res = leader.post(
        url(reporting, "/sections/experience/edit"),
        {"body": "项目前期充分论证。\n- 建立台账", "version": "1"},
    )
    assert res.status_code == 302
    assert res.headers["Location"].endswith(f"{url(reporting)}#section-experience")
    html = page(leader.get(url(reporting)))
    assert "已保存“六、主要经验及做法”（第2版）" in html
    assert "项目前期充分论证。" in html and "<li>建立台账</li>" in html
    assert "“六、主要经验及做法”尚未填写" not in html
    assert section(session, team, reporting, "experience")["version"] == 2
    timeline = page(leader.get(f"/evaluations/{reporting.id}")).split('id="timeline"')[1]
    assert "修改报告章节" in timeline and "修改报告章节“主要经验及做法”（第2版）" in timeline


def test_a_stale_version_keeps_the_users_text_and_shows_the_other_version(
    as_user, session, team, reporting
):
    member, leader = as_user(team.members[0]), as_user(team.leader)
    leader.get(url(reporting, "/sections/other/edit"))  # both read version 1
    saved = member.post(
        url(reporting, "/sections/other/edit"), {"body": "成员的说明。", "version": "1"}
    )
    assert saved.status_code == 302
    mine = "组长的说明，不能丢失。"
    res = leader.post(url(reporting, "/sections/other/edit"), {"body": mine, "version": "1"})
    assert res.status_code == 409
    html = page(res)
    assert "该章节已被他人修改，请刷新后再保存" in html
    assert textarea(html) == mine
    assert "<del>成员</del>的说明" in html and "<ins>组长</ins>" in html  # theirs beside mine
    assert 'name="version" type="hidden" value="2"' in html
    assert section(session, team, reporting, "other")["body"] == "成员的说明。"
    # Having seen the other version, saving again keeps the text in the box.
    again = leader.post(url(reporting, "/sections/other/edit"), {"body": mine, "version": "2"})
    assert again.status_code == 302
    assert section(session, team, reporting, "other")["body"] == mine


def test_reviewers_and_outsiders_cannot_open_the_editor(as_user, make, team, reporting):
    res = as_user(team.reviewer).get(url(reporting, "/sections/other/edit"))
    assert res.status_code == 403 and "您无权修改此报告" in page(res)
    html = page(as_user(team.reviewer).get(url(reporting)))
    assert "/sections/other/edit" not in html and "添加问题或建议" not in html


def test_versions_page_lists_versions_and_compares_side_by_side(as_user, session, team, reporting):
    basic = section(session, team, reporting, "basic")
    edited = basic["body"].replace("本次评价为部门评价。", "本次评价为部门评价，由评价工作组实施。")
    reports.save_section(session, team.members[0], reporting.id, "basic", edited, 1)
    html = page(as_user(team.leader).get(url(reporting, "/sections/basic/versions")))
    assert "历史版本：一、项目基本情况" in html
    assert "系统生成" in html and team.members[0].display_name in html
    assert "第 1 版 · 系统生成" in html and "1 处改动" in html  # from 1 to 2 by default
    assert "<ins>，由评价工作组实施</ins>" in html
    assert 'class="op-replace"' in html and 'class="op-equal"' in html
    same = page(as_user(team.leader).get(url(reporting, "/sections/basic/versions?from=2&to=2")))
    assert "两个版本内容相同" in same
    missing = as_user(team.leader).get(url(reporting, "/sections/basic/versions?from=1&to=9"))
    assert missing.status_code == 404


# --- reviews ------------------------------------------------------------------------------------


def test_reviewer_comment_is_shown_to_the_author_next_round(as_user, session, team, reporting):
    submit_for_review(session, team, reporting)
    deputy = as_user(team.deputies[0])
    html = page(deputy.get(url(reporting)))
    assert "对本章提出审核意见" in html and "审核通过" in html
    res = deputy.post(
        url(reporting, "/comments"),
        {"section": "analysis", "comment-analysis-body": "请补充财务管理制度健全性的扣分依据"},
    )
    assert res.status_code == 302 and res.headers["Location"].endswith("#section-analysis")
    lifecycle.perform(
        session, team.deputies[0], reporting.id, "return", to="reporting", comment="请补充依据"
    )

    html = page(as_user(team.leader).get(url(reporting)))
    rail = html.split('id="section-analysis"')[1].split('id="section-')[0]
    assert "请补充财务管理制度健全性的扣分依据" in rail
    assert "第 1 轮" in rail and "领导小组审核" in rail and team.deputies[0].display_name in rail
    assert "对本章提出审核意见" not in html  # the author edits; reviewers comment
    edit = page(as_user(team.leader).get(url(reporting, "/sections/analysis/edit")))
    assert "请补充财务管理制度健全性的扣分依据" in edit  # beside the editor too


def test_a_comment_refused_keeps_the_input(as_user, session, team, reporting):
    submit_for_review(session, team, reporting)
    res = as_user(team.reviewer).post(
        url(reporting, "/comments"), {"section": "basic", "comment-basic-body": "财政局的意见"}
    )
    assert res.status_code == 403
    html = page(res)
    assert "只有领导小组审批人（领导小组审核阶段）或财政局审核人" in html
    empty = as_user(team.deputies[0]).post(
        url(reporting, "/comments"), {"section": "basic", "comment-basic-body": ""}
    )
    assert empty.status_code == 400 and "请填写审核意见" in page(empty)


# --- problems and suggestions --------------------------------------------------------------------


def test_problems_form_adds_edits_and_deletes(as_user, session, team, reporting):
    leader = as_user(team.leader)
    owner = team.members[1]
    bad = leader.post(
        url(reporting, "/problems"), {"problem-problem": "", "problem-cause": "原因保留"}
    )
    assert bad.status_code == 400
    assert "请填写问题或建议的内容" in page(bad) and "原因保留" in page(bad)

    res = leader.post(
        url(reporting, "/problems"),
        {
            "problem-kind": "problem",
            "problem-problem": "资金支付进度较慢",
            "problem-cause": "委务会未及时召开",
            "problem-owner_user": str(owner.id),
            "problem-due_date": "2025-06-30",
        },
    )
    assert res.status_code == 302 and res.headers["Location"].endswith("#problems")
    html = page(leader.get(url(reporting)))
    assert "已添加存在的问题" in html
    assert "问题“资金支付进度较慢”尚未填写整改措施" in html  # listed among the checks
    row = html.split('id="problem-')[1]
    assert "资金支付进度较慢" in row and owner.display_name in row and "2025-06-30" in row
    problem_id = report_queries.problems_of(session, reporting)[0].id

    edit_url = url(reporting, f"/problems/{problem_id}/edit")
    assert "委务会未及时召开" in page(leader.get(edit_url))
    res = leader.post(
        edit_url,
        {
            "kind": "problem",
            "problem": "资金支付进度较慢",
            "cause": "委务会未及时召开",
            "measure": "建立支付台账，按月调度",
            "owner_text": "综治中心",
        },
    )
    assert res.status_code == 302
    html = page(leader.get(url(reporting)))
    assert "建立支付台账，按月调度" in html and "综治中心" in html
    assert "尚未填写整改措施" not in html
    assert "整改措施：建立支付台账，按月调度" in html  # listed in section 七 as well

    res = leader.post(url(reporting, f"/problems/{problem_id}/delete"), {"confirm": "y"})
    assert res.status_code == 302
    assert report_queries.problems_of(session, reporting) == []


def test_an_owner_from_another_unit_is_refused_with_the_input_kept(as_user, make, team, reporting):
    stranger = make.make_user(unit=make.make_unit())
    res = as_user(team.leader).post(
        url(reporting, "/problems"),
        {
            "problem-kind": "problem",
            "problem-problem": "系统功能不完善",
            "problem-owner_user": str(stranger.id),
        },
    )
    assert res.status_code == 400
    assert "责任人应为本单位用户" in page(res) and "系统功能不完善" in page(res)


# --- the files and the archive -------------------------------------------------------------------


def test_pdf_and_word_download_from_the_pages(as_user, team, reporting):
    leader = as_user(team.leader)
    pdf = leader.get(url(reporting, ".pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and pdf.headers["X-Report-Archived"] == "0"
    assert "attachment" in pdf.headers["Content-Disposition"]
    docx = leader.get(url(reporting, ".docx"))
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    assert docx.mimetype.endswith("wordprocessingml.document")


@pytest.mark.parametrize("length", [250, 300])
def test_word_download_of_a_long_project_name(as_user, session, team, store, length):
    """Word's core-properties title holds 255 characters: a longer 项目名称 is cut there in the
    title, and kept whole in the document's text."""
    import io

    import docx

    name = ("雪亮工程视频监控点位建设及运维服务项目" * 20)[:length]
    team.evaluation.project_name = name
    session.commit()
    evaluation = to_reporting(session, team, store)
    res = as_user(team.leader).get(url(evaluation, ".docx"))
    assert res.status_code == 200
    document = docx.Document(io.BytesIO(res.data))
    assert len(document.core_properties.title) <= 255
    text = "".join(p.text for p in document.paragraphs)
    assert name in text


def test_archived_report_is_read_only_and_serves_the_signed_pdf(
    as_user, session, team, reporting, store
):
    submit_for_review(session, team, reporting)
    for approver in team.approvers:  # policy "all": the 组长 and both 副组长
        lifecycle.perform(session, approver, reporting.id, "approve")
    lifecycle.perform(session, team.reviewer, reporting.id, "approve", files=store)
    leader = as_user(team.leader)
    html = page(leader.get(url(reporting)))
    sha = report_queries.archived_report(session, reporting).sha256
    assert "报告已签发归档" in html and sha in html and "下载签发版 PDF" in html
    assert "/edit" not in html and "历史版本" in html
    assert "添加问题或建议" not in html and "提交前尚需处理" not in html
    assert leader.get(url(reporting, "/sections/basic/edit")).status_code == 403
    res = leader.post(url(reporting, "/sections/basic/edit"), {"body": "x", "version": "1"})
    assert res.status_code == 403
    pdf = leader.get(url(reporting, ".pdf"))
    assert hashlib.sha256(pdf.data).hexdigest() == sha
    assert pdf.headers["X-Report-Archived"] == "1"
    assert "下载签发版 PDF" in page(leader.get(f"/evaluations/{reporting.id}"))
