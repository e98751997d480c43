"""The 评价指标体系, 评分, 评分表 and 工作任务 pages: what each role sees and may do, through the
real forms (CSRF included), with the services' Chinese messages shown to people."""

from __future__ import annotations

import io
from decimal import Decimal
import re
from datetime import date, timedelta

import pytest
from conftest import fill_indicators, put_in_state, score_everything
from openpyxl import load_workbook

from web.pages.indicator_forms import rows_from_tree
from workflow import indicator_tree, scorecards, tasks
from workflow.indicators import get_template
from workflow.models import IndicatorScore, Task

# --- helpers ----------------------------------------------------------------------------------


def page(res) -> str:
    return res.get_data(as_text=True)


class Browser:
    """A logged-in user posting the pages' forms (the CSRF token taken from a page)."""

    def __init__(self, client, auth, user) -> None:
        self.client = client
        res = auth.login(user.username)
        assert res.status_code == 302, page(res)
        self.token = auth.csrf_token("/")

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)


@pytest.fixture
def as_user(client, auth):
    return lambda user: Browser(client, auth, user)


def in_state(session, team, state: str, template: str | None = "xueliang"):
    """The team's evaluation in `state`, with an indicator tree copied while in 组织实施."""
    evaluation = put_in_state(session, team.evaluation, "implementation")
    if template:
        fill_indicators(session, evaluation, template)
    if state != "implementation":
        evaluation = put_in_state(session, evaluation, state)
    return evaluation


def assign_scorer(session, evaluation, code: str, user) -> None:
    """Make `user` the 评分人 of a leaf (through the replace-tree service, in 组织实施)."""
    state = evaluation.state
    evaluation = put_in_state(session, evaluation, "implementation")
    tree = indicator_tree.tree(session, evaluation)
    for leaf in _leaves(tree):
        if leaf["code"] == code:
            leaf["scorer"] = user.id
    indicator_tree.replace_indicators(session, evaluation.leader, evaluation.id, tree)
    put_in_state(session, evaluation, state)


def _leaves(nodes):
    for node in nodes:
        if "children" in node:
            yield from _leaves(node["children"])
        else:
            yield node


def tree_form_data(tree, **changes) -> dict[str, str]:
    """The editor's form fields for a tree (as the page renders them), with `changes` applied:
    {"nodes-3-weight": "6"}."""
    data: dict[str, str] = {}
    for index, row in enumerate(rows_from_tree(tree)):
        for key, value in row.items():
            data[f"nodes-{index}-{key}"] = "" if value is None else str(value)
    data.update(changes)
    return data


def stored_score(session, evaluation, code: str) -> IndicatorScore | None:
    session.expire_all()
    for scored in scorecards.scored_leaves(session, evaluation.leader, evaluation.id):
        if scored.indicator.code == code:
            return scored.score
    raise AssertionError(code)


def leaf_prefix(code: str) -> str:
    return "leaf" + code.replace(".", "_")


def score_url(evaluation, code: str) -> str:
    return f"/evaluations/{evaluation.id}/indicators/{code}/score"


def post_score(browser, evaluation, code: str, **fields):
    prefix = leaf_prefix(code)
    data = {f"{prefix}-{key}": value for key, value in fields.items()}
    data[f"{prefix}-csrf_token"] = browser.token
    return browser.client.post(score_url(evaluation, code), data=data, **_multipart(data))


def _multipart(data) -> dict:
    has_file = any(isinstance(v, tuple) for v in data.values())
    return {"content_type": "multipart/form-data"} if has_file else {}


# --- login -------------------------------------------------------------------------------------

PROTECTED = [
    "/evaluations/1/indicators",
    "/evaluations/1/indicators/edit",
    "/evaluations/1/scores",
    "/evaluations/1/scorecard",
    "/evaluations/1/scorecard.xlsx",
    "/evaluations/1/tasks/new",
    "/tasks/1",
]


