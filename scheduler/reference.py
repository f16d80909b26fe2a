"""Reference data every installation has: skills and task types (idempotent to insert)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.people.models import Skill
from scheduler.rosters.models import TaskType

# code, 中文, English, needs a certificate
SKILLS: tuple[tuple[str, str, str, bool], ...] = (
    ("first_aid", "急救", "first aid", True),
    ("nurse", "护士", "nurse", True),
    ("doctor", "医生", "doctor", True),
    ("sampling", "核酸采样", "swab sampling", True),
    ("social_work", "社会工作", "social work", True),
    ("mediation", "矛盾调解", "mediation", False),
    ("elderly_care", "养老照护", "elderly care", False),
    ("driver", "驾驶", "driving", True),
    ("flood_rescue", "防汛抢险", "flood rescue", True),
    ("sign_language", "手语", "sign language", False),
)

# code, 中文, English, heavy (physical) work
TASK_TYPES: tuple[tuple[str, str, str, bool], ...] = (
    ("patrol", "巡查", "patrol", False),
    ("door_visit", "入户走访", "door-to-door visit", False),
    ("checkpoint", "卡口值守", "checkpoint", False),
    ("testing_site", "核酸采样点", "testing site", False),
    ("flood_watch", "防汛巡查", "flood watch", True),
    ("elderly_visit", "老人关爱探访", "elderly care visit", False),
    ("supplies", "物资配送", "supply delivery", True),
)


def ensure_reference_data(*, session: Session) -> None:
    have_skills = set(session.scalars(select(Skill.code)))
    for code, zh, en, cert in SKILLS:
        if code not in have_skills:
            session.add(Skill(code=code, name_zh=zh, name_en=en, needs_certificate=cert))
    have_types = set(session.scalars(select(TaskType.code)))
    for code, zh, en, heavy in TASK_TYPES:
        if code not in have_types:
            session.add(TaskType(code=code, name_zh=zh, name_en=en, heavy=heavy))
    session.flush()


def skills_by_code(*, session: Session) -> dict[str, Skill]:
    return {s.code: s for s in session.scalars(select(Skill))}


def task_types_by_code(*, session: Session) -> dict[str, TaskType]:
    return {t.code: t for t in session.scalars(select(TaskType))}
