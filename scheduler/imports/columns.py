"""The columns of a people file: Chinese and English headers, and matching a header row to them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.imports.report import RowError
from scheduler.imports.values import fold


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the field it fills: "name", "phone", "home_grid", ...
    zh: str  # the documented Chinese header
    en: str  # the documented English header
    aliases: tuple[str, ...] = ()  # other spellings coordinators use
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "name", ("名字", "full name"), required=True),
    Column(
        "phone", "手机号", "phone",
        ("手机", "手机号码", "联系电话", "电话", "mobile", "phone number"), required=True,
    ),
    Column("category", "类别", "category", ("人员类别", "身份", "type")),
    # Required like the web form's: coordinators see people through their home grid's community.
    Column("home_grid", "所属网格", "home_grid", ("网格", "网格编号", "grid"), required=True),
    Column("email", "邮箱", "email", ("电子邮箱", "电子邮件", "e-mail")),
    Column("work_unit", "工作单位", "work_unit", ("单位",)),
    Column("organisation", "所属组织", "organisation", ("组织", "organization")),
    Column("profession", "职业", "profession", ("专业",)),
    Column("skills", "技能", "skills", ("技能证书",)),
    Column("no_night", "不值夜班", "no_night"),
    Column("no_heavy", "不做重活", "no_heavy"),
    Column("max_hours_per_week", "每周最多小时", "max_hours_per_week", ("每周最多小时数", "max hours")),
    Column("availability", "可服务时间", "availability", ("服务时间", "可用时间")),
    Column("absences", "请假", "absences", ("请假日期", "请假时间")),
    Column("contact_consent", "同意联系", "contact_consent", ("consent",)),
)


def header_key(raw: str) -> str:
    """Case, spaces, '_'/'-', a leading '*' and a trailing note like '（必填）' do not matter."""
    text = fold(raw).casefold().lstrip("*")
    text = re.sub(r"\([^)]*\)$", "", text.strip())
    return re.sub(r"[\s_\-]+", "", text)


_BY_KEY: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.zh, _column.en, *_column.aliases):
        _BY_KEY[header_key(_name)] = _column


def find_column(raw: str) -> Column | None:
    return _BY_KEY.get(header_key(raw))


def looks_like_header(cells: Sequence[str]) -> bool:
    """A row naming the name and phone columns: the header, even below a title row ('翠湖社区志愿者名单')."""
    keys = {c.key for c in map(find_column, cells) if c is not None}
    return {"name", "phone"} <= keys


@dataclass(frozen=True, slots=True)
class HeaderMap:
    by_index: dict[int, Column]  # cell position -> column
    labels: dict[str, str]  # column key -> the header as written in this file

    def has(self, key: str) -> bool:
        return key in self.labels


def map_header(cells: Sequence[str], *, row: int) -> tuple[HeaderMap, list[RowError]]:
    """Match each header cell to a column; unknown, repeated and missing required columns are errors."""
    by_index: dict[int, Column] = {}
    labels: dict[str, str] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(cells):
        label = raw.strip()
        if not label:
            continue
        column = find_column(label)
        if column is None:
            errors.append(RowError(
                row, label, "unknown_column",
                f"无法识别的列名：{label}（列名见 docs/import.md，例如 姓名、手机号、类别）",
                f"unknown column: {label} (see docs/import.md for the columns, e.g. name, phone, category)",
            ))
        elif column.key in labels:
            errors.append(RowError(
                row, label, "duplicate_column", f"与「{labels[column.key]}」是同一列，只能保留一列",
                f"same column as '{labels[column.key]}': keep only one",
            ))
        else:
            by_index[index] = column
            labels[column.key] = label
    for column in COLUMNS:
        if column.required and column.key not in labels:
            errors.append(RowError(
                row, column.zh, "missing_column",
                f"缺少必填列：{column.zh}", f"missing required column: {column.en}",
            ))
    return HeaderMap(by_index, labels), errors
