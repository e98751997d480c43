"""The foundation API: tokens, administration, evaluations, documents, errors, OpenAPI."""

from __future__ import annotations

import hashlib
import io

import pytest
from conftest import PASSWORD
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_token_for_good_credentials_only(client, make):
    res = client.post("/api/v1/tokens", json={"username": "admin", "password": PASSWORD})
    assert res.status_code == 201 and len(res.json["token"]) > 20
    res = client.post("/api/v1/tokens", json={"username": "admin", "password": "wrong-pass"})
    assert res.status_code == 401
    assert res.json == {"code": "bad_credentials", "message": "用户名或密码错误"}


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc"])
def test_api_needs_a_valid_token(client, make, header):
    headers = {"Authorization": header} if header else {}
    res = client.get("/api/v1/evaluations", headers=headers)
    assert res.status_code == 401
    assert res.json["code"] == "unauthorized"


def test_admin_creates_bureau_unit_and_users(api, make):
    admin = api.as_(make.admin)
    bureau = admin.post("/api/v1/bureaus", json={"name": "河源市财政局", "region": "河源市"})
    assert bureau.status_code == 201
    unit = admin.post(
        "/api/v1/units", json={"name": "河源市公安局", "bureau_id": bureau.json["id"]}
    )
    assert unit.status_code == 201
    user = admin.post(
        "/api/v1/users",
        json={
            "username": "zhang",
            "password": "long-enough",
            "display_name": "张建明",
            "role": "unit_user",
            "unit_id": unit.json["id"],
        },
    )
    assert user.status_code == 201
    assert user.json["unit_id"] == unit.json["id"] and "password" not in user.json
    reviewer = admin.post(
        "/api/v1/users",
        json={
            "username": "li",
            "password": "long-enough",
            "display_name": "李审核",
            "role": "finance_reviewer",
            "bureau_id": bureau.json["id"],
        },
    )
    assert reviewer.status_code == 201
    renamed = admin.put(
        f"/api/v1/bureaus/{bureau.json['id']}",
        json={"name": "河源市财政局（绩效科）", "region": "河源市"},
    )
    assert renamed.json["name"] == "河源市财政局（绩效科）"
    assert admin.delete(f"/api/v1/bureaus/{bureau.json['id']}").status_code == 400  # in use


def test_user_input_errors_are_structured_and_chinese(api, make):
    admin = api.as_(make.admin)
    res = admin.post("/api/v1/users", json={"username": "x", "role": "boss"})
    assert res.status_code == 400
    assert res.json["code"] == "invalid_input"
    assert res.json["details"]["json"]["display_name"] == ["必填"]
    assert "取值应为" in res.json["details"]["json"]["role"][0]
    res = admin.post(
        "/api/v1/users",
        json={"username": "x", "password": "short", "display_name": "某", "role": "unit_user"},
    )
    assert res.status_code == 400
    assert "密码至少 8 位" in res.json["details"]
    assert {"field": "unit_id", "message": "单位用户必须属于一个已存在的预算单位"} in res.json[
        "fields"
    ]
    dup = admin.post("/api/v1/bureaus", json={"name": make.bureau.name})
    assert dup.status_code == 400 and dup.json["code"] == "duplicate"


def test_non_admin_cannot_administer(api, make):
    user = make.make_user()
    res = api.as_(user).post("/api/v1/bureaus", json={"name": "x"})
    assert res.status_code == 403
    assert res.json["message"] == "仅管理员可以进行此操作"


def test_create_evaluation_with_decimal_amounts(api, make):
    user = make.make_user()
    res = api.as_(user).post(
        "/api/v1/evaluations",
        json={
            "unit_id": make.unit.id,
            "project_name": "智慧新警务第一期项目",
            "year": 2023,
            "kind": "unit_self",
            "budget": "500",
            "funds_received": "500",
            "funds_spent": "500.00",
            "due_date": "2024-04-30",
        },
    )
    assert res.status_code == 201, res.json
    body = res.json
    assert (body["state"], body["round"], body["budget"]) == ("preparation", 1, "500.00")
    assert body["id"] and body["available_actions"] == []  # no group yet, so no 组长


def test_create_evaluation_refuses_other_units_and_bad_input(api, make):
    user = make.make_user()
    other = make.make_unit()
    res = api.as_(user).post(
        "/api/v1/evaluations",
        json={"unit_id": other.id, "project_name": "x", "year": 2023, "kind": "department"},
    )
    assert res.status_code == 400  # as for a missing unit
    assert res.json["fields"] == [{"field": "unit_id", "message": "预算单位不存在"}]
    res = api.as_(user).post(
        "/api/v1/evaluations",
        json={
            "unit_id": make.unit.id,
            "project_name": "x",
            "year": 1900,
            "kind": "guess",
            "budget": "abc",
        },
    )
    assert res.status_code == 400
    assert set(res.json["details"]["json"]) == {"year", "kind", "budget"}


def test_visibility_across_units_and_bureaus(api, make):
    mine = make.make_evaluation()
    other_bureau = make.make_bureau()
    far_unit = make.make_unit(bureau=other_bureau)
    theirs = make.make_evaluation(unit=far_unit)
    reviewer = make.make_user("finance_reviewer", bureau=make.bureau)
    colleague = make.make_user()
    listed = lambda user: {e["id"] for e in api.as_(user).get("/api/v1/evaluations").json}  # noqa: E731
    assert listed(colleague) == {mine.id}
    assert listed(reviewer) == {mine.id}
    assert listed(make.admin) == {mine.id, theirs.id}
    for path in ("", "/audit", "/documents", "/group"):
        assert api.as_(colleague).get(f"/api/v1/evaluations/{theirs.id}{path}").status_code == 404
        assert api.as_(reviewer).get(f"/api/v1/evaluations/{theirs.id}{path}").status_code == 404


