"""What an action reads: the evaluation's row as it is now, in one statement.

Permissions and the 前期准备 guards read the group by id, the covering bureau and whether the
work plan is there from the row itself; an action decides on the database's current row, not
on what its session loaded earlier.
"""

from __future__ import annotations

import io

import pytest
from conftest import put_in_state, recorded_statements
from sqlalchemy import select

from workflow.accounts.models import User
from workflow.documents import operations as documents
from workflow.kernel import access
from workflow.kernel import files as file_store
from workflow.kernel.audit import AuditEvent
from workflow.kernel.db import make_sessionmaker
from workflow.kernel.errors import NotAllowed
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle import queries as evaluations
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.wiring import unmet_guards


@pytest.fixture
def other_session(app):
    """A second person's session (another request, another tab)."""
    s = make_sessionmaker(app.extensions["jixiao.engine"])()
    yield s
    s.close()


@pytest.fixture
def store(tmp_path):
    return file_store.DocumentStore(tmp_path / "files")


@pytest.fixture
def upload_plan(files_dir, store):
    """`upload_plan(session, user, evaluation_id)`: the sample 评价工作方案 PDF."""
    plan = (files_dir / "work-plan.pdf").read_bytes()
    return lambda session, user, evaluation_id: documents.add_document(
        session, user, evaluation_id, "work_plan", "评价工作方案.pdf", io.BytesIO(plan), store
    )


def hold(session, user, evaluation_id) -> Evaluation:
    """Load the evaluation and end the transaction, as a finished request leaves it: the
    session keeps the object as it saw it."""
    evaluation = access.get_visible(session, user, evaluation_id)
    evaluation.has_work_plan, evaluation.group_roles  # noqa: B018 (loaded now)
    session.commit()
    return evaluation


def test_advance_sees_a_work_plan_uploaded_meanwhile(session, other_session, team, upload_plan):
    held = hold(session, team.leader, team.evaluation.id)
    assert held.has_work_plan is False

    upload_plan(other_session, team.leader, team.evaluation.id)
    moved = lifecycle.perform(session, team.leader, team.evaluation.id, "advance")

    assert moved is held and moved.state == "implementation"


def test_a_leader_replaced_meanwhile_may_no_longer_advance(session, other_session, make, team):
    hold(session, team.leader, team.evaluation.id)  # with the old group
    successor = make.make_user(name="新组长")
    lifecycle.set_group(
        other_session,
        make.admin,
        team.evaluation.id,
        lifecycle.GroupSpec(successor.id, [], [u.id for u in team.members], []),
    )

    with pytest.raises(NotAllowed):
        lifecycle.perform(session, team.leader, team.evaluation.id, "advance")


def test_the_group_read_by_permissions_follows_set_group(session, make, team):
    evaluation = access.get_visible(session, team.leader, team.evaluation.id)
    assert evaluation.ids_in("deputy") == [u.id for u in team.deputies]
    newcomer = make.make_user()

    lifecycle.set_group(
        session,
        team.leader,
        evaluation.id,
        lifecycle.GroupSpec(
            team.leader.id, [newcomer.id, team.deputies[1].id], [team.members[0].id], []
        ),
    )

    assert evaluation.ids_in("deputy") == [newcomer.id, team.deputies[1].id]  # order kept
    assert evaluation.roles_of(team.members[1].id) == set()
    assert evaluation.approver_ids == [team.leader.id, newcomer.id, team.deputies[1].id]


def test_a_new_evaluation_has_an_empty_group(make):
    evaluation = make.make_evaluation()
    assert evaluation.ids_in("leader") == [] and evaluation.approver_ids == []
    assert unmet_guards(make.session, evaluation)[:3] == [
        "尚未指定组长",
        "工作组至少需要一名成员",
        "缺少评价工作方案",
    ]


def fresh_request(app, user_id: int):
    """A new session, as a request starts, with the user loaded."""
    request = make_sessionmaker(app.extensions["jixiao.engine"])()
    user = request.get(User, user_id)
    request.commit()
    return request, user


def test_advance_is_one_read_and_one_write(app, session, team, upload_plan, is_postgres):
    """The hot path: the row (with the group, bureau and work plan) in one SELECT; the state and
    its audit event in one statement on PostgreSQL, an UPDATE and an INSERT on SQLite."""
    upload_plan(session, team.leader, team.evaluation.id)
    request, leader = fresh_request(app, team.leader.id)
    with recorded_statements(app.extensions["jixiao.engine"]) as statements:
        lifecycle.perform(request, leader, team.evaluation.id, "advance")
    request.close()

    assert statements == (["SELECT", "WITH"] if is_postgres else ["SELECT", "UPDATE", "INSERT"])
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (last.action, last.from_state, last.to_state, last.actor_id) == (
        "advance",
        "preparation",
        "implementation",
        team.leader.id,
    )
    session.expire_all()
    assert last.at == session.get(Evaluation, team.evaluation.id).updated_at  # one moment


def test_my_todo_list_costs_the_same_for_one_evaluation_or_many(app, make, team):
    """我的待办 reads a page of the evaluations waiting (with their units and the total) and the
    actions waiting on them: two statements, however many there are (`roles.waiting_actions`)."""
    for n in range(4):
        evaluation = make.make_evaluation(creator=team.leader, project_name=f"项目{n}")
        spec = lifecycle.GroupSpec(team.leader.id, [], [team.members[0].id], [])
        lifecycle.set_group(make.session, team.leader, evaluation.id, spec)
    archived = make.make_evaluation(creator=team.leader, project_name="已归档项目")
    put_in_state(make.session, archived, "archived")
    request, leader = fresh_request(app, team.leader.id)

    with recorded_statements(app.extensions["jixiao.engine"]) as statements:
        todo = evaluations.todo(request, leader)
    request.close()

    assert statements == ["SELECT", "SELECT"]  # the page with the total, the page's actions
    assert todo.total == 5 and all(actions == ["advance"] for _e, actions in todo.items)
    assert "已归档项目" not in {e.project_name for e, _actions in todo.items}
