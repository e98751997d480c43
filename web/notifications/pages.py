"""站内通知: the inbox page, opening a notification, and the e-mail preference."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from web.auth import page_user
from web.database import db
from web.ui import require_login
from workflow.reminders import inbox
from workflow.reminders.models import NOTIFICATION_KINDS

bp = Blueprint("notification_pages", __name__, url_prefix="/notifications")
require_login(bp)


@bp.route("")
def index():
    """通知中心: newest first, unread ones marked."""
    user = page_user()
    return render_template(
        "notifications/inbox.html",
        items=inbox.inbox(db(), user, limit=200),
        kinds=NOTIFICATION_KINDS,
        email_enabled=user.email_enabled,
    )


@bp.route("/<int:notification_id>/open", methods=["POST"])
def open_(notification_id: int):
    """Mark it read and go to what it is about (the task or the evaluation)."""
    notification = inbox.mark_read(db(), page_user(), notification_id)
    target = notification.link if notification.link.startswith("/") else url_for(".index")
    return redirect(target)


@bp.route("/read-all", methods=["POST"])
def read_all():
    count = inbox.mark_all_read(db(), page_user())
    flash(f"已将 {count} 条通知标为已读", "success")
    return redirect(url_for(".index"))


@bp.route("/email", methods=["POST"])
def toggle_email():
    user = page_user()
    enabled = not user.email_enabled
    inbox.set_email_preference(db(), user, enabled)
    flash("已开启邮件提醒" if enabled else "已关闭邮件提醒（站内通知照常）", "success")
    return redirect(url_for(".index"))
