"""The 整改 rows of roles/policy.py read directly: who holds which role for an item, and the
我的待办 SQL giving the same people as the Python predicates."""

from __future__ import annotations

import pytest
from rectification_helpers import archived_items, hand_in
from sqlalchemy import select

import roles
from workflow.accounts import operations as accounts
from workflow.kernel import files as file_store
from workflow.lifecycle.models import Evaluation
from workflow.rectifications.models import Rectification


@pytest.fixture
def items(session, team):
    return archived_items(session, team)


def waiting_ids(session, user) -> set[int]:
    statement = (
        select(Rectification.id)
        .join(Evaluation, Evaluation.id == Rectification.evaluation_id)
        .where(roles.rectifications_waiting_on(user))
    )
    return set(session.scalars(statement))


def test_roles_for_an_item(session, team, make, items):
    item = items[0]
    assert roles.rectification_roles(team.members[0], item) == {"owner"}
    assert roles.rectification_roles(team.leader, item) == {"leader"}
    assert roles.rectification_roles(team.reviewer, item) == {"finance_reviewer"}
    assert roles.rectification_roles(team.members[1], item) == set()
    assert roles.rectification_roles(make.admin, item) == set()
    assert roles.can_rectification(team.members[0], "update", item)
    assert not roles.can_rectification(team.reviewer, "review", item)  # not handed in yet


def test_a_deactivated_owner_holds_no_role_and_nothing_waits_on_them(session, team, make, items):
    owner = team.members[0]
    assert waiting_ids(session, owner) == {items[0].id}
    accounts.deactivate_user(session, make.admin, owner.id)
    session.refresh(owner)
    assert roles.rectification_roles(owner, items[0]) == set()
    assert waiting_ids(session, owner) == set()


def test_what_waits_on_each_person_is_what_they_may_do(session, app, team, make, items):
    store = file_store.DocumentStore(app.config["UPLOAD_DIR"])
    people = [team.leader, *team.members, *team.deputies, team.reviewer, make.admin]
    for stage in ("open", "done"):
        if stage == "done":
            hand_in(session, items[0], team.members[0], store)
        for person in people:
            may = {
                item.id
                for item in items
                if roles.can_rectification(person, "review", item)
                or (
                    roles.can_rectification(person, "update", item)
                    and (item.owner_id == person.id or item.owner_id is None)
                )
            }
            assert waiting_ids(session, person) == may, (stage, person.username)
