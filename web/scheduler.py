"""Running the reminder sweep and delivery, and the render of archived reports' signed files
(retried until they exist): once (`jixiao sweep`), or on a schedule.

One scheduler per deployment (APScheduler's maintainers: never share a job store between
schedulers). `jixiao scheduler` leads only while it holds a PostgreSQL advisory lock on a
connection of its own; a second one waits as a standby, polling, and takes over when the
leader's connection (and with it the lock) goes away. On SQLite there is one machine and no
election. Even if two sweeps do run, the outbox's unique keys keep every reminder single.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from notifications import outbox
from notifications.senders import SmtpMailer, SmtpSettings, WebhookPoster
from web.files import store
from workflow.kernel import clock
from workflow.kernel.db import make_engine, make_sessionmaker
from workflow.reminders import policy as reminder_policy
from workflow.reminders import sweep as reminder_sweep
from workflow.reports import operations as reports

log = logging.getLogger("jixiao.scheduler")

LEADER_LOCK = 7_310_000
#: Per dialect: take the leader's lock without waiting; is it still ours?
_LOCK_SQL = {
    "postgresql": (
        "SELECT pg_try_advisory_lock(:k)",
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
        " AND objid = :k AND pid = pg_backend_pid() AND granted",
    ),
    "mysql": (
        "SELECT GET_LOCK(CONCAT('jixiao-', :k), 0)",
        "SELECT IS_USED_LOCK(CONCAT('jixiao-', :k)) = CONNECTION_ID()",
    ),
}
_LOCK_SQL["mariadb"] = _LOCK_SQL["mysql"]
DEFAULT_INTERVAL = 300  # seconds between sweeps (REMINDER_SWEEP_SECONDS / JIXIAO_SWEEP_SECONDS)
RENDER_INTERVAL = 30  # seconds between passes over the signed-report render jobs
DEFAULT_POLL = 10.0  # seconds between a standby's attempts to take the lock


def sweep_interval(app: Flask) -> int:
    value = app.config.get("REMINDER_SWEEP_SECONDS") or os.environ.get("JIXIAO_SWEEP_SECONDS")
    return int(value or DEFAULT_INTERVAL)


def outbound(app: Flask) -> outbox.Outbound:
    base_url = app.config.get("BASE_URL") or os.environ.get("JIXIAO_BASE_URL") or ""
    return outbox.Outbound(
        mailer=SmtpMailer(SmtpSettings.from_config(app.config)),
        poster=WebhookPoster(),
        base_url=base_url.rstrip("/") or "http://127.0.0.1:5000",
    )


@dataclass
class RunResult:
    sweep: reminder_sweep.SweepResult
    delivery: outbox.Delivery

    def summary(self) -> str:
        kinds = "，".join(f"{k} {v}" for k, v in sorted(self.sweep.notifications.items()))
        d = self.delivery
        return (
            f"提醒扫描 {clock.to_local(self.sweep.at):%Y-%m-%d %H:%M}：新通知 {self.sweep.total} 条"
            f"（{kinds or '无'}）；待发邮件 {self.sweep.outbox.get('email', 0)}，"
            f"待发群消息 {self.sweep.outbox.get('webhook', 0)}；"
            f"本次发出 {d.messages} 封/条（{d.sent} 项），重试中 {d.retrying}，失败 {d.failed}"
        )


def run_once(app: Flask, at: datetime | None = None, *, deliver: bool = True) -> RunResult:
    """One sweep as of `at` (naive UTC, default now), then deliver what is due."""
    session = make_sessionmaker(app.extensions["jixiao.engine"])()
    try:
        result = reminder_sweep.sweep(session, at)
        delivery = outbox.Delivery()
        if deliver:
            policy = reminder_policy.load_policy(session)
            now = at or clock.now()
            delivery = outbox.deliver(
                session,
                now,
                outbound(app),
                digest_day=reminder_policy.local(now).date() if policy["daily_digest"] else None,
                open_window=reminder_policy.delivery_window(policy, now),
            )
        return RunResult(result, delivery)
    finally:
        session.close()


# --- leader election ----------------------------------------------------------------------------


class Leadership:
    """A session lock held on a dedicated connection for as long as we lead: PostgreSQL's
    `pg_try_advisory_lock`, MySQL/MariaDB's `GET_LOCK` (both go with the connection)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url, poolclass=NullPool)
        self.conn: Connection | None = None

    @property
    def needs_lock(self) -> bool:
        return self.engine.dialect.name in _LOCK_SQL

    def try_acquire(self) -> bool:
        if not self.needs_lock:
            return True
        take, _held = _LOCK_SQL[self.engine.dialect.name]
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(conn.scalar(text(take), {"k": LEADER_LOCK}))
        except Exception:
            conn.close()
            raise
        if got:
            self.conn = conn
        else:
            conn.close()
        return got

    def alive(self) -> bool:
        """Still holding the lock? (False once the connection to the server is lost.)"""
        if not self.needs_lock:
            return True
        if self.conn is None:
            return False
        _take, held = _LOCK_SQL[self.engine.dialect.name]
        try:
            return bool(self.conn.scalar(text(held), {"k": LEADER_LOCK}))
        except Exception:  # the connection is gone, and the lock with it
            return False

    def release(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()  # closing the session releases the lock
            except Exception:
                log.debug("closing the leader connection failed", exc_info=True)
            self.conn = None
        self.engine.dispose()


def configure(
    scheduler: BaseScheduler, app: Flask, interval: int, echo: Callable[[str], None]
) -> None:
    """The sweep job: coalesced, so downtime gives one catch-up run, not one per missed run;
    it also runs at once on start, which sends what was missed while nobody led."""

    def tick() -> None:
        with app.app_context():
            try:
                echo(run_once(app).summary())
            except Exception:
                log.exception("提醒扫描失败")

    scheduler.add_job(
        tick,
        "interval",
        seconds=interval,
        id="reminder-sweep",
        next_run_time=datetime.now(clock.LOCAL_TZ),
        replace_existing=True,
    )

    def render() -> None:
        with app.app_context():
            try:
                if line := render_reports(app).summary():
                    echo(line)
            except Exception:
                log.exception("签发报告生成失败")

    scheduler.add_job(
        render,
        "interval",
        seconds=RENDER_INTERVAL,
        id="report-renders",
        next_run_time=datetime.now(clock.LOCAL_TZ),
        replace_existing=True,
    )


@dataclass
class RenderSummary:
    run: reports.RenderRun

    def summary(self) -> str:
        if not (self.run.rendered or self.run.failed):
            return ""
        return f"签发报告文件：生成 {self.run.rendered} 份，失败 {self.run.failed} 份（将重试）"


def render_reports(app: Flask, at: datetime | None = None) -> RenderSummary:
    """One pass over the archived reports whose signed files are due: new, retried, or left
    by a process that died rendering them."""
    factory = make_sessionmaker(app.extensions["jixiao.engine"])
    return RenderSummary(reports.render_due(factory, store(app), at))


def _job_defaults(interval: int) -> dict:
    return {"coalesce": True, "misfire_grace_time": max(interval, 30), "max_instances": 1}


def run_scheduler(
    app: Flask,
    *,
    interval: int,
    poll: float = DEFAULT_POLL,
    use_lock: bool = True,
    stop: threading.Event | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """`jixiao scheduler`: stand by until we hold the leader lock, then run the sweep job with
    a BlockingScheduler until the lock is lost (or `stop` is set); then stand by again."""
    stop = stop or threading.Event()
    url = app.config["DATABASE_URL"]
    waiting_said = False
    while not stop.is_set():
        lead = Leadership(url)
        if use_lock and not lead.try_acquire():
            lead.release()
            if not waiting_said:
                echo("已有主调度器在运行，本进程待命（standby）")
                waiting_said = True
            stop.wait(poll)
            continue
        waiting_said = False
        echo("本进程为主调度器（leader）" if use_lock else "调度器未加锁运行（仅供测试）")
        scheduler = BlockingScheduler(timezone=clock.LOCAL_TZ, job_defaults=_job_defaults(interval))
        configure(scheduler, app, interval, echo)

        def watch(scheduler=scheduler, lead=lead) -> None:
            if stop.is_set() or (use_lock and not lead.alive()):
                echo("失去主调度器锁，停止调度" if not stop.is_set() else "调度器停止")
                scheduler.shutdown(wait=False)

        scheduler.add_job(watch, "interval", seconds=poll, id="leader-watch")
        try:
            scheduler.start()
        finally:
            lead.release()


def start_background(app: Flask, interval: int | None = None) -> BackgroundScheduler:
    """The scheduler `jixiao serve` embeds for the single-machine SQLite default."""
    interval = interval or sweep_interval(app)
    scheduler = BackgroundScheduler(timezone=clock.LOCAL_TZ, job_defaults=_job_defaults(interval))
    configure(scheduler, app, interval, lambda line: log.info(line))
    scheduler.start()
    return scheduler
