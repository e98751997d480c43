"""Irreversible actions ask first (评分定稿, 终止, 财政局 审核通过, 撤回, 删除问题): the page names
the consequence beside a "我已知晓" box, and a form posted without it changes nothing. 解除定稿:
the 组长 may unlock finalised scores in 分析评价, with a reason, on the audit trail."""

from __future__ import annotations

import pytest
from conftest import fill_indicators, put_in_state, score_everything
from page_helpers import Browser, page, version_on

from web.confirm import consequence
from workflow.lifecycle.models import Evaluation
from workflow.reports import operations as reports
from workflow.reports import queries as report_queries
from workflow.scoring import scorecard as scorecards


@pytest.fixture
def finalized(session, team):
    """The team's evaluation in 分析评价, every leaf scored and the scores finalised."""
    ev = put_in_state(session, team.evaluation, "implementation")
    fill_indicators(session, ev, actor=team.leader)
    ev = put_in_state(session, ev, "analysis")
    score_everything(session, ev, actor=team.leader)
    return ev


def reopen(api, user, ev, **body):
    return api.as_(user).post(f"/api/v1/evaluations/{ev.id}/scores/reopen", json=body)


def state_of(session, ev) -> str:
    session.expire_all()
    return session.get(Evaluation, ev.id).state


# --- 解除定稿 ---------------------------------------------------------------------------------


def test_the_leader_reopens_finalised_scores_with_a_reason(api, team, finalized, session):
    res = reopen(api, team.leader, finalized, reason="满意度问卷补充调查，需重新打分")
    assert res.status_code == 200, res.json
    assert res.json["finalized"] is False
    assert scorecards.finalization(session, finalized) is None
    audit = api.as_(team.leader).get(f"/api/v1/evaluations/{finalized.id}/audit").json
    assert audit[-1]["action"] == "scores_unlocked"
    assert audit[-1]["comment"] == "解除评分定稿：满意度问卷补充调查，需重新打分"
    assert audit[-1]["role"] == "" or audit[-1]["actor"] == team.leader.id
    res = api.as_(team.leader).put(
        f"/api/v1/evaluations/{finalized.id}/indicators/2.2.1/score", json={"deductions": []}
    )
    assert res.status_code == 200, res.json  # scores can change again


def test_reopening_needs_a_reason_and_finalised_scores(api, team, finalized):
    res = reopen(api, team.leader, finalized, reason="  ")
    assert res.status_code == 400
    assert res.json["fields"] == [{"field": "reason", "message": "解除定稿须写明理由"}]
    assert reopen(api, team.leader, finalized, reason="重新打分").status_code == 200
    res = reopen(api, team.leader, finalized, reason="再来一次")
    assert res.status_code == 409 and res.json["code"] == "not_finalized"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 200),
        ("deputy", 403),
        ("member", 403),
        ("reviewer", 403),
        ("admin", 403),
        ("other_unit_user", 404),
    ],
)
def test_who_may_reopen_scores(api, make, team, finalized, who, status):
    user = {
        "leader": team.leader,
        "deputy": team.deputies[0],
        "member": team.members[0],
        "reviewer": team.reviewer,
        "admin": make.admin,
        "other_unit_user": make.make_user(unit=make.make_unit()),
    }[who]
    assert reopen(api, user, finalized, reason="重新打分").status_code == status


def test_scores_cannot_be_reopened_after_analysis(api, team, finalized, session):
    ev = put_in_state(session, finalized, "reporting")
    assert reopen(api, team.leader, ev, reason="重新打分").status_code == 403
    assert scorecards.finalization(session, ev) is not None


def test_the_scores_page_offers_the_leader_to_reopen(client, auth, team, finalized, session):
    url = f"/evaluations/{finalized.id}/scores"
    member = Browser(client, auth, team.members[0])
    assert 'class="reopen-form"' not in page(member.get(url))
    auth.logout()
    leader = Browser(client, auth, team.leader)
    html = page(leader.get(url))
    assert 'class="reopen-form"' in html and "如需修改请组长解除定稿" in html
    res = leader.post(f"{url}/reopen", {"reason": ""}, follow_redirects=True)
    assert "解除定稿须写明理由" in page(res)
    assert scorecards.finalization(session, finalized) is not None
    res = leader.post(f"{url}/reopen", {"reason": "补充调查"}, follow_redirects=True)
    assert "已解除评分定稿" in page(res) and 'id="locked"' not in page(res)
    assert scorecards.finalization(session, finalized) is None


