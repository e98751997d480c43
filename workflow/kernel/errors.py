"""Typed errors of the workflow core; `web/` maps them once to HTTP statuses and flash messages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class JixiaoError(Exception):
    """Base error: a machine code and a Chinese message for people."""

    code = "error"

    def __init__(self, message: str, code: str | None = None, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


@dataclass(frozen=True)
class FieldError:
    """One problem with the input: the field it concerns (its name in the API; None for the
    input as a whole) and what is wrong, in Chinese."""

    field: str | None
    message: str

    def __str__(self) -> str:
        """The problem on one line, as `details` has always listed it ("reason：须写明理由")."""
        return f"{self.field}：{self.message}" if self.field else self.message

    def as_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "message": self.message}


class InvalidInput(JixiaoError):
    """输入有误 (400): `errors` says which field is wrong and why, one `FieldError` each.

    Give the problems (`FieldError`s; a plain string is a problem of no one field) and the
    message and `details` follow: the problems joined by "；", and listed one a line. A single
    field's problem is `InvalidInput.field(name, message)`. Without problems, the message is the
    one problem.
    """

    code = "invalid_input"

    def __init__(
        self,
        message: str | None = None,
        code: str | None = None,
        details: object = None,
        errors: Iterable[FieldError | str] = (),
    ) -> None:
        problems = [e if isinstance(e, FieldError) else FieldError(None, e) for e in errors]
        if message is None:
            message = "；".join(map(str, problems))
        if details is None and problems:
            details = [str(p) for p in problems]
        super().__init__(message, code, details)
        self.errors: list[FieldError] = problems or [FieldError(None, message)]

    @classmethod
    def field(cls, name: str, message: str, code: str | None = None) -> InvalidInput:
        """One field's problem (`details` names the field, as it always has)."""
        return cls(message, code=code, details=[name], errors=[FieldError(name, message)])


class Unauthenticated(JixiaoError):
    """身份验证失败 (401): a wrong username or password, a missing or revoked token."""

    code = "unauthorized"


class TooManyAttempts(JixiaoError):
    """登录失败次数过多 (429): logins from this account or address are locked for a while."""

    code = "too_many_attempts"


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
