"""Staff accounts with a role scoped to a district, a street or a community, and sign-in attempts."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.db import AwareDateTime, Base
from scheduler.people.models import str_enum


class Role(enum.StrEnum):
    DISTRICT_ADMIN = "district_admin"  # 区级管理员: every street of one district
    STREET_COORDINATOR = "street_coordinator"  # 街道协调员: one street
    COMMUNITY_COORDINATOR = "community_coordinator"  # 社区协调员 / 网格长: one community


ROLE_LABELS_ZH = {
    Role.DISTRICT_ADMIN: "区级管理员",
    Role.STREET_COORDINATOR: "街道协调员",
    Role.COMMUNITY_COORDINATOR: "社区协调员 / 网格长",
}


class StaffAccount(Base):
    """A coordinator's login. Exactly one of the three scope columns is set, the one its role names."""

    __tablename__ = "staff_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    # SHA-256 of the API token: the token itself is shown once and never stored.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class LoginAttempt(Base):
    """One sign-in attempt. Kept in the database so the rate limit holds across server processes."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
