"""The 评价指标体系, 评分, 评分表 and 工作任务 pages: what each role sees and may do, through the
real forms (CSRF included), with the services' Chinese messages shown to people."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from conftest import FULL_MARKS, fill_indicators, put_in_state, score_everything
from openpyxl import load_workbook

from web.indicators.forms import rows_from_tree
from workflow.indicators import operations as indicator_ops
from workflow.indicators import queries as indicator_queries
from workflow.indicators.builtin import get_template
from workflow.kernel import clock
from workflow.scoring import operations as scoring
from workflow.scoring import scorecard as scorecards
from workflow.scoring.models import IndicatorScore
from workflow.tasks import operations as tasks
from workflow.tasks.models import Task

# --- helpers ----------------------------------------------------------------------------------


def page(res) -> str:
    return res.get_data(as_text=True)


class Browser:
    """A logged-in user posting the pages' forms (the CSRF token taken from a page)."""

    def __init__(self, client, auth, user) -> None:
        self.client = client
        client.delete_cookie("session")  # whoever was logged in before
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
    tree = indicator_queries.tree(session, evaluation)
    for leaf in _leaves(tree):
        if leaf["code"] == code:
            leaf["scorer"] = user.id
    indicator_ops.replace_indicators(session, evaluation.leader, evaluation.id, tree)
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


def score_all(session, evaluation, skip: str = "") -> None:
    """The 组长 scores every leaf but `skip` (full marks where the rule allows)."""
    for leaf in indicator_queries.leaves(indicator_queries.load_nodes(session, evaluation)):
        if leaf.code != skip:
            inputs = FULL_MARKS[leaf.rule_type](indicator_queries.leaf_dict(leaf))
            entry = scoring.ScoreEntry(inputs, reason="预算未全部执行")
            scoring.score_leaf(session, evaluation.leader, evaluation.id, leaf.code, entry)


