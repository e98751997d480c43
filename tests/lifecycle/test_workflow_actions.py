"""Who may take which action in which stage: the role × action table, through the API."""

from __future__ import annotations

import io

import pytest
from conftest import Team, put_in_state

from workflow.lifecycle.states import STATES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload_work_plan(api, team):
    return api.as_(team.leader).post(
        f"/api/v1/evaluations/{team.evaluation.id}/documents",
        data={"category": "work_plan", "file": (io.BytesIO(PDF), "评价工作方案.pdf")},
        content_type="multipart/form-data",
    )


def act(api, user, evaluation, action, **body):
    return api.as_(user).post(f"/api/v1/evaluations/{evaluation.id}/actions/{action}", json=body)


def actor_for(team: Team, make, who: str):
    return {
        "leader": lambda: team.leader,
        "deputy": lambda: team.deputies[0],
        "member": lambda: team.members[0],
        "reviewer": lambda: team.reviewer,
        "admin": lambda: make.admin,
        "other_unit_user": lambda: make.make_user(unit=make.make_unit()),
        "other_bureau_reviewer": lambda: make.make_user(
            "finance_reviewer", bureau=make.make_bureau()
        ),
        "unit_colleague": lambda: make.make_user(),
    }[who]()


# (state, who) → actions they may take now. Anything not listed is refused.
EXPECTED = {
    ("preparation", "leader"): {"advance"},
    ("preparation", "admin"): {"cancel"},
    ("implementation", "leader"): {"advance"},
    ("analysis", "leader"): {"advance"},
    ("reporting", "leader"): {"advance"},
    ("group_review", "leader"): {"approve", "return", "withdraw"},  # leader submitted
    ("group_review", "deputy"): {"approve", "return"},
    ("group_review", "admin"): {"cancel"},
    ("finance_review", "reviewer"): {"approve", "return"},
    ("finance_review", "admin"): {"cancel"},
    ("implementation", "admin"): {"cancel"},
    ("analysis", "admin"): {"cancel"},
    ("reporting", "admin"): {"cancel"},
}
WHO = [
    "leader",
    "deputy",
    "member",
    "reviewer",
    "admin",
    "unit_colleague",
    "other_unit_user",
    "other_bureau_reviewer",
]
STAGES = [
    "preparation",
    "implementation",
    "analysis",
    "reporting",
    "group_review",
    "finance_review",
    "archived",
    "cancelled",
]


@pytest.mark.parametrize("state", STAGES)
@pytest.mark.parametrize("who", WHO)
def test_available_actions_per_role_and_stage(api, make, team, session, state, who):
    evaluation = put_in_state(session, team.evaluation, state, submitted_by=team.leader)
    user = actor_for(team, make, who)
    res = api.as_(user).get(f"/api/v1/evaluations/{evaluation.id}")
    if who.startswith("other_"):
        assert res.status_code == 404  # invisible, not forbidden: no leak that it exists
        return
    assert res.status_code == 200
    assert set(res.json["available_actions"]) == EXPECTED.get((state, who), set())


@pytest.mark.parametrize("state", STAGES)
@pytest.mark.parametrize("action", ["advance", "approve", "return", "withdraw", "cancel"])
@pytest.mark.parametrize("who", ["member", "unit_colleague", "deputy", "reviewer"])
def test_actions_not_listed_are_refused(api, make, team, session, state, action, who):
    evaluation = put_in_state(session, team.evaluation, state, submitted_by=team.leader)
    user = actor_for(team, make, who)
    if action in EXPECTED.get((state, who), set()):
        pytest.skip("allowed: covered by the journeys")
    res = act(api, user, evaluation, action, comment="理由", to="reporting")
    assert res.status_code in (403, 409), res.json
    assert res.json["message"]
    after = api.as_(team.leader).get(f"/api/v1/evaluations/{evaluation.id}").json
    assert after["state"] == state  # nothing changed


