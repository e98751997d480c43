"""分析评价 services: score a leaf (打分), mark it 不适用, finalise (定稿), and the 评分表.

Scores are computed by `workflow.scoring.rules` from the scorer's inputs and the project's own
amounts; nobody types a score except under the `manual` rule. Every score and the 定稿 go into
the audit timeline. Leaving `analysis` needs every leaf scored and the scores finalised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.indicators.models import Indicator
from workflow.indicators.queries import leaf_dict, leaves, load_nodes
from workflow.kernel import clock
from workflow.kernel.access import get_visible, lock, require
from workflow.kernel.audit import audit
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import (
    Conflict,
    FieldError,
    GuardFailed,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import STATES, ActionContext
from workflow.scoring.models import IndicatorScore, ScoreFinalization
from workflow.scoring.rules import (
    Scorecard,
    ScoreResult,
    compute_score,
    fmt,
    parse_survey_csv,
    reason_required,
    split_rule,
    survey_options,
)
from workflow.scoring.scorecard import (
    ScoredLeaf,
    _scores,
    amounts_of,
    finalization,
    scorecard_of,
    unscored,
)

FINALIZED_MESSAGE = "评分已定稿，如需修改请组长先解除定稿（写明理由）"


@dataclass
class ScoreEntry:
    """What a scorer enters for one leaf: the rule's inputs, 扣分理由 and 偏差说明, or 不适用."""

    inputs: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    deviation_note: str = ""
    not_applicable: bool = False


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
    if not roles.stage_allows(evaluation, "score_indicators"):
        raise GuardFailed(
            f"当前阶段（{STATES[evaluation.state]}）不能打分，打分在分析评价阶段进行",
            code="invalid_state",
            details=[],
        )
    if not roles.can_score_leaf(actor, evaluation, leaf):
        raise NotAllowed("只有该指标的打分人或组长可以打分")
    if finalization(session, evaluation) is not None:  # the page's `finalized`
        raise Conflict(FINALIZED_MESSAGE, code="scores_finalized")


def _compute(evaluation: Evaluation, leaf: Indicator, entry: ScoreEntry) -> ScoreResult | None:
    """The score by the leaf's rule, with every missing reason or note reported at once."""
    if entry.not_applicable:
        if not entry.reason.strip():
            reason = FieldError("reason", "标记为不适用须写明理由")
            raise InvalidInput(reason.message, errors=[reason])
        return None
    result = compute_score(leaf_dict(leaf), entry.inputs, amounts_of(evaluation))
    problems: list[FieldError] = []
    if reason_required(result.score, leaf.weight, leaf.rule_type) and not entry.reason.strip():
        problems.append(
            FieldError(
                "reason",
                f"得分{fmt(result.score)}低于分值{fmt(leaf.weight)}，须写明扣分理由"
                if result.score < leaf.weight
                else "人工评分须写明评分依据",
            )
        )
    if result.deviation_note_required and not entry.deviation_note.strip():
        problems.append(
            FieldError(
                "deviation_note",
                f"完成值{result.actual}偏离指标值{leaf.target}"
                "（达到130%以上或低于80%），须填写偏差说明",
            )
        )
    if problems:
        raise InvalidInput(errors=problems)
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
        raise InvalidInput.field("not_applicable", "至少需要保留一项适用的指标，不能全部标为不适用")


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


@unit_of_work
def finalize_scores(
    session: Session, actor: User, evaluation_id: int, client_addr: str | None = None
) -> Scorecard:
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
    finalized = ScoreFinalization(
        evaluation_id=evaluation.id,
        finalized_by_id=actor.id,
        finalized_at=clock.now(),
        round=evaluation.round,
    )
    session.add(finalized)
    session.flush()
    card = scorecard_of(session, evaluation)
    finalized.total, finalized.grade = card.total, card.grade
    audit(
        session,
        evaluation,
        actor,
        "scores_finalized",
        comment=f"总分{fmt(card.total)}分，等级{card.grade}",
        client_addr=client_addr,
        details={"total": fmt(card.total), "grade": card.grade, "rescaled": card.rescaled},
    )
    return card


@unit_of_work
def reopen_scores(
    session: Session, actor: User, evaluation_id: int, reason: str, client_addr: str | None = None
) -> Scorecard:
    """解除定稿: the 组长 unlocks the scores again, with a reason, while still in 分析评价."""
    lock(session, evaluation_id)  # as 定稿 itself: no score lands half-way through
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "reopen_scores", evaluation)
    finalized = finalization(session, evaluation)
    if finalized is None:
        raise Conflict("评分尚未定稿，无需解除", code="not_finalized")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "解除定稿须写明理由")
    session.delete(finalized)
    session.flush()
    audit(
        session,
        evaluation,
        actor,
        "scores_unlocked",
        comment=f"解除评分定稿：{reason}",
        client_addr=client_addr,
        details={"reason": reason},
    )
    return scorecard_of(session, evaluation)


def unlock_on_return(ctx: ActionContext, evaluation: Evaluation) -> None:
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
