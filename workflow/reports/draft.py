"""Drafting the report (报告起草) on the outline for the evaluation's kind, from the data.

`gather` reads what is known (project and funds, targets, the group, stage dates from the audit
log, the indicator system and the 评分表, the problems); `draft` turns it into sections. Each
section carries the figures it states, as {label: the exact words used}, so that the consistency
check can draft again later and find words that no longer match the data.
Every number is computed here with Decimal, never typed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.documents.models import DOCUMENT_CATEGORIES, Document
from workflow.kernel import clock
from workflow.kernel.audit import AuditEvent
from workflow.lifecycle.models import EVALUATION_KINDS, Evaluation
from workflow.lifecycle.states import STAGES
from workflow.results.queries import Previous, previous_of
from workflow.scoring.rules import (
    DEFAULT_EXECUTION_BASIS,
    MEASURES,
    Scorecard,
    ScorecardNode,
    percentage,
    q2,
)
from workflow.scoring.scorecard import execution_rate_of, finalization, scorecard_of
from workflow.tasks.models import Task

#: 部门评价/财政评价: the nine parts of the outline, as 陇南市监控视频共享云平台's published
#: evaluation report has them.
DEPARTMENT_OUTLINE: tuple[tuple[str, str], ...] = (
    ("basic", "项目基本情况"),
    ("targets", "项目绩效目标"),
    ("work", "绩效评价工作开展情况"),
    ("conclusion", "综合评价情况及评价结论"),
    ("analysis", "绩效评价指标分析"),
    ("experience", "主要经验及做法"),
    ("problems", "存在的问题及原因分析"),
    ("suggestions", "有关建议"),
    ("other", "其他需要说明的问题"),
)

#: 单位自评: the shorter outline, as 和平县公安局's 2023 智慧新警务第一期项目 绩效自评报告 has it.
SELF_OUTLINE: tuple[tuple[str, str], ...] = (
    ("basic", "项目支出基本情况"),
    ("process", "决策及实施过程情况"),
    ("results", "绩效自评结果及分析"),
    ("problems", "自评发现的问题及整改措施"),
    ("suggestions", "绩效自评工作建议及预算安排建议"),
    ("other", "其他需要说明的问题"),
)

#: Sections that list the structured items of this kind after their text.
ITEM_SECTIONS = {"problems": "problem", "suggestions": "suggestion"}

NUMERALS = "一二三四五六七八九十"


def outline(kind: str) -> tuple[tuple[str, str], ...]:
    return SELF_OUTLINE if kind == "unit_self" else DEPARTMENT_OUTLINE


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (section numbers of the report)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def report_title(evaluation: Evaluation) -> str:
    suffix = "绩效自评报告" if evaluation.kind == "unit_self" else "绩效评价报告"
    return f"{evaluation.project_name}{suffix}"


def amount(value: Decimal | None) -> str:
    """万元 with thousands separators: 3000 → "3,000", 2712.6 → "2,712.60"."""
    if value is None:
        return "—"
    value = q2(value)
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def points(value: Any) -> str:
    """A weight: "20.00" → "20", "2.50" → "2.5"."""
    if value is None:
        return "—"
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def score(value: Any) -> str:
    """A score keeps two places: "4.52", "96.00"."""
    return "—" if value is None else str(q2(Decimal(str(value))))


def cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


@dataclass
class Person:
    role: str
    name: str
    title: str


@dataclass
class ReportData:
    """Everything the draft states, read once."""

    evaluation: Evaluation
    unit_name: str
    funds_rate: Decimal | None
    execution_rate: Decimal | None
    group: list[Person]
    stage_dates: dict[str, date]
    documents: Counter
    tasks_done: Counter
    card: Scorecard
    finalized_on: date | None
    problems: list[Any] = field(default_factory=list)
    previous: Previous | None = None  # 上年评价结果 of the same project
    execution_words: str = MEASURES["budget_execution"]  # its basis named when not 预算

    @property
    def levels(self) -> tuple[ScorecardNode, ...]:
        return self.card.levels


#: The group as the report lists it: the roles of `GROUP_ROLES`, labelled as reports print them.
GROUP_ORDER = (
    ("leader", "组  长"),
    ("deputy", "副组长"),
    ("member", "成  员"),
    ("approver", "审批人"),
)


def _group(evaluation: Evaluation) -> list[Person]:
    people = []
    for role, label in GROUP_ORDER:
        for user in evaluation.users_in(role):
            people.append(Person(label, user.display_name, user.title or ""))
    return people


def _stage_dates(session: Session, evaluation: Evaluation) -> dict[str, date]:
    """The local date each stage was first entered, from the audit log."""
    events = session.execute(
        select(AuditEvent.action, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.at)
        .where(AuditEvent.evaluation_id == evaluation.id)
        .order_by(AuditEvent.id)
    )
    entered: dict[str, date] = {}
    for action, source, target, at in events:
        if target and target not in entered and (action == "create" or source != target):
            entered[target] = clock.to_local(at).date()
    if evaluation.state in STAGES:
        entered.setdefault(evaluation.state, clock.today_local())
    return entered


def gather(session: Session, evaluation: Evaluation, problems: list[Any]) -> ReportData:
    documents = Counter(
        dict(
            session.execute(
                select(Document.category, func.count())
                .where(Document.evaluation_id == evaluation.id, Document.deleted_at.is_(None))
                .group_by(Document.category)
            ).all()
        )
    )
    tasks_done = Counter(
        dict(
            session.execute(
                select(Task.kind, func.count())
                .where(Task.evaluation_id == evaluation.id, Task.status == "done")
                .group_by(Task.kind)
            ).all()
        )
    )
    lock = finalization(session, evaluation)
    execution = execution_rate_of(evaluation)
    return ReportData(
        evaluation=evaluation,
        unit_name=evaluation.unit.name,
        funds_rate=percentage(evaluation.funds_received, evaluation.budget),
        execution_rate=execution.rate,
        execution_words=MEASURES["budget_execution"]
        if execution.basis == DEFAULT_EXECUTION_BASIS
        else execution.label,
        group=_group(evaluation),
        stage_dates=_stage_dates(session, evaluation),
        documents=documents,
        tasks_done=tasks_done,
        card=scorecard_of(session, evaluation),
        finalized_on=clock.to_local(lock.finalized_at).date() if lock else None,
        problems=problems,
        previous=previous_of(session, evaluation),
    )


class Writer:
    """Lines of a section body, and the figures (label → exact words) it states."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.figures: dict[str, str] = {}

    def line(self, text: str = "") -> None:
        self.lines.append(text)

    def fig(self, label: str, words: str) -> str:
        """Record `words` as the figure `label` and return them for the sentence."""
        self.figures[label] = words
        return words

    @property
    def body(self) -> str:
        return "\n".join(self.lines).strip()


