"""评分规则 (scoring rules), 偏差说明, 等级 and 评分表 aggregation: pure functions, no database.

Every number is a `Decimal` kept to two places with ROUND_HALF_UP, the way the reports print them.
A leaf is passed in its API shape (a mapping with "weight", "target", "direction" and "rule");
the project's amounts come in as `Amounts` so rates are always recomputed, never typed twice.
Bad input raises `InvalidInput` with a Chinese message; rule validation returns the messages.
The 评分表 is a typed read model (`Scorecard` of `ScorecardNode` rows), built once, never changed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from workflow.kernel.errors import InvalidInput
from workflow.kernel.money import money_str

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# Beyond any amount, count or score a rule meets; past it Decimal's 28 digits overflow (1e309).
LARGEST = Decimal("1e15")
ZERO = Decimal(0)

#: 指标方向 with their labels (the indicator table's CHECK and the pages read these).
POSITIVE = "positive"  # 正向: more is better
NEGATIVE = "negative"  # 反向: less is better (cost, complaints, days taken)
EQUAL = "equal"  # 等于: the target exactly (a count of schools, a standard per pupil)
DIRECTIONS = {POSITIVE: "正向", NEGATIVE: "反向", EQUAL: "等于"}
DIRECTION_ERROR = "指标方向须为positive（正向）、negative（反向）或equal（等于）"
#: 指标性质 as the 自评表 prints it: ≥, ≤, =, and 定性 for a leaf judged in bands.
NATURES = {POSITIVE: "≥", NEGATIVE: "≤", EQUAL: "="}
QUALITATIVE = "定性"
#: Rules whose 完成值 is a percentage whatever the leaf's 度量单位.
PERCENT_RULES = ("rate", "survey")

MEASURES = {"budget_execution": "预算执行率", "funds_received": "资金到位率"}

#: 预算执行率的计算口径 (an evaluation's `execution_basis`): 实际支出 ÷ 预算 by default (the
#: 自评表's 全年执行数 ÷ 全年预算数, and the seeds), or 实际支出 ÷ 到位资金 where the 共性指标框架
#: so defines it for a 部门评价. The one definition the rule, the pages, the API and the report
#: read.
EXECUTION_BASES = {"budget": "预算", "received": "到位资金"}
DEFAULT_EXECUTION_BASIS = "budget"
EXECUTION_BASIS_ERROR = "预算执行率口径应为 budget（预算）或 received（到位资金）"


def execution_basis_label(basis: str | None) -> str:
    """The 口径 in words: "实际支出÷到位资金"."""
    return f"实际支出÷{EXECUTION_BASES[basis or DEFAULT_EXECUTION_BASIS]}"


def execution_label(basis: str | None) -> str:
    """预算执行率 with its basis named, as every page and the report show it:
    "预算执行率（实际支出÷到位资金）"."""
    return f"{MEASURES['budget_execution']}（{execution_basis_label(basis)}）"


# 达成 / 部分达成并有一定效果 / 未达成且效果较差: share of the weight, inclusive on both ends.
BANDS: dict[str, tuple[Decimal, Decimal, str]] = {
    "met": (Decimal("0.8"), Decimal("1"), "达成"),
    "partial": (Decimal("0.6"), Decimal("0.8"), "部分达成"),
    "unmet": (Decimal("0"), Decimal("0.6"), "未达成"),
}

DEFAULT_SURVEY_OPTIONS: dict[str, int] = {"非常满意": 100, "满意": 80, "基本满意": 60, "不满意": 0}

DEFAULT_TARGET_RATE = "90"

# 偏差说明: self-evaluation rules ask why when actual / target is at or above 130 % or below 80 %.
DEVIATION_HIGH = Decimal("1.3")
DEVIATION_LOW = Decimal("0.8")

GRADES: tuple[tuple[Decimal, str], ...] = (
    (Decimal(90), "优"),
    (Decimal(80), "良"),
    (Decimal(60), "中"),
)


def q2(value: Decimal) -> Decimal:
    """Round to two places, half up (4.525 → 4.53), as the reports print scores and rates."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(value: Any, label: str) -> Decimal:
    """A finite Decimal from a str, int or Decimal; a float goes through its shortest repr.

    JSON parsed without `parse_float=Decimal` yields floats: `str(0.1)` is "0.1", so no binary
    noise leaks into the score.
    """
    if isinstance(value, bool) or value is None:
        raise InvalidInput(f"{label}须为数字")
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(f"{label}须为数字，收到“{value}”") from None
    if not number.is_finite():
        raise InvalidInput(f"{label}须为有限数字")
    if abs(number) >= LARGEST:
        raise InvalidInput(f"{label}超出范围")
    return number


