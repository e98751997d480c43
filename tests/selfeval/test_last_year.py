"""复制上年 and 上年情况: an evaluation copies last year's tree, and each leaf shows the
完成值 and 得分 the same unit's evaluation of the same project found the year before."""

from __future__ import annotations

import pytest
from conftest import Team, put_in_state
from page_helpers import Browser, page
from selfeval_helpers import school_evaluation, score_school

from workflow.lifecycle import operations as lifecycle


@pytest.fixture
def last_year(make, session):
    team = school_evaluation(make, session)
    score_school(session, team)
    return team


@pytest.fixture
def this_year(make, session, last_year):
    """The school's 2023 self-evaluation of the same project, in 组织实施, the same leader."""
    fields = lifecycle.ProjectFields(
        project_name="2022年义务教育营养改善计划", year=2023, kind="unit_self"
    )
    evaluation = lifecycle.create_evaluation(
        session, last_year.leader, last_year.leader.unit_id, fields
    )
    spec = lifecycle.GroupSpec(last_year.leader.id, [], [], [])
    lifecycle.set_group(session, last_year.leader, evaluation.id, spec)
    return put_in_state(session, evaluation, "implementation")


def indicators(api, user, evaluation_id: int) -> dict:
    return api.as_(user).get(f"/api/v1/evaluations/{evaluation_id}/indicators").json


def leaves(system: dict) -> dict:
    return {
        leaf["code"]: leaf
        for level in system["indicators"]
        for group in level["children"]
        for leaf in group["children"]
    }


def copy(api, user, evaluation_id: int, other_id: int):
    url = f"/api/v1/evaluations/{evaluation_id}/indicators/from-evaluation/{other_id}"
    return api.as_(user).post(url)


def test_copying_last_years_tree_gives_the_same_tree_and_last_years_values(
    api, last_year, this_year
):
    leader = last_year.leader
    res = copy(api, leader, this_year.id, last_year.evaluation.id)
    assert res.status_code == 200, res.json
    before = leaves(indicators(api, leader, last_year.evaluation.id))
    after = leaves(indicators(api, leader, this_year.id))
    assert list(after) == list(before)
    for code, leaf in after.items():
        for key in ("name", "weight", "target", "unit", "direction", "rule"):
            assert leaf[key] == before[code][key], (code, key)
    assert after["1.1.1"]["previous_actual"] == "735.00"
    assert after["1.1.1"]["previous_score"] == "15.00"
    assert (after["2.1.1"]["previous_actual"], after["2.1.1"]["previous_score"]) == (
        "有效",
        "13.00",
    )
    assert before["1.1.1"]["previous_actual"] is None  # 2021 was not evaluated
    audit = api.as_(leader).get(f"/api/v1/evaluations/{this_year.id}/audit").json
    assert audit[-1]["action"] == "indicators_from_evaluation"


def test_the_scores_api_and_page_show_last_years_values(
    api, client, auth, session, last_year, this_year
):
    leader = last_year.leader
    copy(api, leader, this_year.id, last_year.evaluation.id)
    put_in_state(session, this_year, "analysis")
    scores = api.as_(leader).get(f"/api/v1/evaluations/{this_year.id}/scores").json
    by_code = {leaf["code"]: leaf for leaf in scores}
    assert (by_code["1.1.1"]["previous_actual"], by_code["1.1.1"]["previous_score"]) == (
        "735.00",
        "15.00",
    )
    html = page(Browser(client, auth, leader).get(f"/evaluations/{this_year.id}/scores"))
    assert "完成值 735人次，得分 15.00" in html
    assert "完成值 有效，得分 13.00" in html


def test_another_project_is_not_last_year_even_with_the_same_tree(api, session, last_year):
    leader = last_year.leader
    fields = lifecycle.ProjectFields(project_name="校舍维修", year=2023, kind="unit_self")
    other = lifecycle.create_evaluation(session, leader, leader.unit_id, fields)
    lifecycle.set_group(session, leader, other.id, lifecycle.GroupSpec(leader.id, [], [], []))
    put_in_state(session, other, "implementation")
    assert copy(api, leader, other.id, last_year.evaluation.id).status_code == 200
    copied = leaves(indicators(api, leader, other.id))
    assert copied and {leaf["previous_score"] for leaf in copied.values()} == {None}


def test_copy_is_refused_from_itself_from_an_empty_tree_and_from_what_one_cannot_see(
    api, make, session, last_year, this_year
):
    leader = last_year.leader
    res = copy(api, leader, this_year.id, this_year.id)
    assert res.status_code == 400 and "不能从本评价复制" in res.json["message"]
    empty = make.make_evaluation(creator=leader)
    res = copy(api, leader, this_year.id, empty.id)
    assert res.status_code == 400 and "尚无指标体系" in res.json["message"]
    stranger_team = Team(make, unit=make.make_unit("邻县教育局"))
    assert copy(api, leader, this_year.id, stranger_team.evaluation.id).status_code == 404
    assert copy(api, leader, this_year.id, 99999).status_code == 404
    member = make.make_user()  # of the unit, but not of the group
    assert copy(api, member, this_year.id, last_year.evaluation.id).status_code == 403


def test_the_indicators_page_offers_last_year_and_copies_it(
    client, auth, api, last_year, this_year
):
    browser = Browser(client, auth, last_year.leader)
    url = f"/evaluations/{this_year.id}/indicators"
    html = page(browser.get(url))
    assert "复制上年（2022年）指标体系" in html
    action = f"{url}/previous/{last_year.evaluation.id}"
    res = browser.post(action, follow_redirects=True)
    assert "已复制上年评价的指标体系" in page(res)
    assert "受益学生人次" in page(res)
    assert browser.post(action.replace("previous/", "previous/9")).status_code == 404


def test_copying_last_year_needs_a_logged_in_user(client, last_year, this_year):
    url = f"/evaluations/{this_year.id}/indicators/previous/{last_year.evaluation.id}"
    assert client.post(url).status_code in (302, 400)  # to login, or refused without CSRF
    assert client.get(f"/evaluations/{this_year.id}/indicators").status_code == 302