@dataclass
class Draft:
    key: str
    title: str
    body: str
    figures: dict[str, str]


def draft(data: ReportData) -> list[Draft]:
    """The sections of the outline for the evaluation's kind, filled from `data`."""
    result = []
    for key, title in outline(data.evaluation.kind):
        writer = Writer()
        BUILDERS[key](data, writer)
        result.append(Draft(key, title, writer.body, writer.figures))
    return result


def _funds(data: ReportData, w: Writer, *, split: bool) -> None:
    ev = data.evaluation
    budget = w.fig("预算资金", f"预算资金{amount(ev.budget)}万元")
    received = w.fig("到位资金", f"实际到位资金{amount(ev.funds_received)}万元")
    spent = w.fig("实际支出", f"实际支出{amount(ev.funds_spent)}万元")
    funds_rate = exec_rate = ""
    if data.funds_rate is not None:
        funds_rate = "，" + w.fig("资金到位率", f"资金到位率为{data.funds_rate}%")
    if data.execution_rate is not None:
        words = f"{data.execution_words}为{data.execution_rate}%"
        exec_rate = "，" + w.fig("预算执行率", words)
    if split:
        w.line("（一）资金安排情况")
        w.line(
            f"{_unit_prefix(data)}{ev.project_name}{ev.year}年度{budget}，{received}{funds_rate}。"
        )
        w.line("（二）资金使用情况")
        w.line(f"截至评价时，项目{spent}{exec_rate}。")
    else:
        w.line(f"本项目{ev.year}年度{budget}，{received}{funds_rate}；{spent}{exec_rate}。")
    w.line(
        f"| 预算资金（万元） | 到位资金（万元） | 实际支出（万元） | 资金到位率 "
        f"| {data.execution_words} |"
    )
    w.line("| --- | --- | --- | --- | --- |")
    w.line(
        w.fig(
            "资金表",
            f"| {amount(ev.budget)} | {amount(ev.funds_received)} | {amount(ev.funds_spent)} "
            f"| {_pct(data.funds_rate)} | {_pct(data.execution_rate)} |",
        )
    )


def _unit_prefix(data: ReportData) -> str:
    """The unit's name before the project's, unless the project's name already begins with it
    ("某县公安局2024年度某县公安局视频监控项目" reads as a slip)."""
    return "" if data.evaluation.project_name.startswith(data.unit_name) else data.unit_name