def parse_points(value: Any, label: str) -> Decimal:
    """A non-negative amount of points with at most two decimals (分值、得分、扣分)."""
    number = parse_decimal(value, label)
    if number < 0:
        raise InvalidInput(f"{label}不能为负数")
    if number != number.quantize(CENT):
        raise InvalidInput(f"{label}最多保留两位小数")
    return number


def parse_count(value: Any, label: str) -> int:
    """A non-negative whole number (问卷份数)."""
    number = parse_decimal(value, label)
    if number < 0 or number != number.to_integral_value():
        raise InvalidInput(f"{label}须为非负整数")
    return int(number)


def fmt(value: Decimal | None) -> str | None:
    """Decimal string with two places for JSON and the 评分表 ("4.52")."""
    return None if value is None else str(q2(value))


@dataclass(frozen=True)
class Amounts:
    """The project's own amounts (万元 or 元, the same unit for all three)."""

    budget: Decimal
    funds_received: Decimal
    funds_spent: Decimal
    execution_basis: str = DEFAULT_EXECUTION_BASIS  # 预算执行率口径 (EXECUTION_BASES)

    def execution_denominator(self) -> Decimal:
        """What 实际支出 is divided by for 预算执行率: 预算, or 到位资金 by the basis."""
        return self.funds_received if self.execution_basis == "received" else self.budget


