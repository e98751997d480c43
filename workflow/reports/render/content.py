"""The report as a document: the PDF (templates/reports/pdf.html, through
`workflow.reports.render.pdf`) and the Word file (python-docx), both from one `ReportContent`.

Bodies are plain text parsed by `workflow.reports.render.text`; the template autoescapes
everything, so no markup a user typed reaches the page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflow.kernel import clock
from workflow.kernel.audit import AuditEvent
from workflow.lifecycle.models import EVALUATION_KINDS, GROUP_ROLES, Evaluation
from workflow.lifecycle.queries import approvals
from workflow.lifecycle.states import STATES
from workflow.reports import draft as report_draft
from workflow.reports.models import ReportProblem, ReportSection
from workflow.reports.render.text import Block, parse_body
from workflow.scoring.rules import Scorecard, ScorecardNode
from workflow.scoring.scorecard import scorecard_of

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"

ATTACHMENT_TITLE = "绩效评价指标体系及评分表"


@dataclass
class ItemContent:
    """One 存在的问题 or 有关建议 as the documents print it."""

    problem: str
    cause: str = ""
    measure: str = ""
    owner_label: str = ""
    due_date: date | None = None

    @classmethod
    def of(cls, problem: ReportProblem) -> ItemContent:
        return cls(
            problem.problem, problem.cause, problem.measure, problem.owner_label, problem.due_date
        )


@dataclass
class SectionContent:
    number: str
    title: str
    blocks: list[Block]
    items: list[ItemContent] = field(default_factory=list)
    item_kind: str | None = None


@dataclass
class ScoreRow:
    """One row of the 评分表: a leaf, or a level-1 subtotal (`subtotal`)."""

    level1: str
    level2: str | None  # None on rows merged into the group's first row
    span: int
    name: str
    weight: str
    score: str
    target: str = ""
    actual: str = ""
    note: str = ""
    subtotal: bool = False


@dataclass
class ApprovalRow:
    """One step of a review round (审批记录): an approval, a 退回 with its reason, or a 撤回.

    `outcome` is what the step decided; an approval in a round that was then returned is
    `void` (its outcome says 已作废): it no longer counts."""

    round: int
    stage: str
    name: str
    role: str
    at: str
    comment: str
    outcome: str = "同意"
    void: bool = False


@dataclass
class ReportContent:
    """Everything both documents show."""

    title: str
    project_name: str
    unit_name: str
    year: int
    kind_label: str
    date_text: str
    final: bool
    state_label: str
    generated_at: datetime
    sections: list[SectionContent]
    score_rows: list[ScoreRow]
    total: str
    grade: str
    rescaled: bool
    approvals: list[ApprovalRow]
    #: One sentence per returned round: who returned it, when, where to, and that its
    #: approvals are void.
    round_notes: list[str] = field(default_factory=list)

    @property
    def cover_head(self) -> str:
        """The cover's heading line: "2024年度项目支出部门评价"."""
        return f"{self.year}年度项目支出{self.kind_label}"

    def to_data(self) -> dict[str, Any]:
        """The content as JSON-ready data: what 归档 freezes, so that the signed files
        rendered later say exactly what was approved (`from_data` reads it back)."""
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        for section in data["sections"]:
            for item in section["items"]:
                item["due_date"] = item["due_date"] and item["due_date"].isoformat()
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ReportContent:
        sections = [
            SectionContent(
                number=s["number"],
                title=s["title"],
                blocks=[Block(**b) for b in s["blocks"]],
                items=[
                    ItemContent(
                        **(i | {"due_date": i["due_date"] and date.fromisoformat(i["due_date"])})
                    )
                    for i in s["items"]
                ],
                item_kind=s["item_kind"],
            )
            for s in data["sections"]
        ]
        return cls(
            **data
            | {
                "generated_at": datetime.fromisoformat(data["generated_at"]),
                "sections": sections,
                "score_rows": [ScoreRow(**r) for r in data["score_rows"]],
                "approvals": [ApprovalRow(**a) for a in data["approvals"]],
            }
        )

    @classmethod
    def of(
        cls,
        session: Session,
        evaluation: Evaluation,
        sections: list[ReportSection],
        problems: list[ReportProblem],
        final: bool = False,
    ) -> ReportContent:
        now = clock.now()
        card = scorecard_of(session, evaluation)
        steps, notes = review_record(session, evaluation)
        return cls(
            title=report_draft.report_title(evaluation),
            project_name=evaluation.project_name,
            unit_name=evaluation.unit.name,
            year=evaluation.year,
            kind_label=EVALUATION_KINDS[evaluation.kind],
            date_text=report_draft.cn_date(clock.to_local(now).date()),
            final=final,
            state_label=STATES["archived" if final else evaluation.state],
            generated_at=now,
            sections=[_section(n, s, problems) for n, s in enumerate(sections, start=1)],
            score_rows=score_rows(card),
            total=report_draft.score(card.total),
            grade=card.grade or "—",
            rescaled=card.rescaled,
            approvals=steps,
            round_notes=notes,
        )


