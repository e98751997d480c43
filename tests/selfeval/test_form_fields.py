"""The 自评表's fields on an evaluation: 主管部门, 年初预算数, the funds by source, 实际完成情况,
and amounts kept exactly to the 分, through the API and the page forms."""

from __future__ import annotations

import pytest
from page_helpers import Browser, page, version_on

from workflow.lifecycle.models import Evaluation

SCHOOL = {
    "project_name": "义务教育营养改善计划",
    "year": 2022,
    "kind": "unit_self",
    "competent_department": "和平县教育局",
    "initial_budget": "38.766462",
    "budget": "38.766462",
    "funds_received": "38.766462",
    "funds_spent": "38.7",
    "fund_sources": [
        {"source": "fiscal", "initial_budget": "30", "budget": "30", "spent": "29.933538"},
        {"source": "carryover", "initial_budget": "8.766462", "budget": "8.766462",
         "spent": "8.766462"},
    ],
    "targets": "保障学生在校就餐营养",
    "targets_achieved": "全年供餐 190 天，受益学生 735 人次",
}  # fmt: skip


def create(api, user, **changes):
    body = {**SCHOOL, "unit_id": user.unit_id, **changes}
    return api.as_(user).post("/api/v1/evaluations", json=body)


def test_the_form_fields_come_back_as_given(api, make):
    user = make.make_user()
    res = create(api, user)
    assert res.status_code == 201, res.json
    got = api.as_(user).get(f"/api/v1/evaluations/{res.json['id']}").json
    assert got["competent_department"] == "和平县教育局"
    assert got["initial_budget"] == "38.766462"  # 387,664.62 元, not 38.77
    assert got["budget"] == "38.766462"
    assert got["funds_spent"] == "38.70"
    assert got["targets_achieved"] == "全年供餐 190 天，受益学生 735 人次"
    assert got["fund_sources"] == [
        {"source": "fiscal", "label": "当年财政拨款", "initial_budget": "30.00",
         "budget": "30.00", "spent": "29.933538"},
        {"source": "carryover", "label": "上年结转资金", "initial_budget": "8.766462",
         "budget": "8.766462", "spent": "8.766462"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("given", "returned"),
    [("300", "300.00"), ("38.766462", "38.766462"), ("0.5", "0.50"), ("12.340000", "12.34"),
     (300, "300.00"), ("999999999.999999", "999999999.999999")],
)  # fmt: skip
def test_amounts_are_kept_exactly_to_the_fen(api, make, given, returned):
    user = make.make_user()
    res = create(api, user, budget=given, fund_sources=[])
    assert res.status_code == 201, res.json
    assert res.json["budget"] == returned
    assert api.as_(user).get(f"/api/v1/evaluations/{res.json['id']}").json["budget"] == returned


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("38.7664621", "最多保留 6 位小数"),
        ("1000000000", "超出可填写的范围"),
        ("-1", "不能为负数"),
        ("NaN", "应为数字"),
        ("三千", "应为数字"),
    ],
)
def test_amounts_finer_than_the_fen_or_out_of_range_are_refused_not_rounded(
    api, make, given, message
):
    user = make.make_user()
    res = create(api, user, budget=given, fund_sources=[])
    assert res.status_code == 400
    assert message in res.json["details"]["json"]["budget"][0]
    assert any(f["field"] == "budget" and message in f["message"] for f in res.json["fields"])
    assert make.session.query(Evaluation).count() == 0


def test_a_fund_source_amount_is_held_to_the_same_rules(api, make):
    user = make.make_user()
    sources = [{"source": "fiscal", "budget": "38.7664621"}]
    res = create(api, user, fund_sources=sources)
    assert res.status_code == 400
    assert "最多保留 6 位小数" in str(res.json["details"])


def test_sources_that_do_not_add_up_are_refused_naming_the_column_and_the_difference(api, make):
    user = make.make_user()
    sources = [
        {"source": "fiscal", "initial_budget": "30", "budget": "30", "spent": "29.933538"},
        {"source": "other", "initial_budget": "8.766462", "budget": "8", "spent": "8.766462"},
    ]
    res = create(api, user, fund_sources=sources)
    assert res.status_code == 400
    [mismatch] = res.json["details"]["fund_sources"]
    assert mismatch["column"] == "budget" and mismatch["label"] == "全年预算数"
    assert (mismatch["total"], mismatch["sum"], mismatch["difference"]) == (
        "38.766462",
        "38.00",
        "0.766462",
    )
    assert "全年预算数" in res.json["message"] and "相差 0.766462 万元" in res.json["message"]
    assert res.json["fields"][0]["field"] == "fund_sources"


