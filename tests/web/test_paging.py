"""Lists a person reads a page at a time: the total, page links that keep the filters, and the
latest of an evaluation's tasks and audit trail with 更多 for the rest."""

from __future__ import annotations

import json
import re

import pytest
from conftest import put_in_state
from page_helpers import Browser, page

from workflow.lifecycle import operations as lifecycle
from workflow.tasks import operations as tasks


@pytest.fixture
def as_user(client, auth):
    return lambda user: Browser(client, auth, user)


def _names(html: str) -> list[str]:
    return re.findall(r'href="/evaluations/\d+">([^<]+)</a>', html)


def _open_many(make, team, n: int, **fields) -> None:
    for k in range(n):
        make.make_evaluation(creator=team.leader, project_name=f"道路项目{k:02d}", **fields)


def test_the_evaluation_list_shows_50_a_page_with_the_total_and_page_links(as_user, make, team):
    _open_many(make, team, 54)  # 55 with the team's own
    browser = as_user(team.leader)

    first = page(browser.get("/evaluations"))
    assert len(_names(first)) == 50
    assert "共 55 项评价，第 1 / 2 页" in first
    assert 'href="/evaluations?page=2" rel="next">下一页' in first
    second = page(browser.get("/evaluations?page=2"))
    assert len(_names(second)) == 5 and "第 2 / 2 页" in second
    assert set(_names(first)).isdisjoint(_names(second))
    beyond = browser.get("/evaluations?page=999999999999")  # clamped, never an error
    assert beyond.status_code == 200


def test_list_filters_search_and_sort_in_sql_and_the_page_links_keep_them(as_user, make, team):
    _open_many(make, team, 3, year=2022)
    make.make_evaluation(creator=team.leader, project_name="学生营养餐补助", year=2022)
    browser = as_user(team.leader)

    found = page(browser.get("/evaluations?q=营养&year=2022"))
    assert _names(found) == ["学生营养餐补助"]
    by_name = _names(page(browser.get("/evaluations?year=2022&sort=project_name")))
    assert by_name == sorted(by_name) and len(by_name) == 4
    nothing = page(browser.get("/evaluations?year=2019"))
    assert "没有符合条件的评价" in nothing
    _open_many(make, team, 50, year=2022)
    paged = page(browser.get("/evaluations?year=2022&sort=project_name"))
    assert "/evaluations?year=2022&amp;sort=project_name&amp;page=2" in paged


def test_the_unit_filter_offers_only_units_one_may_see(as_user, make, team):
    other = make.make_unit("另一个县的单位", make.make_bureau("别县财政局"))
    html = page(as_user(team.reviewer).get("/evaluations"))
    assert make.unit.name in html and other.name not in html


def test_todo_pages_each_section(as_user, make, team):
    for k in range(52):
        evaluation = make.make_evaluation(creator=team.leader, project_name=f"待办项目{k:02d}")
        spec = lifecycle.GroupSpec(team.leader.id, [], [team.members[0].id], [])
        lifecycle.set_group(make.session, team.leader, evaluation.id, spec)
    html = page(as_user(team.leader).get("/"))
    section = html.split('id="todo-evaluations"')[1].split("</section>")[0]
    assert '<span class="count">53</span>' in section
    assert "共 53 项，第 1 / 2 页" in section
    assert 'href="/?page=2#todo-evaluations"' in section


def test_the_evaluation_page_shows_the_latest_events_and_tasks_with_more(as_user, make, team):
    evaluation = put_in_state(make.session, team.evaluation, "implementation")
    for k in range(22):
        spec = tasks.TaskSpec(kind="collect", title=f"收集资料第{k:02d}批")
        tasks.create_task(make.session, team.leader, evaluation.id, spec)
    browser = as_user(team.leader)

    html = page(browser.get(f"/evaluations/{evaluation.id}"))
    tasks_card = html.split('id="tasks"')[1].split("</section>")[0]
    assert "收集资料第21批" in tasks_card and "收集资料第01批" not in tasks_card  # latest first
    assert "更多（较早的任务）" in tasks_card
    timeline = html.split('id="timeline"')[1].split("</section>")[0]
    assert timeline.count('class="event ') == 20 and "更多（较早的记录）" in timeline
    older = page(browser.get(f"/evaluations/{evaluation.id}?tasks_page=2"))
    assert "收集资料第01批" in older.split('id="tasks"')[1].split("</section>")[0]


def test_api_lists_page_with_x_pagination_and_refuse_a_page_too_big(api, make, team):
    _open_many(make, team, 4)
    leader = api.as_(team.leader)
    res = leader.get("/api/v1/evaluations?per_page=2&page=3")
    assert res.status_code == 200 and len(res.json) == 1  # 5 in all
    meta = json.loads(res.headers["X-Pagination"])
    assert (meta["total"], meta["total_pages"], meta["page"], meta["previous_page"]) == (5, 3, 3, 2)
    for url in ("/api/v1/evaluations?per_page=201", "/api/v1/evaluations?page=0"):
        refused = leader.get(url)
        assert refused.status_code == 400, url
        assert refused.json["fields"], refused.json
    audit = leader.get(f"/api/v1/evaluations/{team.evaluation.id}/audit?per_page=1")
    assert len(audit.json) == 1 and json.loads(audit.headers["X-Pagination"])["total"] >= 2
    assert audit.json[0]["action"] == "create"  # oldest first, as before
    spec = json.loads(api.client.get("/api/v1/openapi.json").get_data())
    parameters = spec["paths"]["/api/v1/evaluations"]["get"]["parameters"]
    assert {"page", "per_page", "q", "sort"} <= {p["name"] for p in parameters}
    assert (
        "X-Pagination" in spec["paths"]["/api/v1/evaluations"]["get"]["responses"]["200"]["headers"]
    )
