"""The reminder settings pages: an evaluation's 阶段期限 (组长), the 提醒规则 and a unit's
群机器人 (administrators), each saving through the operation its API uses, with the same
permissions and Chinese field errors."""

from __future__ import annotations

import re
from datetime import date

import pytest
from page_helpers import Browser, page

from workflow.reminders import deadlines, webhooks
from workflow.reminders import policy as reminder_policy

SECRET = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=6f1c2e9a-secret-key-7b3d"


@pytest.fixture
def as_user(client, auth):
    return lambda user: Browser(client, auth, user)


def field_error(html: str, name: str) -> list[str]:
    """The errors shown at the field `name` of a page."""
    block = html.split(f'name="{name}"', 1)[1].split('<div class="field', 1)[0]
    return re.findall(r'<p class="field-error">([^<]+)</p>', block)


POLICY_FORM = {
    "task_due_days": "5，2、1",
    "task_overdue_daily": "y",
    "task_escalation_days": "3",
    "stage_due_days": "14, 7",
    "rectification_due_days": "7 1",
    "group_review_days": "4",
    "finance_review_days": "5",
    "review_escalation_factor": "3",
    "work_start": "09:00",
    "work_end": "17:30",
    "digest_time": "09:30",
    "daily_digest": "y",
}


# --- who may open and save which page (the pages' permission matrix) ------------------------

PEOPLE = ("leader", "member", "reviewer", "admin", "stranger")
SETTINGS_PAGES = [
    # (page, form posted, status by person: GET, POST)
    (
        "/evaluations/{evaluation}/deadlines",
        {"reporting": "2024-04-20"},
        {"leader": (200, 302), "member": (200, 403), "reviewer": (200, 403)}
        | {"admin": (200, 302), "stranger": (404, 404)},
    ),
    (
        "/admin/reminder-policy",
        POLICY_FORM,
        {who: (403, 403) for who in PEOPLE} | {"admin": (200, 302)},
    ),
    (
        "/admin/units/{unit}/webhook",
        {"url": SECRET, "enabled": "y"},
        {who: (403, 403) for who in PEOPLE} | {"admin": (200, 302)},
    ),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(
    ("url", "form", "expected"), SETTINGS_PAGES, ids=lambda v: v if isinstance(v, str) else ""
)
def test_who_may_open_and_save_each_settings_page(as_user, make, team, who, url, form, expected):
    people = {
        "leader": team.leader,
        "member": team.members[0],
        "reviewer": team.reviewer,
        "admin": make.admin,
        "stranger": make.make_user(unit=make.make_unit("邻县公安局")),
    }
    url = url.format(evaluation=team.evaluation.id, unit=team.evaluation.unit_id)
    browser = as_user(people[who])
    got = (browser.get(url).status_code, browser.post(url, form).status_code)
    assert got == expected[who]


# --- 阶段期限 ---------------------------------------------------------------------------------


def test_leader_sets_and_clears_stage_deadlines_on_the_page(as_user, team, session, api):
    browser = as_user(team.leader)
    url = f"/evaluations/{team.evaluation.id}/deadlines"
    show = page(browser.get(f"/evaluations/{team.evaluation.id}"))
    assert f'href="{url}">设置各阶段期限</a>' in show

    html = page(browser.get(url))
    assert "阶段期限" in html and 'name="reporting"' in html and 'type="date"' in html
    res = browser.post(url, {"reporting": "2024-04-20", "finance_review": "2024-05-31"})
    assert res.status_code == 302 and res.headers["Location"].endswith(
        f"/evaluations/{team.evaluation.id}"
    )
    api_view = api.as_(team.members[0]).get(f"/api/v1/evaluations/{team.evaluation.id}/deadlines")
    assert api_view.json["deadlines"]["reporting"] == "2024-04-20"
    assert api_view.json["deadlines"]["finance_review"] == "2024-05-31"
    assert 'value="2024-04-20"' in page(browser.get(url))

    browser.post(url, {"reporting": "", "finance_review": "2024-05-31"})
    saved = deadlines.stage_deadlines(session, team.leader, team.evaluation.id)
    assert saved["reporting"] is None and str(saved["finance_review"]) == "2024-05-31"
    trail = page(browser.get(f"/evaluations/{team.evaluation.id}"))
    assert "设置阶段期限" in trail and "报告撰写 2024-04-20 → （未设定）" in trail


def test_the_evaluation_page_shows_the_current_stage_deadline(as_user, team, session):
    deadlines.set_stage_deadline(
        session, team.leader, team.evaluation.id, "preparation", date.fromisoformat("2024-03-01")
    )
    session.commit()
    html = page(as_user(team.members[0]).get(f"/evaluations/{team.evaluation.id}"))
    shown = html.split('id="stage-deadline"')[1].split("</dd>")[0]
    assert "前期准备：2024-03-01" in shown and "已逾期" in shown and "查看各阶段期限" in shown


def test_a_bad_deadline_date_is_shown_at_its_field(as_user, team):
    browser = as_user(team.leader)
    res = browser.post(f"/evaluations/{team.evaluation.id}/deadlines", {"reporting": "4月20日"})
    assert res.status_code == 400
    assert field_error(page(res), "reporting") == ["不是有效的日期值。"]


def test_a_member_reads_the_deadlines_but_cannot_set_them(as_user, team, session):
    deadlines.set_stage_deadline(
        session, team.leader, team.evaluation.id, "reporting", date.fromisoformat("2024-04-20")
    )
    session.commit()
    browser = as_user(team.members[0])
    url = f"/evaluations/{team.evaluation.id}/deadlines"
    html = page(browser.get(url))
    assert "2024-04-20" in html and 'name="reporting"' not in html
    res = browser.post(url, {"reporting": "2024-05-01"})
    assert res.status_code == 403
    saved = deadlines.stage_deadlines(session, team.leader, team.evaluation.id)
    assert str(saved["reporting"]) == "2024-04-20"


def test_another_units_deadlines_page_is_a_404(as_user, team, make):
    stranger = make.make_user(unit=make.make_unit("邻县公安局"))
    browser = as_user(stranger)
    url = f"/evaluations/{team.evaluation.id}/deadlines"
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"reporting": "2024-05-01"}).status_code == 404


