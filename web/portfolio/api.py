"""Portfolio API (评价概览): a bureau's figures across its units, a unit's overview."""

from __future__ import annotations

import roles
from web.exports import FORMATS, ZIP, send_archive, send_table
from web.files import XLSX, store
from web.portfolio.schemas import ArchiveQuery, PortfolioOut, PortfolioQuery, UnitOverviewOut
from web.rest import caller, document_errors, make_blueprint, session
from workflow.accounts.models import Unit
from workflow.exports import archive as archived
from workflow.exports import tables
from workflow.kernel.errors import NotFound
from workflow.portfolio import queries as portfolio

blp = make_blueprint("portfolio", "评价概览：财政局所辖单位的评价统计、停留与逾期、单位概况")


@blp.route("/portfolio")
@blp.arguments(PortfolioQuery, location="query")
@blp.response(200, PortfolioOut)
def overview(query):
    """Counts per stage, 等级 and kind, the totals' histogram (5-point bins), the evaluations
    stuck longest and on whom, the overdue ones: of the evaluations the caller may see (a
    finance reviewer's bureau, everything for an administrator, a unit user's own unit)."""
    return portfolio.portfolio(session(), caller(), portfolio.Filters(**query))


@blp.route("/units/<int:unit_id>/overview")
@blp.response(200, UnitOverviewOut)
@document_errors(blp, 404)
def unit_overview(unit_id):
    """一个单位的概况: its evaluations by year with 总分 and 等级, its open and overdue 整改."""
    user = caller()
    unit = session().get(Unit, unit_id)
    if unit is None or not roles.can_see_unit(user, unit):
        raise NotFound("预算单位不存在或无权查看")
    return portfolio.unit_overview(session(), user, unit_id)


@blp.route("/portfolio.<fmt>")
@blp.arguments(PortfolioQuery, location="query")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=XLSX)
@document_errors(blp, 404)
def export(query, fmt):
    """评价概览 as Excel or CSV (UTF-8 with BOM): each figure a row."""
    if fmt not in FORMATS:
        raise NotFound("不支持的导出格式（可选 xlsx、csv）")
    filters = portfolio.Filters(**query)
    return send_table(tables.portfolio_figures(session(), caller(), filters), fmt)


@blp.route("/archive.zip")
@blp.arguments(ArchiveQuery, location="query")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=ZIP)
def archive(query):
    """A year's signed reports (已归档) the caller may see, as one ZIP with an index.xlsx,
    streamed."""
    user, year = caller(), query["year"]
    files = archived.archived_files(session(), user, year, store())
    index = archived.archive_index(session(), user, year)
    return send_archive(files, index, f"{year}年度评价报告.zip")
