"""The JSON API under /api/v1 (flask-smorest: schemas validate input and make the OpenAPI)."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Blueprint
from flask_smorest.arguments import ArgumentsMixin
from webargs.flaskparser import FlaskParser

from web.extensions import api, csrf


class Parser(FlaskParser):
    """Bad input is a 400 (the contract), not webargs' default 422."""

    DEFAULT_VALIDATION_STATUS = 400


ArgumentsMixin.ARGUMENTS_PARSER = Parser()


def make_blueprint(name: str, description: str) -> Blueprint:
    return Blueprint(name, __name__, url_prefix="/api/v1", description=description)


def register_api(app: Flask) -> None:
    from web.api import admin, evaluations, indicators, notifications, reports, tasks, tokens

    api.init_app(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for module in (tokens, admin, evaluations, indicators, tasks, notifications, reports):
        csrf.exempt(module.blp)  # bearer tokens, not cookies: CSRF does not apply
        api.register_blueprint(module.blp)
