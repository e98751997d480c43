"""E-mail and webhook delivery against real servers on loopback, started by the tests."""

from __future__ import annotations

import email
import json
import socket
import threading
from datetime import date, datetime, timedelta
from email import policy as email_policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from aiosmtpd.controller import Controller
from conftest import forget_event_notices, put_in_state
from sqlalchemy import select

from notifications import outbox
from notifications.senders import SmtpMailer, SmtpSettings, WebhookPoster
from web.cli_reminders import sweep_command
from workflow.kernel import clock
from workflow.reminders import inbox
from workflow.reminders import sweep as reminder_sweep
from workflow.reminders.models import OutboxMessage, UnitSettings
from workflow.tasks import operations as tasks

FRIDAY_10 = datetime(2024, 3, 22, 2)  # 10:00 Beijing, naive UTC


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it accepts, or refuses every recipient."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.messages: list[email.message.EmailMessage] = []
        self.attempts = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts += 1
        if self.refuse:
            return "550 5.7.1 邮箱拒收 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email_policy.default)
        )
        return "250 Message accepted"


@pytest.fixture
def smtp():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture(autouse=True)
def restore_clock():
    yield
    clock.set_now(None)


@pytest.fixture
def overdue(session, team):
    """A member with an e-mail address holds a task overdue since Wednesday 2024-03-20."""
    member = team.members[0]
    member.email = "zhangsan@example.gov.cn"
    session.commit()
    ev = put_in_state(session, team.evaluation, "implementation")
    clock.set_now(lambda: datetime(2024, 3, 18, 10, tzinfo=clock.LOCAL_TZ))
    task = tasks.create_task(
        session,
        team.leader,
        ev.id,
        tasks.TaskSpec(
            kind="field_check",
            title="现场核验前端点位",
            assignee_id=member.id,
            due_date=date(2024, 3, 20),
        ),
    )
    forget_event_notices(session)  # the e-mails here are the sweep's
    return task


def deliver(session, port: int, now: datetime) -> outbox.Delivery:
    mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port, timeout=5))
    return outbox.deliver(session, now, outbox.Outbound(mailer, None, "https://jx.example"))


def test_the_sweep_command_sends_a_chinese_email_to_a_real_smtp_server(app, runner, smtp, overdue):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, BASE_URL="https://jx.example")
    try:
        result = runner.invoke(sweep_command, ["--at", "2024-03-22T10:00:00+08:00"])
    finally:
        for key in ("SMTP_HOST", "SMTP_PORT", "BASE_URL"):
            app.config.pop(key)
    assert result.exit_code == 0, result.output
    assert "新通知 2 条" in result.output and "task_overdue: 1" in result.output
    assert "本次发出 1 封/条" in result.output
    [message] = smtp.messages
    assert message["To"] == "zhangsan@example.gov.cn"
    assert message["Subject"] == "【绩效评价提醒】1 项待办：任务已逾期：现场核验前端点位"
    assert "绩效评价工作平台" in message["From"]
    body = message.get_content()
    assert "「雪亮工程视频监控项目」的任务「现场核验前端点位」已于 2024-03-20 到期" in body
    assert f"查看：https://jx.example/tasks/{overdue.id}" in body
    again = runner.invoke(sweep_command, ["--at", "2024-03-22T10:05:00+08:00"])
    assert "新通知 0 条" in again.output and len(smtp.messages) == 1


def test_a_refusing_server_is_retried_with_back_off_and_the_failure_recorded(
    session, smtp, overdue
):
    smtp.refuse = True
    reminder_sweep.sweep(session, FRIDAY_10)
    now = FRIDAY_10
    result = deliver(session, smtp.port, now)
    assert (result.sent, result.retrying, smtp.attempts) == (0, 1, 1)
    row = session.scalar(select(OutboxMessage))
    session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "550" in row.last_error
    assert row.next_attempt_at == now + timedelta(minutes=1)
    deliver(session, smtp.port, now + timedelta(seconds=59))  # not yet due again
    assert smtp.attempts == 1
    waits = []
    while row.status == "pending":
        now = row.next_attempt_at
        deliver(session, smtp.port, now)
        session.refresh(row)
        waits.append(row.next_attempt_at - now)
    assert row.status == "failed" and row.attempts == outbox.MAX_ATTEMPTS == smtp.attempts
    assert waits[:4] == [timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert "550" in row.last_error
    # the person still has the reminder in the inbox; the failure is on record
    assert inbox.unread_count(session, overdue.assignee) == 1


def test_an_unreachable_server_is_retried_and_delivered_once_it_is_back(session, smtp, overdue):
    reminder_sweep.sweep(session, FRIDAY_10)
    down = deliver(session, free_port(), FRIDAY_10)  # nothing listens there
    assert down.retrying == 1 and "SMTP 127.0.0.1" in down.errors[0]
    later = FRIDAY_10 + timedelta(minutes=1)
    assert deliver(session, smtp.port, later).sent == 1
    assert len(smtp.messages) == 1
    assert deliver(session, smtp.port, later + timedelta(hours=1)).sent == 0
    row = session.scalar(select(OutboxMessage))
    session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


class Robot(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Robot.received.append(json.loads(self.rfile.read(length).decode("utf-8")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

    def log_message(self, *args):
        pass


def test_the_units_webhook_gets_a_chat_robot_message_when_switched_on(session, team, overdue):
    server = HTTPServer(("127.0.0.1", 0), Robot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Robot.received = []
    try:
        url = f"http://127.0.0.1:{server.server_port}/robot/send?key=abc"
        session.add(UnitSettings(unit_id=team.evaluation.unit_id, webhook_url=url))
        session.commit()
        reminder_sweep.sweep(session, datetime(2024, 3, 21, 2))  # off by default: nothing queued
        settings = session.get(UnitSettings, team.evaluation.unit_id)
        settings.webhook_enabled = True
        session.commit()
        queued = reminder_sweep.sweep(session, FRIDAY_10)
        assert queued.outbox == {"email": 1, "webhook": 2}
        out = outbox.Outbound(None, WebhookPoster(timeout=5), "https://jx.example")
        assert outbox.deliver(session, FRIDAY_10, out).messages == 1
    finally:
        server.shutdown()
    [message] = Robot.received
    assert message["msgtype"] == "text"
    content = message["text"]["content"]
    assert content.startswith("【绩效评价提醒】和平县公安局")
    assert "任务已逾期：现场核验前端点位" in content and "任务逾期未完成" in content
