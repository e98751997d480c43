"""评价指标体系 through the API: templates, editing the tree, validation, the 组织实施 guards."""

from __future__ import annotations

import copy

import pytest
from conftest import put_in_state

from workflow.indicators.builtin import get_template
from workflow.indicators.tree import iter_leaves


def url(evaluation, suffix: str = "") -> str:
    return f"/api/v1/evaluations/{evaluation.id}/indicators{suffix}"


@pytest.fixture
def implementing(session, team):
    """The team's evaluation in 组织实施."""
    return put_in_state(session, team.evaluation, "implementation")


def leaf(code: str, name: str, weight: str, rule: dict, **extra) -> dict:
    return {"code": code, "name": name, "weight": weight, "rule": rule, **extra}


def branch(code: str, name: str, *children: dict) -> dict:
    return {"code": code, "name": name, "children": list(children)}


def without_branch_weights(nodes: list[dict]) -> list[dict]:
    """Branch weights are derived from the children; drop them before re-weighting leaves."""
    for node in nodes:
        if "children" in node:
            node.pop("weight", None)
            without_branch_weights(node["children"])
    return nodes


def test_templates_are_listed_with_their_trees(api, team):
    res = api.as_(team.members[0]).get("/api/v1/indicator-templates")
    assert res.status_code == 200
    by_key = {t["key"]: t for t in res.json}
    assert set(by_key) == {"national_common", "unit_self", "xueliang"}
    assert [n["name"] for n in by_key["national_common"]["indicators"]] == [
        "决策",
        "过程",
        "产出",
        "效益",
    ]
    assert [n["weight"] for n in by_key["unit_self"]["indicators"]] == ["50", "30", "10", "10"]


def test_deputy_copies_a_template_and_the_timeline_records_it(api, team, implementing):
    res = api.as_(team.deputies[0]).post(url(implementing, "/from-template/xueliang"))
    assert res.status_code == 200, res.json
    assert res.json["valid"] is True and res.json["errors"] == []
    got = api.as_(team.members[0]).get(url(implementing)).json
    expected = get_template("xueliang").indicators()
    assert [n["code"] for n in iter_leaves(got["indicators"])] == [
        n["code"] for n in iter_leaves(expected)
    ]
    assert [n["weight"] for n in got["indicators"]] == ["20.00", "40.00", "40.00"]
    assert got["editable"] is False  # a 成员 reads it, the 组长/副组长 edit it
    audit = api.as_(team.leader).get(f"/api/v1/evaluations/{implementing.id}/audit").json
    assert audit[-1]["action"] == "indicators_from_template"
    assert "雪亮工程" in audit[-1]["comment"]


def test_unknown_template_is_not_found(api, team, implementing):
    res = api.as_(team.leader).post(url(implementing, "/from-template/nope"))
    assert res.status_code == 404
    assert "nope" in res.json["message"]


def test_every_tree_problem_is_reported_at_once(api, team, implementing):
    received = {"type": "rate", "measure": "funds_received"}
    tree = [
        branch(
            "1",
            "过程",
            branch(
                "1.1",
                "资金管理",
                leaf("1.1.1", "预算执行率", "10", {"type": "rate"}),
                leaf("1.1.1", "资金到位率", "10", received),
            ),
            branch("1.2", "组织实施"),
        ),
        {
            **branch(
                "2", "产出", branch("2.1", "数量", leaf("2.1.1", "完成率", "50", {"type": "magic"}))
            ),
            "weight": "60",
        },
    ]
    res = api.as_(team.leader).put(url(implementing), json={"indicators": tree})
    assert res.status_code == 400
    assert res.json["code"] == "invalid_input"
    details = res.json["details"]
    assert any("计量方式" in d for d in details)  # rate rule without its parameter
    assert any("组织实施" in d and "没有下级指标" in d for d in details)
    assert any("magic" in d for d in details)
    assert any("分值为60分" in d and "50分" in d for d in details)
    assert any("1.1.1" in d and "重复" in d for d in details)
    assert any("合计为70分" in d for d in details)
    assert len(details) >= 6
    assert api.as_(team.leader).get(url(implementing)).json["indicators"] == []  # nothing saved


def test_what_get_returns_can_be_put_back(api, team, implementing):
    api.as_(team.leader).post(url(implementing, "/from-template/national_common"))
    tree = api.as_(team.leader).get(url(implementing)).json["indicators"]
    tree[0]["children"][0]["children"][0]["scorer"] = team.members[0].id
    res = api.as_(team.leader).put(url(implementing), json={"indicators": tree})
    assert res.status_code == 200, res.json
    assert res.json["indicators"] == tree


