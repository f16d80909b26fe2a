"""Surge call services (网格呼叫、街区响应、部门报到): the one module the web app and the CLI import.

Keyword-only functions that take the session and never commit (the caller's one transaction holds
the call, its offers and their SMS in the outbox together). Times come in as ``now`` (inject a
clock). Every refusal is a DomainError with an English code and writes nothing.

- ``raise_call(session=, request=CallRequest(...), now=, actor=)`` → ``CallResult``
- ``answer(session=, token=, confirm=, now=)`` → ``SurgeAnswer`` (the /s/<token> page, SMS replies)
- ``on_the_way(session=, token=, now=)``, ``check_in(session=, now=, token= | offer_id=, via=)``
- ``department_report(session=, call_id=, unit=, person_ids=, new_people=, now=, actor=)``
- ``tick(session=, now=)`` (the dispatcher, every minute), ``cancel_call`` / ``close_call``
- ``get_call``, ``list_calls``, ``get_offer``; ``board.call_board`` and ``after_action.after_action``
"""

from __future__ import annotations

from scheduler.surge.answers import AnswerOutcome, SurgeAnswer, answer, answer_offer, check_in, on_the_way
from scheduler.surge.common import get_call, get_offer, list_calls
from scheduler.surge.departments import NewPerson, department_report
from scheduler.surge.dispatch import TickResult, cancel_call, close_call, tick
from scheduler.surge.preempt import replan_preempted
from scheduler.surge.raising import (
    DEFAULT_TASK,
    GENERAL,
    CallRequest,
    CallResult,
    NeedSpec,
    Unfillable,
    make_blocks,
    raise_call,
)

__all__ = [
    "DEFAULT_TASK",
    "GENERAL",
    "AnswerOutcome",
    "CallRequest",
    "CallResult",
    "NeedSpec",
    "NewPerson",
    "SurgeAnswer",
    "TickResult",
    "Unfillable",
    "answer",
    "answer_offer",
    "cancel_call",
    "check_in",
    "close_call",
    "department_report",
    "get_call",
    "get_offer",
    "list_calls",
    "make_blocks",
    "on_the_way",
    "raise_call",
    "replan_preempted",
    "tick",
]
