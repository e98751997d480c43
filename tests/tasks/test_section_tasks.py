"""报告章节 tasks: a task of kind `report_section` names the report section it is for; the report
shows beside each section who is writing it, and the task can be completed only once its section
has text."""

from __future__ import annotations

import pytest
from conftest import put_in_state
from report_helpers import EXPERIENCE, to_reporting


@pytest.fixture
def reporting(session, team, store):
    """The team's department evaluation in 报告撰写, its report drafted."""
    return to_reporting(session, team, store)


def create(api, user, evaluation, **body):
    body = {
        "kind": "report_section",
        "title": "撰写主要经验及做法",
        "section": "experience",
        **body,
    }
    return api.as_(user).post(f"/api/v1/evaluations/{evaluation.id}/tasks", json=body)


def complete(api, user, task: dict):
    return api.as_(user).post(f"/api/v1/tasks/{task['id']}/complete", json={"note": "已撰写"})


def report_section(api, user, evaluation, key: str) -> dict:
    report = api.as_(user).get(f"/api/v1/evaluations/{evaluation.id}/report").json
    return next(s for s in report["sections"] if s["key"] == key)


def write_section(api, user, evaluation, key: str, body: str):
    version = report_section(api, user, evaluation, key)["version"]
    return api.as_(user).put(
        f"/api/v1/evaluations/{evaluation.id}/report/sections/{key}",
        json={"body": body, "version": version},
    )


# --- assigning --------------------------------------------------------------------------------


def test_leader_assigns_a_report_section_to_a_member(api, team, reporting):
    member = team.members[0]
    res = create(api, team.leader, reporting, assignee=member.id)
    assert res.status_code == 201, res.json
    task = res.json
    assert (task["kind"], task["section"], task["section_title"]) == (
        "report_section",
        "experience",
        "主要经验及做法",
    )
    assert api.as_(member).get(f"/api/v1/tasks/{task['id']}").json["section"] == "experience"
    event = api.as_(team.leader).get(f"/api/v1/evaluations/{reporting.id}/audit").json[-1]
    assert (event["action"], event["details"]["section"]) == ("task_created", "experience")


def test_other_kinds_have_no_section(api, session, team):
    put_in_state(session, team.evaluation, "implementation")
    task = create(api, team.leader, team.evaluation, kind="collect", section=None).json
    assert (task["section"], task["section_title"]) == (None, None)


def test_report_section_task_needs_a_section_of_the_outline(api, session, team):
    ev = team.evaluation
    put_in_state(session, ev, "implementation")
    missing = create(api, team.leader, ev, section=None)
    assert missing.status_code == 400
    assert missing.json["details"][0].startswith("section：“报告章节”任务须指定报告章节")
    # the words name the sections by their titles only: no "section：", no "basic（…）"
    assert missing.json["message"].startswith("“报告章节”任务须指定报告章节，可选 “")
    assert "section" not in missing.json["message"] and "basic" not in missing.json["message"]
    unknown = create(api, team.leader, ev, section="process")  # 单位自评 only
    assert unknown.status_code == 400
    assert unknown.json["details"][0].startswith("section：部门评价报告没有章节“process”")
    wrong_kind = create(api, team.leader, ev, kind="collect")
    assert wrong_kind.status_code == 400
    assert wrong_kind.json["details"] == ["section：只有“报告章节”任务可以指定报告章节"]


def test_a_self_evaluation_offers_its_shorter_outline(api, make, session):
    leader = make.make_user()
    ev = make.make_evaluation(creator=leader, kind="unit_self")
    from workflow.lifecycle import operations as lifecycle

    lifecycle.set_group(
        session,
        leader,
        ev.id,
        lifecycle.GroupSpec(
            leader=leader.id, deputies=[], members=[], approvers=[], approval_policy="all"
        ),
    )
    put_in_state(session, ev, "implementation")
    assert create(api, leader, ev, section="experience").status_code == 400
    assert create(api, leader, ev, section="process").json["section_title"] == "决策及实施过程情况"


def test_leader_changes_the_section_of_an_open_task(api, team, reporting):
    task = create(api, team.leader, reporting).json
    url = f"/api/v1/tasks/{task['id']}/section"
    assert api.as_(team.members[0]).post(url, json={"section": "other"}).status_code == 403
    assert api.as_(team.leader).post(url, json={"section": "nope"}).status_code == 400
    res = api.as_(team.leader).post(url, json={"section": "other", "version": task["version"]})
    assert res.status_code == 200, res.json
    assert res.json["section_title"] == "其他需要说明的问题"


