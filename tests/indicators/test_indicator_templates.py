"""指标模板 kept by administrators: the API, the 系统管理 page, and copying into an evaluation."""

from __future__ import annotations

import copy
import json
import re

import pytest
from conftest import put_in_state
from page_helpers import Browser, page

from workflow.indicators.builtin import get_template
from workflow.indicators.tree import iter_leaves

URL = "/api/v1/indicator-templates"


def road_tree() -> list[dict]:
    """A small valid tree: 产出 → 数量 → two leaves weighing 60 and 40."""
    leaves = [
        {
            "code": "1.1.1",
            "name": "道路建设里程",
            "weight": "60",
            "target": "12",
            "unit": "公里",
            "standard": "按实际完成里程占计划里程的比例计分",
            "rule": {"type": "completion"},
        },
        {
            "code": "1.1.2",
            "name": "群众满意度",
            "weight": "40",
            "standard": "按问卷结果由组长打分并说明理由",
            "rule": {"type": "manual"},
        },
    ]
    return [
        {
            "code": "1",
            "name": "产出",
            "children": [{"code": "1.1", "name": "数量", "children": leaves}],
        }
    ]


def road_template(**fields) -> dict:
    return {
        "key": "road_building",
        "title": "农村公路建设",
        "kinds": ["department", "finance"],
        "description": "农村公路建设项目",
        "indicators": road_tree(),
        **fields,
    }


def without_key(body: dict) -> dict:
    return {name: value for name, value in body.items() if name != "key"}


@pytest.fixture
def admin_api(api, make):
    return api.as_(make.admin)


# --- the API --------------------------------------------------------------------------------


def test_a_fresh_database_has_the_three_built_in_templates(api, make):
    res = api.as_(make.make_user()).get(URL)
    assert res.status_code == 200
    assert [(t["key"], t["built_in"]) for t in res.json] == [
        ("national_common", True),
        ("unit_self", True),
        ("xueliang", True),
    ]
    assert res.json[2]["indicators"] == get_template("xueliang").indicators()


def test_admin_adds_edits_and_deletes_a_template(admin_api, make):
    res = admin_api.post(URL, json=road_template())
    assert res.status_code == 201, res.json
    assert res.json["key"] == "road_building" and res.json["built_in"] is False
    assert res.json["updated_by"] == make.admin.id and res.json["updated_at"]
    assert "road_building" in [t["key"] for t in admin_api.get(URL).json]

    body = without_key(road_template(title="农村公路建设（2024版）", kinds=["unit_self"]))
    res = admin_api.put(f"{URL}/road_building", json=body)
    assert res.status_code == 200, res.json
    got = admin_api.get(f"{URL}/road_building").json
    assert got["title"] == "农村公路建设（2024版）" and got["kinds"] == ["unit_self"]

    assert admin_api.delete(f"{URL}/road_building").status_code == 204
    assert admin_api.get(f"{URL}/road_building").status_code == 404
    assert "road_building" not in [t["key"] for t in admin_api.get(URL).json]


def test_non_admin_may_read_templates_but_not_keep_them(api, admin_api, make):
    admin_api.post(URL, json=road_template())
    user = api.as_(make.make_user())
    assert user.get(f"{URL}/road_building").status_code == 200
    for res in (
        user.post(URL, json=road_template(key="other_key")),
        user.put(f"{URL}/road_building", json=without_key(road_template(title="改名"))),
        user.delete(f"{URL}/road_building"),
    ):
        assert res.status_code == 403
        assert res.json["message"] == "仅管理员可以维护指标模板"
    assert admin_api.get(f"{URL}/road_building").json["title"] == "农村公路建设"


def test_a_bad_template_lists_every_problem_at_once(admin_api):
    tree = road_tree()
    leaves = tree[0]["children"][0]["children"]
    leaves[0]["weight"] = "50"
    del leaves[1]["rule"]
    bad = road_template(key="Road-Building", title=" ", kinds=["county"], indicators=tree)
    res = admin_api.post(URL, json=bad)
    assert res.status_code == 400
    details = res.json["details"]
    assert "模板代码须为2～40位小写字母、数字或下划线" in details
    assert "模板名称不能为空" in details
    assert any(d.startswith("评价类型“county”不存在") for d in details)
    assert any("群众满意度" in d and "评分规则" in d for d in details)
    assert "三级指标分值合计为90分，应为100分" in details
    assert len(admin_api.get(URL).json) == 3


def test_a_template_key_is_unique(admin_api):
    assert admin_api.post(URL, json=road_template()).status_code == 201
    res = admin_api.post(URL, json=road_template(key="xueliang"))
    assert res.status_code == 400
    assert res.json["details"] == ["模板代码“xueliang”已存在"]


