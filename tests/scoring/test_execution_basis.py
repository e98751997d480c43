"""预算执行率口径: 实际支出 ÷ 预算 by default, or ÷ 到位资金 where an evaluation says so (as the
共性指标框架 defines it for 部门评价): the rule scores by it, the API takes and validates it,
the edit form sets it, and the pages name it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import fill_indicators, put_in_state
from page_helpers import Browser, page, version_on

from workflow.indicators.queries import leaves, load_nodes
from workflow.kernel.audit import AuditEvent
from workflow.kernel.errors import InvalidInput
from workflow.scoring import operations as scoring
from workflow.scoring.rules import Amounts, compute_score, execution_label
from workflow.scoring.scorecard import execution_rate_of

D = Decimal
RATE_LEAF = {
    "code": "x",
    "name": "预算执行率",
    "weight": "5",
    "target": "100",
    "rule": {"type": "rate", "measure": "budget_execution"},
}


def amounts(basis: str = "budget", received: str = "2800") -> Amounts:
    return Amounts(D("3000"), D(received), D("2712.6"), execution_basis=basis)


# --- the rule ---------------------------------------------------------------------------------


def test_budget_execution_divides_by_the_budget_unless_told_otherwise():
    by_default = compute_score(RATE_LEAF, {}, Amounts(D("3000"), D("2800"), D("2712.6")))
    assert (by_default.rate, by_default.score) == (D("90.42"), D("4.52"))
    assert by_default.details["basis_label"] == "预算执行率（实际支出÷预算）"
    assert by_default.details["denominator"] == "3000.00"


def test_budget_execution_divides_by_the_funds_received_on_that_basis():
    result = compute_score(RATE_LEAF, {}, amounts("received"))
    assert result.rate == D("96.88")  # 2712.6 / 2800
    assert result.score == D("4.84")
    assert result.details["basis"] == "received"
    assert result.details["basis_label"] == "预算执行率（实际支出÷到位资金）"
    assert (result.details["denominator_label"], result.details["denominator"]) == (
        "到位资金",
        "2800.00",
    )


def test_the_basis_does_not_change_the_funds_received_rate():
    leaf = {**RATE_LEAF, "rule": {"type": "rate", "measure": "funds_received"}}
    assert compute_score(leaf, {}, amounts("received")).rate == D("93.33")  # 2800 / 3000


def test_nothing_received_cannot_give_a_rate_on_that_basis():
    with pytest.raises(InvalidInput) as refused:
        compute_score(RATE_LEAF, {}, amounts("received", received="0"))
    assert refused.value.message == "到位资金须大于0，无法计算预算执行率"


def test_the_labels_have_one_definition():
    assert execution_label("budget") == "预算执行率（实际支出÷预算）"
    assert execution_label(None) == "预算执行率（实际支出÷预算）"
    assert execution_label("received") == "预算执行率（实际支出÷到位资金）"


def test_the_report_check_reads_a_rate_stated_with_its_basis():
    from workflow.reports.checks import RATE_STATED

    stated = RATE_STATED.search("本项目预算执行率（实际支出÷到位资金）为96.88%。")
    assert stated and stated.groups() == ("预算执行率", "96.88")
    assert RATE_STATED.search("预算执行率为90.42%").groups() == ("预算执行率", "90.42")


# --- the API ----------------------------------------------------------------------------------


def test_an_evaluation_is_created_with_a_basis_and_keeps_it_on_an_edit_without_it(
    api, make, session
):
    leader = make.make_user()
    body = {
        "unit_id": leader.unit_id,
        "project_name": "智慧新警务项目",
        "year": 2023,
        "kind": "department",
        "budget": "3000",
        "funds_received": "2800",
        "funds_spent": "2712.6",
    }
    plain = api.as_(leader).post("/api/v1/evaluations", json=body).json
    assert plain["execution_basis"] == "budget" and plain["execution_rate"] == "90.42"
    assert plain["execution_basis_label"] == "实际支出÷预算"

    created = api.as_(leader).post(
        "/api/v1/evaluations", json={**body, "execution_basis": "received"}
    )
    assert created.status_code == 201, created.json
    url = f"/api/v1/evaluations/{created.json['id']}"
    got = api.as_(leader).get(url).json
    assert (got["execution_basis"], got["execution_rate"]) == ("received", "96.88")
    assert got["execution_basis_label"] == "实际支出÷到位资金"

    edited = api.as_(leader).put(url, json={**body, "project_name": "智慧新警务一期"})
    assert edited.status_code == 200 and edited.json["execution_basis"] == "received"
    back = api.as_(leader).put(url, json={**body, "execution_basis": "budget"}).json
    assert back["execution_basis"] == "budget" and back["execution_rate"] == "90.42"
    event = session.query(AuditEvent).filter_by(action="project_updated").all()[-1]
    assert "预算执行率口径 实际支出÷到位资金 → 实际支出÷预算" in event.comment


@pytest.mark.parametrize("value", ["funds", "", "Budget", 1, None])
def test_a_basis_that_is_neither_is_refused_with_a_chinese_field_error(api, team, value):
    url = f"/api/v1/evaluations/{team.evaluation.id}"
    body = {
        "project_name": team.evaluation.project_name,
        "year": 2023,
        "kind": "department",
        "execution_basis": value,
    }
    res = api.as_(team.leader).put(url, json=body)
    assert res.status_code == 400
    (problem,) = [f for f in res.json["fields"] if f["field"] == "execution_basis"]
    assert "\u4e00" <= problem["message"][0] <= "\u9fff", problem  # Chinese
    if isinstance(value, str):
        assert problem["message"] == "预算执行率口径应为 budget（预算）或 received（到位资金）"


def test_a_unit_self_evaluation_keeps_the_forms_basis(api, team):
    url = f"/api/v1/evaluations/{team.evaluation.id}"
    body = {"project_name": "营养改善计划", "year": 2023, "kind": "unit_self"}
    res = api.as_(team.leader).put(url, json={**body, "execution_basis": "received"})
    assert res.status_code == 400
    (problem,) = [f for f in res.json["fields"] if f["field"] == "execution_basis"]
    assert "全年执行数÷全年预算数" in problem["message"]
    ok = api.as_(team.leader).put(url, json={**body, "execution_basis": "budget"})
    assert ok.status_code == 200, ok.json


# --- the pages --------------------------------------------------------------------------------


def _edit_form(evaluation, html: str, **changes) -> dict:
    return {
        "project_name": evaluation.project_name,
        "year": "2023",
        "kind": "department",
        "budget": "3000",
        "funds_received": "2800",
        "funds_spent": "2712.6",
        "version": version_on(html),
        **changes,
    }


def test_the_leader_chooses_the_basis_on_the_edit_form_and_the_page_names_it(
    client, auth, team, session
):
    browser = Browser(client, auth, team.leader)
    url = f"/evaluations/{team.evaluation.id}/edit"
    form = page(browser.get(url))
    assert '<option selected value="budget">预算执行率（实际支出÷预算）</option>' in form
    assert '<option value="received">预算执行率（实际支出÷到位资金）</option>' in form

    shown = page(browser.get(f"/evaluations/{team.evaluation.id}"))
    figure = shown.split('id="rate-spent"')[1].split("</div>")[0]
    assert "90.42%" in figure and "实际支出 ÷ 预算" in figure

    res = browser.post(url, _edit_form(team.evaluation, form, execution_basis="received"))
    assert res.status_code == 302, page(res)
    shown = page(browser.get(f"/evaluations/{team.evaluation.id}"))
    figure = shown.split('id="rate-spent"')[1].split("</div>")[0]
    assert 'title="预算执行率（实际支出÷到位资金）"' in figure
    assert "96.88%" in figure and "实际支出 ÷ 到位资金" in figure


def test_a_basis_not_offered_is_shown_at_its_field(client, auth, team):
    browser = Browser(client, auth, team.leader)
    url = f"/evaluations/{team.evaluation.id}/edit"
    res = browser.post(
        url, _edit_form(team.evaluation, page(browser.get(url)), execution_basis="x")
    )
    assert res.status_code == 400
    block = page(res).split('name="execution_basis"')[1].split('<div class="field')[0]
    assert "不是有效的选择" in block


def test_the_scoring_page_and_the_stored_score_use_the_chosen_basis(
    client, auth, api, team, session
):
    url = f"/api/v1/evaluations/{team.evaluation.id}"
    body = {
        "project_name": team.evaluation.project_name,
        "year": 2023,
        "kind": "department",
        "budget": "3000",
        "funds_received": "2800",
        "funds_spent": "2712.6",
        "execution_basis": "received",
    }
    assert api.as_(team.leader).put(url, json=body).status_code == 200
    evaluation = put_in_state(session, team.evaluation, "implementation")
    fill_indicators(session, evaluation, "xueliang")
    evaluation = put_in_state(session, evaluation, "analysis")
    session.commit()
    assert execution_rate_of(evaluation).rate == D("96.88")

    html = page(Browser(client, auth, team.leader).get(f"/evaluations/{evaluation.id}/scores"))
    assert (
        "预算执行率 = 实际支出 <strong>2712.60</strong> 万元 ÷ 到位资金 <strong>2800.00</strong>"
        in html
    )
    assert "96.88%" in html

    code = next(
        leaf.code
        for leaf in leaves(load_nodes(session, evaluation))
        if leaf.rule_type == "rate"
        and (leaf.rule_params or {}).get("measure") == "budget_execution"
    )
    entry = scoring.ScoreEntry(reason="未全部支出")
    saved = scoring.score_leaf(session, team.leader, evaluation.id, code, entry)
    assert saved.score.rate == D("96.88")
    assert saved.score.details["denominator_label"] == "到位资金"
