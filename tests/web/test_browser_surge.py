"""Real browser (Debian's Chromium via Playwright) on a phone-sized screen: a coordinator raises a surge call,
lands on the live board, a person answers from their SMS link, and the board's poll picks the answer up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from sqlalchemy import select

from scheduler.db import make_engine, make_session_factory
from scheduler.surge.models import SurgeOffer
from tests.web.browser import ARTIFACTS, CHROMIUM_ARGS, PASSWORD, LiveServer, chromium_path, live_server

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(tmp_path) as s:
        yield s


def first_offer_token(server: LiveServer) -> str:
    engine = make_engine(server.database_url)
    try:
        with make_session_factory(engine)() as session:
            token = session.scalar(select(SurgeOffer.token).order_by(SurgeOffer.id).limit(1))
            assert token is not None
            return token
    finally:
        engine.dispose()


def test_on_a_phone_a_coordinator_raises_a_call_and_watches_the_board(
    browser: Browser, server: LiveServer
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(**PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.get_by_label("用户名").fill("cuihu")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").tap()
    expect(page).to_have_url(re.compile(r"/rosters$"))
    page.goto(f"{server.url}/surge")
    page.get_by_role("link", name="发起呼叫").tap()
    expect(page.get_by_role("heading", name="发起呼叫")).to_be_visible()
    page.get_by_label("网格").select_option(index=1)
    page.get_by_label("地点").fill("3号楼东门")
    page.get_by_label("普通人员（不限技能）").fill("2")
    page.screenshot(path=str(ARTIFACTS / "09-phone-raise-call.png"), full_page=True)
    page.get_by_role("button", name="发出呼叫").tap()

    expect(page).to_have_url(re.compile(r"/surge/calls/\d+$"))
    expect(page.get_by_text("呼叫已发出")).to_be_visible()
    needs = page.locator('#board-needs tr[data-need="general"]')
    expect(needs.locator('td[data-field="needed"]')).to_have_text("2")
    expect(page.locator("#board-tier")).to_have_text("社区")
    asked = int(needs.locator('td[data-field="offered"]').inner_text())
    assert asked >= 2
    # The page fits the phone: nothing wider than the screen but the scrolling table.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "10-phone-call-board.png"), full_page=True)

    # Someone answers "yes" from the SMS link on their own phone ...
    person = context.new_page()
    person.goto(f"{server.url}/s/{first_offer_token(server)}")
    person.get_by_role("button", name="我能来").tap()
    expect(person.locator("#offer-status")).to_have_text("已确认")
    person.screenshot(path=str(ARTIFACTS / "11-phone-surge-link.png"), full_page=True)

    # ... and the board's 10-second poll shows it without anyone reloading by hand.
    expect(needs.locator('td[data-field="confirmed"]')).to_have_text("1", timeout=25_000)
    expect(page.locator("#board-people .offer-confirmed")).to_have_count(1)
    context.close()
