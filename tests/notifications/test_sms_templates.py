"""SMS templates: short, neutral, digits-only replies, and offers within two segments."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from notifications.inbound import OPT_IN_WORDS, OPT_OUT_WORDS, ReplyKind, parse_reply
from notifications.sms import templates
from notifications.sms.segments import count_segments
from notifications.sms.templates import MAX_OFFER_SEGMENTS, SIGNATURE_ALLOWANCE, Lang, ShiftFacts

CN = ZoneInfo("Asia/Shanghai")
# A personal link as the web layer will make it: a short public base plus a 16-character token
# (about 95 bits). Links are counted in full: they are ASCII, but in a UCS-2 text each is a unit.
REALISTIC_LINK = "https://wg.example.cn/s/Ab3dEf6hIj9kLmNo"
assert len(REALISTIC_LINK) == 40

# The longest realistic inputs: a four-character and a compound surname name, a street +
# community + grid place, a six-character duty, a 4-digit reply code.
LONG_NAMES_ZH = ["司马相如", "欧阳娜娜娜", "爱新觉罗恒"]
LONG_PLACE_ZH = "和平里街道和平里第十四社区第十二网格"
LONG_DUTY_ZH = "卡口值守登记"
LONG_NAMES_EN = ["Maximilian Featherstonehaugh", "Ouyang Nanana"]
LONG_PLACE_EN = "Hepingli No.14 Community, Grid 12"
LONG_DUTY_EN = "checkpoint duty"


def facts(*, name: str, place: str, duty: str, code: str | None = "4821", night: bool = False) -> ShiftFacts:
    start = datetime(2026, 12, 26, 22 if night else 8, 0, tzinfo=CN)
    end = datetime(2026, 12, 27, 6, 0, tzinfo=CN) if night else datetime(2026, 12, 26, 12, 0, tzinfo=CN)
    return ShiftFacts(name=name, duty=duty, place=place, start=start, end=end, link=REALISTIC_LINK, code=code)


def segments_with_signature(text: str, *, lang: Lang = Lang.ZH) -> int:
    # Gateways prepend a signature (【...】 on domestic routes), which counts towards the length.
    return count_segments(SIGNATURE_ALLOWANCE[lang] + text).segments


@pytest.mark.parametrize("name", LONG_NAMES_ZH)
@pytest.mark.parametrize("night", [False, True])
def test_chinese_offer_for_longest_names_and_places_fits_two_segments_with_place_intact(
    name: str, night: bool
) -> None:
    text = templates.offer(facts(name=name, place=LONG_PLACE_ZH, duty=LONG_DUTY_ZH, night=night))
    assert segments_with_signature(text) <= MAX_OFFER_SEGMENTS
    assert LONG_PLACE_ZH in text and REALISTIC_LINK in text and name in text
    assert "回复1 4821确认，2 4821拒绝" in text


@pytest.mark.parametrize("name", LONG_NAMES_EN)
def test_english_offer_for_longest_names_and_places_fits_two_segments(name: str) -> None:
    text = templates.offer(facts(name=name, place=LONG_PLACE_EN, duty=LONG_DUTY_EN), lang=Lang.EN)
    assert count_segments(text).encoding == "GSM-7"
    assert segments_with_signature(text, lang=Lang.EN) <= MAX_OFFER_SEGMENTS
    assert LONG_PLACE_EN in text and "reply 1 4821 to accept, 2 4821 to decline" in text


def test_surge_call_for_longest_inputs_fits_two_segments() -> None:
    text = templates.surge_call(facts(name="欧阳娜娜娜", place=LONG_PLACE_ZH, duty=LONG_DUTY_ZH), needed=12)
    assert segments_with_signature(text) <= MAX_OFFER_SEGMENTS
    assert "12人" in text


def test_an_overlong_place_is_shortened_but_link_and_code_survive() -> None:
    place = "新疆维吾尔自治区乌鲁木齐市天山区燕儿窝街道南湖南路第二社区第二十七网格东片区"
    text = templates.offer(facts(name="欧阳娜娜娜", place=place, duty=LONG_DUTY_ZH))
    assert segments_with_signature(text) <= MAX_OFFER_SEGMENTS
    assert "…" in text and place not in text
    assert REALISTIC_LINK in text and "4821" in text


def test_offer_without_reply_code_points_only_to_the_link() -> None:
    # +86 numbers through Twilio cannot reply (ECOSYSTEM.md §0 item 1): the link is the way.
    text = templates.offer(facts(name="李雷", place="幸福里社区第3网格", duty="巡查", code=None))
    assert "回复" not in text and REALISTIC_LINK in text


def test_times_are_local_and_a_night_shift_says_next_day() -> None:
    text = templates.offer(facts(name="李雷", place="幸福里社区第3网格", duty="夜间值守", night=True))
    assert "12月26日周六22:00-次日06:00" in text
    english = templates.offer(
        facts(name="Li Lei", place="Grid 3", duty="night watch", night=True), lang=Lang.EN
    )
    assert "Sat 26 Dec 22:00-06:00 next day" in english


ALL_TEMPLATES: list[Callable[[ShiftFacts, Lang], str]] = [
    lambda f, lang: templates.offer(f, lang=lang),
    lambda f, lang: templates.change(f, lang=lang),
    lambda f, lang: templates.cancel(f, lang=lang),
    lambda f, lang: templates.reminder(f, lang=lang),
    lambda f, lang: templates.surge_call(f, needed=3, lang=lang),
    lambda f, lang: templates.not_needed(f, lang=lang),
    lambda f, lang: templates.confirmed_ack(f, lang=lang),
    lambda f, lang: templates.declined_ack(f, lang=lang),
]
TEMPLATE_IDS = ["offer", "change", "cancel", "reminder", "surge_call", "not_needed", "confirmed", "declined"]
# Words domestic gateways reject in notification templates (CHINA.md §4).
BANNED_ZH = ["党", "政府", "招募", "募捐", "捐款", "问卷", "微信", "加群", "确认收货"]


@pytest.mark.parametrize("render", ALL_TEMPLATES, ids=TEMPLATE_IDS)
@pytest.mark.parametrize("lang", list(Lang))
def test_every_template_is_neutral_and_never_suggests_a_reserved_keyword(
    render: Callable[[ShiftFacts, Lang], str], lang: Lang
) -> None:
    f = (
        facts(name="Li Lei", place="Grid 3", duty="patrol")
        if lang is Lang.EN
        else facts(name="李雷", place="幸福里社区第3网格", duty="巡查")
    )
    text = render(f, lang)
    assert not [word for word in BANNED_ZH if word in text]
    # No phone number in a text (only landline/400/95 numbers would be allowed anyway).
    assert not re.search(r"\d{7,}", text)
    # Replies are digits plus a code, never a word Twilio would treat as opt-out / opt-in.
    for suggested in re.findall(r"(?:回复|reply)\s*(\S+)", text, flags=re.IGNORECASE):
        assert suggested.strip(",，").isdigit()
    words = set(re.findall(r"[A-Za-z]+", text))
    assert not words & (OPT_OUT_WORDS | OPT_IN_WORDS)
    assert segments_with_signature(text, lang=lang) <= MAX_OFFER_SEGMENTS


def test_the_reply_an_offer_asks_for_parses_back_to_its_code() -> None:
    text = templates.offer(facts(name="李雷", place="幸福里社区第3网格", duty="巡查", code="4821"))
    confirm = re.search(r"回复(1 \d+)确认", text)
    decline = re.search(r"，(2 \d+)拒绝", text)
    assert confirm is not None and decline is not None
    assert parse_reply(confirm.group(1)).kind is ReplyKind.CONFIRM
    assert parse_reply(decline.group(1)).code == "4821"
