"""Bring coordinators' spreadsheets in: people and their availability from CSV or XLSX, all or nothing."""

from scheduler.imports.people import import_people
from scheduler.imports.report import ImportRejected, ImportReport, PersonOutcome, RowError, RowWarning

__all__ = ["ImportRejected", "ImportReport", "PersonOutcome", "RowError", "RowWarning", "import_people"]
