"""Every audit event has a label: `audit_row` refuses a name that is not in `EVENTS`, and every
event name the code writes is one of them (and every label is written by some code)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from workflow.kernel.audit import EVENTS, audit_row
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import ACTIONS

WORKFLOW = Path(__file__).resolve().parents[2] / "workflow"  # tests/kernel/this file


def test_an_unknown_event_is_refused():
    evaluation = Evaluation(id=1, state="preparation", round=1)
    assert audit_row(evaluation, None, "task_created")["action"] == "task_created"
    with pytest.raises(ValueError, match="task_craeted"):
        audit_row(evaluation, None, "task_craeted")


def _trees() -> list[ast.Module]:
    return [ast.parse(path.read_text(encoding="utf-8")) for path in WORKFLOW.rglob("*.py")]


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _writers(trees: list[ast.Module]) -> dict[str, int]:
    """Functions that write an event, with the position of their `action` argument: `audit` and
    `audit_row`, and every function passing its own `action` parameter on to one of them."""
    writers = {"audit": 3, "audit_row": 2}
    functions = [
        node
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and "action" in [a.arg for a in node.args.args]
    ]
    grown = True
    while grown:
        grown = False
        for function in functions:
            if function.name in writers:
                continue
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                if _action_argument(call, writers) == "action":
                    writers[function.name] = [a.arg for a in function.args.args].index("action")
                    grown = True
                    break
    return writers


def _action_argument(call: ast.Call, writers: dict[str, int]) -> str | None:
    """The name (a literal, or the variable `action`) a writer call passes as its event."""
    index = writers.get(_name(call) or "")
    if index is None:
        return None
    given = next((k.value for k in call.keywords if k.arg == "action"), None)
    if given is None and len(call.args) > index:
        given = call.args[index]
    if isinstance(given, ast.Constant) and isinstance(given.value, str):
        return given.value
    if isinstance(given, ast.Name):
        return given.id
    return None


def written_events() -> set[str]:
    trees = _trees()
    writers = _writers(trees)
    found = {
        _action_argument(call, writers)
        for tree in trees
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
    }
    return {name for name in found if name and name != "action"} | _event_tables(trees)


def _event_tables(trees) -> set[str]:
    """The values of module-level `…_EVENTS = {…: "event"}` tables: events written through a
    lookup (`audit(…, MOVE_EVENTS[move])`, the 整改 moves)."""
    tables = set()
    for tree in trees:
        for node in tree.body:
            if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Dict):
                continue
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if any(name.endswith("_EVENTS") for name in names):
                tables |= {
                    v.value
                    for v in node.value.values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)
                }
    return tables


def test_every_event_written_has_a_label():
    written = written_events()
    assert {"task_created", "scores_unlocked", "report_commented", "create"} <= written
    assert sorted(written - set(EVENTS)) == []


def test_every_label_is_of_an_event_written():
    """No label outlives its event (the lifecycle's actions are written by `perform`)."""
    assert sorted(set(EVENTS) - set(ACTIONS) - written_events()) == []
