"""The reminder settings pages in a real Chromium, at 1280 and 390 px wide: the 组长 sets a
stage's deadline from the evaluation page, an administrator changes the 提醒规则 and a unit's
群机器人 from 系统管理; none of them scrolls sideways on a phone."""

from __future__ import annotations

import pytest
from conftest import log_in, log_out, shot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)
SECRET = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=6f1c2e9a-secret-key-7b3d"


def fits(page: Page, width: int) -> None:
    """Nothing of the page's content reaches past the window's right edge (the header's menu,
    shared by every page, is not this page's)."""
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert right <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_leader_sets_a_stage_deadline_from_the_evaluation_page(
    page: Page, live_server, team, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, team.leader.username)
    page.goto(f"{live_server}/evaluations/{team.evaluation.id}")
    page.get_by_role("link", name="设置各阶段期限").click()
    expect(page.get_by_role("heading", name="阶段期限")).to_be_visible()
    page.get_by_label("报告撰写").fill("2024-04-20")
    page.get_by_label("前期准备").fill("2024-03-01")
    shot(page, f"settings-deadlines-{width}")
    fits(page, width)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("阶段期限已保存")
    expect(page.locator("#stage-deadline")).to_contain_text("前期准备：2024-03-01")


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_changes_the_reminder_policy_and_a_units_webhook(
    page: Page, live_server, make, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, make.admin.username)
    page.goto(f"{live_server}/admin/users")
    page.get_by_role("link", name="提醒规则").click()
    page.get_by_label("任务到期前几天提醒（天）").fill("3, 0")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".field-error").first).to_contain_text("请填写 1 至 60 之间的整数")
    shot(page, f"settings-policy-error-{width}")
    fits(page, width)
    page.get_by_label("任务到期前几天提醒（天）").fill("5, 2, 1")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("提醒规则已保存")
    expect(page.get_by_label("任务到期前几天提醒（天）")).to_have_value("5, 2, 1")

    page.goto(f"{live_server}/admin/units")
    page.get_by_role("link", name="群机器人").first.click()
    page.get_by_label("新的 Webhook 地址").fill(SECRET)
    page.get_by_label("开启单位群机器人提醒").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("单位群机器人设置已保存")
    expect(page.locator("#webhook-saved")).to_contain_text("https://qyapi.weixin.qq.com/…7b3d")
    assert "secret-key" not in page.content()
    shot(page, f"settings-webhook-{width}")
    fits(page, width)
    log_out(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_leader_names_the_execution_basis_and_the_page_shows_it(
    page: Page, live_server, team, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, team.leader.username)
    page.goto(f"{live_server}/evaluations/{team.evaluation.id}/edit")
    page.get_by_label("到位资金（万元）").fill("2800")
    page.get_by_label("预算执行率口径").select_option("received")
    shot(page, f"settings-execution-basis-form-{width}")  # (its 资金来源 table is wider at 390)
    page.get_by_role("button", name="保存").click()
    figure = page.locator("#rate-spent")
    expect(figure).to_contain_text("96.88%")
    expect(figure).to_contain_text("实际支出 ÷ 到位资金")
    figure.scroll_into_view_if_needed()
    shot(page, f"settings-execution-basis-show-{width}")
