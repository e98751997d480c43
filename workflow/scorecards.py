"""分析评价 services: score a leaf (打分), mark it 不适用, finalise (定稿), and the 评分表.

Scores are computed by `workflow.scoring` from the scorer's inputs and the project's own amounts;
nobody types a score except under the `manual` rule. Every score and the 定稿 go into the audit
timeline. Leaving `analysis` needs every leaf scored and the scores finalised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import roles
from workflow import clock
from workflow.db import unit_of_work
from workflow.errors import Conflict, GuardFailed, InvalidInput, NotAllowed, NotFound
from workflow.evaluations import audit, get_visible, lock, require
from workflow.guards import register
from workflow.indicator_tree import leaf_dict, leaves, load_nodes, roots
from workflow.machine import STATES, ActionContext, on_enter
from workflow.models import Evaluation, Indicator, IndicatorScore, ScoreFinalization, User
from workflow.scoring import (
    Amounts,
    ScoreResult,
    build_scorecard,
    compute_score,
    fmt,
    parse_survey_csv,
    reason_required,
    split_rule,
    survey_options,
)

FINALIZED_MESSAGE = "评分已定稿，如需修改请先将评价退回至分析评价阶段"


@dataclass
class ScoreEntry:
    """What a scorer enters for one leaf: the rule's inputs, 扣分理由 and 偏差说明, or 不适用."""

    inputs: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    deviation_note: str = ""
    not_applicable: bool = False


@dataclass
class ScoredLeaf:
    """A leaf and its stored score, for the API and the pages."""

    indicator: Indicator
    score: IndicatorScore | None
    deviation_note_required: bool = False

    def as_dict(self) -> dict[str, Any]:
        leaf, row = self.indicator, self.score
        data: dict[str, Any] = {
            "code": leaf.code,
            "name": leaf.name,
            "weight": fmt(leaf.weight),
            "target": leaf.target,
            "unit": leaf.unit,
            "rule": leaf.rule_type,
            "scorer": leaf.scorer_id,
            "scored": row is not None,
            "deviation_note_required": self.deviation_note_required,
        }
        if row is not None:
            data.update(
                score=fmt(row.score),
                actual=None if row.actual is None else str(row.actual),
                rate=fmt(row.rate),
                reason=row.reason,
                deviation_note=row.deviation_note,
                not_applicable=row.not_applicable,
                inputs=row.inputs,
                details=row.details,
                scored_by=row.scored_by_id,
                scored_at=row.scored_at,
            )
        return data


def amounts_of(evaluation: Evaluation) -> Amounts | None:
    """The project's own amounts, so 预算执行率 and 资金到位率 are never typed twice."""
    values = (evaluation.budget, evaluation.funds_received, evaluation.funds_spent)
    if any(value is None for value in values):
        return None
    return Amounts(*values)


def finalization(session: Session, evaluation: Evaluation) -> ScoreFinalization | None:
    return session.scalar(
        select(ScoreFinalization).where(ScoreFinalization.evaluation_id == evaluation.id)
    )


def can_score(actor: User, evaluation: Evaluation, leaf: Indicator) -> bool:
    """May the actor score this leaf now (its assigned scorer or the 组长, in 分析评价)?"""
    return roles.can_score(actor, evaluation, leaf.scorer_id)


# --- scoring a leaf -----------------------------------------------------------------------------


def _leaf(session: Session, evaluation: Evaluation, code: str) -> Indicator:
    node = session.scalar(
        select(Indicator).where(Indicator.evaluation_id == evaluation.id, Indicator.code == code)
    )
    if node is None:
        raise NotFound(f"指标“{code}”不存在")
    if not node.is_leaf:
        raise InvalidInput(f"“{node.name}”不是三级指标，只能对三级指标打分", code="not_a_leaf")
    return node


