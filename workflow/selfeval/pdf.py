"""The 项目支出绩效自评表 as an A4 landscape PDF, through its template and the CJK PDF engine
(`workflow.reports.render.cjk`), like the report's PDF."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from workflow.kernel.money import money_str
from workflow.lifecycle.funds import FUND_SOURCES, FundSource
from workflow.reports.render.cjk import render_pdf
from workflow.reports.render.pdf import pdf_templates
from workflow.scoring.rules import fmt, percentage
from workflow.selfeval.form import SOURCE_LABELS, TITLE, FormIndicator, SelfEvaluationForm

#: xhtml2pdf cannot split a table across pages under a rowspan much longer than this: a longer
#: 一级 group repeats its name on each row instead of merging.
MAX_ROWSPAN = 12


@dataclass(frozen=True)
class TableRow:
    """A row of the 绩效指标 table with the rowspans of its 一级 and 二级 cells (0: covered by
    the cell above, None: not merged)."""

    indicator: FormIndicator
    level1_span: int | None
    level2_span: int | None


def self_evaluation_html(form: SelfEvaluationForm) -> str:
    template = pdf_templates().get_template("selfeval/pdf.html")
    weights = sum((i.weight for i in form.indicators), form.funds.weight or Decimal(0))
    return template.render(
        form=form,
        title=TITLE,
        sources=_sources(form),
        rows=table_rows(form.indicators),
        total_weight=weights,
        amount=lambda value: money_str(value) or "",
        points=lambda value: fmt(value) or "",
        max_rowspan=MAX_ROWSPAN,
    )


def self_evaluation_pdf(form: SelfEvaluationForm) -> bytes:
    """One A4 landscape page for a typical 10–20 indicators; the table's header repeats beyond."""
    return render_pdf(self_evaluation_html(form), page_numbers=False)


def _sources(form: SelfEvaluationForm) -> list[tuple[str, FundSource, str]]:
    given = {source.source: source for source in form.funds.sources}
    rows = []
    for key in FUND_SOURCES:
        source = given.get(key, FundSource(key))
        rate = percentage(source.spent, source.budget)
        rows.append((SOURCE_LABELS[key], source, f"{rate}%" if rate is not None else ""))
    return rows


def table_rows(indicators: tuple[FormIndicator, ...]) -> list[TableRow]:
    """The rows with the 一级 and 二级 groups' spans."""
    level1 = _spans([i.level1 for i in indicators])
    level2 = _spans([(i.level1, i.level2) for i in indicators])
    return [TableRow(i, a, b) for i, a, b in zip(indicators, level1, level2, strict=True)]


def _spans(keys: list) -> list[int | None]:
    spans: list[int | None] = []
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            length = index - start
            if length > MAX_ROWSPAN:
                spans += [None] * length
            else:
                spans += [length] + [0] * (length - 1)
            start = index
    return spans
