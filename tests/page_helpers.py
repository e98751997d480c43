"""A logged-in user clicking through the HTML pages (the page tests' client), shared by the
page tests of every domain."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


class _Rows(HTMLParser):
    """The body rows of the table with class `css_class`: each a dict of its cells' text by
    their `data-label` (the card title's under "标题", its link under "链接")."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class, self.depth = css_class, 0
        self.rows: list[dict[str, str]] = []
        self.cell: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and self.css_class in (a.get("class") or "").split():
            self.depth = 1
        elif self.depth and tag == "tr" and self.in_body:
            self.rows.append({})
        elif self.depth and tag == "td" and self.rows:
            self.cell = a.get("data-label") or "标题"
            self.rows[-1][self.cell] = ""
        elif self.depth and tag == "a" and self.cell == "标题":
            self.rows[-1]["链接"] = a.get("href", "")
        elif self.depth and tag == "tbody":
            self.in_body = True

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth = 0
        elif tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.depth and self.cell:
            self.rows[-1][self.cell] += data.strip()

    in_body = False


def table_rows(html: str, css_class: str) -> list[dict[str, str]]:
    """What a reader sees in a table of the page: its rows, each cell by its column's label."""
    parser = _Rows(css_class)
    parser.feed(html)
    return parser.rows
