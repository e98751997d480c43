"""财政局, 预算单位, users and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.kernel import clock
from workflow.kernel.base import Base, _in, taken

SYSTEM_ROLES = ("admin", "unit_user", "finance_reviewer")


class Bureau(Base):
    """财政局: covers the budget units of its area."""

    __tablename__ = "bureaus"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, info=taken("财政局名称已存在"))
    region: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    units: Mapped[list[Unit]] = relationship(back_populates="bureau")


class Unit(Base):
    """预算单位 (e.g. 某县公安局): owns projects and their evaluations."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, info=taken("预算单位名称已存在"))
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    bureau: Mapped[Bureau] = relationship(back_populates="units")


class User(Base):
    """A person: administrator, unit user (单位用户) or finance reviewer (财政局审核人)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({_in(SYSTEM_ROLES)})", name="role"),
        CheckConstraint(
            "(role != 'unit_user' OR unit_id IS NOT NULL)"
            " AND (role != 'finance_reviewer' OR bureau_id IS NOT NULL)",
            name="affiliation",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True, info=taken("用户名已被使用"))
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    title: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    email_enabled: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    # 会话纪元: part of the id a login cookie holds; raised to end every session at once
    # (logout, password change, deactivation), so a cookie saved before never works again.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    unit: Mapped[Unit | None] = relationship()
    bureau: Mapped[Bureau | None] = relationship()

    # Flask-Login protocol, kept here so the core needs no web import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What the login cookie keeps: the id and the session epoch ("12:3")."""
        return f"{self.id}:{self.session_epoch}"


class ApiToken(Base):
    """A bearer token for `/api/v1`; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """登录失败计数: failed logins of one account ("user:<name>") or one address
    ("addr:<ip>"), kept in the database so every worker and host sees the same count."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