def _section(number: int, section: ReportSection, problems: list[ReportProblem]) -> SectionContent:
    kind = report_draft.ITEM_SECTIONS.get(section.key)
    return SectionContent(
        number=report_draft.numeral(number),
        title=section.title,
        blocks=parse_body(section.body),
        items=[ItemContent.of(p) for p in problems if p.kind == kind] if kind else [],
        item_kind=kind,
    )


def _leaf_note(leaf: ScorecardNode) -> str:
    if leaf.not_applicable:
        return f"不适用：{leaf.reason or ''}".rstrip("：")
    if leaf.deductions:
        return "；".join(
            f"{d.reason}（扣{report_draft.points(d.points)}分）" for d in leaf.deductions
        )
    if leaf.score is not None and leaf.reason and leaf.score < leaf.weight:
        return leaf.reason
    return ""


def _leaf_row(level1: str, level2: str | None, span: int, leaf: ScorecardNode) -> ScoreRow:
    unit = leaf.unit or ""
    score = "不适用" if leaf.not_applicable else report_draft.score(leaf.score)
    return ScoreRow(
        level1=level1,
        level2=level2,
        span=span,
        name=leaf.name,
        weight=report_draft.points(leaf.weight),
        score=score,
        target=f"{leaf.target or ''}{unit}",
        actual=leaf.completion_value,
        note=_leaf_note(leaf),
    )


def score_rows(card: Scorecard) -> list[ScoreRow]:
    """The 评分表 flattened: level-2 groups merged (short spans), level-1 repeated per row."""
    rows: list[ScoreRow] = []
    for level in card.levels:
        for group in level.children:
            leaves = group.leaves()
            name = "—" if group.is_leaf else group.name
            for index, leaf in enumerate(leaves):
                rows.append(_leaf_row(level.name, name if index == 0 else None, len(leaves), leaf))
        rows.append(
            ScoreRow(
                level1=level.name,
                level2="小计",
                span=1,
                name="",
                weight=report_draft.points(level.weight),
                score=report_draft.score(level.score),
                subtotal=True,
            )
        )
    return rows


def _role_label(evaluation: Evaluation, user, stage: str) -> str:
    if stage == "finance_review":
        bureau = user.bureau.name if user.bureau else ""
        return f"财政局审核人（{bureau}）" if bureau else "财政局审核人"
    held = [GROUP_ROLES[m.role] for m in evaluation.members if m.user_id == user.id]
    held = [r for r in held if r != GROUP_ROLES["approver"]]
    return "领导小组审批人" + (f"（{'、'.join(held)}）" if held else "")


def _person(user) -> str:
    return user.display_name + (f"（{user.title}）" if user.title else "")


def _local(at: datetime) -> str:
    return clock.to_local(at).strftime("%Y-%m-%d %H:%M")


def review_record(session: Session, evaluation: Evaluation) -> tuple[list[ApprovalRow], list[str]]:
    """审批记录: every approval, 退回 and 撤回 of every round, in order, with the notes on the
    returned rounds. A 退回 opens the next round, so the approvals of its round are void."""
    events = list(
        session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.evaluation_id == evaluation.id,
                AuditEvent.action.in_(("return", "withdraw")),
            )
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.id)
        )
    )
    returned = {e.round: e for e in events if e.action == "return"}
    steps = [
        (
            row.round,
            row.at,
            ApprovalRow(
                round=row.round,
                stage=STATES[row.stage],
                name=_person(row.user),
                role=_role_label(evaluation, row.user, row.stage),
                at=_local(row.at),
                comment=row.comment or "同意",
                outcome="同意（已作废）" if row.round in returned else "同意",
                void=row.round in returned,
            ),
        )
        for row in approvals(session, evaluation)
    ]
    steps += [(e.round, e.at, _event_row(evaluation, e)) for e in events if e.actor is not None]
    steps.sort(key=lambda step: (step[0], step[1]))
    notes = [
        f"第{n}轮于{_local(e.at)}由{e.actor.display_name if e.actor else '系统'}"
        f"退回至{STATES.get(e.to_state, e.to_state)}，该轮的审核通过已作废，"
        f"修改后重新提交为第{n + 1}轮。"
        for n, e in sorted(returned.items())
    ]
    return [row for _, _, row in steps], notes


def _event_row(evaluation: Evaluation, event: AuditEvent) -> ApprovalRow:
    """A 退回 (with its reason) or a 撤回 as a step of its round."""
    if event.action == "return":
        role = _role_label(evaluation, event.actor, event.from_state)
        outcome = f"退回至{STATES.get(event.to_state, event.to_state)}"
    else:
        role, outcome = "提交人", "撤回"
    return ApprovalRow(
        round=event.round,
        stage=STATES.get(event.from_state, event.from_state),
        name=_person(event.actor),
        role=role,
        at=_local(event.at),
        comment=event.comment or "—",
        outcome=outcome,
        void=False,
    )
