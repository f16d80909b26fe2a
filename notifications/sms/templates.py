"""SMS texts, Chinese by default and English on request: who, what, where, when, and a link."""

# The wording follows what domestic gateways approve (CHINA.md §0 item 4, §4): no 党政 or
# recruiting words, no personal mobile numbers, a personal link for confirming. Twilio's reserved
# keywords (STOP, CANCEL, YES, ...) are never suggested as replies: replies are digits plus a code.

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from notifications.sms.segments import count_segments

CHINA = ZoneInfo("Asia/Shanghai")
# An offer must fit in two segments: Chinese SMS are UCS-2, so 2 x 67 = 134 characters in all.
MAX_OFFER_SEGMENTS = 2
# Gateways add a signature that counts towards the length: domestic ones prepend the approved
# 【和平里街道办事处】 (10 characters, and Chinese, so the text is UCS-2 whatever its language);
# English texts are meant for non-mainland numbers, whose routes add at most an ASCII tag.
SIGNATURE_ALLOWANCE = {"zh": "【" + "签" * 8 + "】", "en": "[" + "x" * 10 + "] "}
# When a text would not fit, the place is shortened, never the link or the code; below this many
# characters a place stops being recognisable, so it is left as it is.
MIN_PLACE_CHARS = 6

_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftFacts:
    """What a person needs to know about one shift, already in their language."""

    name: str  # who: the person's name as they are addressed
    duty: str  # what: e.g. 卡口值守
    place: str  # where: community and grid, e.g. 和平里第十四社区第十二网格
    start: datetime  # when (aware)
    end: datetime
    link: str  # personal confirm / decline page
    code: str | None = None  # reply code; None where the route takes no replies (+86 via Twilio)
    tz: ZoneInfo = CHINA


def format_when(facts: ShiftFacts, *, lang: Lang) -> str:
    """12月28日周六08:00-12:00, or Sat 28 Dec 08:00-12:00; a shift past midnight says so."""
    start, end = facts.start.astimezone(facts.tz), facts.end.astimezone(facts.tz)
    next_day = end.date() > start.date()
    if lang is Lang.ZH:
        day = f"{start.month}月{start.day}日周{_WEEKDAYS_ZH[start.weekday()]}"
        return f"{day}{start:%H:%M}-{'次日' if next_day else ''}{end:%H:%M}"
    day = f"{_WEEKDAYS_EN[start.weekday()]} {start.day} {_MONTHS_EN[start.month - 1]}"
    return f"{day} {start:%H:%M}-{end:%H:%M}{' next day' if next_day else ''}"


def _reply_zh(code: str | None, *, decline: bool = True) -> str:
    if code is None:
        return ""
    return f" 或回复1 {code}确认，2 {code}拒绝" if decline else f" 或回复1 {code}"


def _reply_en(code: str | None, *, decline: bool = True) -> str:
    if code is None:
        return ""
    return f" or reply 1 {code} to accept, 2 {code} to decline" if decline else f" or reply 1 {code}"


def fits(text: str, *, lang: Lang, max_segments: int = MAX_OFFER_SEGMENTS) -> bool:
    """True if `text`, once the gateway has added its signature, takes at most `max_segments`."""
    return count_segments(SIGNATURE_ALLOWANCE[lang] + text).segments <= max_segments


def fit(render: Callable[[ShiftFacts], str], facts: ShiftFacts, *, lang: Lang, max_segments: int) -> str:
    """Render, shortening the place with an ellipsis until the text plus signature fits."""
    text = render(facts)
    place = facts.place
    while not fits(text, lang=lang, max_segments=max_segments) and len(place) > MIN_PLACE_CHARS:
        place = place[:-1]
        text = render(replace(facts, place=place.rstrip() + "…"))
    return text


