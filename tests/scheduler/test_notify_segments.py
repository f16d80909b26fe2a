"""Offers as the flow renders them (real link and code) fit two UCS-2 segments for long names and places."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from notifications.sms.segments import count_segments
from notifications.sms.templates import SIGNATURE_ALLOWANCE, Lang
from scheduler.outbox.models import Channel
from tests.scheduler.notify_support import outbox_rows, published_roster

# A long production base URL: links are the one part of the text that is never shortened.
LONG_URL = "https://wangge.hepingli-jiedao.example.gov.cn"


@pytest.mark.parametrize("codes", ["on", "off"])
def test_an_offer_for_the_longest_realistic_name_and_place_fits_two_segments(
    session: Session, monkeypatch: pytest.MonkeyPatch, codes: str
) -> None:
    monkeypatch.setenv("GRIDROSTER_PUBLIC_URL", LONG_URL)
    monkeypatch.setenv("GRIDROSTER_SMS_REPLY_CODES", codes)
    p = published_roster(session, people=1, shifts=1, emails=False, build_only=True)
    p.street.a.name = "和平里街道第十四社区居民委员会"  # 15 characters
    p.street.a1.name = "第十二网格（东区）"
    p.people[0].name = "欧阳娜娜娜"
    p.shifts[0].location = "东门卡口临时值守点"
    session.flush()
    p.publish()
    (row,) = outbox_rows(session, kind="offer", channel=Channel.SMS)
    body = row.payload["body"]
    assert count_segments(SIGNATURE_ALLOWANCE[Lang.ZH] + body).segments <= 2
    assert LONG_URL + "/o/" in body and body.startswith("欧阳娜娜娜：")
    assert ("回复1 " in body) is (codes == "on")
