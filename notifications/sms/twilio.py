"""Twilio sender: the real `twilio` client, with provider errors mapped to retry / permanent / in doubt."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from notifications.messages import DeliveryError, Receipt, Sms
from notifications.sms.base import mask_phone

_log = logging.getLogger(__name__)

# Request-time codes that will fail the same way however often they are retried
# (ECOSYSTEM.md §1.4): bad or landline To, region not enabled in Geo Permissions, bad From,
# unknown destination, landline, and carrier content filtering (fix the template, not a retry).
PERMANENT_CODES: Mapping[int, str] = {
    21211: "invalid phone number",
    21614: "number cannot receive SMS (landline?)",
    21635: "number cannot receive SMS (landline)",
    21408: "sending to this region is not enabled (Twilio Geo Permissions)",
    21606: "the configured From number cannot send SMS",
    30004: "message blocked",
    30005: "unknown destination number",
    30006: "landline or unreachable carrier",
    30007: "message filtered by the carrier (check the template wording)",
}
OPTED_OUT_CODE = 21610  # the recipient replied STOP (or similar) to this sender
# Never processed, always safe to retry: too many requests, queue overflows.
RETRY_CODES: frozenset[int] = frozenset({20429, 21611, 30001})

# After this long, a request that was sent but not answered is "in doubt", not "failed".
DEFAULT_TIMEOUT_SECONDS = 15.0
# Messages still queued have no DateSent yet, so the reconciliation also scans the most recent
# messages to the number without a date filter; this many is plenty for one person.
LOOKUP_PAGE = 50
# Clock skew between our servers and Twilio's date_created.
LOOKUP_SKEW = timedelta(minutes=2)


class GridrosterTwilioHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio ships no type hints
    """The stock HTTP client, with an optional API base and logs that never show a phone number."""

    def __init__(self, *, api_base: str | None = None, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout, logger=_log)
        self._base = urlsplit(api_base) if api_base else None
        if self._base is not None and not (self._base.scheme and self._base.netloc):
            raise ValueError(f"GRIDROSTER_TWILIO_API_BASE is not an absolute URL: {api_base!r}")

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        # The client only knows *.twilio.com host names (edge/region settings cannot point it at
        # a proxy or a local server, ECOSYSTEM.md §0 item 3), so swap the scheme and host here.
        parts = urlsplit(url)
        if self._base is not None and (parts.hostname or "").endswith("twilio.com"):
            path = self._base.path.rstrip("/") + parts.path
            url = urlunsplit((self._base.scheme, self._base.netloc, path, parts.query, parts.fragment))
        return super().request(method, url, params, data, headers, auth, timeout, allow_redirects)

    def log_request(self, kwargs: dict[str, Any]) -> None:
        # The stock version logs query parameters, which carry To=+86... on a lookup.
        params = kwargs.get("params") or {}
        shown = {k: (mask_phone(str(v)) if k in {"To", "From"} else v) for k, v in params.items()}
        _log.debug("Twilio %s %s %s", kwargs["method"], urlsplit(kwargs["url"]).path, shown)

    def log_response(self, status_code: int, response: requests.Response) -> None:
        _log.debug("Twilio response %s", status_code)


def map_twilio_error(exc: TwilioRestException | TwilioServiceException) -> DeliveryError:
    """Turn a Twilio REST error into a DeliveryError that says whether a retry can help."""
    status = int(exc.status)
    code = int(exc.code) if exc.code is not None else status
    detail = str(getattr(exc, "msg", "") or getattr(exc, "detail", "") or "")
    if code == OPTED_OUT_CODE:
        return DeliveryError(
            "recipient has opted out of SMS from this sender (replied STOP or similar)",
            code=str(code),
            permanent=True,
            opted_out=True,
        )
    if code in PERMANENT_CODES:
        return DeliveryError(PERMANENT_CODES[code], code=str(code), permanent=True)
    if status == 429 or code in RETRY_CODES:
        return DeliveryError(f"Twilio asked us to slow down ({code})", code=str(code))
    if status >= 500:
        # Twilio may have created the message before failing: do not resend without lookup().
        return DeliveryError(f"Twilio server error {status}: {detail}", code=str(code), in_doubt=True)
    if status in {401, 403}:
        # A configuration problem, not a property of this message: keep it for when it is fixed.
        return DeliveryError(
            "Twilio rejected the credentials (check TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)",
            code=str(code),
        )
    # Any other 4xx: the request itself is wrong, and the same request will be wrong again.
    return DeliveryError(f"Twilio refused the message ({code}): {detail}", code=str(code), permanent=True)


def _never_reached_server(exc: BaseException) -> bool:
    """True if the error happened before any byte of the request reached the server."""
    from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, NewConnectionError | ConnectTimeoutError | NameResolutionError):
            return True
        if isinstance(current, ConnectionRefusedError):
            return True
        stack.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        stack.extend(a for a in current.args if isinstance(a, BaseException))
    return False


def map_transport_error(exc: requests.RequestException) -> DeliveryError:
    """Connection refused: safe to retry. Anything after the request went out: in doubt."""
    if isinstance(exc, requests.ConnectTimeout) or _never_reached_server(exc):
        return DeliveryError(f"cannot reach Twilio: {type(exc).__name__}", code="connection_refused")
    if isinstance(exc, requests.ReadTimeout):
        return DeliveryError("Twilio did not answer in time", code="read_timeout", in_doubt=True)
    # Connection reset or dropped after the request was written: Twilio may have accepted it.
    return DeliveryError(
        f"connection to Twilio lost: {type(exc).__name__}", code="connection_lost", in_doubt=True
    )


class TwilioSmsSender:
    """Sends through Twilio's Messages API with a From number or a Messaging Service."""

    provider = "twilio"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
        api_base: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        if bool(from_number) == bool(messaging_service_sid):
            raise ValueError("give exactly one of from_number and messaging_service_sid")
        self._from_number = from_number
        self._messaging_service_sid = messaging_service_sid
        self._status_callback = status_callback
        # environment={}: configuration comes from our own settings, never from TWILIO_EDGE /
        # TWILIO_REGION in the process environment, which would silently redirect traffic.
        self._client = Client(
            account_sid,
            auth_token,
            http_client=GridrosterTwilioHttpClient(api_base=api_base, timeout=timeout),
            environment={},
        )

    def send(self, sms: Sms) -> Receipt:
        kwargs: dict[str, Any] = {"to": sms.to, "body": sms.body}
        if self._messaging_service_sid:
            kwargs["messaging_service_sid"] = self._messaging_service_sid
        else:
            kwargs["from_"] = self._from_number
        if self._status_callback:
            kwargs["status_callback"] = self._status_callback
        try:
            message = self._client.messages.create(**kwargs)
        except (TwilioRestException, TwilioServiceException) as exc:
            error = map_twilio_error(exc)
            _log.warning(
                "SMS %s to %s failed: %s (%s)", sms.key, mask_phone(sms.to), error.message, error.code
            )
            raise error from exc
        except requests.RequestException as exc:
            error = map_transport_error(exc)
            _log.warning(
                "SMS %s to %s failed: %s (%s)", sms.key, mask_phone(sms.to), error.message, error.code
            )
            raise error from exc
        return Receipt(provider_id=str(message.sid), status=str(message.status), provider=self.provider)

    def lookup(self, sms: Sms, *, since: datetime) -> Receipt | None:
        since_utc = since.astimezone(UTC)
        # Twilio filters DateSent by day; the exact time check happens below on date_created.
        day_start = since_utc.replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            sent = self._client.messages.list(to=sms.to, date_sent_after=day_start, limit=LOOKUP_PAGE)
            # Accepted-but-queued messages have no DateSent yet and would be missed by the filter.
            recent = self._client.messages.list(to=sms.to, limit=LOOKUP_PAGE)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise map_twilio_error(exc) from exc
        except requests.RequestException as exc:
            raise map_transport_error(exc) from exc
        matches = {}
        for message in [*sent, *recent]:
            if not self._is_ours(message, sms=sms, since=since_utc - LOOKUP_SKEW):
                continue
            matches[message.sid] = message
        if not matches:
            return None
        first = min(matches.values(), key=lambda m: m.date_created or since_utc)
        return Receipt(provider_id=str(first.sid), status=str(first.status), provider=self.provider)

    def _is_ours(self, message: Any, *, sms: Sms, since: datetime) -> bool:
        if message.to != sms.to or not str(message.direction or "").startswith("outbound"):
            return False
        if self._from_number and message.from_ != self._from_number:
            return False
        if self._messaging_service_sid and message.messaging_service_sid not in {
            None,
            self._messaging_service_sid,
        }:
            return False
        # Routes may add a signature such as [CEG] around the body, so look for ours inside it.
        if sms.body not in (message.body or ""):
            return False
        created = message.date_created
        return created is None or created >= since
