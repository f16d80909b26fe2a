"""Plain sentences, in Chinese and English, for why a requirement is unmet and what would fill it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scheduler.clock import local_zone
from scheduler.rosters.models import UnmetDemand

WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

REASONS_ZH = {
    "no_skill": "街道里没有人持有有效的{skill}资质",
    "not_eligible": "持有{skill}资质的人都不服务这个社区，或因身体条件、任务上限不能承担",
    "unavailable": "有资质的 {qualified} 人在这个时段都没空或请假",
    "at_limit": "有空的 {available} 人都已到工时上限或休息间隔不够",
    "busy": "有空的 {available} 人都已排在同一时段的其他班次",
    "too_few": "有资质且有空的人不够（{available} 人有空，其余已排班或到上限）",
}
REASONS_EN = {
    "no_skill": "nobody in the street holds a valid {skill} certificate",
    "not_eligible": (
        "everyone with {skill} serves other communities or is excluded by fitness limits or task caps"
    ),
    "unavailable": "all {qualified} qualified people are unavailable or on leave then",
    "at_limit": "all {available} available people are at an hours cap or short of rest",
    "busy": "all {available} available people are on other shifts at that time",
    "too_few": "too few qualified people are free ({available} available; the rest are booked or capped)",
}


def when_zh(start: datetime, end: datetime) -> str:
    s, e = start.astimezone(local_zone()), end.astimezone(local_zone())
    return f"{s.month}月{s.day}日(周{WEEKDAYS_ZH[s.weekday()]}) {s:%H:%M}–{e:%H:%M}"


def when_en(start: datetime, end: datetime) -> str:
    s, e = start.astimezone(local_zone()), end.astimezone(local_zone())
    return f"{WEEKDAYS_EN[s.weekday()]} {s:%m-%d} {s:%H:%M}–{e:%H:%M}"


def explain(unmet: UnmetDemand, skill_names: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """{"zh": ..., "en": ...}: what is missing, why, and what would fill it."""
    shift = unmet.shift
    names = skill_names or {}
    zh_skill, en_skill = names.get(
        unmet.skill_code or "", (unmet.skill_code or "人员", unmet.skill_code or "people")
    )
    d: dict[str, Any] = unmet.detail or {}
    fmt = {"skill": zh_skill, "qualified": d.get("qualified", 0), "available": d.get("available", 0)}
    fmt_en = {**fmt, "skill": en_skill}
    place_zh = f"{shift.grid.name} {shift.task_type.name_zh}"
    place_en = f"{shift.grid.code} {shift.task_type.name_en}"
    who_zh = f"{unmet.missing} 名{zh_skill}" if unmet.skill_code else f"{unmet.missing} 人"
    who_en = f"{unmet.missing} {en_skill}" if unmet.skill_code else f"{unmet.missing} people"
    zh = (
        f"{when_zh(shift.starts_at, shift.ends_at)} {place_zh}：缺 {who_zh}。"
        + REASONS_ZH.get(unmet.reason, unmet.reason).format(**fmt)
        + "。"
    )
    en = (
        f"{when_en(shift.starts_at, shift.ends_at)} {place_en}: short of {who_en}. "
        + REASONS_EN.get(unmet.reason, unmet.reason).format(**fmt_en)
        + "."
    )
    suggestion = d.get("suggestion")
    if suggestion:
        start, end = datetime.fromisoformat(suggestion["start"]), datetime.fromisoformat(suggestion["end"])
        if suggestion.get("rule"):
            rule, people = suggestion["rule"], len(suggestion.get("people", []))
            zh += f"建议：放宽“{rule}”规则（涉及 {people} 人）。"
            en += f" Would fill it: relax the {rule} rule for {people} people."
        else:
            s_zh = names.get(suggestion.get("skill") or "", (suggestion.get("skill") or "", ""))[0]
            s_en = names.get(suggestion.get("skill") or "", ("", suggestion.get("skill") or ""))[1]
            zh += f"建议：再找 {suggestion['count']} 名在 {when_zh(start, end)} 有空的{s_zh or '人员'}。"
            count = suggestion["count"]
            en += f" Would fill it: {count} more {s_en or 'people'} available {when_en(start, end)}."
    return {"zh": zh, "en": en}
