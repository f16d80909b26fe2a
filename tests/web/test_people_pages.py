"""People pages: add, edit, deactivate, search; a bad field gets a Chinese message beside it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry
from scheduler.people.models import Category, Person
from tests.web.conftest import AuthActions, World, field_html


def good_form(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "陈晓东",
        "category": "volunteer",
        "phone": "139 1234 5678",
        "home_grid_id": str(world.grid_qy.id),
        "organisation": "蓝天救援队",
        "birth_year": "1990",
        "max_hours_per_week": "8",
        "monthly_quota_hours": "0",
        "skills": ["first_aid"],
    }
    data.update(changes)
    return data


def test_adding_a_person_stores_them_and_shows_their_profile(
    client: FlaskClient, auth: AuthActions, world: World, fresh: Session
) -> None:
    auth.login("cuihu")
    response = client.post("/people/new", data=good_form(world))
    assert response.status_code == 303
    person = fresh.scalar(select(Person).where(Person.name == "陈晓东"))
    assert person is not None
    assert response.headers["Location"] == f"/people/{person.id}"
    assert (person.phone, person.category, person.home_grid_id) == (
        "+8613912345678",
        Category.VOLUNTEER,
        world.grid_qy.id,
    )
    assert [ps.skill.code for ps in person.skills] == ["first_aid"]
    assert len(person.link_token) >= 24
    assert fresh.scalar(select(AuditEntry).where(AuditEntry.action == "people.create")) is not None
    assert "陈晓东" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "请填写姓名"),
        ("name", "名" * 65, "最多 64 个字"),
        ("phone", "", "请填写手机号"),
        ("phone", "12345", "手机号"),
        ("phone", "138 0000 0001", "这个手机号已登记给另一个人"),  # 李娜's number
        ("birth_year", "1800", "应在 1900 到 2020 之间"),
        ("birth_year", "一九九〇", "不是有效的整数"),
        ("max_hours_per_week", "100", "应在 0 到 84 之间"),
        ("monthly_quota_hours", "", "请填写数字"),
        ("email", "not-an-email", "电子邮箱格式不正确"),
        ("category", "alien", "不是有效的选择"),
        ("home_grid_id", "999999", "不是有效的选择"),
        ("skills", ["levitation"], "不是有效的选择"),
    ],
)
def test_a_bad_field_gets_a_chinese_message_beside_it_and_nothing_is_saved(
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    fresh: Session,
    field: str,
    value: object,
    message: str,
) -> None:
    auth.login("cuihu")
    before = fresh.scalar(select(func.count(Person.id)))
    response = client.post("/people/new", data=good_form(world, **{field: value}))
    assert response.status_code == 200
    assert message in field_html(response.get_data(as_text=True), field)
    assert fresh.scalar(select(func.count(Person.id))) == before


def test_editing_a_person_changes_only_what_was_changed(
    client: FlaskClient, auth: AuthActions, world: World, fresh: Session
) -> None:
    auth.login("cuihu")
    form = good_form(
        world,
        name="张护士",
        category="professional",
        phone="+8613800000002",
        profession="nurse",
        home_grid_id=str(world.grid_lh.id),
        skills=["nurse", "sampling"],
        organisation="",
    )
    response = client.post(f"/people/{world.nurse.id}/edit", data=form)
    assert response.status_code == 303
    nurse = fresh.get(Person, world.nurse.id)
    assert nurse is not None
    assert sorted(ps.skill.code for ps in nurse.skills) == ["nurse", "sampling"]
    assert nurse.birth_year == 1990 and nurse.organisation is None


def test_editing_with_a_taken_phone_keeps_the_old_values(
    client: FlaskClient, auth: AuthActions, world: World, fresh: Session
) -> None:
    auth.login("cuihu")
    form = good_form(world, name="张护士改", phone="13800000001", home_grid_id=str(world.grid_lh.id))
    response = client.post(f"/people/{world.nurse.id}/edit", data=form)
    assert "这个手机号已登记给另一个人" in field_html(response.get_data(as_text=True), "phone")
    nurse = fresh.get(Person, world.nurse.id)
    assert nurse is not None and (nurse.name, nurse.phone) == ("张护士", "+8613800000002")


def test_deactivating_hides_a_person_keeps_them_and_closes_their_link(
    client: FlaskClient, auth: AuthActions, world: World, fresh: Session
) -> None:
    auth.login("cuihu")
    assert client.get(f"/me/{world.volunteer.link_token}").status_code == 200
    response = client.post(f"/people/{world.volunteer.id}/active", data={"active": "0"})
    assert response.status_code == 303
    person = fresh.get(Person, world.volunteer.id)
    assert person is not None and person.active is False
    assert "李娜" not in client.get("/people").get_data(as_text=True)
    assert "李娜" in client.get("/people?inactive=1").get_data(as_text=True)
    assert client.get(f"/me/{world.volunteer.link_token}").status_code == 404
    client.post(f"/people/{world.volunteer.id}/active", data={"active": "1"})
    fresh.expire_all()
    assert fresh.get(Person, world.volunteer.id).active is True  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("q=李", {"李娜"}),
        ("q=0000003", {"王大爷"}),
        ("category=professional", {"张护士"}),
        ("category=party_no_post", {"王大爷"}),
        ("skill=nurse", {"张护士"}),
        ("community={lianhua}", {"张护士"}),
        ("community={qingyun}&category=volunteer", {"李娜"}),
        ("", {"李娜", "张护士", "王大爷"}),
        ("category=nonsense&community=abc&page=-1", {"李娜", "张护士", "王大爷"}),
    ],
)
def test_people_search_and_filters(
    client: FlaskClient, auth: AuthActions, world: World, query: str, names: set[str]
) -> None:
    auth.login("cuihu")
    url = "/people?" + query.format(lianhua=world.lianhua.id, qingyun=world.qingyun.id)
    body = client.get(url).get_data(as_text=True)
    assert {n for n in ("李娜", "张护士", "王大爷", "赵强") if n in body} == names


def test_a_profile_shows_skills_and_availability(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login("cuihu")
    body = client.get(f"/people/{world.nurse.id}").get_data(as_text=True)
    assert "护士" in body and "专业人员" in body and "尚未登记每周可服务时间" in body


def test_long_lists_are_paged_and_keep_their_filters(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    for i in range(60):
        session.add(
            Person(
                name=f"志愿者{i:02d}",
                category=Category.VOLUNTEER,
                phone=f"+86139000{i:05d}",
                home_grid_id=world.grid_qy.id,
                link_token=f"tok-page-{i:02d}",
            )
        )
    session.flush()
    auth.login("cuihu")
    first = client.get("/people?category=volunteer").get_data(as_text=True)
    assert "共 61 人" in first and "1 / 2" in first
    assert "/people?category=volunteer&amp;page=2" in first
    second = client.get("/people?category=volunteer&page=2").get_data(as_text=True)
    assert "2 / 2" in second and second.count('data-label="姓名"') == 11
