"""The Flask application factory: create_app(overrides) built from named setup steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, abort, request
from werkzeug.routing import IntegerConverter, Map

from web.config import load_config
from web.database import configure_database
from web.errors import configure_errors
from web.extensions import csrf, login_manager
from web.i18n import configure_i18n


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """A configured app: defaults, then GRIDROSTER_* environment variables, then ``overrides``."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, overrides)
    configure_database(app)
    configure_i18n(app)
    configure_input_guard(app)
    configure_csrf(app)
    configure_login(app)
    configure_blueprints(app)
    configure_templates(app)
    configure_errors(app)
    configure_security_headers(app)
    return app


def configure_input_guard(app: Flask) -> None:
    """Refuse NUL characters anywhere in the URL or form (400). Why: PostgreSQL cannot store or even
    compare text containing NUL and would answer with an error (a 500) instead of "not found"."""

    @app.before_request
    def _refuse_nul() -> None:
        values = [*request.args.values(), *(str(v) for v in (request.view_args or {}).values()), request.path]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += list(request.form.values())
        if any("\x00" in v for v in values):
            abort(400)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Personal links carry their token in the URL: never send it on to another site as a Referer.
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}


def configure_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def configure_csrf(app: Flask) -> None:
    csrf.init_app(app)


def configure_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


class IdConverter(IntegerConverter):
    """``<int:...>`` capped at the database's 32-bit ids: a larger number is a 404, not an overflow (500)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def configure_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    from web.api import rosters as _api_rosters  # noqa: F401  (registers the roster routes on the API blueprint)
    from web.api import surge as _api_surge  # noqa: F401  (registers the surge routes on the API blueprint)
    from web.api.views import bp as api_bp
    from web.auth.views import bp as auth_bp
    from web.checkin.views import bp as checkin_bp
    from web.coordinator import imports as _imports  # noqa: F401  (adds the import page to the blueprint)
    from web.coordinator.views import bp as coordinator_bp
    from web.feeds.views import bp as feeds_bp
    from web.hooks.views import bp as hooks_bp
    from web.ledgers.views import bp as ledgers_bp
    from web.me import checkin as _me_checkin  # noqa: F401  (adds check-in to the /me blueprint)
    from web.me import offers as _me_offers  # noqa: F401  (adds confirm / decline to the /me blueprint)
    from web.me.views import bp as me_bp
    from web.offers.views import bp as offers_bp
    from web.rosters.views import bp as rosters_bp
    from web.surge.link import bp as surge_link_bp
    from web.surge.views import bp as surge_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(coordinator_bp)
    app.register_blueprint(rosters_bp)
    app.register_blueprint(ledgers_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(surge_bp)
    app.register_blueprint(surge_link_bp, url_prefix="/s")
    app.register_blueprint(me_bp, url_prefix="/me")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # bearer tokens, never cookies: a cross-site page cannot send one
    app.register_blueprint(offers_bp, url_prefix="/o")
    app.register_blueprint(feeds_bp, url_prefix="/cal")
    app.register_blueprint(hooks_bp, url_prefix="/hooks")
    csrf.exempt(hooks_bp)  # Twilio cannot send a CSRF token; its signature is checked instead


def configure_templates(app: Flask) -> None:
    from web import filters

    filters.register(app)
