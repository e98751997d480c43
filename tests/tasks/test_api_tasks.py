"""工作任务 through the API: assign, claim, transfer, complete, reopen, overdue, role refusals."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from conftest import put_in_state

from workflow.kernel import clock
from workflow.lifecycle import operations as lifecycle


@pytest.fixture
def ev(session, team):
    """The team's evaluation in 组织实施."""
    return put_in_state(session, team.evaluation, "implementation")


def create(api, user, evaluation, **body):
    body = {"kind": "collect", "title": "收集项目合同与验收资料", **body}
    return api.as_(user).post(f"/api/v1/evaluations/{evaluation.id}/tasks", json=body)


def act(api, user, task: dict, action: str, **body):
    return api.as_(user).post(f"/api/v1/tasks/{task['id']}/{action}", json=body)


def timeline(api, user, evaluation) -> list[dict]:
    return api.as_(user).get(f"/api/v1/evaluations/{evaluation.id}/audit").json


def test_leader_assigns_a_task_and_the_member_sees_it(api, team, ev):
    member = team.members[0]
    res = create(
        api,
        team.leader,
        ev,
        kind="field_check",
        title="现场核验前端点位",
        assignee=member.id,
        due_date="2099-03-31",
        description="抽查20个点位",
    )
    assert res.status_code == 201, res.json
    task = res.json
    assert (task["status"], task["assignee"]) == ("claimed", member.id)
    assert task["kind_label"] == "现场核验"
    assert task["required"] is True
    mine = api.as_(member).get("/api/v1/tasks?mine=1").json
    assert [t["id"] for t in mine] == [task["id"]]
    assert api.as_(team.members[1]).get("/api/v1/tasks?mine=1").json == []
    event = timeline(api, team.leader, ev)[-1]
    assert (event["action"], event["details"]["task_id"]) == ("task_created", task["id"])


@pytest.mark.parametrize("who", ["deputy", "member"])
def test_only_the_leader_creates_tasks(api, team, ev, who):
    user = team.deputies[0] if who == "deputy" else team.members[0]
    assert create(api, user, ev).status_code == 403


def test_task_input_is_checked(api, make, team, ev):
    outsider = make.make_user()
    res = create(api, team.leader, ev, assignee=outsider.id)
    assert res.status_code == 400
    assert res.json["details"] == ["assignee：任务只能分派给本评价工作组的组长、副组长或成员"]
    assert create(api, team.leader, ev, kind="party").status_code == 400
    assert create(api, team.leader, ev, title="").status_code == 400


def test_member_claims_a_pool_task_once(api, make, team, ev):
    task = create(api, team.leader, ev, kind="survey", title="发放满意度问卷").json
    assert (task["status"], task["assignee"]) == ("open", None)
    first, second = team.members
    pool = api.as_(second).get("/api/v1/tasks").json  # without mine=1: the pool too
    assert [t["id"] for t in pool] == [task["id"]]
    res = act(api, first, task, "claim")
    assert res.status_code == 200 and (res.json["status"], res.json["assignee"]) == (
        "claimed",
        first.id,
    )
    res = act(api, second, task, "claim")
    assert res.status_code == 409 and res.json["code"] == "task_taken"
    assert api.as_(second).get("/api/v1/tasks").json == []


def test_claim_with_a_stale_version_conflicts(api, team, ev):
    task = create(api, team.leader, ev).json
    act(api, team.members[0], task, "claim")
    res = act(api, team.members[1], task, "claim", version=task["version"])
    assert res.status_code == 409 and res.json["message"] == "任务已被他人处理，请刷新"


def test_people_outside_the_group_cannot_claim(api, make, team, ev):
    task = create(api, team.leader, ev).json
    colleague = make.make_user()  # same unit, not in the group
    assert act(api, colleague, task, "claim").status_code == 403
    stranger = make.make_user(unit=make.make_unit())
    assert act(api, stranger, task, "claim").status_code == 404
    assert api.as_(stranger).get(f"/api/v1/tasks/{task['id']}").status_code == 404


def test_holder_transfers_with_a_reason(api, team, ev):
    first, second = team.members
    task = create(api, team.leader, ev, assignee=first.id).json
    assert act(api, first, task, "transfer", to=second.id, reason="").status_code == 400
    assert act(api, second, task, "transfer", to=second.id, reason="我来").status_code == 403
    res = act(api, first, task, "transfer", to=second.id, reason="外出培训一周")
    assert res.status_code == 200 and res.json["assignee"] == second.id
    event = timeline(api, team.leader, ev)[-1]
    assert (event["action"], event["comment"]) == ("task_transferred", "外出培训一周")
    assert (event["details"]["from"], event["details"]["to"]) == (first.id, second.id)


def test_transfer_only_to_group_members(api, make, team, ev):
    task = create(api, team.leader, ev, assignee=team.members[0].id).json
    outsider = make.make_user()
    res = act(api, team.members[0], task, "transfer", to=outsider.id, reason="忙")
    assert res.status_code == 400 and res.json["details"][0].startswith("to：")


def test_leader_reassigns_a_pool_task(api, team, ev):
    task = create(api, team.leader, ev).json
    res = act(api, team.leader, task, "transfer", to=team.deputies[1].id, reason="由副组长负责")
    assert res.status_code == 200
    assert (res.json["status"], res.json["assignee"]) == ("claimed", team.deputies[1].id)


