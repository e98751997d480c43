"""`jixiao serve --workers 4` (docs/deploy.md): gunicorn with four worker processes against
PostgreSQL, and a 组长's journey through it over real HTTP: log in through the form (CSRF token),
create an evaluation, form the group, upload the work plan, 推进 to 组织实施."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import PASSWORD

WORKERS = 4
JIXIAO = str(Path(sys.executable).parent / "jixiao")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Http:
    """One user over HTTP: the session cookie of the login form, or a bearer token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token: str | None = None

    def call(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            res = conn.getresponse()
            payload = res.read()
        finally:
            conn.close()
        for cookie in res.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return res.status, payload, res.msg

    def json(self, method: str, path: str, data) -> tuple[int, dict]:
        status, payload, _ = self.call(
            method, path, json.dumps(data).encode(), {"Content-Type": "application/json"}
        )
        return status, json.loads(payload)

    def log_in(self, username: str) -> int:
        _, page, _ = self.call("GET", "/login")
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.decode())[1]
        form = {"username": username, "password": PASSWORD, "csrf_token": csrf, "next": ""}
        status, _, _ = self.call(
            "POST",
            "/login",
            urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        return status

    def upload(self, path: str, category: str, filename: str, content: bytes):
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\n'
                f"{category}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f'name="file"; filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, payload, _ = self.call(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        return status, json.loads(payload)


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's children, from /proc."""
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if lines.get("PPid", "").strip() == str(master):
            pids.append(int(status.parent.name))
    return pids


@pytest.fixture
def server(db_url, is_postgres, tmp_path):
    """`jixiao serve --workers 4` on a free loopback port; stopped (SIGTERM) at the end."""
    if not is_postgres:
        pytest.skip("runs on PostgreSQL (DATABASE_URL), as a deployment with several workers does")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "JIXIAO_INSTANCE": str(tmp_path / "instance"),
        "JIXIAO_UPLOAD_DIR": str(tmp_path / "shared-uploads"),
        "SECRET_KEY": uuid.uuid4().hex,
    }
    command = [JIXIAO, "serve", "--workers", str(WORKERS), "--port", str(port)]
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                # the master answers through its first worker; the others may still be booting
                booted = len(worker_pids(proc.pid)) == WORKERS
                if booted and Http(port).call("GET", "/login")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            log_text = (tmp_path / "gunicorn.log").read_text()
            pytest.fail(f"gunicorn did not answer on /login with {WORKERS} workers:\n{log_text}")
        yield port, proc, tmp_path
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_a_leader_journey_through_gunicorn_with_four_workers(server, make, files_dir):
    port, proc, tmp_path = server
    leader = make.make_user(name="组长甲")
    deputy, member = make.make_user(), make.make_user()
    assert len(worker_pids(proc.pid)) == WORKERS, (tmp_path / "gunicorn.log").read_text()

    browser = Http(port)
    assert browser.log_in(leader.username) == 302
    status, home, _ = browser.call("GET", "/")
    assert status == 200 and "组长甲" in home.decode()

    api = Http(port)
    status, body = api.json(
        "POST", "/api/v1/tokens", {"username": leader.username, "password": PASSWORD}
    )
    assert status == 201
    api.token = body["token"]
    status, evaluation = api.json(
        "POST",
        "/api/v1/evaluations",
        {
            "unit_id": make.unit.id,
            "project_name": "雪亮工程视频监控项目",
            "year": 2024,
            "kind": "department",
            "budget": "3000.00",
            "funds_received": "3000.00",
            "funds_spent": "2712.60",
        },
    )
    assert status == 201, evaluation
    base = f"/api/v1/evaluations/{evaluation['id']}"
    group = {"leader": leader.id, "deputies": [deputy.id], "members": [member.id]}
    status, body = api.json("PUT", f"{base}/group", group)
    assert status == 200, body
    plan = (files_dir / "work-plan.pdf").read_bytes()
    status, document = api.upload(f"{base}/documents", "work_plan", "评价工作方案.pdf", plan)
    assert status == 201, document
    status, body = api.json("POST", f"{base}/actions/advance", {})
    assert status == 200, body
    assert body["state"] == "implementation"

    # the page, from whichever worker answers, shows the new stage; the file is in the shared
    # upload directory, and every worker serves it
    status, page, _ = browser.call("GET", f"/evaluations/{evaluation['id']}")
    assert status == 200 and "组织实施" in page.decode()
    assert len(list((tmp_path / "shared-uploads").rglob("*"))) >= 1
    for _ in range(WORKERS * 2):
        status, payload, _ = api.call("GET", f"{base}/documents/{document['id']}")
        assert status == 200 and payload == plan
