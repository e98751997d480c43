import time
from report_helpers import to_reporting, complete_report
from workflow import documents, reports
from workflow.report_render import ReportContent, render_report_pdf, render_report_html
from workflow.pdf import render_pdf

def test_timing(session, team, tmp_path):
    store = documents.DocumentStore(tmp_path / "files")
    ev = to_reporting(session, team, store)
    complete_report(session, team, ev)
    t=time.perf_counter(); c = ReportContent.of(session, ev, reports.sections_of(session, ev), reports.problems_of(session, ev)); print("content", time.perf_counter()-t)
    t=time.perf_counter(); reports.checks_of(session, ev); print("checks", time.perf_counter()-t)
    for i in range(3):
        t=time.perf_counter(); d = render_report_pdf(c); print("pdf", time.perf_counter()-t, len(d))
    t=time.perf_counter(); reports.report_docx(session, team.leader, ev.id); print("docx", time.perf_counter()-t)
