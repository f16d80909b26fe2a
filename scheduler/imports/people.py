"""Import people and their availability from a CSV or XLSX file: all rows or none, matched by phone."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import ColumnElement, insert, select
from sqlalchemy.orm import Session, selectinload

from scheduler.audit import service as audit_service
from scheduler.availability.models import AvailabilityException, ExceptionKind, WeeklyWindow
from scheduler.clock import local_midnight, local_zone
from scheduler.imports.availability_text import DateSpan, WeeklySlot
from scheduler.imports.columns import map_header
from scheduler.imports.reading import Source, read_table
from scheduler.imports.report import ImportRejected, ImportReport, PersonOutcome, RowError, RowWarning
from scheduler.imports.rows import Lookups, PersonRow, check_rows
from scheduler.people.models import Category, Person, PersonSkill, Skill
from scheduler.reference import ensure_reference_data, skills_by_code

_CHUNK = 500  # rows per IN (...) query: well under SQLite's and PostgreSQL's parameter limits
# A blank 类别 / 同意联系 cell keeps what a known person has; a new person gets these.
_NEW_PERSON_DEFAULTS: dict[str, object] = {"category": Category.VOLUNTEER, "contact_consent": True}
_Owned = TypeVar("_Owned", WeeklyWindow, AvailabilityException)
_Key = TypeVar("_Key", WeeklySlot, tuple[datetime, datetime])


def import_people(
    *, session: Session, path_or_bytes: Source, filename: str, now: datetime, actor: str,
    street_id: int | None = None,
) -> ImportReport:
    """Check every row first; if any is bad raise ImportRejected listing them all, having written nothing.

    Otherwise create new people and update those whose phone number is already known, flush, and
    write one audit entry if anything changed. Never commits: the caller owns the transaction.
    ``street_id`` (a street coordinator's upload): grids must be in that street, and people of other
    streets cannot be updated through it. None (the operator's CLI): any grid, anyone.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    table = read_table(source=path_or_bytes, filename=filename)
    header, errors = map_header(table.header, row=table.header_row)
    today = now.astimezone(local_zone()).date()
    lookups = Lookups.load(session=session)
    checked = check_rows(table=table, header=header, lookups=lookups, today=today, street_id=street_id)
    existing = _people_by_phone(session=session, phones=[r.phone for r in checked.rows if r.phone])
    errors += checked.errors
    if street_id is not None and header.has("phone"):
        errors += _other_streets(checked.rows, existing, lookups, street_id, header.labels["phone"])
    if errors:
        raise ImportRejected(errors)
    warnings = checked.warnings + _inactive(checked.rows, existing, header.labels["phone"])

    skills = _skills(session=session, rows=checked.rows)
    known_ids = [p.id for p in existing.values()]
    windows = _by_person(session, WeeklyWindow, known_ids)
    leaves = _by_person(
        session, AvailabilityException, known_ids, AvailabilityException.kind == ExceptionKind.LEAVE
    )

    staged: list[tuple[PersonRow, Person, list[str] | None]] = []  # None: created
    for row in checked.rows:
        person = existing.get(row.phone)
        if person is None:
            person = _create(session=session, row=row, skills=skills)
            staged.append((row, person, None))
        else:
            changed = _update(session=session, person=person, row=row, skills=skills,
                              windows=windows.get(person.id, []), leaves=leaves.get(person.id, []))
            staged.append((row, person, changed))
    session.flush()
    _insert_availability(
        session=session, created=[(row, person) for row, person, changed in staged if changed is None]
    )

    outcomes = tuple(
        PersonOutcome(row.row, person.id, "created") if changed is None
        else PersonOutcome(row.row, person.id, "updated" if changed else "unchanged", tuple(changed))
        for row, person, changed in staged
    )
    report = ImportReport(
        created=sum(o.outcome == "created" for o in outcomes),
        updated=sum(o.outcome == "updated" for o in outcomes),
        unchanged=sum(o.outcome == "unchanged" for o in outcomes),
        warnings=tuple(sorted(warnings, key=lambda w: w.row)),
        outcomes=outcomes,
    )
    if report.changed:
        # Ids and field names only: the audit log holds no names, phones or addresses.
        audit_service.record(
            session=session, at=now, actor=actor, action="people.import", entity="person",
            detail={
                "file": Path(filename).name, "created": report.created, "updated": report.updated,
                "unchanged": report.unchanged,
                "created_ids": [o.person_id for o in outcomes if o.outcome == "created"],
                "updated_fields": {
                    str(o.person_id): list(o.fields) for o in outcomes if o.outcome == "updated"
                },
            },
        )
        session.flush()
    return report


def _other_streets(
    rows: list[PersonRow], existing: dict[str, Person], lookups: Lookups, street_id: int, column: str
) -> list[RowError]:
    """A street's upload cannot rewrite a person whose home grid is in another street."""
    errors = []
    for row in rows:
        person = existing.get(row.phone)
        grid_id = person.home_grid_id if person is not None else None
        if grid_id is not None and lookups.grid_street.get(grid_id) != street_id:
            errors.append(RowError(
                row.row, column, "person_in_other_street",
                "这个手机号已登记在其他街道的人员名下：请联系该街道或区里处理",
                "this phone number belongs to a person of another street: ask that street or the district",
            ))
    return errors


def _inactive(rows: list[PersonRow], existing: dict[str, Person], column: str) -> list[RowWarning]:
    """Updating a deactivated person does not bring them back: that is a decision for the web page."""
    return [
        RowWarning(
            row.row, column, "person_inactive", "此人已停用：信息已更新，但不会重新启用（请在网页上启用）",
            "this person is deactivated: updated, but not reactivated (reactivate them on the web page)",
        )
        for row in rows
        if (person := existing.get(row.phone)) is not None and not person.active
    ]


def _chunks(items: list[int] | list[str]) -> Iterable[list[int] | list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _skills(*, session: Session, rows: list[PersonRow]) -> dict[str, Skill]:
    """Skills by code; reference skills the file uses but the database lacks are added first."""
    wanted = {code for row in rows for code in (row.skills or {})}
    by_code = skills_by_code(session=session)
    if not wanted <= by_code.keys():
        ensure_reference_data(session=session)
        by_code = skills_by_code(session=session)
    return by_code


def _people_by_phone(*, session: Session, phones: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for chunk in _chunks(phones):
        query = select(Person).where(Person.phone.in_(chunk)).options(selectinload(Person.skills))
        found.update((p.phone, p) for p in session.scalars(query))
    return found


def _by_person(
    session: Session, model: type[_Owned], person_ids: list[int], *where: ColumnElement[bool]
) -> dict[int, list[_Owned]]:
    out: dict[int, list[_Owned]] = {}
    for chunk in _chunks(person_ids):
        query = select(model).where(model.person_id.in_(chunk), *where).order_by(model.id)
        for item in session.scalars(query):
            out.setdefault(item.person_id, []).append(item)
    return out


def _create(*, session: Session, row: PersonRow, skills: dict[str, Skill]) -> Person:
    fields = _NEW_PERSON_DEFAULTS | row.fields
    person = Person(phone=row.phone, link_token=secrets.token_urlsafe(24), **fields)
    session.add(person)
    for code, valid_until in sorted((row.skills or {}).items()):
        person.skills.append(PersonSkill(skill=skills[code], valid_until=valid_until))
    return person


def _insert_availability(*, session: Session, created: list[tuple[PersonRow, Person]]) -> None:
    """Weekly windows and absences of new people, once they have ids, as two multi-row INSERTs.

    Why: a street's first import is thousands of people with a dozen windows each; one ORM object
    per window made that import several times slower.
    """
    windows = [
        {"person_id": person.id, "weekday": slot.weekday, "start": slot.start, "end": slot.end}
        for row, person in created for slot in sorted(row.windows or ())
    ]
    leaves = [
        {"person_id": person.id, "kind": ExceptionKind.LEAVE, "starts_at": starts_at, "ends_at": ends_at}
        for row, person in created for starts_at, ends_at in sorted(map(_instants, row.absences or ()))
    ]
    if windows:
        session.execute(insert(WeeklyWindow), windows)
    if leaves:
        session.execute(insert(AvailabilityException), leaves)


def _update(
    *, session: Session, person: Person, row: PersonRow, skills: dict[str, Skill],
    windows: list[WeeklyWindow], leaves: list[AvailabilityException],
) -> list[str]:
    """Set what differs; skills, windows and absences are replaced as sets, and only when different."""
    changed = [key for key, value in row.fields.items() if getattr(person, key) != value]
    for key in changed:
        setattr(person, key, row.fields[key])
    if row.skills is not None and _sync_skills(person, row.skills, skills):
        changed.append("skills")
    if row.windows is not None and _sync(
        session, have=windows, key=lambda w: WeeklySlot(w.weekday, w.start, w.end),
        wanted=row.windows, make=lambda slot: _window(person, slot),
    ):
        changed.append("availability")
    if row.absences is not None:
        spans = {_instants(span): span for span in row.absences}
        if _sync(
            session, have=leaves, key=lambda a: (a.starts_at, a.ends_at),
            wanted=spans.keys(), make=lambda instants: _leave(person, spans[instants]),
        ):
            changed.append("absences")
    return changed


def _sync_skills(person: Person, wanted: dict[str, date | None], skills: dict[str, Skill]) -> bool:
    by_id = {s.id: code for code, s in skills.items()}
    have = {by_id[ps.skill_id]: ps for ps in person.skills}
    if {code: ps.valid_until for code, ps in have.items()} == wanted:
        return False
    # Edit in place rather than delete-and-insert: (person, skill) is unique, and a flush inserts
    # before it deletes.
    for code, ps in have.items():
        if code not in wanted:
            person.skills.remove(ps)
        else:
            ps.valid_until = wanted[code]
    for code in sorted(wanted.keys() - have.keys()):
        person.skills.append(PersonSkill(skill=skills[code], valid_until=wanted[code]))
    return True


def _sync(
    session: Session, *, have: list[_Owned], key: Callable[[_Owned], _Key], wanted: AbstractSet[_Key],
    make: Callable[[_Key], _Owned],
) -> bool:
    """Make the stored rows ``have`` match the ``wanted`` keys, touching only the difference."""
    stored = {key(item): item for item in have}
    if stored.keys() == wanted:
        return False
    for k, item in stored.items():
        if k not in wanted:
            session.delete(item)
    for k in sorted(wanted - stored.keys()):
        session.add(make(k))
    return True


def _instants(span: DateSpan) -> tuple[datetime, datetime]:
    """A whole-day absence in local time: from the first day's midnight to the midnight after the last."""
    return local_midnight(span.first), local_midnight(span.last + timedelta(days=1))


def _leave(person: Person, span: DateSpan) -> AvailabilityException:
    starts_at, ends_at = _instants(span)
    return AvailabilityException(
        person=person, kind=ExceptionKind.LEAVE, starts_at=starts_at, ends_at=ends_at
    )


def _window(person: Person, slot: WeeklySlot) -> WeeklyWindow:
    return WeeklyWindow(person=person, weekday=slot.weekday, start=slot.start, end=slot.end)
