"""领导小组审核: an approval that leaves the review open says how far it is and who is left
("您已同意（1/2），待周建华审核")."""

from __future__ import annotations

from conftest import Team, put_in_state
from page_helpers import Browser, page


def test_the_first_of_three_approvals_names_who_is_left(client, auth, team, session):
    ev = put_in_state(session, team.evaluation, "group_review", submitted_by=team.leader)
    res = Browser(client, auth, team.deputies[0]).act(ev.id, "approve", comment="同意")
    names = "、".join(u.display_name for u in (team.leader, team.deputies[1]))
    assert f"您已同意（1/3），待{names}审核" in page(res)


def test_the_last_approval_says_where_the_evaluation_went(client, auth, make, session):
    team = Team(make, policy="any")
    ev = put_in_state(session, team.evaluation, "group_review", submitted_by=team.leader)
    res = Browser(client, auth, team.deputies[0]).act(ev.id, "approve")
    assert "已审核通过，当前阶段：财政局审核" in page(res)


def test_a_quorum_says_how_many_more_are_needed(client, auth, make, session):
    team = Team(make, policy="quorum:2")
    ev = put_in_state(session, team.evaluation, "group_review", submitted_by=team.leader)
    res = Browser(client, auth, team.deputies[0]).act(ev.id, "approve")
    names = "、".join(u.display_name for u in (team.leader, team.deputies[1]))
    assert f"您已同意（1/2），尚需 1 人同意（{names}）" in page(res)
