"""评价指标体系: tree validation (every problem at once), the 单位自评 warning and the templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from workflow.indicators.builtin import get_template, list_templates
from workflow.indicators.tree import (
    find_node,
    iter_leaves,
    node_weight,
    self_evaluation_weight_warnings,
    validate_tree,
)
from workflow.kernel.errors import NotFound
from workflow.scoring.rules import RULE_TYPES, Amounts, build_scorecard, compute_score

D = Decimal


def leaf(code: str, weight: Any = "10", rule: dict | None = None, **extra: Any) -> dict:
    node = {
        "code": code,
        "name": f"指标{code}",
        "weight": weight,
        "target": "",
        "unit": "",
        "standard": "",
        "rule": rule or {"type": "tiered"},
        "scorer": None,
        "direction": "positive",
    }
    return {**node, **extra}


def branch(code: str, name: str, *children: dict, **extra: Any) -> dict:
    return {"code": code, "name": name, "children": list(children), **extra}


def valid_tree() -> list[dict]:
    return [
        branch(
            "1",
            "产出",
            branch("1.1", "数量", leaf("1.1.1", "30"), leaf("1.1.2", "20")),
            weight="50",
        ),
        branch("2", "效益", branch("2.1", "社会效益", leaf("2.1.1", "30"))),
        branch(
            "3",
            "服务对象满意度",
            branch("3.1", "满意度", leaf("3.1.1", "10", {"type": "survey"})),
        ),
        branch(
            "4",
            "预算执行率",
            branch(
                "4.1",
                "预算执行",
                leaf("4.1.1", "10", {"type": "rate", "measure": "budget_execution"}),
            ),
        ),
    ]


# --- validation -------------------------------------------------------------------------------


def test_valid_tree_has_no_problems():
    assert validate_tree(valid_tree()) == []


def test_empty_tree_is_refused():
    assert validate_tree([]) == ["指标体系为空，请至少设置一个一级指标"]


def test_leaf_weights_must_add_up_to_exactly_100():
    tree = valid_tree()
    tree[1]["children"][0]["children"][0]["weight"] = "29.99"
    assert validate_tree(tree) == ["三级指标分值合计为99.99分，应为100分"]


def test_branch_weight_must_equal_its_childrens_sum():
    tree = valid_tree()
    tree[0]["weight"] = "40"
    assert validate_tree(tree) == ["一级指标“产出”（1）的分值为40分，但下级指标分值合计为50分"]


def test_codes_must_be_unique():
    tree = valid_tree()
    tree[1]["children"][0]["children"][0]["code"] = "1.1.1"
    assert validate_tree(tree) == ["指标代码“1.1.1”重复，代码须唯一"]


def test_tree_must_have_exactly_three_levels():
    tree = valid_tree()
    tree[1]["children"] = [leaf("2.1", "30")]  # a leaf at level 2
    tree[2]["children"][0]["children"][0] = branch("3.1.1", "过深", leaf("3.1.1.1", "10"))
    assert validate_tree(tree) == [
        "二级指标“指标2.1”（2.1）位于二级，须包含下级指标（指标体系须为三级）",
        "三级指标“过深”（3.1.1）不能再设下级指标，指标体系只有三级",
    ]


def test_weights_must_be_positive_decimals_with_two_places():
    tree = valid_tree()
    leaves = tree[0]["children"][0]["children"]
    leaves[0]["weight"] = "29.995"
    leaves[1]["weight"] = "0"
    tree[1]["children"][0]["children"][0]["weight"] = "三十"
    problems = validate_tree(tree)
    assert problems[:3] == [
        "三级指标“指标1.1.1”（1.1.1）：分值最多保留两位小数",
        "三级指标“指标1.1.2”（1.1.2）的分值须大于0",
        "三级指标“指标2.1.1”（2.1.1）：分值须为数字，收到“三十”",
    ]


def test_unusable_weights_are_named_in_the_total_not_counted_as_zero():
    tree = valid_tree()
    leaves = tree[0]["children"][0]["children"]
    leaves[1]["weight"] = "三十"
    tree[1]["children"][0]["children"][0]["weight"] = ""
    problems = validate_tree(tree)
    assert problems[-1] == (
        "三级指标分值合计无法核对：三级指标“指标1.1.2”（1.1.2）、三级指标“指标2.1.1”（2.1.1）"
        "的分值无效，改正后再合计"
    )
    assert not any("合计为" in p for p in problems)


def test_validation_reports_every_problem_at_once():
    tree = valid_tree()
    tree[0]["children"].append(branch("1.2", "质量"))  # empty branch
    tree[1]["children"][0]["children"][0]["rule"] = {"type": "guess"}
    tree[2]["children"][0]["children"][0]["rule"] = {"type": "survey", "target_rate": "0"}
    tree[3]["children"][0]["children"][0]["rule"] = {"type": "rate"}
    tree[3]["children"][0]["children"][0]["code"] = ""
    tree[3]["children"][0]["children"][0]["weight"] = "5"
    problems = validate_tree(tree)
    assert problems == [
        "二级指标“质量”（1.2）没有下级指标",
        "三级指标“指标2.1.1”（2.1.1）：评分规则“guess”未知，"
        f"可选：{'、'.join(RULE_TYPES.values())}",
        "三级指标“指标3.1.1”（3.1.1）：目标满意度须大于0且不超过100",
        "三级指标“指标4.1.1”缺少指标代码",
        "三级指标“指标4.1.1”：比率规则须指定计量方式：预算执行率或资金到位率",
        "三级指标分值合计为95分，应为100分",
    ]


def test_completion_leaf_needs_a_positive_numeric_target():
    tree = valid_tree()
    tree[0]["children"][0]["children"][0].update(rule={"type": "completion"}, target="0")
    assert validate_tree(tree) == [
        "三级指标“指标1.1.1”（1.1.1）：完成率规则的指标值须大于0；零目标请改用扣分或分档评分"
    ]


def test_missing_name_is_reported():
    tree = valid_tree()
    tree[1]["name"] = " "
    assert validate_tree(tree) == ["一级指标“（未命名）”（2）缺少指标名称"]


# --- walking --------------------------------------------------------------------------------


def test_tree_helpers_find_leaves_nodes_and_weights():
    tree = valid_tree()
    assert [node["code"] for node in iter_leaves(tree)] == [
        "1.1.1",
        "1.1.2",
        "2.1.1",
        "3.1.1",
        "4.1.1",
    ]
    assert find_node(tree, "2.1")["name"] == "社会效益"
    assert find_node(tree, "9") is None
    assert node_weight(tree[0]) == D("50")


# --- 单位自评 weights -----------------------------------------------------------------------------


def test_self_evaluation_with_default_weights_has_no_warning():
    assert self_evaluation_weight_warnings(valid_tree()) == []


def test_self_evaluation_warns_when_level1_weights_leave_the_defaults():
    tree = valid_tree()
    tree[0]["children"][0]["children"][0]["weight"] = "20"
    tree[0]["weight"] = "40"
    tree[1]["children"][0]["children"][0]["weight"] = "40"
    assert self_evaluation_weight_warnings(tree) == [
        "一级指标“产出”分值为40分，单位自评原则上为50分",
        "一级指标“效益”分值为40分，单位自评原则上为30分",
    ]


def test_self_evaluation_warns_about_extra_and_missing_level1():
    tree = valid_tree()
    tree[3]["name"] = "决策"
    assert self_evaluation_weight_warnings(tree) == [
        "一级指标“决策”不在单位自评的默认框架内"
        "（产出50分、效益30分、服务对象满意度10分、预算执行率10分）",
        "缺少一级指标“预算执行率”，单位自评原则上为10分",
    ]


# --- templates ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["national_common", "unit_self", "xueliang"])
def test_template_validates_cleanly(key):
    assert validate_tree(get_template(key).indicators()) == []


@pytest.mark.parametrize("key", ["national_common", "unit_self", "xueliang"])
def test_every_template_leaf_has_a_chinese_scoring_standard(key):
    for node in iter_leaves(get_template(key).indicators()):
        assert len(node["standard"]) >= 10, node["name"]


def level1_weights(key: str) -> dict[str, Decimal]:
    return {node["name"]: node_weight(node) for node in get_template(key).indicators()}


def test_national_common_template_has_the_four_national_level1():
    assert list(level1_weights("national_common")) == ["决策", "过程", "产出", "效益"]
    rules = {
        node["name"]: node["rule"] for node in iter_leaves(get_template("national_common").tree)
    }
    assert rules["资金到位率"] == {"type": "rate", "measure": "funds_received"}
    assert rules["预算执行率"] == {"type": "rate", "measure": "budget_execution"}
    assert rules["资金使用合规性"]["type"] == "deduction"
    assert rules["实际完成率"]["type"] == "completion"
    assert rules["服务对象满意度"]["type"] == "survey"
    assert rules["立项依据充分性"]["type"] == "tiered"


def test_unit_self_template_uses_the_default_weights_without_warning():
    assert list(level1_weights("unit_self").values()) == [D(50), D(30), D(10), D(10)]
    assert self_evaluation_weight_warnings(get_template("unit_self").indicators()) == []


def test_xueliang_template_has_the_longnan_evaluation_weights():
    assert level1_weights("xueliang") == {"项目过程": D(20), "项目产出": D(40), "项目效果": D(40)}
    names = [node["name"] for node in iter_leaves(get_template("xueliang").tree)]
    for name in ("前端点位建设数量", "摄像机在线率", "项目完成及时性", "群众满意度"):
        assert name in names


def test_template_copies_are_independent():
    first = get_template("unit_self").indicators()
    first[0]["name"] = "改过"
    assert get_template("unit_self").indicators()[0]["name"] == "产出指标"


def test_templates_are_listed_with_stable_keys_and_chinese_titles():
    data = [template.as_dict() for template in list_templates()]
    assert [item["key"] for item in data] == ["national_common", "unit_self", "xueliang"]
    assert all(item["title"] and item["indicators"] for item in data)


def test_unknown_template_is_not_found():
    with pytest.raises(NotFound, match="指标模板“nope”不存在"):
        get_template("nope")


# --- a department evaluation with 陇南市监控视频共享云平台's weights, scored end to end ----------

XUELIANG_INPUTS: dict[str, dict] = {
    "1.1.1": {},  # 预算执行率 from the amounts: 300 of 300 → 100 %
    "1.2.1": {"band": "met", "value": "3"},
    "1.2.2": {"deductions": [{"points": "1", "reason": "委务会未及时召开，资金支付不及时"}]},
    "1.3.1": {"band": "met", "value": "4"},
    "1.3.2": {"band": "met", "value": "4"},
    "2.1.1": {"actual": "2100"},
    "2.1.2": {"actual": "9988"},
    "2.2.1": {"deductions": [{"points": "2", "reason": "摄像机在线率88%，低于合同约定的90%"}]},
    "2.3.1": {"band": "met", "value": "7"},
    "2.4.1": {"actual": "300"},
    "3.1.1": {"band": "met", "value": "8"},
    "3.1.2": {"band": "met", "value": "7"},
    "3.2.1": {"band": "met", "value": "10"},
    "3.3.1": {"answers": {"非常满意": 18, "满意": 12}},
}


def test_xueliang_department_evaluation_scores_96_and_grades_excellent():
    tree = get_template("xueliang").indicators()
    amounts = Amounts(budget=D(300), funds_received=D(300), funds_spent=D(300))
    for node in iter_leaves(tree):
        node["score"] = compute_score(node, XUELIANG_INPUTS[node["code"]], amounts).score
    card = build_scorecard(tree)
    assert [level.score for level in card.levels] == [D("19.00"), D("37.00"), D("40.00")]
    assert card.total == D("96.00")  # as the 陇南 evaluation reports
    assert card.grade == "优"
