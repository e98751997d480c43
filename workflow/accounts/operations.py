"""Administration (系统管理): finance bureaus, budget units, users, login and API tokens."""

from __future__ import annotations

import functools
import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from werkzeug.security import check_password_hash, generate_password_hash

import roles
from workflow.accounts.models import SYSTEM_ROLES, ApiToken, Bureau, LoginFailure, Unit, User
from workflow.kernel import clock
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import (
    FieldError,
    InvalidInput,
    NotAllowed,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)
from workflow.kernel.paging import Page, PageRequest, paginate
from workflow.lifecycle.models import Evaluation

TOKEN_LIFETIME = timedelta(days=30)

MIN_PASSWORD = 8

# scrypt costs ~0.2 s a hash here, as it should for people; test suites may lower it.
PASSWORD_HASH_METHOD = "scrypt"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


def _require_admin(actor: User) -> None:
    roles.require_admin(actor)


def get_object(session: Session, model: type, object_id: int, label: str):
    obj = session.get(model, object_id)
    if obj is None:
        raise NotFound(f"{label}不存在")
    return obj


def _unique(session: Session, column, value: str, label: str, exclude_id: int | None = None):
    """Refuse a name already taken, naming it; one saved meanwhile is refused by the unique
    constraint instead (see `unit_of_work`)."""
    stmt = select(func.count()).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(column.class_.id != exclude_id)
    if session.scalar(stmt):
        raise InvalidInput.field(column.key, f"{label}“{value}”已存在", code="duplicate")


