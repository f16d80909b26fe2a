"""Small builders shared by the notification tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from notifications.messages import CalendarEvent

CN = ZoneInfo("Asia/Shanghai")


def shift_event(
    *, uid: str = "assignment-42@gridroster.example.cn", sequence: int = 0, day: int = 26
) -> CalendarEvent:
    return CalendarEvent(
        uid=uid,
        sequence=sequence,
        start=datetime(2026, 12, day, 8, 0, tzinfo=CN),
        end=datetime(2026, 12, day, 12, 0, tzinfo=CN),
        summary="卡口值守",
        location="和平里第十四社区 第十二网格",
        description="确认/拒绝：https://wg.example.cn/s/Ab3dEf6hIj9kLmNo",
        organizer_name="和平里街道 网格中心",
        organizer_email="roster@gridroster.example.cn",
        attendee_name="欧阳娜娜娜",
        attendee_email="nana@example.cn",
    )
