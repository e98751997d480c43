"""自评任务下达 through the API: dispatch all or nothing, the progress, 催办 once a day,
取消下达 with a reason, who may do what, and the exports read back."""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import put_in_state
from openpyxl import load_workbook
from sqlalchemy import func, select

from workflow.indicators.models import Indicator
from workflow.kernel.audit import AuditEvent
from workflow.lifecycle.models import Evaluation
from workflow.reminders.models import Notification


@pytest.fixture
def bureau(make):
    """A reviewer of 和平县财政局, two of its units with users, and a unit of another bureau."""

    class Bureau:
        reviewer = make.make_user("finance_reviewer")
        school = make.make_unit("和平县第一中学")
        clinic = make.make_unit("和平县卫生院")
        teacher = make.make_user(unit=school, name="teacher")
        principal = make.make_user(unit=school, name="principal")
        doctor = make.make_user(unit=clinic, name="doctor")
        elsewhere = make.make_unit("外县单位", make.make_bureau("外县财政局"))
        stranger = make.make_user(unit=elsewhere, name="stranger")

    return Bureau


def body(bureau, **overrides):
    data = {
        "title": "2024年度项目支出绩效自评",
        "year": 2024,
        "due_date": "2025-03-31",
        "template": "unit_self",
        "items": [
            {"unit_id": bureau.school.id, "project_name": "营养改善计划", "budget": "38.766462",
             "leader": bureau.teacher.id},
            {"unit_id": bureau.clinic.id, "project_name": "基本公共卫生服务", "budget": "120"},
        ],
    }  # fmt: skip
    return data | overrides


def dispatch(api, bureau, **overrides):
    res = api.as_(bureau.reviewer).post("/api/v1/campaigns", json=body(bureau, **overrides))
    assert res.status_code == 201, res.json
    return res.json


def test_dispatch_opens_one_unit_self_evaluation_per_item_with_template_and_due_date(
    api, session, bureau
):
    created = dispatch(api, bureau)
    assert len(created["evaluations"]) == 2
    school, clinic = (session.get(Evaluation, i) for i in created["evaluations"])
    assert (school.kind, school.machine_version, school.state) == (
        "unit_self", "unit_self-1", "preparation"
    )  # fmt: skip
    assert str(school.due_date) == "2025-03-31" and school.campaign_id == created["id"]
    assert str(school.budget) == "38.766462"
    assert school.ids_in("leader") == [bureau.teacher.id] and clinic.ids_in("leader") == []
    leaves = session.scalar(
        select(func.count()).select_from(Indicator).where(Indicator.evaluation_id == school.id)
    )
    assert leaves > 0
    actions = set(
        session.scalars(select(AuditEvent.action).where(AuditEvent.evaluation_id == school.id))
    )
    assert {"campaign_dispatched", "indicators_from_template"} <= actions


def test_a_named_leader_is_told_at_dispatch_and_otherwise_every_unit_user(api, session, bureau):
    dispatch(api, bureau)
    told = session.execute(select(Notification.user_id, Notification.kind)).all()
    assert sorted(told) == sorted(
        [(bureau.teacher.id, "campaign_assigned"), (bureau.doctor.id, "campaign_assigned")]
    )


def test_dispatch_is_all_or_nothing_and_names_every_bad_item(api, session, bureau):
    items = [
        {"unit_id": bureau.school.id, "project_name": "好项目"},
        {"unit_id": bureau.elsewhere.id, "project_name": "外县项目"},
        {"unit_id": bureau.school.id, "project_name": " ", "budget": "1.1234567"},
        {"unit_id": bureau.clinic.id, "project_name": "错组长", "leader": bureau.teacher.id},
        {"unit_id": 99999, "project_name": "无此单位"},
    ]
    res = api.as_(bureau.reviewer).post("/api/v1/campaigns", json=body(bureau, items=items))
    assert res.status_code == 400
    named = {f["field"] for f in res.json["fields"]}
    assert named == {
        "items.1.unit_id", "items.2.project_name", "items.2.budget", "items.3.leader",
        "items.4.unit_id",
    }  # fmt: skip
    assert session.scalar(select(func.count()).select_from(Evaluation)) == 0


def test_dispatch_refuses_an_unknown_template_and_empty_items(api, bureau):
    res = api.as_(bureau.reviewer).post(
        "/api/v1/campaigns", json=body(bureau, template="nope", items=[])
    )
    assert res.status_code == 400
    assert {f["field"] for f in res.json["fields"]} == {"template", "items"}


@pytest.mark.parametrize("who", ["teacher", "stranger"])
def test_unit_users_cannot_dispatch(api, bureau, who):
    res = api.as_(getattr(bureau, who)).post("/api/v1/campaigns", json=body(bureau))
    assert res.status_code == 403


def test_admin_may_dispatch(api, make, bureau):
    res = api.as_(make.admin).post("/api/v1/campaigns", json=body(bureau))
    assert res.status_code == 201