@dataclass(frozen=True)
class ScoreResult:
    """A computed leaf score.

    `actual` is the value shown as 完成值 (the rate in %, or the entered actual); `rate` is the
    percentage that drives the score (execution rate, completion rate, satisfaction rate, or
    score / weight); `deviation_note_required` says whether a 偏差说明 must be written.
    """

    score: Decimal
    actual: Decimal | None
    rate: Decimal | None
    deviation_note_required: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def percentage(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole in %, two places (预算执行率, 资金到位率 as shown); None when undefined."""
    if part is None or not whole:
        return None
    return q2(Decimal(part) * HUNDRED / Decimal(whole))


def execution_rate(
    spent: Decimal | None,
    budget: Decimal | None,
    received: Decimal | None,
    basis: str | None = DEFAULT_EXECUTION_BASIS,
) -> Decimal | None:
    """预算执行率 in % by its basis: 实际支出 ÷ 预算, or ÷ 到位资金; None when undefined."""
    return percentage(spent, received if basis == "received" else budget)


def _capped(weight: Decimal, ratio: Decimal) -> Decimal:
    """weight × ratio, never above the weight, never below zero, two places."""
    return q2(max(ZERO, min(weight, weight * ratio)))


def deviation_ratio(actual: Decimal, target: Decimal) -> Decimal | None:
    """actual / target, or None when there is no meaningful target (zero)."""
    return None if target == 0 else actual / target


def needs_deviation_note(actual: Decimal, target: Decimal) -> bool:
    """偏差说明 needed: actual at or above 130 % of the target, or below 80 % of it."""
    ratio = deviation_ratio(actual, target)
    return ratio is not None and (ratio >= DEVIATION_HIGH or ratio < DEVIATION_LOW)


def reason_required(score: Decimal, weight: Decimal, rule_type: str | None = None) -> bool:
    """扣分理由 needed when points are taken off; a `manual` score always needs one."""
    return rule_type == "manual" or score < weight


#: Below the last floor of GRADES.
LOWEST_GRADE = "差"
#: Every 等级, best first (filters and counts list them in this order).
GRADE_TITLES = (*(title for _floor, title in GRADES), LOWEST_GRADE)


def grade(total: Decimal) -> str:
    """等级: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (on the total rounded to two places)."""
    rounded = q2(total)
    return next((title for floor, title in GRADES if rounded >= floor), LOWEST_GRADE)


def leaf_weight(leaf: Mapping[str, Any]) -> Decimal:
    return parse_points(leaf.get("weight"), "分值")


def leaf_direction(leaf: Mapping[str, Any]) -> str:
    return leaf.get("direction") or POSITIVE


def indicator_nature(
    direction: str | None, rule_type: str | None, target: str | None = None
) -> str:
    """指标性质: ≥ (正向), ≤ (反向), = (等于), or 定性 for a tiered (分档) leaf or one whose
    指标值 is words without a figure ("建立", "按期完成")."""
    if rule_type == "tiered" or (target and not any(ch.isdigit() for ch in target)):
        return QUALITATIVE
    return NATURES.get(direction or POSITIVE, NATURES[POSITIVE])


def shown_actual(
    actual: Decimal | None, text: str | None, rule_type: str | None, unit: str | None
) -> str:
    """完成值 as every page and export shows it: with its unit ("735人次", "98%"), a 定性
    leaf's text ("有效"), or "" when there is none."""
    if actual is None:
        return text or ""
    shown = f"{Decimal(actual).normalize():f}"  # 735.00 → "735", 98.50 → "98.5"
    return f"{shown}{'%' if rule_type in PERCENT_RULES else unit or ''}"


def _numeric_target(leaf: Mapping[str, Any]) -> Decimal | None:
    """The leaf's 指标值 as a number, or None when it is missing or textual ("按期完成")."""
    target = leaf.get("target")
    if target is None or target == "":
        return None
    try:
        return parse_decimal(target, "指标值")
    except InvalidInput:
        return None


def _check_keys(data: Mapping[str, Any], allowed: Iterable[str], what: str) -> list[str]:
    unknown = sorted(set(data) - set(allowed))
    return [f"{what}含未知字段：{'、'.join(unknown)}"] if unknown else []


def _require_mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{what}格式有误，应为对象")
    return data


def validate_rate(params: Mapping[str, Any], leaf: Mapping[str, Any]) -> list[str]:
    errors = _check_keys(params, {"measure"}, "比率规则参数")
    if params.get("measure") not in MEASURES:
        errors.append("比率规则须指定计量方式：预算执行率或资金到位率")
    target = _numeric_target(leaf)
    if target is not None and target <= 0:
        errors.append("比率规则的指标值须大于0（通常为100%）")
    return errors


def score_rate(
    params: Mapping[str, Any],
    inputs: Mapping[str, Any],
    leaf: Mapping[str, Any],
    amounts: Amounts | None,
) -> ScoreResult:
    """预算执行率 = 实际支出 / 预算 (or / 到位资金, by the evaluation's `execution_basis`),
    资金到位率 = 到位资金 / 预算; score = weight × rate / target.

    The target is the leaf's 指标值 in % (100 when not given). The score uses the exact ratio,
    not the rounded rate: 2712.6 / 3000 → 90.42 %, on 5 points → 4.52.
    """
    weight = leaf_weight(leaf)
    measure = params.get("measure")
    if measure not in MEASURES:
        raise InvalidInput("比率规则须指定计量方式：预算执行率或资金到位率")
    if amounts is None:
        raise InvalidInput("缺少项目预算、到位资金和实际支出金额，无法计算比率")
    execution = measure == "budget_execution"
    basis = amounts.execution_basis if execution else DEFAULT_EXECUTION_BASIS
    denominator_label = EXECUTION_BASES[basis] if execution else "预算"
    what = "预算金额" if denominator_label == "预算" else denominator_label
    denominator = parse_decimal(
        amounts.execution_denominator() if execution else amounts.budget, what
    )
    numerator_label = "实际支出" if execution else "到位资金"
    numerator = parse_decimal(
        amounts.funds_spent if execution else amounts.funds_received, numerator_label
    )
    if denominator <= 0:
        raise InvalidInput(f"{what}须大于0，无法计算{MEASURES[measure]}")
    if numerator < 0:
        raise InvalidInput(f"{numerator_label}不能为负数")
    target = _numeric_target(leaf)
    target = HUNDRED if target is None else target
    if target <= 0:
        raise InvalidInput("比率规则的指标值须大于0（通常为100%）")
    ratio = numerator / denominator
    rate = q2(ratio * HUNDRED)
    details = {
        "measure": measure,
        "label": MEASURES[measure],
        "numerator": money_str(numerator),
        "budget": money_str(parse_decimal(amounts.budget, "预算金额")),
        "target_rate": str(target),
        "denominator": money_str(denominator),
        "denominator_label": denominator_label,
    }
    if execution:
        details |= {"basis": basis, "basis_label": execution_label(basis)}
    return ScoreResult(
        score=_capped(weight, ratio * HUNDRED / target),
        actual=rate,
        rate=rate,
        deviation_note_required=needs_deviation_note(ratio * HUNDRED, target),
        details=details,
    )


def validate_completion(params: Mapping[str, Any], leaf: Mapping[str, Any]) -> list[str]:
    errors = _check_keys(params, set(), "完成率规则参数")
    target = _numeric_target(leaf)
    if target is None:
        errors.append("完成率规则须填写数值型指标值")
    elif target <= 0:
        errors.append("完成率规则的指标值须大于0；零目标请改用扣分或分档评分")
    return errors


def score_completion(
    params: Mapping[str, Any],
    inputs: Mapping[str, Any],
    leaf: Mapping[str, Any],
    amounts: Amounts | None = None,
) -> ScoreResult:
    """正向: met → full weight, else weight × actual / target; 反向: weight × target / actual;
    等于: weight × max(0, 1 − |actual − target| / target).

    All are capped at the weight. A 反向 actual of 0 (no cost, no complaint) meets the target.
    """
    weight = leaf_weight(leaf)
    direction = leaf_direction(leaf)
    if direction not in DIRECTIONS:
        raise InvalidInput(DIRECTION_ERROR)
    target = _numeric_target(leaf)
    if target is None or target <= 0:
        raise InvalidInput("完成率规则的指标值须为大于0的数字")
    if "actual" not in inputs:
        raise InvalidInput("请填写完成值")
    actual = parse_decimal(inputs["actual"], "完成值")
    if actual < 0:
        raise InvalidInput("完成值不能为负数")
    if direction == POSITIVE:
        ratio = actual / target
    elif direction == EQUAL:
        ratio = 1 - abs(actual - target) / target
    else:
        ratio = Decimal(1) if actual == 0 else target / actual
    return ScoreResult(
        score=_capped(weight, ratio),
        actual=actual,
        rate=q2(actual / target * HUNDRED),
        deviation_note_required=needs_deviation_note(actual, target),
        details={"target": str(target), "direction": direction, "unit": leaf.get("unit") or ""},
    )


def validate_tiered(params: Mapping[str, Any], leaf: Mapping[str, Any]) -> list[str]:
    return _check_keys(params, set(), "分档规则参数")


def band_limits(weight: Decimal, band: str) -> tuple[Decimal, Decimal]:
    """The points a band allows on this weight, e.g. 达成 on 5 points → (4, 5)."""
    low, high, _ = BANDS[band]
    return weight * low, weight * high


def score_tiered(
    params: Mapping[str, Any],
    inputs: Mapping[str, Any],
    leaf: Mapping[str, Any],
    amounts: Amounts | None = None,
) -> ScoreResult:
    """The scorer picks the band and a value inside it; the value is the score."""
    weight = leaf_weight(leaf)
    band = inputs.get("band")
    if band not in BANDS:
        raise InvalidInput("请选择评价档次：met（达成）、partial（部分达成）或unmet（未达成）")
    if "value" not in inputs:
        raise InvalidInput("请填写该档次内的得分")
    value = parse_points(inputs["value"], "得分")
    low, high = band_limits(weight, band)
    if not low <= value <= high:
        raise InvalidInput(
            f"“{BANDS[band][2]}”档的得分须在{fmt(low)}至{fmt(high)}分之间，收到{fmt(value)}分"
        )
    return ScoreResult(
        score=q2(value),
        actual=None,
        rate=percentage(value, weight),
        details={"band": band, "band_title": BANDS[band][2], **_actual_text(inputs)},
    )


def validate_deduction(params: Mapping[str, Any], leaf: Mapping[str, Any]) -> list[str]:
    return _check_keys(params, set(), "扣分规则参数")


def score_deduction(
    params: Mapping[str, Any],
    inputs: Mapping[str, Any],
    leaf: Mapping[str, Any],
    amounts: Amounts | None = None,
) -> ScoreResult:
    """Start from the weight and subtract each listed deduction (10 − 2 = 8); never below 0."""
    weight = leaf_weight(leaf)
    items = inputs.get("deductions", [])
    if not isinstance(items, list):
        raise InvalidInput("扣分项须逐条填写（列表）")
    deductions = [_parse_deduction(index, item) for index, item in enumerate(items, start=1)]
    total = sum((points for points, _ in deductions), ZERO)
    score = max(ZERO, weight - total)
    return ScoreResult(
        score=q2(score),
        actual=None,
        rate=percentage(score, weight),
        details={
            "deductions": [{"points": str(p), "reason": r} for p, r in deductions],
            "deducted": str(q2(total)),
        },
    )


def _parse_deduction(index: int, item: Any) -> tuple[Decimal, str]:
    item = _require_mapping(item, f"第{index}项扣分")
    points = parse_points(item.get("points"), f"第{index}项扣分的分数")
    if points == 0:
        raise InvalidInput(f"第{index}项扣分的分数须大于0")
    reason = str(item.get("reason") or "").strip()
    if not reason:
        raise InvalidInput(f"第{index}项扣分须写明扣分理由")
    return points, reason


def survey_options(params: Mapping[str, Any]) -> dict[str, Decimal]:
    """The options and their values (非常满意 100 … 不满意 0 unless the rule says otherwise)."""
    options = params.get("options") or DEFAULT_SURVEY_OPTIONS
    return {
        str(name): parse_decimal(value, f"选项“{name}”的分值") for name, value in options.items()
    }


def survey_target_rate(params: Mapping[str, Any]) -> Decimal:
    return parse_decimal(params.get("target_rate") or DEFAULT_TARGET_RATE, "目标满意度")


def validate_survey(params: Mapping[str, Any], leaf: Mapping[str, Any]) -> list[str]:
    errors = _check_keys(params, {"target_rate", "options"}, "满意度规则参数")
    try:
        target = survey_target_rate(params)
        if not ZERO < target <= HUNDRED:
            errors.append("目标满意度须大于0且不超过100")
    except InvalidInput as exc:
        errors.append(exc.message)
    options = params.get("options")
    if options is not None and (not isinstance(options, Mapping) or not options):
        errors.append("满意度选项须逐项填写“选项: 分值”，不能为空")
        return errors
    try:
        for name, value in survey_options(params).items():
            if not ZERO <= value <= HUNDRED:
                errors.append(f"选项“{name}”的分值须在0至100之间")
    except InvalidInput as exc:
        errors.append(exc.message)
    return errors


def score_survey(
    params: Mapping[str, Any],
    inputs: Mapping[str, Any],
    leaf: Mapping[str, Any],
    amounts: Amounts | None = None,
) -> ScoreResult:
    """满意度 = Σ(option value × count) / returned, or satisfied / respondents × 100.

    Full weight at or above the target rate, weight × rate / target below it.
    18 非常满意 + 12 满意 of 30 → 92 %.
    """
    weight = leaf_weight(leaf)
    target = survey_target_rate(params)
    if target <= 0:
        raise InvalidInput("目标满意度须大于0")
    has_answers, has_counts = "answers" in inputs, "respondents" in inputs or "satisfied" in inputs
    if has_answers == has_counts:
        raise InvalidInput("请填写各选项的份数，或回收份数与满意份数，二选一")
    if has_answers:
        rate, details = _rate_from_answers(survey_options(params), inputs["answers"])
    else:
        rate, details = _rate_from_counts(inputs)
    return ScoreResult(
        score=_capped(weight, rate / target),
        actual=q2(rate),
        rate=q2(rate),
        deviation_note_required=needs_deviation_note(rate, target),
        details={**details, "target_rate": str(target)},
    )


def _rate_from_answers(options: Mapping[str, Decimal], answers: Any) -> tuple[Decimal, dict]:
    answers = _require_mapping(answers, "问卷答案")
    unknown = [name for name in answers if name not in options]
    if unknown:
        raise InvalidInput(
            f"未知的满意度选项：{'、'.join(map(str, unknown))}；可选：{'、'.join(options)}"
        )
    counts = {name: parse_count(answers.get(name, 0), f"“{name}”的份数") for name in options}
    returned = sum(counts.values())
    if returned == 0:
        raise InvalidInput("有效问卷为0份，无法计算满意度")
    points = sum((options[name] * count for name, count in counts.items()), ZERO)
    return points / returned, {"answers": counts, "respondents": returned}


def _rate_from_counts(inputs: Mapping[str, Any]) -> tuple[Decimal, dict]:
    respondents = parse_count(inputs.get("respondents"), "回收问卷份数")
    satisfied = parse_count(inputs.get("satisfied"), "满意份数")
    if respondents == 0:
        raise InvalidInput("回收问卷份数须大于0")
    if satisfied > respondents:
        raise InvalidInput(f"满意份数（{satisfied}）不能多于回收份数（{respondents}）")
    rate = Decimal(satisfied) * HUNDRED / respondents
    return rate, {"respondents": respondents, "satisfied": satisfied}


def parse_survey_csv(
    data: bytes, options: Iterable[str] = tuple(DEFAULT_SURVEY_OPTIONS)
) -> dict[str, int]:
    """Count a CSV of responses (问卷结果): one column of answers, an optional header row.

    UTF-8 with or without BOM, or GBK (Excel on Chinese Windows). Blank lines are skipped; a first
    row that is not an option is taken as the header; any other unknown answer is an error, and
    all of them are reported at once in `details`.
    """
    options = list(options)
    counts = dict.fromkeys(options, 0)
    errors: list[str] = []
    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(_decode(data))), 1)]
    rows = [(n, [cell.strip() for cell in row]) for n, row in rows if any(c.strip() for c in row)]
    for position, (line, cells) in enumerate(rows):
        if any(cells[1:]):
            errors.append(f"第{line}行有多于一列的内容，问卷文件应只有一列答案")
            continue
        answer = cells[0]
        if answer in counts:
            counts[answer] += 1
        elif position > 0:
            errors.append(f"第{line}行的答案“{answer}”不是有效选项")
    if errors:
        raise InvalidInput(f"问卷文件有{len(errors)}处错误：{errors[0]}", errors=errors)
    if not sum(counts.values()):
        raise InvalidInput("问卷文件中没有有效答案")
    return counts


