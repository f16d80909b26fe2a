"""Parse single cells: text, yes/no, hours, e-mail, category, dates, skills; errors in both languages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from scheduler.errors import ValidationError
from scheduler.people.models import CATEGORY_LABELS_ZH, Category

MAX_HOURS_PER_WEEK = 80
_INVISIBLE = "\ufeff\u200b\u200c\u200d"


def clean(raw: str | None) -> str:
    """Trim spaces (also full-width ones) and invisible marks Excel and WeChat leave behind."""
    return (raw or "").strip().strip(_INVISIBLE).strip()


def fold(raw: str | None) -> str:
    """For structured values: full-width to half-width (NFKC: '１８：００' -> '18:00'), trimmed."""
    return clean(unicodedata.normalize("NFKC", raw or ""))


def text_field(raw: str, *, max_len: int, label_zh: str, label_en: str) -> str | None:
    value = clean(raw)
    if len(value) > max_len:
        raise ValidationError(
            "too_long", f"{label_zh}太长（最多 {max_len} 个字）",
            f"{label_en} is too long (at most {max_len} characters)",
        )
    return value or None


_YES = {"是", "yes", "y", "true", "1", "对", "√", "✓"}
_NO = {"否", "no", "n", "false", "0", "不", "×", "✗"}


def parse_yes_no(raw: str) -> bool | None:
    """是/否, yes/no, 1/0 (also true/false, y/n); blank -> None."""
    value = fold(raw).casefold()
    if not value:
        return None
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValidationError("bad_yes_no", f"应填 是 或 否：{clean(raw)}", f"must be yes or no: {clean(raw)}")


_HOURS = re.compile(r"^(\d+)(?:\.0+)?\s*(?:小时|h|hours?)?$")


def parse_hours(raw: str) -> int | None:
    value = fold(raw).casefold()
    if not value:
        return None
    m = _HOURS.match(value)
    if not m:
        raise ValidationError(
            "bad_hours", f"小时数应为 0 到 {MAX_HOURS_PER_WEEK} 的整数：{clean(raw)}",
            f"hours must be a whole number from 0 to {MAX_HOURS_PER_WEEK}: {clean(raw)}",
        )
    hours = int(m.group(1))
    if hours > MAX_HOURS_PER_WEEK:
        raise ValidationError(
            "hours_out_of_range", f"每周最多 {MAX_HOURS_PER_WEEK} 小时：{hours}",
            f"at most {MAX_HOURS_PER_WEEK} hours a week: {hours}",
        )
    return hours


_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def parse_email(raw: str) -> str | None:
    value = fold(raw)
    if not value:
        return None
    # The address itself is personal data: the message names the problem, not the value.
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValidationError("bad_email", "邮箱格式不正确", "not a valid e-mail address")
    return value


def _category_names() -> dict[str, Category]:
    names = {c.value: c for c in Category} | {zh: c for c, zh in CATEGORY_LABELS_ZH.items()}
    names["全科网格员"] = Category.GRID_FULL_TIME  # the glossary's other name for 专职网格员
    names["双报到党员"] = Category.PARTY_IN_SERVICE
    return {k.casefold().replace(" ", "").replace("-", "_"): v for k, v in names.items()}


_CATEGORIES = _category_names()


def parse_category(raw: str) -> Category | None:
    value = fold(raw).casefold().replace(" ", "").replace("-", "_")
    if not value:
        return None
    try:
        return _CATEGORIES[value]
    except KeyError:
        zh = "、".join(CATEGORY_LABELS_ZH.values())
        en = ", ".join(c.value for c in Category)
        raise ValidationError(
            "unknown_category", f"未知类别：{clean(raw)}（可填：{zh}）",
            f"unknown category: {clean(raw)} (one of: {en})",
        ) from None


DATE_PATTERN = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_DATE = re.compile(rf"^{DATE_PATTERN}$")


def parse_date(raw: str) -> date:
    """2026-12-01, 2026/12/1, 2026.12.01, 2026年12月1日 (an XLSX date cell arrives as 2026-12-01)."""
    value = fold(raw)
    m = _DATE.match(value)
    if not m:
        raise ValidationError(
            "bad_date", f"日期应写作 2026-12-01：{value}", f"dates must look like 2026-12-01: {value}"
        )
    return date_from_parts(m.group(1), m.group(2), m.group(3), value)


def date_from_parts(year: str, month: str, day: str, shown: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValidationError("bad_date", f"没有这一天：{shown}", f"no such date: {shown}") from None


@dataclass(frozen=True, slots=True)
class SkillEntry:
    code: str
    valid_until: date | None  # certificate expiry; None: no expiry


_ITEM_SPLIT = re.compile(r"[;,、\n]+")


def parse_skills(raw: str, *, known: dict[str, str]) -> list[SkillEntry]:
    """'护士:2027-06-30; 急救' (or '护士(2027-06-30)') -> nurse until 2027-06-30, first aid with no expiry.

    ``known`` maps a folded name (code, Chinese or English name) to the skill code.
    """
    out: dict[str, SkillEntry] = {}
    for item in _ITEM_SPLIT.split(fold(raw)):
        name, _, expiry = item.partition(":")
        if not expiry and name.endswith(")") and "(" in name:
            name, _, expiry = name[:-1].partition("(")
        name, expiry = name.strip(), expiry.strip()
        if not name:
            continue
        code = known.get(name.casefold())
        if code is None:
            names_zh = "、".join(sorted({k for k in known if not k.isascii()}))
            raise ValidationError(
                "unknown_skill", f"未知技能：{name}（可填：{names_zh}）",
                f"unknown skill: {name} (use a code or name: {', '.join(sorted(set(known.values())))})",
            )
        entry = SkillEntry(code, parse_date(expiry) if expiry else None)
        if code in out and out[code] != entry:
            raise ValidationError(
                "skill_twice", f"技能重复且日期不同：{name}",
                f"skill listed twice with different dates: {name}",
            )
        out[code] = entry
    return list(out.values())
