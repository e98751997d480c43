"""On PostgreSQL: a leader and a standby `jixiao scheduler`, plus a third started by mistake
without the lock, sweep at once for a while: every reminder arrives exactly once. The leader
killed, the standby takes over and sends what was missed, once."""

from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from conftest import put_in_state
from sqlalchemy import func, select, text
from test_email import Inbox, free_port

from workflow.kernel import clock
from workflow.reminders import policy as reminder_policy
from workflow.reminders.models import Notification, OutboxMessage
from workflow.tasks import operations as tasks

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]  # tests/<domain>/this file → the repository
LEADER_LOCK = 7_310_000


@pytest.fixture
def smtp():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


class Schedulers:
    """`jixiao scheduler` processes, each with its own PostgreSQL application_name."""

    def __init__(self, db_url: str, smtp_port: int, tmp_path: Path) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "JIXIAO_INSTANCE": str(tmp_path),
            "JIXIAO_SMTP_HOST": "127.0.0.1",
            "JIXIAO_SMTP_PORT": str(smtp_port),
            "JIXIAO_BASE_URL": "https://jx.example",
        }
        self.procs: dict[str, subprocess.Popen] = {}
        self.tmp_path = tmp_path

    def start(self, name: str, *extra: str) -> None:
        log = open(self.tmp_path / f"{name}.log", "w")  # noqa: SIM115
        self.procs[name] = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from web.cli import main; main()",
                "scheduler",
                "--interval",
                "1",
                "--poll",
                "1",
                *extra,
            ],
            cwd=ROOT,
            env={**self.env, "PGAPPNAME": name},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.kill(name)


def leader_name(session) -> str | None:
    session.rollback()
    return session.scalar(
        text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.objid = :k AND l.granted"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ),
        {"k": LEADER_LOCK},
    )


def wait_for(predicate, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def all_sent(session, expected: int) -> bool:
    """Every due reminder's e-mail sent (the 新任务 notices of the same tasks aside)."""
    session.rollback()
    sent = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .join(Notification, Notification.id == OutboxMessage.notification_id)
        .where(OutboxMessage.status == "sent", Notification.kind == "task_due")
    )
    return sent == expected


def links_received(smtp: Inbox) -> collections.Counter:
    """(recipient, task link) → how many due reminders carried it (an e-mail lists several
    items; the 新任务 notice of the same task is another item, not counted)."""
    seen: collections.Counter = collections.Counter()
    for message in smtp.messages:
        title = ""
        for line in message.get_content().splitlines():
            if re.match(r"\d+\. ", line):
                title = line
            link = re.search(r"/tasks/(\d+)", line)
            if link and "任务即将到期" in title:
                seen[(message["To"], int(link.group(1)))] += 1
    return seen


def test_every_reminder_arrives_exactly_once_through_leader_standby_and_failover(
    session, team, is_postgres, db_url, smtp, tmp_path, make
):
    if not is_postgres:
        pytest.skip("runs on PostgreSQL (DATABASE_URL), where schedulers really compete")
    reminder_policy.update_policy(
        session,
        make.admin,
        {
            "weekends": True,
            "work_start": "00:00",
            "work_end": "24:00",
            "daily_digest": False,
        },
    )
    members = [team.members[0], team.members[1], *team.deputies]
    for i, user in enumerate(members):
        user.email = f"member{i}@example.gov.cn"
    session.commit()
    ev = put_in_state(session, team.evaluation, "implementation")
    created: list[int] = []

    def add_tasks(n: int) -> None:
        due = clock.today_local()
        for _ in range(n):
            user = members[len(created) % len(members)]
            task = tasks.create_task(
                session,
                team.leader,
                ev.id,
                tasks.TaskSpec(
                    kind="collect",
                    title=f"收集资料{len(created) + 1}",
                    assignee_id=user.id,
                    due_date=due,
                ),
            )
            created.append(task.id)

    procs = Schedulers(db_url, smtp.port, tmp_path)
    try:
        add_tasks(4)
        procs.start("scheduler-a")
        assert wait_for(lambda: leader_name(session) == "scheduler-a", 60)
        procs.start("scheduler-b")  # the standby
        procs.start("scheduler-c", "--no-lock")  # started by mistake, without the lock
        for _ in range(6):  # reminders keep falling due while all three sweep
            time.sleep(0.7)
            add_tasks(2)
        assert wait_for(lambda: all_sent(session, len(created)), 90)
        time.sleep(2)  # a few more sweeps by everybody: nothing may repeat
        first_phase = links_received(smtp)
        assert len(first_phase) == len(created) == 16
        assert set(first_phase.values()) == {1}, first_phase
        assert leader_name(session) == "scheduler-a"

        procs.kill("scheduler-c")
        procs.kill("scheduler-a")
        add_tasks(5)  # fall due while nobody leads
        took_over = time.monotonic()
        assert wait_for(lambda: leader_name(session) == "scheduler-b", 120)
        assert time.monotonic() - took_over < 60
        assert wait_for(lambda: all_sent(session, len(created)), 90)
        time.sleep(2)
    finally:
        procs.stop_all()
    received = links_received(smtp)
    assert len(received) == len(created) == 21
    assert set(received.values()) == {1}, received
    session.rollback()
    keys = session.scalars(
        select(Notification.dedupe_key).where(Notification.kind == "task_due")
    ).all()
    assert len(keys) == len(set(keys)) == 21  # for each task, once
    log = (tmp_path / "scheduler-b.log").read_text()
    assert "待命" in log and "本进程为主调度器" in log
    assert "提醒扫描" in (tmp_path / "scheduler-c.log").read_text()  # it did sweep alongside
