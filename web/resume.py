"""接着填: a form sent after the login expired is not lost. The page's script keeps what was
typed in the browser (sessionStorage) as it is sent; when the server refuses the form because
the session is gone (the CSRF check, or the login check of a page), the person is told
"登录已过期，请重新登录" and sent to log in, then back to the page they were on with
`?restore=1`, where the script puts the text back into the form it came from."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import flash, redirect, request, url_for
from flask_login import current_user

from web.urls import local_path

RESTORE = "restore"  # the query argument that asks the page to put the kept text back
EXPIRED = "登录已过期，请重新登录。您填写的内容已保留，登录后将回到原页面。"
STALE = "页面已过期，您填写的内容已保留，请检查后再次提交。"


def is_page_form() -> bool:
    """A form sent from one of the site's pages (not the API, not the login form itself)."""
    return (
        request.method == "POST"
        and not request.path.startswith("/api/")
        and request.endpoint != "auth.login"
    )


def back_to_form():
    """Where the form was (the page that sent it) with `?restore=1`; after logging in if the
    login has expired."""
    page = _form_page()
    if current_user.is_authenticated:
        flash(STALE, "warning")
        return redirect(page)
    flash(EXPIRED, "warning")
    return redirect(url_for("auth.login", next=page))


def posted_form_page() -> str | None:
    """For a page that answers a posted form by showing its refusal: the page the form was on,
    with `?restore=1`. The script puts it in place of the POST in the browser's history, so
    that Back, Forward or a refresh load that page again (the typed text put back) instead of
    asking to resend the form ("Confirm Form Resubmission"). None for any other response."""
    return _form_page() if is_page_form() else None


def _form_page() -> str:
    referrer = urlsplit(request.referrer or "")
    same_site = not referrer.netloc or referrer.netloc == request.host
    path = local_path(referrer.path) if same_site else None
    path = path or request.path
    query = [(k, v) for k, v in parse_qsl(referrer.query, keep_blank_values=True) if k != RESTORE]
    return f"{path}?{urlencode([*query, (RESTORE, '1')])}"
