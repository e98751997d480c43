"""Implausible money is said at once: more spent than received, more received than budgeted
(a rate over 100 %) — on the form after saving, on the evaluation page, in the API, and the
report's consistency check names it. 修改项目信息 says what changed."""

from __future__ import annotations

from decimal import Decimal

from page_helpers import Browser, page, version_on

from workflow.kernel.audit import AuditEvent
from workflow.lifecycle.funds import amount_warnings


def test_the_rule():
    assert amount_warnings(Decimal(500), Decimal(500), Decimal("452.6")) == []
    (spent,) = amount_warnings(Decimal(500), Decimal(500), Decimal(4526))
    assert spent.startswith("实际支出（4,526.00万元）超过到位资金（500.00万元）")
    (received,) = amount_warnings(Decimal(500), Decimal(600), None)
    assert "到位资金（600.00万元）超过预算（500.00万元）" in received
    assert amount_warnings(None, None, None) == []


def test_the_page_and_the_api_say_it_and_the_audit_trail_says_what_changed(
    client, auth, api, session, team
):
    browser = Browser(client, auth, team.leader)
    url = f"/evaluations/{team.evaluation.id}/edit"
    form = page(browser.get(url))
    data = {
        "project_name": team.evaluation.project_name,
        "year": "2023",
        "kind": "department",
        "budget": "500",
        "funds_received": "500",
        "funds_spent": "4526",
        "version": version_on(form),
    }
    shown = page(browser.post(url, data, follow_redirects=True))
    assert "实际支出（4,526.00万元）超过到位资金（500.00万元）" in shown  # flashed and on the page
    assert 'id="amount-warnings"' in shown and "figure-alert" in shown
    body = api.as_(team.leader).get(f"/api/v1/evaluations/{team.evaluation.id}").json
    assert body["amount_warnings"][0].startswith("实际支出（4,526.00万元）")
    event = session.query(AuditEvent).filter_by(action="project_updated").one()
    assert "实际支出 2712.60 → 4526.00" in event.comment
    assert "预算 3000.00 → 500.00" in event.comment and "项目名称" not in event.comment


def test_the_report_check_names_it(session, team, files_dir, tmp_path):
    from report_helpers import to_reporting

    from workflow.kernel import files as file_store
    from workflow.lifecycle.models import Evaluation
    from workflow.reports.checks import checks_of

    evaluation = to_reporting(session, team, file_store.DocumentStore(tmp_path))
    session.query(Evaluation).filter_by(id=evaluation.id).update({"funds_spent": Decimal(9999)})
    session.commit()
    session.expire_all()
    checks = checks_of(session, session.get(Evaluation, evaluation.id))
    assert any(c.code == "funds_implausible" and "9,999.00万元" in c.message for c in checks)