def test_group_edits_the_tree_rename_move_reweight_delete(api, team, implementing):
    api.as_(team.leader).post(url(implementing, "/from-template/unit_self"))
    tree = api.as_(team.leader).get(url(implementing)).json["indicators"]
    output, benefit = without_branch_weights(tree)[:2]
    moved = output["children"].pop(3)  # 成本指标 (5) moves under 效益 …
    moved["children"][0]["name"] = "成本控制率"  # … and is renamed
    benefit["children"].append(moved)
    del output["children"][2]  # 时效指标 (10) is deleted
    output["children"][0]["children"][0]["weight"] = "25"  # 数量 20 → 25
    benefit["children"][0]["children"][0]["weight"] = "10"  # 经济效益 5 → 10
    res = api.as_(team.deputies[1]).put(url(implementing), json={"indicators": tree})
    assert res.status_code == 200, res.json
    assert [n["weight"] for n in res.json["indicators"]] == ["40.00", "40.00", "10.00", "10.00"]
    assert res.json["indicators"][1]["children"][-1]["children"][0]["name"] == "成本控制率"
    assert res.json["warnings"] == []  # a 部门评价: the 单位自评 defaults do not apply


def test_self_evaluation_weights_warn_but_do_not_block(api, make, session):
    from conftest import Team

    team = Team(make)
    team.evaluation.kind = "unit_self"
    session.commit()
    evaluation = put_in_state(session, team.evaluation, "implementation")
    res = api.as_(team.leader).post(url(evaluation, "/from-template/unit_self"))
    assert res.json["valid"] is True and res.json["warnings"] == []
    tree = without_branch_weights(copy.deepcopy(res.json["indicators"]))
    tree[0]["children"][0]["children"][0]["weight"] = "25"  # 数量 20 → 25: 产出 55
    tree[1]["children"][1]["children"][0]["weight"] = "10"  # 社会效益 15 → 10: 效益 25
    res = api.as_(team.leader).put(url(evaluation), json={"indicators": tree})
    assert res.status_code == 200, res.json
    assert res.json["warnings"] == [
        "一级指标“产出”分值为55分，单位自评原则上为50分",
        "一级指标“效益”分值为25分，单位自评原则上为30分",
    ]


def test_scorer_must_belong_to_the_working_group(api, make, team, implementing):
    outsider = make.make_user()
    tree = get_template("xueliang").indicators()
    tree[0]["children"][0]["children"][0]["scorer"] = outsider.id
    res = api.as_(team.leader).put(url(implementing), json={"indicators": tree})
    assert res.status_code == 400
    assert "不是本评价工作组成员" in res.json["details"][0]


@pytest.mark.parametrize("who", ["member", "reviewer"])
def test_only_leader_and_deputies_edit_the_tree(api, team, implementing, who):
    user = team.members[0] if who == "member" else team.reviewer
    res = api.as_(user).post(url(implementing, "/from-template/xueliang"))
    assert res.status_code == 403


def test_tree_is_fixed_outside_implementation(api, team, session):
    analysing = put_in_state(session, team.evaluation, "analysis")
    res = api.as_(team.leader).put(
        url(analysing), json={"indicators": get_template("xueliang").indicators()}
    )
    assert res.status_code == 403


def test_another_units_tree_is_invisible(api, make, team, implementing):
    stranger = make.make_user(unit=make.make_unit())
    assert api.as_(stranger).get(url(implementing)).status_code == 404
    assert api.as_(stranger).post(url(implementing, "/from-template/xueliang")).status_code == 404


def advance(api, user, evaluation):
    return api.as_(user).post(f"/api/v1/evaluations/{evaluation.id}/actions/advance", json={})


def test_leaving_implementation_needs_indicators_and_required_tasks(api, team, implementing):
    tasks_url = f"/api/v1/evaluations/{implementing.id}/tasks"
    member = team.members[0]
    task = (
        api.as_(team.leader)
        .post(
            tasks_url,
            json={"kind": "collect", "title": "收集合同与验收资料", "assignee": member.id},
        )
        .json
    )
    api.as_(team.leader).post(
        tasks_url, json={"kind": "survey", "title": "补充问卷", "required": False}
    )
    res = advance(api, team.leader, implementing)
    assert res.status_code == 409
    assert sorted(res.json["details"]) == [  # every unmet guard at once
        "尚未设置评价指标体系",
        "必做任务“收集合同与验收资料”尚未完成",
    ]
    assert (
        api.as_(team.leader).get(f"/api/v1/evaluations/{implementing.id}").json["unmet_guards"]
        == res.json["details"]
    )

    api.as_(team.leader).post(url(implementing, "/from-template/xueliang"))
    api.as_(member).post(f"/api/v1/tasks/{task['id']}/complete", json={"note": "已收集齐全"})
    res = advance(api, team.leader, implementing)
    assert res.status_code == 200, res.json
    assert res.json["state"] == "analysis"  # the optional survey task did not block it


def test_ready_to_advance_helper_passes_the_new_guards(api, team, implementing, ready_to_advance):
    ready_to_advance(implementing)
    assert advance(api, team.leader, implementing).json["state"] == "analysis"
    ready_to_advance(implementing)
    res = advance(api, team.leader, implementing)
    assert res.json["state"] == "reporting", res.json