# --- the report shows who writes what ------------------------------------------------------


def test_report_shows_who_is_assigned_each_section(api, auth, team, reporting):
    member = team.members[0]
    task = create(api, team.leader, reporting, assignee=member.id).json
    pool = create(api, team.leader, reporting, section="other", title="其他说明").json
    assigned = report_section(api, team.leader, reporting, "experience")["tasks"]
    assert [(t["id"], t["assignee"], t["assignee_name"]) for t in assigned] == [
        (task["id"], member.id, member.display_name)
    ]
    assert report_section(api, team.leader, reporting, "basic")["tasks"] == []

    auth.login(team.leader.username)
    html = auth.client.get(f"/evaluations/{reporting.id}/report").get_data(as_text=True)
    assert f'href="/tasks/{task["id"]}"' in html and member.display_name in html
    assert f'href="/tasks/{pool["id"]}"' in html and "任务池（待领取）" in html


def test_a_done_task_no_longer_shows_on_the_report(api, team, reporting):
    member = team.members[0]
    task = create(api, team.leader, reporting, assignee=member.id).json
    write_section(api, member, reporting, "experience", EXPERIENCE)
    assert complete(api, member, task).status_code == 200
    assert report_section(api, team.leader, reporting, "experience")["tasks"] == []


# --- completing ---------------------------------------------------------------------------------


def test_section_task_cannot_be_completed_while_the_section_is_empty(api, team, reporting):
    member = team.members[0]
    task = create(api, team.leader, reporting, assignee=member.id).json
    refused = complete(api, member, task)
    assert refused.status_code == 409
    assert refused.json["code"] == "section_empty"
    assert "报告章节“主要经验及做法”尚未填写" in refused.json["message"]
    assert api.as_(member).get(f"/api/v1/tasks/{task['id']}").json["status"] == "claimed"

    assert write_section(api, member, reporting, "experience", EXPERIENCE).status_code == 200
    done = complete(api, member, task)
    assert done.status_code == 200, done.json
    assert done.json["status"] == "done"


def test_section_task_cannot_be_completed_before_the_report_is_drafted(api, session, team):
    put_in_state(session, team.evaluation, "implementation")
    member = team.members[0]
    task = create(api, team.leader, team.evaluation, assignee=member.id).json
    assert complete(api, member, task).json["code"] == "section_empty"


# --- pages --------------------------------------------------------------------------------------


def test_new_task_form_offers_the_sections_of_the_outline(auth, session, team):
    put_in_state(session, team.evaluation, "implementation")
    auth.login(team.leader.username)
    url = f"/evaluations/{team.evaluation.id}/tasks/new"
    html = auth.client.get(url).get_data(as_text=True)
    assert '<select id="section" name="section">' in html
    assert '<option value="experience">六、主要经验及做法</option>' in html
    res = auth.client.post(
        url,
        data={
            "csrf_token": auth.csrf_token(url),
            "kind": "report_section",
            "section": "",
            "title": "撰写有关建议",
            "assignee": "",
        },
    )
    assert res.status_code == 400
    assert "“报告章节”任务须指定报告章节" in res.get_data(as_text=True)


def test_task_page_links_to_the_section_editor(api, auth, team, reporting):
    member = team.members[0]
    task = create(api, team.leader, reporting, assignee=member.id).json
    auth.login(member.username)
    html = auth.client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "主要经验及做法" in html
    assert f'href="/evaluations/{reporting.id}/report/sections/experience/edit"' in html
    assert "尚未填写，请先在报告撰写中填写该章节" in html
    assert f'action="/tasks/{task["id"]}/complete#task-actions"' not in html

    write_section(api, member, reporting, "experience", EXPERIENCE)
    html = auth.client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert f'action="/tasks/{task["id"]}/complete#task-actions"' in html


def test_leader_sets_the_section_on_the_task_page(api, auth, team, reporting):
    task = create(api, team.leader, reporting).json
    auth.login(team.leader.username)
    url = f"/tasks/{task['id']}"
    assert f'action="{url}/section"' in auth.client.get(url).get_data(as_text=True)
    res = auth.client.post(
        f"{url}/section",
        data={
            "csrf_token": auth.csrf_token(url),
            "section-section": "suggestions",
            "section-version": task["version"],
        },
    )
    assert res.status_code == 302
    assert api.as_(team.leader).get(f"/api/v1/tasks/{task['id']}").json["section"] == "suggestions"
