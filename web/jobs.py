"""Work that follows a request's commit, off the request: the render of an archived report's
signed PDF and Word file (`workflow.reports.operations.render_archive`).

`REPORT_RENDER` (`JIXIAO_REPORT_RENDER`) says how: `thread` (the default) starts it in a thread
of the request's process, so the response does not wait; `scheduler` leaves it to the
scheduler's next pass (`jixiao scheduler`, or the one `jixiao serve` embeds on SQLite), which
also retries failed renders and takes over those a dead process left; `inline` runs it at once
after the commit, inside the request (the tests).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import current_app

Work = Callable[[], None]

RENDER_MODES = ("thread", "scheduler", "inline")


def _thread(work: Work) -> None:
    threading.Thread(target=work, name="report-render", daemon=True).start()


def _leave_to_scheduler(work: Work) -> None:
    """The job row is committed; the scheduler's pass renders it."""


def background() -> Callable[[Work], None] | None:
    """What runs the work an action leaves for after its commit (None: at once, inline)."""
    mode = current_app.config.get("REPORT_RENDER", "thread")
    if mode not in RENDER_MODES:
        raise RuntimeError(f"REPORT_RENDER 应为 {'、'.join(RENDER_MODES)} 之一，而不是 {mode!r}")
    return {"thread": _thread, "scheduler": _leave_to_scheduler, "inline": None}[mode]