def _check_may_score(
    session: Session, actor: User, evaluation: Evaluation, leaf: Indicator
) -> None:
    if evaluation.state != "analysis":
        raise GuardFailed(
            f"当前阶段（{STATES[evaluation.state]}）不能打分，打分在分析评价阶段进行",
            code="invalid_state",
            details=[],
        )
    if not can_score(actor, evaluation, leaf):
        raise NotAllowed("只有该指标的打分人或组长可以打分")
    if finalization(session, evaluation) is not None:
        raise Conflict(FINALIZED_MESSAGE, code="scores_finalized")


def _compute(evaluation: Evaluation, leaf: Indicator, entry: ScoreEntry) -> ScoreResult | None:
    """The score by the leaf's rule, with every missing reason or note reported at once."""
    if entry.not_applicable:
        if not entry.reason.strip():
            raise InvalidInput("标记为不适用须写明理由", details=["reason：标记为不适用须写明理由"])
        return None
    result = compute_score(leaf_dict(leaf), entry.inputs, amounts_of(evaluation))
    problems = []
    if reason_required(result.score, leaf.weight, leaf.rule_type) and not entry.reason.strip():
        problems.append(
            f"reason：得分{fmt(result.score)}低于分值{fmt(leaf.weight)}，须写明扣分理由"
            if result.score < leaf.weight
            else "reason：人工评分须写明评分依据"
        )
    if result.deviation_note_required and not entry.deviation_note.strip():
        problems.append(
            f"deviation_note：完成值{result.actual}偏离指标值{leaf.target}"
            "（达到130%以上或低于80%），须填写偏差说明"
        )
    if problems:
        raise InvalidInput("；".join(problems), details=problems)
    return result


@unit_of_work
def score_leaf(
    session: Session,
    actor: User,
    evaluation_id: int,
    code: str,
    entry: ScoreEntry,
    client_addr: str | None = None,
) -> ScoredLeaf:
    """打分: compute and store a leaf's score from the scorer's inputs (or mark it 不适用)."""
    lock(session, evaluation_id, shared=True)  # a 定稿 under way finishes first, or waits
    evaluation = get_visible(session, actor, evaluation_id)
    leaf = _leaf(session, evaluation, code)
    _check_may_score(session, actor, evaluation, leaf)
    result = _compute(evaluation, leaf, entry)
    row = session.scalar(select(IndicatorScore).where(IndicatorScore.indicator_id == leaf.id))
    if row is None:
        row = IndicatorScore(evaluation_id=evaluation.id, indicator_id=leaf.id)
        session.add(row)
    _store(row, actor, entry, result)
    session.flush()
    if entry.not_applicable:
        _keep_one_applicable(session, evaluation)
    audit(
        session,
        evaluation,
        actor,
        "indicator_scored",
        comment=_score_comment(leaf, row),
        client_addr=client_addr,
        details={"code": leaf.code, "score": fmt(row.score), "not_applicable": row.not_applicable},
    )
    return ScoredLeaf(leaf, row, bool(result and result.deviation_note_required))


def _keep_one_applicable(session: Session, evaluation: Evaluation) -> None:
    """不适用 rescales over the applicable weights: at least one leaf must stay applicable."""
    scores = _scores(session, evaluation)
    marked = {leaf_id for leaf_id, row in scores.items() if row.not_applicable}
    if all(leaf.id in marked for leaf in leaves(load_nodes(session, evaluation))):
        raise InvalidInput(
            "至少需要保留一项适用的指标，不能全部标为不适用", details=["not_applicable"]
        )


def _store(row: IndicatorScore, actor: User, entry: ScoreEntry, result: ScoreResult | None) -> None:
    row.not_applicable = result is None
    row.inputs = None if result is None else entry.inputs
    row.score = None if result is None else result.score
    row.actual = None if result is None or result.actual is None else result.actual
    row.rate = None if result is None else result.rate
    row.details = None if result is None else _jsonable(result.details)
    row.reason = entry.reason.strip()
    row.deviation_note = "" if result is None else entry.deviation_note.strip()
    row.scored_by_id = actor.id
    row.scored_at = clock.now()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _score_comment(leaf: Indicator, row: IndicatorScore) -> str:
    if row.not_applicable:
        return f"{leaf.code} {leaf.name}：不适用（{row.reason}）"
    return f"{leaf.code} {leaf.name}：{fmt(row.score)}/{fmt(leaf.weight)}分"


