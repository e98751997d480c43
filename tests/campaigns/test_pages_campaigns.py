"""自评任务 pages: the reviewer dispatches from the textarea, sees the units' tables, 催办s."""

from __future__ import annotations

from page_helpers import Browser

from workflow.lifecycle.models import Evaluation


def test_a_reviewer_dispatches_from_the_page_and_sees_the_campaign(client, auth, make, session):
    reviewer = make.make_user("finance_reviewer")
    school = make.make_unit("第一中学")
    make.make_user(unit=school)
    browser = Browser(client, auth, reviewer)
    form = {
        "title": "2024年度自评",
        "year": "2024",
        "due_date": "2025-03-31",
        "template": "unit_self",
        "lines": "第一中学, 营养改善计划, 38.766462\n不存在的单位, 某项目\n",
    }
    res = browser.post("/campaigns/new", data=form)
    text = res.get_data(as_text=True)
    assert res.status_code == 200 and "第 2 行" in text
    assert session.query(Evaluation).count() == 0
    form["lines"] = "第一中学, 营养改善计划, 38.766462\n第一中学，校舍维修\n"
    res = browser.post("/campaigns/new", data=form)
    assert res.status_code == 302
    page = browser.get(res.headers["Location"]).get_data(as_text=True)
    assert "营养改善计划" in page and "校舍维修" in page and "催办" in page
    listed = browser.get("/campaigns").get_data(as_text=True)
    assert "2024年度自评" in listed
