"""Chinese first, English on request: the locale comes from the session, else the browser."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import get_locale

from scheduler.errors import DomainError
from web.extensions import babel

ZH = "zh_Hans_CN"  # Babel's name for zh_CN: a translations/zh_CN folder would be silently ignored
EN = "en"


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in (ZH, EN):
        return str(chosen)
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh")
    return EN if best.startswith("en") else ZH


def is_english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def message_of(err: DomainError) -> str:
    return err.message_en if is_english() else err.message_zh


def configure_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["is_english"] = is_english
