"""评价文件 can be deleted (soft, with a reason, on the audit trail), replaced and re-categorised
while the stage is open, never once 已归档; a deleted 评价工作方案 does not count for leaving
前期准备; deleted files' bytes go at 归档, their rows stay."""

from __future__ import annotations

import io

import pytest
from conftest import put_in_state
from page_helpers import Browser, page
from report_helpers import complete_report, to_reporting

from workflow.lifecycle import operations as lifecycle

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(api, user, ev, category="work_plan", name="评价工作方案.pdf"):
    res = api.as_(user).post(
        f"/api/v1/evaluations/{ev.id}/documents",
        data={"category": category, "file": (io.BytesIO(PDF), name)},
        content_type="multipart/form-data",
    )
    assert res.status_code == 201, res.json
    return res.json


def doc_url(ev, doc) -> str:
    return f"/api/v1/evaluations/{ev.id}/documents/{doc['id']}"


def listed(api, user, ev, query="") -> list[int]:
    res = api.as_(user).get(f"/api/v1/evaluations/{ev.id}/documents{query}")
    assert res.status_code == 200
    return [d["id"] for d in res.json]


def unmet(api, user, ev) -> list[str]:
    return api.as_(user).get(f"/api/v1/evaluations/{ev.id}").json["unmet_guards"]


def test_a_deleted_document_leaves_the_list_and_keeps_its_record(api, team):
    ev = team.evaluation
    doc = upload(api, team.leader, ev)
    res = api.as_(team.leader).delete(doc_url(ev, doc), json={"reason": "误传，应为依据文件"})
    assert res.status_code == 200, res.json
    assert res.json["deleted"] is True and res.json["delete_reason"] == "误传，应为依据文件"
    assert res.json["deleted_by"] == team.leader.id and res.json["deleted_at"]
    assert listed(api, team.leader, ev) == []
    assert listed(api, team.leader, ev, "?deleted=1") == [doc["id"]]
    assert api.as_(team.leader).get(doc_url(ev, doc)).data == PDF  # the file is kept
    audit = api.as_(team.leader).get(f"/api/v1/evaluations/{ev.id}/audit").json
    assert audit[-1]["action"] == "document_deleted"
    assert audit[-1]["comment"] == "评价工作方案：评价工作方案.pdf（误传，应为依据文件）"
    assert api.as_(team.leader).delete(doc_url(ev, doc), json={"reason": "x"}).status_code == 404


def test_deleting_needs_a_reason(api, team):
    doc = upload(api, team.leader, team.evaluation)
    res = api.as_(team.leader).delete(doc_url(team.evaluation, doc), json={})
    assert res.status_code == 400
    assert res.json["fields"] == [{"field": "reason", "message": "删除文件须写明理由"}]


def test_a_deleted_or_recategorised_work_plan_does_not_count(api, team):
    ev = team.evaluation
    doc = upload(api, team.leader, ev)
    assert "缺少评价工作方案" not in unmet(api, team.leader, ev)
    api.as_(team.leader).delete(doc_url(ev, doc), json={"reason": "误传"})
    assert "缺少评价工作方案" in unmet(api, team.leader, ev)

    doc = upload(api, team.leader, ev)
    res = api.as_(team.leader).patch(doc_url(ev, doc), json={"category": "basis"})
    assert res.status_code == 200 and res.json["category"] == "basis"
    assert "缺少评价工作方案" in unmet(api, team.leader, ev)
    audit = api.as_(team.leader).get(f"/api/v1/evaluations/{ev.id}/audit").json
    assert audit[-1]["comment"] == "评价工作方案.pdf：评价工作方案 → 依据文件"
    res = api.as_(team.leader).patch(doc_url(ev, doc), json={"category": "poster"})
    assert res.status_code == 400


def test_replacing_a_document_keeps_the_old_one_as_deleted(api, team):
    ev = team.evaluation
    old = upload(api, team.members[0], ev, "basis", "立项批复.pdf")
    res = api.as_(team.members[0]).post(
        f"{doc_url(ev, old)}/replace",
        data={"file": (io.BytesIO(PDF), "立项批复（盖章版）.pdf")},
        content_type="multipart/form-data",
    )
    assert res.status_code == 201, res.json
    new = res.json
    assert (new["category"], new["filename"]) == ("basis", "立项批复（盖章版）.pdf")
    assert listed(api, team.leader, ev) == [new["id"]]
    (gone,) = [
        d
        for d in api.as_(team.leader).get(f"/api/v1/evaluations/{ev.id}/documents?deleted=1").json
        if d["id"] == old["id"]
    ]
    assert gone["replaced_by"] == new["id"] and "立项批复（盖章版）.pdf" in gone["delete_reason"]


@pytest.mark.parametrize("state", ["archived", "cancelled"])
def test_nothing_changes_once_the_evaluation_is_closed(api, make, team, session, state):
    doc = upload(api, team.leader, team.evaluation, "basis", "合同.pdf")
    ev = put_in_state(session, team.evaluation, state)
    res = api.as_(team.leader).delete(doc_url(ev, doc), json={"reason": "误传"})
    assert res.status_code == 409 and res.json["code"] == "stage_closed"
    res = api.as_(make.admin).patch(doc_url(ev, doc), json={"category": "other"})
    assert res.status_code == 409
    assert listed(api, team.leader, ev) == [doc["id"]]


