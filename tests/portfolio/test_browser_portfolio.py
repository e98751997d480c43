"""评价概览 in real Chromium, as the 财政局 reviewer: from the menu to the page, its counts and
SVG charts, then each filter (年度 and 逾期, 预算单位 and 等级, 阶段) narrowing the counts and
the lists, and the export carrying the filters; screenshots at 1280 and 390 px wide."""

from __future__ import annotations

import io

import pytest
from conftest import log_in, shot
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect
from portfolio_helpers import bureau_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(make):
    return bureau_world(make)


def figure(page: Page, label: str) -> Locator:
    """One of the figures above the charts (评价总数, 进行中, 已归档, 逾期, 已定稿评分)."""
    return page.locator(".figure", has_text=label).locator(".figure-value")


def filter_by(page: Page, **choices: str) -> None:
    """清除筛选, then choose each filter (a select's option label, or text for 年度) and 筛选."""
    page.get_by_role("link", name="清除筛选").click()
    for label, value in choices.items():
        control = page.get_by_label(label)
        if label == "年度":
            control.fill(value)
        elif label == "只看逾期":
            control.check()
        else:
            control.select_option(label=value)
    page.get_by_role("button", name="筛选").click()


def test_the_bureau_reads_and_filters_its_portfolio(page: Page, live_server, world):
    home, neighbour, _elsewhere, _late = world
    log_in(page, live_server, home.reviewer.username)
    page.get_by_role("link", name="评价概览").click()
    expect(page.get_by_role("heading", name="评价概览")).to_be_visible()
    expect(figure(page, "评价总数")).to_have_text("6")  # not the other bureau's
    expect(figure(page, "已归档")).to_have_text("4")
    expect(figure(page, "逾期")).to_have_text("2")
    expect(figure(page, "已定稿评分")).to_have_text("4")
    expect(page.locator('#by-state svg[aria-label="已归档 4"]')).to_be_visible()
    expect(page.locator('#by-grade svg[aria-label="优 3"]')).to_be_visible()
    expect(page.locator("#histogram svg.histogram rect")).to_have_count(20)
    expect(page.locator("#histogram .histogram-table")).to_contain_text("95–100")
    expect(page.locator("#stuck")).to_contain_text("逾期未办")
    expect(page.locator("#overdue tbody tr")).to_have_count(2)
    expect(page.get_by_label("预算单位")).not_to_contain_text("别县公安局")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"portfolio-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})

    filter_by(page, 年度="2024", 只看逾期="1")
    expect(figure(page, "评价总数")).to_have_text("1")
    expect(page.locator("#overdue tbody tr")).to_have_count(1)
    expect(page.locator("#overdue")).to_contain_text("逾期未办")
    expect(page.locator('#by-state svg[aria-label="领导小组审核 1"]')).to_be_visible()
    export = page.get_by_role("link", name="导出 Excel")
    expect(export).to_have_attribute("href", "/portfolio/export.xlsx?year=2024&overdue=1")
    with page.expect_download() as download:
        export.click()
    rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes())).active.values)
    assert rows[1] == ("评价总数", None, 1), rows[:3]
    shot(page, "portfolio-filtered-1280")

    filter_by(page, 预算单位=neighbour.evaluation.unit.name, 等级="优")
    expect(figure(page, "评价总数")).to_have_text("1")
    expect(figure(page, "逾期")).to_have_text("0")
    expect(page.locator('#by-grade svg[aria-label="优 1"]')).to_be_visible()
    expect(page.locator("#overdue")).to_contain_text("没有逾期的评价")
    expect(page.get_by_label("等级")).to_have_value("优")

    filter_by(page, 阶段="前期准备")
    expect(figure(page, "评价总数")).to_have_text("1")
    expect(figure(page, "进行中")).to_have_text("1")
    expect(page.locator("#stuck tbody tr")).to_have_count(1)
    expect(page.locator("#stuck")).to_contain_text(home.evaluation.project_name)
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "portfolio-filtered-390")
