"""Check every row of a people file against the columns and the database, collecting every problem."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.errors import ValidationError
from scheduler.imports import values
from scheduler.imports.availability_text import DateSpan, WeeklySlot, parse_absences, parse_weekly_windows
from scheduler.imports.columns import HeaderMap
from scheduler.imports.reading import Table
from scheduler.imports.report import RowError, RowWarning
from scheduler.people.models import Skill
from scheduler.people.phones import mask_phone, normalise_phone
from scheduler.reference import SKILLS
from scheduler.territory.models import Community, Grid

# Free-text columns: (key, max length as in the model, Chinese label, English label)
_TEXT = (
    ("work_unit", 128, "工作单位", "work unit"),
    ("organisation", 128, "所属组织", "organisation"),
    ("profession", 32, "职业", "profession"),
)
_YES_NO = ("no_night", "no_heavy")


@dataclass(slots=True)
class PersonRow:
    """One valid row. ``fields`` holds only the columns the file has (absent columns are left alone)."""

    row: int
    phone: str  # E.164
    fields: dict[str, object] = field(default_factory=dict)  # Person attribute -> value
    skills: dict[str, date | None] | None = None  # skill code -> certificate expiry; None: no column
    windows: frozenset[WeeklySlot] | None = None
    absences: frozenset[DateSpan] | None = None


@dataclass(frozen=True, slots=True)
class Lookups:
    """What rows are checked against: grids by code and by name, skills by code and name."""

    grid_by_code: dict[str, int]
    grids_by_name: dict[str, list[int]]
    grid_street: dict[int, int]  # grid id -> street id
    skill_names: dict[str, str]  # folded code / Chinese / English name -> code
    skill_labels: dict[str, tuple[str, str]]  # code -> (Chinese, English) name

    @classmethod
    def load(cls, *, session: Session) -> Lookups:
        by_code: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        street: dict[int, int] = {}
        query = select(Grid.id, Grid.code, Grid.name, Community.street_id).join(Community)
        for grid_id, code, name, street_id in session.execute(query):
            by_code[values.fold(code).casefold()] = grid_id
            by_name.setdefault(values.fold(name).casefold(), []).append(grid_id)
            street[grid_id] = street_id
        names: dict[str, str] = {}
        labels: dict[str, tuple[str, str]] = {}
        # Reference skills count even before ensure_reference_data has run; the import adds them.
        rows = [(code, zh, en) for code, zh, en, _ in SKILLS]
        rows += [(c, z, e) for c, z, e in session.execute(select(Skill.code, Skill.name_zh, Skill.name_en))]
        for code, zh, en in rows:
            for name in (code, zh, en):
                names[values.fold(name).casefold()] = code
            labels[code] = (zh, en)
        return cls(by_code, by_name, street, names, labels)


@dataclass(slots=True)
class Checked:
    rows: list[PersonRow]
    errors: list[RowError]
    warnings: list[RowWarning]


def check_rows(
    *, table: Table, header: HeaderMap, lookups: Lookups, today: date, street_id: int | None
) -> Checked:
    """Every row's every cell, and phones repeated within the file; ``street_id`` limits the grids."""
    out = Checked([], [], [])
    first_row_of_phone: dict[str, int] = {}
    for row, cells in table.rows:
        n_errors = len(out.errors)
        person = _check_row(row, cells, table.header, header, lookups, today, street_id, out)
        # Repeats count even when either row has other errors: every problem is listed in one go.
        if person.phone:
            earlier = first_row_of_phone.setdefault(person.phone, row)
            if earlier != row:
                masked = mask_phone(person.phone)
                out.errors.append(RowError(
                    row, header.labels["phone"], "duplicate_phone",
                    f"与第{earlier}行的手机号重复（{masked}）：同一人只能出现一次",
                    f"same phone number as row {earlier} ({masked}): each person appears once",
                ))
        if len(out.errors) == n_errors:
            out.rows.append(person)
    return out