def test_advance_lists_every_unmet_preparation_guard(api, make):
    leader = make.make_user()
    evaluation = make.make_evaluation(creator=leader, budget=None, funds_spent=None)
    res = act(api, make.admin, evaluation, "advance")
    assert res.status_code == 403  # the admin is not the 组长
    api.as_(leader).put(
        f"/api/v1/evaluations/{evaluation.id}/group",
        json={"leader": leader.id, "deputies": [], "members": []},
    )
    res = act(api, leader, evaluation, "advance")
    assert res.status_code == 409
    assert res.json["code"] == "guard_failed"
    assert res.json["details"] == [
        "工作组至少需要一名成员",
        "缺少评价工作方案",
        "缺少项目预算金额",
        "缺少实际支出金额",
    ]


def test_group_without_leader_is_reported(api, make):
    creator = make.make_user()
    evaluation = make.make_evaluation(creator=creator)
    res = api.as_(creator).get(f"/api/v1/evaluations/{evaluation.id}")
    assert res.json["available_actions"] == []  # nobody leads yet
    from workflow.lifecycle.wiring import unmet_guards

    assert "尚未指定组长" in unmet_guards(make.session, evaluation)


def test_leader_advances_preparation_and_audit_records_it(api, team):
    assert upload_work_plan(api, team).status_code == 201
    res = act(api, team.leader, team.evaluation, "advance", comment="材料齐全")
    assert res.status_code == 200, res.json
    assert res.json["state"] == "implementation"
    events = api.as_(team.leader).get(f"/api/v1/evaluations/{team.evaluation.id}/audit").json
    last = events[-1]
    assert last["action"] == "advance"
    assert (last["from"], last["to"]) == ("preparation", "implementation")
    assert last["actor"] == team.leader.id
    assert last["role"] == "leader"
    assert last["comment"] == "材料齐全"
    assert last["round"] == 1
    assert last["client_addr"] == "127.0.0.1"
    assert [e["action"] for e in events[:3]] == ["create", "group_changed", "document_uploaded"]


def test_all_policy_needs_every_approver(api, team, session):
    evaluation = put_in_state(session, team.evaluation, "group_review", team.leader)
    for approver in team.approvers[:-1]:
        res = act(api, approver, evaluation, "approve", comment="同意")
        assert res.status_code == 200
        assert res.json["state"] == "group_review"
    res = act(api, team.approvers[-1], evaluation, "approve", comment="同意")
    assert res.json["state"] == "finance_review"


@pytest.mark.parametrize(("policy", "needed"), [("any", 1), ("quorum:2", 2), ("all", 3)])
def test_approval_policies(api, make, session, policy, needed):
    team = Team(make, policy=policy)
    evaluation = put_in_state(session, team.evaluation, "group_review", team.leader)
    states = [act(api, u, evaluation, "approve").json["state"] for u in team.approvers[:needed]]
    assert states[-1] == "finance_review"
    assert all(s == "group_review" for s in states[:-1])


def test_approver_cannot_approve_twice_in_a_round(api, team, session):
    evaluation = put_in_state(session, team.evaluation, "group_review", team.leader)
    assert act(api, team.deputies[0], evaluation, "approve").status_code == 200
    res = act(api, team.deputies[0], evaluation, "approve")
    assert res.status_code == 409
    again = api.as_(team.deputies[0]).get(f"/api/v1/evaluations/{evaluation.id}").json
    assert "approve" not in again["available_actions"]


def test_return_needs_reason_and_target_and_opens_a_new_round(api, team, session):
    evaluation = put_in_state(session, team.evaluation, "group_review", team.leader)
    act(api, team.deputies[0], evaluation, "approve")
    res = act(api, team.deputies[1], evaluation, "return", to="reporting")
    assert res.status_code == 400
    assert res.json["message"] == "退回必须填写理由"
    res = act(api, team.deputies[1], evaluation, "return", comment="数据有误")
    assert res.status_code == 400
    res = act(api, team.deputies[1], evaluation, "return", comment="满意度数据有误", to="analysis")
    assert res.status_code == 200
    assert (res.json["state"], res.json["round"]) == ("analysis", 2)
    events = api.as_(team.leader).get(f"/api/v1/evaluations/{evaluation.id}/audit").json
    assert (events[-1]["action"], events[-1]["round"], events[-1]["comment"]) == (
        "return",
        1,
        "满意度数据有误",
    )
    # the round-1 approval is void: back in review, everyone must approve again
    evaluation = put_in_state(session, evaluation, "group_review", team.leader)
    for approver in team.approvers[:-1]:
        assert act(api, approver, evaluation, "approve").json["state"] == "group_review"
    assert act(api, team.approvers[-1], evaluation, "approve").json["state"] == "finance_review"