@unit_of_work
def score_survey_csv(
    session: Session,
    actor: User,
    evaluation_id: int,
    code: str,
    data: bytes,
    reason: str = "",
    deviation_note: str = "",
    client_addr: str | None = None,
) -> ScoredLeaf:
    """满意度问卷上传: count a CSV of responses and score the `survey` leaf with the counts."""
    evaluation = get_visible(session, actor, evaluation_id)
    leaf = _leaf(session, evaluation, code)
    _check_may_score(session, actor, evaluation, leaf)
    rule_type, params = split_rule(leaf_dict(leaf)["rule"])
    if rule_type != "survey":
        raise InvalidInput(f"指标“{leaf.name}”不是满意度调查规则，不能上传问卷", code="not_survey")
    counts = parse_survey_csv(data, survey_options(params))
    entry = ScoreEntry({"answers": counts}, reason=reason, deviation_note=deviation_note)
    return score_leaf(session, actor, evaluation_id, code, entry, client_addr)


def scored_leaves(session: Session, actor: User, evaluation_id: int) -> list[ScoredLeaf]:
    """Every leaf with its score (None until scored), in display order."""
    evaluation = get_visible(session, actor, evaluation_id)
    scores = _scores(session, evaluation)
    nodes = load_nodes(session, evaluation)
    return [ScoredLeaf(leaf, scores.get(leaf.id)) for leaf in leaves(nodes)]


def _scores(session: Session, evaluation: Evaluation) -> dict[int, IndicatorScore]:
    rows = session.scalars(
        select(IndicatorScore).where(IndicatorScore.evaluation_id == evaluation.id)
    )
    return {row.indicator_id: row for row in rows}


# --- 定稿 ----------------------------------------------------------------------------------------


def unscored(session: Session, evaluation: Evaluation) -> list[str]:
    """Every leaf still without a score or 不适用, in Chinese."""
    scores = _scores(session, evaluation)
    return [
        f"三级指标“{leaf.name}”（{leaf.code}）尚未打分"
        for leaf in leaves(load_nodes(session, evaluation))
        if leaf.id not in scores
    ]


@unit_of_work
def finalize_scores(
    session: Session, actor: User, evaluation_id: int, client_addr: str | None = None
) -> dict[str, Any]:
    """评分定稿: the 组长 locks the scores once every leaf is scored or 不适用."""
    lock(session, evaluation_id)  # scores being saved now land first, later ones are refused
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "finalize_scores", evaluation)
    if finalization(session, evaluation) is not None:
        raise Conflict("评分已定稿", code="scores_finalized")
    missing = unscored(session, evaluation) or (
        [] if load_nodes(session, evaluation) else ["尚未设置评价指标体系"]
    )
    if missing:
        raise GuardFailed("尚不能定稿：" + "；".join(missing), details=missing)
    session.add(
        ScoreFinalization(
            evaluation_id=evaluation.id,
            finalized_by_id=actor.id,
            finalized_at=clock.now(),
            round=evaluation.round,
        )
    )
    session.flush()
    card = scorecard_of(session, evaluation)
    audit(
        session,
        evaluation,
        actor,
        "scores_finalized",
        comment=f"总分{card['total']}分，等级{card['grade']}",
        client_addr=client_addr,
        details={"total": card["total"], "grade": card["grade"], "rescaled": card["rescaled"]},
    )
    return card


