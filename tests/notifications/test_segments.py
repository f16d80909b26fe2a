"""Segment counting: GSM-7 160/153, UCS-2 70/67, astral characters as two units."""

from __future__ import annotations

import pytest

from notifications.sms.segments import count_segments, encoding_of


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # extension-table characters take two septets
        ("€" * 81, "GSM-7", 162, 2),
        ("值" * 70, "UCS-2", 70, 1),
        ("值" * 71, "UCS-2", 71, 2),
        ("值" * 134, "UCS-2", 134, 2),
        ("值" * 135, "UCS-2", 135, 3),
        ("a" * 69 + "值", "UCS-2", 70, 1),  # one Chinese character makes the whole text UCS-2
        ("𠀾" * 35, "UCS-2", 70, 1),  # astral CJK: a surrogate pair each
        ("𠀾" * 36, "UCS-2", 72, 2),
    ],
)
def test_count_segments_matches_carrier_limits(text: str, encoding: str, units: int, segments: int) -> None:
    counted = count_segments(text)
    assert (counted.encoding, counted.units, counted.segments) == (encoding, units, segments)


def test_a_surrogate_pair_is_never_split_across_two_parts() -> None:
    # 66 units then a 2-unit character: it cannot start in part one (67 units), so a third part
    # is needed although 134 units would fit two parts arithmetically.
    text = "值" * 66 + "𠀾" + "值" * 66
    counted = count_segments(text)
    assert counted.units == 134
    assert counted.segments == 3


def test_an_escape_pair_is_never_split_across_two_parts() -> None:
    text = "a" * 152 + "€" + "a" * 152
    counted = count_segments(text)
    assert counted.units == 306
    assert counted.segments == 3


def test_plain_english_is_gsm7_and_chinese_is_ucs2() -> None:
    assert encoding_of("Reply 1 4821 to accept") == "GSM-7"
    assert encoding_of("回复1 4821确认") == "UCS-2"
