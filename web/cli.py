"""The `jixiao` command: init-db, create-admin, demo, serve, sweep, scheduler, gc-files."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.engine import make_url
from werkzeug.serving import run_simple

from web import create_app
from web.cli_reminders import scheduler_command, sweep_command
from web.database import db
from web.files import store
from workflow import demo as demo_data
from workflow import migrate
from workflow.accounts import operations as accounts
from workflow.kernel import files as file_store
from workflow.kernel.errors import JixiaoError


def _app(*_args) -> Flask:
    return create_app()


@click.group(cls=FlaskGroup, create_app=_app, add_default_commands=False)
def main() -> None:
    """jixiao 绩效评价工作平台."""


@main.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo(f"数据库已就绪：{_safe_url(current_app.config['DATABASE_URL'])}")


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@main.command("create-admin")
@click.option("--username", required=True)
@click.option("--password", required=True)
@with_appcontext
def create_admin(username: str, password: str) -> None:
    """Create an administrator account."""
    try:
        user = accounts.create_admin(db(), username, password)
    except JixiaoError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已创建管理员 {user.username}")


@main.command("demo")
@with_appcontext
def demo() -> None:
    """Migrate and load a realistic demo data set (once); print the logins."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    created = demo_data.load(db(), store())
    click.echo("演示数据已载入。" if created else "演示数据已存在，未重复载入。")
    click.echo("登录账号（用户名 / 密码 / 角色）：")
    for username, password, label in demo_data.LOGINS:
        click.echo(f"  {username:<12} {password:<14} {label}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="more than 1: gunicorn with that many worker processes (docs/deploy.md)",
)
@click.option(
    "--scheduler/--no-scheduler",
    default=None,
    help="embed the reminder scheduler (default: on for SQLite with one worker only; else run"
    " `jixiao scheduler` as its own process)",
)
@with_appcontext
def serve(host: str, port: int, workers: int, scheduler: bool | None) -> None:
    """Run the web server: Werkzeug's threaded server, or gunicorn with `--workers N`."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if workers > 1:
        if scheduler:
            raise click.UsageError("多个工作进程时请单独运行 `jixiao scheduler`，勿用 --scheduler")
        from web.server import run_gunicorn

        click.echo(f"jixiao 已启动：http://{host}:{port}/  （gunicorn，{workers} 个工作进程）")
        run_gunicorn(app, f"{host}:{port}", workers)
        return
    if scheduler is None:
        scheduler = app.config["DATABASE_URL"].startswith("sqlite")
    if scheduler:
        from web.scheduler import start_background

        start_background(app)
        click.echo("已启用内置提醒调度器")
    click.echo(f"jixiao 已启动：http://{host}:{port}/  （Ctrl+C 停止）")
    # Not app.run(): Flask ignores it inside its own CLI.
    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.command("gc-files")
@click.option(
    "--older-than",
    default=int(file_store.GC_MIN_AGE.total_seconds() // 60),
    show_default=True,
    type=click.IntRange(min=5),
    help="minutes: only files older than this are swept",
)
@click.option("--dry-run", is_flag=True, help="list what would go, delete nothing")
@with_appcontext
def gc_files(older_than: int, dry_run: bool) -> None:
    """清理孤立文件: delete stored files no row refers to (left by a transaction that died
    between writing its file and committing). Safe to run at any time, e.g. from cron."""
    swept = file_store.sweep_orphans(db(), store(), timedelta(minutes=older_than), dry_run)
    for path in swept:
        click.echo(f"  {path.name}")
    click.echo(f"{'将删除' if dry_run else '已删除'} {len(swept)} 个无记录引用的文件")


main.add_command(sweep_command)
main.add_command(scheduler_command)
