"""The Chinese web UI: one blueprint per area."""

from __future__ import annotations

from flask import Flask


def register_pages(app: Flask) -> None:
    pass
