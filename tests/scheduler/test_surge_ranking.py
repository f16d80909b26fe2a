"""The surge ranking on plain records: free before pre-empted, rested before tired, near before far."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.rosters.models import Priority
from scheduler.surge.ranking import Candidate, Distance, Duty, Excluded, Slot, qualification, rank

Z = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 30, 9, 0, tzinfo=Z)
SLOT = Slot(START, START + timedelta(hours=4), Priority.EMERGENCY, heavy=False, zone=Z)
H = timedelta(hours=1)


def person(pid: int, distance: Distance = Distance.GRID, **kw: object) -> Candidate:
    return Candidate(person_id=pid, party=False, experienced=False, distance=distance, skills={}, **kw)  # type: ignore[arg-type]


def routine(start: datetime, hours: float, priority: Priority = Priority.NORMAL, **kw: object) -> Duty:
    return Duty(start, start + timedelta(hours=hours), "routine", priority, **kw)  # type: ignore[arg-type]


def order(*people: Candidate, slot: Slot = SLOT) -> list[int]:
    return [f.candidate.person_id for f in rank(people, slot)[0]]


def test_surge_ranking_nearest_first_then_least_worked_then_experience() -> None:
    far = person(1, Distance.STREET)
    near = person(2, Distance.GRID)
    community = person(3, Distance.COMMUNITY)
    district = person(4, Distance.DISTRICT)
    worked = person(5, Distance.GRID, duties=(routine(START - 6 * H, 2),))  # 03:00-05:00 the same day
    assert order(far, near, community, district) == [2, 3, 1, 4]
    assert order(worked, near)[0] == 2


def test_surge_ranking_free_before_preempted_and_never_from_equal_priority_or_other_calls() -> None:
    free = person(1, Distance.STREET)
    on_routine = person(2, duties=(routine(START, 2),))
    on_high_risk = person(3, duties=(routine(START + H, 2, Priority.HIGH_RISK),))
    on_emergency = person(4, duties=(routine(START, 2, Priority.EMERGENCY, confirmed=True),))
    locked = person(5, duties=(routine(START, 2, locked=True),))
    on_surge = person(6, duties=(Duty(START, START + H, "surge", confirmed=True),))
    fits, excluded = rank([free, on_routine, on_high_risk, on_emergency, locked, on_surge], SLOT)
    assert [f.candidate.person_id for f in fits] == [1, 2, 3]
    assert fits[0].preempt == () and [d.priority for d in fits[1].preempt] == [Priority.NORMAL]
    assert excluded == {4: Excluded.BUSY, 5: Excluded.BUSY, 6: Excluded.BUSY}
    # A call only as urgent as high-risk duty cannot take people from it.
    high = Slot(SLOT.start, SLOT.end, Priority.HIGH_RISK, heavy=False, zone=Z)
    assert order(free, on_routine, on_high_risk, slot=high) == [1, 2]


def test_surge_ranking_rest_and_daily_hours_make_someone_tired_not_excluded() -> None:
    rested = person(1, Distance.COMMUNITY)
    short_rest = person(2, duties=(routine(START - 2 * H, 1.75),))  # ends 08:45: 15 minutes' rest
    long_day = person(3, duties=(routine(START + 5 * H, 7),))  # 4 + 7 hours > 10 on the same day
    fits, _ = rank([short_rest, long_day, rested], SLOT)
    assert [f.candidate.person_id for f in fits] == [1, 2, 3]
    assert [f.tired for f in fits] == [False, True, True]


def test_surge_ranking_absence_night_heavy_and_windows() -> None:
    night = Slot(START + 13 * H, START + 17 * H, Priority.EMERGENCY, heavy=True, zone=Z)  # 22:00-02:00
    sick = person(1, absences=((START - 24 * H, START + 24 * H),))
    elderly = person(2, no_night=True)
    light = person(3, no_heavy=True)
    window = person(4, windows=((START - H, START + 8 * H),))
    outside = person(5, Distance.GRID, windows=((START + 10 * H, START + 12 * H),))
    fits, excluded = rank([sick, elderly, light, window, outside], night)
    assert excluded == {1: Excluded.ABSENT, 2: Excluded.NO_NIGHT, 3: Excluded.NO_HEAVY}
    assert night.night and not SLOT.night
    fits, _ = rank([outside, window], SLOT)
    assert [(f.candidate.person_id, f.outside_window) for f in fits] == [(4, False), (5, True)]


def test_surge_ranking_qualification_reads_certificate_expiry_at_the_end_of_the_block() -> None:
    nurse = Candidate(1, False, False, Distance.GRID, {"nurse": date(2026, 11, 30), "driver": None})
    assert qualification(nurse, None, SLOT) is None
    assert qualification(nurse, "nurse", SLOT) is None
    assert qualification(nurse, "driver", SLOT) is None
    assert qualification(nurse, "doctor", SLOT) is Excluded.UNQUALIFIED
    overnight = Slot(START + 14 * H, START + 18 * H, Priority.EMERGENCY, heavy=False, zone=Z)  # into Dec 1
    assert qualification(nurse, "nurse", overnight) is Excluded.EXPIRED
