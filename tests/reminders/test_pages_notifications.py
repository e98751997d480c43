"""The inbox page: unread count, opening, mark all read, the e-mail switch, other people's notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import forget_event_notices

from workflow.kernel import clock
from workflow.reminders import sweep as reminder_sweep
from workflow.reminders.models import Notification
from workflow.tasks import operations as tasks


@pytest.fixture
def reminded(session, team):
    """Two overdue tasks for the first member, swept into two notifications."""
    member = team.members[0]
    yesterday = clock.today_local() - timedelta(days=1)
    for title in ("收集合同和验收报告", "发放满意度问卷"):
        with clock.days_ago(3):  # given three days ago, due yesterday
            spec = tasks.TaskSpec("collect", title, "", member.id, yesterday)
            tasks.create_task(session, team.leader, team.evaluation.id, spec)
    forget_event_notices(session)  # the inbox here is the sweep's
    reminder_sweep.sweep(session)
    session.commit()
    return member


def test_inbox_lists_notifications_with_unread_count(client, auth, reminded):
    auth.login(reminded.username)
    page = client.get("/notifications").get_data(as_text=True)
    assert 'data-testid="unread-count">2<' in page
    assert "任务已逾期：收集合同和验收报告" in page and "任务已逾期：发放满意度问卷" in page


def test_opening_marks_read_and_redirects_to_the_task(client, auth, session, reminded):
    auth.login(reminded.username)
    note = session.query(Notification).filter_by(user_id=reminded.id).first()
    res = client.post(f"/notifications/{note.id}/open", data={"csrf_token": auth.csrf_token("/")})
    assert res.status_code == 302 and res.headers["Location"] == note.link
    session.expire_all()
    assert session.get(Notification, note.id).read_at is not None


def test_mark_all_read_and_email_switch(client, auth, session, reminded):
    auth.login(reminded.username)
    token = auth.csrf_token("/")
    res = client.post("/notifications/read-all", data={"csrf_token": token}, follow_redirects=True)
    assert "已将 2 条通知标为已读" in res.get_data(as_text=True)
    assert 'data-testid="unread-count"' not in res.get_data(as_text=True)
    res = client.post("/notifications/email", data={"csrf_token": token}, follow_redirects=True)
    assert "已关闭邮件提醒" in res.get_data(as_text=True)


def test_someone_elses_notification_is_not_found(client, auth, session, team, reminded):
    note = session.query(Notification).filter_by(user_id=reminded.id).first()
    auth.login(team.members[1].username)
    res = client.post(f"/notifications/{note.id}/open", data={"csrf_token": auth.csrf_token("/")})
    assert res.status_code == 404
