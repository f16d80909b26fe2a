"""Strict JSON body parsing: every wrong type or value is a FieldError (400), never a 500."""

from __future__ import annotations

from datetime import time
from typing import Any

from flask import request

from scheduler.people.service import FieldError


def body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise FieldError("body", "invalid_json", "请求体应为 JSON 对象", "the body must be a JSON object")
    return data


def _bad(key: str, zh: str, en: str) -> FieldError:
    return FieldError(key, "invalid_field", f"{key}：{zh}", f"{key}: {en}")


def string(data: dict[str, Any], key: str, *, required: bool = False, max_len: int = 256) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise _bad(key, "必填", "is required")
        return None
    if not isinstance(value, str):
        raise _bad(key, "应为字符串", "must be a string")
    if len(value) > max_len:
        raise _bad(key, f"最多 {max_len} 个字符", f"at most {max_len} characters")
    if "\x00" in value:  # PostgreSQL text cannot hold NUL
        raise _bad(key, "含有非法字符", "contains a NUL character")
    return value


def integer(
    data: dict[str, Any], key: str, *, required: bool = False, lo: int = 0, hi: int = 10**6
) -> int | None:
    value = data.get(key)
    if value is None:
        if required:
            raise _bad(key, "必填", "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(key, "应为整数", "must be an integer")
    if not lo <= value <= hi:
        raise _bad(key, f"应在 {lo} 到 {hi} 之间", f"must be between {lo} and {hi}")
    return value


def boolean(data: dict[str, Any], key: str, default: bool = False) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _bad(key, "应为 true 或 false", "must be true or false")
    return value


def string_list(data: dict[str, Any], key: str, *, max_items: int = 50) -> list[str]:
    value = data.get(key, [])
    if (
        not isinstance(value, list)
        or len(value) > max_items
        or not all(isinstance(v, str) and len(v) <= 64 and "\x00" not in v for v in value)
    ):
        raise _bad(key, "应为字符串数组", "must be a list of strings")
    return value


def hhmm(data: dict[str, Any], key: str) -> time:
    value = string(data, key, required=True, max_len=5) or ""
    try:
        hours, minutes = value.split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError(value)
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise _bad(key, "应为 HH:MM 格式的时间", "must be a time like 08:30") from exc


def choice(data: dict[str, Any], key: str, options: set[str], *, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or value not in options:
        raise _bad(
            key, f"应为以下之一：{', '.join(sorted(options))}", f"must be one of {', '.join(sorted(options))}"
        )
    return value


def query_int(name: str, default: int | None = None, *, lo: int = 1, hi: int = 10**9) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not lo <= int(raw) <= hi:
        raise _bad(name, f"应为 {lo} 到 {hi} 的整数", f"must be an integer from {lo} to {hi}")
    return int(raw)
