"""Moving an assignment by hand on a draft: the independent checker says which rule a move would break."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from optimizer.check import check
from optimizer.solution import Assignment as OptAssignment
from optimizer.solution import Solution, SolveStatus
from scheduler.audit import service as audit
from scheduler.errors import Conflict, ValidationError
from scheduler.people.models import Person
from scheduler.rosters.models import Assignment, RosterStatus
from scheduler.rosters.planning import LIVE, build_problem

# The checker's rule names (the text before ":") and words in its lines, as a coordinator reads them.
RULES_ZH: tuple[tuple[str, str, str], ...] = (
    ("lacks skill", "缺少这个班次所需的有效技能或证书", "lacks a valid skill or certificate the shift needs"),
    ("outside every availability window", "这个时段不在其可服务时间内", "is not available at that time"),
    ("overlaps absence", "这个时段已登记请假或病假", "is on leave or sick then"),
    ("night shift", "不安排夜班", "does not do night shifts"),
    ("heavy shift", "不安排重体力任务", "does not do heavy duty"),
    ("may never work", "不承担这类任务", "never does this kind of task"),
    ("forbidden by a pin", "已拒绝过这个班次", "declined this shift"),
    ("one_place_at_a_time", "同一时间已有其他班次", "is on another shift at the same time"),
    ("rest", "两个班次之间休息时间不够", "would not get enough rest between shifts"),
    ("hours", "超过每周工时上限", "would go over the weekly hours limit"),
    ("consecutive", "连续上岗天数过多", "would work too many days in a row"),
    ("weekend", "周末班次过多", "would work too many weekends"),
    ("type_cap", "这类任务次数超过上限", "would do this kind of task too often"),
    ("staffing", "超过人数上限", "would go over a staffing cap"),
)


@dataclass(frozen=True, slots=True)
class Broken:
    """One rule a move would break, in both languages, and the checker's own line."""

    message_zh: str
    message_en: str
    raw: str


def explain_violation(line: str) -> Broken:
    for needle, zh, en in RULES_ZH:
        if needle in line:
            return Broken(zh, en, line)
    return Broken(f"违反排班规则：{line}", f"breaks a rule: {line}", line)


class MoveRefused(Conflict):
    def __init__(self, broken: list[Broken], name: str) -> None:
        super().__init__(
            "move_breaks_rules",
            f"不能安排 {name}：" + "；".join(dict.fromkeys(b.message_zh for b in broken)),
            f"{name} cannot take this shift: " + "; ".join(dict.fromkeys(b.message_en for b in broken)),
        )
        self.broken = broken


def move_assignment(
    *,
    session: Session,
    assignment: Assignment,
    person_id: int,
    now: datetime,
    actor: str,
) -> Assignment:
    """Give a draft's assignment to another person of the street, if no hard rule breaks; lock it.

    The whole draft is checked before and after with the optimizer's independent checker; only the
    violations the move adds refuse it (a hand-edited draft may already break something else).
    """
    roster = assignment.roster
    if roster.status is not RosterStatus.DRAFT:
        raise Conflict(
            "roster_not_draft",
            "只能在草稿上调整人员；已发布的排班请重新排班",
            "only a draft can be changed by hand; re-plan a published roster",
        )
    person = session.get(Person, person_id)
    if person is None or not person.active:
        raise ValidationError("person_not_found", "没有这个在册人员", "no such active person")
    if person_id == assignment.person_id:
        return assignment
    planning = build_problem(session=session, street_id=roster.street_id, week_start=roster.week_start)
    opt_shift_of = {row.id: key for key, row in planning.shifts.items()}
    if str(person_id) not in {p.id for p in planning.problem.people}:
        raise ValidationError(
            "person_not_in_street", f"{person.name} 不属于这个街道", f"{person.name} is not in this street"
        )

    def solution(moved: bool) -> Solution:
        out = []
        for a in roster.assignments:
            if a.status not in LIVE or a.shift_id not in opt_shift_of:
                continue
            who = person_id if moved and a.id == assignment.id else a.person_id
            demand_ids = [d.id for d in a.shift.demands]
            index = demand_ids.index(a.demand_id) if a.demand_id in demand_ids else 0
            out.append(OptAssignment(str(who), opt_shift_of[a.shift_id], index))
        return Solution(SolveStatus.FEASIBLE, tuple(out), (), (), 0, 0)

    before = set(check(planning.problem, solution(False)).violations)
    added = [v for v in check(planning.problem, solution(True)).violations if v not in before]
    if added:
        raise MoveRefused([explain_violation(v) for v in added], person.name)
    old_person = assignment.person_id
    assignment.person_id = person_id
    assignment.locked = True  # a hand-made choice: re-plans keep it
    assignment.revision += 1
    assignment.updated_at = now
    session.flush()
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="assignment.move",
        entity="assignment",
        entity_id=assignment.id,
        detail={"from": old_person, "to": person_id},
    )
    return assignment
