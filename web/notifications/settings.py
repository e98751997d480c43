"""Reminder settings pages: an evaluation's 阶段期限, the 提醒规则 and a unit's 群机器人.

Each page calls the operation its API calls (`workflow.reminders`), which checks the same
permissions: 阶段期限 are read by whoever sees the evaluation and set by whoever may edit its
project (组长), the 提醒规则 and webhooks are the administrators'.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, url_for

import roles
from web.auth import page_user
from web.database import db
from web.notifications.forms import DeadlinesForm, ReminderPolicyForm, WebhookForm
from web.ui import form_action, form_page, require_login
from workflow.accounts.models import Unit
from workflow.kernel import access, clock
from workflow.reminders import deadlines, webhooks
from workflow.reminders import policy as reminder_policy

bp = Blueprint("reminder_settings", __name__)
require_login(bp)


def _settings_page(
    form, call: Callable[[], object], success: str, done: str, template: str, **context
):
    """Save on a valid POST and go to `done`; else the page (200 on a GET), the refusal shown
    at its fields."""

    def again(error, _status):
        return form_page(template, form, error, **context)

    return form_action(form, lambda _form: call(), success, done, again)


@bp.route("/evaluations/<int:evaluation_id>/deadlines", methods=["GET", "POST"])
def stage_deadlines(evaluation_id: int):
    """阶段期限: every stage's date, set by the 组长 while the project may be edited."""
    user = page_user()
    session = db()
    evaluation = access.get_visible(session, user, evaluation_id)
    current = deadlines.stage_deadlines(session, user, evaluation_id)
    form = DeadlinesForm(data=current)
    back = url_for("evaluation_pages.show", evaluation_id=evaluation_id)
    return _settings_page(
        form,
        lambda: deadlines.set_stage_deadlines(session, user, evaluation_id, form.deadlines()),
        "阶段期限已保存",
        back,
        "notifications/deadlines.html",
        evaluation=evaluation,
        current=current,
        can_edit=roles.can(user, "edit_project", evaluation),
        today=clock.today_local(),
    )


@bp.route("/admin/reminder-policy", methods=["GET", "POST"])
def policy():
    """提醒规则 (管理员): when reminders go out, to whom, and in which hours."""
    user = page_user()
    session = db()
    form = ReminderPolicyForm.of(reminder_policy.get_policy(session, user))
    return _settings_page(
        form,
        lambda: reminder_policy.update_policy(session, user, form.changes()),
        "提醒规则已保存",
        url_for(".policy"),
        "notifications/policy.html",
    )


@bp.route("/admin/units/<int:unit_id>/webhook", methods=["GET", "POST"])
def unit_webhook(unit_id: int):
    """单位群机器人 (管理员): the saved address shown only by its start and end."""
    user = page_user()
    session = db()
    saved = webhooks.unit_webhook(session, user, unit_id)
    unit = session.get(Unit, unit_id)
    saved_url = str(saved["url"]) if saved["url"] else None
    form = WebhookForm(data={"enabled": saved["enabled"]})
    return _settings_page(
        form,
        lambda: webhooks.set_unit_webhook(
            session, user, unit_id, form.url_to_save(saved_url), form.enabled.data
        ),
        "单位群机器人设置已保存",
        url_for(".unit_webhook", unit_id=unit_id),
        "notifications/webhook.html",
        unit=unit,
        saved_url=webhooks.masked_url(saved_url),
        enabled=saved["enabled"],
    )
