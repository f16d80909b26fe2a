"""A small local Twilio-compatible Messages API for tests, with injectable failures."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

API = "/2010-04-01/Accounts/<account_sid>"


@dataclass(frozen=True)
class RecordedRequest:
    """One request exactly as it arrived on the wire."""

    method: str
    path: str
    query_string: bytes
    headers: dict[str, str]
    body: bytes
    form: list[tuple[str, str]]


@dataclass(frozen=True)
class Fault:
    """What to do with the next Messages.create call instead of a plain 201."""

    kind: str  # "error", "accept_then_error", "accept_then_drop", "accept_then_stall"
    status: int = 500
    code: int | None = None
    seconds: float = 0.0


@dataclass
class StoredMessage:
    sid: str
    to: str
    from_: str | None
    messaging_service_sid: str | None
    body: str
    status: str
    date_created: datetime
    date_sent: datetime | None = None


class _QuietHandler(WSGIRequestHandler):
    """No access log: lookups carry phone numbers in the query string."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class TwilioStub:
    """Serves the Messages API on 127.0.0.1; `url` is what GRIDROSTER_TWILIO_API_BASE points at."""

    account_sid: str = "AC" + "0" * 31 + "1"
    auth_token: str = "stub-auth-token"
    requests: list[RecordedRequest] = field(default_factory=list)
    messages: dict[str, StoredMessage] = field(default_factory=dict)
    _faults: deque[Fault] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: BaseWSGIServer | None = None
    _thread: threading.Thread | None = None

    # -- control ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def fail_next(self, *, status: int, code: int | None = None) -> None:
        """The next create answers this HTTP status and Twilio code; nothing is stored."""
        self._faults.append(Fault("error", status=status, code=code))

    def accept_then_fail_next(self, *, status: int = 500) -> None:
        """The next create stores the message (Twilio took it) but answers an error status."""
        self._faults.append(Fault("accept_then_error", status=status))

    def accept_then_drop_next(self) -> None:
        """The next create stores the message, then the connection is cut before any answer."""
        self._faults.append(Fault("accept_then_drop"))

    def accept_then_stall_next(self, *, seconds: float) -> None:
        """The next create stores the message, then waits `seconds` before answering."""
        self._faults.append(Fault("accept_then_stall", seconds=seconds))

    def mark_sent(self, sid: str, *, at: datetime) -> None:
        self.messages[sid].status = "sent"
        self.messages[sid].date_sent = at

    def creates(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/Messages.json")]

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True, request_handler=_QuietHandler)
        # A short poll interval: shutdown() waits up to one interval, and every test stops a stub.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- the API ---------------------------------------------------------------------------

    def _app(self) -> Flask:
        app = Flask("twilio_stub")

        @app.before_request
        def record_and_authenticate() -> tuple[Response, int] | None:
            self.requests.append(
                RecordedRequest(
                    method=request.method,
                    path=request.path,
                    query_string=request.query_string,
                    headers=dict(request.headers),
                    body=request.get_data(cache=True),
                    form=list(request.form.items(multi=True)),
                )
            )
            auth = request.authorization
            if auth is None or (auth.username, auth.password) != (self.account_sid, self.auth_token):
                return _error(401, 20003, "Authenticate")
            if (request.view_args or {}).get("account_sid") != self.account_sid:
                return _error(404, 20404, "The requested resource was not found")
            return None

        @app.post(f"{API}/Messages.json")
        def create_message(account_sid: str) -> Response | tuple[Response, int]:
            fault = self._faults.popleft() if self._faults else None
            if fault is not None and fault.kind == "error":
                return _error(fault.status, fault.code, "Injected failure")
            form = request.form
            if not form.get("To") or not form.get("Body"):
                return _error(400, 21604, "A 'To' phone number and a 'Body' are required.")
            if not form.get("From") and not form.get("MessagingServiceSid"):
                return _error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required")
            message = StoredMessage(
                sid="SM" + secrets.token_hex(16),
                to=form["To"],
                from_=form.get("From"),
                messaging_service_sid=form.get("MessagingServiceSid"),
                body=form["Body"],
                status="accepted" if form.get("MessagingServiceSid") else "queued",
                date_created=datetime.now(UTC).replace(microsecond=0),
            )
            with self._lock:
                self.messages[message.sid] = message
            if fault is not None and fault.kind == "accept_then_error":
                return _error(fault.status, fault.status, "Injected failure after accepting")
            if fault is not None and fault.kind == "accept_then_drop":
                # Shut the socket down under the server's feet: the client sees the connection
                # close with no response, as after a crash or a network cut on Twilio's side.
                sock: socket.socket = request.environ["werkzeug.socket"]
                sock.shutdown(socket.SHUT_RDWR)
                return _error(500, 500, "never delivered")
            if fault is not None and fault.kind == "accept_then_stall":
                time.sleep(fault.seconds)
            return jsonify(self._resource(message)), 201

        @app.get(f"{API}/Messages.json")
        def list_messages(account_sid: str) -> Response:
            args = request.args
            sent_after = _parse_date(args.get("DateSent>"))
            found = [
                m
                for m in sorted(self.messages.values(), key=lambda m: m.date_created, reverse=True)
                if (not args.get("To") or m.to == args["To"])
                and (not args.get("From") or m.from_ == args["From"])
                and (sent_after is None or (m.date_sent is not None and m.date_sent >= sent_after))
            ]
            page_size = int(args.get("PageSize", "50"))
            return jsonify(
                {
                    "messages": [self._resource(m) for m in found[:page_size]],
                    "end": min(len(found), page_size) - 1,
                    "first_page_uri": request.full_path,
                    "next_page_uri": None,
                    "page": 0,
                    "page_size": page_size,
                    "previous_page_uri": None,
                    "start": 0,
                    "uri": request.full_path,
                }
            )

        @app.get(f"{API}/Messages/<sid>.json")
        def fetch_message(account_sid: str, sid: str) -> Response | tuple[Response, int]:
            if sid not in self.messages:
                return _error(404, 20404, "The requested resource was not found")
            return jsonify(self._resource(self.messages[sid]))

        return app

    def _resource(self, m: StoredMessage) -> dict[str, Any]:
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": m.body,
            "date_created": format_datetime(m.date_created),
            "date_sent": format_datetime(m.date_sent) if m.date_sent else None,
            "date_updated": format_datetime(m.date_created),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": m.from_,
            "messaging_service_sid": m.messaging_service_sid,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": m.sid,
            "status": m.status,
            "subresource_uris": {},
            "to": m.to,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{m.sid}.json",
        }


def _error(status: int, code: int | None, message: str) -> tuple[Response, int]:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return jsonify(body), status


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
