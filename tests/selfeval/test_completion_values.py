"""完成值 keep their unit wherever they are shown, a hand-typed score keeps its 完成值, and
指标性质 is shown as ≥ ≤ = 定性."""

from __future__ import annotations

import io

import openpyxl
import pytest
from page_helpers import Browser, page
from selfeval_helpers import school_evaluation, score_school


@pytest.fixture
def school(make, session):
    team = school_evaluation(make, session)
    score_school(session, team)
    return team


def test_the_scores_api_keeps_a_manual_actual_and_a_qualitative_text(api, school):
    res = api.as_(school.leader).get(f"/api/v1/evaluations/{school.evaluation.id}/scores")
    by_code = {leaf["code"]: leaf for leaf in res.json}
    assert by_code["2.2.1"]["actual"] == "已建立" and by_code["2.2.1"]["score"] == "13.00"
    assert by_code["2.1.1"]["actual"] == "有效"
    assert by_code["1.1.1"]["actual_shown"] == "735人次"
    assert by_code["3.1.1"]["actual_shown"] == "95%"
    assert by_code["1.1.2"]["score"] == "10.00"  # "=": exactly the 190 days


def test_the_scorecard_shows_the_actuals_with_units_and_the_natures(api, school):
    card = api.as_(school.leader).get(f"/api/v1/evaluations/{school.evaluation.id}/scorecard")
    leaves = {
        leaf["code"]: leaf
        for level in card.json["levels"]
        for group in level["children"]
        for leaf in group["children"]
    }
    assert leaves["1.1.1"]["completion_value"] == "735人次"
    assert leaves["4.1.1"]["completion_value"] == "99.83%"
    assert [leaves[c]["nature"] for c in ("1.1.1", "1.1.2", "1.3.1", "1.4.1")] == [
        "≥",
        "=",
        "定性",
        "≤",
    ]


@pytest.fixture
def browser(client, auth, school):
    return Browser(client, auth, school.leader)


def test_the_scoring_pages_show_units_and_natures(browser, school):
    ev = school.evaluation.id
    card = page(browser.get(f"/evaluations/{ev}/scorecard"))
    for shown in ("735人次", "190天", "98%", "有效", "已建立", "99.83%"):
        assert f"<td>{shown}</td>" in card, shown
    scores = page(browser.get(f"/evaluations/{ev}/scores"))
    assert "<dd>735人次" in scores and "<dd>已建立" in scores
    system = page(browser.get(f"/evaluations/{ev}/indicators"))
    assert "指标性质" in system
    for sign in ("≥", "≤", "=", "定性"):
        assert f">{sign}</span>" in system, sign


def test_the_scorecard_workbook_keeps_the_units(browser, school):
    res = browser.get(f"/evaluations/{school.evaluation.id}/scorecard.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(res.data)).active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert {"735人次", "190天", "有效", "99.83%"} <= values


def test_the_score_form_takes_a_manual_and_a_qualitative_actual(client, auth, make, session):
    from page_helpers import Browser

    from web.scoring.pages import form_prefix

    team = school_evaluation(make, session)
    browser = Browser(client, auth, team.leader)
    ev = team.evaluation.id
    scores = page(browser.get(f"/evaluations/{ev}/scores"))
    assert f'name="{form_prefix("2.2.1")}-actual"' in scores  # manual: 完成值 beside the score
    assert "完成情况（如：有效）" in scores  # tiered

    def post(code, **fields):
        prefix = form_prefix(code)
        data = {f"{prefix}-{key}": value for key, value in fields.items()}
        data[f"{prefix}-csrf_token"] = browser.token
        return client.post(f"/evaluations/{ev}/indicators/{code}/score", data=data)

    assert post("2.2.1", score="13", actual="已建立", reason="制度尚待完善").status_code == 302
    assert (
        post("2.1.1", band="met", value="13", actual="有效", reason="个别偏食").status_code == 302
    )
    html = page(browser.get(f"/evaluations/{ev}/scores"))
    assert "<dd>已建立" in html and "<dd>有效" in html
