"""事件通知: the people an event concerns hear of it at once (in-app), in the next e-mail
digest and through the unit's webhook, exactly once per event; the evaluation shows its latest
退回 and the reason at the top until it is submitted again."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import put_in_state
from page_helpers import Browser, page
from report_helpers import complete_report, to_reporting
from sqlalchemy import func, select

from notifications import outbox
from workflow.reminders import webhooks
from workflow.reminders.models import Notification, OutboxMessage


@pytest.fixture
def reporting(session, team, store):
    """The team's evaluation in 报告撰写 with a complete report, ready to submit."""
    evaluation = to_reporting(session, team, store)
    complete_report(session, team, evaluation)
    return evaluation


def act(api, user, evaluation, action, **body):
    res = api.as_(user).post(f"/api/v1/evaluations/{evaluation.id}/actions/{action}", json=body)
    assert res.status_code == 200, res.json
    return res.json


def notices(api, user, kind: str) -> list[dict]:
    res = api.as_(user).get("/api/v1/notifications")
    assert res.status_code == 200
    return [n for n in res.json["items"] if n["kind"] == kind]


def told(api, people, kind: str) -> set[str]:
    return {p.username for p in people if notices(api, p, kind)}


def everyone(team):
    return [team.leader, *team.deputies, *team.members, team.reviewer]


def test_a_task_assigned_to_someone_tells_them_and_not_the_leader(api, team, session):
    ev = put_in_state(session, team.evaluation, "implementation")
    member, other = team.members
    res = api.as_(team.leader).post(
        f"/api/v1/evaluations/{ev.id}/tasks",
        json={"kind": "collect", "title": "收集项目合同", "assignee": member.id},
    )
    assert res.status_code == 201, res.json
    (notice,) = notices(api, member, "task_assigned")
    assert notice["title"] == "新任务：收集项目合同"
    assert notice["link"] == f"/tasks/{res.json['id']}"
    assert notice["target"] == {"type": "task", "id": res.json["id"]}
    assert told(api, everyone(team), "task_assigned") == {member.username}

    passed = api.as_(member).post(
        f"/api/v1/tasks/{res.json['id']}/transfer", json={"to": other.id, "reason": "出差"}
    )
    assert passed.status_code == 200, passed.json
    assert len(notices(api, other, "task_assigned")) == 1
    assert len(notices(api, member, "task_assigned")) == 1  # their own, not a second


def test_claiming_a_pool_task_tells_nobody(api, team, session):
    ev = put_in_state(session, team.evaluation, "implementation")
    res = api.as_(team.leader).post(
        f"/api/v1/evaluations/{ev.id}/tasks", json={"kind": "collect", "title": "收集合同"}
    )
    api.as_(team.members[0]).post(f"/api/v1/tasks/{res.json['id']}/claim", json={})
    assert told(api, everyone(team), "task_assigned") == set()


def test_submitting_tells_the_approvers_and_a_return_tells_the_group_with_its_reason(
    api, team, reporting
):
    leader, deputies = team.leader, team.deputies
    act(api, leader, reporting, "advance")
    assert told(api, everyone(team), "report_submitted") == {d.username for d in deputies}
    (submitted,) = notices(api, deputies[0], "report_submitted")
    assert submitted["title"] == f"待您审核：{reporting.project_name}"
    assert submitted["link"] == f"/evaluations/{reporting.id}"

    act(api, deputies[0], reporting, "return", to="analysis", comment="满意度问卷样本量不足")
    group = {leader.username, *(u.username for u in [deputies[1], *team.members])}
    assert told(api, everyone(team), "returned") == group  # not the one who returned it
    (returned,) = notices(api, leader, "returned")
    assert "退回至分析评价阶段" in returned["body"]
    assert "退回理由：满意度问卷样本量不足" in returned["body"]


def test_the_group_approving_tells_the_leader_and_the_finance_reviewers_then_archiving_the_group(
    api, team, reporting, make
):
    other_bureau = make.make_user("finance_reviewer", bureau=make.make_bureau())
    act(api, team.leader, reporting, "advance")
    for approver in team.approvers:
        act(api, approver, reporting, "approve", comment="同意")
    people = [*everyone(team), other_bureau]  # a deputy approved last
    assert told(api, people, "group_approved") == {team.leader.username, team.reviewer.username}
    act(api, team.reviewer, reporting, "approve", comment="同意归档")
    group = {u.username for u in [team.leader, *team.deputies, *team.members]}
    assert told(api, people, "archived") == group
    (archived,) = notices(api, team.members[0], "archived")
    assert archived["title"] == f"评价已归档：{reporting.project_name}"


