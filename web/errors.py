"""Errors: DomainError to a Chinese message (pages) or {"error": {...}} (API); no stack trace to users."""

from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from scheduler.errors import DomainError
from web.i18n import message_of

API_PREFIX = "/api/"

# English source text of each page's title and message; translated at render time.
_PAGES: dict[int, tuple[LazyString, LazyString]] = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("No access"), _l("You may not see or change this. It belongs to another street or community.")),
    404: (_l("Not found"), _l("This page does not exist, or the link is wrong or out of date.")),
    405: (_l("Not allowed"), _l("This page cannot be used this way.")),
    413: (_l("Too large"), _l("The upload is too large.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Wait a few minutes and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. It has been logged; please try again later."),
    ),
}


def wants_json() -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, code: str, message: str, field: str | None = None) -> ResponseReturnValue:
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    return jsonify({"error": error}), status


def error_page(status: int, message: str | None = None) -> ResponseReturnValue:
    title, text = _PAGES.get(status, _PAGES[400] if status < 500 else _PAGES[500])
    return render_template(
        "errors/error.html", status=status, title=_(title), message=message or _(text)
    ), status


def handle_domain_error(err: DomainError) -> ResponseReturnValue:
    if wants_json():
        return api_error(err.status, err.code, message_of(err), getattr(err, "field", None))
    if request.method == "POST" and err.status not in (403, 404):
        # Back to the form the person was on, with the message shown above it.
        flash(message_of(err), "error")
        return redirect(request.url, code=303)
    return error_page(err.status, message_of(err))


def handle_http_error(err: HTTPException) -> ResponseReturnValue:
    status = err.code or 500
    if isinstance(err, CSRFError):
        message = _("The form has expired or was sent from elsewhere. Reload the page and try again.")
        if wants_json():
            return api_error(400, "csrf_failed", message)
        return error_page(400, message)
    if wants_json():
        code = (err.name or "error").lower().replace(" ", "_")
        return api_error(status, code, str(_PAGES[status][1]) if status in _PAGES else err.name)
    if status >= 500:
        return error_page(500)
    if status == 404 and request.path.startswith("/me/"):
        return error_page(
            404,
            _(
                "This personal link is not valid or no longer in use. "
                "Use the newest link from your SMS, or ask your community."
            ),
        )
    return error_page(status)


def handle_server_error(err: InternalServerError) -> ResponseReturnValue:
    # The original exception is already logged by Flask; the person sees no stack trace.
    if wants_json():
        return api_error(500, "internal_error", str(_PAGES[500][1]))
    return error_page(500)


def configure_errors(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)
