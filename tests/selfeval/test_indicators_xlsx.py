"""The indicator tree to and from Excel in the 绩效目标申报表 layout: GET then PUT gives back the
same tree; a bad sheet is refused with every problem named by its row, never a 500."""

from __future__ import annotations

import io

import openpyxl
import pytest
from conftest import put_in_state
from selfeval_helpers import school_evaluation


@pytest.fixture
def school(make, session):
    team = school_evaluation(make, session)
    team.evaluation = put_in_state(session, team.evaluation, "implementation")
    return team


def url(team, suffix: str = "indicators.xlsx") -> str:
    return f"/api/v1/evaluations/{team.evaluation.id}/{suffix}"


def put_sheet(api, user, team, data: bytes, name: str = "指标.xlsx"):
    return api.as_(user).put(
        url(team),
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def sheet_bytes(rows: list[list], header=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某项目绩效指标"])
    sheet.append(header or ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位",
                            "分值", "评分标准", "指标代码", "评分规则"])  # fmt: skip
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tree(api, user, team) -> list:
    res = api.as_(user).get(url(team, "indicators"))
    return [_strip(node) for node in res.json["indicators"]]


def _strip(node: dict) -> dict:
    node = {k: v for k, v in node.items() if not k.startswith("previous_")}
    if "children" in node:
        node["children"] = [_strip(child) for child in node["children"]]
    return node


@pytest.mark.parametrize("template", [None, "national_common", "unit_self", "xueliang"])
def test_what_get_returns_put_back_gives_the_same_tree(api, school, template):
    leader = school.leader
    if template:
        path = f"indicators/from-template/{template}"
        assert api.as_(leader).post(url(school, path)).status_code == 200
    first = tree(api, leader, school)
    first[0]["children"][0]["children"][0]["scorer"] = school.members[0].id
    api.as_(leader).put(url(school, "indicators"), json={"indicators": first})
    exported = api.as_(leader).get(url(school))
    assert exported.status_code == 200
    assert exported.mimetype.endswith("spreadsheetml.sheet")
    res = put_sheet(api, leader, school, exported.data)
    assert res.status_code == 200, res.json
    assert tree(api, leader, school) == first  # code, name, weight, target, unit, direction,
    # standard, rule; and the scorer left as it was


def test_the_sheet_is_the_declaration_forms_layout(api, school):
    res = api.as_(school.leader).get(url(school))
    sheet = openpyxl.load_workbook(io.BytesIO(res.data)).active
    assert sheet.title == "绩效指标"
    assert [c.value for c in sheet[2]] == ["一级指标", "二级指标", "三级指标", "指标性质",
                                           "指标值", "度量单位", "分值", "评分标准", "指标代码",
                                           "评分规则"]  # fmt: skip
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:3] == ["产出指标", None, None] and rows[0][8] == "1"
    assert rows[1][:3] == ["产出指标", "数量指标", None] and rows[1][8] == "1.1"
    by_name = {row[2]: row for row in rows if row[2]}
    assert by_name["受益学生人次"][3:7] == ["≥", "700", "人次", 15]
    assert by_name["供餐天数"][3] == "="
    assert by_name["生均每天补助"][3] == "≤"
    assert by_name["资金拨付及时性"][3] == "定性" and by_name["资金拨付及时性"][9] == "tiered"
    assert by_name["预算执行率"][9] == '{"type": "rate", "measure": "budget_execution"}'
    equal = next(row for row in sheet.iter_rows(min_row=3) if row[2].value == "供餐天数")[3]
    assert equal.data_type == "s"  # "=" is text, not a formula


def test_a_plain_declaration_form_without_codes_or_rules_is_read(api, school):
    rows = [
        ["产出指标", "数量指标", "受益学生人次", "≥", 700, "人次", 60, "", None, None],
        ["产出指标", "时效指标", "资金拨付及时性", "定性", "及时", "", 30, "", None, None],
        ["满意度指标", "满意度", "家长满意度", "≥", 90, "%", 10, "", None, None],
    ]
    res = put_sheet(api, school.leader, school, sheet_bytes(rows))
    assert res.status_code == 200, res.json
    got = tree(api, school.leader, school)
    assert [node["code"] for node in got] == ["1", "2"]
    leaf = got[0]["children"][1]["children"][0]
    assert (leaf["code"], leaf["rule"], leaf["target"]) == ("1.2.1", {"type": "tiered"}, "及时")
    assert got[0]["children"][0]["children"][0]["rule"] == {"type": "completion"}