def test_finance_reviewer_of_covering_bureau_archives(api, team, session):
    evaluation = put_in_state(session, team.evaluation, "finance_review", team.leader)
    res = act(api, team.reviewer, evaluation, "approve", comment="同意归档")
    assert res.status_code == 200
    assert res.json["state"] == "archived"
    assert res.json["available_actions"] == []


def test_finance_reviewer_returns_to_reporting(api, team, session):
    evaluation = put_in_state(session, team.evaluation, "finance_review", team.leader)
    res = act(api, team.reviewer, evaluation, "return", comment="附件缺评分表", to="reporting")
    assert (res.json["state"], res.json["round"]) == ("reporting", 2)


def test_withdraw_only_by_submitter_before_any_approval(api, team, session):
    evaluation = put_in_state(session, team.evaluation, "group_review", team.leader)
    assert act(api, team.deputies[0], evaluation, "withdraw").status_code == 403
    res = act(api, team.leader, evaluation, "withdraw", comment="补充材料")
    assert res.status_code == 200
    assert res.json["state"] == "reporting"
    evaluation = put_in_state(session, evaluation, "group_review", team.leader)
    act(api, team.deputies[0], evaluation, "approve")
    res = act(api, team.leader, evaluation, "withdraw")
    assert res.status_code == 409
    assert res.json["message"] == "审批人已开始审核，不能撤回"


def test_cancel_by_admin_with_reason_from_any_open_stage(api, make, team, session):
    res = act(api, make.admin, team.evaluation, "cancel")
    assert res.status_code == 400
    res = act(api, make.admin, team.evaluation, "cancel", comment="项目撤销")
    assert res.json["state"] == "cancelled"
    archived = put_in_state(session, make.make_evaluation(), "archived")
    res = act(api, make.admin, archived, "cancel", comment="x")
    assert res.status_code == 409
    assert res.json["code"] == "invalid_state"


def test_stale_version_is_a_conflict(api, team):
    upload_work_plan(api, team)
    seen = api.as_(team.leader).get(f"/api/v1/evaluations/{team.evaluation.id}").json["version"]
    api.as_(team.leader).put(
        f"/api/v1/evaluations/{team.evaluation.id}/group",
        json={"leader": team.leader.id, "members": [team.members[0].id]},
    )
    res = act(api, team.leader, team.evaluation, "advance", version=seen)
    assert res.status_code == 409
    assert res.json["message"] == "已被他人处理，请刷新"


def test_an_action_on_the_version_before_a_project_edit_is_a_conflict(api, team):
    upload_work_plan(api, team)
    url = f"/api/v1/evaluations/{team.evaluation.id}"
    seen = api.as_(team.leader).get(url).json
    project = {k: seen[k] for k in ("project_name", "year", "kind", "budget", "due_date")}
    edited = api.as_(team.leader).put(
        url, json=project | {"targets": "新目标", "version": seen["version"]}
    )
    assert edited.status_code == 200 and edited.json["version"] == seen["version"] + 1
    res = act(api, team.leader, team.evaluation, "advance", version=seen["version"])
    assert res.status_code == 409
    assert res.json["message"] == "已被他人处理，请刷新"


def test_unknown_action_is_404(api, team):
    assert act(api, team.leader, team.evaluation, "jump").status_code == 404


def test_evaluation_records_machine_version(api, team):
    res = api.as_(team.leader).get(f"/api/v1/evaluations/{team.evaluation.id}")
    assert res.json["machine_version"] == "1"
    assert res.json["state_label"] == STATES["preparation"]