def _name(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput.field("name", f"{label}不能为空")
    return value


@unit_of_work
def save_bureau(
    session: Session, actor: User, name: str, region: str = "", bureau_id: int | None = None
) -> Bureau:
    """Create a finance bureau (财政局), or rename one when `bureau_id` is given."""
    _require_admin(actor)
    name = _name(name, "财政局名称")
    _unique(session, Bureau.name, name, "财政局", bureau_id)
    bureau = get_object(session, Bureau, bureau_id, "财政局") if bureau_id else Bureau()
    bureau.name, bureau.region = name, (region or "").strip()
    session.add(bureau)
    session.flush()
    return bureau


@unit_of_work
def delete_bureau(session: Session, actor: User, bureau_id: int) -> None:
    _require_admin(actor)
    bureau = get_object(session, Bureau, bureau_id, "财政局")
    in_use = session.scalar(
        select(func.count()).select_from(Unit).where(Unit.bureau_id == bureau_id)
    )
    in_use += session.scalar(
        select(func.count()).select_from(User).where(User.bureau_id == bureau_id)
    )
    if in_use:
        raise InvalidInput("该财政局下仍有预算单位或用户，不能删除", code="in_use")
    session.delete(bureau)


@unit_of_work
def save_unit(
    session: Session, actor: User, name: str, bureau_id: int, unit_id: int | None = None
) -> Unit:
    """Create a budget unit (预算单位) under a bureau, or edit one when `unit_id` is given."""
    _require_admin(actor)
    name = _name(name, "单位名称")
    if session.get(Bureau, bureau_id) is None:
        raise InvalidInput.field("bureau_id", "所属财政局不存在")
    _unique(session, Unit.name, name, "预算单位", unit_id)
    unit = get_object(session, Unit, unit_id, "预算单位") if unit_id else Unit()
    unit.name, unit.bureau_id = name, bureau_id
    session.add(unit)
    session.flush()
    return unit


@unit_of_work
def delete_unit(session: Session, actor: User, unit_id: int) -> None:
    _require_admin(actor)
    unit = get_object(session, Unit, unit_id, "预算单位")
    used = session.scalar(select(func.count()).select_from(User).where(User.unit_id == unit_id))
    used += session.scalar(
        select(func.count()).select_from(Evaluation).where(Evaluation.unit_id == unit_id)
    )
    if used:
        raise InvalidInput("该单位仍有用户或评价，不能删除", code="in_use")
    session.delete(unit)


@dataclass
class UserFields:
    """A user's account (用户); `role` defaults to 单位用户, the common case."""

    username: str
    display_name: str
    role: str = "unit_user"
    password: str | None = None
    unit_id: int | None = None
    bureau_id: int | None = None
    title: str = ""
    email: str | None = None
    active: bool = True


#: What each system role belongs to: (the field, its label, the model), or None for 管理员.
ROLE_HOME: dict[str, tuple[str, str, type] | None] = {
    "admin": None,
    "unit_user": ("unit_id", "预算单位", Unit),
    "finance_reviewer": ("bureau_id", "财政局", Bureau),
}


def _check_home(session: Session, fields: UserFields) -> list[FieldError]:
    """单位用户 belong to a 预算单位, 财政局审核人 to a 财政局, 管理员 to neither: a unit or
    bureau chosen that the role does not take is a mistake on that field, not dropped silently."""
    home = ROLE_HOME.get(fields.role)
    role = roles.ROLE_LABELS.get(fields.role, fields.role)
    problems = []
    for name, label, model in filter(None, ROLE_HOME.values()):
        value = getattr(fields, name)
        if home is not None and home[0] == name:
            if value is None or session.get(model, value) is None:
                problems.append(FieldError(name, f"{role}必须属于一个已存在的{label}"))
        elif value is not None:
            problems.append(FieldError(name, f"{role}不属于{label}：请清空所属{label}，或改选角色"))
    return problems


def _check_user(session: Session, fields: UserFields, creating: bool) -> list[FieldError | str]:
    problems: list[FieldError | str] = []
    if not fields.username.strip():
        problems.append("用户名不能为空")
    if not fields.display_name.strip():
        problems.append("姓名不能为空")
    if fields.role not in SYSTEM_ROLES:
        problems.append(FieldError("role", "角色应为管理员、单位用户或财政局审核人"))
    if creating and not fields.password:
        problems.append("密码不能为空")
    if fields.password and len(fields.password) < MIN_PASSWORD:
        problems.append(f"密码至少 {MIN_PASSWORD} 位")
    if fields.role in SYSTEM_ROLES:
        problems.extend(_check_home(session, fields))
    return problems


@unit_of_work
def save_user(
    session: Session, actor: User, fields: UserFields, user_id: int | None = None
) -> User:
    """Create a user, or edit one when `user_id` is given (a blank password keeps the old one)."""
    _require_admin(actor)
    problems = _check_user(session, fields, creating=user_id is None)
    if problems:
        raise InvalidInput(errors=problems)
    username = fields.username.strip()
    _unique(session, User.username, username, "用户名", user_id)
    user = get_object(session, User, user_id, "用户") if user_id else User()
    user.username = username
    user.display_name = fields.display_name.strip()
    user.role = fields.role
    user.unit_id = fields.unit_id if fields.role == "unit_user" else None
    user.bureau_id = fields.bureau_id if fields.role == "finance_reviewer" else None
    user.title = fields.title.strip()
    user.email = (fields.email or "").strip() or None
    if user_id and (fields.password or (user.active and not fields.active)):
        revoke_access(session, user)  # a new password or 停用: every old login ends
    user.active = fields.active
    if fields.password:
        user.password_hash = hash_password(fields.password)
    session.add(user)
    session.flush()
    return user


@unit_of_work
def deactivate_user(session: Session, actor: User, user_id: int) -> None:
    """停用用户 (users are never deleted: the audit trail names them)."""
    _require_admin(actor)
    user = get_object(session, User, user_id, "用户")
    if user.id == actor.id:
        raise InvalidInput("不能停用自己的账号")
    user.active = False
    revoke_access(session, user)


@unit_of_work
def change_own_password(session: Session, user_id: int, current: str, new: str) -> User:
    """修改密码: a user changes their own password, giving the current one; every other login
    and API token of theirs ends (the caller logs this browser in again)."""
    user = get_object(session, User, user_id, "用户")
    problems = []
    if not check_password_hash(user.password_hash, current or ""):
        problems.append(FieldError("current", "当前密码不正确"))
    if len(new or "") < MIN_PASSWORD:
        problems.append(FieldError("new", f"新密码至少 {MIN_PASSWORD} 位"))
    elif new == current:
        problems.append(FieldError("new", "新密码不能与当前密码相同"))
    if problems:
        raise InvalidInput(errors=problems)
    revoke_access(session, user)
    user.password_hash = hash_password(new)
    return user


def revoke_access(session: Session, user: User) -> None:
    """End every session and API token of `user` (吊销登录): a password change, a deactivation.
    Reactivating the user later revives none of them."""
    end_sessions(session, user)
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


def end_sessions(session: Session, user: User) -> None:
    """End every browser session of `user`: each login cookie carries the old epoch."""
    user.session_epoch = (user.session_epoch or 0) + 1


@unit_of_work
def log_out(session: Session, user_id: int) -> None:
    """退出: the user's browser sessions end everywhere, a saved cookie included."""
    user = session.get(User, user_id)
    if user is not None:
        end_sessions(session, user)


def user_for_session(session: Session, session_id: str) -> User | None:
    """The active user a login cookie's id ("12:3") names, if its epoch is still current."""
    user_id, _, epoch = (session_id or "").partition(":")
    if not (user_id.isdecimal() and epoch.isdecimal()) or len(user_id) > 10:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or str(user.session_epoch) != epoch:
        return None
    return user


@unit_of_work
def create_admin(session: Session, username: str, password: str) -> User:
    """`jixiao create-admin`: the first administrator, created without an acting user."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD} 位")
    _unique(session, User.username, username, "用户名")
    user = User(
        username=username,
        display_name="系统管理员",
        role="admin",
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session, username: str, password: str, client_addr: str | None = None
) -> User | None:
    """The active user with this username and password, else None (登录); a deactivated
    account with the right password is refused with "账号已停用，请联系管理员" (NotAllowed).

    Failures are counted per account and per address (`LOGIN_LIMITS`), each in a transaction of
    its own so a refused login still counts; past the limit logins are locked for a while that
    doubles with each further failure (`TooManyAttempts`, "登录失败次数过多，请N分钟后再试").
    An unknown username costs a password hash like a wrong password, so time tells nothing.
    """
    username = (username or "").strip()
    keys = _throttle_keys(username, client_addr)
    _refuse_if_locked(session, keys)
    user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None else _dummy_hash(PASSWORD_HASH_METHOD)
    matches = check_password_hash(stored, password or "")
    if user is None or not matches:
        _count_failures(session, keys)
        return None
    _forget_failures(session, keys[:1])
    if not user.active:  # told only to whoever knows the password
        raise NotAllowed(DISABLED, code="account_disabled")
    return user


DISABLED = "账号已停用，请联系管理员"

# Logins refused before a lock: per account, and per address (several offices share one NAT
# address, so it allows more); a lock starts at LOCK_FIRST and doubles, at most LOCK_LONGEST.
LOGIN_LIMITS = {"user": 5, "addr": 20}
LOCK_FIRST = timedelta(minutes=1)
LOCK_LONGEST = timedelta(minutes=60)
FAILURE_MEMORY = timedelta(hours=1)  # a failure older than this no longer counts


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(8), method=method)


def _throttle_keys(username: str, client_addr: str | None) -> list[tuple[str, int]]:
    keys = [(f"user:{username.lower()[:150]}", LOGIN_LIMITS["user"])]
    if client_addr:
        keys.append((f"addr:{client_addr[:150]}", LOGIN_LIMITS["addr"]))
    return keys


def _refuse_if_locked(session: Session, keys: list[tuple[str, int]]) -> None:
    now = clock.now()
    names = [key for key, _ in keys]
    until = session.scalar(
        select(func.max(LoginFailure.locked_until)).where(
            LoginFailure.key.in_(names), LoginFailure.locked_until > now
        )
    )
    if until is not None:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        raise TooManyAttempts(f"登录失败次数过多，请{minutes}分钟后再试")


@unit_of_work
def _count_failures(session: Session, keys: list[tuple[str, int]]) -> None:
    now = clock.now()
    for key, limit in keys:
        row = _failure_row(session, key, now)
        recent = row.last_at >= now - FAILURE_MEMORY
        row.failures = row.failures + 1 if recent else 1
        row.last_at = now
        if row.failures >= limit:
            lock = LOCK_FIRST * 2 ** min(row.failures - limit, 10)
            row.locked_until = now + min(lock, LOCK_LONGEST)


def _failure_row(session: Session, key: str, now) -> LoginFailure:
    """The counter of `key`, locked for this transaction; made if new (two workers making it
    at once: the loser reads the winner's row)."""
    stmt = select(LoginFailure).where(LoginFailure.key == key).with_for_update()
    row = session.scalar(stmt)
    if row is None:
        try:
            with session.begin_nested():
                session.add(LoginFailure(key=key, failures=0, last_at=now))
        except IntegrityError:
            pass
        row = session.scalar(stmt)
    return row


@unit_of_work
def _forget_failures(session: Session, keys: list[tuple[str, int]]) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key.in_([k for k, _ in keys])))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, username: str, password: str, client_addr: str | None = None
) -> str:
    """A new bearer token for the API (登录); only its hash is kept."""
    user = authenticate(session, username, password, client_addr)
    if user is None:
        raise Unauthenticated("用户名或密码错误", code="bad_credentials")
    return _new_token(session, user)