def _decode(data: bytes) -> str:
    """UTF-8 (BOM stripped) first, then GBK; GB18030 covers GBK and rarer characters."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InvalidInput("无法识别问卷文件的编码，请另存为UTF-8或GBK编码的CSV") from None


def validate_manual(params: Mapping[str, Any], leaf: Mapping[str, Any]) -> list[str]:
    return _check_keys(params, set(), "人工评分规则参数")


def score_manual(
    params: Mapping[str, Any],
    inputs: Mapping[str, Any],
    leaf: Mapping[str, Any],
    amounts: Amounts | None = None,
) -> ScoreResult:
    """The scorer types the score, between 0 and the weight; the reason is always required.
    The 完成值 (`actual`) given beside it is kept: a number as the others' are, a text as is."""
    weight = leaf_weight(leaf)
    if "score" not in inputs:
        raise InvalidInput("请填写得分")
    score = parse_points(inputs["score"], "得分")
    if score > weight:
        raise InvalidInput(f"得分{fmt(score)}超过该指标分值{fmt(weight)}")
    actual = _numeric_actual(inputs)
    return ScoreResult(
        score=q2(score),
        actual=actual,
        rate=percentage(score, weight),
        details={} if actual is not None else _actual_text(inputs),
    )


def _numeric_actual(inputs: Mapping[str, Any]) -> Decimal | None:
    """A typed 完成值 that is a number (735), or None (none given, or a text such as "有效")."""
    value = inputs.get("actual")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = parse_decimal(value, "完成值")
    except InvalidInput:
        return None
    if number < 0:
        raise InvalidInput("完成值不能为负数")
    if number != q2(number):
        raise InvalidInput("完成值最多保留两位小数")
    return number


