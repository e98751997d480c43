"""整改 in real Chromium: the owner finds the item in the header's 整改事项, starts it, hands in
a 佐证材料 and a note; the finance reviewer sees the unit's item waiting, downloads the list
as CSV, and accepts it.

Screenshots are kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import log_in, log_out, put_in_state, shot
from playwright.sync_api import Page, expect

from workflow.lifecycle import operations as lifecycle
from workflow.rectifications.models import Rectification

pytestmark = pytest.mark.browser

PROBLEM = "资金支付进度较慢，年底集中支付"


@pytest.fixture
def item(make, people):
    """An archived 雪亮工程 evaluation whose problem became an item owned by 陈晓燕."""
    session = make.session
    leader, owner = people["leader"], people["members"][0]
    evaluation = make.make_evaluation(creator=leader, project_name="雪亮工程视频监控建设项目")
    lifecycle.set_group(
        session,
        leader,
        evaluation.id,
        lifecycle.GroupSpec(leader.id, [people["deputy"].id], [owner.id], []),
    )
    evaluation = put_in_state(session, evaluation, "archived")
    row = Rectification(
        evaluation_id=evaluation.id,
        kind="problem",
        problem=PROBLEM,
        measure="建立支付台账，按月调度支付进度",
        owner_id=owner.id,
        due_date=date(2099, 6, 30),
    )
    session.add(row)
    session.commit()
    return row


def test_an_item_goes_from_open_to_accepted(page: Page, live_server, make, item, files_dir):
    reviewer = make.make_user("finance_reviewer", name="caizhengju")
    log_in(page, live_server, "chenxy")
    page.locator(".mainnav").get_by_role("link", name="整改事项").click()
    expect(page.locator("h1")).to_have_text("整改事项")
    page.get_by_role("link", name=PROBLEM).click()
    status = page.get_by_test_id("rectification-status")
    expect(status).to_have_text("待整改")
    actions = page.locator("#rectification-actions")

    actions.get_by_role("button", name="开始整改").click()
    expect(page.locator(".flash-success")).to_have_text("已开始整改")
    expect(status).to_have_text("整改中")

    evidence = page.locator("#evidence")
    evidence.locator("input[type=file]").set_input_files(files_dir / "work-plan.pdf")
    evidence.get_by_role("button", name="上传佐证材料").click()
    expect(page.locator(".flash-success")).to_have_text("已上传佐证材料")
    expect(page.locator("#evidence")).to_contain_text("work-plan.pdf")

    actions.get_by_label("整改说明").fill("已建立支付台账，1—12月支付进度按月通报。")
    shot(page, "rectification-01-handing-in")
    actions.get_by_role("button", name="整改完成，提交验收").click()
    expect(page.locator(".flash-success")).to_have_text("已提交验收，等待财政局审核人验收")
    expect(status).to_have_text("已整改待验收")
    expect(page.get_by_test_id("rectification-note")).to_contain_text("已建立支付台账")
    log_out(page)

    log_in(page, live_server, reviewer.username)
    page.locator(".mainnav").get_by_role("link", name="整改事项").click()
    per_unit = page.locator("#per-unit")
    expect(per_unit).to_contain_text("和平县公安局")
    shot(page, "rectification-02-bureau")
    per_unit.get_by_role("link", name="1").click()  # 待验收
    export = page.get_by_role("link", name="导出 CSV")  # what the list shows, as a file
    expect(export).to_have_attribute("href", re.compile(r"export\.csv\?.*status=done"))
    with page.expect_download() as download:
        export.click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert PROBLEM in text and "已整改待验收" in text and "陈晓燕" in text
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"rectification-list-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("#items").get_by_role("link", name=PROBLEM).click()
    page.locator("#rectification-actions").get_by_role("button", name="验收通过").click()
    expect(page.locator(".flash-success")).to_have_text("整改事项已验收通过")
    expect(page.get_by_test_id("rectification-status")).to_have_text("已验收")
    history = page.locator("#history .event")
    expect(history).to_have_count(4)
    expect(history.nth(0)).to_contain_text("已验收")
    expect(history.nth(0)).to_contain_text("caizhengju")
    expect(history.nth(2)).to_contain_text("陈晓燕")
    shot(page, "rectification-03-accepted")
