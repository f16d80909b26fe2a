"""Sign-in: success, wrong password, the per-account-and-address rate limit, safe redirects, sign-out."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.accounts.models import LoginAttempt, StaffAccount
from scheduler.accounts.service import MAX_FAILURES
from tests.web.conftest import PASSWORD, AuthActions


def test_login_redirects_home_and_opens_pages(client: FlaskClient, auth: AuthActions) -> None:
    assert client.get("/people").status_code == 302
    response = auth.login("cuihu")
    assert response.status_code == 303
    assert client.get("/people").status_code == 200


def test_login_goes_back_to_the_page_asked_for(client: FlaskClient) -> None:
    response = client.post("/login?next=/grids", data={"username": "cuihu", "password": PASSWORD})
    assert response.headers["Location"] == "/grids"


def test_login_never_redirects_to_another_site(client: FlaskClient) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = client.post(f"/login?next={target}", data={"username": "cuihu", "password": PASSWORD})
        assert response.status_code == 303
        assert response.headers["Location"] == "/"


def test_wrong_password_shows_chinese_message_next_to_password(
    client: FlaskClient, auth: AuthActions
) -> None:
    response = auth.login("cuihu", "wrong-password")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    field = body[body.index('id="field-password"') :]
    assert "用户名或密码不正确" in field[: field.index("</div>")]
    assert client.get("/people").status_code == 302


def test_unknown_user_gets_the_same_message_as_a_wrong_password(auth: AuthActions) -> None:
    assert "用户名或密码不正确" in auth.login("nobody", "whatever-password").get_data(as_text=True)


def test_five_failures_lock_out_that_account_from_that_address(
    client: FlaskClient, auth: AuthActions, session: Session
) -> None:
    for _ in range(MAX_FAILURES):
        auth.login("cuihu", "wrong-password")
    response = auth.login("cuihu", PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)
    assert client.get("/people").status_code == 302
    failures = session.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.succeeded.is_(False)))
    assert failures == MAX_FAILURES + 0  # the refused attempt is not even checked


def test_the_lockout_does_not_reach_another_address(client: FlaskClient, auth: AuthActions) -> None:
    for _ in range(MAX_FAILURES):
        auth.login("cuihu", "wrong-password")
    response = client.post(
        "/login", data={"username": "cuihu", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.99"}
    )
    assert response.status_code == 303


def test_four_failures_then_success_clears_the_count(client: FlaskClient, auth: AuthActions) -> None:
    for _ in range(MAX_FAILURES - 1):
        auth.login("cuihu", "wrong-password")
    assert auth.login("cuihu").status_code == 303
    auth.logout()
    for _ in range(MAX_FAILURES - 1):
        auth.login("cuihu", "wrong-password")
    assert auth.login("cuihu").status_code == 303


def test_a_deactivated_account_cannot_sign_in(auth: AuthActions, session: Session) -> None:
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == "cuihu"))
    assert account is not None
    account.active = False
    session.flush()
    assert "用户名或密码不正确" in auth.login("cuihu").get_data(as_text=True)


def test_logout_ends_the_session(client: FlaskClient, auth: AuthActions) -> None:
    auth.login("cuihu")
    assert auth.logout().status_code == 303
    assert client.get("/people").status_code == 302


def test_logout_is_post_only(client: FlaskClient, auth: AuthActions) -> None:
    auth.login("cuihu")
    assert client.get("/logout").status_code == 405
    assert client.get("/people").status_code == 200


def test_failures_older_than_ten_minutes_no_longer_count(session: Session, world: object) -> None:
    from datetime import timedelta

    from scheduler.accounts.service import authenticate
    from scheduler.errors import DomainError
    from tests.conftest import NOW

    for _ in range(MAX_FAILURES):
        with pytest.raises(DomainError):
            authenticate(session=session, username="cuihu", password="wrong", ip="1.2.3.4", now=NOW)
    later = NOW + timedelta(minutes=11)
    assert (
        authenticate(session=session, username="cuihu", password=PASSWORD, ip="1.2.3.4", now=later).username
        == "cuihu"
    )


def test_attempts_older_than_a_day_are_pruned(session: Session, world: object) -> None:
    from datetime import timedelta

    from scheduler.accounts.service import authenticate
    from scheduler.errors import DomainError
    from tests.conftest import NOW

    with pytest.raises(DomainError):
        authenticate(session=session, username="other", password="wrong", ip="1.2.3.4", now=NOW)
    authenticate(
        session=session, username="cuihu", password=PASSWORD, ip="5.6.7.8", now=NOW + timedelta(days=2)
    )
    assert session.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.username == "other")) == 0
