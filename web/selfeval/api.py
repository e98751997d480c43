"""项目支出绩效自评表 through the API: JSON, Excel and PDF."""

from __future__ import annotations

from web.files import PDF, XLSX
from web.rest import caller, document_errors, make_blueprint, session
from web.selfeval.files import send_self_evaluation
from web.selfeval.schemas import SelfEvaluationOut
from workflow.selfeval.form import get_self_evaluation

blp = make_blueprint("selfeval", "项目支出绩效自评表")


@blp.route("/evaluations/<int:evaluation_id>/self-evaluation")
@blp.response(200, SelfEvaluationOut)
@document_errors(blp, 404)
def self_evaluation(evaluation_id):
    """自评表: header, 项目资金 (with the 预算执行率 leaf), 年度总体目标, 绩效指标, 总分."""
    return get_self_evaluation(session(), caller(), evaluation_id)


@blp.route("/evaluations/<int:evaluation_id>/self-evaluation.xlsx")
@blp.response(200, description="自评表 Excel 文件", content_type=XLSX)
@document_errors(blp, 404)
def self_evaluation_xlsx(evaluation_id):
    """自评表 as an Excel workbook in the national layout, one A4 landscape page wide."""
    return send_self_evaluation(caller(), evaluation_id, "xlsx")


@blp.route("/evaluations/<int:evaluation_id>/self-evaluation.pdf")
@blp.response(200, description="自评表 PDF", content_type=PDF)
@document_errors(blp, 404)
def self_evaluation_file_pdf(evaluation_id):
    """自评表 as an A4 landscape PDF."""
    return send_self_evaluation(caller(), evaluation_id, "pdf")
