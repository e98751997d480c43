"""`jixiao serve --workers N`: the app under gunicorn's pre-fork server (部署: docs/deploy.md)."""

from __future__ import annotations

import contextvars
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class Server(BaseApplication):
    """gunicorn serving an app already built (the one `jixiao` made from the environment)."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _post_fork(_server: Any, worker: Any) -> None:
    """Each worker opens its own connections: none made before the fork may be shared."""
    worker.app.application.extensions["jixiao.engine"].dispose(close=False)


def run_gunicorn(app: Flask, bind: str, workers: int, **options: Any) -> None:
    """Serve `app` on `bind` with `workers` sync workers until stopped (SIGTERM, Ctrl+C).

    In a context of its own: the `jixiao` command's app context must not be current in the
    workers, or every request would join it (one `g`, one database session for all) instead
    of pushing its own."""
    server = Server(
        app,
        {
            "bind": bind,
            "workers": workers,
            "worker_class": "sync",
            "timeout": 120,
            "graceful_timeout": 20,
            "accesslog": "-",
            "post_fork": _post_fork,
            **options,
        },
    )
    contextvars.Context().run(server.run)
