"""`jixiao sweep` and `jixiao scheduler` (reminders); registered on the `jixiao` group."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from workflow.kernel import clock


def _parse_at(value: str | None) -> datetime | None:
    """ISO-8601; without an offset it is Beijing time. Returns naive UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("应为 ISO-8601 时间，如 2024-03-25T09:00+08:00") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.LOCAL_TZ)
    return moment.astimezone(UTC).replace(tzinfo=None)


@click.command("sweep")
@click.option("--at", "at", metavar="ISO-8601", help="sweep as of this time (default: now)")
@click.option(
    "--deliver/--no-deliver",
    default=True,
    show_default=True,
    help="also send the e-mails and webhook messages that are due",
)
@with_appcontext
def sweep_command(at: str | None, deliver: bool) -> None:
    """Run one reminder sweep now (or as of --at) and print what it queued."""
    from web.scheduler import run_once

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    result = run_once(app, _parse_at(at), deliver=deliver)
    click.echo(result.summary())
    for kind, count in sorted(result.sweep.notifications.items()):
        click.echo(f"  {kind}: {count}")
    for error in result.delivery.errors:
        click.echo(f"  投递失败：{error}", err=True)


@click.command("scheduler")
@click.option(
    "--interval",
    type=int,
    default=None,
    help="seconds between sweeps (default REMINDER_SWEEP_SECONDS or 300)",
)
@click.option(
    "--poll",
    type=float,
    default=10.0,
    show_default=True,
    help="seconds between a standby's attempts to take over",
)
@click.option(
    "--no-lock",
    is_flag=True,
    hidden=True,
    help="run without leader election (tests only: shows the outbox keeps it single)",
)
@with_appcontext
def scheduler_command(interval: int | None, poll: float, no_lock: bool) -> None:
    """Run the reminder scheduler (leader-elected on PostgreSQL; a second one stands by)."""
    import logging

    from web.scheduler import run_scheduler, sweep_interval

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per run
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run_scheduler(
        app,
        interval=interval or sweep_interval(app),
        poll=poll,
        use_lock=not no_lock,
        echo=lambda line: click.echo(line, nl=True),
    )
