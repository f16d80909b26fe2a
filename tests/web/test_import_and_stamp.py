"""Import people from a file (all or nothing, every bad row shown); stamp a week; security headers."""

from __future__ import annotations

import io
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.people.models import Person
from scheduler.rosters.models import Shift
from tests.web.conftest import AuthActions, World

HEADER = "姓名,手机号,类别,所属网格\n"


def upload(client: FlaskClient, world: World, text: str, filename: str = "people.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        "/people/import",
        data={"street_id": str(world.street.id), "file": (io.BytesIO(text.encode("utf-8")), filename)},
        content_type="multipart/form-data",
    )


def test_a_good_file_imports_everyone(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    auth.login("cuihu")
    response = upload(
        client, world, HEADER + "孙丽,13911112222,志愿者,T-QY1\n周强,13911113333,在职党员,T-LH1\n"
    )
    assert response.status_code == 200
    assert "新增 2 人" in response.get_data(as_text=True) or "2 new" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Person.id)).where(Person.name.in_(["孙丽", "周强"]))) == 2


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_row(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    auth.login("cuihu")
    before = session.scalar(select(func.count(Person.id)))
    response = upload(
        client,
        world,
        HEADER + "孙丽,13911112222,志愿者,T-QY1\n,123,志愿者,T-QY1\n王五,13911114444,志愿者,T-HS1\n",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "没有写入任何数据" in body
    assert '<td data-label="行">3</td>' in body and '<td data-label="行">4</td>' in body
    assert session.scalar(select(func.count(Person.id))) == before


def test_a_file_that_is_not_a_spreadsheet_is_explained(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login("cuihu")
    response = client.post(
        "/people/import",
        data={"street_id": str(world.street.id), "file": (io.BytesIO(b"PK\x03\x04garbage"), "people.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 400)
    assert 'class="error"' in response.get_data(as_text=True) or "没有写入任何数据" in response.get_data(
        as_text=True
    )


def test_importing_the_example_file_from_the_repository(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    """The README's example uses demo grid codes (G0001...), which this small world does not have."""
    example = Path(__file__).resolve().parents[2] / "examples" / "people.csv"
    auth.login("cuihu")
    response = upload(client, world, example.read_text(encoding="utf-8-sig"))
    assert response.status_code == 400 and "G0001" in response.get_data(as_text=True)


def test_community_coordinators_and_the_other_street_cannot_import_here(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login("qingyun")
    assert client.get("/people/import").status_code == 403
    auth.logout()
    auth.login("huashan")
    response = upload(client, world, HEADER + "孙丽,13911112222,志愿者,T-QY1\n")
    assert response.status_code == 200 and "不是有效的选择" in response.get_data(as_text=True)


def test_stamping_a_week_creates_its_shifts_once(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    auth.login("cuihu")
    first = client.post(
        "/grids/stamp", data={"street_id": str(world.street.id), "week": "2026-W49"}, follow_redirects=True
    )
    assert "7 个新班次" in first.get_data(as_text=True)
    second = client.post(
        "/grids/stamp", data={"street_id": str(world.street.id), "week": "2026-W49"}, follow_redirects=True
    )
    assert "0 个新班次" in second.get_data(as_text=True)
    assert session.scalar(select(func.count(Shift.id))) == 7


def test_the_other_street_cannot_stamp_our_week(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    auth.login("huashan")
    response = client.post("/grids/stamp", data={"street_id": str(world.street.id), "week": "2026-W49"})
    assert response.status_code == 403
    assert session.scalar(select(func.count(Shift.id))) == 0


def test_pages_send_security_headers_and_no_referrer(client: FlaskClient, world: World) -> None:
    response = client.get(f"/me/{world.volunteer.link_token}")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