def _actual_text(inputs: Mapping[str, Any]) -> dict[str, str]:
    """A 定性 完成值 ("有效", "按期完成") kept in the score's details."""
    value = inputs.get("actual")
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > 200:
        raise InvalidInput("完成值最多 200 字")
    return {"actual_text": text} if text else {}


Validator = Callable[[Mapping[str, Any], Mapping[str, Any]], list[str]]

Scorer = Callable[
    [Mapping[str, Any], Mapping[str, Any], Mapping[str, Any], Amounts | None], ScoreResult
]


@dataclass(frozen=True)
class Rule:
    """A 评分规则: its type, its label, how its parameters are checked and a leaf is scored."""

    type: str
    title: str
    validate: Validator
    score: Scorer


RULES: dict[str, Rule] = {
    rule.type: rule
    for rule in (
        Rule("rate", "比率", validate_rate, score_rate),
        Rule("completion", "完成率", validate_completion, score_completion),
        Rule("tiered", "分档评价", validate_tiered, score_tiered),
        Rule("deduction", "扣分法", validate_deduction, score_deduction),
        Rule("survey", "满意度调查", validate_survey, score_survey),
        Rule("manual", "人工评分", validate_manual, score_manual),
    )
}

#: 评分规则 by type, with their labels (the indicator table's CHECK and the pages read these).
RULE_TYPES = {key: rule.title for key, rule in RULES.items()}


