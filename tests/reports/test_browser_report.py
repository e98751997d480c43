"""报告撰写 to 归档 in real Chromium: the 组长 edits a section, lists a problem and a suggestion,
and submits; the 副组长 comments on a section and returns the report; the 组长 sees the comment
beside the section, fixes it and resubmits; both approvers (policy "all") and the finance
reviewer approve, which archives the report; the signed PDF downloads with its SHA-256 shown.

The stages before 报告撰写 are set up through the services (indicators and full scores).
Screenshots are kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ARTIFACTS, CHROMIUM, PASSWORD, log_in, log_out, shot
from report_helpers import to_reporting

from workflow.accounts import operations as accounts
from workflow.kernel import files as file_store
from workflow.lifecycle import operations as lifecycle

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"CI: {CHROMIUM} is missing (apt-get install chromium)", pytrace=False)
    pytest.skip(
        f"{CHROMIUM} not installed (Debian package `chromium`); browser tests skipped",
        allow_module_level=True,
    )

from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

EXPERIENCE = "项目前期充分论证，绩效目标与建设内容相匹配。"
MONITORING = "执行中按季度开展绩效运行监控，对偏离目标的事项及时纠偏。"


@pytest.fixture
def evaluation(app, make, people):
    """雪亮工程 evaluation of 和平县公安局 in 报告撰写; 组长 and 副组长 approve (policy "all")."""
    session = make.session
    leader, deputy, members = people["leader"], people["deputy"], people["members"]
    evaluation = make.make_evaluation(creator=leader, project_name="雪亮工程视频监控建设项目")
    lifecycle.set_group(
        session,
        leader,
        evaluation.id,
        lifecycle.GroupSpec(
            leader=leader.id,
            deputies=[deputy.id],
            members=[m.id for m in members],
            approvers=[],
            approval_policy="all",
        ),
    )
    store = file_store.DocumentStore(app.config["UPLOAD_DIR"])
    return to_reporting(session, SimpleNamespace(leader=leader, evaluation=evaluation), store)


@pytest.fixture
def finance_reviewer(make):
    fields = accounts.UserFields(
        username="zhaomin",
        display_name="赵敏",
        title="绩效科科长",
        role="finance_reviewer",
        password=PASSWORD,
        bureau_id=make.bureau.id,
    )
    return accounts.save_user(make.session, make.admin, fields)


def test_report_is_edited_reviewed_returned_resubmitted_and_archived(
    page: Page, live_server, evaluation, finance_reviewer
):
    report_url = f"{live_server}/evaluations/{evaluation.id}/report"
    experience = page.locator("#section-experience")
    flash = page.locator(".flash-success")

    # 组长: the drafted report lists what still blocks submission.
    log_in(page, live_server, "zhangjm")
    page.goto(f"{live_server}/evaluations/{evaluation.id}")
    page.locator("#report").get_by_role("link", name="撰写评价报告").click()
    expect(page.locator("h1")).to_have_text("雪亮工程视频监控建设项目绩效评价报告")
    checks = page.locator("#checks .check-item")
    expect(checks).to_have_count(3)
    expect(checks.nth(0)).to_contain_text("“六、主要经验及做法”尚未填写")
    expect(page.locator("#section-conclusion .doc")).to_contain_text("总分为99.52分")
    shot(page, "report-01-draft")

    # 编辑 a section.
    experience.get_by_role("link", name="编辑").click()
    expect(page.locator("h1")).to_have_text("六、主要经验及做法")
    page.get_by_label("章节内容").fill(EXPERIENCE)
    shot(page, "report-02-edit")
    page.get_by_role("button", name="保存").click()
    expect(flash).to_have_text("已保存“六、主要经验及做法”（第2版）")
    expect(experience.locator(".doc")).to_contain_text(EXPERIENCE)

    # 问题与建议.
    form = page.locator("#problem-form")
    form.get_by_label("问题或建议").fill("资金支付进度较慢，年底集中支付")
    form.get_by_label("原因分析").fill("委务会未及时召开")
    form.get_by_label("整改措施 / 具体措施").fill("建立支付台账，按月调度支付进度")
    form.get_by_label("或填写责任人 / 责任科室").fill("综治中心 刘向东")
    form.get_by_label("完成时限").fill("2025-06-30")
    form.get_by_role("button", name="添加").click()
    expect(flash).to_have_text("已添加存在的问题")
    form.get_by_label("类别").select_option(label="有关建议")
    form.get_by_label("问题或建议").fill("加强绩效管理业务培训")
    form.get_by_role("button", name="添加").click()
    expect(page.locator("#problems tbody tr")).to_have_count(2)
    expect(page.locator("#section-problems .doc")).to_contain_text("整改措施：建立支付台账")
    expect(page.locator("#checks")).to_contain_text("一致性检查已全部通过")
    shot(page, "report-03-complete")

    # 提交 (推进 to 领导小组审核) from beside the report.
    page.locator("#actions").get_by_role("button", name="推进至“领导小组审核”").click()
    expect(flash).to_have_text("已推进，当前阶段：领导小组审核")
    log_out(page)

    # 副组长 (an approver) comments on a section and returns the report.
    log_in(page, live_server, "liuzq")
    page.goto(report_url)
    expect(page.locator(".alert-info")).to_contain_text("报告只读")
    expect(page.get_by_role("link", name="编辑")).to_have_count(0)
    experience.get_by_label("审核意见").fill("请补充绩效运行监控的具体做法。")
    experience.get_by_role("button", name="提交意见").click()
    expect(flash).to_have_text("审核意见已提交")
    expect(experience.locator(".rail")).to_contain_text("请补充绩效运行监控的具体做法。")
    shot(page, "report-04-review-comment")
    actions = page.locator("#actions")
    actions.get_by_label("退回到").select_option(label="报告撰写")
    actions.get_by_label("理由（必填）").fill("请按审核意见补充主要经验及做法")
    actions.get_by_role("button", name="退回").click()
    expect(flash).to_have_text("已退回，当前阶段：报告撰写")
    log_out(page)

    # 组长: the comment is beside the section in round 2; fix and resubmit.
    log_in(page, live_server, "zhangjm")
    page.goto(report_url)
    rail = experience.locator(".rail")
    expect(rail).to_contain_text("第 1 轮")
    expect(rail).to_contain_text("刘志强")
    expect(rail).to_contain_text("请补充绩效运行监控的具体做法。")
    shot(page, "report-05-returned")
    page.set_viewport_size({"width": 420, "height": 900})
    experience.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "report-05-returned-narrow.png"))
    page.set_viewport_size({"width": 1366, "height": 900})
    experience.get_by_role("link", name="编辑").click()
    expect(page.locator(".side-col")).to_contain_text("请补充绩效运行监控的具体做法。")
    page.get_by_label("章节内容").fill(f"{EXPERIENCE}\n{MONITORING}")
    page.get_by_role("button", name="保存").click()
    expect(experience.locator(".doc")).to_contain_text(MONITORING)

    experience.get_by_role("link", name="历史版本").click()
    expect(page.locator("#versions tbody tr")).to_have_count(3)
    expect(page.locator(".diff ins")).to_have_text([MONITORING])
    shot(page, "report-06-versions")
    page.get_by_role("link", name="返回报告").click()

    page.locator("#actions").get_by_role("button", name="推进至“领导小组审核”").click()
    expect(flash).to_have_text("已推进，当前阶段：领导小组审核")

    # Both approvals ("all": 组长 and 副组长), then the finance bureau signs off.
    page.goto(report_url)
    page.locator("#actions").get_by_role("button", name="审核通过").click()
    expect(flash).to_have_text("您已同意（1/2），待刘志强审核")
    log_out(page)
    log_in(page, live_server, "liuzq")
    page.goto(report_url)
    page.locator("#actions").get_by_role("button", name="审核通过").click()
    expect(flash).to_have_text("已审核通过，当前阶段：财政局审核")
    log_out(page)

    log_in(page, live_server, "zhaomin")
    page.goto(report_url)
    expect(page.locator(".alert-info")).to_contain_text("报告只读")
    shot(page, "report-07-finance-review")
    page.locator("#actions .action-approve").get_by_label("我已知晓", exact=False).check()
    page.locator("#actions").get_by_role("button", name="审核通过").click()
    expect(flash).to_have_text("已审核通过，当前阶段：已归档")

    # The archived report (the action came back to it): read-only, the signed PDF and its hash.
    expect(page).to_have_url(report_url)
    expect(page.locator("#archive")).to_contain_text("报告已签发归档")
    expect(page.get_by_role("link", name="编辑")).to_have_count(0)
    sha256 = page.get_by_test_id("sha256").inner_text()
    shot(page, "report-08-archived")
    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == sha256
    assert download.value.suggested_filename == "雪亮工程视频监控建设项目绩效评价报告.pdf"