class _FormValues(HTMLParser):
    """What a browser posts from a page's forms: inputs, selected options, textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.values[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.values[name] = a.get("value") or "y"
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select:
            if self.select not in self.values or "selected" in a:
                self.values[self.select] = a.get("value") or ""
        elif tag == "textarea":
            self.textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea] += data


def form_values(html: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(html)
    parser.values.pop("csrf_token", None)
    return {k: v.removeprefix("\r\n").removeprefix("\n") for k, v in parser.values.items()}


def editor_names(html: str) -> list[str]:
    return re.findall(r'name="nodes-\d+-name" type="text" value="([^"]*)"', html)


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
    assert indicator_queries.tree(session, evaluation) == []


def test_editor_lists_every_problem_in_chinese_and_keeps_the_input(as_user, session, team):
    evaluation = in_state(session, team, "implementation")
    leader = as_user(team.leader)
    url = f"/evaluations/{evaluation.id}/indicators/edit"
    tree = indicator_queries.tree(session, evaluation)
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
    res = leader.post(
        url, tree_form_data(tree, **{f"nodes-{first_leaf}-weight": "六", "op": "save"})
    )
    html = page(res)
    assert "分值无效，改正后再合计" in html and "合计为95分" not in html
    assert "（1 项分值无效，未计入）" in html  # beside the total shown above the tree
    assert indicator_queries.tree(session, evaluation) == tree  # nothing saved


def test_editor_adds_moves_deletes_and_saves_a_tree(as_user, session, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    leader = as_user(team.leader)
    url = f"/evaluations/{evaluation.id}/indicators/edit"
    html = page(leader.get(url))  # an empty tree starts with one branch down to a leaf

    def press(html: str, op: str, **changes) -> str:
        """Post the editor as the browser would, after typing `changes`, with button `op`."""
        res = leader.post(url, {**form_values(html), **changes, "op": op})
        assert res.status_code == 200, page(res)
        return page(res)

    html = press(
        html,
        "add-1",  # ＋ 三级指标 under the level-2 row
        **{
            "nodes-0-name": "产出", "nodes-1-name": "产出数量",
            "nodes-2-name": "点位建设数量", "nodes-2-weight": "60", "nodes-2-rule": "completion",
            "nodes-2-target": "100", "nodes-2-unit": "路",
        },
    )  # fmt: skip
    assert 'value="1.1.2"' in html and "已在编辑区调整" in html
    html = press(
        html,
        "up-3",  # the new leaf moves above the first
        **{
            "nodes-3-name": "群众满意度", "nodes-3-weight": "40", "nodes-3-rule": "survey",
            "nodes-3-target": "90", "nodes-3-options": "满意:100，不满意:0",
            "nodes-3-scorer": str(team.members[0].id),
        },
    )  # fmt: skip
    assert editor_names(html) == ["产出", "产出数量", "群众满意度", "点位建设数量"]
    assert "<strong>100.00</strong>" in html  # the branches' subtotals
    html = press(html, "add-root")
    assert editor_names(html)[4:] == ["新一级指标", "新二级指标", ""]
    assert html.count('class="level-tag level-tag-1"') == 2
    html = press(html, "del-4")  # the new level-1 with everything under it
    assert editor_names(html) == ["产出", "产出数量", "群众满意度", "点位建设数量"]

    res = leader.post(url, {**form_values(html), "op": "save"}, follow_redirects=True)
    html = page(res)
    assert "评价指标体系已保存" in html
    leaves = list(_leaves(indicator_queries.tree(session, evaluation)))
    assert [leaf["name"] for leaf in leaves] == ["群众满意度", "点位建设数量"]
    survey = leaves[0]
    assert survey["rule"] == {
        "type": "survey",
        "target_rate": "90",
        "options": {"满意": 100, "不满意": 0},
    }
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
    assert (
        "预算执行率 = 实际支出 <strong>2712.60</strong> 万元 ÷ 预算 <strong>3000.00</strong>"
        in html
    )
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


@pytest.mark.parametrize(
    ("code", "fields", "score"),
    [
        ("2.1.1", {"actual": "2100"}, "10.00"),  # completion, met
        ("2.1.1", {"actual": "2000", "reason": "少建100路"}, "9.52"),  # 10 × 2000 / 2100
        ("2.4.1", {"actual": "280"}, "7.00"),  # 反向: under the 300 万元 cost target
        ("2.4.1", {"actual": "350", "reason": "超支50万元"}, "6.00"),  # 反向: 7 × 300 / 350
        ("3.1.1", {"band": "partial", "value": "5.5", "reason": "共享不足"}, "5.50"),  # tiered
        (
            "2.2.1",
            {
                "deductions-0-points": "2",
                "deductions-0-reason": "在线率低于合同约定的90%",
                "deductions-1-points": "",
                "deductions-1-reason": "",
                "reason": "见扣分明细",
            },
            "8.00",
        ),  # deduction: 10 − 2
        (
            "3.3.1",
            {
                "survey_mode": "answers",
                "counts-0": "18",
                "counts-1": "12",
                "counts-2": "",
                "counts-3": "",
            },
            "15.00",
        ),  # survey: (18 × 100 + 12 × 80) / 30 = 92 % ≥ 90 %
        (
            "3.3.1",
            {
                "survey_mode": "counts",
                "respondents": "100",
                "satisfied": "81",
                "reason": "满意度81%",
            },
            "13.50",
        ),  # survey: 15 × 81 / 90
    ],
)
def test_each_rule_form_computes_the_score(as_user, session, team, analysis, code, fields, score):
    res = post_score(as_user(team.leader), analysis, code, **fields)
    assert res.status_code == 302, page(res)
    assert str(stored_score(session, analysis, code).score) == score


def test_survey_answers_can_be_uploaded_as_a_csv(as_user, session, team, analysis):
    member = as_user(team.members[0])
    answers = "答案\n" + "非常满意\n" * 18 + "满意\n" * 12
    res = post_score(
        member,
        analysis,
        "3.3.1",
        survey_mode="csv",
        file=(io.BytesIO(answers.encode("gbk")), "问卷.csv"),
    )
    assert res.status_code == 302, page(res)
    row = stored_score(session, analysis, "3.3.1")
    assert row.score == Decimal("15.00") and row.actual == Decimal("92.00")

    bad = "非常满意\n很好\n"
    res = post_score(
        member, analysis, "3.3.1", survey_mode="csv", file=(io.BytesIO(bad.encode()), "a.csv")
    )
    assert res.status_code == 400
    assert "第2行的答案“很好”不是有效选项" in page(res)


def test_a_band_value_outside_its_band_is_refused_with_the_input_kept(as_user, team, analysis):
    res = post_score(as_user(team.leader), analysis, "3.1.1", band="met", value="5")
    assert res.status_code == 400
    html = page(res)
    assert "“达成”档的得分须在6.40至8.00分之间，收到5.00分" in html
    assert 'value="5"' in html
    assert '<option selected value="met">达成（6.40～8.00 分）</option>' in html


def test_a_deviating_actual_needs_a_deviation_note(as_user, session, team, analysis):
    leader = as_user(team.leader)
    res = post_score(leader, analysis, "2.1.1", actual="3000")  # 143 % of 2100
    assert res.status_code == 400
    html = page(res)
    assert "须填写偏差说明" in html and "请按下方提示补充后再保存" in html
    res = post_score(leader, analysis, "2.1.1", actual="3000", deviation_note="追加建设900路")
    assert res.status_code == 302
    assert stored_score(session, analysis, "2.1.1").deviation_note == "追加建设900路"


def test_not_applicable_needs_a_reason_and_rescales_the_total(as_user, session, team, analysis):
    leader = as_user(team.leader)
    res = post_score(leader, analysis, "2.4.1", not_applicable="y")
    assert res.status_code == 400
    assert "标记为不适用须写明理由" in page(res)
    res = post_score(leader, analysis, "2.4.1", not_applicable="y", reason="无建设成本数据")
    assert res.status_code == 302
    score_all(session, analysis, skip="2.4.1")  # the others, as the 组长
    html = page(leader.get(f"/evaluations/{analysis.id}/scorecard"))
    assert 'id="rescaled"' in html and "适用分值 93.00" in html
    assert "不适用：" in html and "无建设成本数据" in html


def test_manual_rule_takes_a_typed_score_with_its_justification(as_user, session, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    tree = get_template("xueliang").indicators()
    tree[0]["children"][0]["children"][0] = {
        "code": "1.1.1", "name": "专家综合评议", "weight": "5", "rule": {"type": "manual"},
    }  # fmt: skip
    indicator_ops.replace_indicators(session, team.leader, evaluation.id, tree)
    evaluation = put_in_state(session, evaluation, "analysis")
    leader = as_user(team.leader)
    res = post_score(leader, evaluation, "1.1.1", score="5")
    assert res.status_code == 400
    assert "人工评分须写明评分依据" in page(res)
    res = post_score(leader, evaluation, "1.1.1", score="6", reason="专家意见")
    assert "得分6.00超过该指标分值5.00" in page(res)
    res = post_score(leader, evaluation, "1.1.1", score="4.5", reason="专家意见")
    assert res.status_code == 302
    assert stored_score(session, evaluation, "1.1.1").score == Decimal("4.50")


def test_deduction_form_adds_a_row_without_saving(as_user, session, team, analysis):
    prefix = leaf_prefix("2.2.1")
    res = post_score(as_user(team.leader), analysis, "2.2.1", op="add_row")
    assert res.status_code == 200
    assert f'name="{prefix}-deductions-2-points"' in page(res)
    assert stored_score(session, analysis, "2.2.1") is None


def test_member_scores_only_the_leaf_given_to_them(as_user, session, team, analysis):
    member = as_user(team.members[0])
    html = page(member.get(f"/evaluations/{analysis.id}/scores"))
    assert html.count('class="score-form') == 1
    assert f'action="{score_url(analysis, "3.3.1")}#leaf-leaf3_3_1"' in html
    assert "分配给我打分的指标" in html

    res = post_score(member, analysis, "2.1.1", actual="2100")
    assert res.status_code == 403
    assert "只有该指标的打分人或组长可以打分" in page(res)
    assert stored_score(session, analysis, "2.1.1") is None

    other = as_user(team.members[1])
    assert 'class="score-form' not in page(other.get(f"/evaluations/{analysis.id}/scores"))


def test_scoring_is_refused_outside_the_analysis_stage(as_user, session, team):
    evaluation = in_state(session, team, "implementation")
    leader = as_user(team.leader)
    html = page(leader.get(f"/evaluations/{evaluation.id}/scores"))
    assert "当前阶段（组织实施）不能打分" in html and 'class="score-form' not in html
    res = post_score(leader, evaluation, "2.1.1", actual="2100")
    assert res.status_code == 409
    assert "打分在分析评价阶段进行" in page(res)


def test_leader_finalizes_and_scores_are_locked(as_user, session, team, analysis):
    leader = as_user(team.leader)
    url = f"/evaluations/{analysis.id}/scores"
    res = leader.post(f"{url}/finalize", {"confirm": "y"}, follow_redirects=True)
    assert "尚不能定稿" in page(res) and "尚未打分" in page(res)

    member = as_user(team.members[0])
    assert "评分定稿" not in page(member.get(url))  # only the 组长 sees the button
    res = member.post(f"{url}/finalize", {"confirm": "y"}, follow_redirects=True)
    assert "您无权进行此操作" in page(res)

    leader = as_user(team.leader)
    score_everything(session, analysis, finalize=False)
    res = leader.post(f"{url}/finalize", {"confirm": "y"}, follow_redirects=True)
    html = page(res)
    assert "评分已定稿：总分" in html and 'id="locked"' in html
    assert 'class="score-form' not in html
    res = post_score(leader, analysis, "2.1.1", actual="2100")
    assert res.status_code == 409
    assert "评分已定稿，如需修改请组长先解除定稿（写明理由）" in page(res)
    assert scorecards.finalization(session, analysis) is not None


def test_scorecard_page_shows_every_level_and_downloads_as_xlsx(as_user, session, team, analysis):
    score_everything(session, analysis)
    leader = as_user(team.leader)
    html = page(leader.get(f"/evaluations/{analysis.id}/scorecard"))
    card = scorecards.get_scorecard(session, team.leader, analysis.id)
    for level1 in card.levels:
        assert 'class="merged level1" rowspan="' in html and level1.name in html
        for level2 in level1.children:
            assert level2.name in html
            for leaf in level2.children:
                assert f'data-code="{leaf.code}"' in html
    assert html.count('class="merged level1"') == 3
    assert html.count('class="merged level2"') == 10
    assert f'<span class="sum-value" id="total">{card.total}</span>' in html
    assert f"grade grade-{card.grade}" in html
    assert "已定稿" in html and "下载 Excel 评分表" in html

    res = leader.get(f"/evaluations/{analysis.id}/scorecard.xlsx")
    assert res.status_code == 200
    assert res.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(res.data))["评分表"]
    names = {cell.value for row in sheet.iter_rows() for cell in row}
    assert {"项目过程", "产出数量", "群众满意度"} <= names


def test_a_zero_score_is_shown_as_zero_not_as_unscored(as_user, session, team, analysis):
    score_all(session, analysis, skip="2.2.1")
    deductions = [{"points": "6", "reason": "在线率不足"}, {"points": "4", "reason": "资料缺失"}]
    entry = scoring.ScoreEntry({"deductions": deductions}, reason="在线率不达标")
    scoring.score_leaf(session, team.leader, analysis.id, "2.2.1", entry)
    leader = as_user(team.leader)
    html = page(leader.get(f"/evaluations/{analysis.id}/scorecard"))
    row = html[html.index('data-code="2.2.1"') :].split("</tr>")[0]
    assert '<td class="merged num strong" rowspan="1">0.00</td>' in row  # 产出质量
    assert '<td class="num strong">0.00</td>' in row
    html = page(leader.get(f"/evaluations/{analysis.id}/scores"))
    assert "得分 <strong>0.00</strong> / 10.00 分" in html
    assert '<strong class="score-value">0.00</strong>' in html


def test_evaluation_page_links_fit_the_stage(as_user, session, team):
    leader = as_user(team.leader)
    url = f"/evaluations/{team.evaluation.id}"
    evaluation = put_in_state(session, team.evaluation, "implementation")
    html = page(leader.get(url))
    assert "设置评价指标体系" in html and "进入评分" not in html and ">评分表<" not in html
    fill_indicators(session, evaluation)
    put_in_state(session, evaluation, "analysis")
    html = page(leader.get(url))
    assert "进入评分" in html and ">评分表<" in html and "设置评价指标体系" not in html


# --- 工作任务 -----------------------------------------------------------------------------------


def create_task_through_the_form(browser, evaluation, **fields):
    data = {"kind": "collect", "title": "收集合同与验收资料", "required": "y", **fields}
    return browser.post(f"/evaluations/{evaluation.id}/tasks/new", data)


def task_version(browser, task_id: int, form: str) -> str:
    html = page(browser.get(f"/tasks/{task_id}"))
    match = re.search(rf'name="{form}-version"[^>]*value="(\d+)"', html)
    assert match, f"no {form} form on the task page"
    return match.group(1)


def test_leader_creates_tasks_for_a_member_and_for_the_pool(as_user, session, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    leader = as_user(team.leader)
    html = page(leader.get(f"/evaluations/{evaluation.id}/tasks/new"))
    for kind in ("资料收集", "现场核验", "满意度调查", "底稿编制", "报告章节", "指标打分"):
        assert kind in html
    assert "（任务池：组内成员自行领取）" in html

    member = team.members[0]
    res = create_task_through_the_form(
        leader, evaluation, assignee=str(member.id), due_date="2099-03-01", kind="field_check"
    )
    assert res.status_code == 302
    res = create_task_through_the_form(leader, evaluation, title="发放满意度问卷", kind="survey")
    assert res.status_code == 302
    rows = session.query(Task).order_by(Task.id).all()
    assert [(t.kind, t.status, t.assignee_id) for t in rows] == [
        ("field_check", "claimed", member.id),
        ("survey", "open", None),
    ]
    assert rows[0].due_date == date(2099, 3, 1) and rows[0].required

    html = page(leader.get(f"/evaluations/{evaluation.id}"))
    assert "收集合同与验收资料" in html and "发放满意度问卷" in html and "任务池" in html
    assert "＋ 分派任务" in html


def test_task_form_refuses_a_due_date_in_the_past_at_its_field(as_user, session, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    yesterday = clock.today_local() - timedelta(days=1)
    res = create_task_through_the_form(
        as_user(team.leader), evaluation, due_date=yesterday.isoformat()
    )
    assert res.status_code == 400
    html = page(res)
    field = html[html.index('name="due_date"') :]
    assert field.index("完成期限不能早于今天") < field.index("</div>")  # beside the input
    assert session.query(Task).count() == 0
    res = create_task_through_the_form(
        as_user(team.leader), evaluation, due_date=clock.today_local().isoformat()
    )
    assert res.status_code == 302


def test_task_form_keeps_the_input_when_refused(as_user, session, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    leader = as_user(team.leader)
    res = create_task_through_the_form(leader, evaluation, title="", description="现场核验点位")
    assert res.status_code == 400
    assert "请填写任务标题" in page(res) and "现场核验点位" in page(res)
    res = create_task_through_the_form(leader, evaluation, assignee=str(team.reviewer.id))
    assert res.status_code == 400
    assert "任务只能分派给本评价工作组的组长、副组长或成员" in page(res)


def test_member_cannot_create_tasks(as_user, session, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    member = as_user(team.members[0])
    res = member.get(f"/evaluations/{evaluation.id}/tasks/new")
    assert res.status_code == 403 and "只有组长可以分派任务" in page(res)
    assert create_task_through_the_form(member, evaluation).status_code == 403
    assert "＋ 分派任务" not in page(member.get(f"/evaluations/{evaluation.id}"))
    assert session.query(Task).count() == 0


@pytest.fixture
def pool_task(session, team):
    evaluation = put_in_state(session, team.evaluation, "implementation")
    return tasks.create_task(
        session, team.leader, evaluation.id, tasks.TaskSpec("collect", "收集合同与验收资料")
    )


def test_transfer_to_the_blank_option_asks_for_a_recipient(as_user, team, pool_task):
    member = as_user(team.members[0])
    url = f"/tasks/{pool_task.id}"
    member.post(f"{url}/claim", {"claim-version": task_version(member, pool_task.id, "claim")})
    version = task_version(member, pool_task.id, "transfer")
    res = member.post(
        f"{url}/transfer",
        {"transfer-to": "", "transfer-reason": "出差", "transfer-version": version},
    )
    assert res.status_code == 400 and "请选择接收人" in page(res)


def test_member_claims_transfers_and_completes_a_task_with_evidence(
    as_user, session, team, pool_task, files_dir
):
    first, second = team.members
    member = as_user(first)
    url = f"/tasks/{pool_task.id}"
    assert "领取任务" in page(member.get(url))
    res = member.post(
        f"{url}/claim", {"claim-version": task_version(member, pool_task.id, "claim")}
    )
    assert res.status_code == 302

    # 转交: a reason is required, and the input is kept
    version = task_version(member, pool_task.id, "transfer")
    res = member.post(
        f"{url}/transfer", {"transfer-to": str(second.id), "transfer-version": version}
    )
    assert res.status_code == 400 and "请写明转交理由" in page(res)
    res = member.post(
        f"{url}/transfer",
        {"transfer-to": str(second.id), "transfer-reason": "出差", "transfer-version": version},
    )
    assert res.status_code == 302
    session.expire_all()
    assert session.get(Task, pool_task.id).assignee_id == second.id

    # the first member may no longer complete it
    current = str(session.get(Task, pool_task.id).version)
    res = member.post(f"{url}/complete", {"complete-note": "完成", "complete-version": current})
    assert res.status_code == 403 and "只有任务负责人可以完成任务" in page(res)

    holder = as_user(second)
    version = task_version(holder, pool_task.id, "complete")
    assert f'action="{url}/complete#task-actions"' in page(holder.get(url))  # back at the form
    res = holder.post(  # a bad file: named beside the files input, nothing completed
        f"{url}/complete",
        {
            "complete-note": "已收集",
            "complete-files": [(io.BytesIO(b"MZ"), "setup.exe")],
            "complete-version": version,
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 400
    html = page(res)
    files_field = html[html.index('name="complete-files"') :]
    assert files_field.index("“setup.exe”：不支持的文件类型") < files_field.index("</div>")
    assert re.search(r'<input[^>]*multiple[^>]*name="complete-files"', html)  # several at once
    with open(files_dir / "work-plan.pdf", "rb") as fh:
        res = holder.post(
            f"{url}/complete",
            {
                "complete-note": "已收集合同3份、验收报告1份",
                "complete-files": (fh, "验收报告.pdf"),
                "complete-version": version,
            },
            content_type="multipart/form-data",
        )
    assert res.status_code == 302, page(res)
    html = page(holder.get(url))
    assert "已完成" in html and "已收集合同3份、验收报告1份" in html and "验收报告.pdf" in html
    for event in ("分派任务", "领取任务", "转交任务", "完成任务"):
        assert event in html
    assert "出差" in html  # the transfer reason in the history
    session.expire_all()
    task = session.get(Task, pool_task.id)
    assert task.status == "done" and [a.document.category for a in task.attachments] == ["evidence"]


def test_only_the_leader_reopens_a_done_task_with_a_reason(as_user, session, team, pool_task):
    member = team.members[0]
    tasks.claim_task(session, member, pool_task.id)
    tasks.complete_task(session, member, pool_task.id, "已完成")
    url = f"/tasks/{pool_task.id}"

    browser = as_user(member)
    assert "重新打开任务" not in page(browser.get(url))
    res = browser.post(f"{url}/reopen", {"reopen-reason": "补充", "reopen-version": "3"})
    assert res.status_code == 403 and "只有组长可以重新打开任务" in page(res)

    leader = as_user(team.leader)
    version = task_version(leader, pool_task.id, "reopen")
    res = leader.post(f"{url}/reopen", {"reopen-version": version})
    assert res.status_code == 400 and "请写明重新打开的理由" in page(res)
    res = leader.post(f"{url}/reopen", {"reopen-reason": "缺少验收报告", "reopen-version": version})
    assert res.status_code == 302
    html = page(leader.get(url))
    assert "进行中" in html and "重新打开任务" in html and "缺少验收报告" in html


def test_a_stale_task_page_is_refused(as_user, session, team, pool_task):
    browser = as_user(team.members[0])
    version = task_version(browser, pool_task.id, "claim")
    tasks.claim_task(session, team.members[1], pool_task.id)
    res = browser.post(f"/tasks/{pool_task.id}/claim", {"claim-version": version})
    assert res.status_code == 409
    assert "任务已被他人处理，请刷新" in page(res)


def test_todo_shows_my_tasks_overdue_marks_and_the_pool(as_user, session, team, pool_task):
    member = team.members[0]
    evaluation = pool_task.evaluation
    yesterday = date.today() - timedelta(days=2)
    with clock.days_ago(5):  # given five days ago, due two days ago
        tasks.create_task(
            session,
            team.leader,
            evaluation.id,
            tasks.TaskSpec(
                "field_check", "核验前端点位", assignee_id=member.id, due_date=yesterday
            ),
        )
    tasks.create_task(
        session,
        team.leader,
        evaluation.id,
        tasks.TaskSpec("working_paper", "编制底稿", assignee_id=team.members[1].id),
    )
    html = page(as_user(member).get("/"))
    mine = html.split('id="todo-tasks"')[1].split("</section>")[0]
    pool = html.split('id="todo-pool"')[1].split("</section>")[0]
    assert "核验前端点位" in mine and "编制底稿" not in mine
    assert 'class="is-overdue"' in mine and "已逾期" in mine
    assert "收集合同与验收资料" in pool and "核验前端点位" not in pool
    assert evaluation.project_name in mine


def test_enter_in_a_deduction_row_saves_rather_than_adding_a_row(as_user, team, analysis):
    """A browser submits a form on Enter with its first submit button: in the 扣分 form that is
    “保存得分”, not “添加扣分行” (which sends op=add_row and saves nothing)."""
    html = page(as_user(team.leader).get(f"/evaluations/{analysis.id}/scores"))
    form = html[html.index(f'action="{score_url(analysis, "2.2.1")}') :]
    form = form[: form.index("</form>")]
    first_button = form[form.index("<button") : form.index(">", form.index("<button"))]
    assert 'type="submit"' in first_button and "name=" not in first_button
    assert form.index("<button") < form.index("添加扣分行")