def split_rule(rule: Any) -> tuple[str | None, dict[str, Any]]:
    """`{"type": "survey", "target_rate": "90"}` → ("survey", {"target_rate": "90"})."""
    if not isinstance(rule, Mapping):
        return None, {}
    params = {key: value for key, value in rule.items() if key != "type"}
    return rule.get("type"), params


def validate_rule(leaf: Mapping[str, Any]) -> list[str]:
    """Problems with the leaf's rule and its parameters (Chinese messages; empty when fine)."""
    rule_type, params = split_rule(leaf.get("rule"))
    if rule_type not in RULES:
        known = "、".join(rule.title for rule in RULES.values())
        return [f"评分规则“{rule_type or '未填写'}”未知，可选：{known}"]
    errors = []
    if leaf_direction(leaf) not in DIRECTIONS:
        errors.append(DIRECTION_ERROR)
    return errors + RULES[rule_type].validate(params, leaf)


def compute_score(
    leaf: Mapping[str, Any], inputs: Mapping[str, Any] | None, amounts: Amounts | None = None
) -> ScoreResult:
    """Score one leaf from the scorer's inputs by its rule; raises `InvalidInput` on bad input."""
    problems = validate_rule(leaf)
    if problems:
        raise InvalidInput(f"该指标的评分规则有误：{problems[0]}", errors=problems)
    rule_type, params = split_rule(leaf["rule"])
    inputs = _require_mapping(inputs if inputs is not None else {}, "评分输入")
    return RULES[rule_type].score(params, inputs, leaf, amounts)


