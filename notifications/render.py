"""Chinese subjects and bodies from `templates/notifications/` (plain Jinja: no request needed)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "notifications"


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=False,  # plain-text mail and chat messages
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context).strip()


def digest(name: str, items: list[dict[str, str]], base_url: str) -> tuple[str, str]:
    """(subject, body) of the daily e-mail digest for one person."""
    context = {"name": name, "items": items, "base_url": base_url}
    return render("digest_subject.txt", **context), render("digest_body.txt", **context) + "\n"


def webhook_text(unit: str, items: list[dict[str, str]], base_url: str) -> str:
    return render("webhook.txt", unit=unit, items=items, base_url=base_url)
