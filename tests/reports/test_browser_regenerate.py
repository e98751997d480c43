"""按最新数据重新生成本章 in real Chromium: after a 退回 and a re-score, the 组长 sees on the
report page what changed in the data since a section was drafted, redrafts it with one button,
and finds the old text in 历史版本. Screenshots (1280 px and 390 px) in tests/artifacts/."""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS, log_in, shot
from report_helpers import rescore_after_return

pytestmark = pytest.mark.browser


def test_the_leader_regenerates_a_section_after_a_rescore(page, live_server, session, team, store):
    from playwright.sync_api import expect

    evaluation = rescore_after_return(session, team, store)
    log_in(page, live_server, team.leader.username)
    page.goto(f"{live_server}/evaluations/{evaluation.id}/report#section-analysis")
    changes = page.get_by_test_id("changes-analysis")
    expect(changes).to_contain_text("数据已变化")
    expect(changes).to_contain_text("3.3.1 群众满意度 完成值")
    expect(changes).to_contain_text("回收有效问卷300份")
    expect(page.locator("#checks")).to_contain_text("与当前数据不符")
    changes.scroll_into_view_if_needed()
    shot(page, "report-regenerate-1-changes")
    ARTIFACTS.mkdir(exist_ok=True)
    section = page.locator("#section-analysis")
    section.screenshot(path=str(ARTIFACTS / "report-regenerate-1-section.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    changes.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "report-regenerate-2-changes-390.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # the edit page shows the same changes beside the text
    page.locator("#section-analysis").get_by_role("link", name="编辑").click()
    expect(page.get_by_test_id("edit-changes")).to_contain_text("3.3.1 群众满意度 完成值")
    shot(page, "report-regenerate-1b-edit")
    page.go_back()

    changes.get_by_role("button", name="按最新数据重新生成本章").click()
    expect(page.locator(".flash-success")).to_contain_text("已按最新数据重新生成")
    expect(page.get_by_test_id("changes-analysis")).to_have_count(0)
    expect(page.locator("#section-analysis")).to_contain_text("回收有效问卷300份")
    shot(page, "report-regenerate-3-done")

    page.locator("#section-analysis").get_by_role("link", name="历史版本").click()
    expect(page.locator("body")).to_contain_text("回收有效问卷10份")  # the old text, kept
