"""A form sent after the login expired: told so, sent to log in and back to the form's page
with ?restore=1 (the page's script puts the kept text back: tests/web/test_browser_resume.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from page_helpers import Browser


def test_a_form_sent_after_the_login_expired_goes_to_login_then_back(client, auth, team):
    browser = Browser(client, auth, team.leader)
    url = f"/evaluations/{team.evaluation.id}/edit"
    auth.logout()  # the session ends; the page in the tab still holds its form and token

    res = browser.post(
        url, {"project_name": "改过的名称"}, headers={"Referer": f"http://localhost{url}?x=1"}
    )
    assert res.status_code == 302
    target = urlsplit(res.headers["Location"])
    assert target.path == "/login"
    assert parse_qs(target.query)["next"] == [f"{url}?x=1&restore=1"]
    login_page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "登录已过期，请重新登录" in login_page


def test_a_stale_form_of_a_logged_in_user_goes_back_to_its_page(client, auth, team):
    Browser(client, auth, team.leader)
    url = f"/evaluations/{team.evaluation.id}/edit"
    res = client.post(
        url, data={"csrf_token": "stale"}, headers={"Referer": f"http://localhost{url}"}
    )
    assert res.status_code == 302 and res.headers["Location"] == f"{url}?restore=1"
    assert "页面已过期" in client.get(res.headers["Location"]).get_data(as_text=True)


def test_the_api_still_answers_a_missing_token_with_401(client, team):
    res = client.post(f"/api/v1/evaluations/{team.evaluation.id}/actions/advance", json={})
    assert res.status_code == 401
