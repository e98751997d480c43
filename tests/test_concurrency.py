"""Two people acting on one evaluation at once: exactly one wins, nothing is half written."""

from __future__ import annotations

import itertools
import threading

import pytest
from conftest import Team, put_in_state
from sqlalchemy import select

from workflow import evaluations
from workflow.db import make_engine, make_sessionmaker
from workflow.errors import Conflict, GuardFailed, NotAllowed
from workflow.models import Approval, AuditEvent, Evaluation

THREADS = 16


def race(app, evaluation_id: int, jobs) -> list[object]:
    """Run each (user, action, kwargs) in its own thread and session, released together."""
    # A pool with a connection per thread: the race is about the rows, not the pool.
    engine = make_engine(app.config["DATABASE_URL"], pool_size=len(jobs) + 1)
    maker = make_sessionmaker(engine)
    barrier = threading.Barrier(len(jobs), timeout=60)
    results: list[object] = [None] * len(jobs)

    def run(i: int, user_id: int, action: str, kwargs: dict) -> None:
        with maker() as session:
            from workflow.models import User

            user = session.get(User, user_id)
            barrier.wait()
            try:
                evaluations.perform(session, user, evaluation_id, action, **kwargs)
                results[i] = "ok"
            except (Conflict, GuardFailed, NotAllowed) as exc:
                results[i] = exc

    threads = [
        threading.Thread(target=run, args=(i, u.id, a, kw)) for i, (u, a, kw) in enumerate(jobs)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    return results


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
    assert all(isinstance(r, (Conflict, GuardFailed)) for r in results if r != "ok")
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
