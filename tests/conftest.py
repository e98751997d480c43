"""Fixtures: a real database (SQLite by default, PostgreSQL when DATABASE_URL is set),
the app, an HTTP client, an API client with bearer tokens, and factories."""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from web import create_app, database
from workflow import migrate
from workflow.accounts import operations as accounts
from workflow.indicators.builtin import built_in_rows
from workflow.indicators.models import IndicatorTemplate
from workflow.kernel import files as file_store
from workflow.kernel.db import make_engine, make_sessionmaker, normalize_url
from workflow.lifecycle import operations as lifecycle
from workflow.models import Base

PASSWORD = "secret-pass-1"
# Cheap hashes keep hundreds of logins fast; production keeps scrypt.
accounts.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


# --- the database ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A migrated database for this test run; on PostgreSQL or MariaDB, a database of its own."""
    server = os.environ.get("DATABASE_URL")
    if not server:
        template = tmp_path_factory.mktemp("db") / "template.db"
        migrate.upgrade(f"sqlite:///{template}")
        yield f"sqlite:///{template}"
        return
    name = f"jixiao_test_{uuid.uuid4().hex[:10]}"
    admin_url = make_url(normalize_url(server))
    admin = make_engine(
        admin_url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    quoted = admin.dialect.identifier_preparer.quote_identifier(name)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {quoted}"))  # MySQL: init-db sets utf8mb4_bin
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    yield url
    with admin.connect() as conn:
        if admin.dialect.name == "postgresql":
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
        conn.execute(text(f"DROP DATABASE IF EXISTS {quoted}"))
    admin.dispose()


@pytest.fixture
def db_url(database_url, tmp_path) -> str:
    """A clean database for one test: a copy of the migrated SQLite file, or truncated tables."""
    if database_url.startswith("sqlite"):
        copy = tmp_path / "test.db"
        shutil.copy(make_url(database_url).database, copy)
        return f"sqlite:///{copy}"
    engine = make_engine(database_url)
    with engine.begin() as conn:
        truncate_all(conn)
        # what the migrations insert, as a fresh database has it
        conn.execute(IndicatorTemplate.__table__.insert(), built_in_rows())
    engine.dispose()
    return database_url


def truncate_all(conn) -> None:
    """Empty every table and restart its ids (TRUNCATE fires no DELETE trigger: the audit
    trail's append-only triggers stay). MySQL/MariaDB truncate one table at a time (each
    recreates the table: only the ones with rows), with the foreign keys off meanwhile."""
    tables = [t.name for t in Base.metadata.sorted_tables]
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        return
    probe = " UNION ALL ".join(
        f"SELECT '{t}' FROM (SELECT 1 FROM {t} LIMIT 1) AS r" for t in tables
    )
    conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
    for table in conn.scalars(text(probe)).all():
        conn.execute(text(f"TRUNCATE TABLE {table}"))
    conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"))


@pytest.fixture
def is_postgres(db_url) -> bool:
    return db_url.startswith("postgresql")


# --- the app ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def shared_app(database_url, tmp_path_factory):
    """One app for the run (building the API spec is slow); each test rebinds its database."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE": str(tmp_path_factory.mktemp("instance")),
            "MAX_UPLOAD_BYTES": 1024 * 1024,
            "SECRET_KEY": "test",
            # The signed report renders right after the approval commits, so a test sees it.
            "REPORT_RENDER": "inline",
        }
    )


@pytest.fixture
def app(shared_app, db_url, tmp_path):
    database.bind(shared_app, db_url)
    shared_app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield shared_app
    shared_app.extensions["jixiao.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A session of the test's own (requests get theirs), for factories and for checking."""
    s = make_sessionmaker(app.extensions["jixiao.engine"])()
    yield s
    s.close()


@contextmanager
def recorded_statements(engine, *, full: bool = False) -> Iterator[list[str]]:
    """The first word of every statement sent while the block runs (`full`: the statements)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement if full else statement.split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


# --- factories --------------------------------------------------------------------------------


class Factory:
    """Build what a test needs with only what it cares about (create_user(role=…) …)."""

    def __init__(self, session) -> None:
        self.session = session
        self.seq = itertools.count(1)
        self.admin = accounts.create_admin(session, "admin", PASSWORD)
        self.bureau = self.make_bureau("和平县财政局")
        self.unit = self.make_unit("和平县公安局", self.bureau)

    def make_bureau(self, name: str | None = None):
        return accounts.save_bureau(self.session, self.admin, name or f"财政局{next(self.seq)}")

    def make_unit(self, name: str | None = None, bureau=None):
        bureau = bureau or self.bureau
        return accounts.save_unit(
            self.session, self.admin, name or f"单位{next(self.seq)}", bureau.id
        )

    def make_user(self, role: str = "unit_user", unit=None, bureau=None, name: str | None = None):
        n = next(self.seq)
        fields = accounts.UserFields(
            username=name or f"{role}{n}",
            display_name=name or f"用户{n}",
            role=role,
            password=PASSWORD,
            unit_id=(unit or self.unit).id if role == "unit_user" else None,
            bureau_id=(bureau or self.bureau).id if role == "finance_reviewer" else None,
        )
        return accounts.save_user(self.session, self.admin, fields)

    def make_evaluation(self, creator=None, unit=None, **fields):
        creator = creator or self.make_user(unit=unit)
        project = lifecycle.ProjectFields(
            project_name=fields.pop("project_name", "雪亮工程视频监控项目"),
            year=fields.pop("year", 2023),
            kind=fields.pop("kind", "department"),
            budget=fields.pop("budget", Decimal("3000.00")),
            funds_received=fields.pop("funds_received", Decimal("3000.00")),
            funds_spent=fields.pop("funds_spent", Decimal("2712.60")),
            due_date=fields.pop("due_date", date(2024, 4, 30)),
            execution_basis=fields.pop("execution_basis", None),
        )
        return lifecycle.create_evaluation(self.session, creator, creator.unit_id, project)


@pytest.fixture
def make(session) -> Factory:
    return Factory(session)


class Team:
    """A formed working group: 组长, two 副组长, two 成员, a finance reviewer."""

    def __init__(self, make: Factory, policy: str = "all", unit=None) -> None:
        unit = unit or make.unit
        self.leader = make.make_user(unit=unit, name=f"组长{next(make.seq)}")
        self.deputies = [make.make_user(unit=unit) for _ in range(2)]
        self.members = [make.make_user(unit=unit) for _ in range(2)]
        self.reviewer = make.make_user("finance_reviewer", bureau=unit.bureau)
        self.evaluation = make.make_evaluation(creator=self.leader, unit=unit)
        lifecycle.set_group(
            make.session,
            self.leader,
            self.evaluation.id,
            lifecycle.GroupSpec(
                leader=self.leader.id,
                deputies=[u.id for u in self.deputies],
                members=[u.id for u in self.members],
                approvers=[],
                approval_policy=policy,
            ),
        )

    @property
    def approvers(self):
        return [self.leader, *self.deputies]


@pytest.fixture
def team(make) -> Team:
    return Team(make)


# --- HTTP helpers -----------------------------------------------------------------------------


class ApiClient:
    """The test client with a bearer token per user: `api.as_(user).post(...)`."""

    def __init__(self, client) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}
        self.user = None

    def as_(self, user) -> ApiClient:
        other = ApiClient(self.client)
        other.tokens = self.tokens
        if user.username not in self.tokens:
            res = self.client.post(
                "/api/v1/tokens", json={"username": user.username, "password": PASSWORD}
            )
            assert res.status_code == 201, res.json
            self.tokens[user.username] = res.json["token"]
        other.user = user
        return other

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[self.user.username]}"} if self.user else {}

    def __getattr__(self, method: str):
        def call(url: str, **kwargs):
            headers = {**self._headers(), **kwargs.pop("headers", {})}
            return getattr(self.client, method)(url, headers=headers, **kwargs)

        return call


@pytest.fixture
def api(client) -> ApiClient:
    return ApiClient(client)


class AuthActions:
    """Log in through the real form, CSRF token included (flaskr's `auth` fixture)."""

    def __init__(self, client) -> None:
        self.client = client

    def csrf_token(self, url: str = "/login") -> str:
        import re

        page = self.client.get(url).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'<meta name="csrf-token" content="([^"]+)"', page
        )
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": self.csrf_token()},
        )

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf_token("/")})


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def store(app):
    """The app's document store (uploads, the signed report files) in the test's folder."""
    return file_store.DocumentStore(app.config["UPLOAD_DIR"])


