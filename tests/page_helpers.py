"""A logged-in user clicking through the HTML pages (the page tests' client), shared by the
page tests of every domain."""

from __future__ import annotations

import re

PLAN = "work-plan.pdf"


def page(res) -> str:
    return res.get_data(as_text=True)


def version_on(html: str) -> str:
    match = re.search(r'name="version"[^>]*value="(\d+)"', html)
    assert match, "no version field on the page"
    return match.group(1)


class Browser:
    """A logged-in user clicking through the pages (CSRF token taken from the page)."""

    def __init__(self, client, auth, user) -> None:
        self.client, self.auth = client, auth
        res = auth.login(user.username)
        assert res.status_code == 302, page(res)
        self.token = auth.csrf_token("/")

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def upload(self, evaluation_id: int, path, category: str = "work_plan", name: str = PLAN):
        with open(path, "rb") as fh:
            return self.post(
                f"/evaluations/{evaluation_id}/documents",
                {"category": category, "file": (fh, name)},
                content_type="multipart/form-data",
            )

    def act(self, evaluation_id: int, action: str, **data):
        url = f"/evaluations/{evaluation_id}"
        data.setdefault("version", version_on(page(self.get(url))))
        return self.post(f"{url}/actions/{action}", data, follow_redirects=True)
