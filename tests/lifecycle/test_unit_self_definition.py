"""单位自评 runs on its own, lighter definition (`unit_self-1`) beside the full one (`1`):
前期准备 needs only a 组长 (项目负责人) and the budget figures, 领导小组审核 is the unit's own
sign-off (或签 by default), 财政局审核 the bureau's review; other evaluations are unchanged."""

from __future__ import annotations

import pytest
from conftest import make_ready_to_advance, put_in_state
from page_helpers import Browser, page

from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import DEFINITIONS, MACHINE_VERSION, UNIT_SELF_VERSION
from workflow.lifecycle.wiring import GUARDS, MACHINES
from workflow.reports import operations as reports
from workflow.reports import page as report_page


def open_evaluation(api, user, kind: str = "unit_self", **changes):
    body = {
        "unit_id": user.unit_id,
        "project_name": "2022年义务教育营养改善计划",
        "year": 2022,
        "kind": kind,
        "budget": "38.766462",
        "funds_received": "38.766462",
        "funds_spent": "38.7",
        **changes,
    }
    res = api.as_(user).post("/api/v1/evaluations", json=body)
    assert res.status_code == 201, res.json
    return res.json


def act(api, user, evaluation_id: int, action: str, **body):
    url = f"/api/v1/evaluations/{evaluation_id}/actions/{action}"
    return api.as_(user).post(url, json=body)


def name_leader(api, user, evaluation_id: int, **body):
    url = f"/api/v1/evaluations/{evaluation_id}/group"
    return api.as_(user).put(url, json={"leader": user.id, **body})


def test_both_definitions_are_data_with_a_machine_each():
    assert set(DEFINITIONS) == {MACHINE_VERSION, UNIT_SELF_VERSION} == set(MACHINES) == set(GUARDS)
    assert "unit_self" in UNIT_SELF_VERSION


def test_a_unit_self_evaluation_starts_on_the_lighter_definition(api, make):
    user = make.make_user()
    mine = open_evaluation(api, user)
    assert (mine["machine_version"], mine["approval_policy"]) == ("unit_self-1", "any")
    full = open_evaluation(api, user, kind="department")
    assert (full["machine_version"], full["approval_policy"]) == ("1", "all")


def test_leaving_preparation_needs_only_a_leader_and_the_budget_figures(api, make):
    user = make.make_user()
    light = open_evaluation(api, user, funds_spent=None)
    full = open_evaluation(api, user, kind="department", funds_spent=None)
    for evaluation in (light, full):
        assert name_leader(api, user, evaluation["id"]).status_code == 200
    got = api.as_(user).get(f"/api/v1/evaluations/{light['id']}").json
    assert got["unmet_guards"] == ["缺少实际支出金额"]
    res = act(api, user, light["id"], "advance")
    assert res.status_code == 409 and res.json["details"] == ["缺少实际支出金额"]
    res = act(api, user, full["id"], "advance")
    assert res.json["details"] == ["工作组至少需要一名成员", "缺少评价工作方案", "缺少实际支出金额"]


def test_without_a_leader_the_lighter_definition_asks_for_one(session, make):
    from workflow.lifecycle.wiring import unmet_guards

    evaluation = make.make_evaluation(kind="unit_self")
    assert evaluation.machine_version == "unit_self-1"
    assert unmet_guards(session, evaluation) == ["尚未指定组长"]


def test_the_group_keeps_the_definitions_default_policy_unless_told(api, make):
    user = make.make_user()
    light = open_evaluation(api, user)
    assert name_leader(api, user, light["id"]).json["approval_policy"] == "any"
    assert name_leader(api, user, light["id"], approval_policy="all").json["approval_policy"] == (
        "all"
    )
    full = open_evaluation(api, user, kind="department")
    assert name_leader(api, user, full["id"]).json["approval_policy"] == "all"


def test_one_person_takes_a_unit_self_evaluation_to_the_bureau_and_the_archive(api, make, session):
    user = make.make_user(name="学校项目负责人")
    reviewer = make.make_user("finance_reviewer")
    evaluation_id = open_evaluation(api, user)["id"]
    assert name_leader(api, user, evaluation_id).status_code == 200
    assert act(api, user, evaluation_id, "advance").json["state"] == "implementation"
    for stage in ("analysis", "reporting"):
        make_ready_to_advance(session, evaluation_id, "unit_self")
        res = act(api, user, evaluation_id, "advance")
        assert res.json["state"] == stage, res.json
    write_self_report(session, user, evaluation_id)
    res = act(api, user, evaluation_id, "advance")
    assert res.json["state"] == "group_review", res.json
    res = act(api, user, evaluation_id, "approve", comment="单位审核同意")  # its own sign-off
    assert res.json["state"] == "finance_review", res.json
    res = act(api, reviewer, evaluation_id, "approve", comment="同意")
    assert res.json["state"] == "archived", res.json
    assert res.json["machine_version"] == "unit_self-1"


def write_self_report(session, user, evaluation_id: int) -> None:
    """The short 自评报告 on the self-evaluation outline: the draft, its blanks filled, a problem
    with its measure and a suggestion."""
    view = report_page.report_view(session, user, evaluation_id)
    assert [s["key"] for s in view["sections"]][2] == "results"  # the self-evaluation outline
    for section in view["sections"]:
        if not section["body"].strip():
            reports.save_section(
                session, user, evaluation_id, section["key"], "无。", section["version"]
            )
    problem = reports.ProblemSpec(
        problem="资金支付进度较慢", cause="审批环节多", measure="按月调度"
    )
    reports.add_problem(session, user, evaluation_id, problem)
    reports.add_problem(
        session, user, evaluation_id, reports.ProblemSpec(problem="加强培训", kind="suggestion")
    )


def test_the_kind_moves_the_definition_only_while_in_preparation(api, make, session):
    user = make.make_user()
    evaluation = open_evaluation(api, user, kind="department")
    url = f"/api/v1/evaluations/{evaluation['id']}"
    body = {key: evaluation[key] for key in ("project_name", "year", "budget")}
    res = api.as_(user).put(url, json={**body, "kind": "unit_self"})
    assert res.status_code == 200 and res.json["machine_version"] == "unit_self-1"
    put_in_state(session, session.get(Evaluation, evaluation["id"]), "implementation")
    res = api.as_(user).put(url, json={**body, "kind": "department"})
    assert res.status_code == 400 and res.json["fields"][0]["field"] == "kind"
    assert api.as_(user).get(url).json["machine_version"] == "unit_self-1"


def test_existing_evaluations_keep_the_full_definition_and_its_guards(api, team):
    got = api.as_(team.leader).get(f"/api/v1/evaluations/{team.evaluation.id}").json
    assert got["machine_version"] == "1"
    assert got["unmet_guards"] == ["缺少评价工作方案"]  # the group is formed; no work plan


@pytest.mark.parametrize(
    ("kind", "label"),
    [("unit_self", "单位自评流程"), ("department", "完整评价流程（版本 1）")],
)
def test_the_page_shows_the_definition_and_its_version(api, client, auth, make, kind, label):
    user = make.make_user()
    evaluation = open_evaluation(api, user, kind=kind)
    html = page(Browser(client, auth, user).get(f"/evaluations/{evaluation['id']}"))
    assert label in html and evaluation["machine_version"] in html
