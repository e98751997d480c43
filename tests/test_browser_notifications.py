"""A member is reminded of an overdue task: the header shows the unread count, the notification
opens, and it lands on the task (real Chromium)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import PASSWORD, shot

from workflow import clock, reminders, tasks

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"CI: {CHROMIUM} is missing (apt-get install chromium)", pytrace=False)
    pytest.skip(f"{CHROMIUM} not installed; browser tests skipped", allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture
def overdue_task(session, team):
    member = team.members[0]
    task = tasks.create_task(
        session,
        team.leader,
        team.evaluation.id,
        tasks.TaskSpec(
            "field_check",
            "现场核验前端点位在线情况",
            "抽查 9 个县区前端点位",
            member.id,
            clock.today_local() - timedelta(days=1),
        ),
    )
    reminders.sweep(session)
    session.commit()
    return member, task


def test_member_opens_the_reminder_and_lands_on_the_task(page: Page, live_server, overdue_task):
    member, task = overdue_task
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(member.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    badge = page.get_by_test_id("unread-count")
    expect(badge).to_have_text("1")
    shot(page, "notify-01-unread-count")

    page.get_by_role("link", name="通知").click()
    expect(page.locator(".notice.unread")).to_have_count(1)
    expect(page.locator(".notice-kind").first).to_contain_text("任务已逾期")
    shot(page, "notify-02-inbox")

    page.locator(".notice-open").first.click()
    expect(page).to_have_url(f"{live_server}/tasks/{task.id}")
    expect(page.locator("h1")).to_contain_text("现场核验前端点位在线情况")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)  # read once opened
    shot(page, "notify-03-task")
