"""gridroster optimizer: pure CP-SAT rostering; see README.md for the rule-by-rule definition."""

from optimizer.params import TEST_PARAMS, SolveParams
from optimizer.problem import (
    CompositionNeed,
    Demand,
    Person,
    Pin,
    Priority,
    Problem,
    Request,
    Rules,
    Shift,
    Skill,
    Succession,
    Weights,
    Window,
)
from optimizer.solution import (
    Assignment,
    PenaltyLine,
    Progress,
    Solution,
    SolveStats,
    SolveStatus,
    Suggestion,
    Unmet,
    UnmetReason,
)
from optimizer.solve import solve
from optimizer.validate import ProblemError, validate

__all__ = [
    "TEST_PARAMS",
    "Assignment",
    "CompositionNeed",
    "Demand",
    "PenaltyLine",
    "Person",
    "Pin",
    "Priority",
    "Problem",
    "ProblemError",
    "Progress",
    "Request",
    "Rules",
    "Shift",
    "Skill",
    "Solution",
    "SolveParams",
    "SolveStats",
    "SolveStatus",
    "Suggestion",
    "Succession",
    "Unmet",
    "UnmetReason",
    "Weights",
    "Window",
    "solve",
    "validate",
]
