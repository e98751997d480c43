"""评分规则: each rule with its edges, the 偏差说明 check, grades and the 评分表 totals.

Pure functions: no database, no app.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from workflow.kernel.errors import InvalidInput
from workflow.scoring.rules import (
    Amounts,
    Scorecard,
    band_limits,
    build_scorecard,
    compute_score,
    grade,
    needs_deviation_note,
    parse_survey_csv,
    q2,
    reason_required,
    validate_rule,
)

D = Decimal


def make_leaf(rule: dict[str, Any], weight: str = "10", target: str = "", **extra: Any) -> dict:
    """A leaf in the API shape with only what the test cares about."""
    return {
        "code": "x",
        "name": "测试指标",
        "weight": weight,
        "target": target,
        "rule": rule,
        **extra,
    }


def amounts(budget: str = "3000", received: str = "3000", spent: str = "3000") -> Amounts:
    return Amounts(budget=D(budget), funds_received=D(received), funds_spent=D(spent))


def chinese(message: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in message)


# --- numbers ------------------------------------------------------------------------------------


def test_rounding_is_half_up_to_two_places():
    assert q2(D("4.525")) == D("4.53")
    assert q2(D("4.524")) == D("4.52")
    assert q2(D("2.675")) == D("2.68")  # a float would give 2.67


# --- rate -------------------------------------------------------------------------------------


def test_rate_budget_execution_matches_the_domain_example():
    leaf = make_leaf({"type": "rate", "measure": "budget_execution"}, weight="5", target="100")
    result = compute_score(leaf, {}, amounts(spent="2712.6"))
    assert result.rate == D("90.42")
    assert result.actual == D("90.42")
    assert result.score == D("4.52")
    assert result.details["label"] == "预算执行率"


def test_rate_funds_received_uses_received_amount():
    leaf = make_leaf({"type": "rate", "measure": "funds_received"}, weight="4")
    result = compute_score(leaf, {}, amounts(budget="500", received="450", spent="100"))
    assert result.rate == D("90.00")
    assert result.score == D("3.60")


def test_rate_without_target_assumes_100_percent():
    leaf = make_leaf({"type": "rate", "measure": "budget_execution"}, weight="10", target="")
    assert compute_score(leaf, {}, amounts(spent="2400")).score == D("8.00")


def test_rate_caps_at_weight_when_more_received_than_budget():
    leaf = make_leaf({"type": "rate", "measure": "funds_received"}, weight="4")
    result = compute_score(leaf, {}, amounts(received="3300"))
    assert result.rate == D("110.00")
    assert result.score == D("4.00")


def test_rate_refuses_zero_budget_in_chinese():
    leaf = make_leaf({"type": "rate", "measure": "budget_execution"}, weight="5")
    with pytest.raises(InvalidInput, match="预算金额须大于0"):
        compute_score(leaf, {}, amounts(budget="0"))


def test_rate_needs_the_project_amounts():
    leaf = make_leaf({"type": "rate", "measure": "budget_execution"}, weight="5")
    with pytest.raises(InvalidInput, match="缺少项目预算"):
        compute_score(leaf, {}, None)


def test_rate_rule_requires_a_known_measure():
    errors = validate_rule(make_leaf({"type": "rate", "measure": "spending"}))
    assert (
        errors
        and "预算执行率" in errors[0]
        and "budget_execution" not in errors[0]
        and chinese(errors[0])
    )


# --- completion -------------------------------------------------------------------------------


def test_completion_met_gives_full_weight():
    leaf = make_leaf({"type": "completion"}, weight="10", target="2100", unit="路")
    result = compute_score(leaf, {"actual": "2100"})
    assert result.score == D("10.00")
    assert result.rate == D("100.00")


def test_completion_not_met_is_proportional_and_rounded():
    leaf = make_leaf({"type": "completion"}, weight="10", target="2100")
    result = compute_score(leaf, {"actual": "1900"})
    assert result.score == D("9.05")  # 10 × 1900 / 2100 = 9.0476…


def test_completion_caps_over_achievement_at_weight():
    leaf = make_leaf({"type": "completion"}, weight="10", target="100")
    result = compute_score(leaf, {"actual": "150"})
    assert result.score == D("10.00")
    assert result.rate == D("150.00")


def test_completion_negative_direction_scores_target_over_actual():
    leaf = make_leaf({"type": "completion"}, weight="7", target="300", direction="negative")
    assert compute_score(leaf, {"actual": "350"}).score == D("6.00")


def test_completion_negative_direction_under_target_is_capped_at_weight():
    leaf = make_leaf({"type": "completion"}, weight="7", target="300", direction="negative")
    assert compute_score(leaf, {"actual": "250"}).score == D("7.00")


def test_completion_negative_direction_zero_actual_meets_target():
    leaf = make_leaf({"type": "completion"}, weight="5", target="3", direction="negative")
    assert compute_score(leaf, {"actual": "0"}).score == D("5.00")


def test_completion_positive_zero_actual_scores_zero():
    leaf = make_leaf({"type": "completion"}, weight="5", target="10")
    assert compute_score(leaf, {"actual": "0"}).score == D("0.00")


def test_completion_zero_target_is_a_rule_error():
    leaf = make_leaf({"type": "completion"}, weight="5", target="0")
    errors = validate_rule(leaf)
    assert errors == ["完成率规则的指标值须大于0；零目标请改用扣分或分档评分"]
    with pytest.raises(InvalidInput, match="指标值须大于0"):
        compute_score(leaf, {"actual": "1"})


def test_completion_needs_a_numeric_target():
    assert validate_rule(make_leaf({"type": "completion"}, target="按期完成")) == [
        "完成率规则须填写数值型指标值"
    ]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({}, "请填写完成值"),
        ({"actual": "很多"}, "完成值须为数字"),
        ({"actual": "-1"}, "完成值不能为负数"),
        ({"actual": None}, "完成值须为数字"),
    ],
)
def test_completion_bad_actual_is_refused_in_chinese(inputs, message):
    leaf = make_leaf({"type": "completion"}, weight="5", target="10")
    with pytest.raises(InvalidInput, match=message):
        compute_score(leaf, inputs)


def test_completion_accepts_a_json_float_without_binary_noise():
    leaf = make_leaf({"type": "completion"}, weight="10", target="3")
    assert compute_score(leaf, {"actual": 2.7}).score == D("9.00")


def test_unknown_direction_is_a_rule_error():
    leaf = make_leaf({"type": "completion"}, target="10", direction="up")
    assert validate_rule(leaf) == ["指标方向须为positive（正向）、negative（反向）或equal（等于）"]


def test_completion_flags_deviation_over_130_percent():
    leaf = make_leaf({"type": "completion"}, weight="10", target="100")
    assert compute_score(leaf, {"actual": "130"}).deviation_note_required
    assert not compute_score(leaf, {"actual": "129.99"}).deviation_note_required


# --- 偏差说明, 扣分理由, grades -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "needed"),
    [
        ("130", "100", True),
        ("129.9", "100", False),
        ("80", "100", False),
        ("79.9", "100", True),
        ("2100", "2100", False),
        ("5", "0", False),  # no meaningful target, nothing to compare
    ],
)
def test_deviation_note_needed_at_or_above_130_or_below_80_percent(actual, target, needed):
    assert needs_deviation_note(D(actual), D(target)) is needed


def test_reason_required_when_score_below_weight_or_manual():
    assert reason_required(D("8"), D("10"))
    assert not reason_required(D("10"), D("10"))
    assert reason_required(D("10"), D("10"), "manual")


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("89.995", "优"),  # the total is rounded to two places first
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grade_boundaries(total, expected):
    assert grade(D(total)) == expected


# --- tiered -----------------------------------------------------------------------------------


def test_tiered_band_limits_follow_the_weight():
    assert band_limits(D("5"), "met") == (D("4.0"), D("5"))
    assert band_limits(D("5"), "partial") == (D("3.0"), D("4.0"))
    assert band_limits(D("5"), "unmet") == (D("0"), D("3.0"))


@pytest.mark.parametrize(
    ("band", "value"),
    [
        ("met", "5"),
        ("met", "4"),
        ("partial", "4"),
        ("partial", "3"),
        ("unmet", "3"),
        ("unmet", "0"),
    ],
)
def test_tiered_accepts_values_on_the_band_limits(band, value):
    leaf = make_leaf({"type": "tiered"}, weight="5")
    result = compute_score(leaf, {"band": band, "value": value})
    assert result.score == D(value)


@pytest.mark.parametrize(
    ("band", "value"),
    [("met", "3.99"), ("partial", "4.01"), ("partial", "2.99"), ("unmet", "3.01")],
)
def test_tiered_refuses_a_value_outside_its_band(band, value):
    leaf = make_leaf({"type": "tiered"}, weight="5")
    with pytest.raises(InvalidInput, match="档的得分须在"):
        compute_score(leaf, {"band": band, "value": value})


def test_tiered_refuses_above_weight_and_unknown_band():
    leaf = make_leaf({"type": "tiered"}, weight="5")
    with pytest.raises(InvalidInput, match=r"4\.00至5\.00分之间"):
        compute_score(leaf, {"band": "met", "value": "5.5"})
    with pytest.raises(InvalidInput, match="请选择评价档次"):
        compute_score(leaf, {"band": "good", "value": "5"})


def test_tiered_refuses_more_than_two_decimals():
    leaf = make_leaf({"type": "tiered"}, weight="5")
    with pytest.raises(InvalidInput, match="最多保留两位小数"):
        compute_score(leaf, {"band": "met", "value": "4.555"})


# --- deduction --------------------------------------------------------------------------------


def test_deduction_subtracts_listed_points_like_the_camera_online_rate_example():
    leaf = make_leaf({"type": "deduction"}, weight="10")
    reason = "摄像机在线率88%，低于合同约定的90%"
    result = compute_score(leaf, {"deductions": [{"points": "2", "reason": reason}]})
    assert result.score == D("8.00")
    assert result.details["deductions"] == [{"points": "2", "reason": reason}]


def test_deduction_never_goes_below_zero():
    leaf = make_leaf({"type": "deduction"}, weight="4")
    items = [{"points": "3", "reason": "挪用资金"}, {"points": "2.5", "reason": "虚列支出"}]
    result = compute_score(leaf, {"deductions": items})
    assert result.score == D("0.00")
    assert result.details["deducted"] == "5.50"


def test_deduction_with_no_items_keeps_full_weight():
    leaf = make_leaf({"type": "deduction"}, weight="4")
    assert compute_score(leaf, {"deductions": []}).score == D("4.00")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"points": "1"}, "第1项扣分须写明扣分理由"),
        ({"points": "1", "reason": "  "}, "第1项扣分须写明扣分理由"),
        ({"points": "0", "reason": "无"}, "第1项扣分的分数须大于0"),
        ({"points": "-1", "reason": "错"}, "第1项扣分的分数不能为负数"),
        ({"reason": "错"}, "第1项扣分的分数须为数字"),
    ],
)
def test_deduction_each_item_needs_points_and_reason(item, message):
    leaf = make_leaf({"type": "deduction"}, weight="4")
    with pytest.raises(InvalidInput, match=message):
        compute_score(leaf, {"deductions": [item]})


# --- survey -----------------------------------------------------------------------------------


SURVEY = {"type": "survey", "target_rate": "90"}


def test_survey_weighted_mean_matches_the_domain_example():
    leaf = make_leaf(SURVEY, weight="10")
    result = compute_score(leaf, {"answers": {"非常满意": 18, "满意": 12}})
    assert result.rate == D("92.00")
    assert result.score == D("10.00")
    assert result.details["answers"] == {"非常满意": 18, "满意": 12, "基本满意": 0, "不满意": 0}
    assert result.details["respondents"] == 30


def test_survey_below_target_is_proportional():
    leaf = make_leaf(SURVEY, weight="10")
    result = compute_score(leaf, {"answers": {"满意": 10}})  # 80 %
    assert result.rate == D("80.00")
    assert result.score == D("8.89")  # 10 × 80 / 90


def test_survey_from_satisfied_over_respondents():
    leaf = make_leaf(SURVEY, weight="15")
    result = compute_score(leaf, {"respondents": 200, "satisfied": 171})
    assert result.rate == D("85.50")
    assert result.score == D("14.25")


def test_survey_uses_default_options_and_target_when_params_are_empty():
    leaf = make_leaf({"type": "survey"}, weight="10")
    assert validate_rule(leaf) == []
    assert compute_score(leaf, {"answers": {"基本满意": 3}}).score == D("6.67")


def test_survey_with_custom_options_and_target():
    rule = {"type": "survey", "target_rate": "80", "options": {"满意": 100, "不满意": 0}}
    leaf = make_leaf(rule, weight="10")
    assert compute_score(leaf, {"answers": {"满意": 8, "不满意": 2}}).score == D("10.00")


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"answers": {"还行": 3}}, "未知的满意度选项：还行"),
        ({"answers": {"满意": 0}}, "有效问卷为0份"),
        ({"answers": {"满意": -2}}, "份数须为非负整数"),
        ({"answers": {"满意": "2.5"}}, "份数须为非负整数"),
        ({"respondents": 0, "satisfied": 0}, "回收问卷份数须大于0"),
        ({"respondents": 10, "satisfied": 11}, "满意份数（11）不能多于回收份数（10）"),
        ({}, "二选一"),
        ({"answers": {"满意": 1}, "respondents": 1, "satisfied": 1}, "二选一"),
    ],
)
def test_survey_bad_inputs_are_refused_in_chinese(inputs, message):
    with pytest.raises(InvalidInput, match=message):
        compute_score(make_leaf(SURVEY, weight="10"), inputs)


def test_survey_rule_validation_reports_bad_target_and_options():
    rule = {"type": "survey", "target_rate": "120", "options": {"满意": 130}, "extra": 1}
    assert validate_rule(make_leaf(rule)) == [
        "满意度规则参数含未知字段：extra",
        "目标满意度须大于0且不超过100",
        "选项“满意”的分值须在0至100之间",
    ]


# --- survey CSV ---------------------------------------------------------------------------------

ANSWERS = "非常满意\n满意\n非常满意\n\n基本满意\n不满意\n"


def test_survey_csv_counts_answers_without_header():
    counts = parse_survey_csv(ANSWERS.encode("utf-8"))
    assert counts == {"非常满意": 2, "满意": 1, "基本满意": 1, "不满意": 1}


def test_survey_csv_skips_a_header_row_and_strips_a_bom():
    data = ("满意度\r\n" + ANSWERS).encode("utf-8-sig")
    assert parse_survey_csv(data)["非常满意"] == 2


def test_survey_csv_reads_gbk_from_chinese_excel():
    data = ("您对本项目的满意程度\n" + ANSWERS).encode("gbk")
    assert parse_survey_csv(data) == {"非常满意": 2, "满意": 1, "基本满意": 1, "不满意": 1}


def test_survey_csv_accepts_trailing_empty_columns_and_quotes():
    data = '"非常满意",\n 满意 ,,\n'.encode()
    assert parse_survey_csv(data) == {"非常满意": 1, "满意": 1, "基本满意": 0, "不满意": 0}


def test_survey_csv_reports_every_bad_row():
    data = "答案\n满意\n很好\n满意,备注\n一般\n".encode()
    with pytest.raises(InvalidInput) as info:
        parse_survey_csv(data)
    assert info.value.details == [
        "第3行的答案“很好”不是有效选项",
        "第4行有多于一列的内容，问卷文件应只有一列答案",
        "第5行的答案“一般”不是有效选项",
    ]
    assert info.value.message.startswith("问卷文件有3处错误")


def test_survey_csv_with_no_answers_is_refused():
    with pytest.raises(InvalidInput, match="没有有效答案"):
        parse_survey_csv("满意度\n\n".encode())


def test_survey_csv_counts_feed_the_survey_rule():
    data = ("非常满意\n" * 18 + "满意\n" * 12).encode("gbk")
    leaf = make_leaf(SURVEY, weight="10")
    assert compute_score(leaf, {"answers": parse_survey_csv(data)}).rate == D("92.00")


def test_survey_csv_uses_the_rules_own_options():
    data = "同意\n不同意\n同意\n".encode()
    assert parse_survey_csv(data, options=["同意", "不同意"]) == {"同意": 2, "不同意": 1}


# --- manual -----------------------------------------------------------------------------------


def test_manual_score_within_weight_is_kept():
    result = compute_score(make_leaf({"type": "manual"}, weight="5"), {"score": "3.5"})
    assert result.score == D("3.50")


@pytest.mark.parametrize(
    ("score", "message"),
    [("5.01", "得分5.01超过该指标分值5.00"), ("-1", "得分不能为负数"), (None, "得分须为数字")],
)
def test_manual_score_outside_zero_and_weight_is_refused(score, message):
    with pytest.raises(InvalidInput, match=message):
        compute_score(make_leaf({"type": "manual"}, weight="5"), {"score": score})


# --- rule table -------------------------------------------------------------------------------


def test_unknown_rule_type_is_reported():
    errors = validate_rule(make_leaf({"type": "magic"}))
    assert errors == [
        "评分规则“magic”未知，可选：比率、完成率、分档评价、扣分法、满意度调查、人工评分"
    ]


def test_missing_rule_is_reported():
    assert validate_rule({"weight": "5"})[0].startswith("评分规则“未填写”未知")


def test_unknown_rule_params_are_reported():
    assert validate_rule(make_leaf({"type": "tiered", "bands": 3})) == [
        "分档规则参数含未知字段：bands"
    ]


def test_compute_score_refuses_a_leaf_whose_rule_is_invalid():
    with pytest.raises(InvalidInput, match="该指标的评分规则有误") as info:
        compute_score(make_leaf({"type": "rate"}, weight="5"), {}, amounts())
    assert info.value.details and chinese(info.value.details[0])


# --- 评分表 --------------------------------------------------------------------------------------


def scored_leaf(code: str, weight: str, score: str | None, **extra: Any) -> dict:
    return {"code": code, "name": f"指标{code}", "weight": weight, "score": score, **extra}


def branch(code: str, name: str, *children: dict) -> dict:
    return {"code": code, "name": name, "children": list(children)}


def heping_self_evaluation_scores() -> list[dict]:
    """A self-evaluation shaped like 和平县公安局智慧新警务第一期项目's:
    过程 15 + 产出 36 + 效益 32 = 83."""
    return [
        branch(
            "1",
            "过程",
            branch(
                "1.1", "资金管理", scored_leaf("1.1.1", "5", "4.5"), scored_leaf("1.1.2", "5", "5")
            ),
            branch("1.2", "组织实施", scored_leaf("1.2.1", "10", "5.5")),
        ),
        branch(
            "2",
            "产出",
            branch("2.1", "产出数量", scored_leaf("2.1.1", "20", "18")),
            branch("2.2", "产出时效", scored_leaf("2.2.1", "20", "18")),
        ),
        branch(
            "3",
            "效益",
            branch("3.1", "社会效益", scored_leaf("3.1.1", "30", "24")),
            branch("3.2", "满意度", scored_leaf("3.2.1", "10", "8")),
        ),
    ]


def test_heping_self_evaluation_totals_83_and_grades_good():
    card = build_scorecard(heping_self_evaluation_scores())
    assert [level.score for level in card.levels] == [D("15.0"), D("36"), D("32")]
    assert card.levels[0].children[0].score == D("9.5")
    assert card.total == D("83.00")
    assert card.grade == "良"
    assert card.complete and not card.rescaled


def test_scorecard_keeps_two_places_and_leaf_reasons():
    nodes = heping_self_evaluation_scores()
    nodes[0]["children"][1]["children"][0]["reason"] = "未单独建立项目管理制度"
    card = build_scorecard(nodes)
    assert (str(card.total), card.grade) == ("83.00", "良")
    process = card.levels[0]
    assert (str(process.weight), str(process.score)) == ("20.00", "15.00")
    assert process.children[1].children[0].reason == "未单独建立项目管理制度"
    assert [leaf.code for leaf in card.leaves()][:3] == ["1.1.1", "1.1.2", "1.2.1"]
    assert process.children[0].children[0].is_leaf and not process.is_leaf


def test_empty_scorecard_has_no_totals():
    card = Scorecard.empty()
    assert card.levels == () and card.leaves() == []
    assert (card.total, card.raw_total, card.applicable_weight, card.grade) == (None,) * 4
    assert not card.rescaled and not card.complete


def test_not_applicable_leaf_rescales_total_over_applicable_weights():
    nodes = [
        branch(
            "1",
            "产出",
            branch("1.1", "数量", scored_leaf("1.1.1", "60", "54")),
            branch(
                "1.2",
                "成本",
                scored_leaf("1.2.1", "10", None, not_applicable=True, reason="无成本指标"),
            ),
        ),
        branch("2", "效益", branch("2.1", "社会效益", scored_leaf("2.1.1", "30", "27"))),
    ]
    card = build_scorecard(nodes)
    assert card.raw_total == D("81.00")
    assert card.applicable_weight == D("90")
    assert card.total == D("90.00")  # 81 × 100 / 90
    assert card.rescaled and card.complete
    assert card.grade == "优"
    cost = card.levels[0].children[1]
    assert cost.not_applicable and cost.score is None


def test_scorecard_in_progress_is_incomplete_but_shows_running_total():
    nodes = heping_self_evaluation_scores()
    nodes[2]["children"][1]["children"][0]["score"] = None
    card = build_scorecard(nodes)
    assert not card.complete
    assert card.total == D("75.00")
    assert card.levels[2].children[1].score is None


def test_scorecard_refuses_a_score_above_its_weight():
    nodes = [branch("1", "产出", branch("1.1", "数量", scored_leaf("1.1.1", "100", "100.5")))]
    with pytest.raises(InvalidInput, match="超过分值"):
        build_scorecard(nodes)


def test_scorecard_with_every_leaf_not_applicable_is_refused():
    nodes = [
        branch(
            "1",
            "产出",
            branch("1.1", "数量", scored_leaf("1.1.1", "100", None, not_applicable=True)),
        )
    ]
    with pytest.raises(InvalidInput, match="所有指标均为不适用"):
        build_scorecard(nodes)


# --- 指标性质 "=", the 完成值 a hand-typed score keeps, the 完成值 as shown ---------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("12", "10.00"),  # exactly the target: full weight
        ("9", "7.50"),  # 10 × (1 − 3/12)
        ("15", "7.50"),  # above the target loses as much as below it
        ("24", "0.00"),  # off by the whole target: nothing
        ("40", "0.00"),  # further off: never below zero
    ],
)
def test_an_equal_leaf_scores_weight_times_one_minus_the_relative_deviation(actual, expected):
    leaf = make_leaf({"type": "completion"}, target="12", unit="所", direction="equal")
    result = compute_score(leaf, {"actual": actual})
    assert result.score == D(expected)
    assert result.actual == D(actual)


def test_equal_is_a_known_direction_and_prints_as_the_equals_sign():
    from workflow.scoring.rules import indicator_nature

    leaf = make_leaf({"type": "completion"}, target="12", direction="equal")
    assert validate_rule(leaf) == []
    assert [indicator_nature(d, "completion") for d in ("positive", "negative", "equal")] == [
        "≥",
        "≤",
        "=",
    ]
    assert indicator_nature("positive", "tiered") == "定性"


def test_a_manual_score_keeps_the_actual_it_is_given():
    leaf = make_leaf({"type": "manual"}, target="700", unit="人次")
    result = compute_score(leaf, {"score": "9", "actual": "735"})
    assert (result.score, result.actual) == (D("9.00"), D("735"))
    text = compute_score(leaf, {"score": "9", "actual": "有效"})
    assert text.actual is None and text.details == {"actual_text": "有效"}
    assert compute_score(leaf, {"score": "9"}).actual is None
    with pytest.raises(InvalidInput, match="完成值最多保留两位小数"):
        compute_score(leaf, {"score": "9", "actual": "1.234"})


def test_a_tiered_leaf_keeps_its_text_actual():
    leaf = make_leaf({"type": "tiered"}, target="明显提升")
    result = compute_score(leaf, {"band": "met", "value": "9", "actual": "有效"})
    assert result.details["actual_text"] == "有效"


@pytest.mark.parametrize(
    ("actual", "text", "rule", "unit", "shown"),
    [
        (D("735.00"), "", "completion", "人次", "735人次"),
        (D("98.00"), "", "survey", "", "98%"),
        (D("90.42"), "", "rate", "", "90.42%"),
        (D("98.50"), "", "manual", "%", "98.5%"),
        (None, "有效", "tiered", "", "有效"),
        (None, "", "tiered", "", ""),
    ],
)
def test_the_actual_is_shown_with_its_unit(actual, text, rule, unit, shown):
    from workflow.scoring.rules import shown_actual

    assert shown_actual(actual, text, rule, unit) == shown
