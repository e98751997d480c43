"""评价结果应用 and 评价结果公开 through the API: last year's result on next year's evaluation, the
bureau's decision with the grade's suggestion, the administrator's rules, the year's sheet,
publication; who may do what."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from conftest import Team, put_in_state
from openpyxl import load_workbook

from workflow.kernel.audit import AuditEvent
from workflow.rectifications.models import Rectification
from workflow.scoring.models import ScoreFinalization


def archive_with(session, evaluation, leader, total: str, grade: str):
    """An archived evaluation with the 总分 and 等级 its 评分定稿 locked."""
    evaluation = put_in_state(session, evaluation, "archived")
    session.add(
        ScoreFinalization(
            evaluation_id=evaluation.id,
            finalized_by_id=leader.id,
            round=1,
            total=Decimal(total),
            grade=grade,
        )
    )
    session.commit()
    return evaluation


@pytest.fixture
def archived(session, team):
    """The team's evaluation archived with 72.50 (中)."""
    return archive_with(session, team.evaluation, team.leader, "72.50", "中")


@pytest.fixture
def outsiders(make):
    """A unit user of another unit of the same bureau, a reviewer of another bureau."""
    return {
        "other_unit_user": make.make_user(unit=make.make_unit("和平县教育局")),
        "other_reviewer": make.make_user("finance_reviewer", bureau=make.make_bureau("别县财政局")),
    }


def decision_url(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.id}/decision"


def publication_url(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.id}/publication"


# --- 上年评价结果 ------------------------------------------------------------------------------


def test_next_years_evaluation_carries_last_years_total_grade_and_open_items(
    api, session, make, team
):
    last = archive_with(session, team.evaluation, team.leader, "85.00", "良")
    for status in ("open", "open", "done"):
        session.add(
            Rectification(evaluation_id=last.id, kind="problem", problem="问题", status=status)
        )
    session.commit()
    this = make.make_evaluation(creator=team.leader, year=2024)

    body = api.as_(team.leader).get(f"/api/v1/evaluations/{this.id}").json
    assert body["previous"] == {
        "evaluation_id": last.id,
        "year": 2023,
        "total": "85.00",
        "grade": "良",
        "open_rectifications": 2,
    }
    # the one of last year knows no year before it
    assert api.as_(team.leader).get(f"/api/v1/evaluations/{last.id}").json["previous"] is None


@pytest.mark.parametrize(
    "other",
    [
        {"project_name": "另一个项目", "year": 2022},  # another project
        {"year": 2021},  # two years before
        {"year": 2022, "archived": False},  # not archived
        {"year": 2022, "unit": True},  # another unit's project of the same name
    ],
    ids=["other-project", "two-years-before", "not-archived", "other-unit"],
)
def test_only_the_same_units_same_project_archived_the_year_before_is_previous(
    api, session, make, team, other
):
    other = dict(other)
    archived = other.pop("archived", True)
    if other.pop("unit", False):
        stranger = Team(make, unit=make.make_unit("邻县公安局"))
        before = make.make_evaluation(creator=stranger.leader, **other)
    else:
        before = make.make_evaluation(creator=team.leader, **other)
    if archived:
        archive_with(session, before, team.leader, "95.00", "优")
    assert team.evaluation.year == 2023
    body = api.as_(team.leader).get(f"/api/v1/evaluations/{team.evaluation.id}").json
    assert body["previous"] is None


# --- 结果应用 -----------------------------------------------------------------------------------


