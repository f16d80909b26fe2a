"""Outbox rows (one per message, unique dedupe key) and one row per delivery attempt."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import AwareDateTime, Base
from scheduler.people.models import str_enum


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its not_before
    CLAIMED = "claimed"  # a dispatcher holds it until claim_expires_at
    SENT = "sent"  # the provider took it (provider_id set)
    FAILED = "failed"  # permanently: error_reason says why, for the coordinator
    DROPPED = "dropped"  # no longer needed (declined, removed, person opted out) before it went out


class Channel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"


class OutboxMessage(Base):
    """One message to one person; written in the same transaction as the change that causes it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Why unique: enqueueing the same message twice (a retried publish, a second reminder pass)
    # must be a no-op. Keys name the cause: "offer:sms:<shift>:<person>:<revision>", ...
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    kind: Mapped[str] = mapped_column(String(32), index=True)  # offer, change, cancel, reminder
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    roster_id: Mapped[int | None] = mapped_column(ForeignKey("roster.id"), index=True)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))  # E.164 number or e-mail address
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # body, subject, invite
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus), default=OutboxStatus.PENDING)
    not_before: Mapped[datetime] = mapped_column(AwareDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    claim_expires_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    first_claimed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # Set when the provider may already have the message (an in-doubt error, or a claim that
    # expired without a result: the worker died between send and record). The next attempt
    # asks the provider first and never sends blind.
    needs_reconcile: Mapped[bool] = mapped_column(Boolean, default=False)
    provider: Mapped[str | None] = mapped_column(String(16))
    provider_id: Mapped[str | None] = mapped_column(String(128), index=True)
    provider_status: Mapped[str | None] = mapped_column(String(32))  # queued, delivered, ... (callbacks)
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())

    attempt_log: Mapped[list[OutboxAttempt]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttempt.id"
    )


class OutboxAttempt(Base):
    """One try at delivering a message and what came of it."""

    __tablename__ = "outbox_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    outcome: Mapped[str] = mapped_column(String(16))  # notifications.messages.Outcome values
    code: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(128))

    message: Mapped[OutboxMessage] = relationship(back_populates="attempt_log")