def _scope(data: ReportData) -> str:
    """评价范围 from the 一级指标: "项目的决策、过程…", never "项目的项目决策"."""
    names = [level.name for level in data.levels]
    if not names:
        return "项目的决策、过程、产出和效益"
    if all(name.startswith("项目") for name in names):
        return "、".join(names)
    return "项目的" + "、".join(names)


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _indicator_targets(data: ReportData, w: Writer) -> None:
    rows = [leaf for leaf in data.card.leaves() if leaf.target]
    if not rows:
        return
    w.line("根据绩效目标细化分解的年度绩效指标如下：")
    w.line("| 绩效指标 | 指标值 |")
    w.line("| --- | --- |")
    for leaf in rows:
        w.line(f"| {leaf.name} | {leaf.target}{leaf.unit or ''} |")


def build_basic(data: ReportData, w: Writer) -> None:
    ev = data.evaluation
    if ev.kind == "unit_self":
        _funds(data, w, split=True)
        w.line("（三）绩效目标情况")
        if ev.targets.strip():
            w.line(f"绩效总体目标：{ev.targets.strip()}")
        _indicator_targets(data, w)
        _previous(data, w, "（四）")
        return
    w.line("（一）项目概况")
    w.line(
        f"{ev.project_name}由{data.unit_name}组织实施，属{ev.year}年度项目支出。"
        f"本次评价为{EVALUATION_KINDS[ev.kind]}。"
    )
    w.line("（二）资金投入和使用情况")
    _funds(data, w, split=False)
    _previous(data, w, "（三）")


def _previous(data: ReportData, w: Writer, number: str) -> None:
    """上年评价结果及整改情况, when the same project was evaluated and archived the year before.

    Worded "得分 … 评价结果为" (not 总分/等级): the consistency check holds those words to
    this year's 评分表."""
    previous = data.previous
    if previous is None:
        return
    w.line(f"{number}上年评价结果及整改情况")
    if previous.total is not None:
        result = w.fig(
            "上年评价结果",
            f"{previous.year}年度评价得分{score(previous.total)}分，评价结果为“{previous.grade}”",
        )
    else:
        result = w.fig("上年评价结果", f"{previous.year}年度已开展绩效评价")
    n = previous.open_rectifications
    items = w.fig(
        "上年整改情况",
        f"尚有{n}项整改事项未完成" if n else "上年评价提出的整改事项无未完成项",
    )
    w.line(f"本项目{result}；{items}。")


def build_targets(data: ReportData, w: Writer) -> None:
    targets = data.evaluation.targets.strip()
    if targets:
        w.line("（一）总体绩效目标")
        w.line(targets)
    if any(leaf.target for leaf in data.card.leaves()):
        w.line("（二）年度绩效指标" if targets else "（一）年度绩效指标")
        _indicator_targets(data, w)


PURPOSE = (
    "按照预算绩效管理要求，运用科学、规范的评价方法，对照绩效评价指标体系和评价标准，"
    "对项目的决策、过程、产出和效益进行客观公正的评价，为优化资金配置、加强项目管理、"
    "提高财政资金使用效益提供依据。"
)

PRINCIPLES = (
    "本次评价遵循相关性、重要性、可比性、系统性和经济性原则，坚持定量与定性相结合，"
    "客观、公正、全面、准确地反映项目绩效。"
)

METHODS = (
    "主要采用比较法、因素分析法和公众评判法，通过资料核查、现场核验、问卷调查和座谈了解情况；"
    "各三级指标按其评分规则计分，总分为各三级指标得分之和。评价结果分为优（90分及以上）、"
    "良（80分及以上、90分以下）、中（60分及以上、80分以下）和差（60分以下）四个等级。"
)

DUTIES = (
    (
        "组长职责",
        "对绩效评价工作全面负责，确定评价工作组成员的分工；复核评价工作底稿；"
        "检查督促评价工作进程；审核绩效评价报告。",
    ),
    (
        "副组长职责",
        "在组长领导下，根据评价方案选择适当的评价方法开展现场评价，对各项指标进行打分。",
    ),
    (
        "成员职责",
        "负责调查问卷的发放和收集；收集、梳理评价资料；编制评价工作底稿，撰写绩效评价报告。",
    ),
)


def _system_summary(data: ReportData, w: Writer) -> str:
    levels = data.levels
    if not levels:
        return ""
    level2 = sum(len(level.children) for level in levels)
    leaves = len(data.card.leaves())
    parts = "、".join(f"{level.name}（{points(level.weight)}分）" for level in levels)
    return w.fig(
        "指标体系",
        f"共设{parts}{len(levels)}个一级指标，{level2}个二级指标，{leaves}个三级指标",
    )


