"""The main pages on a phone (390 × 844) and on a desktop (1280 px) in a real Chromium: the 组长,
the 财政局 reviewer and the administrator open each of their pages, with data in it, and none
scrolls sideways (a wide table may scroll inside its own `overflow-x: auto` box, the page not).
Screenshots of each in tests/artifacts/narrow-*.png."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from conftest import ARTIFACTS, Team, fill_indicators, log_in, log_out, put_in_state, shot
from playwright.sync_api import Page, expect
from rectification_helpers import archived_items
from report_helpers import complete_report, to_reporting

from web import files as file_store
from workflow.campaigns import operations as campaigns
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle.funds import FundSource
from workflow.lifecycle.states import STATES
from workflow.tasks import operations as tasks

pytestmark = pytest.mark.browser

PHONE, DESKTOP = (390, 844), (1280, 900)
LONG_TASK = "收集2023年度雪亮工程视频监控建设项目全部合同、验收报告和资金支付凭证并逐项核对"

#: How wide the page is against the window, and what reaches past it: the outermost elements
#: wider than the window and not inside a box of their own that scrolls (or clips), with
#: their tag and class, so that a failure names what to fix.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const found = [];
  const clipped = e => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right > width + 0.5 && !found.some(f => f.contains(e)) && !clipped(e)) found.push(e);
  }
  return {
    scroll: document.documentElement.scrollWidth,
    width,
    culprits: found.slice(0, 5).map(e => e.tagName.toLowerCase()
      + (e.className && typeof e.className === 'string' ? '.' + e.className.trim()
        .replace(/ +/g, '.') : '') + ' ' + Math.round(e.getBoundingClientRect().right)),
  };
}"""


@dataclass
class World:
    team: Team
    evaluation_id: int
    task_id: int
    rectification_id: int
    campaign_id: int
    unit_id: int
    implementing_id: int
    analysing_id: int


@pytest.fixture
def world(app, make, team) -> World:
    """The team's evaluation in 报告撰写 (indicators, scores, a drafted report, 资金来源 rows), a
    task with a long title, an archived evaluation's 整改事项, a 自评任务 of the unit, and two
    more evaluations in 组织实施 and 分析评价 (`in_stage`)."""
    session = make.session
    store = file_store.store(app)
    evaluation = to_reporting(session, team, store)
    complete_report(session, team, evaluation)
    sources = [
        FundSource("fiscal", Decimal("2500"), Decimal("2500"), Decimal("2300")),
        FundSource("carryover", Decimal("500"), Decimal("500"), Decimal("412.60")),
    ]
    fields = lifecycle.ProjectFields(
        project_name=evaluation.project_name,
        year=evaluation.year,
        kind=evaluation.kind,
        initial_budget=Decimal("3000"),
        budget=evaluation.budget,
        funds_received=evaluation.funds_received,
        funds_spent=evaluation.funds_spent,
        due_date=evaluation.due_date,
        targets=evaluation.targets,
        fund_sources=sources,
    )
    lifecycle.update_project(session, team.leader, evaluation.id, fields)
    task = tasks.create_task(
        session,
        team.leader,
        evaluation.id,
        tasks.TaskSpec(kind="collect", title=LONG_TASK, assignee_id=team.leader.id),
    )
    items = archived_items(session, Team(make), owner=team.leader)
    spec = campaigns.CampaignSpec(
        "2024年度项目支出绩效自评",
        2024,
        date(2025, 3, 31),
        "unit_self",
        [campaigns.ItemSpec(make.unit.id, "和平县公安局2024年智慧新警务项目")],
    )
    campaign, _ = campaigns.dispatch(session, team.reviewer, spec)
    implementing, analysing = (in_stage(make, team, s) for s in ("implementation", "analysis"))
    return World(team, evaluation.id, task.id, items[0].id, campaign.id, make.unit.id,
                 implementing, analysing)  # fmt: skip


def in_stage(make, team: Team, state: str) -> int:
    """Another evaluation of the team's 组长 with the 雪亮工程 indicators, in `state`: its
    indicator outline form (组织实施) or its scoring forms (分析评价) open."""
    evaluation = make.make_evaluation(creator=team.leader, project_name=f"{STATES[state]}的项目")
    spec = lifecycle.GroupSpec(team.leader.id, [team.deputies[0].id], [team.members[0].id], [])
    lifecycle.set_group(make.session, team.leader, evaluation.id, spec)
    put_in_state(make.session, evaluation, "implementation")
    fill_indicators(make.session, evaluation, actor=team.leader)
    put_in_state(make.session, evaluation, state)
    return evaluation.id


