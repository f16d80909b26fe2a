"""Real browser (Debian's Chromium via Playwright): sign in, generate with a live progress bar, lock, publish;
on a phone, a volunteer opens their link and marks an evening busy. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.web.browser import ARTIFACTS, CHROMIUM_ARGS, PASSWORD, LiveServer, chromium_path, live_server


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


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("用户名").fill("cuihu")
    page.get_by_label("密码").fill(PASSWORD)
    shot(page, "01-login")
    page.get_by_role("button", name="登录").click()


def test_a_coordinator_generates_locks_and_publishes_a_week(browser: Browser, server: LiveServer) -> None:
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, server)
    expect(page).to_have_url(re.compile(r"/rosters$"))
    expect(page.get_by_text("这一周还没有排班")).to_be_visible()

    page.get_by_role("button", name="生成本周排班").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    expect(page.locator("#job-progress")).to_be_visible()
    expect(page.locator("#job-done")).to_be_visible(timeout=60_000)
    assert page.locator("#job-progress").evaluate("el => el.value") == 100
    expect(page.locator("#job-objective")).not_to_have_text("–")
    shot(page, "02-job-finished")

    page.locator("#job-roster").click()
    expect(page).to_have_url(re.compile(r"/rosters/\d+$"))
    first_lock = page.locator("button.lock").first
    expect(first_lock).to_have_attribute("aria-pressed", "false")
    first_lock.click()
    expect(page.get_by_text("已锁定：重新排班时会保留这条安排。")).to_be_visible()
    expect(page.locator("button.lock").first).to_have_attribute("aria-pressed", "true")
    shot(page, "03-week-grid-locked")

    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("已发布。排班中的人员会收到班次通知。")).to_be_visible()
    page.get_by_role("link", name="总览").click()
    expect(page.locator("table.heat")).to_be_visible()
    shot(page, "04-dashboard-heat-map")
    page.close()

    # On a phone, someone on the published roster opens their link and declines a shift.
    token, name = server.offered_person()
    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    mobile = phone.new_page()
    mobile.on("dialog", lambda dialog: dialog.accept())
    mobile.goto(f"{server.url}/me/{token}")
    expect(mobile.get_by_role("heading", name=f"{name}，您好")).to_be_visible()
    shot(mobile, "07-phone-my-shifts")
    mobile.get_by_role("button", name="拒绝").first.tap()
    expect(mobile.locator("#answer-text")).to_be_visible()
    shot(mobile, "08-phone-declined")
    phone.close()


def test_a_coordinator_sees_a_bad_phone_number_explained_beside_the_field(
    browser: Browser, server: LiveServer
) -> None:
    page = browser.new_page(locale="zh-CN")
    sign_in(page, server)
    page.goto(f"{server.url}/people/new")
    page.get_by_label("姓名").fill("测试人员")
    page.get_by_label("手机号").fill("12345")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#field-phone .error")).to_contain_text("手机号")
    shot(page, "05-person-form-error")
    page.goto(f"{server.url}/people?q=测试人员")
    expect(page.get_by_text("没有符合条件的人员")).to_be_visible()
    page.close()


def test_on_a_phone_a_volunteer_marks_an_evening_busy(browser: Browser, server: LiveServer) -> None:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{server.url}/me/{server.person_token}")
    expect(page.get_by_role("heading", name=f"{server.person_name}，您好")).to_be_visible()
    slot = page.locator("button.slot").nth(1)  # today, evening
    before = slot.get_attribute("aria-pressed")
    slot.tap()
    expect(slot).not_to_have_attribute("aria-pressed", before or "")
    shot(page, "06-phone-availability")
    page.reload()  # stored, not just flipped in the page
    expect(page.locator("button.slot").nth(1)).not_to_have_attribute("aria-pressed", before or "")
    page.goto(f"{server.url}/me/not-a-token")
    expect(page.get_by_text("个人链接无效或已停用")).to_be_visible()
    context.close()