def _group_lines(data: ReportData, w: Writer) -> None:
    if not data.group:
        return
    for person in data.group:
        w.line(f"{person.role}：{person.name}  {person.title}".rstrip())
    for title, text in DUTIES:
        w.line(f"{title}：{text}")


def _date_range(data: ReportData, stage: str, next_stage: str | None) -> str:
    start = data.stage_dates.get(stage)
    if start is None:
        return ""
    end = data.stage_dates.get(next_stage) if next_stage else None
    if end is None:
        return f"（{cn_date(start)}起）"
    return f"（{cn_date(start)}至{cn_date(end)}）"


def _process_lines(data: ReportData, w: Writer) -> None:
    docs = data.documents
    basis = docs.get("basis", 0) + docs.get("work_plan", 0)
    collected = f"，收集{DOCUMENT_CATEGORIES['basis']}和评价工作方案{basis}份" if basis else ""
    leaves = len(data.card.leaves())
    done = sum(data.tasks_done.values())
    fieldwork = f"，完成资料收集、现场核验、问卷调查等工作任务{done}项" if done else ""
    finalized = f"，{cn_date(data.finalized_on)}评分定稿" if data.finalized_on else ""
    steps = (
        (
            "preparation",
            "implementation",
            f"确定评价对象，组建评价工作组{collected}，制定评价工作方案。",
        ),
        (
            "implementation",
            "analysis",
            f"确定评价指标体系（{leaves}个三级指标）和资料清单{fieldwork}。",
        ),
        (
            "analysis",
            "reporting",
            f"依据评价指标体系和评分规则对各项指标逐项打分，形成评分表{finalized}。",
        ),
        ("reporting", None, "依据评价结论撰写绩效评价报告，提交领导小组和财政部门审核。"),
    )
    for number, (stage, next_stage, text) in enumerate(steps, start=1):
        w.line(f"{number}.{STAGES[stage]}{_date_range(data, stage, next_stage)}：{text}")


def build_work(data: ReportData, w: Writer) -> None:
    ev = data.evaluation
    w.line("（一）评价目的")
    w.line(PURPOSE)
    w.line("（二）评价对象和范围")
    w.line(
        f"本次评价对象为{_unit_prefix(data)}{ev.year}年度{ev.project_name}，"
        f"评价范围涵盖{_scope(data)}。"
    )
    w.line("（三）评价原则")
    w.line(PRINCIPLES)
    w.line("（四）评价指标体系")
    summary = _system_summary(data, w)
    if summary:
        w.line(
            f"评价工作组在资料收集和项目对接的基础上拟定了绩效评价指标体系，{summary}，详见附件。"
        )
    w.line("（五）评价方法和标准")
    w.line(METHODS)
    if data.group:
        w.line("（六）评价工作组")
        w.line("为做好绩效评价工作，成立评价工作组，成员及分工如下：")
        _group_lines(data, w)
    w.line("（七）评价工作过程" if data.group else "（六）评价工作过程")
    _process_lines(data, w)


def _total_sentence(data: ReportData, w: Writer) -> str:
    card = data.card
    if card.total is None:
        return ""
    total = w.fig("总分", f"总分为{score(card.total)}分")
    grade = w.fig("等级", f"等级为“{card.grade}”")
    return f"本项目绩效评价{total}，绩效评价结果{grade}。"


def _level_table(data: ReportData, w: Writer) -> None:
    if not data.levels:
        return
    w.line("| 一级指标 | 分值 | 得分 | 得分率 |")
    w.line("| --- | --- | --- | --- |")
    for level in data.levels:
        rate = percentage(level.score, level.weight)
        w.line(
            w.fig(
                f"{level.code} 一级指标得分",
                f"| {level.name} | {points(level.weight)} | {score(level.score)} | {_pct(rate)} |",
            )
        )
    w.line(w.fig("合计", f"| 合计 | 100 | {score(data.card.total)} | — |"))


def build_conclusion(data: ReportData, w: Writer) -> None:
    sentence = _total_sentence(data, w)
    if not sentence:
        return
    w.line(
        "评价工作组根据绩效评价指标体系及评分规则，通过查阅资料、现场核验、问卷调查等方式，"
        f"对各项指标逐项打分。{sentence}各一级指标得分情况如下："
    )
    _level_table(data, w)
    if data.card.rescaled:
        w.line(w.fig("折算说明", "因部分指标不适用，总分按适用指标的分值折算为百分制。"))
    w.line("评分详见附件：绩效评价指标体系及评分表。")


