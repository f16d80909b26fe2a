"""What an import tells its caller: row errors, warnings, the rejection, and the summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scheduler.errors import ValidationError

FILE_LEVEL = 0  # the row of an error about the whole file (not a sheet row)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem with one cell: ``row`` as the spreadsheet shows it (header = 1; 0 = the file)."""

    row: int
    column: str  # the header as written in the file ("手机号", "phone"); "" for the whole file
    code: str
    message_zh: str
    message_en: str

    def describe(self) -> str:
        """'第3行「手机号」：… / row 3, 手机号: …' — one line, both languages."""
        if self.row == FILE_LEVEL:
            return f"文件：{self.message_zh} / file: {self.message_en}"
        where_zh = f"第{self.row}行" + (f"「{self.column}」" if self.column else "")
        where_en = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where_zh}：{self.message_zh} / {where_en}: {self.message_en}"


@dataclass(frozen=True, slots=True)
class RowWarning(RowError):
    """Imported, but worth a look (an expired certificate, a landline that cannot get SMS)."""


class ImportRejected(ValidationError):
    """The file was not imported at all; ``errors`` lists every bad row and field, in file order."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        n = len(errors)
        super().__init__(
            "import_rejected",
            f"导入失败：发现 {n} 处错误，没有写入任何数据",
            f"import rejected: {n} problem{'s' if n != 1 else ''} found, nothing was written",
        )
        self.errors: list[RowError] = sorted(errors, key=lambda e: e.row)

    def lines(self) -> list[str]:
        return [self.message_zh + " / " + self.message_en] + [e.describe() for e in self.errors]


Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class PersonOutcome:
    row: int
    person_id: int
    outcome: Outcome
    fields: tuple[str, ...] = ()  # for "updated": which fields changed (names only, never values)


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    warnings: tuple[RowWarning, ...] = ()
    outcomes: tuple[PersonOutcome, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        head = (
            f"新增 {self.created} 人，更新 {self.updated} 人，未变 {self.unchanged} 人 / "
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        )
        return [head] + ["注意 / warning: " + w.describe() for w in self.warnings]
