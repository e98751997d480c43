from pathlib import Path
from report_helpers import to_reporting, complete_report
from workflow import documents, reports, evaluations

def test_scratch(session, team, tmp_path):
    store = documents.DocumentStore(tmp_path / "files")
    ev = to_reporting(session, team, store)
    complete_report(session, team, ev)
    Path("/tmp/rep/draft.pdf").write_bytes(reports.report_pdf(session, team.leader, ev.id, store).data)
