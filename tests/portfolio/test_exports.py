"""Exports: the evaluation list, an audit trail and the portfolio as Excel and CSV (UTF-8 with
BOM), and a year's archived reports as one ZIP with an index; read back, not just produced."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from conftest import put_in_state
from openpyxl import load_workbook
from page_helpers import Browser

from workflow.reports.models import ArchivedReport
from workflow.scoring.models import ScoreFinalization


def _csv(res) -> list[list[str]]:
    data = res.get_data()
    res.close()  # a streamed response ends its request (and its transaction) when closed
    assert data.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_evaluation_list_exports_with_its_filters(api, make, team):
    make.make_evaluation(creator=team.leader, project_name="学生营养餐补助", year=2022)
    leader = api.as_(team.leader)

    res = leader.get("/api/v1/evaluations.csv?year=2022")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert "filename*=UTF-8''" in res.headers["Content-Disposition"]
    rows = _csv(res)
    assert rows[0][:3] == ["编号", "项目名称", "预算单位"]
    assert [r[1] for r in rows[1:]] == ["学生营养餐补助"]

    book = load_workbook(io.BytesIO(leader.get("/api/v1/evaluations.xlsx").get_data()))
    sheet = book.active
    names = {sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)}
    assert names == {"学生营养餐补助", team.evaluation.project_name}
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    assert leader.get("/api/v1/evaluations.pdf").status_code == 404
    other = api.as_(make.make_user(unit=make.make_unit()))
    assert len(_csv(other.get("/api/v1/evaluations.csv"))) == 1  # the header only


def test_an_audit_trail_exports_oldest_first(api, client, auth, make, team):
    res = api.as_(team.leader).get(f"/api/v1/evaluations/{team.evaluation.id}/audit.csv")
    rows = _csv(res)
    assert rows[0][:2] == ["时间", "事项"] and rows[1][1] == "创建评价"
    stranger = api.as_(make.make_user(unit=make.make_unit()))
    assert stranger.get(f"/api/v1/evaluations/{team.evaluation.id}/audit.csv").status_code == 404
    page = Browser(client, auth, team.leader).get(f"/evaluations/{team.evaluation.id}/audit.xlsx")
    assert page.status_code == 200
    assert load_workbook(io.BytesIO(page.get_data())).active["B2"].value == "创建评价"


def test_the_portfolio_exports_its_figures(api, team):
    rows = _csv(api.as_(team.reviewer).get("/api/v1/portfolio.csv"))
    assert rows[1] == ["评价总数", "", "1"]
    assert ["阶段", "前期准备", "1"] in rows


@pytest.fixture
def archived(session, make, team, tmp_path, app):
    from web.files import store as app_store

    with app.app_context():
        store = app_store()
    evaluation = put_in_state(session, team.evaluation, "archived")
    key = store.save(b"%PDF-1.4 signed report")
    session.add(
        ArchivedReport(evaluation_id=evaluation.id, sha256="ab" * 32, storage_key=key, size=22)
    )
    session.add(
        ScoreFinalization(
            evaluation_id=evaluation.id,
            finalized_by_id=team.leader.id,
            round=1,
            total=Decimal("92.50"),
            grade="优",
        )
    )
    session.commit()
    return evaluation


def test_a_years_archived_reports_come_as_one_zip_with_an_index(api, make, team, archived):
    res = api.as_(team.reviewer).get(f"/api/v1/archive.zip?year={archived.year}")
    assert res.status_code == 200 and res.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(res.get_data())) as archive:
        names = archive.namelist()
        assert names[0] == "index.xlsx" and len(names) == 2
        assert archive.read(names[1]) == b"%PDF-1.4 signed report"
        index = load_workbook(io.BytesIO(archive.read("index.xlsx"))).active
    assert index["A2"].value == names[1] and index["F2"].value == "优"
    elsewhere = api.as_(make.make_user("finance_reviewer", bureau=make.make_bureau()))
    with zipfile.ZipFile(
        io.BytesIO(elsewhere.get("/api/v1/archive.zip?year=2023").get_data())
    ) as z:
        assert z.namelist() == ["index.xlsx"]
    assert api.as_(team.reviewer).get("/api/v1/archive.zip").status_code == 400  # year needed


def test_the_evaluation_list_pages_export_link_carries_its_search(client, auth, make, team):
    make.make_evaluation(creator=team.leader, project_name="学生营养餐补助", year=2022)
    browser = Browser(client, auth, team.leader)
    html = browser.get("/evaluations?q=营养&year=2022&page=1").get_data(as_text=True)
    link = re.search(r'href="(/evaluations/export\.csv[^"]*)"', html)[1].replace("&amp;", "&")
    assert "q=%E8%90%A5%E5%85%BB" in link and "year=2022" in link and "page=" not in link
    assert [r[1] for r in _csv(browser.get(link))[1:]] == ["学生营养餐补助"]