def overflowing(page: Page, base: str, paths: list[str], name: str) -> list[str]:
    """Open each page at the phone's and the desktop's width; what scrolls sideways."""
    found = []
    for path in paths:
        for width, height in (PHONE, DESKTOP):
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(base + path)
            assert response is not None and response.status == 200, (path, response)
            slug = path.strip("/").replace("/", "-") or "todo"
            shot(page, f"narrow-{name}-{slug}-{width}")
            wide = sideways(page)
            if wide:
                found.append(f"{path} at {width}px: {wide}")
    return found


def sideways(page: Page) -> str:
    """What makes the page as shown scroll sideways ("" if nothing does)."""
    seen = page.evaluate(OVERFLOW)
    if seen["scroll"] <= seen["width"]:
        return ""
    return f"{seen['scroll']} > {seen['width']}, {seen['culprits']}"


def test_the_leaders_pages_fit_a_phone(page: Page, live_server, world):
    e, t, r = world.evaluation_id, world.task_id, world.rectification_id
    log_in(page, live_server, world.team.leader.username)
    paths = [
        "/",
        "/done",
        "/evaluations",
        "/evaluations/new",
        f"/evaluations/{e}",
        f"/evaluations/{e}/edit",
        f"/evaluations/{e}/group",
        f"/evaluations/{e}/deadlines",
        f"/evaluations/{e}/indicators",
        f"/evaluations/{e}/scores",
        f"/evaluations/{e}/scorecard",
        f"/evaluations/{e}/report",
        f"/evaluations/{e}/report/sections/experience/edit",
        f"/evaluations/{e}/report/sections/experience/versions",
        f"/evaluations/{world.implementing_id}/indicators/edit",
        f"/evaluations/{world.analysing_id}/scores",
        f"/evaluations/{e}/tasks/new",
        f"/tasks/{t}",
        "/rectifications",
        f"/rectifications/{r}",
        "/campaigns",
        "/notifications",
        "/account/password",
    ]
    wide = overflowing(page, live_server, paths, "leader")
    assert not wide, "scrolls sideways:\n" + "\n".join(wide)

    # the 资金来源 rows refused (they no longer add up) keep their errors inside the form
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto(f"{live_server}/evaluations/{e}/edit")
    page.get_by_label("当年财政拨款全年预算数").fill("2600")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("未能保存")).to_be_visible()
    expect(page.locator("main")).to_contain_text("各资金来源合计 3100.00 万元")
    shot(page, "narrow-leader-fund-sources-error-390")
    assert sideways(page) == ""

    # a document's 管理 (删除, 替换, 改类别) opened on the phone stays inside its card
    page.goto(f"{live_server}/evaluations/{e}")
    page.locator("#documents summary", has_text="管理").click()
    expect(page.locator("#documents .doc-manage form").first).to_be_visible()
    page.locator("#documents").scroll_into_view_if_needed()
    shot(page, "narrow-leader-document-manage-390")
    assert sideways(page) == ""
    log_out(page)


def test_the_bureaus_pages_fit_a_phone(page: Page, live_server, world):
    log_in(page, live_server, world.team.reviewer.username)
    paths = [
        "/",
        "/portfolio",
        "/campaigns",
        f"/campaigns/{world.campaign_id}",
        "/campaigns/new",
        "/rectifications",
        f"/rectifications/{world.rectification_id}",
        f"/evaluations/{world.evaluation_id}",
    ]
    wide = overflowing(page, live_server, paths, "reviewer")
    assert not wide, "scrolls sideways:\n" + "\n".join(wide)
    log_out(page)


def test_the_portfolio_prints_its_figures_and_campaigns_without_the_menu(
    page: Page, live_server, world
):
    log_in(page, live_server, world.team.reviewer.username)
    page.goto(f"{live_server}/portfolio")
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="筛选")).to_be_hidden()
    # on A4 the lists stay tables with their headings, not a phone's cards
    expect(page.locator("#campaigns thead")).to_be_visible()
    expect(page.locator("#campaigns")).to_contain_text("2024年度项目支出绩效自评")
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "narrow-portfolio-print.pdf"), format="A4")
    page.emulate_media(media="screen")


def test_the_administrators_pages_fit_a_phone(page: Page, live_server, make, world):
    log_in(page, live_server, make.admin.username)
    paths = [
        "/admin/users",
        "/admin/users/new",
        "/admin/units",
        "/admin/units/new",
        f"/admin/units/{world.unit_id}/webhook",
        "/admin/bureaus",
        "/admin/templates",
        "/admin/reminder-policy",
        "/admin/decision-rules",
        "/portfolio",
    ]
    wide = overflowing(page, live_server, paths, "admin")
    assert not wide, "scrolls sideways:\n" + "\n".join(wide)
    log_out(page)
