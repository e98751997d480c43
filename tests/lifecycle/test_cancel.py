"""终止: the page says why at the top, and the tasks still open are closed with it."""

from __future__ import annotations

from conftest import put_in_state
from page_helpers import Browser, page

from workflow.tasks import operations as tasks
from workflow.tasks.models import Task


def make_tasks(session, team, ev):
    spec = dict(kind="collect", title="收集合同")
    pool = tasks.create_task(session, team.leader, ev.id, tasks.TaskSpec(**spec))
    held = tasks.create_task(
        session, team.leader, ev.id, tasks.TaskSpec(**spec, assignee_id=team.members[0].id)
    )
    done = tasks.create_task(
        session, team.leader, ev.id, tasks.TaskSpec(**spec, assignee_id=team.members[1].id)
    )
    tasks.complete_task(session, team.members[1], done.id, "已收集")
    return pool, held, done


def test_cancelling_closes_the_open_tasks_and_says_why(api, client, auth, make, team, session):
    ev = put_in_state(session, team.evaluation, "implementation")
    pool, held, done = make_tasks(session, team, ev)
    res = api.as_(make.admin).post(
        f"/api/v1/evaluations/{ev.id}/actions/cancel", json={"comment": "项目已撤销，停止评价"}
    )
    assert res.status_code == 200, res.json
    assert res.json["cancellation"]["reason"] == "项目已撤销，停止评价"
    assert res.json["cancellation"]["by"] == make.admin.display_name
    session.expire_all()
    statuses = {t.id: t.status for t in session.query(Task).filter_by(evaluation_id=ev.id)}
    assert statuses == {pool.id: "closed", held.id: "closed", done.id: "done"}
    assert session.get(Task, held.id).assignee_id == team.members[0].id  # still theirs
    audit = api.as_(make.admin).get(f"/api/v1/evaluations/{ev.id}/audit").json
    assert audit[-1]["action"] == "cancel" and audit[-1]["details"]["tasks_closed"] == 2

    html = page(Browser(client, auth, team.members[0]).get(f"/evaluations/{ev.id}"))
    banner = html.split('data-testid="cancellation"')[1].split("</div>")[0]
    assert "本评价已终止：" in banner and "项目已撤销，停止评价" in banner
    assert html.index('data-testid="cancellation"') < html.index('id="project"')
    assert "已关闭" in page(client.get(f"/tasks/{held.id}"))


def test_an_open_evaluation_has_no_cancellation(api, team):
    res = api.as_(team.leader).get(f"/api/v1/evaluations/{team.evaluation.id}")
    assert res.json["cancellation"] is None
