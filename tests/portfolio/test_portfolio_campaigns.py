"""评价概览's 自评任务: each campaign the reader may see with its 单位数, 项目数, 已提交, 逾期未提交
and 提交率, on the page as in `GET /api/v1/portfolio`, narrowed by the page's filters."""

from __future__ import annotations

import pytest
from page_helpers import Browser, page, table_rows
from portfolio_helpers import bureau_world, campaign_world


@pytest.fixture
def world(make):
    home, neighbour, elsewhere, _late = bureau_world(make)
    ours, theirs = campaign_world(make, home, neighbour, elsewhere)
    return home, neighbour, elsewhere, ours, theirs


def campaign_rows(browser: Browser, url: str = "/portfolio") -> list[dict[str, str]]:
    res = browser.get(url)
    assert res.status_code == 200
    return table_rows(page(res), "campaign-rates")


def test_the_bureau_sees_its_campaigns_submission_rates_and_not_another_bureaus(
    client, auth, api, world
):
    home, _neighbour, _elsewhere, ours, theirs = world
    rows = campaign_rows(Browser(client, auth, home.reviewer))
    # 自评丁 取消下达: not counted; 自评乙 still in 前期准备 after its due date: 逾期未提交
    assert rows == [
        {
            "标题": "2024年度项目支出绩效自评",
            "链接": f"/campaigns/{ours.id}",
            "年度": "2024",
            "完成期限": "2025-03-31",
            "单位数": "2",
            "项目数": "3",
            "已提交": "2",
            "逾期未提交": "1",
            "提交率": "66.67%",
        }
    ]
    html = page(client.get("/portfolio"))
    assert 'aria-label="2024年度项目支出绩效自评 提交率 66.67%"' in html
    assert 'width="66.67"' in html and theirs.title not in html
    auth.logout()

    body = api.as_(home.reviewer).get("/api/v1/portfolio").json
    assert body["campaigns"] == [
        {"id": ours.id, "title": ours.title, "year": 2024, "due_date": "2025-03-31",
         "units": 2, "total": 3, "submitted": 2, "overdue": 1, "rate": "66.67"}
    ]  # fmt: skip


def test_the_other_bureau_and_a_unit_see_only_their_own_items(client, auth, api, make, world):
    _home, neighbour, elsewhere, ours, theirs = world
    [far] = campaign_rows(Browser(client, auth, elsewhere.reviewer))
    assert far["标题"] == theirs.title and (far["项目数"], far["提交率"]) == ("1", "0.00%")
    auth.logout()
    [mine] = api.as_(neighbour.leader).get("/api/v1/portfolio").json["campaigns"]
    assert (mine["id"], mine["units"], mine["total"], mine["submitted"]) == (ours.id, 1, 1, 1)
    assert mine["rate"] == "100.00"  # the neighbour's own 自评丙, not the home unit's
    everything = api.as_(make.admin).get("/api/v1/portfolio").json["campaigns"]
    assert [c["id"] for c in everything] == [theirs.id, ours.id]  # newest first


def test_the_page_filters_narrow_the_campaigns(client, auth, world):
    home, neighbour, _elsewhere, ours, _theirs = world
    browser = Browser(client, auth, home.reviewer)
    [one_unit] = campaign_rows(browser, f"/portfolio?unit_id={neighbour.evaluation.unit_id}")
    assert (one_unit["单位数"], one_unit["项目数"], one_unit["提交率"]) == ("1", "1", "100.00%")
    assert campaign_rows(browser, "/portfolio?kind=department") == []
    assert "没有符合筛选条件的自评任务" in page(browser.get("/portfolio?kind=department"))
    assert campaign_rows(browser, "/portfolio?year=2023") == []
    # 阶段 and 逾期 pick the campaigns with such an item; the rate still counts all of them
    [preparing] = campaign_rows(browser, "/portfolio?state=preparation")
    assert (preparing["链接"], preparing["提交率"]) == (f"/campaigns/{ours.id}", "66.67%")
    assert "提交率仍按任务的全部项目计算" in page(browser.get("/portfolio?overdue=1"))
    assert len(campaign_rows(browser, "/portfolio?overdue=1")) == 1
    assert campaign_rows(browser, "/portfolio?state=group_review") == []
    assert campaign_rows(browser, "/portfolio?grade=优") == []
