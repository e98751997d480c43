"""A member is reminded of an overdue task: the header shows the unread count, the notification
opens, and it lands on the task (real Chromium)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import log_in, shot
from playwright.sync_api import Page, expect

from workflow.kernel import clock
from workflow.reminders import sweep as reminder_sweep
from workflow.tasks import operations as tasks

pytestmark = pytest.mark.browser


@pytest.fixture
def overdue_task(session, team):
    member = team.members[0]
    with clock.days_ago(3):  # given three days ago, due yesterday
        task = tasks.create_task(
            session,
            team.leader,
            team.evaluation.id,
            tasks.TaskSpec(
                "field_check",
                "现场核验前端点位在线情况",
                "抽查 9 个县区前端点位",
                member.id,
                clock.today_local() + timedelta(days=2),
            ),
        )
    reminder_sweep.sweep(session)
    session.commit()
    return member, task


def test_member_opens_the_reminder_and_lands_on_the_task(page: Page, live_server, overdue_task):
    member, task = overdue_task
    log_in(page, live_server, member.username)
    badge = page.get_by_test_id("unread-count")
    expect(badge).to_have_text("2")  # the task given to them, then its overdue reminder
    shot(page, "notify-01-unread-count")

    page.get_by_role("link", name="通知").click()
    expect(page.locator(".notice.unread")).to_have_count(2)
    expect(page.locator(".notice-kind").first).to_contain_text("任务已逾期")  # newest first
    shot(page, "notify-02-inbox")

    page.locator(".notice-open").first.click()
    expect(page).to_have_url(f"{live_server}/tasks/{task.id}")
    expect(page.locator("h1")).to_contain_text("现场核验前端点位在线情况")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")  # read once opened
    shot(page, "notify-03-task")