def test_the_campaign_shows_progress_counts_and_items(api, session, bureau):
    created = dispatch(api, bureau)
    school, clinic = created["evaluations"]
    put_in_state(session, session.get(Evaluation, school), "finance_review")
    res = api.as_(bureau.reviewer).get(f"/api/v1/campaigns/{created['id']}")
    assert res.status_code == 200
    data = res.json
    assert data["counts"] == {"finance_review": 1, "preparation": 1}
    assert (data["submitted"], data["total"]) == (1, 2)
    assert [i["evaluation_id"] for i in data["items"]] == [clinic, school]  # by unit name
    item = data["items"][1]
    assert item["unit_name"] == "和平县第一中学" and item["withdrawn"] is False
    assert item["overdue"] is False and item["total"] is None
    listed = api.as_(bureau.reviewer).get("/api/v1/campaigns").json
    assert [(c["id"], c["submitted"], c["total"]) for c in listed] == [(created["id"], 1, 2)]


def test_a_unit_user_sees_only_their_units_items(api, bureau):
    created = dispatch(api, bureau)
    data = api.as_(bureau.doctor).get(f"/api/v1/campaigns/{created['id']}").json
    assert [i["unit_name"] for i in data["items"]] == ["和平县卫生院"]
    assert api.as_(bureau.stranger).get(f"/api/v1/campaigns/{created['id']}").status_code == 404
    assert api.as_(bureau.stranger).get("/api/v1/campaigns").json == []


def test_a_reviewer_of_another_bureau_gets_404(api, make, bureau):
    created = dispatch(api, bureau)
    other = make.make_user("finance_reviewer", bureau=bureau.elsewhere.bureau)
    cid = created["id"]
    for url in (
        f"/campaigns/{cid}",
        f"/campaigns/{cid}/summary.xlsx",
        f"/campaigns/{cid}/forms.zip",
    ):
        assert api.as_(other).get(f"/api/v1{url}").status_code == 404, url
    assert api.as_(other).post(f"/api/v1/campaigns/{cid}/remind").status_code == 404
    withdraw = f"/api/v1/campaigns/{cid}/items/{created['evaluations'][0]}/withdraw"
    assert api.as_(other).post(withdraw, json={"reason": "x"}).status_code == 404


def test_remind_tells_the_not_yet_submitted_once_a_day(api, session, bureau):
    created = dispatch(api, bureau)
    school, _clinic = created["evaluations"]
    url = f"/api/v1/campaigns/{created['id']}/remind"
    assert api.as_(bureau.reviewer).post(url).json == {"sent": 2}  # the 组长; the clinic's user
    assert api.as_(bureau.reviewer).post(url).json == {"sent": 0}  # the same day: nothing again
    reminders = session.scalars(
        select(Notification).where(Notification.kind == "campaign_reminder")
    ).all()
    assert {n.user_id for n in reminders} == {bureau.teacher.id, bureau.doctor.id}
    assert all("2025-03-31" in n.body for n in reminders)
    put_in_state(session, session.get(Evaluation, school), "finance_review")
    audited = session.scalar(select(func.count()).where(AuditEvent.action == "campaign_reminded"))
    assert audited == 2


def test_remind_skips_submitted_items(api, session, bureau, monkeypatch):
    created = dispatch(api, bureau)
    put_in_state(session, session.get(Evaluation, created["evaluations"][0]), "archived")
    url = f"/api/v1/campaigns/{created['id']}/remind"
    assert api.as_(bureau.reviewer).post(url).json == {"sent": 1}


def test_unit_users_cannot_remind_or_withdraw_or_export(api, bureau):
    created = dispatch(api, bureau)
    cid, eid = created["id"], created["evaluations"][0]
    assert api.as_(bureau.teacher).post(f"/api/v1/campaigns/{cid}/remind").status_code == 403
    res = api.as_(bureau.teacher).post(
        f"/api/v1/campaigns/{cid}/items/{eid}/withdraw", json={"reason": "不做了"}
    )
    assert res.status_code == 403
    assert api.as_(bureau.teacher).get(f"/api/v1/campaigns/{cid}/summary.xlsx").status_code == 403


def test_withdraw_needs_a_reason_and_keeps_the_item_listed_as_withdrawn(api, session, bureau):
    created = dispatch(api, bureau)
    cid, eid = created["id"], created["evaluations"][0]
    url = f"/api/v1/campaigns/{cid}/items/{eid}/withdraw"
    res = api.as_(bureau.reviewer).post(url, json={"reason": "  "})
    assert res.status_code == 400 and res.json["fields"][0]["field"] == "reason"
    res = api.as_(bureau.reviewer).post(url, json={"reason": "项目已撤销"})
    assert res.status_code == 200
    item = next(i for i in res.json["items"] if i["evaluation_id"] == eid)
    assert item["withdrawn"] is True and item["state"] == "cancelled"
    assert res.json["total"] == 1
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.evaluation_id == eid, AuditEvent.action == "cancel")
    )
    assert event.comment == "取消下达：项目已撤销" and event.actor_id == bureau.reviewer.id


