"""整改 pages: the unit's list and the bureau's (per unit, open and overdue), the item page's
buttons per person and its forms, and the archived evaluation page's 整改事项 card."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from conftest import Team
from page_helpers import Browser, page
from rectification_helpers import EVIDENCE, PROBLEM, archived_items, hand_in

MISSING = 999_999


@pytest.fixture
def items(session, team):
    return archived_items(session, team, due_date=date(2020, 1, 1))


@pytest.fixture
def as_user(client, auth):
    return lambda user: Browser(client, auth, user)


def version_on(html: str) -> str:
    """The item's version the page's forms carry (each form's field is prefixed)."""
    match = re.search(r'name="\w+-version"[^>]*value="(\d+)"', html)
    assert match, "no version field on the page"
    return match.group(1)


def without_token(html: str) -> str:
    """The page without its CSRF token (signed with the second it was made in)."""
    return re.sub(r'name="csrf-token" content="[^"]+"', "", html)


def buttons(html: str) -> list[str]:
    actions = html.split('id="rectification-actions"')[1].split("</section>")[0]
    return re.findall(r'<button type="submit"[^>]*>([^<]+)</button>', actions)


def test_the_header_links_the_list_and_a_unit_user_sees_their_units_items(
    as_user, make, session, team, items
):
    other = Team(make, unit=make.make_unit("外县公安局", make.make_bureau("外县财政局")))
    archived_items(session, other, problem="外县的问题")
    html = page(as_user(team.members[1]).get("/rectifications"))
    assert 'href="/rectifications"' in html and "整改事项</a>" in html
    assert PROBLEM in html and "加强绩效管理业务培训" in html and "外县的问题" not in html
    assert "各单位整改情况" not in html
    assert "已逾期" in html  # due 2020-01-01, not done


def test_the_bureau_sees_per_unit_how_many_are_open_and_overdue(
    as_user, make, session, team, items, store
):
    neighbour = Team(make, unit=make.make_unit("邻县公安局"))
    theirs = archived_items(session, neighbour, problem="邻县的问题")
    hand_in(session, theirs[0], neighbour.members[0], store)
    reviewer = as_user(team.reviewer)
    html = page(reviewer.get("/rectifications"))
    rows = {
        unit: re.findall(r'<td class="num"[^>]*>(?:<a[^>]*>)?(\d+)', row)
        for unit, row in re.findall(r'<tr data-unit="(\d+)">(.*?)</tr>', html, re.S)
    }
    assert rows == {
        str(team.evaluation.unit_id): ["2", "1", "0", "0"],  # 未完成, 已逾期, 待验收, 已验收
        str(neighbour.evaluation.unit_id): ["1", "0", "1", "0"],
    }
    assert "邻县的问题" in html and PROBLEM in html
    filtered = page(
        reviewer.get(f"/rectifications?unit_id={neighbour.evaluation.unit_id}&status=done")
    )
    items_part = filtered.split('id="items"')[1]
    assert "邻县的问题" in items_part and PROBLEM not in items_part
    overdue = page(reviewer.get("/rectifications?overdue=1")).split('id="items"')[1]
    assert PROBLEM in overdue and "邻县的问题" not in overdue


def test_the_archived_evaluation_page_shows_its_items(as_user, team, items):
    html = page(as_user(team.leader).get(f"/evaluations/{team.evaluation.id}"))
    card = html.split('id="rectifications"')[1].split("</section>")[0]
    assert f'href="/rectifications/{items[0].id}"' in card and "办公室刘向东" in card
    assert "待整改" in card


def test_an_open_evaluation_page_has_no_rectification_card(as_user, team):
    html = page(as_user(team.leader).get(f"/evaluations/{team.evaluation.id}"))
    assert 'id="rectifications"' not in html


def test_each_person_sees_the_buttons_they_may_press(as_user, auth, team, items, session, store):
    url = f"/rectifications/{items[0].id}"
    assert buttons(page(as_user(team.members[0]).get(url))) == ["开始整改", "整改完成，提交验收"]
    auth.logout()
    assert buttons(page(as_user(team.members[1]).get(url))) == []
    auth.logout()
    assert buttons(page(as_user(team.reviewer).get(url))) == []
    auth.logout()
    hand_in(session, items[0], team.members[0], store)
    assert buttons(page(as_user(team.reviewer).get(url))) == ["验收通过", "退回重新整改"]
    auth.logout()
    html = page(as_user(team.members[0]).get(url))
    assert buttons(html) == [] and "已提交验收，等待财政局审核人验收" in html


def test_the_owner_hands_in_and_the_bureau_sends_back_then_accepts(
    as_user, auth, team, items, session
):
    url = f"/rectifications/{items[0].id}"
    owner = as_user(team.members[0])
    version = version_on(page(owner.get(url)))
    res = owner.post(f"{url}/finish", {"finish-note": "", "finish-version": version})
    assert res.status_code == 400 and "请填写整改说明" in page(res)
    res = owner.post(f"{url}/finish", {"finish-note": "已建立台账", "finish-version": version})
    assert res.status_code == 400 and "提交验收须上传至少一份整改佐证材料" in page(res)
    name, data = EVIDENCE
    res = owner.post(
        f"{url}/finish",
        {
            "finish-note": "已建立台账",
            "finish-version": version,
            "finish-files": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = page(res)
    assert "已提交验收，等待财政局审核人验收" in html and name in html
    auth.logout()

    reviewer = as_user(team.reviewer)
    version = version_on(page(reviewer.get(url)))
    res = reviewer.post(f"{url}/reopen", {"reopen-reason": "", "reopen-version": version})
    assert res.status_code == 400 and "请写明退回重新整改的理由" in page(res)
    res = reviewer.post(
        f"{url}/reopen",
        {"reopen-reason": "缺少12月台账", "reopen-version": version},
        follow_redirects=True,
    )
    assert "已退回重新整改" in page(res) and "缺少12月台账" in page(res)
    auth.logout()

    owner = as_user(team.members[0])
    version = version_on(page(owner.get(url)))
    res = owner.post(
        f"{url}/finish", {"finish-note": "已补齐", "finish-version": version}, follow_redirects=True
    )
    assert "已提交验收" in page(res)
    auth.logout()
    reviewer = as_user(team.reviewer)
    version = version_on(page(reviewer.get(url)))
    html = page(reviewer.post(f"{url}/accept", {"accept-version": version}, follow_redirects=True))
    assert "整改事项已验收通过" in html and "整改闭环完成" in html
    history = html.split('id="history"')[1]
    assert history.count('class="event"') == 5  # open, done, reopened, done, accepted


def test_a_stale_page_is_told_to_refresh(as_user, team, items, session):
    url = f"/rectifications/{items[0].id}"
    leader = as_user(team.leader)
    version = version_on(page(leader.get(url)))
    res = leader.post(f"{url}/edit", {"edit-measure": "按周调度", "edit-version": version})
    assert res.status_code == 302
    res = leader.post(f"{url}/start", {"start-version": version})
    assert res.status_code == 409 and "整改事项已被他人修改，请刷新后再试" in page(res)


def test_another_units_item_page_answers_as_a_missing_one(as_user, make, items):
    stranger = as_user(make.make_user(unit=make.make_unit("外县公安局")))
    theirs, missing = (
        stranger.get(f"/rectifications/{items[0].id}"),
        stranger.get(f"/rectifications/{MISSING}"),
    )
    assert theirs.status_code == missing.status_code == 404
    assert without_token(page(theirs)) == without_token(page(missing))
    res = stranger.post(f"/rectifications/{items[0].id}/start", {"start-version": "1"})
    assert res.status_code == 404


def todo_items(html: str) -> str:
    return html.split('id="todo-rectifications"')[1].split("</section>")[0]


def test_my_todo_lists_the_items_waiting_on_me(as_user, auth, make, team, items, session, store):
    mine = todo_items(page(as_user(team.members[0]).get("/")))
    assert PROBLEM in mine and "加强绩效管理业务培训" not in mine
    auth.logout()
    # the 组长 follows up the item whose owner is outside the system
    leads = todo_items(page(as_user(team.leader).get("/")))
    assert "加强绩效管理业务培训" in leads and PROBLEM not in leads
    auth.logout()
    assert "目前没有等待您办理的整改事项" in todo_items(page(as_user(team.reviewer).get("/")))
    auth.logout()
    hand_in(session, items[0], team.members[0], store)
    assert PROBLEM in todo_items(page(as_user(team.reviewer).get("/")))
    auth.logout()
    assert PROBLEM not in todo_items(page(as_user(team.members[0]).get("/")))
    auth.logout()
    other = make.make_user("finance_reviewer", bureau=make.make_bureau("外县财政局"))
    assert PROBLEM not in todo_items(page(as_user(other).get("/")))


def test_the_archived_report_page_points_at_the_items(as_user, team, items):
    res = as_user(team.leader).get(f"/evaluations/{team.evaluation.id}/report")
    assert res.status_code == 200
    link = f'href="/evaluations/{team.evaluation.id}#rectifications"'
    assert link in page(res) and "查看整改事项及整改情况" in page(res)


def test_a_refused_evidence_file_is_named_beside_the_evidence_upload(as_user, team, items):
    url = f"/rectifications/{items[0].id}"
    owner = as_user(team.members[0])
    html = page(owner.get(url))
    assert f'action="{url}/evidence#evidence"' in html  # the answer opens at the form
    name, data = EVIDENCE
    res = owner.post(
        f"{url}/evidence",
        {
            "evidence-version": version_on(html),
            "evidence-files": [(io.BytesIO(data), name), (io.BytesIO(b"MZ"), "台账.exe")],
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 400
    card = page(res).split('id="evidence"')[1].split("</section>")[0]
    assert "“台账.exe”：不支持的文件类型" in card  # in the 佐证材料 card, at its input
    assert re.search(r'<input[^>]*multiple[^>]*name="evidence-files"', card)