@pytest.fixture
def files_dir() -> Path:
    return Path(__file__).parent / "files"


def put_in_state(session, evaluation, state: str, submitted_by=None):
    """Set up an evaluation already in `state` (a fixture shortcut past later stages' guards;
    the guards themselves are tested through `advance`)."""
    from sqlalchemy import update

    from workflow.lifecycle.models import Evaluation

    session.execute(
        update(Evaluation)
        .where(Evaluation.id == evaluation.id)
        .values(
            state=state,
            submitted_by_id=submitted_by.id if submitted_by else None,
            version=Evaluation.version + 1,
        )
    )
    session.commit()
    session.expire_all()
    return session.get(Evaluation, evaluation.id)


def forget_event_notices(session) -> None:
    """Drop the event notices so far (任务分派 …) with their outbox rows: for tests of the
    reminder sweep, which count only what the sweep made."""
    from sqlalchemy import delete

    from workflow.reminders.events import EVENT_KINDS
    from workflow.reminders.models import Notification

    session.execute(delete(Notification).where(Notification.kind.in_(EVENT_KINDS)))
    session.commit()


# --- the guards of 组织实施 and 分析评价 ----------------------------------------------------

FULL_MARKS = {
    "rate": lambda leaf: {},  # computed from the project's amounts
    "completion": lambda leaf: {"actual": leaf["target"]},
    "tiered": lambda leaf: {"band": "met", "value": leaf["weight"]},
    "deduction": lambda leaf: {"deductions": []},
    "survey": lambda leaf: {"respondents": 10, "satisfied": 10},
    "manual": lambda leaf: {"score": leaf["weight"]},
}


