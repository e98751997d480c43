"""一致性检查: figures a section states by hand checked against the data, and empty sections."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.lifecycle.funds import amount_warnings
from workflow.lifecycle.models import Evaluation
from workflow.reports import draft as report_draft
from workflow.reports import limits
from workflow.reports.models import ReportSection
from workflow.reports.queries import problems_of, sections_of


@dataclass
class Check:
    """Something that still blocks submission, in Chinese, with the section it is about."""

    code: str
    message: str
    section: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "section": self.section}


_SAYS = r"(?:为|是|达到|：|:|\s)*"

TOTAL_WORDS = r"(总分|总得分|综合得分|绩效得分|自评得分|评分结果|综合评分)"

TOTAL_STATED = re.compile(TOTAL_WORDS + _SAYS + r"([0-9]+(?:\.[0-9]+)?)\s*分")

TOTAL_BLANK = re.compile(TOTAL_WORDS + r"(?:为|是|：|:)?[ \t\u3000]*分")

GRADE_STATED = re.compile(r"等级" + _SAYS + r"[“\"「『]?([优良中差])")

# 预算执行率 may name its basis: "预算执行率（实际支出÷到位资金）为96.88%".
RATE_STATED = re.compile(
    r"(预算执行率|资金到位率)(?:（[^）]{0,20}）)?" + _SAYS + r"([0-9]+(?:\.[0-9]+)?)\s*%"
)


def _matches(stated: str, actual: Decimal) -> bool:
    """ "96" and "96.0" state 96.00; "100" does not state 99.52 (no rounding up to a grade)."""
    try:
        return Decimal(stated) == actual
    except InvalidOperation:
        return False


def _label(section: ReportSection, number: int) -> str:
    return f"“{report_draft.numeral(number)}、{section.title}”"


def figure_changes(
    section: ReportSection, current: dict[str, str], names: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """What changed in the data since the section was drafted: each figure it was drafted with
    (`was`) that the data now words otherwise (`now`, None if gone), and whether the text still
    says the old words (`in_text`); `label` names it for a person ("3.3.1 群众满意度 完成值")."""
    return [
        {
            "figure": figure,
            "label": _figure_label(figure, names or {}),
            "was": words,
            "now": current.get(figure),
            "in_text": words in section.body,
        }
        for figure, words in (section.figures or {}).items()
        if current.get(figure) != words
    ]


def _figure_label(figure: str, names: dict[str, str]) -> str:
    """ "3.3.1 完成值" → "3.3.1 群众满意度 完成值": the indicator's name after its code."""
    code, _, what = figure.partition(" ")
    return f"{code} {names[code]} {what}" if code in names and what else figure


def _indicator_names(data: report_draft.ReportData) -> dict[str, str]:
    rows = [*data.levels, *(child for level in data.levels for child in level.children)]
    return {row.code: row.name for row in [*rows, *data.card.leaves()]}


def _stale_figures(
    section: ReportSection, number: int, changes: list[dict[str, Any]]
) -> tuple[list[Check], str]:
    """Figures the draft stated that the data no longer supports, if the words are still there.

    Returns the checks and the body with those words removed (for the hand-stated checks)."""
    checks, body = [], section.body
    for change in changes:
        words, now = change["was"], change["now"]
        if not change["in_text"]:
            continue
        if now is None:
            message = f"{_label(section, number)}中的“{words}”已无对应数据，请删除或改写"
        else:
            message = f"{_label(section, number)}中的“{words}”与当前数据不符，应为“{now}”"
        checks.append(Check("stale_figure", message, section.key))
        body = body.replace(words, "")
    return checks, body