def _unlock_on_return(ctx: ActionContext, evaluation: Evaluation) -> None:
    """退回 to 分析评价 or earlier lifts the 定稿, so scores can be changed again."""
    if ctx.action != "return":
        return
    lock = finalization(ctx.session, evaluation)
    if lock is None:
        return
    ctx.session.delete(lock)
    audit(
        ctx.session,
        evaluation,
        ctx.actor,
        "scores_unlocked",
        comment="评价被退回，评分定稿已解除",
    )


for _stage in ("preparation", "implementation", "analysis"):
    on_enter(_stage, _unlock_on_return)


# --- 评分表 --------------------------------------------------------------------------------------


def scorecard_of(session: Session, evaluation: Evaluation) -> dict[str, Any]:
    """The 评分表 as JSON-ready data: levels with weights and scores, total, grade, 定稿."""
    nodes = load_nodes(session, evaluation)
    scores = _scores(session, evaluation)
    lock = finalization(session, evaluation)
    card = _empty_card() if not nodes else build_scorecard(_card_input(roots(nodes), scores))
    data = card if isinstance(card, dict) else card.as_dict()
    _enrich(data["levels"], {leaf.code: (leaf, scores.get(leaf.id)) for leaf in leaves(nodes)})
    data.update(
        evaluation_id=evaluation.id,
        project_name=evaluation.project_name,
        kind=evaluation.kind,
        finalized=lock is not None,
        finalized_at=lock.finalized_at if lock else None,
        finalized_by=lock.finalized_by_id if lock else None,
    )
    return data


def get_scorecard(session: Session, actor: User, evaluation_id: int) -> dict[str, Any]:
    """评分表 of an evaluation the actor may see."""
    return scorecard_of(session, get_visible(session, actor, evaluation_id))


def _empty_card() -> dict[str, Any]:
    return {
        "total": None,
        "grade": None,
        "rescaled": False,
        "complete": False,
        "raw_total": None,
        "applicable_weight": None,
        "levels": [],
    }


def _card_input(nodes: list[Indicator], scores: dict[int, IndicatorScore]) -> list[dict]:
    result = []
    for node in nodes:
        if not node.is_leaf:
            result.append(
                {
                    "code": node.code,
                    "name": node.name,
                    "children": _card_input(list(node.children), scores),
                }
            )
            continue
        row = scores.get(node.id)
        result.append(
            {
                "code": node.code,
                "name": node.name,
                "weight": node.weight,
                "score": row.score if row else None,
                "not_applicable": bool(row and row.not_applicable),
                "reason": row.reason if row else None,
            }
        )
    return result


def _enrich(levels: list[dict[str, Any]], by_code: dict[str, tuple]) -> None:
    """Add each leaf's 指标值, 完成值, rule, 偏差说明 and scorer to the scorecard rows."""
    for node in levels:
        if "children" in node:
            _enrich(node["children"], by_code)
            continue
        leaf, row = by_code[node["code"]]
        node.update(
            target=leaf.target,
            unit=leaf.unit,
            rule=leaf.rule_type,
            direction=leaf.direction,
            standard=leaf.standard,
            scorer=leaf.scorer_id,
            actual=None if row is None or row.actual is None else str(row.actual),
            rate=fmt(row.rate) if row else None,
            deviation_note=row.deviation_note if row else "",
            deductions=(row.details or {}).get("deductions", []) if row else [],
            scored_at=row.scored_at if row else None,
        )


# --- guards -------------------------------------------------------------------------------------


@register("analysis")
def every_leaf_scored(session: Session, evaluation: Evaluation) -> list[str]:
    """推进条件: every leaf has a score or is 不适用."""
    if not load_nodes(session, evaluation):
        return ["尚未设置评价指标体系"]
    return unscored(session, evaluation)


@register("analysis")
def scores_finalized(session: Session, evaluation: Evaluation) -> list[str]:
    """推进条件: the 组长 has finalised the scores."""
    return [] if finalization(session, evaluation) else ["评分尚未定稿"]