def test_a_built_in_template_can_be_edited_but_not_deleted(admin_api):
    xueliang = admin_api.get(f"{URL}/xueliang").json
    body = {**without_key(xueliang), "description": "按2024年新版验收标准调整"}
    for name in ("built_in", "updated_by", "updated_at"):
        body.pop(name)
    res = admin_api.put(f"{URL}/xueliang", json=body)
    assert res.status_code == 200, res.json
    assert res.json["description"] == "按2024年新版验收标准调整" and res.json["built_in"] is True

    res = admin_api.delete(f"{URL}/xueliang")
    assert res.status_code == 400
    assert res.json["code"] == "built_in"
    assert "内置模板，可以修改但不能删除" in res.json["message"]
    assert admin_api.get(f"{URL}/xueliang").status_code == 200


def test_unknown_template_is_not_found(admin_api):
    assert admin_api.get(f"{URL}/nope").status_code == 404
    assert admin_api.put(f"{URL}/nope", json=without_key(road_template())).status_code == 404
    res = admin_api.delete(f"{URL}/nope")
    assert res.status_code == 404 and res.json["message"] == "指标模板“nope”不存在"


def test_a_saved_template_is_copied_into_an_evaluation_without_scorers(
    api, admin_api, session, team
):
    tree = road_tree()
    tree[0]["children"][0]["children"][1]["scorer"] = team.members[0].id  # not kept
    assert admin_api.post(URL, json=road_template(indicators=tree)).status_code == 201

    evaluation = put_in_state(session, team.evaluation, "implementation")
    res = api.as_(team.leader).post(
        f"/api/v1/evaluations/{evaluation.id}/indicators/from-template/road_building"
    )
    assert res.status_code == 200, res.json
    assert res.json["valid"] is True
    leaves = list(iter_leaves(res.json["indicators"]))
    assert [(leaf["code"], leaf["weight"], leaf["scorer"]) for leaf in leaves] == [
        ("1.1.1", "60.00", None),
        ("1.1.2", "40.00", None),
    ]


def test_an_edited_built_in_template_is_what_gets_copied(api, admin_api, session, team):
    body = without_key(road_template(title="雪亮工程（新版）"))
    assert admin_api.put(f"{URL}/xueliang", json=body).status_code == 200
    evaluation = put_in_state(session, team.evaluation, "implementation")
    res = api.as_(team.leader).post(
        f"/api/v1/evaluations/{evaluation.id}/indicators/from-template/xueliang"
    )
    assert [leaf["name"] for leaf in iter_leaves(res.json["indicators"])] == [
        "道路建设里程",
        "群众满意度",
    ]


# --- the 系统管理 page ----------------------------------------------------------------------


def test_admin_keeps_a_template_on_the_page_and_problems_keep_the_input(client, auth, make):
    browser = Browser(client, auth, make.admin)
    listing = page(browser.get("/admin/templates"))
    assert "共性指标框架（部门评价、财政评价）" in listing and "内置" in listing
    assert "/admin/templates/xueliang/edit" in listing

    edit = page(browser.get("/admin/templates/xueliang/edit"))
    assert "前端点位建设数量" in edit and 'name="key"' not in edit
    assert "删除模板" not in edit  # a built-in template

    bad_tree = copy.deepcopy(road_tree())
    bad_tree[0]["children"][0]["children"][0]["weight"] = "50"
    form = {
        "key": "road_building",
        "title": "",
        "kinds": ["department"],
        "description": "农村公路",
        "tree": json.dumps(bad_tree, ensure_ascii=False),
    }
    res = browser.post("/admin/templates/new", form)
    assert res.status_code == 400
    html = page(res)
    assert "模板名称不能为空" in html and "三级指标分值合计为90分，应为100分" in html
    assert 'value="road_building"' in html and "道路建设里程" in html

    res = browser.post("/admin/templates/new", {**form, "tree": "[{"})
    assert res.status_code == 400 and "不是有效的 JSON" in page(res)

    good = {**form, "title": "农村公路建设", "tree": json.dumps(road_tree(), ensure_ascii=False)}
    res = browser.post("/admin/templates/new", good)
    assert res.status_code == 302, page(res)
    listing = page(browser.get("/admin/templates"))
    assert "农村公路建设" in listing
    assert re.search(r"/admin/templates/road_building/edit", listing)

    res = browser.post("/admin/templates/road_building/delete", follow_redirects=True)
    assert "指标模板已删除" in page(res) and "农村公路建设" not in page(res)