@pytest.mark.parametrize("url", PROTECTED)
def test_scoring_pages_redirect_to_login_when_logged_out(client, url):
    res = client.get(url)
    assert res.status_code == 302
    assert res.headers["Location"].startswith("/login?next=")


# --- 评价指标体系 -------------------------------------------------------------------------------


def test_leader_copies_a_template_and_sees_the_three_level_table(as_user, session, team):
    put_in_state(session, team.evaluation, "implementation")
    leader = as_user(team.leader)
    url = f"/evaluations/{team.evaluation.id}/indicators"
    html = page(leader.get(url))
    assert "从模板复制" in html and "雪亮工程（公共安全视频监控建设）" in html
    assert "尚未设置评价指标体系" in html

    res = leader.post(f"{url}/template", {"template": "xueliang"}, follow_redirects=True)
    html = page(res)
    assert "已从模板“雪亮工程（公共安全视频监控建设）”复制评价指标体系" in html
    for name in ("项目过程", "产出数量", "前端点位建设数量", "群众满意度"):
        assert name in html
    assert html.count('class="leaf-name"') == 14
    assert "2100路" in html  # 指标值 with its unit
    assert "反向" in html  # 项目建设成本: less is better
    assert "比率（预算执行率）" in html and "满意度调查（目标90%）" in html
    assert "编辑指标体系" in html


