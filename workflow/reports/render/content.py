"""The report as a document: the PDF (templates/reports/pdf.html, through
`workflow.reports.render.pdf`) and the Word file (python-docx), both from one `ReportContent`.

Bodies are plain text parsed by `workflow.reports.render.text`; the template autoescapes
everything, so no markup a user typed reaches the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from workflow.kernel import clock
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
class SectionContent:
    number: str
    title: str
    blocks: list[Block]
    items: list[ReportProblem] = field(default_factory=list)
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
    round: int
    stage: str
    name: str
    role: str
    at: str
    comment: str


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
            approvals=_approvals(session, evaluation),
        )


def _section(number: int, section: ReportSection, problems: list[ReportProblem]) -> SectionContent:
    kind = report_draft.ITEM_SECTIONS.get(section.key)
    return SectionContent(
        number=report_draft.numeral(number),
        title=section.title,
        blocks=parse_body(section.body),
        items=[p for p in problems if p.kind == kind] if kind else [],
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


def _approvals(session: Session, evaluation: Evaluation) -> list[ApprovalRow]:
    return [
        ApprovalRow(
            round=row.round,
            stage=STATES[row.stage],
            name=row.user.display_name + (f"（{row.user.title}）" if row.user.title else ""),
            role=_role_label(evaluation, row.user, row.stage),
            at=clock.to_local(row.at).strftime("%Y-%m-%d %H:%M"),
            comment=row.comment or "同意",
        )
        for row in approvals(session, evaluation)
    ]
