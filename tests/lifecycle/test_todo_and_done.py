"""我的待办 and 我的已办: what waits on me and since when, the one waiting longest first; what I
acted on, newest first."""

from __future__ import annotations

from datetime import timedelta

from conftest import put_in_state
from sqlalchemy import update

from workflow.kernel import clock
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle.models import Evaluation


def _waited(session, evaluation, days: int) -> None:
    at = clock.now() - timedelta(days=days)
    session.execute(
        update(Evaluation).where(Evaluation.id == evaluation.id).values(stage_entered_at=at)
    )
    session.commit()


def test_todo_says_since_when_each_evaluation_waits_oldest_first(api, make, team):
    newer = make.make_evaluation(creator=team.leader, project_name="新近的评价")
    spec = lifecycle.GroupSpec(team.leader.id, [], [team.members[0].id], [])
    lifecycle.set_group(make.session, team.leader, newer.id, spec)
    _waited(make.session, team.evaluation, 9)
    _waited(make.session, newer, 2)

    res = api.as_(team.leader).get("/api/v1/me/todo")
    assert res.status_code == 200
    assert res.json["total"] == 2
    first, second = res.json["items"]
    assert (first["evaluation_id"], first["waiting_days"]) == (team.evaluation.id, 9)
    assert (second["project_name"], second["waiting_days"]) == ("新近的评价", 2)
    assert first["actions"] == ["advance"] and first["state_label"] == "前期准备"
    nobody = api.as_(make.make_user()).get("/api/v1/me/todo")
    assert nobody.json == {"items": [], "total": 0}


def test_entering_a_stage_starts_the_wait_again(session, make, team):
    evaluation = put_in_state(session, team.evaluation, "group_review", submitted_by=team.leader)
    _waited(session, evaluation, 5)
    lifecycle.perform(session, team.leader, evaluation.id, "return", comment="补充", to="reporting")
    session.expire_all()
    moved = session.get(Evaluation, evaluation.id)
    assert moved.state == "reporting"
    assert clock.now() - moved.stage_entered_at < timedelta(minutes=1)


def test_done_lists_what_i_acted_on_newest_first(api, make, team):
    evaluation = put_in_state(
        make.session, team.evaluation, "group_review", submitted_by=team.leader
    )
    lifecycle.perform(make.session, team.deputies[0], evaluation.id, "approve", comment="同意")
    lifecycle.perform(
        make.session, team.leader, evaluation.id, "return", comment="请补充资料", to="reporting"
    )

    mine = api.as_(team.leader).get("/api/v1/me/done?per_page=1")
    assert mine.status_code == 200 and mine.json["total"] == 1
    (item,) = mine.json["items"]
    assert (item["action"], item["evaluation_id"], item["task_id"]) == (
        "return",
        evaluation.id,
        None,
    )
    assert item["at"] and item["comment"] == "请补充资料"
    deputy = api.as_(team.deputies[0]).get("/api/v1/me/done").json
    assert [i["action"] for i in deputy["items"]] == ["approve"]
    other_unit = make.make_user(unit=make.make_unit())
    assert api.as_(other_unit).get("/api/v1/me/done").json == {"items": [], "total": 0}


def test_the_done_page_lists_what_i_did(client, auth, make, team):
    from page_helpers import Browser, page

    evaluation = put_in_state(
        make.session, team.evaluation, "group_review", submitted_by=team.leader
    )
    lifecycle.perform(
        make.session, team.leader, evaluation.id, "return", comment="缺少附件", to="reporting"
    )
    html = page(Browser(client, auth, team.leader).get("/done"))
    assert "我的已办" in html and "缺少附件" in html and team.evaluation.project_name in html
    assert "领导小组审核 → 报告撰写" in html
