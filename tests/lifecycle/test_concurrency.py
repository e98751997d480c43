"""Two people acting on one evaluation at once: exactly one wins, nothing is half written."""

from __future__ import annotations

import itertools
import threading
import time
from decimal import Decimal

import pytest
from conftest import Team, put_in_state, score_everything
from sqlalchemy import select

from workflow.accounts.models import User
from workflow.kernel.audit import AuditEvent
from workflow.kernel.db import make_engine, make_sessionmaker
from workflow.kernel.errors import Conflict, GuardFailed, NotAllowed
from workflow.lifecycle import operations as evaluations
from workflow.lifecycle.models import Approval, Evaluation
from workflow.lifecycle.states import DEFAULT_APPROVAL_POLICY
from workflow.scoring import operations as scoring
from workflow.scoring import scorecard as scorecards

THREADS = 16


def run_together(app, calls) -> list[object]:
    """Run each `call(session)` in its own thread and session, released together; each result
    is "ok" or the refusal it raised."""
    # A pool with a connection per thread: the race is about the rows, not the pool.
    engine = make_engine(app.config["DATABASE_URL"], pool_size=len(calls) + 1)
    maker = make_sessionmaker(engine)
    barrier = threading.Barrier(len(calls), timeout=60)
    results: list[object] = [None] * len(calls)

    def run(i: int, call) -> None:
        with maker() as session:
            prepared = call(session)  # load what the call needs before the start
            barrier.wait()
            try:
                prepared()
                results[i] = "ok"
            except (Conflict, GuardFailed, NotAllowed) as exc:
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    return results


def race(app, evaluation_id: int, jobs) -> list[object]:
    """Each (user, action, kwargs) taken at once on one evaluation."""

    def job(user_id: int, action: str, kwargs: dict):
        def prepare(session):
            user = session.get(User, user_id)
            return lambda: evaluations.perform(session, user, evaluation_id, action, **kwargs)

        return prepare

    return run_together(app, [job(u.id, a, kw) for u, a, kw in jobs])


@pytest.fixture
def big_team(make):
    """A 组长 with 15 副组长: 16 approvers, policy any (或签)."""
    team = Team(make, policy="any")
    extra = [make.make_user() for _ in range(THREADS - 3)]
    evaluations.set_group(
        make.session,
        team.leader,
        team.evaluation.id,
        evaluations.GroupSpec(
            leader=team.leader.id,
            deputies=[u.id for u in team.deputies + extra],
            members=[u.id for u in team.members],
            approvers=[],
            approval_policy="any",
        ),
    )
    team.approvers_all = [team.leader, *team.deputies, *extra]
    return team


def check_log_matches_state(session, evaluation_id: int) -> Evaluation:
    session.expire_all()
    evaluation = session.get(Evaluation, evaluation_id)
    moves = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.evaluation_id == evaluation_id, AuditEvent.from_state != AuditEvent.to_state
        )
        .order_by(AuditEvent.id)
    ).all()
    assert moves[-1].to_state == evaluation.state
    for before, after in itertools.pairwise(moves):
        assert after.from_state == before.to_state  # an unbroken chain of transitions
    return evaluation


def test_sixteen_approve_or_return_at_once_one_transition(app, session, big_team, is_postgres):
    if not is_postgres:
        pytest.skip("runs on PostgreSQL (DATABASE_URL), where writers really run in parallel")
    evaluation = put_in_state(session, big_team.evaluation, "group_review", big_team.leader)
    jobs = [
        (u, "approve", {}) if i % 2 else (u, "return", {"comment": "退回", "to": "reporting"})
        for i, u in enumerate(big_team.approvers_all)
    ]
    results = race(app, evaluation.id, jobs)
    winners = [r for r in results if r == "ok"]
    assert len(winners) == 1, results
    # The others are refused: a conflict, or, arriving once the stage has moved on, an action
    # the new stage does not offer or does not allow them (财政局审核 is the reviewers').
    assert all(isinstance(r, (Conflict, GuardFailed, NotAllowed)) for r in results if r != "ok")
    assert any(getattr(r, "message", "") == "已被他人处理，请刷新" for r in results)
    evaluation = check_log_matches_state(session, evaluation.id)
    assert evaluation.state in ("finance_review", "reporting")
    approvals = session.scalars(select(Approval).where(Approval.evaluation_id == evaluation.id))
    assert len(list(approvals)) <= 1


def test_rounds_under_contention_keep_one_transition_each(app, session, big_team, is_postgres):
    if not is_postgres:
        pytest.skip("runs on PostgreSQL (DATABASE_URL)")
    evaluation = put_in_state(session, big_team.evaluation, "group_review", big_team.leader)
    for _round in range(3):
        jobs = [
            (u, "return", {"comment": "再议", "to": "reporting"}) for u in big_team.approvers_all
        ]
        results = race(app, evaluation.id, jobs)
        assert results.count("ok") == 1
        evaluation = put_in_state(session, evaluation, "group_review", big_team.leader)
    evaluation = session.get(Evaluation, evaluation.id)
    assert evaluation.round == 4
    returns = session.scalars(
        select(AuditEvent).where(
            AuditEvent.evaluation_id == evaluation.id, AuditEvent.action == "return"
        )
    ).all()
    assert [e.round for e in returns] == [1, 2, 3]


