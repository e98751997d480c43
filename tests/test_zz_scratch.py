from pathlib import Path
from report_helpers import to_reporting, complete_report
from workflow import documents, reports, evaluations
from workflow.models import Evaluation

def test_scratch(session, team, tmp_path):
    store = documents.DocumentStore(tmp_path / "files")
    ev = to_reporting(session, team, store)
    view = reports.report_view(session, team.leader, ev.id)
    for s in view["sections"]:
        print("=====", s["number"], s["title"], s["version"])
        print(s["body"])
    print(view["checks"])
    complete_report(session, team, ev)
    print(reports.report_view(session, team.leader, ev.id)["checks"])
    evaluations.perform(session, team.leader, ev.id, "advance")
    for a in team.approvers:
        evaluations.perform(session, a, ev.id, "approve", comment="同意")
    evaluations.perform(session, team.reviewer, ev.id, "approve", comment="同意归档", files=store)
    f = reports.report_pdf(session, team.leader, ev.id, store)
    Path("/tmp/rep/report.pdf").write_bytes(f.data)
    Path("/tmp/rep/report.docx").write_bytes(reports.report_docx(session, team.leader, ev.id).data)
