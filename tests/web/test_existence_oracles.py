"""Never a hint that something exists: another unit's task, user or unit answers exactly as a
missing one would, in the API and on the pages."""

from __future__ import annotations

import pytest
from conftest import Team, put_in_state
from page_helpers import Browser

from workflow.tasks import operations as tasks

MISSING = 999_999


@pytest.fixture
def other(make, session):
    """A team of another unit, its evaluation in 组织实施 with one task."""
    other = Team(make, unit=make.make_unit("邻县公安局"))
    evaluation = put_in_state(session, other.evaluation, "implementation")
    other.task = tasks.create_task(
        session, other.leader, evaluation.id, tasks.TaskSpec("collect", "收集合同")
    )
    return other


def same_answer(a, b) -> None:
    assert (a.status_code, a.get_json()) == (b.status_code, b.get_json())


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "", None),
        ("post", "/claim", {}),
        ("post", "/transfer", {"to": 1, "reason": "忙"}),
        ("post", "/complete", {"note": "完成"}),
        ("post", "/reopen", {"reason": "重做"}),
    ],
)
def test_another_units_task_answers_as_a_missing_one(api, team, other, method, path, body):
    me = api.as_(team.leader)
    call = getattr(me, method)
    kwargs = {"json": body} if body is not None else {}
    theirs = call(f"/api/v1/tasks/{other.task.id}{path}", **kwargs)
    missing = call(f"/api/v1/tasks/{MISSING}{path}", **kwargs)
    assert theirs.status_code == 404
    same_answer(theirs, missing)


def test_another_units_task_page_answers_as_a_missing_one(client, auth, team, other):
    Browser(client, auth, team.leader)
    theirs, missing = client.get(f"/tasks/{other.task.id}"), client.get(f"/tasks/{MISSING}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.get_data() == missing.get_data()


def test_a_group_member_of_another_unit_is_refused_unnamed(api, team, other):
    url = f"/api/v1/evaluations/{team.evaluation.id}/group"
    me = api.as_(team.leader)
    stranger = other.members[0]
    theirs = me.put(url, json={"leader": team.leader.id, "members": [stranger.id]})
    missing = me.put(url, json={"leader": team.leader.id, "members": [MISSING]})
    assert theirs.status_code == 400
    assert theirs.json["fields"] == [{"field": "members", "message": "成员须为本单位用户"}]
    assert stranger.display_name not in str(theirs.json)
    same_answer(theirs, missing)


def test_an_inactive_colleague_is_named(api, team, make, session):
    from workflow.accounts import operations as accounts

    colleague = make.make_user()
    accounts.deactivate_user(session, make.admin, colleague.id)
    res = api.as_(team.leader).put(
        f"/api/v1/evaluations/{team.evaluation.id}/group",
        json={"leader": team.leader.id, "members": [colleague.id]},
    )
    assert res.status_code == 400
    assert res.json["message"] == f"{colleague.display_name} 已停用，不能加入工作组"


BODY = {"project_name": "雪亮工程", "year": 2023, "kind": "department"}


def test_creating_for_another_unit_answers_as_for_a_missing_one(api, team, other):
    me = api.as_(team.leader)
    theirs = me.post("/api/v1/evaluations", json={**BODY, "unit_id": other.evaluation.unit_id})
    missing = me.post("/api/v1/evaluations", json={**BODY, "unit_id": MISSING})
    assert theirs.status_code == 400
    assert theirs.json["fields"] == [{"field": "unit_id", "message": "预算单位不存在"}]
    same_answer(theirs, missing)


def test_a_reviewer_is_refused_whatever_the_unit(api, team, other):
    reviewer = api.as_(team.reviewer)
    theirs = reviewer.post(
        "/api/v1/evaluations", json={**BODY, "unit_id": other.evaluation.unit_id}
    )
    missing = reviewer.post("/api/v1/evaluations", json={**BODY, "unit_id": MISSING})
    assert theirs.status_code == 403
    same_answer(theirs, missing)
