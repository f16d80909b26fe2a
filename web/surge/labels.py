"""Words of the call board in the chosen language: tiers, needs (skills), offer states, unmet reasons."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from scheduler.people.models import Skill
from scheduler.surge.models import TIER_LABELS_ZH, Tier
from web.filters import local
from web.i18n import is_english

TIER_LABELS_EN = {Tier.COMMUNITY: "community", Tier.STREET: "street", Tier.DEPARTMENT: "departments"}
OFFER_STATUS = {
    "offered": _l("asked"),
    "confirmed": _l("confirmed"),
    "on_the_way": _l("on the way"),
    "arrived": _l("arrived"),
    "declined": _l("declined"),
    "expired": _l("no answer"),
    "not_needed": _l("not needed"),
    "withdrawn": _l("stood down"),
}
CALL_STATUS = {
    "open": _l("open: places to fill"),
    "staffed": _l("staffed"),
    "closed": _l("closed"),
    "cancelled": _l("called off"),
}
REASONS_EN = {
    "no_one_has_skill": "nobody in the district has this skill",
    "certificates_expired": "everyone with this skill has an expired certificate",
    "waiting_for_answers": "asked, waiting for answers",
    "next_tier_pending": "everyone in this tier was asked; waiting to widen to the next tier",
    "not_asked_yet": "suitable people not asked yet (this tier's quota is used up)",
    "all_asked_none_available": "everyone reachable was asked; nobody can come",
    "no_party_member": "no reachable party member to lead",
}


def tier_label(value: str) -> str:
    tier = Tier(value)
    return TIER_LABELS_EN[tier] if is_english() else TIER_LABELS_ZH[tier]


def need_label(code: str, skills: dict[str, Skill]) -> str:
    if code == "general":
        return "anyone fit" if is_english() else "普通人员"
    if code == "lead":
        return "party-member lead" if is_english() else "党员带队"
    skill = skills.get(code)
    if skill is None:
        return code
    return skill.name_en if is_english() else skill.name_zh


def offer_status_label(value: str) -> str:
    return str(OFFER_STATUS.get(value, value))


def reason_label(reason: str, reason_zh: str) -> str:
    return REASONS_EN.get(reason, reason) if is_english() else reason_zh


def call_status_label(value: str) -> str:
    return str(CALL_STATUS.get(value, value))


def local_hhmm(iso: str | None) -> str:
    """An ISO time of the board's JSON as local HH:MM (the JSON keeps the offset, the page shows local)."""
    return "" if not iso else local(datetime.fromisoformat(iso), "%H:%M")