def fill_indicators(session, evaluation, template: str = "xueliang", actor=None):
    """Copy an indicator template into an evaluation in `implementation` (as its 组长)."""
    from workflow.indicators import operations as indicator_ops

    return indicator_ops.copy_template(session, actor or evaluation.leader, evaluation.id, template)


def score_everything(session, evaluation, actor=None, finalize: bool = True):
    """Score every leaf of an evaluation in `analysis` (full marks where the rule allows, the
    rate rules from the amounts) as its 组长, then finalise the scores."""
    from workflow.indicators import queries as indicator_queries
    from workflow.scoring import operations as scoring

    actor = actor or evaluation.leader
    for leaf in indicator_queries.leaves(indicator_queries.load_nodes(session, evaluation)):
        data = indicator_queries.leaf_dict(leaf)
        entry = scoring.ScoreEntry(
            FULL_MARKS[leaf.rule_type](data), reason="测试扣分理由", deviation_note="测试偏差说明"
        )
        scoring.score_leaf(session, actor, evaluation.id, leaf.code, entry)
    if finalize:
        scoring.finalize_scores(session, actor, evaluation.id)


def make_ready_to_advance(session, evaluation, template: str = "xueliang"):
    """Satisfy the guards of 组织实施 and 分析评价 for the evaluation's current stage, so
    `advance` only meets the guards a test is about: in `implementation` an indicator system
    (from `template`) is set up and required tasks are completed by their holders; in
    `analysis` every leaf is scored and the scores are finalised. Other stages are left alone."""
    from workflow.indicators import queries as indicator_queries
    from workflow.kernel.paging import PageRequest
    from workflow.lifecycle.models import Evaluation
    from workflow.tasks import operations as tasks
    from workflow.tasks import queries as task_queries

    everything = PageRequest(1, 1000)
    if isinstance(evaluation, int):
        evaluation = session.get(Evaluation, evaluation)
    session.refresh(evaluation)
    if evaluation.state == "implementation":
        if not indicator_queries.system_of(session, evaluation).valid:
            fill_indicators(session, evaluation, template)
        tasks_now = task_queries.list_tasks(session, evaluation.leader, evaluation.id, everything)
        for task in tasks_now.items:
            if task.required and task.status != "done":
                holder = task.assignee or evaluation.leader
                if task.status == "open":
                    tasks.claim_task(session, holder, task.id)
                tasks.complete_task(session, holder, task.id, "测试完成")
    elif evaluation.state == "analysis":
        from workflow.scoring import scorecard as scorecards

        if scorecards.finalization(session, evaluation) is None:
            score_everything(session, evaluation)
    return evaluation


@pytest.fixture
def ready_to_advance(session):
    """`ready_to_advance(evaluation_or_id)`: see `make_ready_to_advance`."""
    return lambda evaluation, template="xueliang": make_ready_to_advance(
        session, evaluation, template
    )


# --- browser tests (real Chromium): shared by the test_browser*.py modules --------------------
# Each module keeps its own skip rule (`CHROMIUM` missing → skip, or fail under CI).

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright's own download cannot work offline), headless.

    Every browser test comes through here: without Chromium they are skipped with the reason,
    except in CI (`CI` set), where a missing browser is a failure.
    """
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not installed (Debian package `chromium`)"
        if os.environ.get("CI"):
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(f"{message}; browser tests skipped")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1366, "height": 900},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


@pytest.fixture
def live_server(app):
    """The app on a free loopback port, with the test database, in a background thread."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def people(make):
    """A 组长, a 副组长 and two 成员 of 和平县公安局, with their names and titles."""

    def person(username: str, name: str, title: str):
        fields = accounts.UserFields(
            username=username,
            display_name=name,
            title=title,
            role="unit_user",
            password=PASSWORD,
            unit_id=make.unit.id,
        )
        return accounts.save_user(make.session, make.admin, fields)

    return {
        "leader": person("zhangjm", "张建明", "常务副局长"),
        "deputy": person("liuzq", "刘志强", "副局长"),
        "members": [person("chenxy", "陈晓燕", "科员"), person("wanglei", "王磊", "科员")],
    }


def shot(page, name: str) -> None:
    """A full-page screenshot in tests/artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, live_server: str, username: str) -> None:
    """Log in through the real form in a browser page."""
    from playwright.sync_api import expect

    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    expect(page.locator(".flash-success")).to_contain_text("欢迎")


def log_out(page) -> None:
    page.locator(".userbox").get_by_role("button", name="退出").click()
