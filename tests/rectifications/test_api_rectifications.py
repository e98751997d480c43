"""整改 API: each move, who may do which (the permission matrix of every endpoint), another
unit's item answering as a missing one, a stale version, a move the status does not allow."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from conftest import Team
from rectification_helpers import EVIDENCE, MEASURE, archived_items, hand_in
from sqlalchemy import select

from workflow.kernel.audit import AuditEvent
from workflow.reminders.models import Notification

MISSING = 999_999


@pytest.fixture
def items(session, team):
    return archived_items(session, team)


def url(item_id, path=""):
    return f"/api/v1/rectifications/{item_id}{path}"


def upload(client, item_id, name=EVIDENCE[0], data=EVIDENCE[1]):
    return client.post(
        url(item_id, "/evidence"),
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def patch(client, item_id, version, **body):
    return client.patch(url(item_id), json={**body, "version": version})


def test_an_item_goes_from_open_to_accepted_and_each_move_is_its_history(api, team, items):
    owner, reviewer = api.as_(team.members[0]), api.as_(team.reviewer)
    item = owner.get(url(items[0].id)).json
    assert (item["status"], item["owner_name"], item["measure"]) == (
        "open",
        team.members[0].display_name,
        MEASURE,
    )
    assert item["unit_id"] == team.evaluation.unit_id and item["evidence"] == []
    assert [h["status"] for h in item["history"]] == ["open"]

    started = patch(owner, item["id"], item["version"], status="in_progress")
    assert started.status_code == 200, started.json
    assert started.json["status"] == "in_progress"
    added = upload(owner, item["id"])
    assert added.status_code == 201, added.json
    assert [e["filename"] for e in added.json["evidence"]] == ["支付台账.txt"]
    assert api.as_(team.reviewer).get(added.json["evidence"][0]["url"]).data == EVIDENCE[1]
    done = patch(owner, item["id"], added.json["version"], status="done", note="已建立台账")
    assert done.status_code == 200, done.json
    assert (done.json["status"], done.json["note"]) == ("done", "已建立台账")

    accepted = reviewer.post(url(item["id"], "/accept"), json={"version": done.json["version"]})
    assert accepted.status_code == 200, accepted.json
    history = accepted.json["history"]
    assert [(h["status"], h["actor"]) for h in history] == [
        ("open", "系统"),
        ("in_progress", team.members[0].display_name),
        ("done", team.members[0].display_name),
        ("accepted", team.reviewer.display_name),
    ]
    assert history[2]["note"] == "已建立台账"


def test_every_change_is_in_the_evaluations_audit_trail(api, team, items, session):
    owner = api.as_(team.members[0])
    item = owner.get(url(items[0].id)).json
    patch(owner, item["id"], item["version"], measure="按周调度", due_date="2099-07-31")
    upload(owner, item["id"])
    actions = [
        (e.action, e.details["rectification_id"])
        for e in session.query(AuditEvent).filter_by(evaluation_id=team.evaluation.id)
        if e.action.startswith("rectification_")
    ]
    assert actions == [
        ("rectification_updated", item["id"]),
        ("rectification_evidence_added", item["id"]),
    ]
    trail = api.as_(team.leader).get(f"/api/v1/evaluations/{team.evaluation.id}/audit").json
    assert "修改整改措施、整改期限" in json.dumps(trail, ensure_ascii=False)


def test_the_bureau_sends_it_back_with_a_reason_and_the_owner_works_again(
    api, team, items, session, store
):
    hand_in(session, items[0], team.members[0], store)
    reviewer = api.as_(team.reviewer)
    res = reviewer.post(url(items[0].id, "/reopen"), json={"reason": "  "})
    assert res.status_code == 400
    assert res.json["fields"] == [{"field": "reason", "message": "退回重新整改须写明理由"}]
    res = reviewer.post(url(items[0].id, "/reopen"), json={"reason": "台账缺少12月数据"})
    assert res.status_code == 200, res.json
    assert (res.json["status"], res.json["reason"]) == ("reopened", "台账缺少12月数据")
    assert res.json["history"][-1]["reason"] == "台账缺少12月数据"
    owner = api.as_(team.members[0])
    again = patch(owner, items[0].id, res.json["version"], status="done", note="已补齐12月")
    assert again.status_code == 200, again.json
    assert [h["status"] for h in again.json["history"]] == ["open", "done", "reopened", "done"]


def test_handing_in_needs_a_note_and_evidence(api, team, items):
    owner = api.as_(team.members[0])
    res = patch(owner, items[0].id, 1, status="done")
    assert res.status_code == 400
    assert res.json["fields"] == [
        {"field": "note", "message": "提交验收须填写整改说明"},
        {"field": "evidence", "message": "提交验收须上传至少一份整改佐证材料"},
    ]
    assert owner.get(url(items[0].id)).json["status"] == "open"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("accepted", "整改事项不能从“待整改”改为“已验收”（验收和退回由财政局审核人办理）"),
        ("reopened", "整改事项不能从“待整改”改为“退回重新整改”（验收和退回由财政局审核人办理）"),
    ],
)
def test_a_move_the_status_does_not_allow_is_a_400_in_chinese(api, team, items, status, message):
    res = patch(api.as_(team.leader), items[0].id, 1, status=status)
    assert res.status_code == 400
    assert res.json["fields"] == [{"field": "status", "message": message}]


def test_an_unknown_status_is_a_400(api, team, items):
    res = patch(api.as_(team.leader), items[0].id, 1, status="finished")
    assert res.status_code == 400 and res.json["fields"][0]["field"] == "status"


def test_a_handed_in_item_cannot_be_edited_and_an_open_one_not_accepted(
    api, team, items, session, store
):
    reviewer = api.as_(team.reviewer)
    res = reviewer.post(url(items[0].id, "/accept"), json={})
    assert res.status_code == 400
    assert res.json["message"] == "整改事项当前为“待整改”，只有“已整改待验收”的事项可以验收或退回"
    hand_in(session, items[0], team.members[0], store)
    res = patch(api.as_(team.members[0]), items[0].id, items[0].version, measure="改")
    assert res.status_code == 400
    assert res.json["message"] == "整改事项已提交验收，等待财政局审核人验收，不能再修改"
    assert upload(api.as_(team.leader), items[0].id).status_code == 400


def test_a_stale_version_is_a_409(api, team, items):
    owner, leader = api.as_(team.members[0]), api.as_(team.leader)
    assert patch(leader, items[0].id, 1, measure="按周调度").status_code == 200
    res = patch(owner, items[0].id, 1, status="in_progress")
    assert res.status_code == 409
    assert res.json["message"] == "整改事项已被他人修改，请刷新后再试"
    assert res.json["details"] == {"current_version": 2}
    assert patch(owner, items[0].id, 2, status="in_progress").status_code == 200


def test_patch_needs_the_version_read(api, team, items):
    res = api.as_(team.leader).patch(url(items[0].id), json={"status": "in_progress"})
    assert res.status_code == 400 and res.json["fields"][0]["field"] == "version"


def test_an_empty_measure_and_a_bad_upload_are_refused(api, team, items):
    leader = api.as_(team.leader)
    res = patch(leader, items[0].id, 1, measure=" ")
    assert res.json["fields"] == [{"field": "measure", "message": "整改措施不能为空"}]
    res = upload(leader, items[0].id, "setup.exe", b"MZ\x90\x00")
    assert (res.status_code, res.json["code"]) == (400, "file_type")
    assert leader.get(url(items[0].id)).json["evidence"] == []


# --- who may do which: every endpoint, every kind of person ---------------------------------

PEOPLE = ["owner", "leader", "member", "reviewer", "admin", "stranger", "other_reviewer"]


@pytest.fixture
def people(make, team, items):
    other_unit = make.make_unit("邻县公安局", make.make_bureau("邻县财政局"))
    return {
        "owner": team.members[0],
        "leader": team.leader,
        "member": team.members[1],  # of the group and the unit, not the owner
        "reviewer": team.reviewer,
        "admin": make.admin,
        "stranger": make.make_user(unit=other_unit),
        "other_reviewer": make.make_user("finance_reviewer", bureau=other_unit.bureau),
    }


SEE = {"owner": 200, "leader": 200, "member": 200, "reviewer": 200, "admin": 200}
WORK = {"owner": 200, "leader": 200, "member": 403, "reviewer": 403, "admin": 403}
REVIEW = {"owner": 403, "leader": 403, "member": 403, "reviewer": 200, "admin": 403}

MATRIX = [
    # (endpoint, the item handed in first?, call, expected status by person; others 404)
    ("GET item", False, lambda c, i: c.get(url(i.id)), SEE),
    ("PATCH", False, lambda c, i: patch(c, i.id, i.version, status="in_progress"), WORK),
    ("POST evidence", False, lambda c, i: upload(c, i.id), {**WORK, "owner": 201, "leader": 201}),
    ("POST accept", True, lambda c, i: c.post(url(i.id, "/accept"), json={}), REVIEW),
    ("POST reopen", True, lambda c, i: c.post(url(i.id, "/reopen"), json={"reason": "补"}), REVIEW),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(
    ("endpoint", "handed_in", "call", "expected"),
    MATRIX,
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_who_may_do_what(
    api, session, store, team, items, people, who, endpoint, handed_in, call, expected
):
    item = items[0]
    if handed_in:
        hand_in(session, item, team.members[0], store)
    res = call(api.as_(people[who]), item)
    assert res.status_code == expected.get(who, 404), (endpoint, who, res.json)


@pytest.mark.parametrize(
    ("endpoint", "handed_in", "call", "expected"),
    MATRIX,
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_another_units_item_answers_exactly_as_a_missing_one(
    api, session, store, team, items, people, endpoint, handed_in, call, expected
):
    stranger = api.as_(people["stranger"])
    theirs, missing = (
        call(stranger, items[0]),
        call(stranger, type(items[0])(id=MISSING, version=1)),
    )
    assert theirs.status_code == 404
    assert (theirs.status_code, theirs.get_json()) == (missing.status_code, missing.get_json())


def test_lists_show_each_person_only_what_they_may_see(api, make, team, items, session):
    neighbour = Team(make, unit=make.make_unit("邻县公安局"))  # same bureau, another unit
    theirs = archived_items(session, neighbour)
    elsewhere = Team(make, unit=make.make_unit("外县公安局", make.make_bureau("外县财政局")))
    archived_items(session, elsewhere)

    def ids(user, query=""):
        res = api.as_(user).get(f"/api/v1/rectifications{query}")
        assert res.status_code == 200, res.json
        return sorted(i["id"] for i in res.json)

    mine = sorted(i.id for i in items)
    assert ids(team.members[1]) == mine
    assert ids(neighbour.leader) == sorted(i.id for i in theirs)
    assert ids(team.reviewer) == sorted(mine + [i.id for i in theirs])
    assert len(ids(make.admin)) == 6
    unit = neighbour.evaluation.unit_id
    assert ids(team.reviewer, f"?unit_id={unit}") == sorted(i.id for i in theirs)
    assert ids(team.members[1], f"?unit_id={unit}") == []


def test_list_filters_status_and_overdue_and_pages(api, team, session):
    items = archived_items(session, team, due_date=date(2020, 1, 1))
    leader = api.as_(team.leader)
    assert [i["id"] for i in leader.get("/api/v1/rectifications?overdue=1").json] == [items[0].id]
    res = leader.get("/api/v1/rectifications?status=open&per_page=1")
    assert len(res.json) == 1 and res.json[0]["overdue"] is True
    assert json.loads(res.headers["X-Pagination"])["total"] == 2
    assert leader.get("/api/v1/rectifications?status=closed").status_code == 400


def test_handing_in_and_accepting_are_in_my_done_list(api, team, items, session, store):
    hand_in(session, items[0], team.members[0], store)
    api.as_(team.reviewer).post(url(items[0].id, "/accept"), json={})
    owner_done = api.as_(team.members[0]).get("/api/v1/me/done").json["items"]
    reviewer_done = api.as_(team.reviewer).get("/api/v1/me/done").json["items"]
    assert [i["action"] for i in owner_done] == ["rectification_finished"]
    assert [i["action"] for i in reviewer_done] == ["rectification_accepted"]
    assert reviewer_done[0]["evaluation_id"] == team.evaluation.id


@pytest.mark.parametrize(
    "body",
    [
        {"due_date": "明年", "version": 1},
        {"version": 99_999_999_999},
        {"note": 5, "version": 1},
        {"owner_id": 3, "version": 1},  # not a field one may set
    ],
)
def test_bad_patch_input_is_a_400_on_its_field(api, team, items, body):
    res = api.as_(team.leader).patch(url(items[0].id), json=body)
    assert res.status_code == 400
    assert res.json["fields"][0]["field"] in body


def test_the_openapi_document_describes_the_rectification_api(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("", "/{item_id}", "/{item_id}/evidence", "/{item_id}/accept", "/{item_id}/reopen"):
        assert f"/api/v1/rectifications{path}" in paths, path
    assert "patch" in paths["/api/v1/rectifications/{item_id}"]


def test_the_bureau_is_told_an_item_waits_and_the_owner_how_it_was_judged(
    api, team, items, session, store, make
):
    other_bureau = make.make_user("finance_reviewer", bureau=make.make_bureau("外县财政局"))

    def told(user) -> list[tuple[str, str]]:
        res = api.as_(user).get("/api/v1/notifications").json
        rows = res["items"] if isinstance(res, dict) else res
        return [(n["kind"], n["link"]) for n in rows if n["kind"].startswith("rectification_")]

    link = f"/rectifications/{items[0].id}"
    hand_in(session, items[0], team.members[0], store)
    assert told(team.reviewer) == [("rectification_handed_in", link)]
    assert told(other_bureau) == [] and told(team.members[0]) == []
    api.as_(team.reviewer).post(url(items[0].id, "/reopen"), json={"reason": "缺12月台账"})
    assert told(team.members[0]) == [("rectification_reviewed", link)]
    body = (
        session.scalars(select(Notification).where(Notification.user_id == team.members[0].id))
        .all()[-1]
        .body
    )
    assert "退回理由：缺12月台账" in body

    # an owner outside the system: the 组长 is told instead
    hand_in(session, items[1], team.leader, store)
    api.as_(team.reviewer).post(url(items[1].id, "/accept"), json={})
    assert ("rectification_reviewed", f"/rectifications/{items[1].id}") in told(team.leader)
