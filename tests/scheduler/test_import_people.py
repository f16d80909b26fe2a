"""Importing people from CSV and XLSX: all or nothing, both header languages, re-import by phone."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry
from scheduler.availability.models import AvailabilityException, ExceptionKind, WeeklyWindow
from scheduler.clock import local_zone
from scheduler.demo.generator import DemoSize, seed_demo
from scheduler.errors import ValidationError
from scheduler.imports import ImportRejected, ImportReport, import_people
from scheduler.imports.availability_text import WeeklySlot, parse_absences, parse_weekly_windows
from scheduler.imports.columns import COLUMNS, header_key
from scheduler.imports.values import parse_skills
from scheduler.people.models import Category, Person, PersonSkill
from scheduler.reference import ensure_reference_data
from scheduler.territory.models import Community, District, Grid, Street
from tests.conftest import NOW, TODAY

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "people.csv"

ZH_HEADER = [
    "姓名",
    "手机号",
    "类别",
    "所属网格",
    "邮箱",
    "技能",
    "不值夜班",
    "不做重活",
    "每周最多小时",
    "可服务时间",
    "请假",
    "同意联系",
]
KEYS = [
    "name",
    "phone",
    "category",
    "home_grid",
    "email",
    "skills",
    "no_night",
    "no_heavy",
    "max_hours_per_week",
    "availability",
    "absences",
    "contact_consent",
]
EN_HEADER = [
    "Name",
    "phone",
    "CATEGORY",
    "home grid",
    "email",
    "skills",
    "no_night",
    "no_heavy",
    "max_hours_per_week",
    "availability",
    "absences",
    "contact_consent",
]
GOOD_ROWS = [
    [
        "张伟",
        "139 0000 0001",
        "在职党员",
        "G0001",
        "zw@example.com",
        "",
        "否",
        "否",
        "6",
        "工作日 18:00-21:30; 周末 08:00-20:00",
        "",
        "",
    ],
    [
        "李秀英",
        "+86 139-0000-0002",
        "专业人员",
        "翠湖社区第2网格",
        "",
        "护士:2027-06-30; 急救",
        "否",
        "否",
        "",
        "周一,周三 19:00-21:00",
        "2026-12-01~2026-12-03",
        "是",
    ],
    [
        "王建国",
        "13900000003",
        "无职党员",
        "G0001",
        "",
        "矛盾调解",
        "是",
        "是",
        "10",
        "每天 08:00-12:00",
        "",
        "否",
    ],
    [
        "周涛",
        "１３９０００００００４",
        "volunteer",
        "g0002",
        "",
        "flood_rescue:2027-09-30",
        "no",
        "0",
        "8",
        "周五 22:00-06:00",
        "",
        "yes",
    ],
]


# --- builders ---------------------------------------------------------------------------------------


def make_territory(session: Session, grids: int = 3) -> list[Grid]:
    """One street, one community, grids G0001… named 翠湖社区第N网格, and the reference skills."""
    ensure_reference_data(session=session)
    street = Street(name="翠湖街道", district=District(name="五华区"))
    community = Community(name="翠湖社区", street=street)
    made = [
        Grid(code=f"G{n:04d}", name=f"翠湖社区第{n}网格", community=community) for n in range(1, grids + 1)
    ]
    session.add_all(made)
    session.flush()
    return made


def zh_row(name: str, phone: str, **cells: str) -> list[str]:
    """A row under ZH_HEADER: a volunteer of G0001 unless ``cells`` (by column key) say otherwise."""
    values = {"name": name, "phone": phone, "category": "志愿者", "home_grid": "G0001"} | cells
    return [values.get(key, "") for key in KEYS]


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    return buf.getvalue().encode(encoding)


def xlsx_bytes(header: list[str], rows: Sequence[Sequence[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def run(
    session: Session, data: bytes, filename: str = "people.csv", street_id: int | None = None
) -> ImportReport:
    return import_people(
        session=session, path_or_bytes=data, filename=filename, now=NOW, actor="cli", street_id=street_id
    )


def rejected(session: Session, data: bytes, filename: str = "people.csv") -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as info:
        run(session, data, filename)
    return [(e.row, e.column, e.code) for e in info.value.errors]


def person(session: Session, phone: str) -> Person:
    found = session.scalar(select(Person).where(Person.phone == phone))
    assert found is not None
    return found


def windows_of(session: Session, p: Person) -> set[tuple[int, time, time]]:
    query = select(WeeklyWindow).where(WeeklyWindow.person_id == p.id)
    return {(w.weekday, w.start, w.end) for w in session.scalars(query)}


def leave_of(session: Session, p: Person) -> AvailabilityException:
    return session.scalars(select(AvailabilityException).where(AvailabilityException.person_id == p.id)).one()


def skills_of(p: Person) -> dict[str, date | None]:
    return {ps.skill.code: ps.valid_until for ps in p.skills}


def snapshot(session: Session) -> dict[str, list[tuple[object, ...]]]:
    """Every row an import can touch, to compare before and after."""
    session.expire_all()
    return {
        "person": [
            (
                p.id,
                p.name,
                p.phone,
                p.category,
                p.email,
                p.home_grid_id,
                p.work_unit,
                p.organisation,
                p.profession,
                p.no_night,
                p.no_heavy,
                p.max_hours_per_week,
                p.contact_consent,
                p.link_token,
            )
            for p in session.scalars(select(Person).order_by(Person.id))
        ],
        "skill": [
            (s.id, s.person_id, s.skill_id, s.valid_until) for s in session.scalars(select(PersonSkill))
        ],
        "window": [
            (w.id, w.person_id, w.weekday, w.start, w.end) for w in session.scalars(select(WeeklyWindow))
        ],
        "absence": [
            (a.id, a.person_id, a.kind, a.starts_at, a.ends_at)
            for a in session.scalars(select(AvailabilityException))
        ],
        "audit": [(a.id, a.action) for a in session.scalars(select(AuditEntry))],
    }


def count_people(session: Session) -> int:
    return session.scalar(select(func.count(Person.id))) or 0


# --- good files -------------------------------------------------------------------------------------


def test_a_good_csv_with_chinese_headers_creates_everyone_with_skills_windows_and_absences(
    session: Session,
) -> None:
    grids = make_territory(session)
    report = run(session, csv_bytes(ZH_HEADER, GOOD_ROWS))

    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    zhang = person(session, "+8613900000001")
    assert (zhang.name, zhang.category, zhang.home_grid_id, zhang.email) == (
        "张伟",
        Category.PARTY_IN_SERVICE,
        grids[0].id,
        "zw@example.com",
    )
    assert zhang.max_hours_per_week == 6 and zhang.contact_consent and len(zhang.link_token) >= 32
    assert windows_of(session, zhang) == (
        {(d, time(18), time(21, 30)) for d in range(5)} | {(d, time(8), time(20)) for d in (5, 6)}
    )
    li = person(session, "+8613900000002")
    assert li.home_grid_id == grids[1].id  # by the grid's name
    assert skills_of(li) == {"nurse": date(2027, 6, 30), "first_aid": None}
    leave = leave_of(session, li)
    zone = local_zone()
    assert leave.kind is ExceptionKind.LEAVE
    assert leave.starts_at == datetime(2026, 12, 1, tzinfo=zone)
    assert leave.ends_at == datetime(2026, 12, 4, tzinfo=zone)  # through the whole of the 3rd
    wang = person(session, "+8613900000003")
    assert (wang.category, wang.no_night, wang.no_heavy, wang.contact_consent) == (
        Category.PARTY_NO_POST,
        True,
        True,
        False,
    )
    zhou = person(session, "+8613900000004")
    assert zhou.home_grid_id == grids[1].id  # code, any case
    assert windows_of(session, zhou) == {(4, time(22), time(6))}  # Friday night into Saturday
    audit = session.scalars(select(AuditEntry)).one()
    assert (audit.action, audit.actor, audit.detail["created"]) == ("people.import", "cli", 4)
    assert "13900000001" not in str(audit.detail)  # ids and counts, never personal data


def test_the_same_people_as_an_xlsx_built_with_openpyxl_import_the_same(session: Session) -> None:
    make_territory(session)
    rows: list[list[object]] = [list(r) for r in GOOD_ROWS]
    rows[2][1] = 13900000003  # Excel keeps a phone typed into a number cell as a number
    rows[2][8] = 10
    rows[1][10] = datetime(2026, 12, 1)  # a one-day absence typed as a date cell
    rows[3][6] = True  # a TRUE/FALSE cell
    report = run(session, xlsx_bytes(ZH_HEADER, rows), "名单.xlsx")

    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert person(session, "+8613900000003").max_hours_per_week == 10
    li = person(session, "+8613900000002")
    leave = leave_of(session, li)
    assert leave.ends_at - leave.starts_at == timedelta(days=1)
    assert person(session, "+8613900000004").no_night


def test_a_workbook_saved_with_a_csv_name_is_still_read_as_a_workbook(session: Session) -> None:
    make_territory(session)
    assert run(session, xlsx_bytes(ZH_HEADER, GOOD_ROWS), "people.csv").created == 4


def test_a_grid_name_shared_by_two_grids_must_be_given_as_a_code(session: Session) -> None:
    grids = make_territory(session)
    other_community = Community(name="莲花池社区", street=grids[0].community.street)
    session.add(Grid(code="G0100", name="翠湖社区第1网格", community=other_community))
    session.flush()
    data = csv_bytes(["姓名", "手机号", "所属网格"], [["张伟", "13900000001", "翠湖社区第1网格"]])
    assert rejected(session, data) == [(2, "所属网格", "ambiguous_grid")]


def test_english_headers_in_any_case_and_spacing_are_accepted(session: Session) -> None:
    make_territory(session)
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][9] = "weekdays 18:00-21:30; weekends 08:00-20:00"
    rows[1][9] = "Mon,Wed 19:00-21:00"
    report = run(session, csv_bytes(EN_HEADER, rows))

    assert report.created == 4
    li = person(session, "+8613900000002")
    assert windows_of(session, li) == {(0, time(19), time(21)), (2, time(19), time(21))}


def test_a_title_row_above_the_header_and_blank_rows_are_skipped_but_rows_keep_their_numbers(
    session: Session,
) -> None:
    make_territory(session)
    data = xlsx_bytes(["翠湖社区志愿者花名册"], [ZH_HEADER, GOOD_ROWS[0], [], zh_row("", "13900000009")])
    # Row 1 title, row 2 header, row 3 good, row 4 blank, row 5 has no name.
    assert rejected(session, data, "people.xlsx") == [(5, "姓名", "name_missing")]


def test_the_example_file_imports_cleanly_into_the_demo_street(session: Session) -> None:
    seed_demo(session=session, size=DemoSize(people=30, grids=10, seed=1), today=TODAY)
    before = count_people(session)
    report = import_people(
        session=session, path_or_bytes=EXAMPLE, filename=EXAMPLE.name, now=NOW, actor="cli"
    )

    assert (report.created, report.updated, report.unchanged, report.warnings) == (12, 0, 0, ())
    assert count_people(session) == before + 12
    imported = session.scalars(select(Person).where(Person.phone.like("+86139000000%"))).all()
    assert {p.category for p in imported} == set(Category)


# --- bad files --------------------------------------------------------------------------------------


def test_a_file_with_bad_rows_writes_nothing_and_reports_every_row_and_column_in_both_languages(
    session: Session,
) -> None:
    make_territory(session)
    bad = [
        GOOD_ROWS[0],  # row 2 fine
        zh_row("李四", "12345"),  # 3 bad phone
        zh_row("", "13900000005"),  # 4 empty name
        zh_row("王五", "13900000006", home_grid="G9999"),  # 5 unknown grid
        zh_row("赵六", "13900000007", skills="厨师"),  # 6 unknown skill
        zh_row("钱七", "13900000008", absences="2026-12-05~2026-12-01"),  # 7 wrong order
        zh_row("孙八", "139 0000 0001"),  # 8 same phone as row 2
        zh_row("周九", "13900000010", availability="周八 10:00-12:00"),  # 9 no such day
        zh_row(
            "吴十",
            "13900000011",
            category="党员",
            email="not-an-email",  # 10 four bad cells
            no_night="也许",
            max_hours_per_week="99",
        ),
    ]
    before = snapshot(session)
    with pytest.raises(ImportRejected) as info:
        run(session, csv_bytes(ZH_HEADER, bad))

    found = [(e.row, e.column, e.code) for e in info.value.errors]
    assert found == [
        (3, "手机号", "phone_invalid"),
        (4, "姓名", "name_missing"),
        (5, "所属网格", "unknown_grid"),
        (6, "技能", "unknown_skill"),
        (7, "请假", "dates_wrong_order"),
        (8, "手机号", "duplicate_phone"),
        (9, "可服务时间", "bad_availability"),
        (10, "类别", "unknown_category"),
        (10, "邮箱", "bad_email"),
        (10, "不值夜班", "bad_yes_no"),
        (10, "每周最多小时", "hours_out_of_range"),
    ]
    for error in info.value.errors:
        assert error.message_zh and error.message_en and error.message_zh != error.message_en
    by_row = {e.row: e for e in info.value.errors}
    assert "第2行" in by_row[8].message_zh and "row 2" in by_row[8].message_en
    assert "G9999" in by_row[5].message_en and "厨师" in by_row[6].message_zh
    assert "wrong order" in by_row[7].message_en and "周八" in by_row[9].message_zh
    assert info.value.code == "import_rejected" and isinstance(info.value, ValidationError)
    assert snapshot(session) == before


def test_a_repeated_phone_is_reported_even_when_the_first_row_has_other_errors(session: Session) -> None:
    make_territory(session)
    rows = [zh_row("甲", "13900000001", home_grid="G9999"), zh_row("乙", "+8613900000001")]
    assert rejected(session, csv_bytes(ZH_HEADER, rows)) == [
        (2, "所属网格", "unknown_grid"),
        (3, "手机号", "duplicate_phone"),
    ]


def test_phone_numbers_in_errors_are_masked(session: Session) -> None:
    make_territory(session)
    rows = [
        ["甲", "13912345678", "志愿者", "G0001"],
        ["乙", "13912345678", "志愿者", "G0001"],
        ["丙", "1391234567890", "志愿者", "G0001"],
    ]
    with pytest.raises(ImportRejected) as info:
        run(session, csv_bytes(ZH_HEADER[:4], rows))
    text = "\n".join(info.value.lines())
    assert "+86139****5678" in text
    assert "13912345678" not in text and "1391234567890" not in text


def test_unknown_repeated_and_missing_columns_are_reported_on_the_header_row(session: Session) -> None:
    make_territory(session)
    data = csv_bytes(["姓名", "name", "手机", "身高"], [["张伟", "张伟", "13900000001", "180"]])
    assert rejected(session, data) == [
        (1, "name", "duplicate_column"),
        (1, "身高", "unknown_column"),
        (1, "所属网格", "missing_column"),
    ]


def test_a_value_under_no_header_is_an_error(session: Session) -> None:
    make_territory(session)
    data = csv_bytes(["姓名", "手机号", "所属网格", ""], [["张伟", "13900000001", "G0001", "备注"]])
    assert rejected(session, data) == [(2, "第4列", "value_without_header")]


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"name,phone\nthis is text", "people.xlsx", "not_xlsx"),
        (b"PK\x03\x04 not really a zip", "people.xlsx", "not_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "people.xls", "old_excel"),
        (b"", "people.csv", "empty_file"),
        (b"\n,,\n", "people.csv", "empty_file"),
        (b"<html><table></table></html>", "people.xls", "not_a_table"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "people.csv", "not_text"),
    ],
    ids=["csv-named-xlsx", "broken-zip", "old-xls", "empty", "only-blank-rows", "html-export", "binary"],
)
def test_a_file_that_is_not_a_usable_table_is_one_clear_file_level_error(
    session: Session, data: bytes, filename: str, code: str
) -> None:
    make_territory(session)
    assert rejected(session, data, filename) == [(0, "", code)]


def test_a_missing_path_is_a_file_level_error(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected) as info:
        import_people(
            session=session, path_or_bytes=tmp_path / "nope.csv", filename="nope.csv", now=NOW, actor="cli"
        )
    assert info.value.errors[0].code == "file_unreadable"


# --- encodings and sources --------------------------------------------------------------------------


def test_a_tab_separated_unicode_text_file_from_excel_imports(session: Session) -> None:
    make_territory(session)
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t").writerows([ZH_HEADER, *GOOD_ROWS])
    assert run(session, buf.getvalue().encode("utf-16"), "people.txt").created == 4


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-16"])
def test_csv_saved_by_chinese_excel_as_gbk_or_with_a_bom_imports(session: Session, encoding: str) -> None:
    make_territory(session)
    report = run(session, csv_bytes(ZH_HEADER, GOOD_ROWS, encoding))
    assert report.created == 4
    assert person(session, "+8613900000003").name == "王建国"


def test_a_path_on_disk_is_read_like_bytes(session: Session, tmp_path: Path) -> None:
    make_territory(session)
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes(ZH_HEADER, [list(r) for r in GOOD_ROWS]))
    report = import_people(session=session, path_or_bytes=path, filename=path.name, now=NOW, actor="cli")
    assert report.created == 4


# --- re-import --------------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(session: Session) -> None:
    make_territory(session)
    data = csv_bytes(ZH_HEADER, GOOD_ROWS)
    run(session, data)
    before = snapshot(session)

    report = run(session, data)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert snapshot(session) == before  # no audit entry either


def test_reimporting_with_one_changed_field_updates_exactly_that_person(session: Session) -> None:
    make_territory(session)
    run(session, csv_bytes(ZH_HEADER, GOOD_ROWS))
    before = snapshot(session)
    rows = [list(r) for r in GOOD_ROWS]
    rows[2][8] = "12"  # 王建国: 10 -> 12 hours a week

    report = run(session, csv_bytes(ZH_HEADER, rows))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    wang = person(session, "+8613900000003")
    assert [(o.person_id, o.fields) for o in report.outcomes if o.outcome == "updated"] == [
        (wang.id, ("max_hours_per_week",))
    ]
    after = snapshot(session)
    changed = [(b, a) for b, a in zip(before["person"], after["person"], strict=True) if b != a]
    assert len(changed) == 1 and changed[0][1][0] == wang.id and changed[0][1][11] == 12
    assert {k: v for k, v in after.items() if k not in ("person", "audit")} == {
        k: v for k, v in before.items() if k not in ("person", "audit")
    }
    assert len(after["audit"]) == len(before["audit"]) + 1


def test_reimport_replaces_skills_windows_and_absences_as_sets_only_when_they_differ(
    session: Session,
) -> None:
    make_territory(session)
    run(session, csv_bytes(ZH_HEADER, GOOD_ROWS))
    li_before = snapshot(session)
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][5] = "急救:2028-01-01; 手语"  # nurse dropped, first aid gets a date, sign language added
    rows[1][9] = "周一 19:00-21:00"  # Wednesday dropped
    rows[1][10] = ""  # leave cancelled

    report = run(session, csv_bytes(ZH_HEADER, rows))

    updated = [o.fields for o in report.outcomes if o.outcome == "updated"]
    assert updated == [("skills", "availability", "absences")]
    li = person(session, "+8613900000002")
    assert skills_of(li) == {"first_aid": date(2028, 1, 1), "sign_language": None}
    assert windows_of(session, li) == {(0, time(19), time(21))}
    assert session.scalar(select(func.count()).where(AvailabilityException.person_id == li.id)) == 0
    after = snapshot(session)
    others = [w for w in li_before["window"] if w[1] != li.id]
    assert [w for w in after["window"] if w[1] != li.id] == others  # nobody else's windows rewritten


def test_a_column_left_out_of_the_file_leaves_that_field_alone(session: Session) -> None:
    make_territory(session)
    run(session, csv_bytes(ZH_HEADER, GOOD_ROWS))
    report = run(session, csv_bytes(["姓名", "手机号", "所属网格"], [["王建国", "13900000003", "G0001"]]))
    assert (report.updated, report.unchanged) == (0, 1)
    wang = person(session, "+8613900000003")
    assert (wang.category, wang.no_night, wang.max_hours_per_week) == (Category.PARTY_NO_POST, True, 10)
    assert len(windows_of(session, wang)) == 7


def test_updating_a_deactivated_person_warns_and_leaves_them_deactivated(session: Session) -> None:
    make_territory(session)
    run(session, csv_bytes(ZH_HEADER, GOOD_ROWS))
    person(session, "+8613900000003").active = False
    rows = [list(r) for r in GOOD_ROWS]
    rows[2][0] = "王建国（已搬走）"
    report = run(session, csv_bytes(ZH_HEADER, rows))
    assert [(w.row, w.code) for w in report.warnings] == [(4, "person_inactive")]
    assert not person(session, "+8613900000003").active


def test_a_blank_category_makes_a_new_person_a_volunteer_and_keeps_a_known_persons(session: Session) -> None:
    make_territory(session)
    run(session, csv_bytes(ZH_HEADER, GOOD_ROWS))
    header = ["姓名", "手机号", "类别", "所属网格"]
    rows = [["王建国", "13900000003", "", "G0001"], ["新人", "13900000099", "", "G0001"]]
    run(session, csv_bytes(header, rows))
    assert person(session, "+8613900000003").category is Category.PARTY_NO_POST
    assert person(session, "+8613900000099").category is Category.VOLUNTEER


def test_an_expired_certificate_imports_with_a_warning(session: Session) -> None:
    make_territory(session)
    rows = [["张伟", "13900000001", "G0001", "护士:2025-01-31"]]
    report = run(session, csv_bytes(["姓名", "手机号", "所属网格", "技能"], rows))
    assert report.created == 1
    assert [(w.row, w.column, w.code) for w in report.warnings] == [(2, "技能", "certificate_expired")]
    assert "2025-01-31" in report.warnings[0].message_zh


def test_a_street_coordinators_import_may_not_use_or_update_another_streets_grids_and_people(
    session: Session,
) -> None:
    ours = make_territory(session)
    other_street = Street(name="华山街道", district_id=ours[0].community.street.district_id)
    other = Grid(
        code="G0101", name="华山社区第1网格", community=Community(name="华山社区", street=other_street)
    )
    session.add(other)
    session.flush()
    run(session, csv_bytes(["姓名", "手机号", "所属网格"], [["外街人", "13900000050", "G0101"]]))
    rows = [["张伟", "13900000001", "G0101"], ["外街人", "13900000050", "G0001"]]
    with pytest.raises(ImportRejected) as info:
        run(session, csv_bytes(["姓名", "手机号", "所属网格"], rows), street_id=ours[0].community.street_id)
    found = [(e.row, e.code) for e in info.value.errors]
    assert found == [(2, "unknown_grid"), (3, "person_in_other_street")]


# --- the availability text --------------------------------------------------------------------------

WORK = range(5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "工作日 18:00-21:30; 周末 08:00-20:00",
            {(d, "18:00", "21:30") for d in WORK} | {(5, "08:00", "20:00"), (6, "08:00", "20:00")},
        ),
        ("周一,周三 19:00-21:00", {(0, "19:00", "21:00"), (2, "19:00", "21:00")}),
        ("每天 08:00-12:00", {(d, "08:00", "12:00") for d in range(7)}),
        (
            "weekdays 18:00-21:30; weekends 08:00-20:00",
            {(d, "18:00", "21:30") for d in WORK} | {(5, "08:00", "20:00"), (6, "08:00", "20:00")},
        ),
        ("Mon,Wed 19:00-21:00", {(0, "19:00", "21:00"), (2, "19:00", "21:00")}),
        ("周五 22:00-06:00", {(4, "22:00", "06:00")}),  # overnight: into Saturday morning
        ("周六 18:00-24:00", {(5, "18:00", "00:00")}),  # 24:00 is the midnight that ends Saturday
        ("周一至周三 08:00-09:00", {(0, "08:00", "09:00"), (1, "08:00", "09:00"), (2, "08:00", "09:00")}),
        ("Sat-Mon 10:00-11:00", {(5, "10:00", "11:00"), (6, "10:00", "11:00"), (0, "10:00", "11:00")}),
        ("周一、三、五 9:00-11:00", {(0, "09:00", "11:00"), (2, "09:00", "11:00"), (4, "09:00", "11:00")}),
        ("星期日 08:00-12:00, 14:00-18:00", {(6, "08:00", "12:00"), (6, "14:00", "18:00")}),
        ("工作日 18：00－21：30", {(d, "18:00", "21:30") for d in WORK}),  # full-width, as typed on a phone
        (
            "every day 07:00-08:00\n周日 20:00-22:00",
            {(d, "07:00", "08:00") for d in range(7)} | {(6, "20:00", "22:00")},
        ),
        (
            "工作日 18:00-21:30, 周末 08:00-20:00",
            {(d, "18:00", "21:30") for d in WORK} | {(5, "08:00", "20:00"), (6, "08:00", "20:00")},
        ),
        ("周一 08:00-12:00; 每天 08:00-12:00", {(d, "08:00", "12:00") for d in range(7)}),  # duplicates merge
        ("", set()),
    ],
)
def test_availability_text_becomes_weekly_windows(text: str, expected: set[tuple[int, str, str]]) -> None:
    slots = parse_weekly_windows(text)
    as_text = {(s.weekday, s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in slots}
    assert as_text == expected
    assert len(slots) == len(expected)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("周一 10:00-10:00", "10:00-10:00"),  # equal start and end: no length
        ("周八 10:00-12:00", "周八"),
        ("18:00-21:00", "星期"),  # days missing
        ("周一 25:00-26:00", "25:00"),
        ("周一 10:60-11:00", "10:60"),
        ("周一 10:00", "10:00"),  # no end
        ("周一 10:00-12:00 下午", "下午"),
        ("Mon-Wed-Fri 10:00-12:00", "mon-wed-fri"),
        ("全天", "全天"),
    ],
)
def test_unreadable_availability_text_is_an_error_naming_the_bad_piece(text: str, shown: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_weekly_windows(text)
    assert info.value.code == "bad_availability"
    assert shown in info.value.message_zh or shown in info.value.message_en


def test_an_overnight_window_says_so() -> None:
    assert parse_weekly_windows("周五 22:00-06:00") == [WeeklySlot(4, time(22), time(6))]
    assert parse_weekly_windows("周五 22:00-06:00")[0].overnight
    assert not parse_weekly_windows("周五 06:00-22:00")[0].overnight


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01~2026-12-03", [(date(2026, 12, 1), date(2026, 12, 3))]),
        ("2026/12/1至2026/12/3", [(date(2026, 12, 1), date(2026, 12, 3))]),
        ("2026年12月24日", [(date(2026, 12, 24), date(2026, 12, 24))]),
        (
            "2026-12-24; 2026-12-01~2026-12-02",
            [(date(2026, 12, 1), date(2026, 12, 2)), (date(2026, 12, 24), date(2026, 12, 24))],
        ),
        ("2026-12-01 ～ 2026-12-03", [(date(2026, 12, 1), date(2026, 12, 3))]),
    ],
)
def test_absence_text_becomes_date_spans(text: str, expected: list[tuple[date, date]]) -> None:
    assert [(s.first, s.last) for s in parse_absences(text)] == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [("2026-12-03~2026-12-01", "dates_wrong_order"), ("2026-02-30", "bad_date"), ("下周", "bad_absence")],
)
def test_bad_absence_text_is_an_error(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_absences(text)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("护士:2027-06-30; 急救", {"nurse": date(2027, 6, 30), "first_aid": None}),
        ("护士（2027年6月30日）、First Aid", {"nurse": date(2027, 6, 30), "first_aid": None}),
        ("nurse：2027/6/30，sign_language", {"nurse": date(2027, 6, 30), "sign_language": None}),
        ("急救; 急救", {"first_aid": None}),
        ("", {}),
    ],
)
def test_skill_text_becomes_skills_with_optional_certificate_expiry(
    text: str, expected: dict[str, date | None]
) -> None:
    known = {
        "护士": "nurse",
        "nurse": "nurse",
        "急救": "first_aid",
        "first aid": "first_aid",
        "first_aid": "first_aid",
        "sign_language": "sign_language",
    }
    assert {e.code: e.valid_until for e in parse_skills(text, known=known)} == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("厨师", "unknown_skill"),
        ("护士:明年", "bad_date"),
        ("护士:2027-01-01; 护士:2028-01-01", "skill_twice"),
    ],
)
def test_bad_skill_text_is_an_error(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_skills(text, known={"护士": "nurse"})
    assert info.value.code == code


def test_every_header_spelling_belongs_to_exactly_one_column() -> None:
    seen: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.zh, column.en, *column.aliases):
            assert seen.setdefault(header_key(name), column.key) == column.key, name
    assert header_key(" *Home_Grid（必填）") == header_key("home grid") == "homegrid"


def test_now_must_be_timezone_aware(session: Session) -> None:
    with pytest.raises(ValueError, match="aware"):
        import_people(
            session=session, path_or_bytes=b"", filename="x.csv", now=datetime(2026, 1, 1), actor="cli"
        )


def test_the_audit_entry_is_written_at_now(session: Session) -> None:
    make_territory(session)
    run(session, csv_bytes(ZH_HEADER, GOOD_ROWS[:1]))
    assert session.scalars(select(AuditEntry)).one().at == NOW.astimezone(UTC)


def test_errors_and_the_report_print_as_one_line_each_in_both_languages(session: Session) -> None:
    make_territory(session)
    with pytest.raises(ImportRejected) as info:
        run(session, csv_bytes(["姓名", "手机号", "所属网格"], [["", "13900000001", "G0001"]]))
    assert info.value.lines() == [
        "导入失败：发现 1 处错误，没有写入任何数据 / import rejected: 1 problem found, nothing was written",
        "第2行「姓名」：姓名不能为空 / row 2, 姓名: name is empty",
    ]
    with pytest.raises(ImportRejected) as info:
        run(session, b"not a workbook", "people.xlsx")
    assert info.value.lines()[1].startswith("文件：people.xlsx 不是有效的 XLSX 文件")

    rows = [["张伟", "13900000001", "G0001", "急救:2026-01-01"]]
    report = run(session, csv_bytes(["姓名", "手机号", "所属网格", "技能"], rows))
    assert report.lines() == [
        "新增 1 人，更新 0 人，未变 0 人 / created 1, updated 0, unchanged 0",
        "注意 / warning: 第2行「技能」：急救证书已于 2026-01-01 过期（已导入，请更新证书日期） / "
        "row 2, 技能: the first aid certificate expired on 2026-01-01 (imported; please update the date)",
    ]
