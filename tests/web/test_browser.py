"""The journey of a 组长 in real Chromium: log in, open an evaluation, form the group,
upload the work plan, advance to 组织实施, and see the stage bar and the timeline change.

Screenshots are kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import pytest
from conftest import PASSWORD, shot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_leader_takes_an_evaluation_to_implementation(page: Page, live_server, people, files_dir):
    page.goto(f"{live_server}/evaluations")
    expect(page).to_have_url(f"{live_server}/login?next=%2Fevaluations")
    shot(page, "01-login")
    page.get_by_label("用户名").fill("zhangjm")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    expect(page.locator(".flash-success")).to_contain_text("欢迎，张建明")
    expect(page).to_have_url(f"{live_server}/evaluations")

    # 新建评价
    page.get_by_role("link", name="新建评价", exact=True).click()
    page.get_by_label("项目名称").fill("雪亮工程视频监控建设项目")
    page.get_by_label("评价年度").fill("2023")
    page.get_by_label("评价类型").select_option(label="部门评价")
    page.get_by_label("预算金额（万元）").fill("3000")
    page.get_by_label("到位资金（万元）").fill("3000")
    page.get_by_label("实际支出（万元）").fill("2712.60")
    page.get_by_label("完成期限").fill("2024-04-30")
    page.get_by_label("绩效目标").fill(
        "总目标：建成覆盖城乡的视频监控网络，提升社会治安防控能力。\n"
        "阶段性目标：新建高清摄像机 1,200 路，在线率不低于 90%。"
    )
    shot(page, "02-new-evaluation")
    page.get_by_role("button", name="创建评价").click()
    expect(page.locator("h1")).to_have_text("雪亮工程视频监控建设项目")
    expect(page.locator("#rate-spent")).to_contain_text("90.42%")
    expect(page.locator("#rate-received")).to_contain_text("100.00%")
    expect(page.locator("#actions")).to_contain_text("当前阶段您没有可办理的操作")  # not 组长 yet

    # 组建评价工作组
    page.locator("#group").get_by_role("link", name="调整").click()
    page.get_by_label("组长", exact=True).select_option(label="张建明（常务副局长）")
    page.locator("ul#deputies").get_by_label("刘志强（副局长）").check()
    for name in ("陈晓燕（科员）", "王磊（科员）"):
        page.locator("ul#members").get_by_label(name).check()
    page.get_by_label("审批规则").select_option("any")
    shot(page, "03-group")
    page.get_by_role("button", name="保存工作组").click()
    expect(page.locator(".flash-success")).to_have_text("评价工作组已保存")
    expect(page.locator("#group")).to_contain_text("陈晓燕")
    expect(page.locator(".guards")).to_contain_text("缺少评价工作方案")

    # 上传评价工作方案
    page.locator("#documents").get_by_label("文件类别").select_option(label="评价工作方案")
    page.locator("#documents input[type=file]").set_input_files(files_dir / "work-plan.pdf")
    page.locator("#documents").get_by_role("button", name="上传").click()
    expect(page.locator("#documents table")).to_contain_text("work-plan.pdf")
    expect(page.locator(".guards")).to_have_count(0)
    expect(page.locator(".stage-current")).to_contain_text("前期准备")
    shot(page, "04-preparation-ready")

    # 推进 → 组织实施
    page.get_by_label("意见（选填）").fill("工作组已组建，评价工作方案已上传。")
    page.get_by_role("button", name="推进至“组织实施”").click()
    expect(page.locator(".flash-success")).to_have_text("已推进，当前阶段：组织实施")
    expect(page.locator(".stage-current")).to_have_attribute("data-stage", "implementation")
    expect(page.locator(".stage-current")).to_contain_text("组织实施")
    expect(page.locator(".stage-done")).to_have_text(["✓ 前期准备"], use_inner_text=True)
    timeline = page.locator("#timeline .event")
    expect(timeline).to_have_count(4)
    expect(timeline.nth(0)).to_contain_text("推进")
    expect(timeline.nth(0)).to_contain_text("前期准备 → 组织实施")
    expect(timeline.nth(0)).to_contain_text("张建明（组长）")
    expect(timeline.nth(0)).to_contain_text("工作组已组建，评价工作方案已上传。")
    expect(timeline.nth(1)).to_contain_text("上传文件")
    expect(timeline.nth(2)).to_contain_text("调整工作组")
    expect(timeline.nth(3)).to_contain_text("创建评价")
    shot(page, "05-implementation")
    page.set_viewport_size({"width": 420, "height": 900})
    shot(page, "05-implementation-narrow")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="评价列表").click()
    expect(page.locator("table")).to_contain_text("组织实施")
    shot(page, "06-list")
    page.get_by_role("link", name="我的待办").click()
    expect(page.locator("#todo-evaluations")).to_contain_text("雪亮工程视频监控建设项目")
    shot(page, "07-todo")
    page.goto(f"{live_server}/admin/users")
    expect(page.locator(".error-card")).to_contain_text("仅管理员可以访问系统管理")
    shot(page, "10-forbidden")


def test_admin_adds_a_user_and_a_mistake_keeps_the_form(page: Page, live_server, make):
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.get_by_role("link", name="系统管理").click()
    page.get_by_role("link", name="＋ 新增用户").click()
    page.get_by_label("用户名").fill("zhaomin")
    page.get_by_label("姓名").fill("赵敏")
    page.get_by_label("职务").fill("绩效科科长")
    page.get_by_label("系统角色").select_option(label="财政局审核人")
    page.get_by_label("密码").fill("short")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-error")).to_contain_text("密码至少 8 位")
    expect(page.locator(".field.has-error")).to_contain_text(
        "财政局审核人必须属于一个已存在的财政局"
    )
    expect(page.get_by_label("姓名")).to_have_value("赵敏")
    shot(page, "08-admin-user-error")

    page.get_by_label("所属财政局（财政局审核人）").select_option(label=make.bureau.name)
    page.get_by_label("密码").fill("long-enough-1")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("已保存")
    expect(page.locator("table")).to_contain_text("赵敏")
    shot(page, "09-admin-users")


def test_pages_work_under_the_content_security_policy(page: Page, live_server, make, team):
    """No page breaks the CSP (Chromium reports each refused inline script or style on the
    console), and the behaviours moved to /static/app.js still work: a delete asks first, and
    an error page's 返回上一页 goes back."""
    from workflow.indicators import operations as indicator_ops
    from workflow.indicators.builtin import get_template

    builtin = get_template("xueliang")
    indicator_ops.save_template(
        make.session,
        make.admin,
        "mine",
        indicator_ops.TemplateFields("本地模板", ["department"], "", builtin.indicators()),
        create=True,
    )
    refused = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    for url in (
        "/",
        "/evaluations",
        f"/evaluations/{team.evaluation.id}",
        f"/evaluations/{team.evaluation.id}/group",
        "/admin/users",
        "/admin/templates",
        "/notifications/",
    ):
        page.goto(f"{live_server}{url}")
    page.goto(f"{live_server}/admin/templates/mine/edit")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="删除模板").click()
    expect(page).to_have_url(f"{live_server}/admin/templates/mine/edit")  # dismissed: kept
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="删除模板").click()
    expect(page.locator(".flash-success")).to_contain_text("已删除")
    page.goto(f"{live_server}/evaluations/999999")
    page.get_by_role("link", name="返回上一页").click()
    expect(page).to_have_url(f"{live_server}/admin/templates")
    assert refused == []