@dataclass(frozen=True)
class Deduction:
    """One 扣分 of a `deduction` leaf: the points taken off (as entered) and why."""

    points: Decimal
    reason: str


@dataclass(frozen=True)
class ScorecardNode:
    """One row of the 评分表; a branch's score is the sum of its scored applicable leaves.

    Points (`weight`, `score`, `rate`) are kept to two places, so they print as `fmt` does;
    `actual` is the 完成值 as stored. The fields after `scored` describe a leaf and stay at
    their defaults on a branch.
    """

    code: str
    name: str
    weight: Decimal
    score: Decimal | None
    applicable_weight: Decimal
    not_applicable: bool = False
    children: tuple[ScorecardNode, ...] = ()
    scored: bool = True  # every applicable leaf below has a score
    reason: str | None = None  # 扣分理由 / 不适用理由
    target: str | None = None  # 指标值
    unit: str | None = None
    rule: str | None = None  # the rule's type
    direction: str | None = None
    standard: str | None = None  # 评分标准
    scorer: int | None = None  # the user assigned to score it
    actual: Decimal | None = None  # 完成值
    rate: Decimal | None = None  # in %
    deviation_note: str = ""  # 偏差说明
    deductions: tuple[Deduction, ...] = ()
    scored_at: datetime | None = None
    actual_text: str = ""  # a 定性 完成值 ("有效")
    respondents: int | None = None  # 回收问卷份数 of a survey leaf

    @property
    def completion_value(self) -> str:
        """完成值 as shown, with its unit ("735人次", "98%") or a 定性 leaf's text."""
        return shown_actual(self.actual, self.actual_text, self.rule, self.unit)

    @property
    def nature(self) -> str:
        """指标性质: ≥, ≤, = or 定性."""
        return indicator_nature(self.direction, self.rule, self.target)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> list[ScorecardNode]:
        """The 三级指标 at or below this row, in order."""
        if self.is_leaf:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    @classmethod
    def leaf(
        cls,
        code: str,
        name: str,
        weight: Any,
        score: Any,
        not_applicable: bool = False,
        **facts: Any,
    ) -> ScorecardNode:
        """A leaf row, its score checked against its weight (none while 不适用); `facts` are
        the other leaf fields (reason, target, unit, rule …), typed as declared above."""
        weight = parse_points(weight, "分值")
        points = None
        if not not_applicable and score is not None:
            points = parse_points(score, f"指标“{name}”的得分")
            if points > weight:
                raise InvalidInput(f"指标“{name}”的得分{fmt(points)}超过分值{fmt(weight)}")
        return cls(
            code=code,
            name=name,
            weight=q2(weight),
            score=None if points is None else q2(points),
            applicable_weight=ZERO if not_applicable else weight,
            not_applicable=not_applicable,
            scored=not_applicable or points is not None,
            **facts,
        )

    @classmethod
    def branch(cls, code: str, name: str, children: Iterable[ScorecardNode]) -> ScorecardNode:
        """A 一级 or 二级 row: weight, score and applicable weight summed over `children`."""
        children = tuple(children)
        scores = [child.score for child in children if child.score is not None]
        return cls(
            code=code,
            name=name,
            weight=q2(sum((child.weight for child in children), ZERO)),
            score=q2(sum(scores, ZERO)) if scores else None,
            applicable_weight=sum((child.applicable_weight for child in children), ZERO),
            not_applicable=all(child.not_applicable for child in children),
            children=children,
            scored=all(child.scored for child in children),
        )


