"""Build the MIME message for an e-mail: plain text, or an iMIP invitation (RFC 6047)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from notifications.calendar.ics import invite
from notifications.messages import Email


def message_id(key: str, *, domain: str) -> str:
    """A Message-ID derived from the outbox key: a re-send is recognisably the same message."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def _address(name: str, email: str) -> Address:
    local, _, domain = email.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def build_message(email: Email, *, mail_from: str, now: datetime) -> EmailMessage:
    """The complete message: headers, text, and for invitations the iMIP parts.

    Layout for an invitation (ECOSYSTEM.md §2.3), the one Outlook, Gmail and Apple Mail treat
    as an invitation, with a plain attachment copy for clients that only look at attachments:

        multipart/mixed
          multipart/alternative
            text/plain; charset=utf-8
            text/calendar; method=REQUEST|CANCEL; charset=UTF-8
          application/ics; name=invite.ics
    """
    msg = EmailMessage()
    if email.invite is not None:
        # iMIP: the message comes from the ORGANIZER, so replies (METHOD:REPLY) go back to it.
        sender = _address(email.invite.organizer_name, email.invite.organizer_email)
    else:
        sender = _address("", mail_from)
    msg["From"] = sender
    msg["To"] = _address(email.to_name, email.to)
    msg["Subject"] = email.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(email.key, domain=sender.domain or "localhost")
    msg.set_content(email.body)
    if email.invite is None:
        return msg
    ics = invite(email.invite, method=email.method, dtstamp=now)
    # The Content-Type method= parameter must equal METHOD: inside the calendar.
    msg.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        params={"method": email.method, "charset": "UTF-8"},
        cte="base64",
    )
    msg.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return msg
