"""Quiet hours: no SMS at night except emergencies (GRIDROSTER_QUIET_HOURS, default 22:00-07:00)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_QUIET_HOURS = "22:00-07:00"
CHINA = ZoneInfo("Asia/Shanghai")
_SPEC = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class QuietHoursError(ValueError):
    """GRIDROSTER_QUIET_HOURS is not "HH:MM-HH:MM" or "off"."""


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window [start, end) in local time during which non-urgent SMS wait."""

    start: time | None  # None: quiet hours are off
    end: time | None
    tz: ZoneInfo = CHINA

    @classmethod
    def parse(cls, spec: str, *, tz: ZoneInfo = CHINA) -> QuietHours:
        if spec.strip().lower() == "off":
            return cls(None, None, tz)
        match = _SPEC.match(spec)
        if match is None:
            raise QuietHoursError(
                f'GRIDROSTER_QUIET_HOURS must look like "22:00-07:00" or "off", not {spec!r}'
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise QuietHoursError(f"GRIDROSTER_QUIET_HOURS has an impossible time: {spec!r}")
        start, end = time(h1, m1), time(h2, m2)
        if start == end:
            raise QuietHoursError(f'GRIDROSTER_QUIET_HOURS start equals end ({spec!r}); use "off"')
        return cls(start, end, tz)

    @property
    def enabled(self) -> bool:
        return self.start is not None

    def _local(self, when: datetime) -> datetime:
        # Aware times are converted; naive ones are taken as already local.
        return when.astimezone(self.tz) if when.tzinfo is not None else when

    def is_quiet(self, when: datetime, *, urgent: bool = False) -> bool:
        """True if a non-urgent SMS must wait at `when`; 22:00 exactly is quiet, 07:00 is not."""
        if urgent or self.start is None or self.end is None:
            return False  # emergencies (surge calls) bypass quiet hours
        t = self._local(when).time()
        if self.start < self.end:  # a window inside one day, e.g. 12:00-14:00
            return self.start <= t < self.end
        return t >= self.start or t < self.end  # a window across midnight

    def next_allowed(self, when: datetime, *, urgent: bool = False) -> datetime:
        """The first moment at or after `when` a message may go out (same awareness as `when`)."""
        if not self.is_quiet(when, urgent=urgent):
            return when
        assert self.end is not None
        local = self._local(when)
        candidate = datetime.combine(local.date(), self.end, tzinfo=local.tzinfo)
        if candidate <= local:
            candidate = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=local.tzinfo)
        return candidate


def quiet_hours_from_env(env: Mapping[str, str]) -> QuietHours:
    return QuietHours.parse(env.get("GRIDROSTER_QUIET_HOURS", DEFAULT_QUIET_HOURS))
