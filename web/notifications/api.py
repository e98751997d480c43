"""Notifications API (站内通知): my inbox, mark read; the reminder policy; my preferences."""

from __future__ import annotations

from flask.views import MethodView

from web.notifications.schemas import (
    InboxOut,
    InboxQuery,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    ReadAllOut,
    ReminderPolicySchema,
    StageDeadlines,
    WebhookSchema,
)
from web.rest import caller, document_errors, make_blueprint, session
from workflow.reminders import deadlines, inbox, webhooks
from workflow.reminders import policy as reminder_policy

blp = make_blueprint("notifications", "提醒与通知：站内通知、提醒规则、邮件偏好")


@blp.route("/notifications")
@blp.arguments(InboxQuery, location="query")
@blp.response(200, InboxOut)
def my_inbox(query):
    """My notifications, newest first, with the unread count."""
    user = caller()
    items = inbox.inbox(session(), user, limit=query["limit"], unread_only=query["unread"])
    return {"unread": inbox.unread_count(session(), user), "items": items}


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationOut)
@document_errors(blp, 404)
def read_one(notification_id):
    """Mark one of my notifications read."""
    return inbox.mark_read(session(), caller(), notification_id)


@blp.route("/notifications/read-all", methods=["POST"])
@blp.response(200, ReadAllOut)
def read_all():
    """Mark all my notifications read."""
    user = caller()
    marked = inbox.mark_all_read(session(), user)
    return {"marked": marked, "unread": inbox.unread_count(session(), user)}


@blp.route("/reminder-policy")
class Policy(MethodView):
    @blp.response(200, ReminderPolicySchema)
    @document_errors(blp, 403)
    def get(self):
        """The reminder policy in force (administrators)."""
        return reminder_policy.get_policy(session(), caller())

    @blp.arguments(ReminderPolicySchema)
    @blp.response(200, ReminderPolicySchema)
    @document_errors(blp, 400, 403)
    def put(self, data):
        """Change the reminder policy (administrators); omitted settings stay as they are."""
        return reminder_policy.update_policy(session(), caller(), data)


@blp.route("/users/me/preferences")
class Preferences(MethodView):
    @blp.response(200, PreferencesOut)
    def get(self):
        """My reminder preferences."""
        return caller()

    @blp.arguments(PreferencesIn)
    @blp.response(200, PreferencesOut)
    @document_errors(blp, 400)
    def put(self, data):
        """My e-mail reminders on or off (in-app notifications always stay)."""
        return inbox.set_email_preference(session(), caller(), data["email"])


@blp.route("/units/<int:unit_id>/webhook")
class UnitWebhook(MethodView):
    @blp.response(200, WebhookSchema)
    @document_errors(blp, 403, 404)
    def get(self, unit_id):
        """The unit's chat-robot webhook (administrators); off unless switched on."""
        return webhooks.unit_webhook(session(), caller(), unit_id)

    @blp.arguments(WebhookSchema)
    @blp.response(200, WebhookSchema)
    @document_errors(blp, 400, 403, 404)
    def put(self, data, unit_id):
        """Set the unit's webhook URL (http/https) and switch it on or off (administrators)."""
        return webhooks.set_unit_webhook(session(), caller(), unit_id, data["url"], data["enabled"])


@blp.route("/evaluations/<int:evaluation_id>/deadlines")
class Deadlines(MethodView):
    @blp.response(200, StageDeadlines)
    @document_errors(blp, 404)
    def get(self, evaluation_id):
        """The evaluation's stage deadlines (阶段期限)."""
        return {"deadlines": deadlines.stage_deadlines(session(), caller(), evaluation_id)}

    @blp.arguments(StageDeadlines)
    @blp.response(200, StageDeadlines)
    @document_errors(blp, 400, 403, 404)
    def put(self, data, evaluation_id):
        """Set stage deadlines (组长, in the working stages); null removes one."""
        saved = deadlines.set_stage_deadlines(session(), caller(), evaluation_id, data["deadlines"])
        return {"deadlines": saved}