def test_a_repeated_or_unknown_source_is_refused(api, make):
    user = make.make_user()
    twice = [{"source": "fiscal", "budget": "20"}, {"source": "fiscal", "budget": "18.766462"}]
    res = create(api, user, fund_sources=twice)
    assert res.status_code == 400 and "重复" in res.json["message"]
    res = create(api, user, fund_sources=[{"source": "loan", "budget": "1"}])
    assert res.status_code == 400 and "source" in str(res.json["details"])


def test_an_evaluation_without_the_new_fields_is_as_before(api, make):
    user = make.make_user()
    body = {"unit_id": user.unit_id, "project_name": "x", "year": 2023, "kind": "department"}
    res = api.as_(user).post("/api/v1/evaluations", json=body)
    assert res.status_code == 201
    assert res.json["competent_department"] == "" and res.json["initial_budget"] is None
    assert res.json["fund_sources"] == [] and res.json["targets_achieved"] == ""


# --- the page forms ---------------------------------------------------------------------------


@pytest.fixture
def as_user(client, auth):
    return lambda user: Browser(client, auth, user)


FORM = {
    "project_name": "义务教育营养改善计划",
    "year": "2022",
    "kind": "unit_self",
    "competent_department": "和平县教育局",
    "initial_budget": "38.766462",
    "budget": "38.766462",
    "funds_received": "38.766462",
    "funds_spent": "38.7",
    "fiscal-initial_budget": "30",
    "fiscal-budget": "30",
    "fiscal-spent": "29.933538",
    "carryover-initial_budget": "8.766462",
    "carryover-budget": "8.766462",
    "carryover-spent": "8.766462",
    "targets": "保障学生在校就餐营养",
    "targets_achieved": "全年供餐 190 天",
}


def test_the_new_evaluation_form_asks_for_the_self_evaluation_fields_in_chinese(as_user, make):
    html = page(as_user(make.make_user()).get("/evaluations/new"))
    for label in ("主管部门", "年初预算数（万元）", "全年预算数", "全年执行数", "当年财政拨款",
                  "上年结转资金", "其他资金", "实际完成情况"):  # fmt: skip
        assert label in html, label


def test_a_unit_fills_the_funds_on_the_page_and_the_edit_form_keeps_every_decimal(
    as_user, make, session
):
    user = make.make_user()
    browser = as_user(user)
    res = browser.post("/evaluations/new", {**FORM, "unit_id": str(user.unit_id)})
    assert res.status_code == 302, page(res)
    evaluation = session.query(Evaluation).one()
    assert evaluation.competent_department == "和平县教育局"
    assert str(evaluation.initial_budget.normalize()) == "38.766462"
    assert [row["source"] for row in evaluation.fund_sources] == ["fiscal", "carryover"]

    shown = page(browser.get(f"/evaluations/{evaluation.id}"))
    assert "和平县教育局" in shown and "当年财政拨款" in shown and "全年供餐 190 天" in shown
    assert "387,664.62 元" in shown  # the exact 元 behind 38.77 万元
    edit = page(browser.get(f"/evaluations/{evaluation.id}/edit"))
    assert 'value="38.766462"' in edit and 'value="29.933538"' in edit
    assert "387,664.62 元" in edit

    version = version_on(edit)
    changed = {**FORM, "carryover-spent": "8", "version": version}
    res = browser.post(f"/evaluations/{evaluation.id}/edit", changed)
    assert res.status_code == 400
    html = page(res)
    assert "全年执行数：各资金来源合计 37.933538 万元" in html and "相差 0.766462 万元" in html


def test_the_page_form_refuses_an_amount_finer_than_the_fen(as_user, make, session):
    user = make.make_user()
    res = as_user(user).post(
        "/evaluations/new", {**FORM, "unit_id": str(user.unit_id), "budget": "1.0000001"}
    )
    assert res.status_code == 400
    assert "预算金额最多保留 6 位小数" in page(res)
    assert session.query(Evaluation).count() == 0