def _leaf_line(leaf: ScorecardNode, w: Writer) -> str:
    """A leaf's sentence; its score, 完成值, 扣分 and 偏差说明 each a figure of their own, so the
    consistency check finds any of them the data no longer supports (a re-score after a 退回)."""
    name, weight, code = leaf.name, points(leaf.weight), leaf.code
    if leaf.not_applicable:
        head = w.fig(f"{code} 得分", f"{name}（分值{weight}分）：不适用")
        return f"- {head}。理由：{leaf.reason or '—'}"
    if leaf.score is None:
        return "- " + w.fig(f"{code} 得分", f"{name}（分值{weight}分）：尚未打分") + "。"
    parts = [w.fig(f"{code} 得分", f"{name}（分值{weight}分）：得{score(leaf.score)}分")]
    if leaf.target:
        done = f"，完成值{leaf.completion_value}" if leaf.completion_value else ""
        if leaf.respondents is not None:
            done += f"（回收有效问卷{leaf.respondents}份）"
        parts.append(w.fig(f"{code} 完成值", f"指标值{leaf.target}{leaf.unit or ''}{done}"))
    if leaf.deductions:
        listed = "；".join(f"{clause(d.reason)}扣{points(d.points)}分" for d in leaf.deductions)
        parts.append(w.fig(f"{code} 扣分", f"扣分情况：{listed}"))
    elif leaf.reason and leaf.score < leaf.weight:
        parts.append(w.fig(f"{code} 扣分", clause(f"扣分理由：{leaf.reason}")))
    if leaf.deviation_note:
        parts.append(w.fig(f"{code} 偏差说明", clause(f"偏差说明：{leaf.deviation_note}")))
    return "- " + sentences(parts)


def clause(text: str) -> str:
    """What a person typed (a 扣分理由, a 偏差说明) without the 。 or ； they may have ended it
    with, so that the sentence it goes into ends once."""
    return text.rstrip("。；;. ")


def sentences(parts: list[str]) -> str:
    """Parts joined as sentences, one 。 after each."""
    return "".join(clause(part) + "。" for part in parts)


def _analysis(data: ReportData, w: Writer) -> None:
    for number, level in enumerate(data.levels, start=1):
        head = w.fig(
            f"{level.code} 一级指标",
            f"{level.name}（分值{points(level.weight)}分，得分{score(level.score)}分）",
        )
        w.line(f"（{numeral(number)}）{head}")
        for child in level.children:
            for leaf in child.leaves():
                w.line(_leaf_line(leaf, w))


def build_analysis(data: ReportData, w: Writer) -> None:
    if data.levels:
        w.line("评价工作组按照设定的评价指标和评分标准，对各项指标逐项分析如下：")
    _analysis(data, w)


def build_process(data: ReportData, w: Writer) -> None:
    w.line(f"项目由{data.unit_name}负责具体实施。")
    if data.group:
        w.line("为做好绩效自评工作，成立绩效自评工作组，成员及分工如下：")
        _group_lines(data, w)
    summary = _system_summary(data, w)
    if summary:
        w.line(f"自评指标体系{summary}。")
    w.line("自评工作过程如下：")
    _process_lines(data, w)


def build_results(data: ReportData, w: Writer) -> None:
    sentence = _total_sentence(data, w)
    w.line("（一）总体情况")
    if sentence:
        parts = "，".join(
            w.fig(f"{lv.code} 自评得分", f"{lv.name}自评为{score(lv.score)}分")
            for lv in data.levels
        )
        w.line(f"综合评定，{sentence}其中{parts}。")
        _level_table(data, w)
    w.line("（二）项目绩效自评情况及分析")
    _analysis(data, w)
    w.line("（三）偏差较大项目说明")
    notes = [
        f"- {leaf.name}：{leaf.deviation_note}"
        for leaf in data.card.leaves()
        if leaf.deviation_note
    ]
    for line in notes or ["无。"]:
        w.line(line)


def build_nothing(_data: ReportData, _w: Writer) -> None:
    """Written by the group (经验做法), or listed from the structured items (问题、建议)."""


def build_other(_data: ReportData, w: Writer) -> None:
    w.line("无。")


BUILDERS = {
    "basic": build_basic,
    "targets": build_targets,
    "work": build_work,
    "conclusion": build_conclusion,
    "analysis": build_analysis,
    "experience": build_nothing,
    "problems": build_nothing,
    "suggestions": build_nothing,
    "other": build_other,
    "process": build_process,
    "results": build_results,
}


#: The sections drafted from the data, which 按最新数据重新生成本章 can redraft (the others are
#: written by the group or listed from the 问题与建议).
REGENERABLE = frozenset(
    key for key, build in BUILDERS.items() if build not in (build_nothing, build_other)
)
