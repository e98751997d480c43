"""A 自评任务 from dispatch to a unit's submission, in real Chromium: the bureau's reviewer
dispatches one project to a school from the textarea; the school's user finds it in 我的待办 as
组建工作组, becomes its 组长, fills the funds, scores the template's nine leaves, writes the
自评报告 and hands it in; the reviewer's campaign page then counts it as submitted."""

from __future__ import annotations

import time

import pytest
from browser_selfeval import report_and_submit, score_every_leaf
from conftest import ARTIFACTS, log_in, log_out, shot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def people(make):
    school = make.make_unit("和平县第一中学")
    make.make_user("finance_reviewer", name="cz_reviewer")
    make.make_user(unit=school, name="xuqq")
    return school


def test_a_campaign_from_dispatch_to_a_units_submission(page: Page, live_server, people):
    flash = page.locator(".flash-success")
    log_in(page, live_server, "cz_reviewer")
    page.get_by_role("link", name="自评任务", exact=True).click()
    page.get_by_role("link", name="下达自评任务").click()
    page.get_by_label("任务名称").fill("2024年度项目支出绩效自评")
    page.get_by_label("年度").fill("2024")
    page.get_by_label("完成期限").fill("2099-03-31")
    page.get_by_label("指标模板").select_option(label="单位自评")
    page.get_by_label("下达项目").fill("和平县第一中学, 义务教育营养改善计划, 38.766462")
    page.get_by_role("button", name="下达").click()
    expect(flash).to_have_text("已下达 1 个自评项目")
    expect(page.locator("#submitted")).to_have_text("0")
    shot(page, "campaign-01-dispatched")
    campaign_url = page.url
    log_out(page)

    started = time.monotonic()
    log_in(page, live_server, "xuqq")
    todo = page.locator("#todo-groups")
    expect(todo).to_contain_text("义务教育营养改善计划")
    todo.get_by_role("link", name="组建工作组").click()
    page.get_by_role("button", name="保存工作组").click()  # the first to form it leads it
    expect(flash).to_have_text("评价工作组已保存")
    evaluation_url = page.url
    page.goto(evaluation_url + "/edit")
    page.get_by_label("到位资金（万元）").fill("38.766462")
    page.get_by_label("实际支出（万元）").fill("38.7")
    page.get_by_role("button", name="保存").click()
    expect(flash).to_have_text("项目与资金信息已保存")
    page.get_by_role("button", name="推进至“组织实施”").click()
    expect(flash).to_have_text("已推进，当前阶段：组织实施")
    expect(page.locator("#indicators")).to_contain_text("9")  # the template, applied at dispatch
    page.get_by_role("button", name="推进至“分析评价”").click()
    expect(flash).to_have_text("已推进，当前阶段：分析评价")
    score_every_leaf(page)
    page.goto(page.url.split("/scores")[0])
    page.get_by_role("button", name="推进至“报告撰写”").click()
    expect(flash).to_have_text("已推进，当前阶段：报告撰写")
    report_and_submit(page)
    elapsed = time.monotonic() - started
    log_out(page)

    log_in(page, live_server, "cz_reviewer")
    page.goto(campaign_url)
    expect(page.locator("#submitted")).to_have_text("1")
    expect(page.locator("table")).to_contain_text("财政局审核")
    shot(page, "campaign-02-submitted")
    ARTIFACTS.mkdir(exist_ok=True)
    note = f"campaign item, from 我的待办 to 财政局审核, 9 leaves: {elapsed:.1f} s (headless)\n"
    (ARTIFACTS / "campaign-timing.txt").write_text(note, encoding="utf-8")
    print(note)
