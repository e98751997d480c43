"""报告撰写: the drafted report, editing with versions, consistency checks, comments and rounds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from report_helpers import EXPERIENCE, complete_report, to_reporting

from workflow.kernel.audit import AuditEvent
from workflow.kernel.errors import GuardFailed
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle.models import Evaluation
from workflow.reports import checks as report_checks
from workflow.reports import draft
from workflow.reports import operations as reports
from workflow.reports import page as report_page
from workflow.reports import queries as report_queries
from workflow.reports.render.content import ReportContent
from workflow.reports.render.pdf import render_report_html
from workflow.reports.render.text import diff_rows, parse_body
from workflow.scoring import operations as scoring
from workflow.scoring.rules import Deduction, ScorecardNode


@pytest.fixture
def reporting(session, team, store) -> Evaluation:
    return to_reporting(session, team, store)


def url(evaluation, path: str = "") -> str:
    return f"/api/v1/evaluations/{evaluation.id}/report{path}"


def sections(api, user, evaluation) -> dict[str, dict]:
    res = api.as_(user).get(url(evaluation))
    assert res.status_code == 200, res.json
    return {s["key"]: s for s in res.json["sections"]}


def act(api, user, evaluation, action, **body):
    return api.as_(user).post(f"/api/v1/evaluations/{evaluation.id}/actions/{action}", json=body)


# --- drafting -----------------------------------------------------------------------------------


def test_draft_of_a_complete_department_evaluation_states_rates_total_and_grade(
    api, team, reporting
):
    drafted = sections(api, team.leader, reporting)
    assert list(drafted) == [
        "basic",
        "targets",
        "work",
        "conclusion",
        "analysis",
        "experience",
        "problems",
        "suggestions",
        "other",
    ]
    assert [s["number"] for s in drafted.values()][:3] == ["一", "二", "三"]
    basic = drafted["basic"]["body"]
    # 3,000 budgeted and received, 2,712.60 spent: rates computed with Decimal.
    assert "资金到位率为100.00%" in basic
    assert "实际支出2,712.60万元，预算执行率为90.42%" in basic
    conclusion = drafted["conclusion"]["body"]
    assert "总分为99.52分" in conclusion and "等级为“优”" in conclusion
    assert "| 项目过程 | 20 | 19.52 | 97.60% |" in conclusion
    analysis = drafted["analysis"]["body"]
    for level in (
        "项目过程（分值20分，得分19.52分）",
        "项目产出（分值40分，得分40.00分）",
        "项目效果（分值40分，得分40.00分）",
    ):
        assert level in analysis
    assert "预算执行率（分值5分）：得4.52分。指标值100%，完成值90.42%。扣分理由：测试扣分理由" in (
        analysis
    )
    work = drafted["work"]["body"]
    assert f"组  长：{team.leader.display_name}" in work
    assert "3个一级指标，10个二级指标，14个三级指标" in work
    assert "1.前期准备（" in work and "4.报告撰写（" in work
    assert "建成1个市级视频云共享平台" in drafted["targets"]["body"]
    assert all(s["version"] == 1 and s["generated"] for s in drafted.values())


def test_drafting_is_recorded_in_the_timeline(session, reporting):
    actions = [e.action for e in session.query(AuditEvent).filter_by(evaluation_id=reporting.id)]
    assert actions.index("report_drafted") < len(actions) - 1  # before the advance itself
    assert actions[-1] == "advance"


def test_self_evaluation_is_drafted_on_the_shorter_outline(session, team, store):
    evaluation = to_reporting(session, team, store, kind="unit_self")
    view = report_page.report_view(session, team.leader, evaluation.id)
    assert [s["key"] for s in view["sections"]] == [
        "basic",
        "process",
        "results",
        "problems",
        "suggestions",
        "other",
    ]
    assert [s["title"] for s in view["sections"]][2] == "绩效自评结果及分析"
    results = view["sections"][2]["body"]
    assert "总分为99.04分" in results  # 预算执行率 10 × 90.42 % = 9.04
    assert "预算执行率自评为9.04分" in results
    assert view["title"].endswith("绩效自评报告")


# --- checks -------------------------------------------------------------------------------------


def test_submission_lists_every_open_check_at_once(api, team, reporting):
    leader = team.leader
    drafted = sections(api, leader, reporting)
    res = act(api, leader, reporting, "advance")
    assert res.status_code == 409
    assert res.json["details"] == [
        "“六、主要经验及做法”尚未填写",
        "“七、存在的问题及原因分析”尚未填写",
        "“八、有关建议”尚未填写",
    ]
    api.as_(leader).post(url(reporting, "/problems"), json={"problem": "资金支付进度较慢"})
    api.as_(leader).post(
        url(reporting, "/problems"), json={"problem": "加强培训", "kind": "suggestion"}
    )
    hand = "经评价，综合得分为100分，评价等级为良。项目预算执行率为95%。"
    api.as_(leader).put(
        url(reporting, "/sections/experience"),
        json={"body": hand, "version": drafted["experience"]["version"]},
    )
    checks = api.as_(leader).get(url(reporting)).json["checks"]
    assert [(c["code"], c["section"]) for c in checks] == [
        ("total_mismatch", "experience"),
        ("grade_mismatch", "experience"),
        ("rate_mismatch", "experience"),
        ("problem_without_measure", "problems"),
    ]
    assert checks[0]["message"] == (
        "“六、主要经验及做法”中写明的“综合得分为100分”与评分表总分99.52分不符"
    )
    assert checks[2]["message"].endswith("与按金额计算的预算执行率90.42%不符")
    assert act(api, leader, reporting, "advance").json["details"] == [c["message"] for c in checks]


def test_a_total_left_blank_is_caught(session, team, reporting):
    complete_report(session, team, reporting)
    other = report_page.report_view(session, team.leader, reporting.id)["sections"][-1]
    reports.save_section(
        session, team.leader, reporting.id, "other", "自评得分  分。", other["version"]
    )
    codes = [c.code for c in report_checks.checks_of(session, reporting)]
    assert codes == ["total_missing"]


def test_complete_report_can_be_submitted(api, session, team, reporting):
    complete_report(session, team, reporting)
    assert api.as_(team.leader).get(url(reporting)).json["checks"] == []
    res = act(api, team.leader, reporting, "advance")
    assert res.status_code == 200, res.json
    assert res.json["state"] == "group_review"


# --- editing, versions, diff ----------------------------------------------------------------------


def test_each_save_is_a_version_and_a_stale_version_is_a_conflict(api, team, reporting):
    member = team.members[0]
    other = sections(api, member, reporting)["other"]
    first = api.as_(member).put(
        url(reporting, "/sections/other"), json={"body": "无其他需要说明的问题。", "version": 1}
    )
    assert first.status_code == 200, first.json
    assert (first.json["version"], first.json["updated_by"]) == (2, member.id)
    assert other["version"] == 1
    stale = api.as_(team.leader).put(
        url(reporting, "/sections/other"), json={"body": "被覆盖的内容", "version": 1}
    )
    assert stale.status_code == 409
    assert stale.json["message"] == "该章节已被他人修改，请刷新后再保存"
    versions = api.as_(team.leader).get(url(reporting, "/sections/other/versions")).json
    assert [(v["version"], v["author_name"]) for v in versions] == [
        (1, "系统生成"),
        (2, member.display_name),
    ]


def test_versions_compare_side_by_side_with_changes_marked(api, team, reporting):
    body = sections(api, team.leader, reporting)["basic"]["body"]
    edited = body.replace("本次评价为部门评价。", "本次评价为部门评价，由评价工作组实施。")
    edited += "\n项目资金实行专账核算。"
    api.as_(team.leader).put(url(reporting, "/sections/basic"), json={"body": edited, "version": 1})
    res = api.as_(team.leader).get(url(reporting, "/sections/basic/diff?from=1&to=2"))
    assert res.status_code == 200, res.json
    rows = res.json["rows"]
    assert res.json["changed"] == 2
    replaced = next(r for r in rows if r["op"] == "replace")
    assert replaced["left"]["line"] == replaced["right"]["line"] == 2
    marked = [s["text"] for s in replaced["right"]["segments"] if s["changed"]]
    assert marked == ["，由评价工作组实施"]
    assert rows[-1] == {
        "op": "insert",
        "left": None,
        "right": {
            "line": len(edited.splitlines()),
            "text": "项目资金实行专账核算。",
            "segments": [{"text": "项目资金实行专账核算。", "changed": True}],
        },
    }
    missing = api.as_(team.leader).get(url(reporting, "/sections/basic/diff?from=1&to=9"))
    assert missing.status_code == 404


def test_diff_of_removed_lines():
    rows = diff_rows("甲\n乙\n丙", "甲\n丙")
    assert [r["op"] for r in rows] == ["equal", "delete", "equal"]
    assert rows[1]["left"]["text"] == "乙" and rows[1]["right"] is None


def test_only_the_group_edits_and_only_in_reporting(api, make, team, reporting):
    outsider = make.make_user()
    res = api.as_(outsider).put(url(reporting, "/sections/other"), json={"body": "x", "version": 1})
    assert res.status_code == 403
    res = api.as_(team.reviewer).put(
        url(reporting, "/sections/other"), json={"body": "x", "version": 1}
    )
    assert res.status_code == 403


# --- problems -----------------------------------------------------------------------------------


def test_problems_are_structured_items_with_an_owner(api, make, team, reporting):
    owner = team.members[1]
    res = api.as_(team.leader).post(
        url(reporting, "/problems"),
        json={
            "problem": "部分功能不能满足实际需要",
            "cause": "信息化更迭较快",
            "measure": "在系统维护中完善",
            "owner": owner.id,
            "due_date": "2025-06-30",
        },
    )
    assert res.status_code == 201, res.json
    problem = res.json
    assert (problem["kind"], problem["owner"], problem["owner_name"]) == (
        "problem",
        owner.id,
        owner.display_name,
    )
    elsewhere = make.make_user(unit=make.make_unit())
    bad = api.as_(team.leader).post(
        url(reporting, "/problems"), json={"problem": "x", "owner": elsewhere.id}
    )
    assert bad.status_code == 400
    changed = api.as_(team.leader).put(
        url(reporting, f"/problems/{problem['id']}"),
        json={"problem": problem["problem"], "measure": "按季度升级", "owner": "综治中心"},
    )
    assert (changed.json["measure"], changed.json["owner"]) == ("按季度升级", "综治中心")
    assert (
        api.as_(team.leader).delete(url(reporting, f"/problems/{problem['id']}")).status_code == 204
    )
    assert api.as_(team.leader).get(url(reporting)).json["problems"] == []


# --- reviews across rounds ------------------------------------------------------------------------


def test_comments_by_reviewers_of_each_stage_reach_the_author_next_round(
    api, session, team, reporting
):
    complete_report(session, team, reporting)
    assert act(api, team.leader, reporting, "advance").status_code == 200
    deputy = team.deputies[0]
    refused = api.as_(team.reviewer).post(
        url(reporting, "/comments"), json={"section": "analysis", "body": "x"}
    )
    assert refused.status_code == 403  # the finance bureau comments in its own stage
    res = api.as_(deputy).post(
        url(reporting, "/comments"),
        json={"section": "analysis", "body": "财务管理制度健全性应扣分：未制定专项资金管理办法"},
    )
    assert res.status_code == 201, res.json
    assert (res.json["round"], res.json["stage"]) == (1, "group_review")
    unknown = api.as_(deputy).post(url(reporting, "/comments"), json={"section": "x", "body": "y"})
    assert unknown.status_code == 404
    assert (
        act(api, deputy, reporting, "return", to="analysis", comment="评分需调整").status_code
        == 200
    )

    # 分析评价 again: the score changes, the report text (edited in round 1) is kept.
    session.expire_all()
    entry = scoring.ScoreEntry({"band": "met", "value": "2.5"}, reason="未制定专项资金管理办法")
    scoring.score_leaf(session, team.leader, reporting.id, "1.2.1", entry)
    scoring.finalize_scores(session, team.leader, reporting.id)
    assert act(api, team.leader, reporting, "advance").status_code == 200

    report = api.as_(team.leader).get(url(reporting)).json
    assert report["round"] == 2
    drafted = {s["key"]: s for s in report["sections"]}
    assert drafted["experience"]["body"] == EXPERIENCE  # not redrafted
    assert [c["body"] for c in drafted["analysis"]["comments"]] == [
        "财务管理制度健全性应扣分：未制定专项资金管理办法"
    ]
    by_round = api.as_(team.leader).get(url(reporting, "/comments")).json
    assert [(r["round"], len(r["comments"])) for r in by_round] == [(1, 1)]

    # The changed score makes the old figures stale, each named with its new value.
    stale = [c for c in report["checks"] if c["code"] == "stale_figure"]
    messages = [c["message"] for c in stale]
    assert (
        "“五、绩效评价指标分析”中的“财务管理制度健全性（分值3分）：得3.00分”与当前数据不符，"
        "应为“财务管理制度健全性（分值3分）：得2.50分”" in messages
    )
    assert "“四、综合评价情况及评价结论”中的“总分为99.52分”与当前数据不符，应为“总分为99.02分”" in (
        messages
    )
    assert {c["section"] for c in report["checks"]} == {"conclusion", "analysis"}
    assert act(api, team.leader, reporting, "advance").status_code == 409

    # The author fixes the words (as each section's `changes` lists them); the report can go
    # back to review.
    for key in ("conclusion", "analysis"):
        body = drafted[key]["body"]
        for change in drafted[key]["changes"]:
            body = body.replace(change["was"], change["now"] or "")
        res = api.as_(team.leader).put(
            url(reporting, f"/sections/{key}"),
            json={"body": body, "version": drafted[key]["version"]},
        )
        assert res.status_code == 200
    assert api.as_(team.leader).get(url(reporting)).json["checks"] == []
    res = act(api, team.leader, reporting, "advance")
    assert (res.json["state"], res.json["round"]) == ("group_review", 2)


def test_a_return_to_reporting_keeps_the_edited_text(session, team, reporting):
    complete_report(session, team, reporting)
    lifecycle.perform(session, team.leader, reporting.id, "advance")
    lifecycle.perform(
        session, team.deputies[0], reporting.id, "return", to="reporting", comment="请补充经验做法"
    )
    view = report_page.report_view(session, team.leader, reporting.id)
    experience = next(s for s in view["sections"] if s["key"] == "experience")
    assert (experience["body"], experience["version"]) == (EXPERIENCE, 2)


def test_leaving_reporting_is_guarded(session, team, reporting):
    with pytest.raises(GuardFailed) as refused:
        lifecycle.perform(session, team.leader, reporting.id, "advance")
    assert "“六、主要经验及做法”尚未填写" in refused.value.details


# --- the body format ----------------------------------------------------------------------------


def test_body_format_has_paragraphs_lists_tables_and_subheadings():
    blocks = parse_body(
        "（一）项目概况\n第一段。\n- 甲\n- 乙\n| 列1 | 列2 |\n| --- | --- |\n| 1 | 2 |"
    )
    assert [b.kind for b in blocks] == ["heading", "paragraph", "list", "table"]
    assert blocks[2].items == ["甲", "乙"]
    assert (blocks[3].header, blocks[3].rows) == (True, [["列1", "列2"], ["1", "2"]])


def test_no_markup_typed_into_a_section_reaches_the_page(session, team, reporting):
    view = report_page.report_view(session, team.leader, reporting.id)
    other = next(s for s in view["sections"] if s["key"] == "other")
    reports.save_section(
        session,
        team.leader,
        reporting.id,
        "other",
        '<script>alert(1)</script><b onclick="x">粗</b>\n| <i>格</i> |',
        other["version"],
    )
    content = ReportContent.of(
        session,
        reporting,
        report_queries.sections_of(session, reporting),
        report_queries.problems_of(session, reporting),
    )
    html = render_report_html(content)
    assert "<script>" not in html and "<b onclick" not in html and "<i>格" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_reason_ending_in_its_own_full_stop_is_not_doubled():
    """A 扣分理由 and a 偏差说明 typed with a closing 。 read as one sentence each, never "。。"."""
    leaf = ScorecardNode.leaf(
        "2.2.1",
        "摄像机在线率",
        "10",
        "8",
        target="≥90",
        unit="%",
        actual=Decimal("85"),
        reason="抽查摄像机在线率85%，低于合同约定。",
        deviation_note="部分点位供电不稳；",
    )
    line = draft._leaf_line(leaf, draft.Writer())
    assert "。。" not in line and "；。" not in line
    assert line.endswith(
        "扣分理由：抽查摄像机在线率85%，低于合同约定。偏差说明：部分点位供电不稳。"
    )


def test_a_deduction_reason_ending_in_a_full_stop_reads_as_one_clause():
    leaf = ScorecardNode.leaf(
        "1.2.1",
        "财务管理制度健全性",
        "3",
        "1",
        deductions=(Deduction(Decimal("2"), "未制定专项资金管理办法。"),),
    )
    line = draft._leaf_line(leaf, draft.Writer())
    assert "扣分情况：未制定专项资金管理办法扣2分。" in line and "。。" not in line