def test_a_leader_whose_approval_completes_the_review_is_not_told_of_it(api, team, reporting):
    act(api, team.leader, reporting, "advance")
    for approver in reversed(team.approvers):
        act(api, approver, reporting, "approve")
    assert told(api, everyone(team), "group_approved") == {team.reviewer.username}


def test_each_event_is_told_once_and_goes_into_the_digest_and_the_webhook(
    api, team, reporting, session, make
):
    for person in (team.leader, team.deputies[0]):
        person.email = f"{person.username}@example.gov.cn"
    session.commit()
    webhooks.set_unit_webhook(session, make.admin, make.unit.id, "https://robot.example/x", True)
    act(api, team.leader, reporting, "advance")
    act(api, team.deputies[0], reporting, "return", to="reporting", comment="请补充经验做法")
    act(api, team.leader, reporting, "advance")  # a second submission is a second event

    def count(kind, channel=None):
        stmt = select(func.count()).select_from(Notification).where(Notification.kind == kind)
        if channel:
            stmt = (
                select(func.count())
                .select_from(OutboxMessage)
                .join(Notification)
                .where(Notification.kind == kind, OutboxMessage.channel == channel)
            )
        return session.scalar(stmt)

    assert count("report_submitted") == 4  # two deputies, twice
    assert count("report_submitted", "email") == 2  # only the deputy with an address
    assert count("report_submitted", "webhook") == 4
    assert count("returned") == 4 and count("returned", "email") == 1  # the leader

    mails, posts = [], []

    class Mailer:
        def send(self, to, subject, body):
            mails.append((to, subject, body))

    class Poster:
        def send(self, url, text):
            posts.append(text)

    out = outbox.Outbound(Mailer(), Poster(), "https://jx.example")
    outbox.deliver(session, datetime(2030, 1, 7, 2), out, digest_day=None)
    digests = {to: body for to, _, body in mails}
    assert "请补充经验做法" in digests[f"{team.leader.username}@example.gov.cn"]
    assert "待您审核" in digests[f"{team.deputies[0].username}@example.gov.cn"]
    assert any("退回理由：请补充经验做法" in text for text in posts)


def test_a_refused_action_tells_nobody(api, team, session):
    ev = put_in_state(session, team.evaluation, "group_review", submitted_by=team.leader)
    res = api.as_(team.deputies[0]).post(
        f"/api/v1/evaluations/{ev.id}/actions/return", json={"to": "analysis"}
    )
    assert res.status_code == 400  # no reason
    assert session.scalar(select(func.count()).select_from(Notification)) == 0


# --- the latest 退回 on the evaluation --------------------------------------------------------


def test_the_latest_return_is_on_the_evaluation_until_it_is_submitted_again(
    api, client, auth, team, reporting
):
    url = f"/api/v1/evaluations/{reporting.id}"
    assert api.as_(team.leader).get(url).json["last_return"] is None
    act(api, team.leader, reporting, "advance")
    act(api, team.deputies[0], reporting, "return", to="reporting", comment="请补充经验做法")

    back = api.as_(team.leader).get(url).json["last_return"]
    assert back["by"] == team.deputies[0].display_name and back["to"] == "reporting"
    assert back["reason"] == "请补充经验做法" and back["at"] and back["round"] == 1
    html = page(Browser(client, auth, team.members[0]).get(f"/evaluations/{reporting.id}"))
    banner = html.split('data-testid="last-return"')[1].split("</div>")[0]
    assert "已退回至报告撰写" in banner and "请补充经验做法" in banner
    assert html.index('data-testid="last-return"') < html.index('id="project"')  # at the top

    act(api, team.leader, reporting, "advance")
    assert api.as_(team.leader).get(url).json["last_return"] is None
    auth.logout()
    html = page(Browser(client, auth, team.members[0]).get(f"/evaluations/{reporting.id}"))
    assert 'data-testid="last-return"' not in html
