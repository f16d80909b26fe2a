"""Staff accounts: create, authenticate with a rate limit, API tokens, and what an account may see."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, false, func, select, true
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from scheduler.accounts.models import LoginAttempt, Role, StaffAccount
from scheduler.errors import DomainError, NotFound, ValidationError
from scheduler.territory.models import Community, District, Street

# Five failures per account and address within ten minutes lock that pair out until the oldest
# failure leaves the window. Why per pair: a typo-prone coordinator on the street office's shared
# address must not lock out colleagues, and one attacker cannot lock out an account from elsewhere.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=10)
ATTEMPT_RETENTION = timedelta(days=1)
MIN_PASSWORD_LENGTH = 10
PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default, named so tests may pick a cheaper one
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")


class Forbidden(DomainError):
    status = 403


class TooManyAttempts(DomainError):
    status = 429


@dataclass(frozen=True, slots=True)
class Scope:
    """What an account may see: one district, one street or one community."""

    role: Role
    district_id: int | None
    street_id: int | None
    community_id: int | None

    @classmethod
    def of(cls, account: StaffAccount) -> Scope:
        return cls(account.role, account.district_id, account.street_id, account.community_id)

    def community_clause(self) -> ColumnElement[bool]:
        """A WHERE clause on ``Community`` (joined to ``Street``) selecting the communities in scope."""
        if self.role is Role.DISTRICT_ADMIN:
            return Street.district_id == self.district_id if self.district_id is not None else false()
        if self.role is Role.STREET_COORDINATOR:
            return Community.street_id == self.street_id if self.street_id is not None else false()
        return Community.id == self.community_id if self.community_id is not None else false()

    def street_clause(self) -> ColumnElement[bool]:
        """A WHERE clause on ``Street``: the streets this account works in (whole or in part)."""
        if self.role is Role.DISTRICT_ADMIN:
            return Street.district_id == self.district_id if self.district_id is not None else false()
        if self.role is Role.STREET_COORDINATOR:
            return Street.id == self.street_id if self.street_id is not None else false()
        if self.community_id is None:
            return false()
        return Street.id.in_(select(Community.street_id).where(Community.id == self.community_id))

    @property
    def whole_streets(self) -> bool:
        """District admins and street coordinators act on whole streets (rosters, publishing)."""
        return self.role is not Role.COMMUNITY_COORDINATOR


def forbidden() -> Forbidden:
    return Forbidden("forbidden", "您没有权限查看或修改这项内容", "you may not see or change this")


def community_ids_in_scope(*, session: Session, scope: Scope) -> list[int]:
    stmt = select(Community.id).join(Street).where(scope.community_clause()).order_by(Community.id)
    return list(session.scalars(stmt))


def streets_in_scope(*, session: Session, scope: Scope) -> list[Street]:
    return list(session.scalars(select(Street).where(scope.street_clause()).order_by(Street.id)))


def ensure_community_in_scope(*, session: Session, scope: Scope, community_id: int) -> None:
    """Raise Forbidden unless the community is inside the scope (404 is the caller's job)."""
    stmt = select(Community.id).join(Street).where(Community.id == community_id, scope.community_clause())
    if session.scalar(stmt) is None:
        raise forbidden()


def ensure_street_in_scope(*, session: Session, scope: Scope, street_id: int, whole: bool = False) -> None:
    """Raise Forbidden unless the street is in scope; ``whole``: the account must hold the whole street."""
    if whole and not scope.whole_streets:
        raise forbidden()
    if session.scalar(select(Street.id).where(Street.id == street_id, scope.street_clause())) is None:
        raise forbidden()


def _check_scope(session: Session, role: Role, scope_id: int) -> tuple[int | None, int | None, int | None]:
    models: dict[Role, type[District] | type[Street] | type[Community]] = {
        Role.DISTRICT_ADMIN: District,
        Role.STREET_COORDINATOR: Street,
        Role.COMMUNITY_COORDINATOR: Community,
    }
    model = models[role]
    if session.get(model, scope_id) is None:
        kind_zh = {District: "区", Street: "街道", Community: "社区"}[model]
        raise NotFound(
            "scope_not_found",
            f"没有编号为 {scope_id} 的{kind_zh}",
            f"no {model.__tablename__} {scope_id}",
        )
    return (
        scope_id if role is Role.DISTRICT_ADMIN else None,
        scope_id if role is Role.STREET_COORDINATOR else None,
        scope_id if role is Role.COMMUNITY_COORDINATOR else None,
    )


def create_account(
    *,
    session: Session,
    username: str,
    password: str,
    role: Role | str,
    scope_id: int,
    display_name: str | None = None,
    now: datetime | None = None,
) -> StaffAccount:
    """Create a staff account scoped to the district, street or community ``scope_id`` its role names."""
    username = username.strip()
    if not _USERNAME.match(username):
        raise ValidationError(
            "username_invalid",
            "用户名须为 3–64 位字母、数字或 _ . -",
            "a username is 3–64 letters, digits or _ . -",
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "password_too_short",
            f"密码至少 {MIN_PASSWORD_LENGTH} 位",
            f"a password has at least {MIN_PASSWORD_LENGTH} characters",
        )
    try:
        role = Role(role)
    except ValueError as exc:
        raise ValidationError(
            "role_invalid",
            f"没有这个角色：{role}（可选：{', '.join(r.value for r in Role)}）",
            f"no such role: {role} (one of {', '.join(r.value for r in Role)})",
        ) from exc
    if session.scalar(select(StaffAccount.id).where(func.lower(StaffAccount.username) == username.lower())):
        raise ValidationError("username_taken", f"用户名 {username} 已被使用", f"{username} is taken")
    district_id, street_id, community_id = _check_scope(session, role, scope_id)
    account = StaffAccount(
        username=username,
        display_name=(display_name or username).strip()[:64],
        password_hash=generate_password_hash(password, method=PASSWORD_HASH_METHOD),
        role=role,
        district_id=district_id,
        street_id=street_id,
        community_id=community_id,
        active=True,
        created_at=now or datetime.now(UTC),
    )
    session.add(account)
    session.flush()
    return account


def get_account(*, session: Session, account_id: int) -> StaffAccount | None:
    account = session.get(StaffAccount, account_id)
    return account if account is not None and account.active else None


def _failures(session: Session, username: str, ip: str, now: datetime) -> int:
    stmt = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.username == username.lower(),
        LoginAttempt.ip == ip,
        LoginAttempt.succeeded == false(),
        LoginAttempt.at > now - FAILURE_WINDOW,
    )
    return session.scalar(stmt) or 0