# --- confirmations ----------------------------------------------------------------------------


def test_finalising_on_the_page_needs_the_box_ticked(client, auth, team, finalized, session):
    url = f"/evaluations/{finalized.id}/scores"
    leader = Browser(client, auth, team.leader)
    leader.post(f"{url}/reopen", {"reason": "补充调查"})
    html = page(leader.get(url))
    form = html.split('class="finalize-form"')[1].split("</form>")[0]
    assert 'name="confirm"' in form and "required" in form
    assert consequence("finalize_scores") in form
    res = leader.post(f"{url}/finalize", follow_redirects=True)
    assert "请先勾选“我已知晓”确认" in page(res)
    assert scorecards.finalization(session, finalized) is None
    res = leader.post(f"{url}/finalize", {"confirm": "y"}, follow_redirects=True)
    assert "评分已定稿" in page(res)


@pytest.mark.parametrize(
    ("state", "action", "who", "ends_in"),
    [
        ("implementation", "cancel", "admin", "cancelled"),
        ("group_review", "withdraw", "leader", "reporting"),
        ("finance_review", "approve", "reviewer", None),  # 已归档 needs the report: not here
    ],
)
def test_irreversible_actions_on_the_page_need_the_box_ticked(
    client, auth, make, team, session, state, action, who, ends_in
):
    ev = put_in_state(session, team.evaluation, state, submitted_by=team.leader)
    user = {"admin": make.admin, "leader": team.leader, "reviewer": team.reviewer}[who]
    browser = Browser(client, auth, user)
    url = f"/evaluations/{ev.id}"
    html = page(browser.get(url))
    form = html.split(f"action-{action}")[1].split("</form>")[0]
    assert consequence(action, state) in form and 'name="confirm"' in form
    data = {"version": version_on(html), "comment": "项目撤销"}
    res = browser.post(f"{url}/actions/{action}", data, follow_redirects=True)
    assert "请先勾选“我已知晓”确认" in page(res)
    assert state_of(session, ev) == state
    if ends_in:
        res = browser.post(f"{url}/actions/{action}", {**data, "confirm": "y"})
        assert res.status_code == 302
        assert state_of(session, ev) == ends_in


def test_other_actions_ask_nothing(client, auth, team, session):
    ev = put_in_state(session, team.evaluation, "group_review", submitted_by=team.leader)
    browser = Browser(client, auth, team.deputies[0])
    html = page(browser.get(f"/evaluations/{ev.id}"))
    for action in ("approve", "return"):  # 领导小组: a return opens the next round
        assert 'name="confirm"' not in html.split(f"action-{action}")[1].split("</form>")[0]
    res = browser.act(ev.id, "approve")
    assert "已审核通过" in page(res)


def test_deleting_a_problem_needs_the_box_ticked(client, auth, team, session):
    ev = put_in_state(session, team.evaluation, "reporting")
    problem = reports.add_problem(
        session, team.leader, ev.id, reports.ProblemSpec(problem="资金支付进度较慢")
    )
    browser = Browser(client, auth, team.leader)
    html = page(browser.get(f"/evaluations/{ev.id}/report"))
    assert consequence("delete_problem") in html
    url = f"/evaluations/{ev.id}/report/problems/{problem['id']}/delete"
    res = browser.post(url, follow_redirects=True)
    assert "请先勾选“我已知晓”确认" in page(res)
    assert len(report_queries.problems_of(session, ev)) == 1
    browser.post(url, {"confirm": "y"})
    assert report_queries.problems_of(session, ev) == []


def test_the_api_takes_irreversible_actions_without_a_confirmation(api, make, team):
    res = api.as_(make.admin).post(
        f"/api/v1/evaluations/{team.evaluation.id}/actions/cancel", json={"comment": "项目撤销"}
    )
    assert res.status_code == 200 and res.json["state"] == "cancelled"


def test_the_api_document_describes_reopening(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "post" in paths["/api/v1/evaluations/{evaluation_id}/scores/reopen"]
