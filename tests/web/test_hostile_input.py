"""Hostile input is refused at the door: an id that cannot exist is a 404, a number beyond its
column, a NUL byte, a lone surrogate, JSON nested or numbered past reason are a 400 with a field
error in Chinese, never a 500 from the database."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD, put_in_state
from page_helpers import Browser, page
from sqlalchemy.exc import DataError

from workflow.indicators import queries as indicator_queries

TOO_BIG = 2**31  # one past PostgreSQL's `integer`


def field_names(res) -> set[str]:
    return {f["field"] for f in res.json["fields"]}


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/evaluations/{TOO_BIG}",
        f"/api/v1/evaluations/{TOO_BIG}/group",
        f"/api/v1/tasks/{2**32}",
        f"/api/v1/evaluations/1/documents/{2**40}",
        f"/api/v1/users/{10**30}",
    ],
)
def test_an_api_id_beyond_the_column_is_404(api, make, url):
    res = api.as_(make.admin).get(url)
    assert res.status_code == 404
    assert res.json["code"] == "not_found"


@pytest.mark.parametrize(
    "url", [f"/evaluations/{TOO_BIG}", f"/tasks/{2**32}", f"/admin/users/{TOO_BIG}/edit"]
)
def test_a_page_id_beyond_the_column_is_404(client, auth, make, url):
    Browser(client, auth, make.admin)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["year", "unit_id"])
def test_a_query_number_beyond_the_column_is_400_with_its_field(api, make, name):
    res = api.as_(make.admin).get(f"/api/v1/evaluations?{name}=99999999999")
    assert res.status_code == 400
    assert name in field_names(res)
    assert "超出范围" in res.json["message"]


def test_a_page_filter_beyond_the_column_is_ignored(client, auth, make):
    Browser(client, auth, make.admin)
    assert client.get("/evaluations?unit_id=99999999999").status_code == 200


@pytest.mark.parametrize("path", ["/evaluations", "/portfolio", "/rectifications"])
def test_a_lists_export_links_carry_its_filters_not_any_argument(client, auth, make, path):
    Browser(client, auth, make.admin)
    html = page(client.get(f"{path}?fmt=pdf&page=2&kind=&overdue=1"))
    links = re.findall(r'href="([^"]*export\.xlsx[^"]*)"', html)
    assert len(links) == 1 and "fmt=" not in links[0] and "page=" not in links[0], links
    assert "kind=" not in links[0]


@pytest.mark.parametrize("version", ["99999999999", "²", "9" * 5000])
def test_a_page_version_past_reason_is_no_version(client, auth, team, version):
    browser = Browser(client, auth, team.leader)
    res = browser.post(
        f"/evaluations/{team.evaluation.id}/actions/advance",
        {"version": version},
        follow_redirects=True,
    )
    assert res.status_code in (200, 409)


def test_group_members_beyond_the_column_are_400(api, team):
    res = api.as_(team.leader).put(
        f"/api/v1/evaluations/{team.evaluation.id}/group",
        json={"leader": team.leader.id, "members": [1099511627776]},
    )
    assert res.status_code == 400
    assert field_names(res) == {"members.0"}


def test_a_page_group_member_beyond_the_column_is_400(client, auth, team):
    browser = Browser(client, auth, team.leader)
    res = browser.post(
        f"/evaluations/{team.evaluation.id}/group",
        {"leader": str(team.leader.id), "members": "1099511627776", "policy": "all"},
    )
    assert res.status_code == 400
    assert "选择无效" in page(res)  # refused at the field, not by the database


def test_a_nul_byte_in_json_text_is_400_naming_the_field(api, make):
    res = api.as_(make.admin).post("/api/v1/bureaus", json={"name": "某\x00财政局"})
    assert res.status_code == 400
    assert res.json["fields"] == [{"field": "name", "message": "不能包含空字符或无效字符"}]


def test_a_lone_surrogate_in_json_is_400(api, make):
    res = api.as_(make.admin).post(
        "/api/v1/bureaus",
        data='{"name": "\\ud800财政局"}',
        headers={"Content-Type": "application/json"},
    )
    assert res.status_code == 400
    assert field_names(res) == {"name"}


def test_a_multipart_part_without_a_name_is_no_500(api, team):
    """Found by schemathesis: a form part with no name reached the text screen as None."""
    body = b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"
    res = api.as_(team.leader).post(
        f"/api/v1/evaluations/{team.evaluation.id}/documents",
        data=body,
        content_type="multipart/form-data; boundary=b",
    )
    assert res.status_code == 400, res.json
    assert (res.json["code"], res.json["message"]) == ("invalid_input", "表单中有未命名的字段")


@pytest.mark.parametrize(
    "body",
    [{"username": "ad\x00min", "password": PASSWORD}, {"username": "admin", "password": "\x00"}],
)
def test_anonymous_token_request_with_a_nul_byte_is_400(client, make, body):
    res = client.post("/api/v1/tokens", json=body)
    assert res.status_code == 400
    assert res.json["code"] == "invalid_input"


def test_anonymous_login_with_a_nul_byte_is_400(client, auth, make):
    res = client.post(
        "/login",
        data={"username": "ad\x00min", "password": PASSWORD, "csrf_token": auth.csrf_token()},
    )
    assert res.status_code == 400
    assert "不能包含空字符或无效字符" in page(res)


@pytest.mark.parametrize("path", ["/indicators/%00/score", "/report/sections/a%00b/versions"])
def test_a_nul_byte_in_a_path_names_nothing(api, team, path):
    res = api.as_(team.leader).put(f"/api/v1/evaluations/{team.evaluation.id}{path}", json={})
    assert res.status_code == 404


def test_a_nul_byte_in_a_query_string_is_400(api, make):
    res = api.as_(make.admin).get("/api/v1/evaluations?state=%00")
    assert res.status_code == 400
    assert field_names(res) == {"state"}


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, '{"name": ' + "9" * 5000 + "}", '{"name": NaN}'],
    ids=["deep", "5000-digits", "nan"],
)
def test_json_nested_or_numbered_past_reason_is_400(api, make, body):
    res = api.as_(make.admin).post(
        "/api/v1/bureaus", data=body, headers={"Content-Type": "application/json"}
    )
    assert res.status_code == 400
    assert res.json["code"] == "invalid_input"


def test_a_4000_digit_id_is_400(api, make):
    res = api.as_(make.admin).post(
        "/api/v1/units",
        data='{"name": "某单位", "bureau_id": ' + "9" * 4000 + "}",
        headers={"Content-Type": "application/json"},
    )
    assert res.status_code == 400
    assert field_names(res) == {"bureau_id"}


@pytest.fixture
def completion_leaf(session, team, ready_to_advance):
    put_in_state(session, team.evaluation, "implementation")
    ready_to_advance(team.evaluation)
    put_in_state(session, team.evaluation, "analysis")
    nodes = indicator_queries.load_nodes(session, team.evaluation)
    leaf = next(n for n in indicator_queries.leaves(nodes) if n.rule_type == "completion")
    return f"/api/v1/evaluations/{team.evaluation.id}/indicators/{leaf.code}/score"


@pytest.mark.parametrize("score", ["1e309", "1e30", "sNaN", "Infinity", 1e300])
def test_an_overflowing_score_input_is_400(api, team, completion_leaf, score):
    res = api.as_(team.leader).put(completion_leaf, json={"actual": score, "reason": "依据"})
    assert res.status_code == 400, res.json
    assert res.json["code"] == "invalid_input"


def test_a_data_error_is_400_and_its_page_renders(client, auth, make, monkeypatch, is_postgres):
    """The last resort: whatever still reaches the database out of range is a 400, and the
    error page renders although the transaction is broken (it is rolled back first)."""
    from sqlalchemy import text

    from workflow.lifecycle import queries

    def broken(session, *args, **kwargs):
        if is_postgres:
            session.execute(text("SELECT CAST(:n AS integer)"), {"n": 2**40})
        raise DataError("SELECT", {}, ValueError("integer out of range"))

    Browser(client, auth, make.admin)
    monkeypatch.setattr(queries, "list_visible", broken)
    res = client.get("/evaluations")
    assert res.status_code == 400
    assert "输入有误" in page(res)
    monkeypatch.undo()
    assert client.get("/evaluations").status_code == 200


def test_every_api_integer_is_a_bounded_one():
    """The API's schemas take their integers from `web.schemas.Integer` (one rule for the
    range), never marshmallow's unbounded `fields.Integer`."""
    from pathlib import Path

    web = Path(__file__).resolve().parents[2] / "web"
    unbounded = [
        str(path.relative_to(web))
        for path in web.rglob("*.py")
        if path.name != "schemas.py" or path.parent != web
        if "fields.Integer(" in path.read_text() or "fields.Int(" in path.read_text()
    ]
    assert unbounded == []


@pytest.mark.parametrize("amount", [1.6330718075173669e308, 4.076621539791937e201, "1e+300"])
def test_an_amount_too_large_to_round_is_a_400(api, make, team, amount):
    """Found by schemathesis: a number so large it cannot be rounded to the 分 (a
    decimal.InvalidOperation) is refused as out of range, in a fund source and a decision rule."""
    res = api.as_(team.leader).post(
        "/api/v1/evaluations",
        json={
            "unit_id": team.evaluation.unit_id,
            "project_name": "超大金额",
            "year": 2024,
            "kind": "department",
            "fund_sources": [{"source": "fiscal", "budget": amount}],
        },
    )
    assert res.status_code == 400, res.json
    rules = {"rules": [{"grade": "中", "decision": "reduce", "percentage": amount}]}
    res = api.as_(make.admin).put("/api/v1/decision-rules", json=rules)
    assert res.status_code == 400, res.json
