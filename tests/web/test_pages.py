"""The Chinese web UI: login, pages, forms, buttons per role, errors shown to people."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from conftest import PASSWORD, put_in_state
from page_helpers import PLAN, Browser, page, version_on
from sqlalchemy import func, select

from workflow.documents.models import Document
from workflow.scoring.rules import percentage as rate


@pytest.fixture
def as_user(client, auth):
    return lambda user: Browser(client, auth, user)


# --- login ----------------------------------------------------------------------------------

PROTECTED = [
    "/",
    "/done",
    "/account/password",
    "/portfolio",
    "/evaluations",
    "/evaluations?state=preparation",
    "/evaluations/new",
    "/evaluations/1",
    "/evaluations/1/edit",
    "/evaluations/1/group",
    "/evaluations/1/deadlines",
    "/evaluations/1/documents/1",
    "/rectifications",
    "/rectifications?overdue=1",
    "/rectifications/1",
    "/rectifications/export.xlsx?overdue=1",
    "/admin/",
    "/admin/bureaus",
    "/admin/bureaus/new",
    "/admin/units",
    "/admin/units/1/edit",
    "/admin/users",
    "/admin/users/new",
    "/admin/templates",
    "/admin/templates/new",
    "/admin/templates/xueliang/edit",
    "/admin/decision-rules",
    "/admin/reminder-policy",
    "/admin/units/1/webhook",
]


@pytest.mark.parametrize("url", PROTECTED)
def test_pages_redirect_to_login_when_logged_out(client, url):
    res = client.get(url)
    assert res.status_code == 302
    assert res.headers["Location"].startswith("/login?next=")


def test_login_page_renders_in_chinese_with_a_csrf_token(client):
    html = page(client.get("/login"))
    assert "用户登录" in html
    assert 'name="csrf_token"' in html


def test_login_and_logout(client, auth, make):
    user = make.make_user(name="王科员")
    res = auth.login(user.username)
    assert res.status_code == 302 and res.headers["Location"] == "/"
    home = page(client.get("/"))
    assert "我的待办" in home and "王科员" in home and "退出" in home

    res = auth.logout()
    assert res.status_code == 302 and res.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_and_keeps_the_username(client, auth, make):
    user = make.make_user(name="李会计")
    res = auth.login(user.username, "wrong-password")
    assert res.status_code == 400
    assert "用户名或密码错误" in page(res)
    assert f'value="{user.username}"' in page(res)
    assert client.get("/").status_code == 302


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(client, auth, make):
    user = make.make_user()
    token = auth.csrf_token()
    data = {"username": user.username, "password": PASSWORD, "csrf_token": token}
    res = client.post("/login", data={**data, "next": "https://evil.example/"})
    assert res.headers["Location"] == "/"
    auth.logout()
    res = client.post(
        "/login", data={**data, "csrf_token": auth.csrf_token(), "next": "/evaluations"}
    )
    assert res.headers["Location"] == "/evaluations"


def test_form_post_without_csrf_token_is_refused(client, auth, make):
    user = make.make_user()
    assert (
        client.post("/login", data={"username": user.username, "password": "x"}).status_code == 400
    )
    auth.login(user.username)
    res = client.post("/evaluations/new", data={"project_name": "无令牌", "year": "2023"})
    assert res.status_code == 400
    assert "CSRF" in page(res)
    assert client.post("/logout").status_code == 400


# --- 我的待办 and the list ------------------------------------------------------------------


def test_todo_lists_evaluations_where_i_can_act(as_user, team):
    html = page(as_user(team.leader).get("/"))
    assert "待我处理的评价" in html
    assert team.evaluation.project_name in html and "推进" in html


def test_todo_is_empty_for_a_member(as_user, team):
    html = page(as_user(team.members[0]).get("/"))
    assert "目前没有需要您处理的评价" in html


def test_list_filters_by_stage_and_unit(as_user, make, session):
    admin = make.admin
    other_unit = make.make_unit("和平县政法委")
    first = make.make_evaluation(project_name="雪亮工程一期")
    second = make.make_evaluation(unit=other_unit, project_name="综治中心建设")
    put_in_state(session, second, "implementation")
    browser = as_user(admin)

    everything = page(browser.get("/evaluations"))
    assert "雪亮工程一期" in everything and "综治中心建设" in everything
    assert "部门评价" in everything and "第 1 轮" in everything

    by_state = page(browser.get("/evaluations?state=implementation"))
    assert "综治中心建设" in by_state and "雪亮工程一期" not in by_state

    by_unit = page(browser.get(f"/evaluations?unit_id={first.unit_id}"))
    assert "雪亮工程一期" in by_unit and "综治中心建设" not in by_unit


# --- creating and editing -------------------------------------------------------------------

NEW = {
    "project_name": "雪亮工程视频监控建设项目",
    "year": "2023",
    "kind": "department",
    "budget": "3000",
    "funds_received": "3000.00",
    "funds_spent": "2712.6",
    "due_date": "2024-04-30",
    "targets": "总目标：建成覆盖全县的视频监控网络",
}


def test_unit_user_creates_an_evaluation_through_the_form(as_user, make):
    user = make.make_user()
    browser = as_user(user)
    form = page(browser.get("/evaluations/new"))
    assert make.unit.name in form  # the unit is the user's own

    res = browser.post("/evaluations/new", {**NEW, "unit_id": str(user.unit_id)})
    assert res.status_code == 302
    html = page(browser.get(res.headers["Location"]))
    assert "评价已创建" in html
    assert "雪亮工程视频监控建设项目" in html and "前期准备" in html
    assert "3,000.00" in html and "2,712.60" in html
    assert "90.42%" in html  # 预算执行率
    assert "100.00%" in html  # 资金到位率
    assert "建成覆盖全县的视频监控网络" in html


def test_fund_rates_are_decimal_percentages_with_two_places():
    assert rate(Decimal("2712.60"), Decimal("3000.00")) == Decimal("90.42")
    assert rate(Decimal("1"), Decimal("3")) == Decimal("33.33")
    assert rate(Decimal("2"), Decimal("3")) == Decimal("66.67")
    assert rate(Decimal("5"), None) is None and rate(None, Decimal("3")) is None
    assert rate(Decimal("5"), Decimal("0")) is None


def test_bad_input_is_shown_in_chinese_and_the_typed_values_are_kept(as_user, make):
    user = make.make_user()
    browser = as_user(user)
    data = {**NEW, "unit_id": str(user.unit_id), "budget": "-5", "year": "1999"}
    res = browser.post("/evaluations/new", data)
    assert res.status_code == 400
    html = page(res)
    assert "预算金额不能为负数" in html and "年度应在 2000 至 2100 之间" in html
    assert 'value="雪亮工程视频监控建设项目"' in html
    assert 'value="1999"' in html and 'value="-5"' in html
    assert "建成覆盖全县的视频监控网络" in html

    res = browser.post("/evaluations/new", {**data, "budget": "三千", "year": "2023"})
    assert res.status_code == 400
    assert "不是有效的小数" in page(res) and 'value="三千"' in page(res)


def test_finance_reviewer_may_not_open_an_evaluation(as_user, make):
    reviewer = make.make_user("finance_reviewer")
    browser = as_user(reviewer)
    assert "新建评价</a>" not in page(browser.get("/"))
    assert browser.get("/evaluations/new").status_code == 403


def test_leader_edits_the_project_figures(as_user, team):
    browser = as_user(team.leader)
    url = f"/evaluations/{team.evaluation.id}"
    form = page(browser.get(f"{url}/edit"))
    assert 'value="3000.00"' in form
    data = {**NEW, "budget": "2800", "funds_spent": "2800", "version": version_on(form)}
    res = browser.post(f"{url}/edit", data)
    assert res.status_code == 302
    html = page(browser.get(url))
    assert "项目与资金信息已保存" in html and "2,800.00" in html and "100.00%" in html


def test_a_member_gets_no_edit_links_and_no_edit_form(as_user, team):
    browser = as_user(team.members[0])
    url = f"/evaluations/{team.evaluation.id}"
    html = page(browser.get(url))
    assert f'href="{url}/edit"' not in html and f'href="{url}/group"' not in html
    assert browser.get(f"{url}/edit").status_code == 403


# --- the working group ----------------------------------------------------------------------


def test_creator_forms_the_group(as_user, make):
    leader, deputy = make.make_user(name="张建明"), make.make_user(name="刘副组长")
    members = [make.make_user(name="陈成员"), make.make_user(name="赵成员")]
    evaluation = make.make_evaluation(creator=leader)
    browser = as_user(leader)
    url = f"/evaluations/{evaluation.id}/group"
    form = page(browser.get(url))
    assert "（请选择组长）" in form and "陈成员" in form

    res = browser.post(
        url,
        {
            "leader": str(leader.id),
            "deputies": [str(deputy.id)],
            "members": [str(m.id) for m in members],
            "policy": "quorum",
            "quorum": "2",
            "version": version_on(form),
        },
    )
    assert res.status_code == 302, page(res)
    html = page(browser.get(f"/evaluations/{evaluation.id}"))
    assert "评价工作组已保存" in html
    group = html.split('id="group"')[1]
    for name in ("张建明", "刘副组长", "陈成员", "赵成员", "2 人同意"):
        assert name in group
    assert "调整工作组" in html  # the audit timeline


def test_group_refused_by_the_service_keeps_the_choices(as_user, team):
    browser = as_user(team.leader)
    url = f"/evaluations/{team.evaluation.id}/group"
    version = version_on(page(browser.get(url)))
    member = team.members[0]
    res = browser.post(
        url,
        {
            "leader": str(team.leader.id),
            "members": [str(team.leader.id), str(member.id)],
            "policy": "all",
            "version": version,
        },
    )
    assert res.status_code == 400
    html = page(res)
    assert "组长不能同时担任副组长或成员" in html
    assert re.search(rf'value="{member.id}"[^>]*checked|checked[^>]*value="{member.id}"', html)

    res = browser.post(url, {"leader": str(team.leader.id), "policy": "quorum", "version": version})
    assert res.status_code == 400 and "请填写同意人数" in page(res)


# --- documents ------------------------------------------------------------------------------


def test_upload_a_work_plan_and_download_it(as_user, team, files_dir):
    browser = as_user(team.members[0])
    res = browser.upload(team.evaluation.id, files_dir / PLAN)
    assert res.status_code == 302
    html = page(browser.get(f"/evaluations/{team.evaluation.id}"))
    assert f"已上传：{PLAN}" in html and "评价工作方案" in html
    link = re.search(rf'href="(/evaluations/\d+/documents/\d+)"[^>]*>{PLAN}<', html)
    assert link

    res = browser.get(link.group(1))
    assert res.status_code == 200
    assert res.data == (files_dir / PLAN).read_bytes()
    assert res.headers["Content-Type"] == "application/pdf"
    assert "attachment" in res.headers["Content-Disposition"]


def test_a_bad_file_is_refused_with_a_chinese_message(as_user, team, tmp_path):
    bad = tmp_path / "virus.exe"
    bad.write_bytes(b"MZ\x90\x00")
    browser = as_user(team.leader)
    res = browser.upload(team.evaluation.id, bad, name="virus.exe")
    assert res.status_code == 400
    assert "不支持的文件类型" in page(res)

    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"not a pdf")
    res = browser.upload(team.evaluation.id, fake, name="fake.pdf")
    assert res.status_code == 400 and "文件内容与扩展名 .pdf 不符" in page(res)


def test_upload_without_a_file_asks_for_one(as_user, team):
    res = as_user(team.leader).post(
        f"/evaluations/{team.evaluation.id}/documents",
        {"category": "work_plan"},
        content_type="multipart/form-data",
    )
    assert res.status_code == 400 and "请选择要上传的文件" in page(res)


# --- the action buttons ---------------------------------------------------------------------


def test_leader_sees_advance_and_a_member_does_not(as_user, team, client, auth):
    url = f"/evaluations/{team.evaluation.id}"
    leader_page = page(as_user(team.leader).get(url))
    assert f'action="{url}/actions/advance"' in leader_page and "推进至“组织实施”" in leader_page
    auth.logout()
    member_page = page(as_user(team.members[0]).get(url))
    assert "/actions/" not in member_page
    assert "当前阶段您没有可办理的操作" in member_page


def test_unmet_guards_are_listed_and_an_advance_is_refused_in_chinese(as_user, team):
    browser = as_user(team.leader)
    html = page(browser.get(f"/evaluations/{team.evaluation.id}"))
    assert "推进前尚需" in html and "缺少评价工作方案" in html

    html = page(browser.act(team.evaluation.id, "advance"))
    assert "尚不满足推进条件：缺少评价工作方案" in html
    assert 'data-stage="preparation" aria-current="step"' in html


def test_leader_advances_to_implementation(as_user, team, files_dir):
    browser = as_user(team.leader)
    browser.upload(team.evaluation.id, files_dir / PLAN)
    html = page(browser.act(team.evaluation.id, "advance", comment="准备工作已完成"))
    assert "已推进，当前阶段：组织实施" in html
    assert 'class="stage stage-current" data-stage="implementation"' in html
    assert 'class="stage stage-done" data-stage="preparation"' in html
    timeline = html.split('id="timeline"')[1]
    assert "前期准备 → 组织实施" in timeline and "准备工作已完成" in timeline


def test_a_stale_page_gets_already_handled_please_refresh(as_user, team, files_dir):
    browser = as_user(team.leader)
    url = f"/evaluations/{team.evaluation.id}"
    browser.upload(team.evaluation.id, files_dir / PLAN)
    stale = version_on(page(browser.get(url)))
    # meanwhile, in another tab, the group is saved again (which bumps the version)
    group_form = page(browser.get(f"{url}/group"))
    browser.post(
        f"{url}/group",
        {
            "leader": str(team.leader.id),
            "members": [str(m.id) for m in team.members],
            "policy": "any",
            "version": version_on(group_form),
        },
    )
    html = page(browser.act(team.evaluation.id, "advance", version=stale))
    assert "已被他人处理，请刷新" in html
    assert 'data-stage="preparation" aria-current="step"' in html


def test_return_needs_a_reason_and_offers_the_earlier_stages(as_user, team, session):
    put_in_state(session, team.evaluation, "group_review")
    browser = as_user(team.deputies[0])
    html = page(browser.get(f"/evaluations/{team.evaluation.id}"))
    assert "审核通过" in html and "退回到" in html
    for stage in ("前期准备", "组织实施", "分析评价", "报告撰写"):
        assert f">{stage}</option>" in html

    html = page(browser.act(team.evaluation.id, "return", to="analysis"))
    assert "退回必须填写理由" in html
    html = page(browser.act(team.evaluation.id, "return", to="analysis", comment="评分依据不足"))
    assert "已退回，当前阶段：分析评价" in html and "评分依据不足" in html


def test_return_offers_the_nearest_stage_first(as_user, team, session):
    put_in_state(session, team.evaluation, "group_review")
    html = page(as_user(team.deputies[0]).get(f"/evaluations/{team.evaluation.id}"))
    options = re.findall(r'<option value="(\w+)">', html.split('name="to"')[1])
    assert options[0] == "reporting"


@pytest.mark.parametrize(
    ("next_", "lands"),
    [
        ("/evaluations/{id}/report", "/evaluations/{id}/report"),
        ("//evil.example/x", "/evaluations/{id}"),
        ("https://evil.example/", "/evaluations/{id}"),
    ],
)
def test_an_action_returns_to_the_page_it_came_from_on_this_site(
    as_user, team, session, next_, lands
):
    evaluation = put_in_state(session, team.evaluation, "group_review", team.leader)
    browser = as_user(team.deputies[0])
    url = f"/evaluations/{evaluation.id}"
    res = browser.post(
        f"{url}/actions/approve",
        {"version": version_on(page(browser.get(url))), "next": next_.format(id=evaluation.id)},
    )
    assert res.status_code == 302
    assert res.headers["Location"] == lands.format(id=evaluation.id)


# --- visibility and administration ----------------------------------------------------------


def test_a_user_of_another_unit_gets_404(as_user, team, make):
    stranger = make.make_user(unit=make.make_unit("邻县公安局"))
    browser = as_user(stranger)
    url = f"/evaluations/{team.evaluation.id}"
    for target in (url, f"{url}/edit", f"{url}/group"):
        res = browser.get(target)
        assert res.status_code == 404
        assert "评价不存在或无权查看" in page(res)
    assert browser.post(f"{url}/actions/advance", {"version": "1"}).status_code == 404
    assert team.evaluation.project_name not in page(browser.get("/evaluations"))


ADMIN_PAGES = [
    "/admin/bureaus",
    "/admin/bureaus/new",
    "/admin/units",
    "/admin/units/new",
    "/admin/users",
    "/admin/users/new",
    "/admin/templates",
    "/admin/templates/new",
    "/admin/templates/xueliang/edit",
    "/admin/decision-rules",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_are_refused_to_non_admins(as_user, make, url):
    browser = as_user(make.make_user())
    res = browser.get(url)
    assert res.status_code == 403
    assert "仅管理员可以访问系统管理" in page(res)
    assert "系统管理</a>" not in page(browser.get("/"))


def test_admin_creates_a_bureau_a_unit_and_a_user(as_user, make, auth):
    browser = as_user(make.admin)
    assert "系统管理</a>" in page(browser.get("/"))

    res = browser.post("/admin/bureaus/new", {"name": "平安市财政局", "region": "平安市"})
    assert res.status_code == 302
    assert "平安市财政局" in page(browser.get("/admin/bureaus"))
    bureau_id = re.search(
        r"/admin/bureaus/(\d+)/edit", page(browser.get("/admin/bureaus")).split("平安市财政局")[1]
    ).group(1)

    res = browser.post("/admin/units/new", {"name": "平安市公安局", "bureau_id": bureau_id})
    assert res.status_code == 302
    units = page(browser.get("/admin/units"))
    assert "平安市公安局" in units
    unit_id = re.search(r"/admin/units/(\d+)/edit", units.split("平安市公安局")[1]).group(1)

    res = browser.post(
        "/admin/users/new",
        {
            "username": "zhangsan",
            "display_name": "张三",
            "role": "unit_user",
            "unit_id": unit_id,
            "password": "long-enough-1",
            "active": "y",
        },
    )
    assert res.status_code == 302
    users = page(browser.get("/admin/users"))
    assert "zhangsan" in users and "平安市公安局" in users

    auth.logout()
    assert auth.login("zhangsan", "long-enough-1").headers["Location"] == "/"


def test_admin_form_errors_keep_the_input(as_user, make):
    browser = as_user(make.admin)
    res = browser.post("/admin/bureaus/new", {"name": make.bureau.name, "region": "某区域"})
    assert res.status_code == 400
    assert f"财政局“{make.bureau.name}”已存在" in page(res) and 'value="某区域"' in page(res)

    res = browser.post(
        "/admin/users/new",
        {
            "username": "lisi",
            "display_name": "李四",
            "role": "finance_reviewer",
            "password": "short",
        },
    )
    assert res.status_code == 400
    html = page(res)
    assert "密码至少 8 位" in html and "财政局审核人必须属于一个已存在的财政局" in html
    assert 'value="lisi"' in html and 'value="李四"' in html


def test_admin_edits_a_user_and_a_blank_password_keeps_the_old_one(as_user, make, client, auth):
    user = make.make_user(name="wangwu")
    browser = as_user(make.admin)
    url = f"/admin/users/{user.id}/edit"
    form = page(browser.get(url))
    assert 'value="wangwu"' in form and "留空则不修改密码" in form
    res = browser.post(
        url,
        {
            "username": "wangwu",
            "display_name": "王五",
            "title": "办公室主任",
            "role": "unit_user",
            "unit_id": str(user.unit_id),
            "password": "",
            "active": "y",
        },
    )
    assert res.status_code == 302
    assert "办公室主任" in page(browser.get("/admin/users"))
    auth.logout()
    assert auth.login("wangwu").headers["Location"] == "/"


def _upload_form(html: str) -> str:
    start = html.index('<form class="upload" id="upload"')
    return html[start : html.index("</form>", start)]


def test_several_files_are_uploaded_at_once_and_the_category_stays(as_user, team, files_dir):
    browser = as_user(team.leader)
    res = browser.post(
        f"/evaluations/{team.evaluation.id}/documents",
        {
            "category": "evidence",
            "file": [
                (io.BytesIO((files_dir / PLAN).read_bytes()), "验收报告.pdf"),
                (io.BytesIO("支付凭证清单".encode()), "支付凭证.txt"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 302
    assert res.headers["Location"].endswith("?category=evidence#upload")  # back at the form
    html = page(browser.get(res.headers["Location"]))
    assert "已上传：验收报告.pdf、支付凭证.txt" in html
    form = _upload_form(html)
    assert 'action="' in form and '#upload"' in form and "multiple" in form
    assert '<option selected value="evidence">' in form  # the category of the last upload


def test_each_refused_file_is_named_beside_the_upload_form(as_user, team, files_dir):
    browser = as_user(team.leader)
    res = browser.post(
        f"/evaluations/{team.evaluation.id}/documents",
        {
            "category": "evidence",
            "file": [
                (io.BytesIO((files_dir / PLAN).read_bytes()), "合同.pdf"),
                (io.BytesIO(b"MZ\x90\x00"), "virus.exe"),
                (io.BytesIO(b""), "空白.txt"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 400
    html = page(res)
    assert "已上传：合同.pdf" in html  # the good one is kept
    assert "2 个文件未能上传" in html.split('id="documents"')[0]  # the flash at the top
    form = _upload_form(html)
    assert "“virus.exe”：不支持的文件类型" in form and "“空白.txt”：文件为空" in form
    assert '<option selected value="evidence">' in form  # the category stays chosen


def test_too_many_files_at_once_are_refused_before_any_is_stored(as_user, team, session):
    from web.files import MAX_FILES

    files = [(io.BytesIO(b"text"), f"{n}.txt") for n in range(MAX_FILES + 1)]
    res = as_user(team.leader).post(
        f"/evaluations/{team.evaluation.id}/documents",
        {"category": "evidence", "file": files},
        content_type="multipart/form-data",
    )
    assert res.status_code == 400
    assert f"一次最多上传 {MAX_FILES} 个文件" in _upload_form(page(res))
    assert session.scalar(select(func.count()).select_from(Document)) == 0
