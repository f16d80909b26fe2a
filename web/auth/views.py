"""Staff sign-in and sign-out, the language switch, and issuing an API token."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from scheduler.accounts import service as accounts
from scheduler.errors import DomainError
from web.auth.access import staff, staff_required, staff_user
from web.auth.forms import LoginForm
from web.database import unit_of_work
from web.i18n import EN, ZH, message_of

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after sign-in is a phishing tool."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("coordinator.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        now = current_app.config["CLOCK"].now()
        failure: DomainError | None = None
        with unit_of_work() as s:  # committed even when sign-in fails: failures are what the limit counts
            try:
                account = accounts.authenticate(
                    session=s,
                    username=form.username.data,
                    password=form.password.data,
                    ip=request.remote_addr or "?",
                    now=now,
                )
            except DomainError as err:
                failure = err
            else:
                user = staff_user(account)
        if failure is not None:
            form.password.errors.append(message_of(failure))
            status = failure.status if failure.status == 429 else 200
        else:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")), code=303)
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"), code=303)


@bp.post("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    if code in (ZH, EN):
        session["lang"] = code
    return redirect(
        _safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path), code=303
    )


@bp.route("/account", methods=["GET", "POST"])
@staff_required
def account() -> ResponseReturnValue:
    token = None
    if request.method == "POST":
        with unit_of_work() as s:
            token = accounts.issue_api_token(session=s, account_id=staff().id)
        flash(_("A new API token was issued. Copy it now: it will not be shown again."), "ok")
    return render_template("auth/account.html", token=token)
