"""A realistic demo street, seeded and parameterised, modelled on the figures of the seed document.

The seed document (Kunming, 2021): a community of 13 staff who are all grid workers, 538
households each; one health centre for a street of 225,000 people. So: about 10 communities,
grids of 300–600 households, about 13 full-time grid workers per community, in-service party
members free only outside working hours (双报到: evenings and weekends), older no-post members on
daytime light duty, volunteers from property companies and social organisations, and a handful of
professionals from one clinic serving the whole street. Same seed, same data (link tokens excepted:
they are secrets and never derived from the seed).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy.orm import Session

from scheduler.availability.models import Preference, WeeklyWindow
from scheduler.people.models import Category, Person, PersonSkill
from scheduler.reference import ensure_reference_data, skills_by_code, task_types_by_code
from scheduler.rosters.models import Priority, ShiftTemplate, TemplateDemand
from scheduler.territory.models import Community, District, Grid, RiskLevel, Street

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "皇甫")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅春燕晓东海波宁俊辉鹏飞云凤琴婷雪慧"
COMMUNITY_NAMES = (
    "翠湖",
    "青云",
    "莲花池",
    "大观",
    "龙泉",
    "金碧",
    "圆通",
    "华山",
    "虹山",
    "黑林铺",
    "丰宁",
    "普吉",
    "西翥",
    "篆塘",
    "钱局",
    "文林",
    "小西门",
    "潘家湾",
    "永昌",
    "船房",
)
PROPERTY_COMPANIES = ("万科物业", "碧桂园服务", "保利物业", "鑫苑物业", "俊发物业")
SOCIAL_ORGS = ("春城社工服务中心", "蓝天救援队", "邻里守望志愿队", "业主委员会", "红十字志愿服务队")
WORK_UNITS = (
    "区税务局",
    "市第一人民医院",
    "区教育体育局",
    "云南电网五华供电局",
    "区市场监管局",
    "市自来水公司",
    "区人民法院",
)
Weekly = Callable[[Person, str, str, str], None]
MOBILE_PREFIXES = (
    "139",
    "138",
    "137",
    "136",
    "135",
    "150",
    "151",
    "158",
    "159",
    "182",
    "187",
    "188",
    "177",
    "199",
)


@dataclass(frozen=True)
class DemoSize:
    people: int = 3000
    grids: int = 150
    seed: int = 1

    @property
    def communities(self) -> int:
        # "about 10 communities" for a street of 100+ grids; at least one grid each.
        return max(1, min(10, self.grids // 10 or 1))


@dataclass(frozen=True)
class SeedSummary:
    district_id: int
    street_id: int
    communities: int
    grids: int
    people: int
    by_category: dict[str, int]
    templates: int


def _hm(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def seed_demo(*, session: Session, size: DemoSize, today: date) -> SeedSummary:
    """Create one district, one street with its communities and grids, the people and templates."""
    rng = random.Random(size.seed)
    ensure_reference_data(session=session)
    skills = skills_by_code(session=session)
    types = task_types_by_code(session=session)

    district = District(name="五华区")
    street = Street(name="翠湖街道", district=district)
    session.add_all([district, street])
    communities: list[Community] = []
    grids: list[Grid] = []
    for c in range(size.communities):
        base = COMMUNITY_NAMES[c % len(COMMUNITY_NAMES)]
        name = base + ("社区" if c < len(COMMUNITY_NAMES) else f"{c // len(COMMUNITY_NAMES) + 1}社区")
        communities.append(Community(name=name, street=street))
    for g in range(size.grids):
        community = communities[g % len(communities)]
        number = g // len(communities) + 1
        households = rng.randint(300, 600)
        risk = (
            RiskLevel.HIGH
            if rng.random() < 0.08
            else RiskLevel.MEDIUM
            if rng.random() < 0.25
            else RiskLevel.LOW
        )
        grids.append(
            Grid(
                community=community,
                code=f"G{g + 1:04d}",
                name=f"{community.name}第{number}网格",
                households=households,
                population=int(households * rng.uniform(2.4, 2.9)),
                risk_level=risk,
            )
        )
    session.add_all(communities)
    session.add_all(grids)
    session.flush()

    grids_by_community: dict[int, list[Grid]] = {}
    for grid in grids:
        grids_by_community.setdefault(grid.community_id, []).append(grid)

    phones = _phones(rng, size.people)
    people: list[Person] = []
    windows: list[WeeklyWindow] = []

    def _weekly(person: Person, days: str, start: str, end: str) -> None:
        windows.extend(
            WeeklyWindow(person=person, weekday=int(d), start=_hm(start), end=_hm(end)) for d in days
        )

    def add_person(category: Category, grid: Grid, **fields: object) -> Person:
        person = Person(
            name=_name(rng),
            category=category,
            phone=phones[len(people)],
            home_grid=grid,
            link_token=secrets.token_urlsafe(24),
            **fields,
        )
        people.append(person)
        return person

    # Full-time grid workers: about 13 per community (never more than a third of the pool).
    full_time_each = max(1, min(13, size.people // (3 * len(communities))))
    for community in communities:
        for i in range(full_time_each):
            grid = grids_by_community[community.id][i % len(grids_by_community[community.id])]
            p = add_person(
                Category.GRID_FULL_TIME,
                grid,
                max_hours_per_week=40,
                experienced=True,
                birth_year=rng.randint(1975, 2000),
            )
            _weekly(p, "01234", "08:30", "17:30")
            if rng.random() < 0.5:
                _skill(p, skills["mediation"], None)
            if rng.random() < 0.4:
                _skill(p, skills["first_aid"], today + timedelta(days=rng.randint(-60, 900)))

    remaining = size.people - len(people)
    professionals = min(remaining, max(3, round(size.people * 0.006)))
    mix = (
        (Category.PARTY_IN_SERVICE, 0.34),
        (Category.PARTY_NO_POST, 0.12),
        (Category.GRID_PART_TIME, 0.06),
        (Category.VOLUNTEER, 0.48),
    )
    counts = {cat: int((remaining - professionals) * share) for cat, share in mix}
    counts[Category.VOLUNTEER] += remaining - professionals - sum(counts.values())

    for category, count in counts.items():
        for _ in range(count):
            grid = rng.choice(grids)
            if category is Category.PARTY_IN_SERVICE:
                p = add_person(
                    category,
                    grid,
                    work_unit=rng.choice(WORK_UNITS),
                    max_hours_per_week=6,
                    monthly_quota_hours=4,
                    birth_year=rng.randint(1970, 1998),
                )
                _weekly(p, "01234", "18:00", "21:30")  # "outside the 8 hours"
                _weekly(p, "56", "08:00", "20:00")
            elif category is Category.PARTY_NO_POST:
                p = add_person(
                    category,
                    grid,
                    no_night=True,
                    no_heavy=True,
                    max_hours_per_week=10,
                    birth_year=rng.randint(1945, 1962),
                    experienced=rng.random() < 0.5,
                )
                _weekly(p, "0123456", "08:00", "17:00")  # daytime light duty
            elif category is Category.GRID_PART_TIME:
                p = add_person(category, grid, max_hours_per_week=20, birth_year=rng.randint(1965, 2000))
                days = "".join(sorted(rng.sample("0123456", 3)))
                _weekly(p, days, "08:00", "21:00")
            else:
                org = rng.choice(PROPERTY_COMPANIES + SOCIAL_ORGS)
                p = add_person(
                    category, grid, organisation=org, max_hours_per_week=8, birth_year=rng.randint(1955, 2005)
                )
                _volunteer_windows(rng, _weekly, p)
                if org == "蓝天救援队":
                    _skill(p, skills["flood_rescue"], today + timedelta(days=rng.randint(30, 700)))
                if rng.random() < 0.15:
                    _skill(p, skills["first_aid"], today + timedelta(days=rng.randint(-90, 900)))
            if rng.random() < 0.1:
                p.experienced = True
            if rng.random() < 0.05:
                session.add(
                    Preference(person=p, weekday=rng.randint(0, 6), wanted=rng.random() < 0.5, weight=10)
                )

    # One clinic for the whole street: doctors, nurses (who can swab), a few social workers.
    clinic_grid = grids[0]
    for i in range(professionals):
        profession = ("nurse", "nurse", "doctor", "social_worker")[i % 4]
        p = add_person(
            Category.PROFESSIONAL,
            rng.choice(grids) if i % 3 else clinic_grid,
            organisation="翠湖街道社区卫生服务中心",
            profession=profession,
            max_hours_per_week=6,
            experienced=True,
            birth_year=rng.randint(1970, 1996),
        )
        _weekly(p, "56", "08:00", "18:00")
        _weekly(p, "0123456"[i % 5], "18:30", "21:30")
        if profession in ("nurse", "doctor"):
            _skill(p, skills[profession], today + timedelta(days=rng.randint(-30, 1200)))
            _skill(p, skills["sampling"], today + timedelta(days=rng.randint(60, 1200)))
            _skill(p, skills["first_aid"], today + timedelta(days=rng.randint(60, 1200)))
        else:
            _skill(p, skills["social_work"], today + timedelta(days=rng.randint(60, 1200)))
    session.add_all(people)
    session.add_all(windows)

    templates = _templates(rng, grids, communities, grids_by_community, types, skills)
    session.add_all(templates)
    session.flush()
    by_category: dict[str, int] = {}
    for p in people:
        by_category[p.category.value] = by_category.get(p.category.value, 0) + 1
    return SeedSummary(
        district.id, street.id, len(communities), len(grids), len(people), by_category, len(templates)
    )


def _templates(rng, grids, communities, grids_by_community, types, skills) -> list[ShiftTemplate]:  # type: ignore[no-untyped-def]
    """Routine work per grid, checkpoints on high-risk grids, a testing site per community."""
    out: list[ShiftTemplate] = []

    def add(
        grid: Grid,
        task: str,
        days: str,
        start: str,
        end: str,
        demand: list[tuple[str | None, int]],
        priority: Priority = Priority.NORMAL,
        lead: bool = False,
        professional: bool = False,
    ) -> None:
        t = ShiftTemplate(
            grid=grid,
            task_type=types[task],
            weekdays=days,
            start=_hm(start),
            end=_hm(end),
            priority=priority,
            needs_party_lead=lead,
            needs_professional=professional,
        )
        t.demands = [TemplateDemand(skill=skills[s] if s else None, count=n) for s, n in demand]
        out.append(t)

    for grid in grids:
        high = grid.risk_level is RiskLevel.HIGH
        prio = Priority.HIGH_RISK if high else Priority.NORMAL
        add(grid, "patrol", "0123456", "09:00", "11:30", [(None, 1)], prio)
        add(grid, "door_visit", "024", "14:30", "17:00", [(None, 1)])
        add(grid, "patrol", "0123456", "19:00", "21:00", [(None, 2)], prio, lead=True)  # 党员先锋岗
        add(grid, "elderly_visit", "5", "09:30", "11:30", [(None, 1)])
        if high:
            add(grid, "checkpoint", "0123456", "07:00", "09:00", [(None, 2)], Priority.HIGH_RISK)
            add(grid, "checkpoint", "0123456", "17:30", "20:00", [(None, 2)], Priority.HIGH_RISK, lead=True)
        if rng.random() < 0.1:  # riverside grids: night flood watch at weekends
            add(grid, "flood_watch", "45", "21:00", "00:30", [("flood_rescue", 1), (None, 1)])
    for community in communities:
        grid = grids_by_community[community.id][0]
        add(grid, "testing_site", "5", "08:00", "11:00", [("sampling", 1), (None, 2)], professional=True)
    return out


def _phones(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        number = "+86" + rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        if number not in seen:
            seen.add(number)
            out.append(number)
    return out


def _name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _volunteer_windows(rng: random.Random, weekly: Weekly, person: Person) -> None:
    kind = rng.random()
    if kind < 0.4:
        weekly(person, "56", "08:00", "18:00")  # weekends
    elif kind < 0.7:
        weekly(person, "".join(sorted(rng.sample("01234", 2))), "18:00", "21:30")  # some evenings
        weekly(person, rng.choice("56"), "09:00", "12:00")
    elif kind < 0.9:
        weekly(person, "0123456", "08:00", "12:00")  # retired: mornings
    else:
        weekly(person, "0123456", "07:00", "22:00")  # flexible


def _skill(person: Person, skill: object, valid_until: date | None) -> None:
    person.skills.append(PersonSkill(skill=skill, valid_until=valid_until))
