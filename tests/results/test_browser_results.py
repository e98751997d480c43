"""结果应用 and 评价结果公开 in real Chromium: the finance reviewer opens an archived evaluation,
finds the grade's suggestion preselected, records the decision, switches publication on; a
visitor who is logged in nowhere opens the public link and sees the result and the 评分表, and
the link answers 404 once switched off.

The evaluation is archived through the services (real stages, report and signed PDF).
Screenshots are kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import os

import pytest
from conftest import CHROMIUM, log_in, shot
from report_helpers import complete_report, return_then_archive, to_reporting

from workflow.kernel import files as file_store

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"CI: {CHROMIUM} is missing (apt-get install chromium)", pytrace=False)
    pytest.skip(
        f"{CHROMIUM} not installed (Debian package `chromium`); browser tests skipped",
        allow_module_level=True,
    )

from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def archived(app, session, team):
    store = file_store.DocumentStore(app.config["UPLOAD_DIR"])
    evaluation = to_reporting(session, team, store)
    complete_report(session, team, evaluation)
    return_then_archive(session, team, evaluation, store)
    return evaluation


def test_the_reviewer_decides_and_publishes_and_anyone_reads_the_public_page(
    page: Page, browser, live_server, team, archived
):
    log_in(page, live_server, team.reviewer.username)
    page.goto(f"{live_server}/evaluations/{archived.id}")
    card = page.locator("#result-decision")
    expect(card).to_contain_text("尚未确定")
    expect(card.locator("#suggested")).to_have_text("维持")  # the total is 优
    expect(card.get_by_label("结果应用")).to_have_value("keep")

    card.get_by_label("结果应用").select_option("increase")
    card.get_by_label("比例（%）").fill("5")
    card.get_by_label("说明").fill("绩效优良，下年度适当增加安排")
    card.get_by_role("button", name="确定结果应用").click()
    expect(page.locator(".flash-success")).to_contain_text("结果应用已确定：增加 5%")
    expect(page.locator("#decided")).to_have_text("增加 5%")

    page.locator("#publication").get_by_role("button", name="公开评价结果").click()
    expect(page.locator(".flash-success")).to_contain_text("评价结果已公开")
    shot(page, "results-evaluation-page")
    url = page.locator("#public-url").inner_text()

    visitor = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    public = visitor.new_page()
    public.goto(url)
    expect(public.locator("h1")).to_have_text(archived.project_name)
    expect(public.locator("#public-unit")).to_have_text("和平县公安局")
    expect(public.locator("#grade")).to_have_text("优")
    expect(public.locator("#scorecard")).to_contain_text("预算执行率")
    expect(public.locator("#public-pdf")).to_be_visible()
    expect(public.locator(".userbox")).to_have_count(0)
    shot(public, "results-public-page")

    page.locator("#publication").get_by_role("button", name="取消公开").click()
    expect(page.locator(".flash-success")).to_contain_text("已取消公开")
    response = public.goto(url)
    assert response.status == 404
    visitor.close()


def test_the_administrator_changes_a_rule_and_the_suggestion_follows(
    page: Page, live_server, make, team, archived
):
    log_in(page, live_server, make.admin.username)
    page.goto(f"{live_server}/admin/decision-rules")
    row = page.locator('tr[data-grade="优"]')
    expect(row.locator("select")).to_have_value("keep")
    row.locator("select").select_option("increase")
    row.locator("input").fill("3")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("结果应用规则已保存")
    shot(page, "results-decision-rules")
    page.goto(f"{live_server}/evaluations/{archived.id}")
    expect(page.locator("#suggested")).to_have_text("增加 3%")
    expect(page.locator("#result-decision").get_by_label("结果应用")).to_have_value("increase")