# --- 提醒规则 ---------------------------------------------------------------------------------


def test_admin_changes_the_reminder_policy_on_its_page(as_user, make, session):
    browser = as_user(make.admin)
    assert 'href="/admin/reminder-policy"' in page(browser.get("/admin/users"))
    html = page(browser.get("/admin/reminder-policy"))
    assert 'value="3, 1"' in html and 'value="08:30"' in html

    res = browser.post("/admin/reminder-policy", POLICY_FORM)
    assert res.status_code == 302, page(res)
    policy = reminder_policy.get_policy(session, make.admin)
    assert policy["task_due_days"] == [5, 2, 1]
    assert policy["rectification_due_days"] == [7, 1]
    assert policy["review_waiting_days"] == {"group_review": 4, "finance_review": 5}
    assert (policy["stage_overdue_daily"], policy["weekends"]) == (False, False)
    assert (policy["work_start"], policy["work_end"], policy["digest_time"]) == (
        "09:00",
        "17:30",
        "09:30",
    )
    assert "提醒规则已保存" in page(browser.get("/admin/reminder-policy"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("task_due_days", "3, 0", "请填写 1 至 60 之间的整数，用逗号分隔（如 7, 3, 1）"),
        ("stage_due_days", "一周", "请填写 1 至 60 之间的整数，用逗号分隔（如 7, 3, 1）"),
        ("task_escalation_days", "61", "请填写 1 至 60 之间的整数"),
        ("group_review_days", "", "请填写天数"),
        ("review_escalation_factor", "两倍", "不是有效的整数。"),
        ("work_start", "8點", "请写作 HH:MM（北京时间，如 08:30）"),
        ("work_end", "08:00", "工作时段的结束时间应晚于开始时间"),
    ],
)
def test_bad_policy_input_is_shown_at_its_field(as_user, make, session, field, value, message):
    browser = as_user(make.admin)
    res = browser.post("/admin/reminder-policy", {**POLICY_FORM, field: value})
    assert res.status_code == 400
    html = page(res)
    assert message in field_error(html, field)
    assert f'value="{value}"' in html or not value  # what was typed is kept
    assert reminder_policy.get_policy(session, make.admin)["task_due_days"] == [3, 1]


