"""The README's set-up commands stay true: CI runs exactly the test command it gives."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # tests/<domain>/this file → the repository


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_exactly_two_setup_commands():
    commands = readme_commands()
    assert len(commands) == 2
    assert "jixiao demo" in commands[0] and "jixiao serve" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci


def test_readme_documents_every_permission_and_action():
    from roles import ACTION_ROLES, PERMISSION_ROLES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in {action for action, _ in ACTION_ROLES} | set(PERMISSION_ROLES):
        assert f"`{name}`" in readme, name