def offer(facts: ShiftFacts, *, lang: Lang = Lang.ZH) -> str:
    """A new shift for this person, to confirm or decline."""

    def render(f: ShiftFacts) -> str:
        if lang is Lang.ZH:
            when = format_when(f, lang=lang)
            return f"{f.name}：{when} {f.place} {f.duty}。确认/拒绝：{f.link}{_reply_zh(f.code)}"
        when = format_when(f, lang=lang)
        return f"{f.name}: {f.duty}, {when}, {f.place}. Accept or decline: {f.link}{_reply_en(f.code)}"

    return fit(render, facts, lang=lang, max_segments=MAX_OFFER_SEGMENTS)


# The plain notices: one text per language, filled with name, duty, when, place and link.
NOTICES: dict[str, tuple[str, str]] = {
    "change": (
        "{name}：您的{duty}安排有变，现为{when} {place}。详情：{link}",
        "{name}: your {duty} shift has changed to {when}, {place}. Details: {link}",
    ),
    "cancel": (
        "{name}：{when} {place} {duty}已取消，无需前往。",
        "{name}: {duty}, {when}, {place} is called off. No need to come.",
    ),
    "reminder": (
        "{name}：提醒您{when}在{place}{duty}。详情：{link}",
        "{name}: reminder, {duty} {when}, {place}. Details: {link}",
    ),
    "not_needed": (
        "{name}：{when} {place} {duty}人员已满，无需前往，谢谢。",
        "{name}: {duty}, {when}, {place} is now fully staffed. No need to come, thank you.",
    ),
    "confirmed_ack": (
        "已确认：{when} {place} {duty}。谢谢！",
        "Accepted: {duty}, {when}, {place}. Thank you!",
    ),
    "declined_ack": (
        "已收到，您不参加{when} {place} {duty}。",
        "Noted: you will not do {duty}, {when}, {place}.",
    ),
}


def _notice(kind: str, facts: ShiftFacts, *, lang: Lang) -> str:
    zh, en = NOTICES[kind]

    def render(f: ShiftFacts) -> str:
        text = zh if lang is Lang.ZH else en
        return text.format(
            name=f.name, duty=f.duty, when=format_when(f, lang=lang), place=f.place, link=f.link
        )

    return fit(render, facts, lang=lang, max_segments=MAX_OFFER_SEGMENTS)


def change(facts: ShiftFacts, *, lang: Lang = Lang.ZH) -> str:
    """The time or place of a shift this person holds has changed."""
    return _notice("change", facts, lang=lang)


def cancel(facts: ShiftFacts, *, lang: Lang = Lang.ZH) -> str:
    """A shift this person held no longer happens (or is no longer theirs)."""
    return _notice("cancel", facts, lang=lang)


def reminder(facts: ShiftFacts, *, lang: Lang = Lang.ZH) -> str:
    """A confirmed shift is coming up."""
    return _notice("reminder", facts, lang=lang)


def surge_call(facts: ShiftFacts, *, needed: int, lang: Lang = Lang.ZH) -> str:
    """An urgent call for `needed` people at a place, now or soon (网格呼叫)."""

    def render(f: ShiftFacts) -> str:
        when = format_when(f, lang=lang)
        if lang is Lang.ZH:
            return (
                f"{f.name}：{f.place}急需{needed}人{f.duty}，{when}。能来请确认：{f.link}{_reply_zh(f.code)}"
            )
        return (
            f"{f.name}: {needed} people needed for {f.duty} at {f.place}, {when}. "
            f"Can you come? {f.link}{_reply_en(f.code)}"
        )

    return fit(render, facts, lang=lang, max_segments=MAX_OFFER_SEGMENTS)


def not_needed(facts: ShiftFacts, *, lang: Lang = Lang.ZH) -> str:
    """A call this person answered was filled by others; they need not come."""
    return _notice("not_needed", facts, lang=lang)


def confirmed_ack(facts: ShiftFacts, *, lang: Lang = Lang.ZH) -> str:
    """Answer to a confirmation."""
    return _notice("confirmed_ack", facts, lang=lang)


def declined_ack(facts: ShiftFacts, *, lang: Lang = Lang.ZH) -> str:
    """Answer to a decline."""
    return _notice("declined_ack", facts, lang=lang)
