"""Constraint families, one module each; builder.HARD and builder.SOFT list them in order."""

from optimizer.rules.changes import changes
from optimizer.rules.composition import composition
from optimizer.rules.consecutive_days import consecutive_days
from optimizer.rules.continuity import continuity
from optimizer.rules.coverage import coverage
from optimizer.rules.distance import distance
from optimizer.rules.fairness import fairness
from optimizer.rules.hours import hours
from optimizer.rules.one_place_at_a_time import one_place_at_a_time
from optimizer.rules.pins import pins
from optimizer.rules.preferences import preferences
from optimizer.rules.quota import quota
from optimizer.rules.reliability import reliability
from optimizer.rules.rest import rest
from optimizer.rules.staffing_cap import staffing_cap
from optimizer.rules.task_type_caps import task_type_caps
from optimizer.rules.weekends import weekends

__all__ = [
    "changes",
    "composition",
    "consecutive_days",
    "continuity",
    "coverage",
    "distance",
    "fairness",
    "hours",
    "one_place_at_a_time",
    "pins",
    "preferences",
    "quota",
    "reliability",
    "rest",
    "staffing_cap",
    "task_type_caps",
    "weekends",
]
