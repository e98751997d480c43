"""站内通知、提醒规则与邮件偏好 through the API."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from conftest import forget_event_notices, put_in_state

from workflow.kernel import clock
from workflow.reminders import sweep as reminder_sweep
from workflow.tasks import operations as tasks


@pytest.fixture(autouse=True)
def restore_clock():
    yield
    clock.set_now(None)


@pytest.fixture
def reminded(session, team):
    """The first member holds a task overdue since Wednesday; swept on Friday 2024-03-22."""
    ev = put_in_state(session, team.evaluation, "implementation")
    clock.set_now(lambda: datetime(2024, 3, 18, 10, tzinfo=clock.LOCAL_TZ))
    task = tasks.create_task(
        session,
        team.leader,
        ev.id,
        tasks.TaskSpec(
            kind="field_check",
            title="现场核验点位",
            assignee_id=team.members[0].id,
            due_date=date(2024, 3, 20),
        ),
    )
    forget_event_notices(session)  # the inbox here is the sweep's
    reminder_sweep.sweep(session, datetime(2024, 3, 21, 2))  # Thursday 10:00 Beijing
    reminder_sweep.sweep(session, datetime(2024, 3, 22, 2))
    return task


def test_member_sees_unread_count_and_items_of_their_inbox(api, team, reminded):
    res = api.as_(team.members[0]).get("/api/v1/notifications")
    assert res.status_code == 200
    body = res.json
    assert body["unread"] == 2
    newest = body["items"][0]
    assert set(newest) >= {"id", "kind", "target", "title", "created_at", "read"}
    assert newest["kind"] == "task_overdue"
    assert newest["target"] == {"type": "task", "id": reminded.id}
    assert newest["title"] == "任务已逾期：现场核验点位"
    assert newest["read"] is False
    assert newest["link"] == f"/tasks/{reminded.id}"
    leader = api.as_(team.leader).get("/api/v1/notifications").json
    assert [i["kind"] for i in leader["items"]] == ["task_escalation"]
    assert api.as_(team.members[1]).get("/api/v1/notifications").json == {"unread": 0, "items": []}


def test_mark_one_read_then_all(api, team, reminded):
    member = api.as_(team.members[0])
    first, second = member.get("/api/v1/notifications").json["items"]
    res = member.post(f"/api/v1/notifications/{first['id']}/read")
    assert res.status_code == 200 and res.json["read"] is True
    assert member.get("/api/v1/notifications").json["unread"] == 1
    assert member.get("/api/v1/notifications?unread=1").json["items"][0]["id"] == second["id"]
    res = member.post("/api/v1/notifications/read-all")
    assert res.json == {"marked": 1, "unread": 0}
    assert all(i["read"] for i in member.get("/api/v1/notifications").json["items"])


def test_nobody_reads_or_marks_another_persons_notifications(api, team, reminded, client):
    item = api.as_(team.members[0]).get("/api/v1/notifications").json["items"][0]
    res = api.as_(team.leader).post(f"/api/v1/notifications/{item['id']}/read")
    assert res.status_code == 404 and res.json["code"] == "not_found"
    assert api.as_(team.members[0]).get("/api/v1/notifications").json["unread"] == 2
    assert client.get("/api/v1/notifications").status_code == 401


def test_admin_reads_and_changes_the_reminder_policy(api, make, team):
    admin = api.as_(make.admin)
    policy = admin.get("/api/v1/reminder-policy").json
    assert policy["task_due_days"] == [3, 1]
    assert policy["review_waiting_days"] == {"group_review": 2, "finance_review": 3}
    assert (policy["work_start"], policy["work_end"], policy["weekends"]) == (
        "08:30",
        "18:00",
        False,
    )
    res = admin.put(
        "/api/v1/reminder-policy", json={"stage_due_days": [1, 14, 7], "digest_time": "10:00"}
    )
    assert res.status_code == 200, res.json
    assert res.json["stage_due_days"] == [14, 7, 1]
    assert res.json["task_due_days"] == [3, 1]  # omitted settings stay
    assert admin.get("/api/v1/reminder-policy").json["digest_time"] == "10:00"


@pytest.mark.parametrize(
    "body",
    [
        {"task_due_days": [0]},
        {"work_start": "8點"},
        {"work_start": "19:00"},  # after work_end
        {"review_waiting_days": {"group_review": 2}},
        {"unknown": 1},
    ],
)
def test_bad_policy_is_refused_with_a_chinese_message(api, make, body):
    res = api.as_(make.admin).put("/api/v1/reminder-policy", json=body)
    assert res.status_code == 400, res.json
    assert res.json["code"] == "invalid_input"


def test_only_administrators_see_the_reminder_policy(api, team):
    for user in (team.leader, team.reviewer):
        assert api.as_(user).get("/api/v1/reminder-policy").status_code == 403
        res = api.as_(user).put("/api/v1/reminder-policy", json={"weekends": True})
        assert res.status_code == 403


def test_user_switches_email_reminders_off_and_on(api, team, session):
    member = api.as_(team.members[0])
    res = member.put("/api/v1/users/me/preferences", json={"email": False})
    assert res.status_code == 200 and res.json["email"] is False
    session.refresh(team.members[0])
    assert team.members[0].email_enabled is False
    assert member.put("/api/v1/users/me/preferences", json={"email": True}).json["email"]
    assert member.put("/api/v1/users/me/preferences", json={"email": "maybe"}).status_code == 400


def test_the_notification_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/notifications",
        "/api/v1/notifications/{notification_id}/read",
        "/api/v1/notifications/read-all",
        "/api/v1/reminder-policy",
        "/api/v1/users/me/preferences",
    ):
        assert path in paths


def test_leader_sets_stage_deadlines_and_members_read_them(api, team, session):
    url = f"/api/v1/evaluations/{team.evaluation.id}/deadlines"
    body = {"deadlines": {"reporting": "2024-04-20", "finance_review": "2024-05-31"}}
    res = api.as_(team.leader).put(url, json=body)
    assert res.status_code == 200, res.json
    assert res.json["deadlines"]["reporting"] == "2024-04-20"
    assert res.json["deadlines"]["preparation"] is None
    got = api.as_(team.members[0]).get(url).json["deadlines"]
    assert got["finance_review"] == "2024-05-31"
    assert api.as_(team.members[0]).put(url, json=body).status_code == 403
    removed = api.as_(team.leader).put(url, json={"deadlines": {"reporting": None}})
    assert removed.json["deadlines"]["reporting"] is None
    bad = api.as_(team.leader).put(url, json={"deadlines": {"someday": "2024-01-01"}})
    assert bad.status_code == 400


def test_unit_webhook_is_off_by_default_and_set_by_admins(api, make):
    url = f"/api/v1/units/{make.unit.id}/webhook"
    assert api.as_(make.admin).get(url).json == {"url": None, "enabled": False}
    res = api.as_(make.admin).put(url, json={"url": "ftp://x", "enabled": True})
    assert res.status_code == 400 and "http" in res.json["message"]
    res = api.as_(make.admin).put(url, json={"enabled": True})
    assert (
        res.status_code == 400
        and res.json["message"] == "开启单位群机器人提醒需要填写 Webhook 地址"
    )
    res = api.as_(make.admin).put(url, json={"url": "https://chat.example/robot", "enabled": True})
    assert res.json == {"url": "https://chat.example/robot", "enabled": True}
    assert api.as_(make.make_user()).put(url, json={"enabled": False}).status_code == 403


def test_my_preferences_can_be_read(api, make):
    user = make.make_user()
    assert api.as_(user).get("/api/v1/users/me/preferences").json["email"] is True
    api.as_(user).put("/api/v1/users/me/preferences", json={"email": False})
    assert api.as_(user).get("/api/v1/users/me/preferences").json["email"] is False
