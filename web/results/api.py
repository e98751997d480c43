"""结果应用 and 评价结果公开 API: an archived evaluation's decision and publication, the rules
that suggest a decision from the 等级, and a year's decisions as Excel."""

from __future__ import annotations

import io

from flask import send_file, url_for
from flask.views import MethodView

import roles
from web.auth import client_addr
from web.rest import caller, document_errors, make_blueprint, session
from web.results.schemas import (
    DecisionIn,
    DecisionOut,
    PublicationIn,
    PublicationOut,
    RulesIn,
    RulesOut,
    YearQuery,
)
from workflow.kernel.errors import NotAllowed
from workflow.results import excel, queries
from workflow.results import operations as results
from workflow.results.models import Publication
from workflow.results.queries import DecisionView
from workflow.results.rules import Rule

blp = make_blueprint("results", "评价结果应用与公开：结果应用、应用规则、年度汇总表、结果公开")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rule_dict(rule: Rule | None) -> dict | None:
    if rule is None:
        return None
    return {
        "grade": rule.grade,
        "decision": rule.decision,
        "decision_label": rule.decision_label,
        "percentage": rule.percentage,
    }


def decision_dict(view: DecisionView) -> dict:
    return {
        "evaluation_id": view.evaluation_id,
        "state": view.state,
        "total": view.total,
        "grade": view.grade,
        "decision": view.decision,
        "decision_label": view.decision_label,
        "percentage": view.percentage,
        "comment": view.comment,
        "decided_by": view.decided_by,
        "decided_at": view.decided_at,
        "suggested": rule_dict(view.suggested),
        "can_decide": view.can_decide,
    }


def publication_dict(row: Publication | None) -> dict:
    """On: the token and the public page's address; off (or never on): neither."""
    if row is None or not row.published:
        return {"published": False, "token": None, "url": None}
    url = url_for("public_pages.result", token=row.token, _external=True)
    return {"published": True, "token": row.token, "url": url}


@blp.route("/evaluations/<int:evaluation_id>/decision")
class Decision(MethodView):
    @blp.response(200, DecisionOut)
    @document_errors(blp, 404)
    def get(self, evaluation_id):
        """结果应用 of the evaluation (anyone who may see it), with what its 等级 suggests."""
        return decision_dict(queries.get_decision(session(), caller(), evaluation_id))

    @blp.arguments(DecisionIn)
    @blp.response(200, DecisionOut)
    @document_errors(blp, 400, 403, 404, 409)
    def put(self, data, evaluation_id):
        """Record or change the decision: the covering finance reviewer (or an administrator),
        once archived; `percentage` with 压减 (required) or 增加."""
        user = caller()
        spec = results.DecisionSpec(data["decision"], data["percentage"], data["comment"])
        results.decide_result(session(), user, evaluation_id, spec, client_addr())
        return decision_dict(queries.get_decision(session(), user, evaluation_id))


@blp.route("/decision-rules")
class DecisionRules(MethodView):
    @blp.response(200, RulesOut)
    @document_errors(blp, 403)
    def get(self):
        """结果应用规则: each 等级's default decision (administrators)."""
        if not roles.can_manage_decision_rules(caller()):
            raise NotAllowed("仅管理员可以查看或修改结果应用规则")
        rules = queries.rules_in_force(session())
        return {"rules": [rule_dict(rule) for rule in rules.values()]}

    @blp.arguments(RulesIn)
    @blp.response(200, RulesOut)
    @document_errors(blp, 400, 403)
    def put(self, data):
        """Change the default of the 等级 given; the others stay (administrators)."""
        rules = [Rule(r["grade"], r["decision"], r["percentage"]) for r in data["rules"]]
        changed = results.set_decision_rules(session(), caller(), rules)
        return {"rules": [rule_dict(rule) for rule in changed.values()]}


@blp.route("/decisions.xlsx")
@blp.arguments(YearQuery, location="query")
@blp.response(200, content_type=XLSX)
@document_errors(blp, 400)
def decisions_xlsx(query):
    """结果应用汇总表 of a year: the archived evaluations the caller may see, with 总分, 等级,
    decision, percentage and comment (and the rule's suggestion), for the next budget round."""
    year = query["year"]
    rows = queries.decisions_of_year(session(), caller(), year)
    data = excel.decisions_workbook(year, rows, queries.rules_in_force(session()))
    return send_file(
        io.BytesIO(data),
        mimetype=XLSX,
        as_attachment=True,
        download_name=excel.workbook_filename(year),
    )


@blp.route("/evaluations/<int:evaluation_id>/publication")
class PublicationItem(MethodView):
    @blp.response(200, PublicationOut)
    @document_errors(blp, 404)
    def get(self, evaluation_id):
        """Whether the result is published, and where (anyone who may see the evaluation)."""
        return publication_dict(queries.get_publication(session(), caller(), evaluation_id))

    @blp.arguments(PublicationIn)
    @blp.response(200, PublicationOut)
    @document_errors(blp, 400, 403, 404, 409)
    def put(self, data, evaluation_id):
        """评价结果公开 on or off: the covering finance reviewer, once archived. Switched on
        again, the page gets a new address; switched off, the old one answers 404."""
        row = results.set_publication(
            session(), caller(), evaluation_id, data["published"], client_addr()
        )
        return publication_dict(row)
