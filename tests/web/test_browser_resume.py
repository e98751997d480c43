"""Nothing typed is lost when the login expires: a 成员 types the result of a task, their
session ends (another tab logged out), they press 完成任务, are asked to log in again and land
back on the task with the text in the form (real Chromium)."""

from __future__ import annotations

import pytest
from conftest import log_in, shot
from playwright.sync_api import Page, expect

from workflow.accounts import operations as accounts
from workflow.tasks import operations as tasks

pytestmark = pytest.mark.browser

TYPED = "已抽查9个县区前端点位，在线率98%，发现2处离线已报修。"


@pytest.fixture
def claimed_task(session, team):
    member = team.members[0]
    spec = tasks.TaskSpec("field_check", "现场核验前端点位在线情况", assignee_id=member.id)
    return member, tasks.create_task(session, team.leader, team.evaluation.id, spec)


def test_an_expired_login_keeps_the_typed_result(page: Page, live_server, session, claimed_task):
    member, task = claimed_task
    log_in(page, live_server, member.username)
    page.goto(f"{live_server}/tasks/{task.id}")
    page.get_by_label("结果说明").fill(TYPED)
    accounts.log_out(session, member.id)  # every session of theirs ends, this tab's too

    page.get_by_role("button", name="完成任务").click()
    expect(page.locator(".flash-warning")).to_contain_text("登录已过期，请重新登录")
    shot(page, "resume-01-login-again")
    page.get_by_label("用户名").fill(member.username)
    page.get_by_label("密码").fill("secret-pass-1")
    page.get_by_role("button", name="登 录").click()

    expect(page).to_have_url(f"{live_server}/tasks/{task.id}?restore=1")
    expect(page.get_by_label("结果说明")).to_have_value(TYPED)
    shot(page, "resume-02-text-back")
    page.get_by_role("button", name="完成任务").click()
    expect(page.locator(".flash-success")).to_be_visible()
    session.expire_all()
    assert session.get(type(task), task.id).result_note == TYPED


def test_back_to_a_refused_form_loads_it_again_with_the_text(
    page: Page, live_server, session, team
):
    """The refusal of a form is not a page the browser must resend: after 保存 is refused and
    the person goes on elsewhere, Back (and a refresh) load the form's page again, the text
    they typed put back, and nothing is posted a second time."""
    edit = f"{live_server}/evaluations/{team.evaluation.id}/edit"
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    log_in(page, live_server, team.leader.username)
    page.goto(edit)
    page.get_by_label("项目名称").fill("雪亮工程二期")
    page.get_by_label("全年预算数 / 预算金额（万元）").fill("-5")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("预算金额不能为负数")).to_be_visible()
    expect(page).to_have_url(f"{edit}?restore=1")  # the POST's place in the history
    shot(page, "resume-03-refused")
    sent = len(posts)

    page.goto(f"{live_server}/notifications")
    page.go_back()
    expect(page).to_have_url(f"{edit}?restore=1")
    expect(page.get_by_label("项目名称")).to_have_value("雪亮工程二期")
    expect(page.get_by_label("全年预算数 / 预算金额（万元）")).to_have_value("-5")
    page.reload()
    expect(page.get_by_label("项目名称")).to_have_value("雪亮工程二期")
    assert len(posts) == sent  # nothing sent again
    session.expire_all()
    assert session.get(type(team.evaluation), team.evaluation.id).project_name != "雪亮工程二期"
