"""按最新数据重新生成本章: after a 退回 and a re-score the report names every figure the data no
longer supports (完成值 and 扣分 too, not only the score), shows what changed per section, and
redrafts a generated section on request, the old text kept as a version."""

from __future__ import annotations

from decimal import Decimal

import pytest
from report_helpers import rescore_after_return, to_reporting

from workflow.kernel.audit import AuditEvent
from workflow.lifecycle.models import Evaluation
from workflow.reports import checks as report_checks
from workflow.reports import page as report_page


@pytest.fixture
def rescored(session, team, store) -> Evaluation:
    return rescore_after_return(session, team, store)


def url(evaluation, path: str = "") -> str:
    return f"/api/v1/evaluations/{evaluation.id}/report{path}"


def report_of(api, user, evaluation) -> dict:
    res = api.as_(user).get(url(evaluation))
    assert res.status_code == 200, res.json
    return res.json


def by_key(report: dict) -> dict[str, dict]:
    return {s["key"]: s for s in report["sections"]}


def test_a_new_completion_value_with_the_same_score_is_named_by_the_check(api, team, rescored):
    report = report_of(api, team.leader, rescored)
    analysis = by_key(report)["analysis"]
    assert analysis["stale"] is True
    (change,) = [c for c in analysis["changes"] if c["figure"] == "3.3.1 完成值"]
    assert change["in_text"] is True
    assert change["was"] in analysis["body"] and change["now"] not in analysis["body"]
    assert "300" in change["now"]
    messages = [c["message"] for c in report["checks"] if c["code"] == "stale_figure"]
    assert f"“五、绩效评价指标分析”中的“{change['was']}”与当前数据不符，应为“{change['now']}”" in (
        messages
    )
    # the score itself did not move: the total and the other sections still hold
    assert by_key(report)["conclusion"]["stale"] is False
    assert not any(c["figure"] == "3.3.1 得分" for c in analysis["changes"])


def test_regenerating_redrafts_the_section_and_keeps_the_old_text(api, session, team, rescored):
    before = by_key(report_of(api, team.leader, rescored))["analysis"]
    res = api.as_(team.members[0]).post(
        url(rescored, "/sections/analysis/regenerate"), json={"version": before["version"]}
    )
    assert res.status_code == 200, res.json
    assert res.json["version"] == before["version"] + 1
    assert (res.json["stale"], res.json["changes"]) == (False, [])
    assert res.json["updated_by"] == team.members[0].id and not res.json["generated"]
    new_words = before["changes"][0]["now"]
    assert new_words in res.json["body"]

    report = report_of(api, team.leader, rescored)
    assert not [c for c in report["checks"] if c["section"] == "analysis"]
    versions = api.as_(team.leader).get(url(rescored, "/sections/analysis/versions")).json
    assert [v["body"] for v in versions[-2:]] == [before["body"], res.json["body"]]
    event = session.query(AuditEvent).filter_by(action="report_section_regenerated").one()
    assert event.actor_id == team.members[0].id
    assert event.details == {
        "section": "analysis",
        "version": before["version"] + 1,
        "replaced": before["version"],
    }
    assert "原第" in event.comment and "保留为历史版本" in event.comment


def test_regenerating_an_up_to_date_section_changes_nothing(api, team, rescored):
    before = by_key(report_of(api, team.leader, rescored))["basic"]
    res = api.as_(team.leader).post(url(rescored, "/sections/basic/regenerate"))
    assert res.status_code == 200, res.json
    assert (res.json["version"], res.json["body"]) == (before["version"], before["body"])


def test_regenerate_refusals(api, make, team, rescored):
    current = by_key(report_of(api, team.leader, rescored))["analysis"]["version"]
    lead = api.as_(team.leader)
    stale = lead.post(url(rescored, "/sections/analysis/regenerate"), json={"version": current - 1})
    assert stale.status_code == 409
    written = lead.post(url(rescored, "/sections/experience/regenerate"), json={})
    assert written.status_code == 400
    assert written.json["code"] == "section_not_generated"
    assert "由工作组撰写" in written.json["message"]
    assert lead.post(url(rescored, "/sections/nothing/regenerate")).status_code == 404
    assert (
        api.as_(team.reviewer).post(url(rescored, "/sections/analysis/regenerate")).status_code
        == 403
    )
    outsider = make.make_user(unit=make.make_unit())
    assert api.as_(outsider).post(url(rescored, "/sections/analysis/regenerate")).status_code == 404
    bad = lead.post(url(rescored, "/sections/analysis/regenerate"), json={"version": "x"})
    assert bad.status_code in (400, 422) and "version" in str(bad.json)


def test_the_report_page_shows_the_changes_and_regenerates(client, auth, api, team, rescored):
    auth.login(team.leader.username)
    token = auth.csrf_token("/")
    page = client.get(f"/evaluations/{rescored.id}/report").get_data(as_text=True)
    assert 'data-testid="changes-analysis"' in page
    # the re-score gave a new 完成值 and no 偏差说明 (the first score had one)
    assert "本章起草以来，数据已变化 2 处" in page
    assert "3.3.1 群众满意度 完成值" in page and "3.3.1 群众满意度 偏差说明" in page
    assert "（已无此项数据）" in page
    assert 'data-testid="changes-conclusion"' not in page
    res = client.post(
        f"/evaluations/{rescored.id}/report/sections/analysis/regenerate",
        data={"version": "999", "csrf_token": token},
    )
    assert res.status_code == 302
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "该章节已被他人修改" in page  # a stale page's button overwrites nothing
    version = by_key(report_of(api, team.leader, rescored))["analysis"]["version"]
    res = client.post(
        f"/evaluations/{rescored.id}/report/sections/analysis/regenerate",
        data={"version": str(version), "csrf_token": token},
    )
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "已按最新数据重新生成“五、绩效评价指标分析”" in page
    assert 'data-testid="changes-analysis"' not in page


def test_the_draft_names_the_unit_once_and_the_scope_plainly(session, team, store):
    evaluation = team.evaluation
    evaluation.project_name = f"{evaluation.unit.name}视频监控项目"
    session.commit()
    drafted = by_key({"sections": _sections(session, team, to_reporting(session, team, store))})
    unit = evaluation.unit.name
    work = drafted["work"]["body"]
    assert f"本次评价对象为{evaluation.year}年度{unit}视频监控项目" in work
    assert f"{unit}{evaluation.year}年度{unit}" not in work
    assert "项目的项目" not in work and "评价范围涵盖项目过程、项目产出、项目效果" in work


def _sections(session, team, evaluation) -> list[dict]:
    return report_page.report_view(session, team.leader, evaluation.id)["sections"]


def test_the_draft_names_the_execution_basis_it_used(session, make, team, store):
    evaluation = team.evaluation
    evaluation.execution_basis = "received"
    evaluation.funds_received = evaluation.budget * 95 / 100
    session.commit()
    reported = to_reporting(session, team, store)
    basic = by_key({"sections": _sections(session, team, reported)})["basic"]["body"]
    rate = (reported.funds_spent * 100 / reported.funds_received).quantize(Decimal("0.01"))
    assert f"预算执行率（实际支出÷到位资金）为{rate}%" in basic
    assert "| 资金到位率 | 预算执行率（实际支出÷到位资金） |" in basic
    codes = {c.code for c in report_checks.checks_of(session, reported)}
    assert "rate_mismatch" not in codes and "stale_figure" not in codes
