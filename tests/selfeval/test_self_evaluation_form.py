"""The 项目支出绩效自评表 as JSON, Excel and PDF (read back, not just produced)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from conftest import ARTIFACTS, put_in_state
from selfeval_helpers import school_evaluation, score_school

URLS = ("self-evaluation", "self-evaluation.xlsx", "self-evaluation.pdf")


@pytest.fixture
def school(make, session):
    team = school_evaluation(make, session)
    score_school(session, team)
    return team


def url(team, suffix: str = "self-evaluation") -> str:
    return f"/api/v1/evaluations/{team.evaluation.id}/{suffix}"


def test_the_form_as_json_is_exactly_the_national_form(api, school):
    res = api.as_(school.members[0]).get(url(school))
    assert res.status_code == 200, res.json
    assert res.json == {
        "project_name": "2022年义务教育营养改善计划",
        "competent_department": "和平县教育局",
        "unit_name": "和平县公安局",
        "year": 2022,
        "funds": {
            "initial_budget": "38.766462",
            "budget": "38.766462",
            "spent": "38.70",
            "rate": "99.83",
            "weight": "10.00",
            "score": "9.98",
            "sources": [
                {"source": "fiscal", "initial_budget": "30.00", "budget": "30.00",
                 "spent": "29.933538"},
                {"source": "carryover", "initial_budget": "8.766462", "budget": "8.766462",
                 "spent": "8.766462"},
            ],
        },
        "targets": "保障农村义务教育学生在校就餐，改善学生营养健康状况。",
        "targets_achieved": "全年供餐190天，受益学生735人次，学生营养状况有所改善。",
        "indicators": [
            ind("产出指标", "数量指标", "受益学生人次", "≥", "700", "人次", "735", "15.00",
                "15.00"),
            ind("产出指标", "数量指标", "供餐天数", "=", "190", "天", "190", "10.00", "10.00"),
            ind("产出指标", "质量指标", "营养餐合格率", "≥", "98", "%", "98", "10.00", "10.00"),
            ind("产出指标", "时效指标", "资金拨付及时性", "定性", "及时", "", "及时", "5.00",
                "5.00"),
            ind("产出指标", "成本指标", "生均每天补助", "≤", "5", "元", "5", "10.00", "10.00"),
            ind("效益指标", "社会效益指标", "学生营养健康状况", "定性", "有所改善", "", "有效",
                "15.00", "13.00", "加强营养宣传"),
            ind("效益指标", "可持续影响指标", "供餐长效机制", "定性", "建立", "", "已建立",
                "15.00", "13.00", "完善供餐管理制度"),
            ind("满意度指标", "服务对象满意度指标", "学生家长满意度", "≥", "90", "%", "95",
                "10.00", "10.00"),
        ],
        "total": "95.98",
        "grade": "优",
    }  # fmt: skip


def ind(level1, level2, name, nature, target, unit, actual, weight, score, note="") -> dict:
    return {"level1": level1, "level2": level2, "name": name, "nature": nature,
            "target": target, "unit": unit, "actual": actual, "weight": weight,
            "score": score, "deviation_note": note}  # fmt: skip


def test_an_unscored_form_has_no_scores_yet(api, make, session):
    team = school_evaluation(make, session)
    body = api.as_(team.leader).get(url(team)).json
    assert body["funds"]["score"] is None and body["funds"]["weight"] == "10.00"
    assert {row["score"] for row in body["indicators"]} == {None}
    assert body["indicators"][0]["actual"] == ""
    assert (body["total"], body["grade"]) == (None, None)  # not graded half-done


@pytest.mark.parametrize("suffix", URLS)
def test_the_form_is_404_to_a_stranger_and_401_without_a_token(api, client, make, school, suffix):
    stranger = make.make_user(unit=make.make_unit("邻县教育局"))
    assert api.as_(stranger).get(url(school, suffix)).status_code == 404
    assert api.as_(make.admin).get(f"/api/v1/evaluations/999/{suffix}").status_code == 404
    assert client.get(url(school, suffix)).status_code == 401


@pytest.fixture
def workbook(api, school):
    res = api.as_(school.reviewer).get(url(school, "self-evaluation.xlsx"))
    assert res.status_code == 200
    assert res.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "self-evaluation.xlsx").write_bytes(res.data)
    return openpyxl.load_workbook(io.BytesIO(res.data))


def rows_of(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def find(sheet, value) -> tuple[int, int]:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} not in the sheet")


def test_the_workbook_is_the_national_layout(workbook):
    sheet = workbook["自评表"]
    assert sheet["A1"].value == "项目支出绩效自评表" and sheet["A2"].value == "（2022年度）"
    assert sheet["A3"].value == "项目名称" and sheet["B3"].value == "2022年义务教育营养改善计划"
    assert (sheet["A4"].value, sheet["B4"].value) == ("主管部门", "和平县教育局")
    assert (sheet["F4"].value, sheet["G4"].value) == ("实施单位", "和平县公安局")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:I1", "A2:I2", "B3:I3", "A5:A9"} <= merged  # title, 项目名称, 项目资金

    assert rows_of(sheet)[4][3:9] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率",
                                      "得分"]  # fmt: skip
    total = rows_of(sheet)[5]
    assert total[1] == "年度资金总额"
    assert [float(v) for v in total[3:6]] == [38.766462, 38.766462, 38.7]
    assert total[6:9] == [10, "99.83%", 9.98]
    assert [r[1] for r in rows_of(sheet)[6:9]] == ["其中：当年财政拨款", "上年结转资金", "其他资金"]
    assert float(rows_of(sheet)[6][5]) == 29.933538
    assert sheet.cell(6, 4).number_format == "#,##0.00####"

    row, _ = find(sheet, "年度总体目标")
    assert sheet.cell(row, 2).value == "预期目标" and sheet.cell(row, 6).value == "实际完成情况"
    assert "受益学生735人次" in sheet.cell(row + 1, 6).value


def test_the_workbook_indicator_table_merges_levels_and_keeps_units(workbook):
    sheet = workbook.active
    header, _ = find(sheet, "偏差原因分析及改进措施")
    assert [sheet.cell(header, c).value for c in range(1, 10)] == [
        "绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
        "得分", "偏差原因分析及改进措施",
    ]  # fmt: skip
    body = [[sheet.cell(r, c).value for c in range(2, 10)] for r in range(header + 1, header + 9)]
    assert body[0] == ["产出指标", "数量指标", "受益学生人次", "≥700人次", "735人次", 15, 15, None]
    assert body[1][2:5] == ["供餐天数", "=190天", "190天"]
    assert sheet.cell(header + 2, 5).data_type == "s"  # text, not a formula Excel would break
    assert body[3][2:5] == ["资金拨付及时性", "定性：及时", "及时"]
    assert body[4][3] == "≤5元"
    assert body[5][2:] == ["学生营养健康状况", "定性：有所改善", "有效", 15, 13, "加强营养宣传"]
    assert "预算执行率" not in [row[2] for row in body]  # it is the funds block's score
    merged = {str(r) for r in sheet.merged_cells.ranges}
    first = header + 1
    assert f"B{first}:B{first + 4}" in merged  # 产出指标 over its five leaves
    assert f"C{first}:C{first + 1}" in merged  # 数量指标 over two
    assert f"A{header}:A{header + 8}" in merged

    total_row = header + 9
    assert sheet.cell(total_row, 1).value == "总分"
    assert [sheet.cell(total_row, c).value for c in (7, 8, 9)] == [100, 95.98, "等级：优"]
    signatures = [sheet.cell(total_row + 2, c).value for c in (1, 4, 7)]  # a line between
    assert signatures == ["项目负责人：", "财务负责人：", "单位负责人："]


def test_the_workbook_prints_on_a4_landscape_one_page_wide(workbook):
    sheet = workbook.active
    header, _ = find(sheet, "偏差原因分析及改进措施")
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 1)  # ≤ 20 rows
    assert sheet.print_title_rows == f"${header}:${header}"  # the 绩效指标 header repeats
    assert sheet.print_area == f"'自评表'!$A$1:$I${header + 11}"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.skip(f"{name} not installed (poppler-utils)")
    return path


@pytest.fixture
def pdf(api, school):
    res = api.as_(school.leader).get(url(school, "self-evaluation.pdf"))
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "self-evaluation.pdf"
    path.write_bytes(res.data)
    return path


def test_the_pdf_is_one_a4_landscape_page_with_the_form_in_chinese(pdf):
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert "841.89 x 595.276 pts (A4)" in info  # landscape
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    for expected in ("项目支出绩效自评表", "（2022年度）", "和平县教育局", "年初预算数",
                     "当年财政拨款", "上年结转资金", "29.933538", "38.766462", "99.83%",
                     "预期目标", "实际完成情况", "≥700", "735人次", "=190", "定性：及时",
                     "有效", "加强营养宣传", "总分", "95.98", "等级：优", "项目负责人：",
                     "财务负责人：", "单位负责人："):  # fmt: skip
        assert expected in text, expected
    fonts = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True).stdout
    listed = fonts.splitlines()[2:]
    assert listed and all(line.split()[-5] == "yes" for line in listed), fonts  # embedded


def twenty_leaf_tree() -> list[dict]:
    """A 自评表 of 20 indicators over four 二级 groups, and 预算执行率."""
    from selfeval_helpers import COMPLETION, branch, leaf

    names = ("数量指标", "质量指标", "时效指标", "社会效益指标")
    groups = [
        branch(f"1.{g}", name,
               *(leaf(f"1.{g}.{n}", f"{name}第{n}项", "4", COMPLETION, "100", "%")
                 for n in range(1, 6 if g < 4 else 5)))
        for g, name in enumerate(names, start=1)
    ]  # fmt: skip
    groups[-1]["children"].append(leaf("1.4.5", "补足分值", "14", COMPLETION, "100", "%"))
    funds = leaf("2.1.1", "预算执行率", "10", {"type": "rate", "measure": "budget_execution"})
    return [
        branch("1", "产出指标", *groups),
        branch("2", "预算执行率", branch("2.1", "预算执行", funds)),
    ]


def test_twenty_indicators_with_their_notes_still_print_on_one_landscape_page(api, make, session):
    from workflow.indicators import operations as indicator_tree
    from workflow.scoring import operations as scoring

    team = school_evaluation(make, session)
    put_in_state(session, team.evaluation, "implementation")
    indicator_tree.replace_indicators(session, team.leader, team.evaluation.id, twenty_leaf_tree())
    put_in_state(session, team.evaluation, "analysis")
    note = "受疫情影响部分工作延后，已制定整改计划，下一年度加强过程监控并按季度通报进展"
    for n, code in enumerate(f"1.{g}.{k}" for g in range(1, 5) for k in range(1, 6)):
        met = n % 3  # a third not met, each with its 偏差原因 (as a real form has them)
        entry = scoring.ScoreEntry(
            {"actual": "100" if met else "70"}, reason="未完成", deviation_note="" if met else note
        )
        scoring.score_leaf(session, team.leader, team.evaluation.id, code, entry)
    res = api.as_(team.leader).get(url(team, "self-evaluation.pdf"))
    path = ARTIFACTS / "self-evaluation-20.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    path.write_bytes(res.data)
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    text = subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True, text=True)
    assert "补足分值" in text.stdout and "总分" in text.stdout
    book = api.as_(team.leader).get(url(team, "self-evaluation.xlsx")).data
    (ARTIFACTS / "self-evaluation-20.xlsx").write_bytes(book)
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    header, _ = find(sheet, "偏差原因分析及改进措施")
    assert sheet.cell(header + 21, 1).value == "总分"  # 20 indicator rows, then 总分
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 1)
    soffice = shutil.which("soffice")
    if soffice:  # LibreOffice prints the workbook as Excel would: one page
        out = ARTIFACTS / "libreoffice"
        book_path = ARTIFACTS / "self-evaluation-20.xlsx"
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{out}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", str(out), str(book_path)],
            capture_output=True, timeout=240, check=True,
        )  # fmt: skip
        printed = out / "self-evaluation-20.pdf"
        if not printed.exists():
            pytest.skip("LibreOffice Calc not installed (libreoffice-calc-nogui)")
        info = subprocess.run([_tool("pdfinfo"), str(printed)], capture_output=True, text=True)
        assert re.search(r"^Pages:\s+1$", info.stdout, re.M), info.stdout
        assert "A4" in info.stdout


# --- the pages' downloads ---------------------------------------------------------------------

PAGES = ["/evaluations/1/self-evaluation.xlsx", "/evaluations/1/self-evaluation.pdf"]


@pytest.mark.parametrize("page_url", PAGES)
def test_the_form_downloads_redirect_to_login_when_logged_out(client, page_url):
    res = client.get(page_url)
    assert res.status_code == 302 and res.headers["Location"].startswith("/login?next=")


def test_the_scorecard_page_links_the_form_and_the_links_download_it(client, auth, make, school):
    from page_helpers import Browser, page

    browser = Browser(client, auth, school.leader)
    ev = school.evaluation.id
    html = page(browser.get(f"/evaluations/{ev}/scorecard"))
    assert f'href="/evaluations/{ev}/self-evaluation.xlsx"' in html and "自评表（PDF）" in html
    book = browser.get(f"/evaluations/{ev}/self-evaluation.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    assert sheet["A1"].value == "项目支出绩效自评表"
    assert browser.get(f"/evaluations/{ev}/self-evaluation.pdf").data.startswith(b"%PDF")
    auth.logout()
    stranger = Browser(client, auth, make.make_user(unit=make.make_unit("邻县教育局")))
    assert stranger.get(f"/evaluations/{ev}/self-evaluation.pdf").status_code == 404
    assert stranger.get(f"/evaluations/{ev}/self-evaluation.doc").status_code == 404


def test_a_long_form_runs_onto_more_pages_with_the_table_header_repeated(api, make, session):
    from selfeval_helpers import COMPLETION, branch, leaf

    from workflow.indicators import operations as indicator_tree

    groups = [
        branch(f"1.{g}", f"第{g}组",
               *(leaf(f"1.{g}.{n}", f"指标{g}-{n}", "3", COMPLETION, "100", "%")
                 for n in range(1, 11)))
        for g in range(1, 4)
    ]  # fmt: skip
    groups[-1]["children"].append(leaf("1.3.11", "补足分值", "10", COMPLETION, "100", "%"))
    team = school_evaluation(make, session)
    put_in_state(session, team.evaluation, "implementation")
    indicator_tree.replace_indicators(
        session, team.leader, team.evaluation.id, [branch("1", "产出指标", *groups)]
    )
    res = api.as_(team.leader).get(url(team, "self-evaluation.pdf"))
    path = ARTIFACTS / "self-evaluation-31.pdf"
    path.write_bytes(res.data)
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert all("偏差原因分析及改进措施" in p for p in pages if p.strip())  # header on each page
    assert "补足分值" in pages[-1] or "补足分值" in pages[-2]
