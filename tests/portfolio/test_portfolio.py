"""评价概览: the bureau's figures across its units, who sees which, and a unit's overview."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import fill_indicators, put_in_state, score_everything
from page_helpers import Browser, page
from portfolio_helpers import bureau_world

from workflow.lifecycle.models import Evaluation
from workflow.rectifications.models import Rectification
from workflow.scoring.models import ScoreFinalization


@pytest.fixture
def bureau(make):
    return bureau_world(make)


def test_the_bureau_sees_counts_grades_histogram_stuck_and_overdue(api, bureau):
    home, _neighbour, _elsewhere, late = bureau
    res = api.as_(home.reviewer).get("/api/v1/portfolio")
    assert res.status_code == 200
    body = res.json
    assert body["total"] == 6  # the home team's own, three archived, the late one; the neighbour's
    assert body["by_state"] == {"preparation": 1, "archived": 4, "group_review": 1}
    assert body["by_grade"] == {"优": 3, "中": 1}  # not the other bureau's 差
    assert body["by_kind"] == {"department": 6}
    bins = {(b["from"], b["to"]): b["count"] for b in body["histogram"]}
    assert len(bins) == 20 and bins[(95, 100)] == 2 and bins[(90, 95)] == 1
    assert bins[(70, 75)] == 1 and sum(bins.values()) == 4
    stuck = body["stuck"][0]
    assert (stuck["evaluation_id"], stuck["state"], stuck["days"]) == (late.id, "group_review", 12)
    approvers = {u.display_name for u in home.approvers}
    assert {h["name"] for h in stuck["holders"]} == approvers
    # the team's own (due 2024-04-30, still in 前期准备) first, then the one due 3 days ago
    assert [o["evaluation_id"] for o in body["overdue"]] == [home.evaluation.id, late.id]
    assert body["overdue_total"] == 2 and body["campaigns"] == []


def test_filters_narrow_every_figure(api, bureau):
    home, neighbour, _elsewhere, _late = bureau
    reviewer = api.as_(home.reviewer)
    one_unit = reviewer.get(f"/api/v1/portfolio?unit_id={neighbour.evaluation.unit_id}").json
    assert one_unit["total"] == 1 and one_unit["by_grade"] == {"优": 1}
    good = reviewer.get("/api/v1/portfolio?grade=优").json
    assert good["total"] == 3 and good["by_state"] == {"archived": 3}
    late = reviewer.get("/api/v1/portfolio?overdue=1&year=2024").json
    assert late["total"] == 1 and late["by_state"] == {"group_review": 1}
    assert reviewer.get("/api/v1/portfolio?grade=极好").status_code == 400
    assert reviewer.get("/api/v1/portfolio?year=99999999999").status_code == 400


def test_a_unit_user_gets_their_own_units_figures_and_an_admin_everything(api, make, bureau):
    _home, neighbour, _elsewhere, _late = bureau
    mine = api.as_(neighbour.leader).get("/api/v1/portfolio").json
    assert mine["total"] == 1 and mine["by_grade"] == {"优": 1}
    everything = api.as_(make.admin).get("/api/v1/portfolio").json
    assert everything["total"] == 7 and everything["by_grade"] == {"优": 3, "中": 1, "差": 1}


def test_a_units_overview_and_who_may_read_it(api, make, bureau):
    home, _neighbour, elsewhere, _late = bureau
    archived = make.session.query(Evaluation).filter_by(project_name="已归档0").one()
    for due, status in [(date(2020, 1, 1), "open"), (date(2099, 1, 1), "open"), (None, "done")]:
        make.session.add(
            Rectification(
                evaluation_id=archived.id,
                kind="problem",
                problem="问题",
                due_date=due,
                status=status,
            )
        )
    make.session.commit()
    unit_id = home.evaluation.unit_id

    res = api.as_(home.reviewer).get(f"/api/v1/units/{unit_id}/overview")
    assert res.status_code == 200
    assert (res.json["open_rectifications"], res.json["overdue_rectifications"]) == (2, 1)
    years = [e["year"] for e in res.json["evaluations"]]
    assert years == sorted(years, reverse=True) and len(years) == 5
    graded = {e["project_name"]: (e["total"], e["grade"]) for e in res.json["evaluations"]}
    assert graded["已归档0"] == ("96.50", "优") and graded["逾期未办"] == (None, None)
    other = elsewhere.evaluation.unit_id
    assert api.as_(home.reviewer).get(f"/api/v1/units/{other}/overview").status_code == 404
    assert api.as_(home.leader).get("/api/v1/units/999999/overview").status_code == 404


def test_finalising_the_scores_keeps_the_total_and_grade(session, make, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    fill_indicators(session, evaluation)
    evaluation = put_in_state(session, evaluation, "analysis")
    score_everything(session, evaluation)
    finalized = session.query(ScoreFinalization).filter_by(evaluation_id=evaluation.id).one()
    assert finalized.total is not None and finalized.grade in {"优", "良", "中", "差"}


def test_the_portfolio_page_draws_its_charts_with_the_numbers(client, auth, bureau):
    home, *_rest = bureau
    html = page(Browser(client, auth, home.reviewer).get("/portfolio?state=archived"))
    assert "评价概览" in html and "<svg" in html and 'aria-label="优 3"' in html
    assert "总分分布" in html and '<td class="num">3</td>' in html
    assert 'href="/portfolio"' in html  # the menu offers it to the bureau
