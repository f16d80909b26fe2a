"""Every model, imported once so the metadata (and Alembic) sees all tables."""

from scheduler.accounts.models import LoginAttempt, StaffAccount
from scheduler.attendance.models import Attendance
from scheduler.audit.models import AuditEntry
from scheduler.availability.models import AvailabilityException, Preference, WeeklyWindow
from scheduler.db import Base
from scheduler.jobs.models import Job
from scheduler.notify.models import AssignmentOffer
from scheduler.outbox.models import OutboxAttempt, OutboxMessage
from scheduler.people.models import Person, PersonSkill, Skill
from scheduler.resilience.models import StandbyEntry
from scheduler.rosters.models import (
    Assignment,
    Roster,
    Shift,
    ShiftDemand,
    ShiftTemplate,
    TaskType,
    TemplateDemand,
    UnmetDemand,
)
from scheduler.surge.models import (
    DepartmentRequest,
    SurgeBlock,
    SurgeCall,
    SurgeNeed,
    SurgeNotice,
    SurgeOffer,
)
from scheduler.territory.models import Community, District, Grid, Street

__all__ = [
    "Assignment",
    "AssignmentOffer",
    "AuditEntry",
    "AvailabilityException",
    "Base",
    "Community",
    "District",
    "Grid",
    "Job",
    "Person",
    "PersonSkill",
    "Preference",
    "Roster",
    "Shift",
    "ShiftDemand",
    "ShiftTemplate",
    "Skill",
    "Street",
    "TaskType",
    "TemplateDemand",
    "UnmetDemand",
    "WeeklyWindow",
    "LoginAttempt",
    "StaffAccount",
    "OutboxAttempt",
    "OutboxMessage",
    "Attendance",
    "StandbyEntry",
    "DepartmentRequest",
    "SurgeBlock",
    "SurgeCall",
    "SurgeNeed",
    "SurgeNotice",
    "SurgeOffer",
]
