"""审计记录 filters: by 事件类型 and by 操作人, in SQL, on the evaluation page (paged, the
export links carrying them) and in the API (the list and its export)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from page_helpers import Browser, page


@pytest.fixture
def trail(client, auth, team, files_dir):
    """The team's trail: 创建评价 and 调整工作组 by the 组长, then a member's 上传文件."""
    member = team.members[0]
    res = Browser(client, auth, member).upload(team.evaluation.id, files_dir / "work-plan.pdf")
    assert res.status_code == 302
    auth.logout()
    return team


def _timeline(html: str) -> str:
    return html.split('id="timeline"')[1].split("</section>")[0]


def test_the_page_filters_the_trail_by_action_and_person(client, auth, trail):
    leader, member, ev = trail.leader, trail.members[0], trail.evaluation
    browser = Browser(client, auth, leader)
    whole = _timeline(page(browser.get(f"/evaluations/{ev.id}")))
    assert '<option value="document_uploaded">上传文件</option>' in whole  # Chinese labels
    assert f'<option value="{member.id}">{member.display_name}</option>' in whole
    assert whole.count('class="event ') == 3

    by_action = _timeline(page(browser.get(f"/evaluations/{ev.id}?action=group_changed")))
    assert by_action.count('class="event ') == 1 and "调整工作组" in by_action
    assert '<option value="group_changed" selected>' in by_action
    assert f"/evaluations/{ev.id}/audit.xlsx?action=group_changed" in by_action  # the export too

    by_person = _timeline(page(browser.get(f"/evaluations/{ev.id}?actor={member.id}")))
    assert by_person.count('class="event ') == 1 and "上传文件" in by_person
    assert f"audit.csv?actor={member.id}" in by_person
    rows = list(
        csv.reader(
            io.StringIO(
                browser.get(f"/evaluations/{ev.id}/audit.csv?actor={member.id}")
                .get_data()
                .decode("utf-8-sig")
            )
        )
    )
    assert [r[1] for r in rows[1:]] == ["上传文件"]

    nothing = _timeline(page(browser.get(f"/evaluations/{ev.id}?action=create&actor={member.id}")))
    assert "没有符合筛选条件的记录" in nothing


def test_the_page_pages_a_filtered_trail_keeping_the_filter(client, auth, trail, monkeypatch):
    from web.evaluations import pages

    monkeypatch.setattr(pages, "PANEL_SIZE", 1)
    browser = Browser(client, auth, trail.leader)
    url = f"/evaluations/{trail.evaluation.id}?actor={trail.leader.id}"
    first = _timeline(page(browser.get(url)))
    assert first.count('class="event ') == 1 and "调整工作组" in first  # newest first
    more = [href for href in re.findall(r'href="([^"]+)"', first) if "events_page=2" in href]
    assert more and all(f"actor={trail.leader.id}" in href for href in more)  # filter kept
    second = _timeline(page(browser.get(f"{url}&events_page=2")))
    assert second.count('class="event ') == 1 and "创建评价" in second


def test_the_api_filters_the_trail_and_its_export(api, trail):
    leader, member, ev = api.as_(trail.leader), trail.members[0], trail.evaluation
    listed = leader.get(f"/api/v1/evaluations/{ev.id}/audit?actor={member.id}").json
    assert [e["action"] for e in listed] == ["document_uploaded"]
    listed = leader.get(f"/api/v1/evaluations/{ev.id}/audit?action=create").json
    assert [e["action"] for e in listed] == ["create"]
    res = leader.get(f"/api/v1/evaluations/{ev.id}/audit.csv?action=group_changed")
    rows = list(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["调整工作组"]
    bad = leader.get(f"/api/v1/evaluations/{ev.id}/audit?action=nonsense")
    assert bad.status_code == 400 and bad.json["fields"][0]["field"] == "action"
    assert bad.json["message"].startswith("输入有误：事件类型：")
