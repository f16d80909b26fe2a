"""Who is signed in and what they may see: look-ups that 404 when missing, 403 when not theirs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import g, request
from flask_login import UserMixin, current_user, login_required

from scheduler.accounts import service as accounts
from scheduler.accounts.models import ROLE_LABELS_ZH, Role
from scheduler.accounts.service import Scope
from scheduler.errors import DomainError
from scheduler.people import service as people
from scheduler.people.models import Person
from scheduler.rosters import templates
from scheduler.rosters.models import ShiftTemplate
from scheduler.territory.models import Grid
from web.database import db
from web.extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class StaffUser(UserMixin):  # type: ignore[misc]
    """The signed-in account, detached from the ORM: safe to keep for the whole request."""

    id: int
    username: str
    display_name: str
    role: Role
    scope: Scope

    @property
    def role_label(self) -> str:
        return ROLE_LABELS_ZH[self.role]

    @property
    def actor(self) -> str:
        return f"staff:{self.id}"

    def get_id(self) -> str:
        return str(self.id)


def staff_user(account: Any) -> StaffUser:
    return StaffUser(account.id, account.username, account.display_name, account.role, Scope.of(account))


def load_user(user_id: str) -> StaffUser | None:
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10):
        return None
    account = accounts.get_account(session=db(), account_id=int(user_id))
    return staff_user(account) if account is not None else None


login_manager.user_loader(load_user)


def staff() -> StaffUser:
    """The signed-in staff member: from the session cookie (pages) or the bearer token (API)."""
    user = g.get("api_user") or current_user
    assert isinstance(user, StaffUser), "staff() called outside staff_required / api_staff_required"
    return user


def scope() -> Scope:
    return staff().scope


def staff_required(view: Callable[P, R]) -> Callable[P, R]:
    return login_required(view)  # type: ignore[no-any-return]


class Unauthorized(DomainError):
    status = 401


def api_staff_required(view: Callable[P, R]) -> Callable[P, R]:
    """Bearer-token auth for /api/v1: ``Authorization: Bearer <token>``; no cookies, so no CSRF."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        account = accounts.account_for_token(session=db(), token=token)
        if account is None:
            raise Unauthorized("unauthorized", "缺少或无效的 API 令牌", "missing or invalid API token")
        g.api_user = staff_user(account)
        return view(*args, **kwargs)

    return wrapped


def community_ids() -> list[int]:
    return accounts.community_ids_in_scope(session=db(), scope=scope())


def get_person_in_scope(person_id: int) -> Person:
    person = people.get_person(session=db(), person_id=person_id)
    if person.home_grid is None:
        raise accounts.forbidden()
    accounts.ensure_community_in_scope(
        session=db(), scope=scope(), community_id=person.home_grid.community_id
    )
    return person


def get_grid_in_scope(grid_id: int) -> Grid:
    grid = templates.get_grid(session=db(), grid_id=grid_id)
    accounts.ensure_community_in_scope(session=db(), scope=scope(), community_id=grid.community_id)
    return grid


def get_template_in_scope(template_id: int) -> ShiftTemplate:
    template = templates.get_template(session=db(), template_id=template_id)
    get_grid_in_scope(template.grid_id)
    return template


def ensure_street_in_scope(street_id: int, *, whole: bool = True) -> None:
    accounts.ensure_street_in_scope(session=db(), scope=scope(), street_id=street_id, whole=whole)
