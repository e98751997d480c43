"""The 审计记录 filters in real Chromium (1280 and 390 px); screenshots in tests/artifacts/."""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS, log_in
from playwright.sync_api import Page, expect

from workflow.lifecycle import operations as lifecycle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_the_trail_is_filtered_by_person(page: Page, live_server, make, people, width):
    leader = people["leader"]
    evaluation = make.make_evaluation(creator=leader, project_name="雪亮工程视频监控建设项目")
    spec = lifecycle.GroupSpec(leader.id, [], [m.id for m in people["members"]], [], "any")
    lifecycle.set_group(make.session, leader, evaluation.id, spec)
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "zhangjm")
    page.goto(f"{live_server}/evaluations/{evaluation.id}")
    timeline = page.locator("#timeline")
    timeline.get_by_label("事件类型").select_option(label="调整工作组")
    timeline.get_by_role("button", name="筛选").click()
    expect(page.locator("#timeline .event")).to_have_count(1)
    expect(page.locator("#timeline .event-action")).to_have_text("调整工作组")
    expect(page.locator("#timeline").get_by_label("事件类型")).to_have_value("group_changed")
    expect(page.locator("#timeline")).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / f"re-audit-filter-{width}.png"))
    page.locator("#timeline").get_by_role("link", name="清除筛选").click()
    expect(page.locator("#timeline .event")).to_have_count(2)