def test_list_filters_by_state_and_unit(api, make):
    e = make.make_evaluation()
    admin = api.as_(make.admin)
    assert [x["id"] for x in admin.get("/api/v1/evaluations?state=preparation").json] == [e.id]
    assert admin.get("/api/v1/evaluations?state=archived").json == []
    assert admin.get(f"/api/v1/evaluations?unit_id={make.unit.id + 99}").json == []
    assert admin.get("/api/v1/evaluations?state=nowhere").status_code == 400


def test_group_validation_lists_all_problems(api, make, team):
    stranger = make.make_user(unit=make.make_unit())
    res = api.as_(team.leader).put(
        f"/api/v1/evaluations/{team.evaluation.id}/group",
        json={
            "leader": team.leader.id,
            "deputies": [team.leader.id],
            "members": [stranger.id],
            "approval_policy": "quorum:9",
        },
    )
    assert res.status_code == 400
    assert res.json["details"] == [
        "members：成员须为本单位用户",
        "组长不能同时担任副组长或成员",
        "审批规则要求 9 人同意，但审批人只有 1 人",
    ]
    res = api.as_(team.members[0]).put(
        f"/api/v1/evaluations/{team.evaluation.id}/group", json={"leader": team.members[0].id}
    )
    assert res.status_code == 403


def upload(api, user, evaluation, data: bytes, name: str, category: str = "basis"):
    return api.as_(user).post(
        f"/api/v1/evaluations/{evaluation.id}/documents",
        data={"category": category, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_and_download_keep_bytes_and_hash(api, team, make):
    res = upload(api, team.members[0], team.evaluation, PDF, "立项批复.pdf")
    assert res.status_code == 201, res.json
    assert res.json["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert res.json["filename"] == "立项批复.pdf"
    reviewer = team.reviewer
    got = api.as_(reviewer).get(
        f"/api/v1/evaluations/{team.evaluation.id}/documents/{res.json['id']}"
    )
    assert got.status_code == 200 and got.data == PDF
    assert "attachment" in got.headers["Content-Disposition"]
    stranger = make.make_user(unit=make.make_unit())
    url = f"/api/v1/evaluations/{team.evaluation.id}/documents/{res.json['id']}"
    assert api.as_(stranger).get(url).status_code == 404


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"MZ\x90\x00binary", "setup.exe", "file_type"),
        (b"MZ\x90\x00binary", "方案.pdf", "file_type"),  # renamed: content does not match
        (b"plain text", "notes", "file_type"),
        (b"", "empty.txt", "file_empty"),
        (b"x" * (1024 * 1024 + 1), "big.txt", "file_too_large"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(api, team, data, name, code):
    res = upload(api, team.leader, team.evaluation, data, name)
    assert res.status_code == 400
    assert res.json["code"] == code
    listed = api.as_(team.leader).get(f"/api/v1/evaluations/{team.evaluation.id}/documents").json
    assert listed == []


def test_upload_path_in_filename_is_ignored(api, team, app):
    res = upload(api, team.leader, team.evaluation, b"hello", "../../etc/passwd.txt")
    assert res.status_code == 201
    assert res.json["filename"] == "passwd.txt"


def test_upload_needs_a_category_and_a_file(api, team):
    res = api.as_(team.leader).post(
        f"/api/v1/evaluations/{team.evaluation.id}/documents",
        data={"category": "poster"},
        content_type="multipart/form-data",
    )
    assert res.status_code == 400
    assert set(res.json["details"]) >= {"form"} or "file" in str(res.json["details"])


def test_bad_json_body_is_400(api, make):
    res = api.as_(make.admin).post(
        "/api/v1/bureaus", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert res.status_code == 400
    assert res.json["code"] == "invalid_input"


def test_audit_events_cannot_be_changed(session, team):
    with pytest.raises(DBAPIError):
        session.execute(text("UPDATE audit_events SET comment = 'x'"))
    session.rollback()
    with pytest.raises(DBAPIError):
        session.execute(text("DELETE FROM audit_events"))
    session.rollback()


def test_openapi_document_describes_the_api(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in (
        "/api/v1/tokens",
        "/api/v1/evaluations",
        "/api/v1/evaluations/{evaluation_id}",
        "/api/v1/evaluations/{evaluation_id}/group",
        "/api/v1/evaluations/{evaluation_id}/documents",
        "/api/v1/evaluations/{evaluation_id}/actions/{action}",
        "/api/v1/evaluations/{evaluation_id}/audit",
        "/api/v1/users",
        "/api/v1/units",
        "/api/v1/bureaus",
    ):
        assert path in spec["paths"], path
    schema = spec["components"]["schemas"]["EvaluationIn"]
    assert {"unit_id", "project_name", "year", "kind", "budget"} <= set(schema["properties"])


def test_deleting_a_user_deactivates_them(api, make):
    user = make.make_user()
    token_client = api.as_(user)
    assert api.as_(make.admin).delete(f"/api/v1/users/{user.id}").status_code == 204
    assert token_client.get("/api/v1/evaluations").status_code == 401
    assert api.as_(make.admin).get(f"/api/v1/users/{user.id}").json["active"] is False
    assert api.as_(make.admin).delete(f"/api/v1/users/{make.admin.id}").status_code == 400