def test_every_problem_in_the_sheet_is_named_by_its_row(api, school):
    rows = [
        [
            "产出指标",
            "数量指标",
            "受益学生人次",
            "≥",
            700,
            "人次",
            "十五",
            "",
            "1.1.1",
            "completion",
        ],
        ["产出指标", "数量指标", "供餐天数", "约", 190, "天", 10, "", "1.1.2", "completion"],
        ["产出指标", None, "营养餐合格率", "≥", 98, "%", 10, "", "1.2.1", "completion"],
        [None, "质量指标", "合格率", "≥", 98, "%", 10, "", "1.2.2", "completion"],
        ["效益指标", "社会效益", "营养改善", "定性", "改善", "", 20, "", "1.1.2", "猜测"],
        ["效益指标", "社会效益", "长效机制", "定性", "建立", "", 20, "", "2.1.2", "{bad json"],
        ["效益指标", "社会效益", "满意度", "≥", 90, "%", 10, "", "2.1.3", '{"type": "rate"}'],
    ]
    res = put_sheet(api, school.leader, school, sheet_bytes(rows))
    assert res.status_code == 400
    messages = [f["message"] for f in res.json["fields"]]
    assert any(m.startswith("第3行：") and "分值须为数字" in m for m in messages), messages
    assert any(m.startswith("第4行：指标性质“约”") for m in messages)
    assert "第5行：三级指标“营养餐合格率”缺少二级指标" in messages
    assert "第6行：缺少一级指标" in messages
    assert any(m.startswith("第7行：指标代码“1.1.2”与第4行重复") for m in messages)
    assert any(m.startswith("第7行：评分规则“猜测”未知") for m in messages)
    assert "第8行：评分规则不是有效的 JSON" in messages
    assert any(m.startswith("第9行：") and "计量方式" in m for m in messages)
    before = tree(api, school.leader, school)
    assert before and before[0]["name"] == "产出指标"  # nothing replaced


def test_a_tree_not_adding_up_to_100_is_refused(api, school):
    rows = [["产出指标", "数量指标", "受益学生人次", "≥", 700, "人次", 60, "", None, None]]
    res = put_sheet(api, school.leader, school, sheet_bytes(rows))
    assert res.status_code == 400 and "应为100分" in res.json["message"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a workbook", "无法读取该文件"),
        (b"PK\x03\x04broken zip", "无法读取该文件"),
        (sheet_bytes([], header=["名称", "分值"]), "找不到表头"),
        (sheet_bytes([], header=["一级指标", "三级指标", "分值"]), "表头缺少：二级指标"),
        (sheet_bytes([]), "表中没有指标"),
    ],
)
def test_a_file_that_is_not_an_indicator_sheet_is_400_not_500(api, school, data, message):
    res = put_sheet(api, school.leader, school, data)
    assert res.status_code == 400, res.json
    assert message in res.json["message"]


def test_the_sheet_needs_a_file_and_the_right_to_edit(api, client, make, school):
    res = api.as_(school.leader).put(url(school), data={}, content_type="multipart/form-data")
    assert res.status_code == 400
    exported = api.as_(school.leader).get(url(school)).data
    assert put_sheet(api, school.members[0], school, exported).status_code == 403
    stranger = make.make_user(unit=make.make_unit("邻县教育局"))
    assert api.as_(stranger).get(url(school)).status_code == 404
    assert put_sheet(api, stranger, school, exported).status_code == 404
    assert client.get(url(school)).status_code == 401


# --- the indicators page ----------------------------------------------------------------------


@pytest.fixture
def browser(client, auth, school):
    from page_helpers import Browser

    return Browser(client, auth, school.leader)


def test_the_page_exports_the_sheet_and_imports_it_with_row_errors(browser, school):
    from page_helpers import page

    base = f"/evaluations/{school.evaluation.id}/indicators"
    html = page(browser.get(base))
    assert f'href="{base}.xlsx"' in html and "从 Excel 导入" in html
    exported = browser.get(f"{base}.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(exported.data)).active.title == "绩效指标"

    bad = sheet_bytes([["产出指标", "数量指标", "人次", "约", 1, "", 100, "", None, None]])
    res = browser.post(
        f"{base}/import",
        {"file": (io.BytesIO(bad), "指标.xlsx")},
        content_type="multipart/form-data",
    )
    assert res.status_code == 400
    assert "第3行：指标性质“约”应为 ≥、≤、= 或 定性" in page(res)

    good = sheet_bytes(
        [["产出指标", "数量指标", "受益人次", "≥", 700, "人次", 100, "", None, None]]
    )
    res = browser.post(
        f"{base}/import",
        {"file": (io.BytesIO(good), "指标.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "已从 Excel 导入评价指标体系" in page(res) and "受益人次" in page(res)


@pytest.mark.parametrize("suffix", [".xlsx", "/import"])
def test_the_sheet_pages_need_a_login(client, school, suffix):
    base = f"/evaluations/{school.evaluation.id}/indicators"
    res = client.get(base + suffix) if suffix == ".xlsx" else client.post(base + suffix)
    assert res.status_code in (302, 400)
    if res.status_code == 302:
        assert res.headers["Location"].startswith("/login?next=")
