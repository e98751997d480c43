"""Report API (评价报告): sections and their versions, problems, review comments, PDF and Word."""

from __future__ import annotations

import io

from flask import send_file
from flask.views import MethodView

from web.auth import client_addr
from web.files import DOCX, PDF, store
from web.reports.schemas import (
    CommentIn,
    CommentOut,
    DiffOut,
    DiffQuery,
    ProblemIn,
    ProblemOut,
    RegenerateIn,
    ReportOut,
    RoundOut,
    SectionIn,
    SectionOut,
    VersionOut,
)
from web.rest import caller, document_errors, make_blueprint, session
from workflow.kernel import files as file_store
from workflow.reports import operations as reports
from workflow.reports import page as report_page
from workflow.reports import queries as report_queries

blp = make_blueprint("reports", "评价报告：章节编辑与版本、问题与建议、审核意见、PDF 与 Word")


def _spec(data) -> reports.ProblemSpec:
    return reports.ProblemSpec(
        problem=data["problem"],
        cause=data["cause"],
        measure=data["measure"],
        owner=data["owner"],
        due_date=data["due_date"],
        kind=data["kind"],
    )


@blp.route("/evaluations/<int:evaluation_id>/report")
@blp.response(200, ReportOut)
@document_errors(blp, 404)
def get_report(evaluation_id):
    """The report: sections (with comments), problems, and the checks that block submission."""
    return report_page.report_view(session(), caller(), evaluation_id)


@blp.route("/evaluations/<int:evaluation_id>/report/sections/<key>", methods=["PUT"])
@blp.arguments(SectionIn)
@blp.response(200, SectionOut)
@document_errors(blp, 400, 403, 404, 409)
def put_section(data, evaluation_id, key):
    """Save a section with the version read (a stale version is 409); each save is a version."""
    return reports.save_section(
        session(), caller(), evaluation_id, key, data["body"], data["version"], client_addr()
    )


@blp.route("/evaluations/<int:evaluation_id>/report/sections/<key>/regenerate", methods=["POST"])
@blp.arguments(RegenerateIn, required=False)
@blp.response(200, SectionOut)
@document_errors(blp, 400, 403, 404, 409)
def regenerate_section(data, evaluation_id, key):
    """按最新数据重新生成本章: redraft a generated section from the data now; its text until now
    is kept as a version (see …/versions)."""
    return reports.regenerate_section(
        session(), caller(), evaluation_id, key, (data or {}).get("version"), client_addr()
    )


@blp.route("/evaluations/<int:evaluation_id>/report/sections/<key>/versions")
@blp.response(200, VersionOut(many=True))
@document_errors(blp, 404)
def section_versions(evaluation_id, key):
    """Every version of a section, oldest first (version 1 is the generated draft)."""
    return report_queries.section_versions(session(), caller(), evaluation_id, key)


@blp.route("/evaluations/<int:evaluation_id>/report/sections/<key>/diff")
@blp.arguments(DiffQuery, location="query")
@blp.response(200, DiffOut)
@document_errors(blp, 400, 404)
def section_diff(query, evaluation_id, key):
    """Two versions side by side (`from`, `to`), changed lines and characters marked."""
    return report_queries.section_diff(
        session(), caller(), evaluation_id, key, query["from_"], query["to"]
    )


@blp.route("/evaluations/<int:evaluation_id>/report/problems", methods=["POST"])
@blp.arguments(ProblemIn)
@blp.response(201, ProblemOut)
@document_errors(blp, 400, 403, 404)
def add_problem(data, evaluation_id):
    """Add a problem (存在的问题) or, with kind=suggestion, a suggestion (有关建议)."""
    return reports.add_problem(session(), caller(), evaluation_id, _spec(data), client_addr())


@blp.route("/evaluations/<int:evaluation_id>/report/problems/<int:problem_id>")
class Problem(MethodView):
    @blp.arguments(ProblemIn)
    @blp.response(200, ProblemOut)
    @document_errors(blp, 400, 403, 404)
    def put(self, data, evaluation_id, problem_id):
        """Replace a problem or suggestion."""
        return reports.update_problem(
            session(), caller(), evaluation_id, problem_id, _spec(data), client_addr()
        )

    @blp.response(204)
    @document_errors(blp, 403, 404)
    def delete(self, evaluation_id, problem_id):
        reports.delete_problem(session(), caller(), evaluation_id, problem_id, client_addr())


@blp.route("/evaluations/<int:evaluation_id>/report/comments")
class Comments(MethodView):
    @blp.response(200, RoundOut(many=True))
    @document_errors(blp, 404)
    def get(self, evaluation_id):
        """审核意见 by review round."""
        return report_queries.list_comments(session(), caller(), evaluation_id)

    @blp.arguments(CommentIn)
    @blp.response(201, CommentOut)
    @document_errors(blp, 400, 403, 404)
    def post(self, data, evaluation_id):
        """Comment on a section (approvers in 领导小组审核, finance reviewers in 财政局审核)."""
        return reports.add_comment(
            session(), caller(), evaluation_id, data["section"], data["body"], client_addr()
        )


def send_report(report: report_page.ReportFile, mimetype: str):
    """The file as a download, its SHA-256 and whether it is the signed one in the headers."""
    response = send_file(
        io.BytesIO(report.data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=file_store.clean_name(report.filename),  # no control or bidi char
    )
    response.headers["X-Content-SHA256"] = report.sha256
    response.headers["X-Report-Archived"] = "1" if report.archived else "0"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blp.route("/evaluations/<int:evaluation_id>/report.pdf")
@blp.response(200, content_type=PDF)
@document_errors(blp, 404, 409)
def report_pdf(evaluation_id):
    """The report as A4 PDF; once archived, the signed file, byte for byte."""
    return send_report(report_page.report_pdf(session(), caller(), evaluation_id, store()), PDF)


@blp.route("/evaluations/<int:evaluation_id>/report.docx")
@blp.response(200, content_type=DOCX)
@document_errors(blp, 404, 409)
def report_docx(evaluation_id):
    """The report as a Word file; once archived, the one signed with the PDF, byte for byte."""
    return send_report(report_page.report_docx(session(), caller(), evaluation_id, store()), DOCX)