def _check_row(
    row: int, cells: list[str], header_cells: list[str], header: HeaderMap, lookups: Lookups, today: date,
    street_id: int | None, out: Checked,
) -> PersonRow:
    """The row's values; each bad cell adds an error to ``out`` (the caller drops a row with any)."""
    by_key = {column.key: cells[i] if i < len(cells) else "" for i, column in header.by_index.items()}
    for i, cell in enumerate(cells):
        # A value under an unknown header is covered by that header's error; one with no header is not.
        if cell and (i >= len(header_cells) or not header_cells[i]):
            out.errors.append(RowError(
                row, f"第{i + 1}列", "value_without_header",
                f"第{i + 1}列没有列名，却填了内容", f"column {i + 1} has a value but no header",
            ))

    def check(key: str, parse: Callable[[str], object]) -> object:
        """Parse one cell; on error record it against the column as the file names it."""
        try:
            return parse(by_key.get(key, ""))
        except ValidationError as exc:
            out.errors.append(RowError(row, header.labels[key], exc.code, exc.message_zh, exc.message_en))
            return None

    name = by_key.get("name", "")
    if header.has("name"):
        check("name", _name)
    phone = check("phone", lambda raw: normalise_phone(values.fold(raw))) if header.has("phone") else None
    if isinstance(phone, str):
        _warn_if_not_mobile(row, header.labels["phone"], phone, out)

    fields: dict[str, object] = {"name": values.clean(name)}
    if header.has("category") and (category := check("category", values.parse_category)) is not None:
        fields["category"] = category
    if header.has("contact_consent"):
        consent = check("contact_consent", values.parse_yes_no)
        if consent is not None:
            fields["contact_consent"] = consent
    if header.has("home_grid"):
        fields["home_grid_id"] = check("home_grid", lambda raw: _grid(raw, lookups, street_id))
    if header.has("email"):
        fields["email"] = check("email", values.parse_email)
    for key, max_len, zh, en in _TEXT:
        if header.has(key):
            parse = functools.partial(values.text_field, max_len=max_len, label_zh=zh, label_en=en)
            fields[key] = check(key, parse)
    for key in _YES_NO:
        if header.has(key):
            fields[key] = bool(check(key, values.parse_yes_no))
    if header.has("max_hours_per_week"):
        fields["max_hours_per_week"] = check("max_hours_per_week", values.parse_hours)

    person = PersonRow(row, phone if isinstance(phone, str) else "", fields)
    if header.has("skills"):
        entries = check("skills", lambda raw: values.parse_skills(raw, known=lookups.skill_names))
        if isinstance(entries, list):
            person.skills = {e.code: e.valid_until for e in entries}
            for e in entries:
                if e.valid_until is not None and e.valid_until < today:
                    zh, en = lookups.skill_labels[e.code]
                    out.warnings.append(RowWarning(
                        row, header.labels["skills"], "certificate_expired",
                        f"{zh}证书已于 {e.valid_until} 过期（已导入，请更新证书日期）",
                        f"the {en} certificate expired on {e.valid_until} (imported; please update the date)",
                    ))
    if header.has("availability"):
        slots = check("availability", parse_weekly_windows)
        person.windows = frozenset(slots) if isinstance(slots, list) else None
    if header.has("absences"):
        spans = check("absences", parse_absences)
        person.absences = frozenset(spans) if isinstance(spans, list) else None
    return person


def _name(raw: str) -> str:
    name = values.clean(raw)
    if not name:
        raise ValidationError("name_missing", "姓名不能为空", "name is empty")
    if len(name) > 64:
        raise ValidationError(
            "too_long", "姓名太长（最多 64 个字）", "name is too long (at most 64 characters)"
        )
    return name


def _grid(raw: str, lookups: Lookups, street_id: int | None) -> int:
    """A grid code (G0001) or a grid's full name (翠湖社区第1网格), in ``street_id`` if given."""
    key = values.fold(raw).casefold()
    shown = values.clean(raw)
    if not key:
        raise ValidationError("grid_missing", "所属网格不能为空", "home grid is empty")
    ids = [lookups.grid_by_code[key]] if key in lookups.grid_by_code else lookups.grids_by_name.get(key, [])
    if street_id is not None:
        ids = [i for i in ids if lookups.grid_street[i] == street_id]
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise ValidationError(
            "ambiguous_grid", f"有 {len(ids)} 个网格叫 {shown}：请填网格编号",
            f"{len(ids)} grids are named {shown}: use the grid code",
        )
    where_zh, where_en = ("本街道", " in your street") if street_id is not None else ("", "")
    raise ValidationError(
        "unknown_grid", f"{where_zh}没有这个网格：{shown}（填网格编号如 G0001，或网格全名）",
        f"no such grid{where_en}: {shown} (use a grid code such as G0001, or the grid's full name)",
    )


_SMS_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def _warn_if_not_mobile(row: int, column: str, phone: str, out: Checked) -> None:
    """Shift offers go by SMS: a landline imports, but the coordinator should know it gets none."""
    if phonenumbers.number_type(phonenumbers.parse(phone)) not in _SMS_TYPES:
        out.warnings.append(RowWarning(
            row, column, "not_mobile", f"{mask_phone(phone)} 不是手机号，收不到短信",
            f"{mask_phone(phone)} is not a mobile number and cannot receive SMS",
        ))
