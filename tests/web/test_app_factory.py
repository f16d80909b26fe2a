"""create_app: configuration sources, the production secret-key guard, error pages without stack traces."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from web import create_app
from web.config import DEV_SECRET_KEY, ConfigError


def test_production_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRIDROSTER_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="GRIDROSTER_SECRET_KEY"):
        create_app({"ENV": "production", "DATABASE_URL": "sqlite://"})


@pytest.mark.parametrize("key", [DEV_SECRET_KEY, "", None, "short-key"])
def test_production_refuses_the_default_empty_or_short_key(key: str | None) -> None:
    with pytest.raises(ConfigError):
        create_app({"ENV": "production", "SECRET_KEY": key, "DATABASE_URL": "sqlite://"})


def test_production_refuses_the_default_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDROSTER_ENV", "production")
    monkeypatch.setenv("GRIDROSTER_SECRET_KEY", DEV_SECRET_KEY)
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": "sqlite://"})


def test_production_starts_with_a_real_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDROSTER_ENV", "production")
    monkeypatch.setenv("GRIDROSTER_SECRET_KEY", "k" * 48)
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"] == "k" * 48
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.testing


def test_an_unknown_environment_name_is_refused() -> None:
    with pytest.raises(ConfigError, match="GRIDROSTER_ENV"):
        create_app({"ENV": "prod", "DATABASE_URL": "sqlite://"})


def test_overrides_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDROSTER_DATABASE_URL", "sqlite:////nonexistent/from-env.db")
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["DATABASE_URL"] == "sqlite://"


def test_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("GRIDROSTER_DATABASE_URL", url)
    assert create_app().config["DATABASE_URL"] == url


def test_unknown_page_is_a_chinese_404_page(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "找不到" in response.get_data(as_text=True) or "不存在" in response.get_data(as_text=True)


def test_a_crash_shows_a_chinese_500_page_without_a_stack_trace(session: Session) -> None:
    from tests.web.conftest import make_app

    app: Flask = make_app(session, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "出错" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_a_crash_in_the_api_is_json_without_a_stack_trace(session: Session) -> None:
    from tests.web.conftest import make_app

    app: Flask = make_app(session, PROPAGATE_EXCEPTIONS=False)

    @app.get("/api/v1/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json is not None and response.json["error"]["code"] == "internal_error"
    assert "secret internals" not in response.get_data(as_text=True)