def upload_evidence(api, user, evaluation, category="evidence") -> int:
    res = api.as_(user).post(
        f"/api/v1/evaluations/{evaluation.id}/documents",
        data={"file": (io.BytesIO("点位核验记录".encode()), "核验记录.txt"), "category": category},
        content_type="multipart/form-data",
    )
    assert res.status_code == 201, res.json
    return res.json["id"]


def test_holder_completes_with_note_and_evidence(api, team, ev):
    member = team.members[0]
    task = create(api, team.leader, ev, assignee=member.id).json
    evidence = upload_evidence(api, member, ev)
    other = upload_evidence(api, member, ev, category="other")
    assert act(api, team.members[1], task, "complete", note="x").status_code == 403
    assert act(api, member, task, "complete", note="").status_code == 400
    res = act(api, member, task, "complete", note="已核验", documents=[other])
    assert res.status_code == 400 and "佐证材料" in res.json["message"]
    res = act(api, member, task, "complete", note="已核验20个点位", documents=[evidence])
    assert res.status_code == 200, res.json
    done = res.json
    assert (done["status"], done["result_note"], done["attachments"]) == (
        "done",
        "已核验20个点位",
        [evidence],
    )
    assert done["completed_by"] == member.id and done["completed_at"]
    assert api.as_(member).get("/api/v1/tasks?mine=1").json == []
    assert act(api, member, task, "complete", note="again").status_code == 409
    event = timeline(api, team.leader, ev)[-1]
    assert (event["action"], event["details"]["documents"]) == ("task_completed", [evidence])


def test_pool_task_must_be_claimed_before_completion(api, team, ev):
    task = create(api, team.leader, ev).json
    res = act(api, team.members[0], task, "complete", note="做完了")
    assert res.status_code == 403 and res.json["message"] == "请先领取任务"


def test_leader_reopens_with_a_reason(api, team, ev):
    member = team.members[0]
    task = create(api, team.leader, ev, assignee=member.id).json
    assert act(api, team.leader, task, "reopen", reason="未完成").status_code == 409
    act(api, member, task, "complete", note="完成")
    assert act(api, member, task, "reopen", reason="想再改改").status_code == 403
    assert act(api, team.leader, task, "reopen", reason=" ").status_code == 400
    res = act(api, team.leader, task, "reopen", reason="缺少现场照片")
    assert res.status_code == 200
    assert (res.json["status"], res.json["assignee"], res.json["completed_at"]) == (
        "claimed",
        member.id,
        None,
    )
    actions = [e["action"] for e in timeline(api, team.leader, ev)]
    assert actions[-3:] == ["task_created", "task_completed", "task_reopened"]


def test_overdue_is_computed_from_the_local_date(api, team, ev):
    try:
        clock.set_now(lambda: datetime(2024, 3, 20, 9, tzinfo=UTC))  # given on 20 March
        task = create(api, team.leader, ev, assignee=team.members[0].id, due_date="2024-03-31").json
        # 2024-03-31 16:30 UTC is already 1 April in Beijing
        clock.set_now(lambda: datetime(2024, 3, 31, 15, 30, tzinfo=UTC))
        assert api.as_(team.leader).get(f"/api/v1/tasks/{task['id']}").json["overdue"] is False
        clock.set_now(lambda: datetime(2024, 3, 31, 16, 30, tzinfo=UTC))
        assert clock.today_local() == date(2024, 4, 1)
        listed = api.as_(team.leader).get(f"/api/v1/evaluations/{ev.id}/tasks").json
        assert listed[0]["overdue"] is True
        act(api, team.members[0], task, "complete", note="补交")
        assert api.as_(team.leader).get(f"/api/v1/tasks/{task['id']}").json["overdue"] is False
    finally:
        clock.set_now(None)


def test_my_tasks_span_evaluations(api, make, session, team, ev):
    member = team.members[0]
    second = make.make_evaluation(creator=team.leader)
    lifecycle.set_group(
        session,
        team.leader,
        second.id,
        lifecycle.GroupSpec(leader=team.leader.id, deputies=[], members=[member.id], approvers=[]),
    )
    create(api, team.leader, ev, assignee=member.id, title="甲")
    create(api, team.leader, second, assignee=member.id, title="乙", due_date="2099-01-10")
    titles = [t["title"] for t in api.as_(member).get("/api/v1/tasks?mine=1").json]
    assert titles == ["乙", "甲"]  # soonest due first


def test_tasks_stop_with_the_working_stages(api, team, ev, session):
    task = create(api, team.leader, ev).json
    put_in_state(session, ev, "group_review", submitted_by=team.leader)
    assert act(api, team.members[0], task, "claim").status_code == 403
    assert create(api, team.leader, ev).status_code == 403


def test_a_due_date_in_the_past_is_refused_today_is_allowed(api, team, ev):
    try:
        clock.set_now(lambda: datetime(2024, 3, 20, 9, tzinfo=UTC))
        late = create(api, team.leader, ev, due_date="2024-03-19")
        assert late.status_code == 400
        assert late.json["fields"] == [
            {"field": "due_date", "message": "完成期限不能早于今天（2024-03-20）"}
        ]
        assert late.json["message"] == "完成期限不能早于今天（2024-03-20）"
        assert create(api, team.leader, ev, due_date="2024-03-20").status_code == 201
    finally:
        clock.set_now(None)
