"""Portfolio API (评价概览): a bureau's figures across its units, a unit's overview."""

from __future__ import annotations

import roles
from web.portfolio.schemas import PortfolioOut, PortfolioQuery, UnitOverviewOut
from web.rest import caller, document_errors, make_blueprint, session
from workflow.accounts.models import Unit
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
