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


def _dispatched(session, make):
    from datetime import date

    from workflow.campaigns import operations as campaigns

    reviewer = make.make_user("finance_reviewer")
    school, clinic = make.make_unit("第一中学"), make.make_unit("卫生院")
    teacher, doctor = make.make_user(unit=school), make.make_user(unit=clinic)
    items = [campaigns.ItemSpec(school.id, "营养改善计划", leader=teacher.id),
             campaigns.ItemSpec(clinic.id, "公共卫生服务")]  # fmt: skip
    spec = campaigns.CampaignSpec("2024年度自评", 2024, date(2025, 3, 31), "unit_self", items)
    campaign, opened = campaigns.dispatch(session, reviewer, spec)
    return reviewer, teacher, doctor, campaign, opened


def test_the_campaign_page_reminds_once_a_day_and_withdraws_with_a_reason(
    client, auth, make, session
):
    reviewer, _teacher, _doctor, campaign, opened = _dispatched(session, make)
    browser = Browser(client, auth, reviewer)
    url = f"/campaigns/{campaign.id}"
    res = browser.post(f"{url}/remind", follow_redirects=True)
    assert "已发出 2 条催办通知" in res.get_data(as_text=True)
    res = browser.post(f"{url}/remind", follow_redirects=True)
    assert "今天已催办过" in res.get_data(as_text=True)
    withdraw = f"{url}/items/{opened[1].id}/withdraw"
    res = browser.post(withdraw, data={"reason": "项目取消"}, follow_redirects=True)
    assert "我已知晓" in res.get_data(as_text=True)  # not ticked: nothing happens
    res = browser.post(withdraw, data={"reason": "", "confirm": "y"}, follow_redirects=True)
    assert "取消下达必须填写理由" in res.get_data(as_text=True)
    res = browser.post(withdraw, data={"reason": "项目取消", "confirm": "y"}, follow_redirects=True)
    text = res.get_data(as_text=True)
    assert "已取消下达" in text and "已取消" in text
    session.expire_all()
    assert session.get(Evaluation, opened[1].id).state == "cancelled"
    filtered = browser.get(f"{url}?state=cancelled").get_data(as_text=True)
    assert "公共卫生服务" in filtered and "营养改善计划" not in filtered


def test_a_unit_user_sees_only_their_items_and_no_bureau_buttons(client, auth, make, session):
    _reviewer, teacher, _doctor, campaign, _opened = _dispatched(session, make)
    browser = Browser(client, auth, teacher)
    text = browser.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "营养改善计划" in text and "公共卫生服务" not in text
    assert "催办" not in text and "取消下达" not in text
    assert browser.post(f"/campaigns/{campaign.id}/remind").status_code == 403
    assert browser.get("/campaigns/new").status_code == 403