def authenticate(*, session: Session, username: str, password: str, ip: str, now: datetime) -> StaffAccount:
    """The account for this username and password, or an error; every attempt is recorded.

    The caller commits even when this raises, so failures count (that is the rate limit).
    """
    key = username.strip().lower()[:64]
    # Keep the table small: attempts older than a day no longer count for anything.
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - ATTEMPT_RETENTION))
    if _failures(session, key, ip, now) >= MAX_FAILURES:
        raise TooManyAttempts(
            "too_many_attempts",
            "登录失败次数过多，请 10 分钟后再试",
            "too many failed sign-ins; try again in 10 minutes",
        )
    account = session.scalar(select(StaffAccount).where(func.lower(StaffAccount.username) == key))
    ok = account is not None and account.active and check_password_hash(account.password_hash, password)
    session.add(LoginAttempt(username=key, ip=ip[:45], at=now, succeeded=ok))
    if not ok or account is None:
        raise ValidationError("login_failed", "用户名或密码不正确", "wrong username or password")
    # A success clears this pair's failures: the limit is on guessing, not on typos then success.
    session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.username == key,
            LoginAttempt.ip == ip,
            LoginAttempt.succeeded == false(),
        )
    )
    return account


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(*, session: Session, account_id: int) -> str:
    """A new API token for the account (replacing any old one); only its hash is stored."""
    account = get_account(session=session, account_id=account_id)
    if account is None:
        raise NotFound("account_not_found", "账号不存在", "no such account")
    token = secrets.token_urlsafe(32)
    account.api_token_hash = _token_hash(token)
    session.flush()
    return token


def account_for_token(*, session: Session, token: str) -> StaffAccount | None:
    if not token:
        return None
    stmt = select(StaffAccount).where(
        StaffAccount.api_token_hash == _token_hash(token),
        StaffAccount.active == true(),
    )
    return session.scalar(stmt)
