"""新增用户: the role defaults to 单位用户, and a unit or bureau the role does not take is a
mistake on that field (it was silently dropped, and an untouched role made a 管理员)."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD
from page_helpers import Browser, page

from workflow.accounts.models import User


def field_errors(html: str, name: str) -> list[str]:
    for block in re.findall(r'<div class="field [^"]*">(.*?)</div>', html, re.S):
        if f'name="{name}"' in block:
            return re.findall(r'<p class="field-error">(.*?)</p>', block, re.S)
    raise AssertionError(f"no field {name} on the page")


def selected(html: str, name: str) -> str:
    """The value a select `name` of the page is set to (what a person who leaves it posts)."""
    select = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r"<option[^>]*>", select)
    chosen = [o for o in options if "selected" in o] or options[:1]  # the browser's choice
    return re.search(r'value="([^"]*)"', chosen[0]).group(1)


def test_a_user_created_with_a_unit_and_the_role_left_alone_is_a_unit_user(
    client, auth, make, session
):
    browser = Browser(client, auth, make.admin)
    form = page(browser.get("/admin/users/new"))
    assert selected(form, "role") == "unit_user"
    data = {
        "username": "zhaomin",
        "display_name": "赵敏",
        "role": selected(form, "role"),
        "unit_id": str(make.unit.id),
        "bureau_id": selected(form, "bureau_id"),
        "password": PASSWORD,
        "active": "y",
    }
    res = browser.post("/admin/users/new", data)
    assert res.status_code == 302, page(res)
    user = session.query(User).filter_by(username="zhaomin").one()
    assert (user.role, user.unit_id) == ("unit_user", make.unit.id)


MISFITS = {
    ("admin", "unit_id"): "管理员不属于预算单位：请清空所属预算单位，或改选角色",
    ("unit_user", "bureau_id"): "单位用户不属于财政局：请清空所属财政局，或改选角色",
    ("finance_reviewer", "unit_id"): "财政局审核人不属于预算单位：请清空所属预算单位，或改选角色",
}


@pytest.mark.parametrize(("role", "chosen"), list(MISFITS))
def test_a_role_that_does_not_fit_the_unit_or_bureau_is_a_field_error_on_the_page(
    client, auth, make, session, role, chosen
):
    browser = Browser(client, auth, make.admin)
    ids = {"unit_id": make.unit.id, "bureau_id": make.bureau.id}
    data = {"username": "zhaomin", "display_name": "赵敏", "role": role, "password": PASSWORD}
    data |= {"unit_id": "", "bureau_id": ""}
    if role == "unit_user":
        data["unit_id"] = str(make.unit.id)
    if role == "finance_reviewer":
        data["bureau_id"] = str(make.bureau.id)
    data[chosen] = str(ids[chosen])
    res = browser.post("/admin/users/new", data)
    assert res.status_code == 400
    assert MISFITS[role, chosen] in field_errors(page(res), chosen)
    assert session.query(User).filter_by(username="zhaomin").first() is None


def test_api_creates_a_unit_user_when_no_role_is_given(api, make):
    res = api.as_(make.admin).post(
        "/api/v1/users",
        json={
            "username": "zhao",
            "password": "long-enough",
            "display_name": "赵敏",
            "unit_id": make.unit.id,
        },
    )
    assert res.status_code == 201, res.json
    assert (res.json["role"], res.json["unit_id"]) == ("unit_user", make.unit.id)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "admin", "unit_id": "unit"}, "unit_id"),
        ({"role": "admin", "bureau_id": "bureau"}, "bureau_id"),
        ({"bureau_id": "bureau", "unit_id": "unit"}, "bureau_id"),
        ({"role": "finance_reviewer", "bureau_id": "bureau", "unit_id": "unit"}, "unit_id"),
        ({"role": "finance_reviewer"}, "bureau_id"),
        ({}, "unit_id"),
    ],
)
def test_api_refuses_a_role_that_does_not_fit_naming_the_field(api, make, body, field):
    ids = {"unit": make.unit.id, "bureau": make.bureau.id}
    body = {k: ids.get(v, v) for k, v in body.items()}
    res = api.as_(make.admin).post(
        "/api/v1/users",
        json={"username": "zhao", "password": "long-enough", "display_name": "赵敏", **body},
    )
    assert res.status_code == 400
    assert [f["field"] for f in res.json["fields"]] == [field]
    assert "_id" not in res.json["fields"][0]["message"]


def test_editing_a_user_through_the_api_still_names_the_role(api, make):
    user = make.make_user()
    res = api.as_(make.admin).put(
        f"/api/v1/users/{user.id}",
        json={"username": user.username, "display_name": "改名", "unit_id": make.unit.id},
    )
    assert res.status_code == 400
    assert res.json["details"]["json"]["role"] == ["必填"]
