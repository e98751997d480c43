"""整改事项 as Excel and CSV (UTF-8 with BOM): the list's filters and visibility, every page,
read back with openpyxl and csv; the list page's links carry its filters."""

from __future__ import annotations

import csv
import html as markup
import io
import re
from datetime import date

import pytest
from conftest import Team
from openpyxl import load_workbook
from page_helpers import Browser, page
from rectification_helpers import MEASURE, PROBLEM, archived_items, hand_in

from workflow.rectifications import operations as rectifications

HEADERS = ["编号", "预算单位", "评价项目", "年度", "类别", "问题", "整改措施", "责任人"]
HEADERS += ["整改期限", "状态", "是否逾期", "整改说明", "退回理由", "验收时间"]
HEADERS += ["退回重新整改时间"]


@pytest.fixture
def items(session, team):
    """The team's two items, the first overdue (due 2020-01-01, not done)."""
    return archived_items(session, team, due_date=date(2020, 1, 1))


@pytest.fixture
def elsewhere(make, session):
    """Another bureau's unit with its own items."""
    other = Team(make, unit=make.make_unit("外县公安局", make.make_bureau("外县财政局")))
    archived_items(session, other, problem="外县的问题")
    return other


def _csv(res) -> list[dict[str, str]]:
    """The CSV's rows as dicts by header, after checking the BOM and the headers."""
    assert res.status_code == 200, res.get_data(as_text=True)[:300]
    assert res.mimetype == "text/csv"
    assert "filename*=UTF-8''" in res.headers["Content-Disposition"]
    data = res.get_data()
    res.close()
    assert data.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    assert header == HEADERS
    return [dict(zip(header, row, strict=True)) for row in rows]


def _xlsx(res) -> list[dict]:
    assert res.status_code == 200, res.get_data(as_text=True)[:300]
    sheet = load_workbook(io.BytesIO(res.get_data())).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header) == HEADERS and sheet.title == "整改事项"
    assert sheet.freeze_panes == "A2"
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_a_unit_user_exports_their_units_items_in_chinese(api, team, items, elsewhere):
    rows = _csv(api.as_(team.members[1]).get("/api/v1/rectifications.csv"))
    assert [r["问题"] for r in rows] == [PROBLEM, "加强绩效管理业务培训"]  # nearest due first
    first, second = rows
    assert first["预算单位"] == team.evaluation.unit.name
    assert first["评价项目"] == team.evaluation.project_name
    assert (first["类别"], first["整改措施"], first["责任人"]) == (
        "存在的问题",
        MEASURE,
        team.members[0].display_name,
    )
    assert (first["整改期限"], first["状态"], first["是否逾期"]) == ("2020-01-01", "待整改", "是")
    assert [second[k] for k in ("类别", "责任人", "是否逾期")] == ["有关建议", "办公室刘向东", "否"]


def test_a_unit_user_cannot_export_another_units_items(api, team, items, elsewhere):
    member = api.as_(team.members[1])
    other_unit = elsewhere.evaluation.unit_id
    assert _csv(member.get(f"/api/v1/rectifications.csv?unit_id={other_unit}")) == []
    assert _xlsx(member.get(f"/api/v1/rectifications.xlsx?unit_id={other_unit}")) == []
    theirs = _csv(api.as_(elsewhere.members[0]).get("/api/v1/rectifications.csv"))
    assert [r["问题"] for r in theirs] == ["外县的问题", "加强绩效管理业务培训"]
    assert all(r["预算单位"] == "外县公安局" for r in theirs)


def test_the_bureau_exports_its_units_and_the_administrator_all(api, make, team, items, elsewhere):
    reviewer = _csv(api.as_(team.reviewer).get("/api/v1/rectifications.csv"))
    assert {r["预算单位"] for r in reviewer} == {team.evaluation.unit.name}
    everything = _xlsx(api.as_(make.admin).get("/api/v1/rectifications.xlsx"))
    assert {r["预算单位"] for r in everything} == {team.evaluation.unit.name, "外县公安局"}
    assert len(everything) == 4


def test_the_export_has_the_lists_filters(api, team, items):
    reviewer = api.as_(team.reviewer)
    assert [r["问题"] for r in _csv(reviewer.get("/api/v1/rectifications.csv?overdue=1"))] == [
        PROBLEM
    ]
    by_status = _csv(reviewer.get("/api/v1/rectifications.csv?status=open&overdue=0"))
    assert len(by_status) == 2
    assert _csv(reviewer.get("/api/v1/rectifications.csv?status=accepted")) == []
    unit = team.evaluation.unit_id
    assert len(_xlsx(reviewer.get(f"/api/v1/rectifications.xlsx?unit_id={unit}"))) == 2


def test_accepted_and_reopened_items_carry_when(api, session, team, items, store):
    first, second = items
    hand_in(session, first, team.members[0], store)
    rectifications.accept_item(session, team.reviewer, first.id, None)
    hand_in(session, second, team.leader, store)
    rectifications.reopen_item(session, team.reviewer, second.id, "佐证材料不全", None)
    rows = {r["编号"]: r for r in _xlsx(api.as_(team.leader).get("/api/v1/rectifications.xlsx"))}
    accepted, reopened = rows[first.id], rows[second.id]
    assert [accepted[k] for k in ("状态", "是否逾期", "整改说明")] == ["已验收", "否", "已建立台账"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", accepted["验收时间"])
    assert accepted["退回重新整改时间"] is None
    assert (reopened["状态"], reopened["退回理由"]) == ("退回重新整改", "佐证材料不全")
    assert reopened["验收时间"] is None and reopened["退回重新整改时间"]


def test_a_wrong_format_or_filter_is_refused(api, team, items):
    reviewer = api.as_(team.reviewer)
    assert reviewer.get("/api/v1/rectifications.pdf").status_code == 404
    res = reviewer.get("/api/v1/rectifications.csv?status=finished")
    assert res.status_code == 400
    assert [f["field"] for f in res.json["fields"]] == ["status"], res.json


def test_the_list_pages_links_export_what_it_shows(client, auth, make, team, items, elsewhere):
    browser = Browser(client, auth, team.reviewer)
    unit = team.evaluation.unit_id
    html = page(browser.get(f"/rectifications?unit_id={unit}&status=open&overdue=1&page=1"))
    links = [
        markup.unescape(href) for href in re.findall(r'href="(/rectifications/export[^"]+)"', html)
    ]
    assert len(links) == 2
    for link in links:
        assert f"unit_id={unit}" in link and "status=open" in link and "overdue=1" in link
    xlsx, csv_link = links
    assert [r["问题"] for r in _xlsx(browser.get(xlsx))] == [PROBLEM]
    assert [r["问题"] for r in _csv(browser.get(csv_link))] == [PROBLEM]
    plain = page(browser.get("/rectifications"))
    assert 'href="/rectifications/export.csv"' in plain
    assert browser.get("/rectifications/export.pdf").status_code == 404
    auth.logout()
    member = Browser(client, auth, team.members[0])
    other = f"/rectifications/export.csv?unit_id={elsewhere.evaluation.unit_id}"
    assert _csv(member.get(other)) == []
