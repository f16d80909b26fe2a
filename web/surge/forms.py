"""The short call form: read into a scheduler CallRequest; every bad field is a Chinese DomainError."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from scheduler.clock import parse_local_time
from scheduler.errors import ValidationError
from scheduler.people import service as people
from scheduler.people.models import Skill
from scheduler.reference import task_types_by_code
from scheduler.rosters.models import Priority, TaskType
from scheduler.surge.service import DEFAULT_TASK, GENERAL, CallRequest, NeedSpec

MAX_COUNT = 500


@dataclass
class CallForm:
    """The values typed into the form, kept as text so a refused form comes back as it was sent."""

    grid_id: str = ""
    place: str = ""
    task_type: str = DEFAULT_TASK
    start: str = ""
    end: str = ""
    counts: dict[str, str] = field(default_factory=dict)  # skill code or "general" -> count text
    lead: bool = False
    priority: str = Priority.EMERGENCY.value
    note: str = ""

    @classmethod
    def from_form(cls, form: dict[str, str], codes: list[str]) -> CallForm:
        return cls(
            grid_id=form.get("grid_id", "")[:10],
            place=form.get("place", "")[:128],
            task_type=form.get("task_type", DEFAULT_TASK)[:32],
            start=form.get("start", "")[:32],
            end=form.get("end", "")[:32],
            counts={c: form.get(f"need_{c}", "").strip()[:5] for c in codes},
            lead=form.get("lead") == "1",
            priority=form.get("priority", Priority.EMERGENCY.value)[:16],
            note=form.get("note", "")[:500],
        )


def needs_of(counts: dict[str, str]) -> tuple[NeedSpec, ...]:
    needs = []
    for code, text in counts.items():
        if not text:
            continue
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_COUNT:
            raise ValidationError(
                "bad_count",
                f"人数应为 0 到 {MAX_COUNT} 的整数：{text}",
                f"a count must be 0 to {MAX_COUNT}: {text}",
            )
        if int(text):
            needs.append(NeedSpec(code, int(text)))
    return tuple(needs)


def call_request(values: CallForm, grid_id: int) -> CallRequest:
    try:
        priority = Priority(values.priority)
    except ValueError as exc:
        raise ValidationError("bad_priority", "紧急程度无效", "no such urgency") from exc
    return CallRequest(
        grid=grid_id,
        starts_at=parse_local_time(values.start, "开始时间", "the start"),
        ends_at=parse_local_time(values.end, "结束时间", "the end") if values.end.strip() else None,
        needs=needs_of(values.counts),
        needs_party_lead=values.lead,
        place=values.place.strip() or None,
        task_type=values.task_type,
        priority=priority,
        note=values.note.strip() or None,
    )


@dataclass(frozen=True)
class Choices:
    skills: list[Skill]
    task_types: list[TaskType]

    @property
    def codes(self) -> list[str]:
        return [GENERAL] + [s.code for s in self.skills]


def choices(session: Session) -> Choices:
    return Choices(
        people.list_skills(session=session),
        sorted(task_types_by_code(session=session).values(), key=lambda t: t.id),
    )