@dataclass(frozen=True)
class Scorecard:
    """评分表: the rows and the totals; `total` is rescaled to 100 over applicable weights if a
    leaf is 不适用. Without any indicator (`empty`) there are no totals and no grade.

    The evaluation fields (id … `finalized_by`) are set by `scoring.scorecard.scorecard_of`.
    """

    levels: tuple[ScorecardNode, ...]
    raw_total: Decimal | None
    applicable_weight: Decimal | None
    total: Decimal | None
    rescaled: bool
    complete: bool
    grade: str | None
    evaluation_id: int | None = None
    project_name: str = ""
    kind: str = ""
    finalized: bool = False
    finalized_at: datetime | None = None
    finalized_by: int | None = None

    @classmethod
    def of(cls, levels: Iterable[ScorecardNode]) -> Scorecard:
        """Totals and the grade of the 一级 rows. While scoring is in progress the total and
        grade cover the scores so far and `complete` is False."""
        levels = tuple(levels)
        raw = sum((node.score or ZERO for node in levels), ZERO)
        applicable = sum((node.applicable_weight for node in levels), ZERO)
        full = sum((node.weight for node in levels), ZERO)
        if applicable == 0:
            raise InvalidInput("所有指标均为不适用，无法计算总分")
        rescaled = applicable != full
        total = q2(raw * HUNDRED / applicable) if rescaled else q2(raw)
        return cls(
            levels=levels,
            raw_total=q2(raw),
            applicable_weight=q2(applicable),
            total=total,
            rescaled=rescaled,
            complete=all(node.scored for node in levels),
            grade=grade(total),
        )

    @classmethod
    def empty(cls) -> Scorecard:
        """The 评分表 of an evaluation without an indicator system."""
        return cls(
            levels=(),
            raw_total=None,
            applicable_weight=None,
            total=None,
            rescaled=False,
            complete=False,
            grade=None,
        )

    def leaves(self) -> list[ScorecardNode]:
        """Every 三级指标 row, in order."""
        return [leaf for level in self.levels for leaf in level.leaves()]


def build_scorecard(nodes: Sequence[Mapping[str, Any]]) -> Scorecard:
    """Subtotals per branch, the total and the grade from a tree of scored nodes.

    Leaves carry "weight", "score" (None until scored), "not_applicable" and "reason". Totals are
    always derived: sum of scores, or sum × 100 / applicable weight when any leaf is 不适用.
    """
    return Scorecard.of(_card_node(node) for node in nodes)


def _card_node(node: Mapping[str, Any]) -> ScorecardNode:
    if "children" in node:
        return ScorecardNode.branch(
            node["code"], node["name"], (_card_node(child) for child in node["children"])
        )
    return ScorecardNode.leaf(
        node["code"],
        node["name"],
        node.get("weight"),
        node.get("score"),
        bool(node.get("not_applicable")),
        reason=node.get("reason"),
    )
