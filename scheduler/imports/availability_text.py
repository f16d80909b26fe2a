"""Parse availability text: weekly windows ('工作日 18:00-21:30; 周末 08:00-20:00') and absences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from scheduler.errors import ValidationError
from scheduler.imports.values import DATE_PATTERN, date_from_parts, fold

ALL_DAYS = (0, 1, 2, 3, 4, 5, 6)
WORKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)

_GROUPS: dict[str, tuple[int, ...]] = {
    "工作日": WORKDAYS, "周末": WEEKEND, "双休日": WEEKEND,
    "每天": ALL_DAYS, "每日": ALL_DAYS, "天天": ALL_DAYS,
    "weekdays": WORKDAYS, "weekday": WORKDAYS, "workdays": WORKDAYS, "weekends": WEEKEND, "weekend": WEEKEND,
    "daily": ALL_DAYS, "everyday": ALL_DAYS,
}
_ENGLISH_DAYS = (
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
)
_SINGLE: dict[str, int] = {}
for _day, _names in enumerate(_ENGLISH_DAYS):
    for _name in _names:
        _SINGLE[_name] = _day
        _SINGLE[_name + "s"] = _day  # "mondays"
_CN_NUMERAL = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# 周一, 星期三, 周一三五, and the bare 三 of 周一、三
_CN_DAYS = re.compile(r"^(?:周|星期|礼拜)?([一二三四五六日天]+)$")
_RANGE_SEP = r"(?:-|~|至|到|—|–)"
_TIME = r"(\d{1,2}):(\d{2})"
_TIME_RANGE = re.compile(rf"{_TIME}\s*{_RANGE_SEP}\s*{_TIME}")
_DAY_LIST_SPLIT = re.compile(r"[,、/&+\s]+|和|及")
_BETWEEN_SEPARATORS = re.compile(r"^[;,、\s]*$")


@dataclass(frozen=True, slots=True, order=True)
class WeeklySlot:
    """Every week on ``weekday`` (0 = Monday) from ``start``; an ``end`` at or before it is the next day."""

    weekday: int
    start: time
    end: time

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True, slots=True, order=True)
class DateSpan:
    first: date
    last: date  # inclusive: "2026-12-01~2026-12-03" is three days


def _bad_days(text: str) -> ValidationError:
    return ValidationError(
        "bad_availability",
        f"无法识别的星期：{text}（可写 工作日、周末、每天、周一 … 周日）",
        f"cannot read the days: {text} (use weekdays, weekends, daily, Mon … Sun)",
    )


def _one_day_token(token: str) -> tuple[int, ...]:
    if token in _GROUPS:
        return _GROUPS[token]
    if token in _SINGLE:
        return (_SINGLE[token],)
    m = _CN_DAYS.match(token)
    if m:
        return tuple(_CN_NUMERAL[c] for c in m.group(1))
    raise _bad_days(token)


def _day_token(token: str) -> tuple[int, ...]:
    """A group (工作日), a day (周三, Wed) or a range (周一至周五, Mon-Fri; it may wrap past Sunday)."""
    m = re.fullmatch(rf"(.+?){_RANGE_SEP}(.+)", token)
    if m:
        try:
            first, last = _one_day_token(m.group(1)), _one_day_token(m.group(2))
        except ValidationError:
            raise _bad_days(token) from None
        if len(first) != 1 or len(last) != 1:
            raise _bad_days(token)
        span = (last[0] - first[0]) % 7
        return tuple((first[0] + i) % 7 for i in range(span + 1))
    return _one_day_token(token)


def parse_days(text: str) -> tuple[int, ...]:
    """'工作日', '周一,周三', '周一至周五', 'Mon-Fri', 'weekends' -> sorted weekday numbers."""
    folded = fold(text).casefold().replace("every day", "everyday")
    folded = re.sub(rf"\s*({_RANGE_SEP})\s*", r"\1", folded)
    days: set[int] = set()
    for token in _DAY_LIST_SPLIT.split(folded):
        if token and token != "and":
            days.update(_day_token(token))
    if not days:
        raise ValidationError(
            "bad_availability", "请先写星期再写时间，例如 工作日 18:00-21:30",
            "name the days before the times, e.g. weekdays 18:00-21:30",
        )
    return tuple(sorted(days))


def _clock(hours: str, minutes: str, *, shown: str) -> time:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time(0, 0)  # 24:00 is the midnight that ends the day: an end at or before start
    if h > 23 or m > 59:
        raise ValidationError("bad_availability", f"没有这个时间：{shown}", f"no such time of day: {shown}")
    return time(h, m)


def parse_weekly_windows(text: str) -> list[WeeklySlot]:
    """'工作日 18:00-21:30; 周末 08:00-20:00' -> one slot per weekday and time range, sorted.

    Days come first, then one or more time ranges: '周六 08:00-12:00, 14:00-18:00'. Groups may be
    separated by ';', a comma or a new line. A range ending at or before its start runs past midnight
    ('周五 22:00-06:00'); equal start and end is an error (a window must have a length).
    """
    value = fold(text)
    slots: set[WeeklySlot] = set()
    days: tuple[int, ...] | None = None
    position = 0
    for m in _TIME_RANGE.finditer(value):
        between = value[position:m.start()]
        if not _BETWEEN_SEPARATORS.match(between):
            days = parse_days(between.strip(" ;,、"))
        elif days is None:
            days = parse_days("")
        shown = m.group(0)
        start = _clock(m.group(1), m.group(2), shown=shown)
        end = _clock(m.group(3), m.group(4), shown=shown)
        if start == end:
            raise ValidationError(
                "bad_availability", f"开始和结束时间相同：{shown}",
                f"a window cannot start and end at the same time: {shown}",
            )
        slots.update(WeeklySlot(day, start, end) for day in days)
        position = m.end()
    rest = value[position:]
    if not _BETWEEN_SEPARATORS.match(rest):
        raise ValidationError(
            "bad_availability",
            f"无法识别：{rest.strip(' ;,、')}（应写作 工作日 18:00-21:30; 周末 08:00-20:00）",
            f"cannot read: {rest.strip(' ;,、')} (write e.g. weekdays 18:00-21:30; weekends 08:00-20:00)",
        )
    return sorted(slots)


_SPAN = re.compile(rf"^{DATE_PATTERN}(?:\s*{_RANGE_SEP}\s*{DATE_PATTERN})?$")
_SPAN_SPLIT = re.compile(r"[;,、\n]+")


def parse_absences(text: str) -> list[DateSpan]:
    """'2026-12-01~2026-12-03; 2026-12-24' -> date spans (inclusive); a single date is one day."""
    spans: set[DateSpan] = set()
    for piece in _SPAN_SPLIT.split(fold(text)):
        piece = piece.strip()
        if not piece:
            continue
        m = _SPAN.match(piece)
        if not m:
            raise ValidationError(
                "bad_absence", f"无法识别的请假日期：{piece}（应写作 2026-12-01~2026-12-03）",
                f"cannot read the absence dates: {piece} (write e.g. 2026-12-01~2026-12-03)",
            )
        first = date_from_parts(m.group(1), m.group(2), m.group(3), piece)
        last = date_from_parts(m.group(4), m.group(5), m.group(6), piece) if m.group(4) else first
        if last < first:
            raise ValidationError(
                "dates_wrong_order", f"日期顺序颠倒：开始 {first} 晚于结束 {last}",
                f"dates in the wrong order: start {first} is after end {last}",
            )
        spans.add(DateSpan(first, last))
    return sorted(spans)
