"""Staff accounts service: hashed passwords, validation with Chinese messages, API tokens."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from scheduler.accounts.models import Role
from scheduler.accounts.service import account_for_token, create_account, issue_api_token
from scheduler.errors import DomainError
from tests.conftest import NOW
from tests.web.conftest import World


def test_create_account_stores_a_hash_not_the_password(session: Session, world: World) -> None:
    account = create_account(
        session=session,
        username="lianhua",
        password="a-long-password",
        role="community_coordinator",
        scope_id=world.lianhua.id,
        now=NOW,
    )
    assert account.password_hash != "a-long-password"
    assert check_password_hash(account.password_hash, "a-long-password")
    assert (account.role, account.community_id, account.street_id) == (
        Role.COMMUNITY_COORDINATOR,
        world.lianhua.id,
        None,
    )


@pytest.mark.parametrize(
    ("username", "password", "role", "scope", "code", "zh"),
    [
        ("a", "a-long-password", "street_coordinator", "street", "username_invalid", "用户名"),
        ("has space", "a-long-password", "street_coordinator", "street", "username_invalid", "用户名"),
        ("newuser", "short", "street_coordinator", "street", "password_too_short", "密码至少"),
        ("newuser", "a-long-password", "mayor", "street", "role_invalid", "没有这个角色"),
        ("newuser", "a-long-password", "street_coordinator", "missing", "scope_not_found", "街道"),
        ("newuser", "a-long-password", "community_coordinator", "street", "scope_not_found", "社区"),
        ("CuiHu", "a-long-password", "street_coordinator", "street", "username_taken", "已被使用"),
    ],
)
def test_create_account_refuses_bad_input(
    session: Session, world: World, username: str, password: str, role: str, scope: str, code: str, zh: str
) -> None:
    scope_id = {"street": world.street.id, "missing": 999_999}[scope]
    if role == "community_coordinator":
        scope_id = 999_999
    with pytest.raises(DomainError) as caught:
        create_account(
            session=session, username=username, password=password, role=role, scope_id=scope_id, now=NOW
        )
    assert caught.value.code == code
    assert zh in caught.value.message_zh


def test_a_new_api_token_replaces_the_old_one(session: Session, world: World) -> None:
    account = create_account(
        session=session,
        username="tokens",
        password="a-long-password",
        role=Role.STREET_COORDINATOR,
        scope_id=world.street.id,
        now=NOW,
    )
    first = issue_api_token(session=session, account_id=account.id)
    assert account_for_token(session=session, token=first) is account
    second = issue_api_token(session=session, account_id=account.id)
    assert account_for_token(session=session, token=first) is None
    assert account_for_token(session=session, token=second) is account
    assert account.api_token_hash is not None and second not in account.api_token_hash