def test_concurrent_approvals_on_sqlite_still_one_winner(app, session, big_team):
    evaluation = put_in_state(session, big_team.evaluation, "group_review", big_team.leader)
    results = race(app, evaluation.id, [(u, "approve", {}) for u in big_team.approvers_all[:4]])
    assert results.count("ok") == 1
    check_log_matches_state(session, evaluation.id)


def edit_project(user_id: int, evaluation_id: int, name: str, version: int):
    def prepare(session):
        user = session.get(User, user_id)
        fields = evaluations.ProjectFields(name, 2023, "department", Decimal("3000.00"))
        return lambda: evaluations.update_project(session, user, evaluation_id, fields, version)

    return prepare


def test_two_project_edits_of_one_version_at_once_one_wins(app, session, team):
    version = team.evaluation.version
    names = ["甲方案", "乙方案"]
    results = run_together(
        app, [edit_project(team.leader.id, team.evaluation.id, n, version) for n in names]
    )

    assert results.count("ok") == 1, results
    (refused,) = [r for r in results if r != "ok"]
    assert isinstance(refused, Conflict) and refused.message == "已被他人处理，请刷新"
    session.expire_all()
    evaluation = session.get(Evaluation, team.evaluation.id)
    assert evaluation.project_name == names[results.index("ok")]  # the winner's, not overwritten
    assert evaluation.version == version + 1
    edits = session.scalars(
        select(AuditEvent).where(
            AuditEvent.evaluation_id == evaluation.id, AuditEvent.action == "project_updated"
        )
    ).all()
    assert len(edits) == 1


def test_two_group_edits_of_one_version_at_once_one_wins(app, session, make, team):
    version = team.evaluation.version
    specs = [
        evaluations.GroupSpec(team.leader.id, [], [team.members[0].id], [], "any"),
        evaluations.GroupSpec(team.leader.id, [team.deputies[0].id], [team.members[1].id], []),
    ]

    def edit_group(spec):
        def prepare(s):
            leader = s.get(User, team.leader.id)
            return lambda: evaluations.set_group(s, leader, team.evaluation.id, spec, version)

        return prepare

    results = run_together(app, [edit_group(spec) for spec in specs])

    assert results.count("ok") == 1, results
    (refused,) = [r for r in results if r != "ok"]
    assert isinstance(refused, Conflict) and refused.message == "已被他人处理，请刷新"
    session.expire_all()
    evaluation = session.get(Evaluation, team.evaluation.id)
    won = specs[results.index("ok")]
    assert evaluation.version == version + 1
    # a spec without a policy keeps the definition's default (会签 for the full one)
    assert evaluation.approval_policy == (
        won.approval_policy or DEFAULT_APPROVAL_POLICY[evaluation.machine_version]
    )
    assert (
        evaluation.ids_in("member") == won.members and evaluation.ids_in("deputy") == won.deputies
    )


def test_a_project_edit_on_a_version_read_before_another_is_a_conflict(app, session, team):
    """Both read the row before either writes (this session keeps what it read): the second
    edit's compare-and-set misses the version the first moved on."""
    seen = session.get(Evaluation, team.evaluation.id)
    with make_sessionmaker(app.extensions["jixiao.engine"])() as other:
        edit_project(team.leader.id, seen.id, "甲方案", seen.version)(other)()
    stale = evaluations.ProjectFields("乙方案", 2023, "department")

    with pytest.raises(Conflict):
        evaluations.update_project(session, team.leader, seen.id, stale, seen.version)
    session.expire_all()
    assert session.get(Evaluation, seen.id).project_name == "甲方案"


def test_scores_saved_while_the_leader_finalizes_are_in_the_card_or_refused(
    app, session, make, ready_to_advance
):
    """打分 and 评分定稿 at once: a score either lands before the 定稿 reads the scores (and is
    in the total it records) or is refused as finalised; none lands after."""
    team = Team(make)
    put_in_state(session, team.evaluation, "implementation")
    ready_to_advance(team.evaluation)
    evaluation = put_in_state(session, team.evaluation, "analysis")
    score_everything(session, evaluation, finalize=False)

    def rescore(code: str, value: str, after: float):  # half a point off a 分档 leaf
        def prepare(s):
            leader = s.get(User, team.leader.id)
            entry = scoring.ScoreEntry({"band": "met", "value": value}, reason="复核调整")

            def save():
                time.sleep(after)  # spread over the time the 定稿 takes
                scoring.score_leaf(s, leader, evaluation.id, code, entry)

            return save

        return prepare

    def finalize(s):
        leader = s.get(User, team.leader.id)
        return lambda: scoring.finalize_scores(s, leader, evaluation.id)

    tiered = {"1.2.1": "2.5", "1.3.1": "3.5", "1.3.2": "3.5", "2.3.1": "7.5", "3.1.1": "7.5"}
    tiered |= {"3.1.2": "6.5", "3.2.1": "9.5"}
    scorers = [rescore(c, v, i * 0.003) for i, (c, v) in enumerate(tiered.items())]
    results = run_together(app, [finalize, *scorers])

    assert results[0] == "ok"
    refused = [r for r in results[1:] if r != "ok"]
    assert all(isinstance(r, Conflict) and r.code == "scores_finalized" for r in refused), refused
    session.expire_all()
    finalized = session.scalars(
        select(AuditEvent).where(
            AuditEvent.evaluation_id == evaluation.id, AuditEvent.action == "scores_finalized"
        )
    ).one()
    card = scorecards.scorecard_of(session, session.get(Evaluation, evaluation.id))
    assert card.finalized and finalized.details["total"] == str(card.total)
