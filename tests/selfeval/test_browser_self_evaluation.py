"""A 单位自评 done by one person in real Chromium, timed: the school's 项目负责人 opens
the evaluation with the 自评表's funds, names themself 组长 (no group, no work plan), copies the
单位自评 template, scores the nine leaves, finalises, fills the short 自评报告, signs off for the
unit and hands it to the finance bureau; then downloads the 自评表.

Screenshots are kept in tests/artifacts/ for a person to look at; the time is printed and kept
in tests/artifacts/self-evaluation-timing.txt.
"""

from __future__ import annotations

import time

import pytest
from browser_selfeval import report_and_submit, score_every_leaf
from conftest import ARTIFACTS, PASSWORD, log_in, shot
from playwright.sync_api import Page, expect

from workflow.accounts import operations as accounts

pytestmark = pytest.mark.browser


@pytest.fixture
def school_user(make):
    fields = accounts.UserFields(
        username="xuqq", display_name="徐清泉", title="总务主任", role="unit_user",
        password=PASSWORD, unit_id=make.unit.id,
    )  # fmt: skip
    make.make_user("finance_reviewer", name="cz_reviewer")
    return accounts.save_user(make.session, make.admin, fields)


def test_one_person_fills_and_submits_a_self_evaluation(page: Page, live_server, school_user):
    started = time.monotonic()
    flash = page.locator(".flash-success")
    log_in(page, live_server, "xuqq")

    # 新建评价 with the 自评表's funds
    page.get_by_role("link", name="新建评价", exact=True).click()
    page.get_by_label("项目名称").fill("2022年义务教育营养改善计划")
    page.get_by_label("评价年度").fill("2022")
    page.get_by_label("评价类型").select_option(label="单位自评")
    page.get_by_label("主管部门").fill("和平县教育局")
    page.get_by_label("年初预算数（万元）").fill("38.766462")
    page.get_by_label("预算金额（万元）").fill("38.766462")
    page.get_by_label("到位资金（万元）").fill("38.766462")
    page.get_by_label("实际支出（万元）").fill("38.7")
    page.get_by_label("当年财政拨款全年预算数").fill("30")
    page.get_by_label("当年财政拨款全年执行数").fill("29.933538")
    page.get_by_label("上年结转资金全年预算数").fill("8.766462")
    page.get_by_label("上年结转资金全年执行数").fill("8.766462")
    page.get_by_label("绩效目标").fill("保障农村义务教育学生在校就餐，改善学生营养健康状况。")
    page.get_by_label("实际完成情况").fill("全年供餐190天，受益学生735人次。")
    shot(page, "self-01-new")
    page.get_by_role("button", name="创建评价").click()
    expect(page.locator("h1")).to_have_text("2022年义务教育营养改善计划")
    expect(page.locator(".machine-version")).to_contain_text("单位自评流程")
    expect(page.locator("#project")).to_contain_text("当年财政拨款")

    # 组长 = oneself; no members, no work plan
    page.locator("#group").get_by_role("link", name="调整").click()
    page.get_by_label("组长", exact=True).select_option(label="徐清泉（总务主任）")
    page.get_by_role("button", name="保存工作组").click()
    expect(flash).to_have_text("评价工作组已保存")
    expect(page.locator(".guards")).to_have_count(0)
    page.get_by_role("button", name="推进至“组织实施”").click()
    expect(flash).to_have_text("已推进，当前阶段：组织实施")

    # 评价指标体系 from the 单位自评 template
    page.locator("#indicators").get_by_role("link", name="设置评价指标体系").click()
    page.get_by_label("指标模板").select_option(label="单位自评")
    page.get_by_role("button", name="复制模板").click()
    expect(page.locator("#tree .leaf-name")).to_have_count(9)
    page.goto(page.url.rsplit("/indicators", 1)[0])
    page.get_by_role("button", name="推进至“分析评价”").click()
    expect(flash).to_have_text("已推进，当前阶段：分析评价")

    score_every_leaf(page)
    elapsed_scoring = time.monotonic() - started
    page.goto(page.url.split("/scores")[0])
    page.get_by_role("button", name="推进至“报告撰写”").click()
    expect(flash).to_have_text("已推进，当前阶段：报告撰写")

    report_and_submit(page)
    elapsed = time.monotonic() - started
    shot(page, "self-04-submitted")

    page.goto(page.url.split("/report")[0] + "/scorecard")
    with page.expect_download() as download:
        page.get_by_role("link", name="自评表（PDF）").click()
    assert download.value.suggested_filename.endswith(".pdf")
    ARTIFACTS.mkdir(exist_ok=True)
    timing = (
        f"one person, 9 leaves, from login to 财政局审核: {elapsed:.1f} s "
        f"(scored and finalised at {elapsed_scoring:.1f} s), headless Chromium, no typing delay\n"
    )
    (ARTIFACTS / "self-evaluation-timing.txt").write_text(timing, encoding="utf-8")
    print(timing)
