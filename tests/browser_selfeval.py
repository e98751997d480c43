"""The steps of a 单位自评 in real Chromium that the browser tests share: score the 单位自评
template's nine leaves and finalise, then write the short 自评报告, sign off for the unit and
hand it to the finance bureau."""

from __future__ import annotations

from conftest import shot
from playwright.sync_api import Page, expect

# (code, what the form takes): the 单位自评 template's nine leaves.
SCORES = {
    "1.1.1": {"完成值（%）": "100"},
    "1.2.1": {"完成值（%）": "98"},
    "1.3.1": {"评价档次": "met", "档内得分": "10", "完成情况（如：有效）": "按期完成"},
    "1.4.1": {},  # 扣分法: no deduction
    "2.1.1": {"评价档次": "met", "档内得分": "5", "完成情况（如：有效）": "达到预期"},
    "2.2.1": {"评价档次": "met", "档内得分": "14", "完成情况（如：有效）": "有效"},
    "2.3.1": {"评价档次": "met", "档内得分": "9", "完成情况（如：有效）": "机制健全"},
    "3.1.1": {"录入方式": "counts", "回收问卷（份）": "100", "满意（份）": "95"},
    "4.1.1": {},  # 预算执行率: from the amounts
}


def score_every_leaf(page: Page) -> None:
    """打分 of the nine leaves from the evaluation's page in 分析评价, then 评分定稿."""
    flash = page.locator(".flash-success")
    page.goto(page.url.rstrip("/") + "/scores")
    for code, fields in SCORES.items():
        leaf = page.locator(f'article[data-code="{code}"]')
        for label, value in fields.items():
            if label in ("评价档次", "录入方式"):  # a select's name includes its options
                leaf.get_by_label(label).select_option(value)
            else:
                leaf.get_by_label(label, exact=True).fill(value)
        if code in ("1.2.1", "4.1.1", "2.2.1", "2.3.1"):  # points taken off: say why
            leaf.get_by_label("扣分理由", exact=False).first.fill("个别未达标")
        leaf.get_by_role("button", name="保存得分").or_(
            leaf.get_by_role("button", name="确认得分")
        ).click()
        expect(flash).to_contain_text("已保存")
    shot(page, "self-02-scored")
    page.locator(".finalize-form").get_by_label("我已知晓", exact=False).check()
    page.get_by_role("button", name="评分定稿").click()
    expect(page.locator(".alert").first).to_contain_text("评分已定稿")


def report_and_submit(page: Page) -> None:
    """From the score page: 报告撰写, the 自评报告, 单位审核 (或签) → 财政局审核."""
    flash = page.locator(".flash-success")
    page.locator("#report").get_by_role("link", name="撰写评价报告").click()
    checks = page.locator("#checks")
    shot(page, "self-03-report")
    form = page.locator("#problem-form")
    form.get_by_label("问题或建议").fill("资金支付进度偏慢")
    form.get_by_label("原因分析").fill("审批环节多")
    form.get_by_label("整改措施 / 具体措施").fill("建立支付台账，按月调度")
    form.get_by_role("button", name="添加").click()
    expect(flash).to_have_text("已添加存在的问题")
    form.get_by_label("类别").select_option(label="有关建议")
    form.get_by_label("问题或建议").fill("加强营养知识宣传")
    form.get_by_role("button", name="添加").click()
    for section in page.locator("section[id^=section-]").all():
        if "尚未填写" in (section.inner_text() or ""):
            section.get_by_role("link", name="编辑").click()
            page.get_by_label("章节内容").fill("无。")
            page.get_by_role("button", name="保存").click()
    expect(checks).to_contain_text("一致性检查已全部通过")
    page.locator("#actions").get_by_role("button", name="推进至“领导小组审核”").click()
    expect(flash).to_have_text("已推进，当前阶段：领导小组审核")

    # 单位审核 (one's own sign-off, 或签) → 财政局审核
    page.locator("#actions").get_by_role("button", name="审核通过").click()
    expect(flash).to_contain_text("财政局审核")