def test_the_grade_suggests_a_decision_the_reviewer_records_and_the_unit_sees(
    api, session, team, archived
):
    unit_user = api.as_(team.leader)
    before = unit_user.get(decision_url(archived)).json
    assert before["decision"] is None and before["can_decide"] is False
    assert before["grade"] == "中" and before["total"] == "72.50"
    assert before["suggested"] == {
        "grade": "中",
        "decision": "reduce",
        "decision_label": "压减",
        "percentage": "10.00",
    }
    refused = unit_user.put(decision_url(archived), json={"decision": "keep"})
    assert refused.status_code == 403
    assert refused.json["message"] == "仅所属财政局审核人可以进行此操作"

    reviewer = api.as_(team.reviewer)
    assert reviewer.get(decision_url(archived)).json["can_decide"] is True
    res = reviewer.put(
        decision_url(archived),
        json={"decision": "reduce", "percentage": "8", "comment": "资金支付进度较慢"},
    )
    assert res.status_code == 200, res.json
    assert res.json["decision"] == "reduce" and res.json["percentage"] == "8.00"
    assert res.json["decided_by"] == team.reviewer.display_name

    seen = unit_user.get(decision_url(archived)).json
    assert (seen["decision"], seen["decision_label"], seen["comment"]) == (
        "reduce",
        "压减",
        "资金支付进度较慢",
    )
    event = session.query(AuditEvent).filter_by(evaluation_id=archived.id, action="result_decided")
    assert [(e.actor_id, e.actor_role, e.comment) for e in event] == [
        (team.reviewer.id, "finance_reviewer", "压减 8%")
    ]

    reviewer.put(decision_url(archived), json={"decision": "rectify"})
    comments = [
        e.comment
        for e in session.query(AuditEvent)
        .filter_by(evaluation_id=archived.id, action="result_decided")
        .order_by(AuditEvent.id)
    ]
    assert comments == ["压减 8%", "压减 8% → 整改后再安排"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"decision": "reduce"}, "percentage", "压减须写明比例"),
        ({"decision": "reduce", "percentage": "120"}, "percentage", "比例应大于 0、不超过 100"),
        ({"decision": "reduce", "percentage": "0"}, "percentage", "比例应大于 0、不超过 100"),
        ({"decision": "stop", "percentage": "10"}, "percentage", "“取消”不填写比例"),
        ({"decision": "cut"}, "decision", None),
        ({"percentage": "10"}, "decision", None),
    ],
)
def test_a_decision_that_does_not_hold_is_400_at_its_field(
    api, team, archived, body, field, message
):
    res = api.as_(team.reviewer).put(decision_url(archived), json=body)
    assert res.status_code == 400
    fields = {f["field"]: f["message"] for f in res.json["fields"]}
    assert field in fields
    if message:
        assert fields[field] == message


def test_no_decision_before_archive(api, session, team):
    evaluation = put_in_state(session, team.evaluation, "finance_review")
    res = api.as_(team.reviewer).put(decision_url(evaluation), json={"decision": "keep"})
    assert res.status_code == 409 and res.json["code"] == "not_archived"
    assert api.as_(team.reviewer).get(decision_url(evaluation)).json["can_decide"] is False


def test_the_administrators_rule_changes_the_suggestion(api, make, team, archived):
    admin = api.as_(make.admin)
    rules = admin.get("/api/v1/decision-rules").json["rules"]
    assert [(r["grade"], r["decision"], r["percentage"]) for r in rules] == [
        ("优", "keep", None),
        ("良", "keep", None),
        ("中", "reduce", "10.00"),
        ("差", "stop", None),
    ]
    res = admin.put(
        "/api/v1/decision-rules",
        json={"rules": [{"grade": "中", "decision": "reduce", "percentage": "5"}]},
    )
    assert res.status_code == 200, res.json
    assert res.json["rules"][2]["percentage"] == "5.00"
    assert res.json["rules"][0]["decision"] == "keep"  # the others stay
    suggested = api.as_(team.reviewer).get(decision_url(archived)).json["suggested"]
    assert (suggested["decision"], suggested["percentage"]) == ("reduce", "5.00")


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ([{"grade": "差", "decision": "stop", "percentage": "10"}], "rules.0.percentage"),
        ([{"grade": "中", "decision": "reduce"}], "rules.0.percentage"),
        ([{"grade": "中", "decision": "keep"}, {"grade": "中", "decision": "stop"}], "rules"),
        ([{"grade": "甲", "decision": "keep"}], "rules.0.grade"),
    ],
)
def test_a_rule_that_does_not_hold_is_400_and_changes_nothing(api, make, rules, field):
    admin = api.as_(make.admin)
    res = admin.put("/api/v1/decision-rules", json={"rules": rules})
    assert res.status_code == 400
    assert any(f["field"] == field for f in res.json["fields"]), res.json
    assert admin.get("/api/v1/decision-rules").json["rules"][2]["percentage"] == "10.00"