def test_member_cannot_edit_or_copy_the_indicator_system(as_user, session, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    member = as_user(team.members[0])
    url = f"/evaluations/{evaluation.id}/indicators"
    assert "从模板复制" not in page(member.get(url))
    res = member.get(f"{url}/edit")
    assert res.status_code == 403
    assert "只有组长、副组长可以在组织实施阶段编辑评价指标体系" in page(res)
    res = member.post(f"{url}/template", {"template": "xueliang"})
    assert res.status_code == 403
    assert "您无权进行此操作" in page(res)
    assert indicator_tree.tree(session, evaluation) == []


def test_editor_lists_every_problem_in_chinese_and_keeps_the_input(as_user, session, team):
    evaluation = in_state(session, team, "implementation")
    leader = as_user(team.leader)
    url = f"/evaluations/{evaluation.id}/indicators/edit"
    tree = indicator_tree.tree(session, evaluation)
    rows = rows_from_tree(tree)
    first_leaf = next(i for i, row in enumerate(rows) if row["level"] == 3)
    last = len(rows) - 1
    data = tree_form_data(
        tree,
        **{
            f"nodes-{first_leaf}-weight": "6",
            f"nodes-{last}-name": "",
            f"nodes-{last}-code": "1.1.1",
            "op": "save",
        },
    )
    res = leader.post(url, data)
    assert res.status_code == 400
    html = page(res)
    assert "未能保存" in html
    assert "三级指标分值合计为101分，应为100分" in html
    assert "缺少指标名称" in html
    assert "指标代码“1.1.1”重复，代码须唯一" in html
    assert f'name="nodes-{first_leaf}-weight" type="text" value="6"' in html
    assert indicator_tree.tree(session, evaluation) == tree  # nothing saved


def test_editor_adds_moves_deletes_and_saves_a_tree(as_user, session, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    leader = as_user(team.leader)
    url = f"/evaluations/{evaluation.id}/indicators/edit"
    html = page(leader.get(url))  # an empty tree starts with one branch down to a leaf
    assert 'name="nodes-2-weight"' in html and 'name="nodes-3-level"' not in html

    def post(data, op):
        res = leader.post(url, {**data, "op": op})
        assert res.status_code == 200, page(res)
        return page(res)

    data = {
        "nodes-0-level": "1", "nodes-0-code": "1", "nodes-0-name": "产出",
        "nodes-1-level": "2", "nodes-1-code": "1.1", "nodes-1-name": "产出数量",
        "nodes-2-level": "3", "nodes-2-code": "1.1.1", "nodes-2-name": "点位建设数量",
        "nodes-2-weight": "60", "nodes-2-rule": "completion", "nodes-2-target": "100",
        "nodes-2-unit": "路", "nodes-2-direction": "positive",
    }  # fmt: skip
    html = post(data, "add-1")  # ＋ 三级指标 under 产出数量
    assert 'value="1.1.2"' in html and "已在编辑区调整" in html
    data.update(
        {
            "nodes-3-level": "3", "nodes-3-code": "1.1.2", "nodes-3-name": "群众满意度",
            "nodes-3-weight": "40", "nodes-3-rule": "survey", "nodes-3-target": "90",
            "nodes-3-target_rate": "90", "nodes-3-options": "满意:100，不满意:0",
            "nodes-3-scorer": str(team.members[0].id),
        }
    )  # fmt: skip
    html = post(data, "up-3")  # the new leaf moves above the first
    names = re.findall(r'name="nodes-\d+-name" type="text" value="([^"]*)"', html)
    assert names == ["产出", "产出数量", "群众满意度", "点位建设数量"]
    assert "100.00" in html  # the subtotal of the branch

    html = post(data, "add-root")
    assert html.count('class="level-tag level-tag-1"') == 2
    html = post(data, "del-0")
    assert 'name="nodes-0-level"' not in html or "产出数量" not in html

    res = leader.post(url, {**data, "op": "save"}, follow_redirects=True)
    html = page(res)
    assert "评价指标体系已保存" in html
    tree = indicator_tree.tree(session, evaluation)
    leaves = list(_leaves(tree))
    assert [leaf["name"] for leaf in leaves] == ["点位建设数量", "群众满意度"]
    survey = leaves[1]
    assert survey["rule"] == {"type": "survey", "target_rate": "90", "options": {"满意": 100, "不满意": 0}}
    assert survey["scorer"] == team.members[0].id
    assert "满意度调查（目标90%）" in html


def test_unit_self_evaluation_weights_are_warned_about(as_user, session, make):
    from conftest import Team

    team = Team(make)
    team.evaluation.kind = "unit_self"
    session.commit()
    evaluation = in_state(session, team, "implementation", template="national_common")
    html = page(as_user(team.leader).get(f"/evaluations/{evaluation.id}/indicators"))
    assert "提示（单位自评一级指标分值）" in html
    assert "单位自评原则上为50分" in html


# --- 评分 ---------------------------------------------------------------------------------------


@pytest.fixture
def analysis(session, team):
    """The team's evaluation in 分析评价 with the 雪亮工程 tree; 成员1 scores 3.3.1 群众满意度."""
    evaluation = in_state(session, team, "analysis")
    assign_scorer(session, evaluation, "3.3.1", team.members[0])
    session.expire_all()
    return session.get(type(evaluation), evaluation.id)


def test_rate_is_computed_from_the_amounts_and_needs_a_reason_below_the_weight(
    as_user, session, team, analysis
):
    leader = as_user(team.leader)
    html = page(leader.get(f"/evaluations/{analysis.id}/scores"))
    assert "预算执行率 = 实际支出 <strong>2712.60</strong> 万元 ÷ 预算 <strong>3000.00</strong>" in html
    assert "90.42%" in html and '<strong class="preview-score">4.52</strong>' in html

    res = post_score(leader, analysis, "1.1.1")
    assert res.status_code == 400
    assert "得分4.52低于分值5.00，须写明扣分理由" in page(res)
    assert stored_score(session, analysis, "1.1.1") is None

    res = post_score(leader, analysis, "1.1.1", reason="预算执行率90.42%，未全部支出")
    assert res.status_code == 302
    assert stored_score(session, analysis, "1.1.1").score == Decimal("4.52")
    html = page(leader.get(f"/evaluations/{analysis.id}/scores"))
    assert '<span class="sum-value" id="total">4.52</span>' in html
    assert "预算执行率90.42%，未全部支出" in html