# who uploaded → who changes it: (uploader, actor) → status
MATRIX = [
    ("member0", "member0", 200),  # their own upload
    ("member0", "member1", 403),
    ("member0", "deputy", 403),
    ("member0", "leader", 200),
    ("member0", "creator", 200),
    ("member0", "admin", 200),
    ("member0", "reviewer", 403),
    ("member0", "other_unit_user", 404),
    ("leader", "member0", 403),
]


@pytest.mark.parametrize(("uploader", "actor", "status"), MATRIX)
@pytest.mark.parametrize("change", ["delete", "patch", "replace"])
def test_who_may_change_a_document(api, make, team, uploader, actor, status, change):
    creator = make.make_user()
    people = {
        "member0": team.members[0],
        "member1": team.members[1],
        "deputy": team.deputies[0],
        "leader": team.leader,
        "creator": creator,
        "admin": make.admin,
        "reviewer": team.reviewer,
        "other_unit_user": make.make_user(unit=make.make_unit()),
    }
    ev = team.evaluation
    if actor == "creator":  # an evaluation opened by someone outside its group
        ev = make.make_evaluation(creator=creator)
        lifecycle.set_group(
            make.session,
            creator,
            ev.id,
            lifecycle.GroupSpec(
                leader=team.leader.id, deputies=[], members=[team.members[0].id], approvers=[]
            ),
        )
    doc = upload(api, people[uploader], ev, "basis", "合同.pdf")
    client = api.as_(people[actor])
    if change == "delete":
        res = client.delete(doc_url(ev, doc), json={"reason": "误传"})
    elif change == "patch":
        res = client.patch(doc_url(ev, doc), json={"category": "other"})
    else:
        res = client.post(
            f"{doc_url(ev, doc)}/replace",
            data={"file": (io.BytesIO(PDF), "合同2.pdf")},
            content_type="multipart/form-data",
        )
    assert res.status_code == (201 if status == 200 and change == "replace" else status)


# --- 归档 ------------------------------------------------------------------------------------


def test_archiving_removes_the_bytes_of_deleted_documents_only(api, team, session, store):
    evaluation = to_reporting(session, team, store)
    complete_report(session, team, evaluation)
    kept = upload(api, team.leader, evaluation, "basis", "合同.pdf")
    gone = upload(api, team.leader, evaluation, "other", "草稿.pdf")
    api.as_(team.leader).delete(doc_url(evaluation, gone), json={"reason": "草稿，不作依据"})

    def act(user, action):
        res = api.as_(user).post(
            f"/api/v1/evaluations/{evaluation.id}/actions/{action}", json={"comment": "同意"}
        )
        assert res.status_code == 200, res.json

    act(team.leader, "advance")
    for approver in team.approvers:
        act(approver, "approve")
    act(team.reviewer, "approve")
    assert api.as_(team.leader).get(f"/api/v1/evaluations/{evaluation.id}").json["state"] == (
        "archived"
    )
    assert api.as_(team.leader).get(doc_url(evaluation, kept)).data == PDF
    assert api.as_(team.leader).get(doc_url(evaluation, gone)).status_code == 404
    assert gone["id"] in listed(api, team.leader, evaluation, "?deleted=1")  # the row stays


# --- the page -------------------------------------------------------------------------------


def test_the_page_deletes_and_recategorises_with_the_reason_shown(client, auth, api, team):
    ev = team.evaluation
    mine = upload(api, team.members[0], ev, "basis", "合同.pdf")
    theirs = upload(api, team.leader, ev, "work_plan", "评价工作方案.pdf")
    browser = Browser(client, auth, team.members[0])
    html = page(browser.get(f"/evaluations/{ev.id}"))
    row = html.split(f'id="document-{mine["id"]}"')[1].split("</tr>")[0]
    assert "删除理由" in row and "修改类别" in row and "替换" in row
    assert "删除理由" not in html.split(f'id="document-{theirs["id"]}"')[1].split("</tr>")[0]

    url = f"/evaluations/{ev.id}/documents/{mine['id']}"
    res = browser.post(f"{url}/delete", {"reason": ""}, follow_redirects=True)
    assert "删除文件须写明理由" in page(res)
    res = browser.post(f"{url}/category", {"category": "evidence"}, follow_redirects=True)
    assert "文件类别已修改" in page(res)
    res = browser.post(f"{url}/delete", {"reason": "重复上传"}, follow_redirects=True)
    html = page(res)
    assert "文件已删除" in html
    assert f'id="document-{mine["id"]}"' not in html
    deleted = html.split('class="deleted-documents"')[1].split("</details>")[0]
    assert "合同.pdf" in deleted and "理由：重复上传" in deleted


def test_the_api_document_describes_the_document_changes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    item = paths["/api/v1/evaluations/{evaluation_id}/documents/{document_id}"]
    assert {"get", "delete", "patch"} <= set(item)
    assert "post" in paths["/api/v1/evaluations/{evaluation_id}/documents/{document_id}/replace"]