# --- the year's sheet --------------------------------------------------------------------------


def test_the_years_decisions_export_to_excel_for_the_next_budget(
    api, session, make, team, archived
):
    second = make.make_evaluation(creator=team.leader, project_name="社会治安防控项目")
    archive_with(session, second, team.leader, "93.00", "优")
    elsewhere = Team(make, unit=make.make_unit("别县公安局", make.make_bureau("别县财政局")))
    archive_with(session, elsewhere.evaluation, elsewhere.leader, "50.00", "差")
    reviewer = api.as_(team.reviewer)
    reviewer.put(decision_url(archived), json={"decision": "reduce", "percentage": "10"})

    res = reviewer.get("/api/v1/decisions.xlsx?year=2023")
    assert res.status_code == 200
    assert res.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in res.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(res.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "2023年度绩效评价结果应用汇总表"
    assert rows[1] == (
        "序号",
        "预算单位",
        "项目名称",
        "评价类型",
        "总分",
        "等级",
        "结果应用",
        "比例（%）",
        "说明",
        "规则建议",
    )
    assert [r[1:8] for r in rows[2:]] == [
        ("和平县公安局", "社会治安防控项目", "部门评价", 93, "优", "未确定", None),
        ("和平县公安局", "雪亮工程视频监控项目", "部门评价", 72.5, "中", "压减", 10),
    ]
    assert rows[2][9] == "维持" and rows[3][9] == "压减 10%"
    assert sheet.cell(3, 5).number_format == "0.00"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.print_title_rows == "$2:$2"

    # another bureau's reviewer gets their own units' only
    theirs = api.as_(elsewhere.reviewer).get("/api/v1/decisions.xlsx?year=2023")
    names = [
        r[1]
        for r in list(load_workbook(io.BytesIO(theirs.data)).active.iter_rows(values_only=True))[2:]
    ]
    assert names == ["别县公安局"]


@pytest.mark.parametrize("query", ["", "?year=", "?year=abc", "?year=99999999999", "?year=1800"])
def test_the_sheet_needs_a_year(api, team, query):
    res = api.as_(team.reviewer).get(f"/api/v1/decisions.xlsx{query}")
    assert res.status_code == 400
    assert res.json["fields"][0]["field"] == "year"


# --- 评价结果公开 -------------------------------------------------------------------------------


def test_publication_gives_an_unguessable_link_that_dies_when_switched_off(
    api, client, session, team, archived
):
    reviewer = api.as_(team.reviewer)
    assert reviewer.get(publication_url(archived)).json == {
        "published": False,
        "token": None,
        "url": None,
    }
    on = reviewer.put(publication_url(archived), json={"published": True}).json
    assert on["published"] is True and len(on["token"]) >= 32
    assert on["url"] == f"http://localhost/public/{on['token']}"
    assert client.get(f"/public/{on['token']}").status_code == 200

    # asking again changes nothing: same token, one audit event
    assert reviewer.put(publication_url(archived), json={"published": True}).json == on
    off = reviewer.put(publication_url(archived), json={"published": False}).json
    assert off == {"published": False, "token": None, "url": None}
    assert client.get(f"/public/{on['token']}").status_code == 404

    again = reviewer.put(publication_url(archived), json={"published": True}).json
    assert again["token"] != on["token"]
    assert client.get(f"/public/{on['token']}").status_code == 404
    assert client.get(f"/public/{again['token']}").status_code == 200
    actions = [
        e.action
        for e in session.query(AuditEvent)
        .filter(AuditEvent.action.like("result_%"))
        .order_by(AuditEvent.id)
    ]
    assert actions == ["result_published", "result_unpublished", "result_published"]


def test_publication_needs_an_archived_evaluation(api, session, team):
    evaluation = put_in_state(session, team.evaluation, "finance_review")
    res = api.as_(team.reviewer).put(publication_url(evaluation), json={"published": True})
    assert res.status_code == 409 and res.json["code"] == "not_archived"


@pytest.mark.parametrize("body", [{}, {"published": "maybe"}, {"published": None}])
def test_publication_needs_yes_or_no(api, team, archived, body):
    res = api.as_(team.reviewer).put(publication_url(archived), json=body)
    assert res.status_code == 400
    assert res.json["fields"][0]["field"] == "published"


# --- who may do what -------------------------------------------------------------------------

PEOPLE = ["leader", "member", "reviewer", "admin", "other_unit_user", "other_reviewer"]
# endpoint → the status each person gets (on the team's archived evaluation)
MATRIX = {
    ("get", "decision"): dict.fromkeys(["leader", "member", "reviewer", "admin"], 200)
    | {"other_unit_user": 404, "other_reviewer": 404},
    ("put", "decision"): {"leader": 403, "member": 403, "reviewer": 200, "admin": 200}
    | {"other_unit_user": 404, "other_reviewer": 404},
    ("get", "publication"): dict.fromkeys(["leader", "member", "reviewer", "admin"], 200)
    | {"other_unit_user": 404, "other_reviewer": 404},
    ("put", "publication"): {"leader": 403, "member": 403, "reviewer": 200, "admin": 403}
    | {"other_unit_user": 404, "other_reviewer": 404},
    ("get", "rules"): dict.fromkeys(PEOPLE, 403) | {"admin": 200},
    ("put", "rules"): dict.fromkeys(PEOPLE, 403) | {"admin": 200},
    ("get", "sheet"): dict.fromkeys(PEOPLE, 200),
}
BODIES = {
    "decision": {"decision": "keep"},
    "publication": {"published": True},
    "rules": {"rules": [{"grade": "优", "decision": "increase", "percentage": "5"}]},
}


def _who(team, make, outsiders, person):
    return {
        "leader": team.leader,
        "member": team.members[0],
        "reviewer": team.reviewer,
        "admin": make.admin,
    }.get(person) or outsiders[person]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(("method", "endpoint"), list(MATRIX))
def test_who_may_read_and_change_results(
    api, make, team, archived, outsiders, method, endpoint, person
):
    urls = {
        "decision": decision_url(archived),
        "publication": publication_url(archived),
        "rules": "/api/v1/decision-rules",
        "sheet": "/api/v1/decisions.xlsx?year=2023",
    }
    caller = api.as_(_who(team, make, outsiders, person))
    kwargs = {"json": BODIES[endpoint]} if method == "put" else {}
    res = getattr(caller, method)(urls[endpoint], **kwargs)
    assert res.status_code == MATRIX[method, endpoint][person], res.get_data(as_text=True)[:200]


@pytest.mark.parametrize("endpoint", ["decision", "publication"])
def test_another_bureaus_evaluation_answers_as_a_missing_one(
    api, team, archived, outsiders, endpoint
):
    caller = api.as_(outsiders["other_reviewer"])
    theirs = caller.get(f"/api/v1/evaluations/{archived.id}/{endpoint}")
    missing = caller.get(f"/api/v1/evaluations/999999/{endpoint}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json == missing.json


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/evaluations/1/decision",
        "/api/v1/evaluations/1/publication",
        "/api/v1/decision-rules",
        "/api/v1/decisions.xlsx?year=2023",
    ],
)
def test_the_results_api_needs_a_token(client, make, url):
    assert client.get(url).status_code == 401