def _hand_stated(
    section: ReportSection, number: int, body: str, data: report_draft.ReportData
) -> list[Check]:
    card, checks, where = data.card, [], _label(section, number)
    total = card.total
    for match in TOTAL_BLANK.finditer(body):
        checks.append(Check("total_missing", f"{where}中“{match.group(0)}”未写明分数", section.key))
    if total is not None:
        for match in TOTAL_STATED.finditer(body):
            if not _matches(match.group(2), total):
                checks.append(
                    Check(
                        "total_mismatch",
                        f"{where}中写明的“{match.group(0)}”与评分表总分{total}分不符",
                        section.key,
                    )
                )
        for match in GRADE_STATED.finditer(body):
            if match.group(1) != card.grade:
                checks.append(
                    Check(
                        "grade_mismatch",
                        f"{where}中写明的“{match.group(0)}”与评分表等级“{card.grade}”不符",
                        section.key,
                    )
                )
    rates = {"预算执行率": data.execution_rate, "资金到位率": data.funds_rate}
    for match in RATE_STATED.finditer(body):
        actual = rates[match.group(1)]
        if actual is not None and not _matches(match.group(2), actual):
            checks.append(
                Check(
                    "rate_mismatch",
                    f"{where}中写明的“{match.group(0)}”与按金额计算的{match.group(1)}{actual}%不符",
                    section.key,
                )
            )
    return checks


def _is_empty(section: ReportSection | None, problem_kinds: set[str]) -> bool:
    """尚未填写: no text, and (for 存在的问题/有关建议) no listed item of its kind either."""
    if section is None:
        return True
    has_items = report_draft.ITEM_SECTIONS.get(section.key) in problem_kinds
    return not section.body.strip() and not has_items


def section_is_empty(session: Session, evaluation: Evaluation, key: str) -> bool:
    """Is the section still empty (or not drafted yet)? The same test as the `empty_section`
    check."""
    section = session.scalar(
        select(ReportSection).where(
            ReportSection.evaluation_id == evaluation.id, ReportSection.key == key
        )
    )
    return _is_empty(section, {p.kind for p in problems_of(session, evaluation)})


@dataclass
class Review:
    """一致性检查 of the report as stored: what blocks submission, and per section what changed
    in the data since it was drafted (`figure_changes`)."""

    checks: list[Check]
    changes: dict[str, list[dict[str, Any]]]


def review(session: Session, evaluation: Evaluation) -> Review:
    """Everything that still blocks submission of the report, all at once, and the changes."""
    sections = sections_of(session, evaluation)
    if not sections:
        return Review([Check("not_drafted", "报告尚未起草")], {})
    problems = problems_of(session, evaluation)
    data = report_draft.gather(session, evaluation, problems)
    current = {part.key: part.figures for part in report_draft.draft(data)}
    names = _indicator_names(data)
    changes = {s.key: figure_changes(s, current.get(s.key, {}), names) for s in sections}
    kinds = {p.kind for p in problems}
    checks: list[Check] = []
    sizes = [limits.Size.of(section.body) for section in sections]
    for number, (section, size) in enumerate(zip(sections, sizes, strict=True), start=1):
        for message in limits.section_problems(size):
            checks.append(Check("too_large", f"{_label(section, number)}：{message}", section.key))
        if _is_empty(section, kinds):
            checks.append(Check("empty_section", f"{_label(section, number)}尚未填写", section.key))
            continue
        stale, rest = _stale_figures(section, number, changes[section.key])
        checks += stale + _hand_stated(section, number, rest, data)
    for warning in amount_warnings(
        evaluation.budget, evaluation.funds_received, evaluation.funds_spent
    ):  # a report must not be submitted on amounts that cannot be right
        checks.append(Check("funds_implausible", f"项目资金数据存疑：{warning}"))
    checks += [Check("too_large", message) for message in limits.report_problems(sizes)]
    for problem in problems:
        if problem.kind == "problem" and not problem.measure.strip():
            checks.append(
                Check(
                    "problem_without_measure",
                    f"问题“{_short(problem.problem)}”尚未填写整改措施",
                    "problems",
                )
            )
    return Review(checks, changes)


def checks_of(session: Session, evaluation: Evaluation) -> list[Check]:
    """What still blocks submission of the report (the guard of leaving 报告撰写)."""
    return review(session, evaluation).checks


def _short(text: str, length: int = 20) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length] + "…"
