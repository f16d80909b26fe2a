"""Count SMS segments the way carriers bill them: GSM-7 160/153 septets, UCS-2 70/67 units."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# GSM 03.38 default alphabet (one septet each) and its extension table (escape + char = two).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

# A single message carries 140 octets. Concatenated parts lose 6 octets to the UDH header,
# hence 160 -> 153 septets and 70 -> 67 UCS-2 units. Chinese text never fits GSM-7, so every
# Chinese SMS is UCS-2: 70 characters in one segment, 67 per part after that.
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

Encoding = Literal["GSM-7", "UCS-2"]


@dataclass(frozen=True, slots=True)
class SegmentCount:
    encoding: Encoding
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def encoding_of(text: str) -> Encoding:
    return "GSM-7" if all(c in _GSM_BASIC or c in _GSM_EXTENSION for c in text) else "UCS-2"


def _unit_cost(char: str, encoding: Encoding) -> int:
    if encoding == "GSM-7":
        return 2 if char in _GSM_EXTENSION else 1
    # Characters outside the Basic Multilingual Plane (emoji, rare CJK such as 𠀾) are a UTF-16
    # surrogate pair: two units.
    return 2 if ord(char) > 0xFFFF else 1


def count_segments(text: str) -> SegmentCount:
    """How many segments `text` is sent as; an empty text still costs one."""
    encoding = encoding_of(text)
    costs = [_unit_cost(c, encoding) for c in text]
    units = sum(costs)
    single, part = (GSM7_SINGLE, GSM7_PART) if encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)
    if units <= single:
        return SegmentCount(encoding, units, 1)
    # Pack greedily: an escape pair or a surrogate pair is never split across two parts, so a
    # part can end one unit short; plain division would undercount.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:
            segments, used = segments + 1, 0
        used += cost
    return SegmentCount(encoding, units, segments)
