"""The pages' common parts: login required, the status of an error, safe local redirects, form
pages (a refusal's field problems shown at their fields), and the header's menu.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

import roles
from web import resume
from web.database import db
from web.errors import STATUS
from web.extensions import login_manager
from web.forms import whole
from workflow.kernel.errors import InvalidInput, JixiaoError, NotFound
from workflow.kernel.paging import MAX_PAGE, PER_PAGE, PageRequest
from workflow.reminders import inbox


def require_login(bp: Blueprint) -> None:
    """Every view of `bp` needs a logged-in user: the check lives here, once per blueprint."""

    @bp.before_request
    def _login_required():
        if not current_user.is_authenticated:
            if resume.is_page_form():  # sent after the login expired: keep what was typed
                return resume.back_to_form()
            return login_manager.unauthorized()
        return None


def status_of(exc: JixiaoError) -> int:
    """The HTTP status of a service error, from the one mapping in `web.errors`."""
    return next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)


def version_of(field) -> int | None:
    """The `version` a page was rendered with (None if absent: no stale-page check)."""
    try:
        return whole(str(field.data or "").strip())
    except ValueError:
        return None


AT_FIELDS = "请按下方提示补充后再保存。"


def field_of(form, name: str | None):
    """The field of `form` that the service calls `name`, or None: forms name their fields as
    the API does, or map the service's names in `service_names` ({"owner": "owner_user"}); a
    problem of no one field goes to the form's `problems_at` field if it has one (an upload
    form's file input: "“a.exe”：不支持的文件类型" beside the files chosen)."""
    name = name or getattr(form, "problems_at", None)
    if form is None or not name:
        return None
    try:
        return form[getattr(form, "service_names", {}).get(name, name)]
    except KeyError:  # a form has no .get
        return None


def attach_field_errors(form, error: JixiaoError | None) -> bool:
    """Show each field problem of a refusal next to its field; True if any found its field."""
    placed = False
    if isinstance(error, InvalidInput):
        for problem in error.errors:
            field = field_of(form, problem.field)
            if field is not None:
                field.errors = [*field.errors, problem.message]
                placed = True
    return placed


def refusal_lines(error: JixiaoError, form=None) -> list[str]:
    """What the alert above `form` says of a refusal: the problems not shown at a field of the
    form (a pointer to them, when every one is), else every unmet guard, or the message."""
    if isinstance(error, InvalidInput):
        rest = [p for p in error.errors if field_of(form, p.field) is None]
        if not rest:
            return [AT_FIELDS]
        if len(rest) == len(error.errors) == 1:
            return [error.message]
        return [p.text for p in rest]  # in words: a field not on the form named by its label
    details = error.details
    if isinstance(details, list | tuple) and len(details) > 1:
        return [str(d) for d in details]
    return [error.message]


def form_page(template: str, form, error: JixiaoError | None, **context):
    """Render a form again with the user's input, and the service's message if it refused:
    a field's problem at that field, the rest above the form (`service_error(error, form)`)."""
    attach_field_errors(form, error)
    status = status_of(error) if error else (400 if form.is_submitted() else 200)
    return render_template(template, form=form, error=error, **context), status


def nav() -> dict[str, bool]:
    """What the header offers the current user (the pages check again)."""
    if not current_user.is_authenticated:
        return {"nav_can_create": False, "nav_is_admin": False, "nav_unread": 0}
    user = current_user
    return {
        "nav_unread": inbox.unread_count(db(), user),
        "nav_can_create": roles.is_admin(user)
        or (user.unit_id is not None and roles.can_create_evaluation(user, user.unit_id)),
        "nav_is_admin": roles.is_admin(user),
    }


def page_request(arg: str = "page", per_page: int = PER_PAGE) -> PageRequest:
    """The page of a list a page asks for (`?page=N`, from 1); anything else is the first."""
    number = request.args.get(arg, type=int) or 1
    return PageRequest(min(max(number, 1), MAX_PAGE), per_page)


def page_url(number: int, arg: str = "page", anchor: str | None = None) -> str:
    """This page's URL with its filters, at page `number` of the list `arg` pages (and at
    `anchor`, for a card of a longer page)."""
    args = {**(request.view_args or {}), **request.args.to_dict(), arg: number}
    return url_for(request.endpoint, **args, _anchor=anchor)


def filter_args(filters: Mapping[str, Any] | Any) -> dict[str, Any]:
    """A list's filters (a dict or a dataclass) as the query arguments of its links (导出 Excel
    or CSV, the ZIP): only the ones set, a yes/no as 1. Never the request's own arguments,
    which may carry anything (an `?fmt=` of its own broke the export link's `url_for`)."""
    values = dataclasses.asdict(filters) if dataclasses.is_dataclass(filters) else filters
    return {k: 1 if v is True else v for k, v in values.items() if v not in (None, False, "")}


def form_action(form, call: Callable[[Any], Any], success: str, done: str, again: Callable):
    """One button of a page that holds several forms (a task's, a 整改事项's): call its service
    and go back to `done` with `success`, or show the page `again(error, status)` with the
    refusal beside the form (a missing or invisible object stays a 404)."""
    if form.validate_on_submit():
        try:
            call(form)
        except NotFound:
            raise
        except JixiaoError as exc:
            return again(exc, status_of(exc))
        flash(success, "success")
        return redirect(done)
    return again(None, 400)
