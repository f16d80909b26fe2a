"""Template helpers: local times, weekday names, category and skill labels in the chosen language."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from scheduler.accounts.models import ROLE_LABELS_ZH, Role
from scheduler.clock import local_zone
from scheduler.people.models import Category, Skill
from web.coordinator.forms import PRIORITY_LABELS, WEEKDAYS_EN, WEEKDAYS_ZH, category_label
from web.i18n import is_english

ROLE_LABELS_EN = {
    Role.DISTRICT_ADMIN: "District admin",
    Role.STREET_COORDINATOR: "Street coordinator",
    Role.COMMUNITY_COORDINATOR: "Community coordinator / grid leader",
}
STATUS_LABELS = {
    "proposed": ("待发布", "proposed"),
    "offered": ("待确认", "awaiting reply"),
    "confirmed": ("已确认", "confirmed"),
    "declined": ("已拒绝", "declined"),
    "no_show": ("缺勤", "no-show"),
    "completed": ("已完成", "done"),
    "draft": ("草稿", "draft"),
    "published": ("已发布", "published"),
    "superseded": ("已替换", "superseded"),
}


def local(value: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    return "" if value is None else value.astimezone(local_zone()).strftime(fmt)


def weekday(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(local_zone())
    return (WEEKDAYS_EN if is_english() else WEEKDAYS_ZH)[value.weekday()]


def weekday_names(digits: str) -> str:
    names = WEEKDAYS_EN if is_english() else WEEKDAYS_ZH
    return (", " if is_english() else "、").join(names[int(d)] for d in digits)


def category(value: Category | str) -> str:
    return category_label(Category(value), is_english())


def skill_name(skill: Skill | None) -> str:
    if skill is None:
        return "anyone" if is_english() else "不限"
    return skill.name_en if is_english() else skill.name_zh


def named(obj: object) -> str:
    """A row with name_zh / name_en (task types, skills) in the chosen language."""
    return str(getattr(obj, "name_en" if is_english() else "name_zh", ""))


def role(value: Role) -> str:
    return ROLE_LABELS_EN[value] if is_english() else ROLE_LABELS_ZH[value]


def status(value: object) -> str:
    key = str(getattr(value, "value", value))
    zh, en = STATUS_LABELS.get(key, (key, key))
    return en if is_english() else zh


def priority(value: object) -> str:
    for p, (zh, en) in PRIORITY_LABELS.items():
        if p == value:
            return en if is_english() else zh
    return str(value)


def register(app: Flask) -> None:
    for f in (local, weekday, weekday_names, category, skill_name, named, role, status, priority):
        app.jinja_env.filters[f.__name__] = f
    app.jinja_env.globals["has_view"] = lambda endpoint: endpoint in app.view_functions
