"""结果应用 and 评价结果公开 as people see them: the evaluation page's cards, the administrator's
rules page, and the public pages anyone may open without logging in."""

from __future__ import annotations

import hashlib
import re

import pytest
from conftest import Team, put_in_state
from page_helpers import Browser, page
from report_helpers import complete_report, return_then_archive, to_reporting
from test_results_api import archive_with

from workflow.indicators import operations as indicator_ops
from workflow.rectifications.models import Rectification
from workflow.reports import page as report_page
from workflow.results import operations as results
from workflow.results.models import Publication


@pytest.fixture
def archived(session, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    indicator_ops.copy_template(session, team.leader, evaluation.id, "xueliang")
    return archive_with(session, evaluation, team.leader, "72.50", "中")


def selected(html: str, name: str) -> str | None:
    """The value of the option selected in the select `name`."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    option = re.search(
        r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select.group(1)
    )
    return (option.group(1) or option.group(2)) if option else None


# --- the evaluation page ---------------------------------------------------------------------


def test_the_reviewer_finds_the_suggestion_preselected_and_records_the_decision(
    client, auth, team, archived
):
    browser = Browser(client, auth, team.reviewer)
    html = page(browser.get(f"/evaluations/{archived.id}"))
    assert "结果应用" in html and "尚未确定" in html
    assert re.search(r'id="suggested">压减 10%<', html)
    assert selected(html, "decision") == "reduce"
    assert 'name="percentage"' in html and 'value="10.00"' in html

    res = browser.post(
        f"/evaluations/{archived.id}/decision",
        {"decision": "reduce", "percentage": "", "comment": ""},
    )
    assert res.status_code == 400
    assert "压减须写明比例" in page(res)  # at its field, the choice kept
    assert selected(page(res), "decision") == "reduce"
    res = browser.post(
        f"/evaluations/{archived.id}/decision", {"decision": "reduce", "percentage": "abc"}
    )
    assert res.status_code == 400 and 'class="field-error"' in page(res)

    res = browser.post(
        f"/evaluations/{archived.id}/decision",
        {"decision": "reduce", "percentage": "8", "comment": "支付进度慢"},
        follow_redirects=True,
    )
    html = page(res)
    assert "结果应用已确定：压减 8%" in html
    assert re.search(r'id="decided">压减 8%<', html) and "支付进度慢" in html
    assert "修改结果应用" in html


def test_a_unit_user_sees_the_decision_but_has_no_form_and_is_refused(
    client, auth, session, team, archived
):
    results.decide_result(session, team.reviewer, archived.id, results.DecisionSpec("stop"))
    browser = Browser(client, auth, team.leader)
    html = page(browser.get(f"/evaluations/{archived.id}"))
    assert re.search(r'id="decided">取消<', html)
    assert f'action="/evaluations/{archived.id}/decision"' not in html
    assert f'action="/evaluations/{archived.id}/publication"' not in html
    res = browser.post(
        f"/evaluations/{archived.id}/decision", {"decision": "keep"}, follow_redirects=True
    )
    assert "仅所属财政局审核人可以进行此操作" in page(res)
    assert re.search(r'id="decided">取消<', page(res))


def test_before_archive_the_page_has_no_result_cards(client, auth, team):
    browser = Browser(client, auth, team.reviewer)
    html = page(browser.get(f"/evaluations/{team.evaluation.id}"))
    assert 'id="result-decision"' not in html and 'id="publication"' not in html


def test_next_years_page_shows_last_years_result_and_open_items(
    client, auth, session, make, team, archived
):
    session.add(Rectification(evaluation_id=archived.id, kind="problem", problem="问题一"))
    session.commit()
    this = make.make_evaluation(creator=team.leader, year=2024)
    html = page(Browser(client, auth, team.leader).get(f"/evaluations/{this.id}"))
    assert "上年评价结果及整改情况" in html
    assert re.search(r'id="previous-total">72.50<', html)
    assert re.search(r'id="previous-open">1 项<', html)
    assert f'href="/evaluations/{archived.id}"' in html


def test_the_publication_switch_turns_the_public_page_on_and_off(
    client, auth, session, team, archived
):
    browser = Browser(client, auth, team.reviewer)
    res = browser.post(
        f"/evaluations/{archived.id}/publication", {"published": "1"}, follow_redirects=True
    )
    html = page(res)
    assert "评价结果已公开" in html and "已公开" in html
    url = re.search(r'id="public-url" href="([^"]+)"', html).group(1)
    assert f'href="/public/bureaus/{team.evaluation.bureau_id}/2023"' in html
    path = url.replace("http://localhost", "")
    auth.logout()
    assert client.get(path).status_code == 200

    browser = Browser(client, auth, team.reviewer)
    res = browser.post(
        f"/evaluations/{archived.id}/publication", {"published": "0"}, follow_redirects=True
    )
    assert "已取消公开" in page(res)
    assert client.get(path).status_code == 404


def test_the_unit_user_sees_whether_it_is_published_but_has_no_switch(
    client, auth, session, team, archived
):
    results.set_publication(session, team.reviewer, archived.id, True)
    html = page(Browser(client, auth, team.leader).get(f"/evaluations/{archived.id}"))
    assert 'id="public-url"' in html
    assert "公开评价结果</button>" not in html and "取消公开</button>" not in html


# --- 结果应用规则 ------------------------------------------------------------------------------


def test_the_administrator_sets_the_rules_on_the_system_management_page(
    client, auth, make, team, archived
):
    browser = Browser(client, auth, make.admin)
    html = page(browser.get("/admin/decision-rules"))
    assert "结果应用规则" in html and 'class="active">结果应用规则' in html
    assert selected(html, "fair-decision") == "reduce"

    data = {
        "excellent-decision": "increase",
        "excellent-percentage": "5",
        "good-decision": "keep",
        "fair-decision": "reduce",
        "fair-percentage": "",
        "poor-decision": "stop",
    }
    res = browser.post("/admin/decision-rules", data)
    assert res.status_code == 400 and "压减须写明比例" in page(res)

    data["fair-percentage"] = "15"
    res = browser.post("/admin/decision-rules", data, follow_redirects=True)
    assert "结果应用规则已保存" in page(res)
    assert selected(page(res), "excellent-decision") == "increase"
    auth.logout()
    html = page(Browser(client, auth, team.reviewer).get(f"/evaluations/{archived.id}"))
    assert re.search(r'id="suggested">压减 15%<', html)


@pytest.mark.parametrize("who", ["leader", "reviewer"])
def test_the_rules_page_is_for_administrators_only(client, auth, team, who):
    browser = Browser(client, auth, getattr(team, who))
    assert browser.get("/admin/decision-rules").status_code == 403
    assert browser.post("/admin/decision-rules", {"good-decision": "stop"}).status_code == 403


# --- the public pages ------------------------------------------------------------------------


def publish(session, team, evaluation) -> str:
    return results.set_publication(session, team.reviewer, evaluation.id, True).token


def test_the_public_page_shows_the_result_and_nothing_else_of_the_unit(
    client, session, make, team, archived
):
    # the unit's other evaluations, one of them published too, and its people
    other = make.make_evaluation(creator=team.leader, project_name="机密的另一个项目")
    archive_with(session, other, team.leader, "99.00", "优")
    token = publish(session, team, archived)

    res = client.get(f"/public/{token}")  # nobody logged in
    assert res.status_code == 200
    html = page(res)
    for shown in ("雪亮工程视频监控项目", "和平县公安局", "2023 年度", "部门评价", "72.50", "中"):
        assert shown in html, shown
    assert "绩效评价指标体系及评分表" in html and "预算执行率" in html  # the scorecard's leaves
    for hidden in (
        "机密的另一个项目",
        "99.00",
        team.leader.display_name,
        team.reviewer.display_name,
        "3,000",  # the budget
        "审计记录",
        "csrf",
        "/evaluations/",
    ):
        assert hidden not in html, hidden
    assert "Set-Cookie" not in res.headers


def test_the_public_page_reads_only_what_it_shows(client, app, session, team, archived):
    from conftest import recorded_statements

    token = publish(session, team, archived)
    client.get(f"/public/{token}")
    with recorded_statements(app.extensions["jixiao.engine"], full=True) as statements:
        assert client.get(f"/public/{token}").status_code == 200
    joined = "\n".join(statements).lower()
    for column in (
        "evaluations.budget",
        "evaluations.targets",
        "users.",
        "audit_events",
        "group_members",
    ):
        assert column not in joined, column
    assert len(statements) <= 8, statements


@pytest.mark.parametrize(
    "token",
    ["nonsense", "a" * 43, "x" * 500, "%00", "..%2F..%2Fadmin"],
    ids=["short", "43", "long", "nul", "dots"],
)
def test_a_wrong_token_is_404(client, session, team, archived, token):
    publish(session, team, archived)
    assert client.get(f"/public/{token}").status_code == 404
    assert client.get(f"/public/{token}/report.pdf").status_code == 404


def test_an_unpublished_evaluation_has_no_public_page_even_with_its_old_token(
    client, session, team, archived
):
    token = publish(session, team, archived)
    results.set_publication(session, team.reviewer, archived.id, False)
    assert session.query(Publication).one().token == token  # kept, not answered
    assert client.get(f"/public/{token}").status_code == 404
    assert client.get(f"/public/{token}/report.pdf").status_code == 404


def test_the_bureaus_public_index_lists_what_is_published_of_the_year(
    client, session, make, team, archived
):
    second = make.make_evaluation(creator=team.leader, project_name="未公开的项目")
    archive_with(session, second, team.leader, "91.00", "优")
    last_year = make.make_evaluation(creator=team.leader, project_name="上年项目", year=2022)
    archive_with(session, last_year, team.leader, "88.00", "良")
    elsewhere = Team(make, unit=make.make_unit("别县公安局", make.make_bureau("别县财政局")))
    archive_with(session, elsewhere.evaluation, elsewhere.leader, "50.00", "差")
    token = publish(session, team, archived)
    publish(session, team, last_year)
    publish(session, elsewhere, elsewhere.evaluation)

    res = client.get(f"/public/bureaus/{make.bureau.id}/2023")
    assert res.status_code == 200
    html = page(res)
    assert f'href="/public/{token}"' in html and "雪亮工程视频监控项目" in html
    for hidden in ("未公开的项目", "上年项目", "别县公安局"):
        assert hidden not in html, hidden
    assert "暂无公开的评价结果" in page(client.get(f"/public/bureaus/{make.bureau.id}/2021"))
    assert client.get("/public/bureaus/999999/2023").status_code == 404
    assert client.get(f"/public/bureaus/{make.bureau.id}/1800").status_code == 404


def test_the_public_report_is_the_signed_pdf_byte_for_byte(client, session, team, store):
    evaluation = to_reporting(session, team, store)
    complete_report(session, team, evaluation)
    return_then_archive(session, team, evaluation, store)
    token = publish(session, team, evaluation)

    html = page(client.get(f"/public/{token}"))
    assert f'href="/public/{token}/report.pdf"' in html
    res = client.get(f"/public/{token}/report.pdf")
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    signed = report_page.archived_pdf(session, evaluation, store)
    assert res.data == signed.data
    assert res.headers["X-Content-SHA256"] == hashlib.sha256(res.data).hexdigest()
