"""分析评价 through the API: scoring by rule, reasons and 偏差说明, 不适用, 定稿, the 评分表."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from conftest import ARTIFACTS, Team, put_in_state
from office_helpers import soffice_pdf
from pypdf import PdfReader

from workflow.indicators import operations as indicator_tree
from workflow.indicators.builtin import get_template
from workflow.kernel import clock
from workflow.lifecycle import operations as evaluations


def base(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.id}"


def score(api, user, evaluation, code: str, **body):
    return api.as_(user).put(f"{base(evaluation)}/indicators/{code}/score", json=body)


def card(api, user, evaluation) -> dict:
    res = api.as_(user).get(f"{base(evaluation)}/scorecard")
    assert res.status_code == 200, res.json
    return res.json


def level(card_or_node: dict, code: str) -> dict:
    nodes = card_or_node.get("levels") or card_or_node.get("children")
    return next(node for node in nodes if node["code"] == code)


def leaf(code, name, weight, rule, **extra) -> dict:
    return {"code": code, "name": name, "weight": weight, "rule": rule, **extra}


def branch(code, name, *children) -> dict:
    return {"code": code, "name": name, "children": list(children)}


# Shaped like 和平县公安局智慧新警务第一期项目's 单位自评: 过程 20, 产出 40, 效益 40.
# fmt: off
HEPING_TREE = [
    branch("1", "过程",
           branch("1.1", "资金管理",
                  leaf("1.1.1", "资金到位率", "5", {"type": "rate", "measure": "funds_received"},
                       target="100", unit="%"),
                  leaf("1.1.2", "预算执行率", "5", {"type": "rate", "measure": "budget_execution"},
                       target="100", unit="%")),
           branch("1.2", "组织实施",
                  leaf("1.2.1", "管理制度健全性", "10", {"type": "manual"}))),
    branch("2", "产出",
           branch("2.1", "数量",
                  leaf("2.1.1", "社会治安视频监控点建设数", "20", {"type": "completion"},
                       target="479", unit="个")),
           branch("2.2", "质量",
                  leaf("2.2.1", "验收合格率", "10", {"type": "deduction"}, target="100%")),
           branch("2.3", "时效",
                  leaf("2.3.1", "完成及时性", "10", {"type": "tiered"}, target="按期完成"))),
    branch("3", "效益",
           branch("3.1", "社会效益",
                  leaf("3.1.1", "治安防控能力提升", "20", {"type": "tiered"}, target="明显提升")),
           branch("3.2", "满意度",
                  leaf("3.2.1", "群众满意度", "20", {"type": "survey", "target_rate": "90"},
                       target="90", unit="%"))),
]
# fmt: on


@pytest.fixture
def self_evaluation(make, session):
    """A 单位自评 of a 500 万元 project, fully received and spent, in 分析评价 with HEPING_TREE."""
    team = Team(make)
    evaluations.update_project(
        session,
        team.leader,
        team.evaluation.id,
        evaluations.ProjectFields(
            project_name="智慧新警务第一期项目",
            year=2023,
            kind="unit_self",
            budget=Decimal("500"),
            funds_received=Decimal("500"),
            funds_spent=Decimal("500"),
        ),
    )
    put_in_state(session, team.evaluation, "implementation")
    indicator_tree.replace_indicators(session, team.leader, team.evaluation.id, HEPING_TREE)
    team.evaluation = put_in_state(session, team.evaluation, "analysis")
    return team


def test_heping_self_evaluation_scores_83_and_grades_good(api, self_evaluation):
    team, ev = self_evaluation, self_evaluation.evaluation
    leader = team.leader
    assert score(api, leader, ev, "1.1.1").json["score"] == "5.00"  # 500 / 500 万元
    assert score(api, leader, ev, "1.1.2").json["score"] == "5.00"
    res = score(api, leader, ev, "1.2.1", score="5", reason="未单独建立项目管理制度")
    assert res.json["score"] == "5.00"
    assert score(api, leader, ev, "2.1.1", actual="479").json["score"] == "20.00"
    res = score(
        api,
        leader,
        ev,
        "2.2.1",
        deductions=[{"points": "2", "reason": "部分点位验收资料不全"}],
        reason="验收资料不全扣2分",
    )
    assert res.json["score"] == "8.00"
    res = score(api, leader, ev, "2.3.1", band="partial", value="8", reason="工期延期")
    assert res.json["score"] == "8.00"
    res = score(api, leader, ev, "3.1.1", band="met", value="16", reason="监管有待加强")
    assert res.json["score"] == "16.00"
    # 30 questionnaires: 12 非常满意, 9 满意, 4 基本满意, 5 不满意 → 72 %, 72 / 90 × 20 = 16
    csv = "答案\n" + "非常满意\n" * 12 + "满意\n" * 9 + "基本满意\n" * 4 + "不满意\n" * 5
    res = api.as_(leader).post(
        f"{base(ev)}/indicators/3.2.1/survey-csv",
        data={"file": (io.BytesIO(csv.encode("gbk")), "问卷.csv"), "reason": "满意度未达目标"},
        content_type="multipart/form-data",
    )
    assert res.status_code == 200, res.json
    assert (res.json["score"], res.json["actual"]) == ("16.00", "72.00")
    answers = {"非常满意": 12, "满意": 9, "基本满意": 4, "不满意": 5}
    assert res.json["inputs"] == {"answers": answers}
    assert (res.json["total"], res.json["grade"]) == ("83.00", "良")

    result = card(api, team.members[0], ev)
    assert [(n["name"], n["weight"], n["score"]) for n in result["levels"]] == [
        ("过程", "20.00", "15.00"),
        ("产出", "40.00", "36.00"),
        ("效益", "40.00", "32.00"),
    ]
    assert (result["total"], result["grade"], result["complete"]) == ("83.00", "良", True)
    assert level(level(level(result, "2"), "2.2"), "2.2.1")["reason"] == "验收资料不全扣2分"


@pytest.fixture
def fixed_clock():
    clock.set_now(lambda: datetime(2024, 3, 5, 8, 30, tzinfo=UTC))
    yield "2024-03-05T08:30:00+00:00"  # stored naive UTC, sent with its offset
    clock.set_now(None)


def heping_leaf(code, name, weight, rule, target, unit, **scored) -> dict:
    """A leaf of the SEED_004 card as the API returns it; 完成值 is shown with its unit
    ("100%", "431个"), 指标性质 as ≥ (or 定性 for a tiered leaf)."""
    leaf = {
        "code": code,
        "name": name,
        "weight": weight,
        "target": target,
        "unit": unit,
        "rule": rule,
        "direction": "positive",
        "standard": "",
        "scorer": None,
        "score": None,
        "actual": None,
        "rate": None,
        "reason": None,
        "not_applicable": False,
        "deviation_note": "",
        "deductions": [],
        "scored_at": None,
        "actual_text": "",
        "nature": "定性" if rule == "tiered" else "≥",
        **scored,
    }
    actual = leaf["actual"]
    shown_unit = "%" if rule in ("rate", "survey") else unit
    leaf.setdefault(
        "completion_value", "" if actual is None else f"{Decimal(actual).normalize():f}{shown_unit}"
    )
    return leaf


def test_scorecard_json_is_pinned_with_a_not_applicable_leaf_and_rescaling(
    api, self_evaluation, fixed_clock
):
    """The whole 评分表 as the API returns it: decimal strings with two places (完成值 as
    stored), leaf fields only on leaves, nulls while unscored, the total rescaled to 100."""
    team, ev = self_evaluation, self_evaluation.evaluation
    leader, at = team.leader, fixed_clock
    scores = {
        "1.1.1": {},
        "1.1.2": {},
        "1.2.1": {"score": "7.5", "reason": "制度不健全"},
        "2.1.1": {"actual": "431", "reason": "部分点位未建成"},
        "2.2.1": {
            "deductions": [
                {"points": "2", "reason": "验收资料不全"},
                {"points": "0.5", "reason": "整改滞后"},
            ],
            "reason": "见扣分明细",
        },
        "2.3.1": {"not_applicable": True, "reason": "本项目无时效要求"},
        "3.1.1": {"band": "met", "value": "16", "reason": "监管有待加强"},
    }
    for code, body in scores.items():
        assert score(api, leader, ev, code, **body).status_code == 200, code
    survey = level(level(level(card(api, leader, ev), "3"), "3.2"), "3.2.1")
    assert survey == heping_leaf(
        "3.2.1", "群众满意度", "20.00", "survey", "90", "%"
    )  # unscored: every leaf field there, and null
    res = score(api, leader, ev, "3.2.1", respondents=30, satisfied=27)
    assert (res.json["total"], res.json["grade"]) == ("87.78", "良")
    assert api.as_(leader).post(f"{base(ev)}/scores/finalize").status_code == 200

    def done(code, name, weight, rule, target, unit, **fields):
        return heping_leaf(code, name, weight, rule, target, unit, scored_at=at, **fields)

    # fmt: off
    assert card(api, team.members[0], ev) == {
        "evaluation_id": ev.id,
        "project_name": "智慧新警务第一期项目",
        "kind": "unit_self",
        "total": "87.78",  # 79 × 100 / 90
        "grade": "良",
        "rescaled": True,
        "complete": True,
        "raw_total": "79.00",
        "applicable_weight": "90.00",
        "finalized": True,
        "finalized_at": at,
        "finalized_by": leader.id,
        "levels": [
            {
                "code": "1",
                "name": "过程",
                "weight": "20.00",
                "score": "17.50",
                "children": [
                    {
                        "code": "1.1",
                        "name": "资金管理",
                        "weight": "10.00",
                        "score": "10.00",
                        "children": [
                            done(
                                "1.1.1", "资金到位率", "5.00", "rate", "100", "%",
                                score="5.00", actual="100.00", rate="100.00", reason="",
                            ),
                            done(
                                "1.1.2", "预算执行率", "5.00", "rate", "100", "%",
                                score="5.00", actual="100.00", rate="100.00", reason="",
                            ),
                        ],
                    },
                    {
                        "code": "1.2",
                        "name": "组织实施",
                        "weight": "10.00",
                        "score": "7.50",
                        "children": [
                            done(
                                "1.2.1", "管理制度健全性", "10.00", "manual", "", "",
                                score="7.50", rate="75.00", reason="制度不健全",
                            )
                        ],
                    },
                ],
            },
            {
                "code": "2",
                "name": "产出",
                "weight": "40.00",
                "score": "25.50",
                "children": [
                    {
                        "code": "2.1",
                        "name": "数量",
                        "weight": "20.00",
                        "score": "18.00",
                        "children": [
                            done(
                                "2.1.1", "社会治安视频监控点建设数", "20.00", "completion",
                                "479", "个", score="18.00", actual="431.00", rate="89.98",
                                reason="部分点位未建成",
                            )
                        ],
                    },
                    {
                        "code": "2.2",
                        "name": "质量",
                        "weight": "10.00",
                        "score": "7.50",
                        "children": [
                            done(
                                "2.2.1", "验收合格率", "10.00", "deduction", "100%", "",
                                score="7.50", rate="75.00", reason="见扣分明细",
                                deductions=[
                                    {"points": "2", "reason": "验收资料不全"},
                                    {"points": "0.5", "reason": "整改滞后"},
                                ],
                            )
                        ],
                    },
                    {
                        "code": "2.3",
                        "name": "时效",
                        "weight": "10.00",
                        "score": None,
                        "children": [
                            done(
                                "2.3.1", "完成及时性", "10.00", "tiered", "按期完成", "",
                                not_applicable=True, reason="本项目无时效要求",
                            )
                        ],
                    },
                ],
            },
            {
                "code": "3",
                "name": "效益",
                "weight": "40.00",
                "score": "36.00",
                "children": [
                    {
                        "code": "3.1",
                        "name": "社会效益",
                        "weight": "20.00",
                        "score": "16.00",
                        "children": [
                            done(
                                "3.1.1", "治安防控能力提升", "20.00", "tiered", "明显提升", "",
                                score="16.00", rate="80.00", reason="监管有待加强",
                            )
                        ],
                    },
                    {
                        "code": "3.2",
                        "name": "满意度",
                        "weight": "20.00",
                        "score": "20.00",
                        "children": [
                            done(
                                "3.2.1", "群众满意度", "20.00", "survey", "90", "%",
                                score="20.00", actual="90.00", rate="90.00", reason="",
                            )
                        ],
                    },
                ],
            },
        ],
    }
    # fmt: on


def test_scorecard_json_without_an_indicator_system(api, make, session):
    team = Team(make)
    ev = put_in_state(session, team.evaluation, "analysis")
    assert card(api, team.leader, ev) == {
        "evaluation_id": ev.id,
        "project_name": "雪亮工程视频监控项目",
        "kind": "department",
        "total": None,
        "grade": None,
        "rescaled": False,
        "complete": False,
        "raw_total": None,
        "applicable_weight": None,
        "finalized": False,
        "finalized_at": None,
        "finalized_by": None,
        "levels": [],
    }


@pytest.fixture
def department(make, session, ready_to_advance):
    """A 部门评价 (3,000 万元, 2,712.6 spent) with the 雪亮工程 template, in 分析评价."""
    team = Team(make)
    put_in_state(session, team.evaluation, "implementation")
    ready_to_advance(team.evaluation)  # the 雪亮工程 template: 过程 20 / 产出 40 / 效果 40
    team.evaluation = put_in_state(session, team.evaluation, "analysis")
    return team


LONGNAN_INPUTS = {  # code → inputs for a realistic department evaluation
    "1.1.1": {},
    "1.2.1": {"band": "met", "value": "3"},
    "1.2.2": {"deductions": []},
    "1.3.1": {"band": "met", "value": "4"},
    "1.3.2": {"band": "met", "value": "4"},
    "2.1.1": {"actual": "2100"},
    "2.1.2": {"actual": "9988"},
    "2.2.1": {"deductions": [{"points": "2", "reason": "摄像机在线率88%，低于合同约定的90%"}]},
    "2.3.1": {"band": "met", "value": "8"},
    "2.4.1": {"actual": "290"},  # 反向: 290 万元 spent of 300 → full marks
    "3.1.1": {"band": "met", "value": "8"},
    "3.1.2": {"band": "met", "value": "7"},
    "3.2.1": {"band": "met", "value": "10"},
    "3.3.1": {"answers": {"非常满意": 18, "满意": 12}},  # 92 % ≥ 90 % → full marks
}


def score_department(api, team, skip=()):
    for code, inputs in LONGNAN_INPUTS.items():
        if code in skip:
            continue
        res = score(api, team.leader, team.evaluation, code, reason="扣分理由", **inputs)
        assert res.status_code == 200, (code, res.json)


def test_department_evaluation_with_the_longnan_weights(api, department):
    team = department
    res = score(api, team.leader, team.evaluation, "1.1.1", reason="预算执行率90.42%")
    assert (res.json["score"], res.json["actual"]) == ("4.52", "90.42")  # from the amounts
    score_department(api, team)
    result = card(api, team.leader, team.evaluation)
    assert [(n["name"], n["weight"], n["score"]) for n in result["levels"]] == [
        ("项目过程", "20.00", "19.52"),
        ("项目产出", "40.00", "38.00"),
        ("项目效果", "40.00", "40.00"),
    ]
    assert (result["total"], result["grade"], result["rescaled"]) == ("97.52", "优", False)
    online = level(level(level(result, "2"), "2.2"), "2.2.1")
    assert online["deductions"][0]["reason"].startswith("摄像机在线率88%")


def test_not_applicable_leaf_rescales_the_total(api, department):
    team = department
    score_department(api, team, skip={"2.4.1"})
    res = score(api, team.leader, team.evaluation, "2.4.1", not_applicable=True)
    assert res.status_code == 400  # a reason is required
    res = score(
        api,
        team.leader,
        team.evaluation,
        "2.4.1",
        not_applicable=True,
        reason="项目为运维类，无建设成本指标",
    )
    assert res.status_code == 200 and res.json["score"] is None
    result = card(api, team.leader, team.evaluation)
    # 90.52 of 93 applicable points → 90.52 × 100 / 93 = 97.33
    assert (result["raw_total"], result["applicable_weight"]) == ("90.52", "93.00")
    assert (result["total"], result["rescaled"], result["complete"]) == ("97.33", True, True)
    cost = level(level(level(result, "2"), "2.4"), "2.4.1")
    assert cost["not_applicable"] is True and cost["reason"] == "项目为运维类，无建设成本指标"


def test_points_taken_off_need_a_reason(api, department):
    team = department
    res = score(
        api,
        team.leader,
        team.evaluation,
        "2.2.1",
        deductions=[{"points": "1", "reason": "在线率不足"}],
    )
    assert res.status_code == 400
    assert res.json["details"] == ["reason：得分9.00低于分值10.00，须写明扣分理由"]
    res = score(api, team.leader, team.evaluation, "2.2.1", deductions=[])
    assert res.status_code == 200 and res.json["score"] == "10.00"  # full marks: no reason


def test_large_deviation_needs_a_deviation_note(api, department):
    team = department
    res = score(api, team.leader, team.evaluation, "2.1.1", actual="2800")  # 133 % of 2100
    assert res.status_code == 400
    assert "偏差说明" in res.json["details"][0]
    res = score(
        api, team.leader, team.evaluation, "2.1.1", actual="1500", reason="部分行政村未建成"
    )  # 71 % of the target
    assert res.status_code == 400 and "deviation_note" in res.json["details"][0]
    res = score(
        api,
        team.leader,
        team.evaluation,
        "2.1.1",
        actual="2800",
        deviation_note="追加建设700路，经批准",
    )
    assert res.status_code == 200
    assert (res.json["score"], res.json["deviation_note_required"]) == ("10.00", True)
    got = level(level(level(card(api, team.leader, team.evaluation), "2"), "2.1"), "2.1.1")
    assert got["deviation_note"] == "追加建设700路，经批准"


def test_score_above_the_weight_is_refused(api, self_evaluation):
    team = self_evaluation
    res = score(api, team.leader, team.evaluation, "1.2.1", score="10.5", reason="超出")
    assert res.status_code == 400 and "超过" in res.json["message"]
    res = score(api, team.leader, team.evaluation, "2.3.1", band="met", value="11", reason="x")
    assert res.status_code == 400 and "8.00至10.00" in res.json["message"]


def test_manual_score_always_needs_its_justification(api, self_evaluation):
    team = self_evaluation
    res = score(api, team.leader, team.evaluation, "1.2.1", score="10")
    assert res.status_code == 400 and res.json["details"] == ["reason：人工评分须写明评分依据"]


def test_unknown_input_field_is_refused(api, department):
    res = score(api, department.leader, department.evaluation, "2.1.1", actuall="1")
    assert res.status_code == 400


def test_only_the_assigned_scorer_or_the_leader_scores(api, make, session):
    team = Team(make)
    scorer, other = team.members
    put_in_state(session, team.evaluation, "implementation")
    tree = get_template("xueliang").indicators()
    tree[1]["children"][0]["children"][0]["scorer"] = scorer.id  # 2.1.1
    indicator_tree.replace_indicators(session, team.leader, team.evaluation.id, tree)
    ev = put_in_state(session, team.evaluation, "analysis")
    assert score(api, other, ev, "2.1.1", actual="2100").status_code == 403
    assert score(api, scorer, ev, "2.2.1", deductions=[]).status_code == 403  # not theirs
    assert score(api, team.deputies[0], ev, "2.1.1", actual="2100").status_code == 403
    res = score(api, scorer, ev, "2.1.1", actual="2100")
    assert res.status_code == 200 and res.json["scored_by"] == scorer.id
    assert score(api, team.leader, ev, "2.2.1", deductions=[]).status_code == 200
    stranger = make.make_user(unit=make.make_unit())
    assert score(api, stranger, ev, "2.1.1", actual="2100").status_code == 404


def test_scoring_waits_for_the_analysis_stage(api, team, session, ready_to_advance):
    ev = put_in_state(session, team.evaluation, "implementation")
    ready_to_advance(ev)
    res = score(api, team.leader, ev, "2.1.1", actual="2100")
    assert res.status_code == 409 and res.json["code"] == "invalid_state"


def test_unknown_leaf_or_branch_cannot_be_scored(api, department):
    assert score(api, department.leader, department.evaluation, "9.9.9").status_code == 404
    res = score(api, department.leader, department.evaluation, "2.1", actual="1")
    assert res.status_code == 400 and res.json["code"] == "not_a_leaf"


def test_finalize_needs_every_leaf_and_then_locks_the_scores(api, department):
    team, ev = department, department.evaluation
    score_department(api, team, skip={"3.1.1", "3.1.2"})
    finalize = f"{base(ev)}/scores/finalize"
    res = api.as_(team.leader).post(finalize)
    assert res.status_code == 409
    assert res.json["details"] == [
        "三级指标“视频资源共享应用”（3.1.1）尚未打分",
        "三级指标“社会治安防控水平提升”（3.1.2）尚未打分",
    ]
    score_department(api, team)
    assert api.as_(team.deputies[0]).post(finalize).status_code == 403
    res = api.as_(team.leader).post(finalize)
    assert res.status_code == 200
    assert (res.json["finalized"], res.json["total"]) == (True, "97.52")
    res = score(api, team.leader, ev, "2.1.1", actual="2000", reason="改分")
    assert res.status_code == 409 and res.json["code"] == "scores_finalized"
    assert api.as_(team.leader).post(finalize).status_code == 409
    actions = [e["action"] for e in api.as_(team.leader).get(f"{base(ev)}/audit").json]
    assert actions.count("indicator_scored") == len(LONGNAN_INPUTS) + 12
    assert actions[-1] == "scores_finalized"


def test_leaving_analysis_needs_every_leaf_scored_and_finalised(api, department):
    team, ev = department, department.evaluation
    advance = f"{base(ev)}/actions/advance"
    score_department(api, team, skip={"3.3.1"})
    res = api.as_(team.leader).post(advance, json={})
    assert res.status_code == 409
    assert res.json["details"] == ["三级指标“群众满意度”（3.3.1）尚未打分", "评分尚未定稿"]
    score_department(api, team)
    assert api.as_(team.leader).post(advance, json={}).json["details"] == ["评分尚未定稿"]
    api.as_(team.leader).post(f"{base(ev)}/scores/finalize")
    res = api.as_(team.leader).post(advance, json={})
    assert res.status_code == 200 and res.json["state"] == "reporting"


def test_returning_to_analysis_lifts_the_lock(api, department, session):
    team, ev = department, department.evaluation
    score_department(api, team)
    api.as_(team.leader).post(f"{base(ev)}/scores/finalize")
    ev = put_in_state(session, ev, "group_review", submitted_by=team.leader)
    res = api.as_(team.deputies[0]).post(
        f"{base(ev)}/actions/return", json={"to": "analysis", "comment": "在线率扣分依据不足"}
    )
    assert res.status_code == 200, res.json
    assert card(api, team.leader, ev)["finalized"] is False
    res = score(api, team.leader, ev, "2.2.1", deductions=[])
    assert res.status_code == 200 and res.json["total"] == "99.52"
    actions = [e["action"] for e in api.as_(team.leader).get(f"{base(ev)}/audit").json]
    assert actions[-3:] == ["scores_unlocked", "return", "indicator_scored"]


def test_editing_the_tree_keeps_scores_of_unchanged_leaves(api, department, session):
    team, ev = department, department.evaluation
    score_department(api, team)
    ev = put_in_state(session, ev, "implementation")
    tree = api.as_(team.leader).get(f"{base(ev)}/indicators").json["indicators"]
    tree[2]["children"][2]["children"][0]["rule"]["target_rate"] = "95"  # 3.3.1 changes
    res = api.as_(team.leader).put(f"{base(ev)}/indicators", json={"indicators": tree})
    assert res.status_code == 200, res.json
    ev = put_in_state(session, ev, "analysis")
    scores = {s["code"]: s["scored"] for s in api.as_(team.leader).get(f"{base(ev)}/scores").json}
    assert scores.pop("3.3.1") is False
    assert all(scores.values())


def test_scorecard_excel_has_every_level(api, department):
    team, ev = department, department.evaluation
    score_department(api, team)
    res = api.as_(team.members[0]).get(f"{base(ev)}/scorecard.xlsx")
    assert res.status_code == 200
    assert res.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(res.data)).active
    assert sheet.title == "评分表"
    headers = [cell.value for cell in sheet[2]]
    assert headers[:3] == ["一级指标", "分值", "得分"] and "三级指标" in headers
    assert headers[-1] == "扣分"
    assert "A3:A7" in {str(r) for r in sheet.merged_cells.ranges}  # 项目过程 over its 5 leaves
    assert (sheet["A3"].value, sheet["B3"].value, sheet["C3"].value) == ("项目过程", 20, 19.52)
    assert sheet["C3"].number_format == "0.00"
    names = [sheet.cell(row, 8).value for row in range(3, 18)]
    assert names[0] == "预算执行率" and names[-1] == "群众满意度"
    assert sheet.cell(3, 13).value == 4.52
    assert sheet.cell(18, 1).value == "合计" and sheet.cell(18, 13).value == 97.52
    assert "优" in sheet.cell(19, 1).value


def test_scorecard_excel_lists_each_deduction_under_its_leaf(api, department):
    team, ev = department, department.evaluation
    score_department(api, team)
    sheet = openpyxl.load_workbook(
        io.BytesIO(api.as_(team.leader).get(f"{base(ev)}/scorecard.xlsx").data)
    ).active
    leaf = next(row for row in range(3, 20) if sheet.cell(row, 7).value == "2.2.1")
    deducted = sheet.cell(leaf + 1, 8)
    assert deducted.value == "扣分项1" and sheet.cell(leaf + 1, 7).value is None
    assert sheet.cell(leaf + 1, 14).value.startswith("摄像机在线率88%")
    assert sheet.cell(leaf + 1, 16).value == 2 and sheet.cell(leaf + 1, 16).number_format == "0.00"
    assert sheet.cell(leaf + 1, 13).value is None  # the 得分 column still adds up
    # the 二级 and 一级 cells reach over the deduction row
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert any(r.startswith("A8:") and int(r.split(":")[1][1:]) >= leaf + 1 for r in merged)


def test_scorecard_excel_prints_on_a4_one_page_wide_with_its_header(api, department):
    team, ev = department, department.evaluation
    score_department(api, team)
    res = api.as_(team.leader).get(f"{base(ev)}/scorecard.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(res.data)).active
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")  # 9: A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.print_area == "'评分表'!$A$1:$P$19"
    # The project's name, sent for any browser (RFC 5987: filename*=UTF-8'')
    name = "雪亮工程视频监控项目-绩效评价评分表.xlsx"
    disposition = res.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(name)}" in disposition


def test_scorecard_of_another_unit_is_invisible(api, make, department):
    stranger = make.make_user(unit=make.make_unit())
    ev = department.evaluation
    assert api.as_(stranger).get(f"{base(ev)}/scorecard").status_code == 404
    assert api.as_(stranger).get(f"{base(ev)}/scorecard.xlsx").status_code == 404


def test_the_last_applicable_leaf_cannot_be_marked_not_applicable(api, session, make):
    team = Team(make)
    evaluation = put_in_state(session, team.evaluation, "implementation")
    indicator_tree.replace_indicators(
        session,
        team.leader,
        evaluation.id,
        [
            {
                "code": "1",
                "name": "产出",
                "children": [
                    {
                        "code": "1.1",
                        "name": "数量",
                        "children": [
                            {
                                "code": "1.1.1",
                                "name": "完成率",
                                "weight": "100",
                                "target": "10",
                                "unit": "个",
                                "standard": "",
                                "rule": {"type": "completion"},
                                "scorer": None,
                            }
                        ],
                    }
                ],
            }
        ],
    )
    evaluation = put_in_state(session, evaluation, "analysis")
    res = api.as_(team.leader).put(
        f"/api/v1/evaluations/{evaluation.id}/indicators/1.1.1/score",
        json={"not_applicable": True, "reason": "本年度未开展"},
    )
    assert res.status_code == 400
    assert res.json["message"] == "至少需要保留一项适用的指标，不能全部标为不适用"


def test_scorecard_excel_prints_in_libreoffice_landscape_with_the_header_on_every_page(
    api, department, tmp_path
):
    team, ev = department, department.evaluation
    score_department(api, team)
    data = api.as_(team.leader).get(f"{base(ev)}/scorecard.xlsx").data
    pdf = soffice_pdf(data, ".xlsx", tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "scorecard-xlsx.pdf").write_bytes(pdf)
    pages = PdfReader(io.BytesIO(pdf)).pages
    for page in pages:  # A4 landscape: 842 × 595 pt
        assert (round(page.mediabox.width), round(page.mediabox.height)) == (842, 595)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    text = text.stdout.decode()
    assert text.count("扣分理由/说明") == len(pages)  # the header row repeats on every page
    assert "偏差说明" in text and "扣分项1" in text
    assert re.search(r"第\s*1\s*页\s*/\s*共", text)