def test_withdraw_of_an_evaluation_outside_the_campaign_is_404(api, make, bureau):
    created = dispatch(api, bureau)
    other = make.make_evaluation(unit=bureau.school)
    url = f"/api/v1/campaigns/{created['id']}/items/{other.id}/withdraw"
    assert api.as_(bureau.reviewer).post(url, json={"reason": "x"}).status_code == 404


def test_the_dispatching_reviewer_gains_no_creator_rights(api, bureau):
    created = dispatch(api, bureau)
    eid = created["evaluations"][1]  # no 组长 yet
    group = {"leader": None, "deputies": [], "members": [], "approvers": []}
    res = api.as_(bureau.reviewer).put(f"/api/v1/evaluations/{eid}/group", json=group)
    assert res.status_code == 403


def test_the_first_unit_user_to_form_the_group_becomes_its_leader(api, session, bureau):
    created = dispatch(api, bureau)
    eid = created["evaluations"][1]  # the clinic's, no 组长
    group = {"leader": None, "deputies": [], "members": [], "approvers": []}
    assert (
        api.as_(bureau.stranger).put(f"/api/v1/evaluations/{eid}/group", json=group).status_code
        == 404
    )
    res = api.as_(bureau.doctor).put(f"/api/v1/evaluations/{eid}/group", json=group)
    assert res.status_code == 200, res.json
    session.expire_all()
    assert session.get(Evaluation, eid).ids_in("leader") == [bureau.doctor.id]


def test_a_unit_user_may_not_make_someone_else_leader_first(api, make, session, bureau):
    created = dispatch(api, bureau)
    eid = created["evaluations"][1]
    nurse = make.make_user(unit=bureau.clinic)
    group = {"leader": nurse.id, "deputies": [], "members": [], "approvers": []}
    res = api.as_(bureau.doctor).put(f"/api/v1/evaluations/{eid}/group", json=group)
    assert res.status_code == 400


def test_a_campaign_evaluation_without_leader_is_in_the_units_todo(auth, api, bureau):
    created = dispatch(api, bureau)
    auth.login("doctor")
    page = auth.client.get("/")
    text = page.get_data(as_text=True)
    assert "组建工作组" in text and "基本公共卫生服务" in text
    auth.logout()
    auth.login("principal")  # the school's item has a 组长: not the principal's to-do
    assert "营养改善计划" not in auth.client.get("/").get_data(as_text=True)
    assert created


def test_summary_xlsx_reads_back_one_row_per_item(api, session, bureau):
    created = dispatch(api, bureau)
    cid, school = created["id"], created["evaluations"][0]
    api.as_(bureau.reviewer).post(
        f"/api/v1/campaigns/{cid}/items/{created['evaluations'][1]}/withdraw", json={"reason": "撤"}
    )
    res = api.as_(bureau.reviewer).get(f"/api/v1/campaigns/{cid}/summary.xlsx")
    assert res.status_code == 200
    sheet = load_workbook(io.BytesIO(res.data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["预算单位", "项目名称", "预算（万元）", "执行数（万元）",
                       "预算执行率（%）", "总分", "等级", "状态"]  # fmt: skip
    assert rows[1][:2] == ["和平县卫生院", "基本公共卫生服务"] and rows[1][7] == "已取消"
    assert rows[2][:2] == ["和平县第一中学", "营养改善计划"] and rows[2][7] == "前期准备"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    assert school


def test_forms_zip_holds_the_submitted_self_evaluation_pdfs(api, session, bureau):
    created = dispatch(api, bureau)
    school = created["evaluations"][0]
    put_in_state(session, session.get(Evaluation, school), "finance_review")
    res = api.as_(bureau.reviewer).get(f"/api/v1/campaigns/{created['id']}/forms.zip")
    assert res.status_code == 200 and res.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(res.data))
    assert archive.namelist() == [f"项目支出绩效自评表-{school}.pdf"]
    assert archive.read(archive.namelist()[0]).startswith(b"%PDF")


def test_the_portfolio_lists_the_campaigns(api, session, bureau):
    created = dispatch(api, bureau)
    put_in_state(session, session.get(Evaluation, created["evaluations"][0]), "archived")
    data = api.as_(bureau.reviewer).get("/api/v1/portfolio").json
    # the clinic's is past 2025-03-31 and not submitted: 逾期
    assert data["campaigns"] == [
        {"id": created["id"], "title": "2024年度项目支出绩效自评", "year": 2024,
         "due_date": "2025-03-31", "units": 2, "submitted": 1, "total": 2, "overdue": 1,
         "rate": "50.00"}
    ]  # fmt: skip