def test_the_reminder_policy_page_is_the_administrators(as_user, auth, team):
    for user in (team.leader, team.reviewer):
        browser = as_user(user)
        assert browser.get("/admin/reminder-policy").status_code == 403
        assert browser.post("/admin/reminder-policy", POLICY_FORM).status_code == 403
        auth.logout()


# --- 单位群机器人 -----------------------------------------------------------------------------


def test_admin_sets_a_units_webhook_and_sees_only_its_ends(as_user, make, api):
    browser = as_user(make.admin)
    url = f"/admin/units/{make.unit.id}/webhook"
    assert f'href="{url}">群机器人</a>' in page(browser.get("/admin/units"))
    assert "未设置" in page(browser.get(url))

    res = browser.post(url, {"url": SECRET, "enabled": "y"})
    assert res.status_code == 302
    assert api.as_(make.admin).get(f"/api/v1/units/{make.unit.id}/webhook").json == {
        "url": SECRET,
        "enabled": True,
    }
    html = page(browser.get(url))
    assert "https://qyapi.weixin.qq.com/…7b3d" in html and "已开启" in html
    assert "secret-key" not in html and SECRET not in html

    # blank keeps the saved address; switching off keeps it too
    browser.post(url, {"url": ""})
    saved = api.as_(make.admin).get(f"/api/v1/units/{make.unit.id}/webhook").json
    assert saved == {"url": SECRET, "enabled": False}
    browser.post(url, {"clear": "y"})
    saved = api.as_(make.admin).get(f"/api/v1/units/{make.unit.id}/webhook").json
    assert saved == {"url": None, "enabled": False}


def test_a_refused_webhook_is_not_shown_back(as_user, make, session):
    browser = as_user(make.admin)
    url = f"/admin/units/{make.unit.id}/webhook"
    res = browser.post(url, {"url": "ftp://robot.example/send?key=topsecret", "enabled": "y"})
    assert res.status_code == 400
    html = page(res)
    assert field_error(html, "url") == ["Webhook 地址应以 http:// 或 https:// 开头"]
    assert "topsecret" not in html

    res = browser.post(url, {"enabled": "y"})
    assert res.status_code == 400
    assert field_error(page(res), "url") == ["开启单位群机器人提醒需要填写 Webhook 地址"]
    assert webhooks.unit_webhook(session, make.admin, make.unit.id)["enabled"] is False


def test_the_webhook_page_is_the_administrators_and_a_missing_unit_is_a_404(as_user, auth, make):
    browser = as_user(make.make_user())
    url = f"/admin/units/{make.unit.id}/webhook"
    assert browser.get(url).status_code == 403
    assert browser.post(url, {"url": SECRET, "enabled": "y"}).status_code == 403
    auth.logout()
    admin = as_user(make.admin)
    assert admin.get("/admin/units/999999/webhook").status_code == 404


def test_masked_url_keeps_the_host_and_the_last_characters():
    assert webhooks.masked_url(SECRET) == "https://qyapi.weixin.qq.com/…7b3d"
    assert webhooks.masked_url("https://a.cn/x") == "https://a.cn/…"
    assert webhooks.masked_url("http://10.0.0.5:8080/hook/abcdef123456") == "http://10.0.0.5/…3456"
    assert webhooks.masked_url(None) is None
