"""Typed errors of the workflow core; `web/` maps them once to HTTP statuses and flash messages."""

from __future__ import annotations


class JixiaoError(Exception):
    """Base error: a machine code and a Chinese message for people."""

    code = "error"

    def __init__(self, message: str, code: str | None = None, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class InvalidInput(JixiaoError):
    """输入有误 (400)."""

    code = "invalid_input"


class NotAllowed(JixiaoError):
    """无权操作 (403)."""

    code = "forbidden"


class NotFound(JixiaoError):
    """不存在或不可见 (404): an invisible object is reported as missing, never as forbidden."""

    code = "not_found"


class GuardFailed(JixiaoError):
    """条件未满足 (409): `details` lists every unmet guard in Chinese."""

    code = "guard_failed"


class Conflict(JixiaoError):
    """并发冲突 (409): somebody else acted first."""

    code = "conflict"
