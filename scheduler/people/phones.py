"""Phone numbers: parse to E.164 and mask for logs."""

from __future__ import annotations

import phonenumbers

from scheduler.errors import ValidationError


def normalise_phone(raw: str, *, region: str = "CN") -> str:
    """'138 1234 5678' or '+86 138-1234-5678' -> '+8613812345678'; a clear error otherwise."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError("phone_missing", "手机号不能为空", "phone number is empty")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            "phone_invalid", f"手机号无法识别：{mask_phone(text)}", f"not a phone number: {mask_phone(text)}"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "phone_invalid", f"手机号无效：{mask_phone(text)}", f"invalid phone number: {mask_phone(text)}"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """Keep the country code, first 3 and last 4 digits: personal data never goes into logs."""
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    head = 6 if digits.startswith("+86") else 4 if digits.startswith("+") else 3
    return digits[:head] + "*" * (len(digits) - head - 4) + digits[-4:]