@unit_of_work
def _new_token(session: Session, user: User) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=_hash_token(token),
            created_at=clock.now(),
            expires_at=clock.now() + TOKEN_LIFETIME,
        )
    )
    return token


def token_row(session: Session, token: str) -> ApiToken | None:
    """The unexpired token row of an active user for a bearer token, else None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is None or row.expires_at < clock.now() or not row.user.active:
        return None
    return row


def user_for_token(session: Session, token: str) -> User | None:
    row = token_row(session, token)
    return row.user if row is not None else None


def list_tokens(session: Session, actor: User) -> list[ApiToken]:
    """The caller's own API tokens (访问令牌), newest first; only their hashes are kept."""
    stmt = select(ApiToken).where(ApiToken.user_id == actor.id, ApiToken.expires_at >= clock.now())
    return list(session.scalars(stmt.order_by(ApiToken.id.desc())))


@unit_of_work
def revoke_token(session: Session, actor: User, token_id: int) -> None:
    """吊销 one of the caller's own tokens; another user's answers as a missing one."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.id:
        raise NotFound("访问令牌不存在")
    session.delete(row)


def list_bureaus(session: Session) -> list[Bureau]:
    return list(session.scalars(select(Bureau).order_by(Bureau.id)))


def list_units(session: Session, bureau_id: int | None = None) -> list[Unit]:
    stmt = select(Unit).order_by(Unit.id)
    if bureau_id:
        stmt = stmt.where(Unit.bureau_id == bureau_id)
    return list(session.scalars(stmt))


def units_page(session: Session, page: PageRequest) -> Page[Unit]:
    """预算单位 for the administrators' list, a page at a time, with their bureau."""
    stmt = select(Unit).options(selectinload(Unit.bureau)).order_by(Unit.id)
    return paginate(session, stmt, page)


def users_page(session: Session, page: PageRequest, search: str | None = None) -> Page[User]:
    """用户 for the administrators' list, a page at a time (`search`: in 用户名 or 姓名), with
    their unit and bureau."""
    stmt = select(User).options(selectinload(User.unit), selectinload(User.bureau))
    if search:
        stmt = stmt.where(
            User.username.icontains(search, autoescape=True)
            | User.display_name.icontains(search, autoescape=True)
        )
    return paginate(session, stmt.order_by(User.id), page)


def list_users(session: Session, unit_id: int | None = None) -> list[User]:
    stmt = select(User).order_by(User.id)
    if unit_id:
        stmt = stmt.where(User.unit_id == unit_id)
    return list(session.scalars(stmt))
