"""组织实施 and 分析评价 in real Chromium: the 组长 sets up the indicator system from a template,
gives a member the 群众满意度 leaf and a scoring task; the member scores it through the form and
completes the task; the 组长 sees the total and grade update, finalises, and the 评分表 shows
every level.

Screenshots are kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS, log_in, log_out, put_in_state, shot
from playwright.sync_api import Page, expect

from workflow.indicators import operations as indicator_ops
from workflow.indicators import queries as indicator_queries
from workflow.lifecycle import operations as lifecycle
from workflow.scoring import operations as scoring
from workflow.tasks import operations as tasks

pytestmark = pytest.mark.browser

SURVEY_LEAF = "3.3.1"  # 群众满意度 in the 雪亮工程 template


@pytest.fixture
def evaluation(make, people):
    """雪亮工程 evaluation of 和平县公安局 with its working group, in 组织实施."""
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
            approval_policy="any",
        ),
    )
    return put_in_state(session, evaluation, "implementation")


def test_leader_sets_up_the_indicator_system_and_a_scoring_task(
    page: Page, live_server, evaluation, people
):
    log_in(page, live_server, "zhangjm")
    page.goto(f"{live_server}/evaluations/{evaluation.id}")
    panel = page.locator("#indicators")
    expect(panel).to_contain_text("尚未设置评价指标体系")
    panel.get_by_role("link", name="设置评价指标体系").click()

    # 从模板复制
    page.get_by_label("指标模板").select_option(label="雪亮工程（公共安全视频监控建设）")
    page.get_by_role("button", name="复制模板").click()
    expect(page.locator(".flash-success")).to_contain_text("已从模板“雪亮工程")
    expect(page.locator("#tree .leaf-name")).to_have_count(14)
    expect(page.locator("#tree tfoot")).to_contain_text("100.00")
    shot(page, "20-indicator-system")

    # 编辑: 群众满意度 goes to 陈晓燕; a weight typo is refused with every problem listed
    page.get_by_role("link", name="编辑指标体系").click()
    leaf = page.locator(".node-l3").filter(has=page.locator('input[value="群众满意度"]'))
    expect(leaf.get_by_label("问卷选项及分值")).to_be_visible()  # survey parameters shown
    expect(leaf.get_by_label("比率类型")).to_be_hidden()
    leaf.get_by_label("评分人").select_option(label="陈晓燕（成员）")
    # the total follows the typing; an unusable 分值 is named, not counted as 0
    leaf.get_by_label("分值", exact=True).fill("十五")
    expect(page.locator("#weight-total")).to_have_text("85.00")
    expect(page.locator("#weight-invalid")).to_have_text("（1 项分值无效，未计入）")
    leaf.get_by_label("分值", exact=True).fill("16")
    expect(page.locator("#weight-total")).to_have_text("101.00")
    expect(page.locator("#weight-total")).to_have_class("sum-bad")
    expect(page.locator("#weight-invalid")).to_have_text("")
    page.get_by_role("button", name="保存指标体系").first.click()
    expect(page.locator(".alert-error")).to_contain_text("三级指标分值合计为101分，应为100分")
    expect(page.locator("#weight-total")).to_have_text("101.00")
    leaf = page.locator(".node-l3").filter(has=page.locator('input[value="群众满意度"]'))
    expect(leaf.get_by_label("评分人")).to_have_value(str(people["members"][0].id))  # kept
    shot(page, "21-indicator-editor-error")
    leaf.get_by_label("分值", exact=True).fill("15")
    expect(page.locator("#weight-total")).to_have_text("100.00")
    expect(page.locator("#weight-total")).to_have_class("sum-ok")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"re-weight-total-{width}.png"))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="保存指标体系").first.click()
    expect(page.locator(".flash-success")).to_have_text("评价指标体系已保存")
    row = page.locator("#tree tr").filter(has_text="群众满意度")
    expect(row).to_contain_text("陈晓燕（成员）")

    # 分派任务
    page.get_by_role("link", name="概况").click()
    page.locator("#tasks").get_by_role("link", name="＋ 分派任务").click()
    page.get_by_label("任务类型").select_option(label="指标打分")
    page.get_by_label("任务标题").fill("群众满意度打分")
    page.get_by_label("任务说明").fill("根据回收的 30 份问卷对“群众满意度”打分。")
    page.get_by_label("负责人").select_option(label="陈晓燕（成员）")
    page.get_by_label("完成期限").fill("2099-03-15")
    shot(page, "22-new-task")
    page.get_by_role("button", name="分派任务").click()
    expect(page.locator(".flash-success")).to_contain_text("已分派任务：群众满意度打分")
    expect(page.locator("#tasks table")).to_contain_text("陈晓燕")
    shot(page, "23-evaluation-with-tasks")


def score_all_but(session, evaluation, code: str) -> None:
    """The 组长 scores every leaf except `code` (full marks; the rate from the amounts)."""
    from conftest import FULL_MARKS

    leader = evaluation.leader
    for leaf in indicator_queries.leaves(indicator_queries.load_nodes(session, evaluation)):
        if leaf.code == code:
            continue
        entry = scoring.ScoreEntry(
            FULL_MARKS[leaf.rule_type](indicator_queries.leaf_dict(leaf)), reason="预算未全部执行"
        )
        scoring.score_leaf(session, leader, evaluation.id, leaf.code, entry)


def test_member_scores_their_leaf_and_leader_finalizes(
    page: Page, live_server, evaluation, people, make
):
    session = make.session
    member = people["members"][0]
    tree = indicator_ops.copy_template(session, evaluation.leader, evaluation.id, "xueliang")
    indicators = tree.indicators
    next(leaf for leaf in _leaves(indicators) if leaf["code"] == SURVEY_LEAF)["scorer"] = member.id
    indicator_ops.replace_indicators(session, evaluation.leader, evaluation.id, indicators)
    task = tasks.create_task(
        session,
        evaluation.leader,
        evaluation.id,
        tasks.TaskSpec("scoring", "群众满意度打分", "按问卷结果打分", assignee_id=member.id),
    )
    evaluation = put_in_state(session, evaluation, "analysis")
    score_all_but(session, evaluation, SURVEY_LEAF)

    # the 组长 before: 84.52 (预算执行率 4.52 of 5), 良
    log_in(page, live_server, "zhangjm")
    page.goto(f"{live_server}/evaluations/{evaluation.id}/scores")
    expect(page.locator("#total")).to_have_text("84.52")
    expect(page.locator("#grade")).to_have_text("良")
    expect(page.locator("#progress")).to_have_text("13 / 14")
    log_out(page)

    # the member: 我的待办 → the task → 评分 → the survey form
    log_in(page, live_server, "chenxy")
    page.goto(f"{live_server}/")
    mine = page.locator("#todo-tasks")
    expect(mine).to_contain_text("群众满意度打分")
    shot(page, "24-member-todo")
    mine.get_by_role("link", name="群众满意度打分").click()
    expect(page.locator("h1")).to_have_text("群众满意度打分")
    page.get_by_role("link", name="前往评分").click()
    leaf = page.locator(f'article[data-code="{SURVEY_LEAF}"]')
    expect(page.locator("article.leaf form")).to_have_count(1)  # only their own leaf
    expect(leaf.get_by_label("录入方式")).to_have_value("answers")
    expect(leaf.get_by_label("回收问卷（份）")).to_be_hidden()
    leaf.get_by_label("非常满意（100分）份数").fill("18")
    leaf.get_by_label("满意（80分）份数").fill("12")
    shot(page, "25-member-scoring-form")
    leaf.get_by_role("button", name="保存得分").click()
    expect(page.locator(".flash-success")).to_have_text("已保存“群众满意度”：得分 15.00 / 15.00 分")
    leaf = page.locator(f'article[data-code="{SURVEY_LEAF}"]')
    expect(leaf.locator(".score-value")).to_have_text("15.00")
    expect(leaf).to_contain_text("完成值92%")  # the 完成值 with its unit, as the 自评表 prints it
    page.set_viewport_size({"width": 420, "height": 900})
    leaf.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "25-member-scored-narrow.png"))
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{live_server}/tasks/{task.id}")
    page.get_by_label("结果说明").fill("已按 30 份问卷打分：满意度 92%，得满分。")
    page.get_by_role("button", name="完成任务").click()
    expect(page.locator(".flash-success")).to_have_text("任务已完成")
    expect(page.locator("#history")).to_contain_text("完成任务")
    shot(page, "26-task-done")
    log_out(page)

    # the 组长 sees the total and grade update, and finalises
    log_in(page, live_server, "zhangjm")
    page.goto(f"{live_server}/evaluations/{evaluation.id}")
    expect(page.locator("#panel-total")).to_have_text("99.52")
    page.locator("#indicators").get_by_role("link", name="进入评分").click()
    expect(page.locator("#total")).to_have_text("99.52")
    expect(page.locator("#grade")).to_have_text("优")
    expect(page.locator("#progress")).to_have_text("14 / 14")
    expect(page.locator("#level-3 .subtotal-badge").first).to_contain_text("40.00")
    shot(page, "27-leader-scores-complete")
    page.locator(".finalize-form").get_by_label("我已知晓", exact=False).check()
    page.get_by_role("button", name="评分定稿").click()
    expect(page.locator(".flash-success")).to_have_text("评分已定稿：总分 99.52 分，等级“优”")
    expect(page.locator("#locked")).to_contain_text("评分已定稿")
    expect(page.locator("article.leaf form")).to_have_count(0)
    shot(page, "28-finalized")

    # the 评分表: every level
    page.get_by_role("link", name="查看评分表").click()
    table = page.locator("#scorecard table")
    for name in ("项目过程", "项目产出", "项目效果"):
        expect(table.locator("td.level1", has_text=name)).to_have_count(1)
    expect(table.locator("td.level2")).to_have_count(10)
    expect(table.locator("td.leaf-name")).to_have_count(14)
    expect(page.locator("#total")).to_have_text("99.52")
    expect(page.locator("#card-summary")).to_contain_text("已定稿")
    expect(table).to_contain_text("预算未全部执行")
    shot(page, "29-scorecard")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel 评分表").click()
    assert download.value.suggested_filename == "雪亮工程视频监控建设项目-绩效评价评分表.xlsx"


def _leaves(nodes):
    for node in nodes:
        if "children" in node:
            yield from _leaves(node["children"])
        else:
            yield node


DEDUCTION_LEAF = "2.2.1"  # a 扣分 leaf of the 雪亮工程 template


def test_enter_in_a_deduction_row_saves_the_score(page: Page, live_server, evaluation, make):
    session = make.session
    indicator_ops.copy_template(session, evaluation.leader, evaluation.id, "xueliang")
    evaluation = put_in_state(session, evaluation, "analysis")
    log_in(page, live_server, "zhangjm")
    page.goto(f"{live_server}/evaluations/{evaluation.id}/scores")
    leaf = page.locator(f'article[data-code="{DEDUCTION_LEAF}"]')
    leaf.get_by_label("第1项扣分", exact=True).fill("1")
    reason = leaf.get_by_label("第1项扣分原因")
    reason.fill("部分点位验收资料不全")
    leaf.get_by_label("扣分理由", exact=False).fill("验收资料不全")
    reason.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("已保存")
    leaf = page.locator(f'article[data-code="{DEDUCTION_LEAF}"]')
    expect(leaf).to_contain_text("部分点位验收资料不全")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        leaf.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"re-deduction-saved-{width}.png"))
