"""In real Chromium: an irreversible action is not taken until its "我已知晓" box is ticked
(评分定稿, 终止), the 组长 reopens finalised scores with a reason, and a work plan uploaded by
mistake is deleted from its row with a reason, which the 推进 conditions then miss."""

from __future__ import annotations

import io

import pytest
from conftest import fill_indicators, log_in, log_out, put_in_state, score_everything, shot
from playwright.sync_api import Page, expect

from workflow.documents import operations as documents
from workflow.kernel import files as file_store
from workflow.lifecycle import operations as lifecycle

pytestmark = pytest.mark.browser


@pytest.fixture
def evaluation(make, people):
    """雪亮工程 of 和平县公安局 with 张建明 as 组长, 刘志强 副组长, two 成员."""
    leader = people["leader"]
    ev = make.make_evaluation(creator=leader)
    lifecycle.set_group(
        make.session,
        leader,
        ev.id,
        lifecycle.GroupSpec(
            leader=leader.id,
            deputies=[people["deputy"].id],
            members=[m.id for m in people["members"]],
            approvers=[],
        ),
    )
    return ev


def test_finalising_asks_first_and_the_leader_reopens_with_a_reason(
    page: Page, live_server, session, people, evaluation
):
    ev = put_in_state(session, evaluation, "implementation")
    fill_indicators(session, ev, actor=people["leader"])
    ev = put_in_state(session, ev, "analysis")
    score_everything(session, ev, actor=people["leader"], finalize=False)
    log_in(page, live_server, "zhangjm")
    page.goto(f"{live_server}/evaluations/{ev.id}/scores")
    finalize = page.locator(".finalize-form")
    expect(finalize).to_contain_text("我已知晓：定稿后分数锁定，不能再修改")
    finalize.get_by_role("button", name="评分定稿").click()  # not ticked: the browser holds it
    expect(page.locator("#locked")).to_have_count(0)
    expect(page.locator(".flash-success")).to_have_count(0)
    finalize.get_by_label("我已知晓", exact=False).check()
    finalize.get_by_role("button", name="评分定稿").click()
    expect(page.locator(".flash-success")).to_contain_text("评分已定稿")
    expect(page.locator("#locked")).to_contain_text("如需修改请组长解除定稿")
    shot(page, "events-01-finalized")

    reopen = page.locator(".reopen-form")
    reopen.get_by_label("解除定稿的理由（必填）").fill("满意度问卷补充调查后重新打分")
    reopen.get_by_role("button", name="解除定稿").click()
    expect(page.locator(".flash-success")).to_contain_text("已解除评分定稿")
    expect(page.locator("#locked")).to_have_count(0)
    expect(page.locator(".finalize-form")).to_be_visible()
    shot(page, "events-02-reopened")


def test_cancelling_asks_first(page: Page, live_server, evaluation):
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/evaluations/{evaluation.id}")
    cancel = page.locator("#actions .action-cancel")
    expect(cancel).to_contain_text("终止后评价不再流转，且不能恢复")
    cancel.get_by_label("理由（必填）").fill("项目已撤销")
    cancel.get_by_role("button", name="终止").click()
    expect(page.locator(".flash-success")).to_have_count(0)
    cancel.get_by_label("我已知晓", exact=False).check()
    cancel.get_by_role("button", name="终止").click()
    expect(page.locator(".flash-success")).to_contain_text("已终止")
    shot(page, "events-03-cancelled")


def test_a_work_plan_uploaded_by_mistake_is_deleted_with_a_reason(
    page: Page, live_server, app, session, people, evaluation
):
    store = file_store.DocumentStore(app.config["UPLOAD_DIR"])
    plan = documents.add_document(
        session,
        people["leader"],
        evaluation.id,
        "work_plan",
        "立项批复.txt",
        io.BytesIO("立项批复".encode()),
        store,
    )
    log_in(page, live_server, "zhangjm")
    page.goto(f"{live_server}/evaluations/{evaluation.id}")
    expect(page.locator("#actions")).not_to_contain_text("缺少评价工作方案")
    row = page.locator(f"#document-{plan.id}")
    row.get_by_text("管理").click()
    row.get_by_label("删除理由").fill("误传：这是立项批复，不是评价工作方案")
    row.get_by_role("button", name="删除").click()
    expect(page.locator(".flash-success")).to_contain_text("文件已删除")
    expect(page.locator(f"#document-{plan.id}")).to_have_count(0)
    expect(page.locator("#actions .guards")).to_contain_text("缺少评价工作方案")
    deleted = page.locator(".deleted-documents")
    deleted.get_by_text("已删除的文件（1）").click()
    expect(deleted).to_contain_text("误传：这是立项批复，不是评价工作方案")
    shot(page, "events-04-document-deleted")
    log_out(page)


def test_after_a_return_the_leader_is_told_why_and_the_page_says_it_at_the_top(
    page: Page, live_server, session, people, evaluation
):
    ev = put_in_state(session, evaluation, "group_review", submitted_by=people["leader"])
    log_in(page, live_server, "liuzq")
    page.goto(f"{live_server}/evaluations/{ev.id}")
    back = page.locator("#actions .action-return")
    back.get_by_label("退回到").select_option(label="分析评价")
    back.get_by_label("理由（必填）").fill("满意度问卷样本量不足，请补充调查")
    back.get_by_role("button", name="退回").click()
    expect(page.locator(".flash-success")).to_contain_text("已退回，当前阶段：分析评价")
    log_out(page)

    log_in(page, live_server, "zhangjm")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_role("link", name="通知").click()
    notice = page.locator(".notice.unread").first
    expect(notice).to_contain_text("评价被退回")
    expect(notice).to_contain_text("退回理由：满意度问卷样本量不足，请补充调查")
    page.locator(".notice-open").first.click()
    expect(page).to_have_url(f"{live_server}/evaluations/{ev.id}")
    banner = page.get_by_test_id("last-return")
    expect(banner).to_contain_text("已退回至分析评价：满意度问卷样本量不足，请补充调查")
    expect(banner).to_contain_text("刘志强")
    shot(page, "events-05-returned")
