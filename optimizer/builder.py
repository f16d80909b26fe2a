"""RosterModel: the CP-SAT model, sparse decision variables x[p,s,d] and one penalty ledger."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimizer import rules
from optimizer.eligibility import eligible_triples
from optimizer.problem import Person, Problem, Shift
from optimizer.windows import all_too_close

Amount = cp_model.LinearExprT  # a real-unit amount: people, hours, cells, levels, per mille


@dataclass(frozen=True, slots=True)
class PenaltyTerm:
    """One soft term: ``points = weight × amount``; ``amount`` is exact at every feasible roster."""

    kind: str
    subject: str
    weight: int
    amount: Amount


@dataclass
class RosterModel:
    """The model under construction. Families read ``problem`` and add constraints and penalties."""

    problem: Problem
    model: cp_model.CpModel
    people: dict[str, Person]
    shifts: dict[str, Shift]
    x: dict[tuple[str, str, int], cp_model.IntVar]  # (person, shift, line) -> fills it; eligible only
    ledger: list[PenaltyTerm] = field(default_factory=list)
    lines_of: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (p, s) -> lines
    shifts_of: dict[str, list[Shift]] = field(default_factory=dict)  # p -> shifts, by start
    day_shifts_of: dict[tuple[str, int], list[Shift]] = field(default_factory=dict)  # (p, day) -> shifts
    people_on_line: dict[tuple[str, int], list[str]] = field(default_factory=dict)  # (s, d) -> p
    people_on_shift: dict[str, list[str]] = field(default_factory=dict)  # s -> p
    _on: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (p, s) -> "p works s"
    _works: dict[tuple[str, int, str | None], cp_model.IntVar | None] = field(default_factory=dict)

    @classmethod
    def create(
        cls, problem: Problem, triples: Iterable[tuple[Person, Shift, int]] | None = None
    ) -> RosterModel:
        m = cls(
            problem,
            cp_model.CpModel(),
            {p.id: p for p in problem.people},
            {s.id: s for s in problem.shifts},
            {},
        )
        for person, shift, line in eligible_triples(problem) if triples is None else triples:
            m.x[person.id, shift.id, line] = m.model.new_bool_var(f"x[{person.id}|{shift.id}|{line}]")
            x = m.x[person.id, shift.id, line]
            lines = m.lines_of.setdefault((person.id, shift.id), [])
            if lines:
                m._on.pop((person.id, shift.id), None)  # several lines: on() makes a new literal
            else:
                m._on[person.id, shift.id] = x
                m.shifts_of.setdefault(person.id, []).append(shift)
                m.day_shifts_of.setdefault((person.id, shift.day), []).append(shift)
                m.people_on_shift.setdefault(shift.id, []).append(person.id)
            lines.append(line)
            m.people_on_line.setdefault((shift.id, line), []).append(person.id)
        for mine in (*m.shifts_of.values(), *m.day_shifts_of.values()):
            mine.sort(key=lambda s: (s.start, s.end, s.id))
        return m

    def lines(self, person_id: str, shift_id: str) -> list[cp_model.IntVar]:
        return [self.x[person_id, shift_id, d] for d in self.lines_of.get((person_id, shift_id), [])]

    def on(self, person_id: str, shift_id: str) -> cp_model.IntVar:
        """Literal "p works s" (any line). One line: its x; several: a new bool equal to their sum."""
        on = self._on.get((person_id, shift_id))
        if on is None:
            on = self.model.new_bool_var(f"on[{person_id}|{shift_id}]")
            self.model.add(cp_model.LinearExpr.sum(self.lines(person_id, shift_id)) == on)
            self._on[person_id, shift_id] = on
        return on

    def load(self, person_id: str, shifts: Iterable[Shift] | None = None) -> cp_model.LinearExprT:
        """Minutes p works over ``shifts`` (default: every shift p may work)."""
        chosen = self.shifts_of.get(person_id, []) if shifts is None else list(shifts)
        return cp_model.LinearExpr.weighted_sum(
            [self.on(person_id, s.id) for s in chosen], [s.minutes for s in chosen]
        )

    def at_most_one_a_day(self, person_id: str, day_shifts: Sequence[Shift]) -> bool:
        """True when p can never work two of these shifts (they clash, or two exceed the day cap)."""
        if all_too_close(day_shifts, self.problem.rules.min_rest_minutes):
            return True
        cap = self.day_cap(self.people[person_id])
        minutes = sorted(s.minutes for s in day_shifts)
        return cap is not None and minutes[0] + minutes[1] > cap

    def works(self, person_id: str, day: int, task_type: str | None = None) -> cp_model.IntVar | None:
        """Literal "p works (a shift of ``task_type``) on ``day``", exact both ways; None: never."""
        key = (person_id, day, task_type)
        if key not in self._works:
            day_shifts = [
                s
                for s in self.day_shifts_of.get((person_id, day), [])
                if task_type is None or s.task_type == task_type
            ]
            lits = [self.on(person_id, s.id) for s in day_shifts]
            works: cp_model.IntVar | None = None
            if len(lits) == 1:
                works = lits[0]
            elif lits:
                works = self.model.new_bool_var(f"works[{person_id}|{day}|{task_type or '*'}]")
                if self.at_most_one_a_day(person_id, day_shifts):
                    self.model.add(
                        cp_model.LinearExpr.sum(lits) == works
                    )  # tighter than an OR when two are impossible
                else:
                    self.model.add_max_equality(works, lits)
            self._works[key] = works
        return self._works[key]

    def day_cap(self, person: Person) -> int | None:
        """min(person's, everybody's) minutes per day; None: no limit."""
        caps = [
            c for c in (person.max_minutes_per_day, self.problem.rules.max_minutes_per_day) if c is not None
        ]
        return min(caps) if caps else None

    def excess(self, expr: cp_model.LinearExprT, upper: int, name: str) -> cp_model.LinearExprT:
        """max(0, expr), exact at every solution; ``upper`` is the most ``expr`` can be."""
        if upper <= 0:
            return 0
        excess = self.model.new_int_var(0, upper, name)
        self.model.add_max_equality(excess, [expr, 0])
        return excess

    def hours_up(
        self, minutes: cp_model.LinearExprT, lower: int, upper: int, name: str
    ) -> cp_model.LinearExprT:
        """ceil(max(0, minutes) / 60), exact, for ``lower <= minutes <= upper``."""
        if upper <= 0:
            return 0
        started = self.model.new_int_var(-(-lower // 60), -(-upper // 60), f"{name}~started")
        self.model.add(minutes <= 60 * started)
        self.model.add(minutes >= 60 * started - 59)
        return self.excess(started, -(-upper // 60), name)

    def penalise(self, amount: Amount, weight: int, *, kind: str, subject: str) -> None:
        """Add ``weight × amount`` to the objective and to the ledger; weight 0 switches it off."""
        if weight != 0 and not (isinstance(amount, int) and amount == 0):
            self.ledger.append(PenaltyTerm(kind, subject, weight, amount))

    def minimise_penalties(self) -> None:
        terms = self.ledger
        self.model.minimize(
            cp_model.LinearExpr.weighted_sum([t.amount for t in terms], [t.weight for t in terms])
        )


Family = Callable[[RosterModel], None]


HARD: tuple[Family, ...] = (
    rules.one_place_at_a_time,
    rules.rest,
    rules.hours,
    rules.consecutive_days,
    rules.weekends,
    rules.task_type_caps,
    rules.pins,
    rules.staffing_cap,
)
SOFT: tuple[Family, ...] = (
    rules.coverage,
    rules.composition,
    rules.changes,
    rules.fairness,
    rules.quota,
    rules.preferences,
    rules.continuity,
    rules.distance,
    rules.reliability,
)


def build(problem: Problem, triples: Iterable[tuple[Person, Shift, int]] | None = None) -> RosterModel:
    """The whole model: variables for eligible triples only, then every hard and soft family."""
    m = RosterModel.create(problem, triples)
    for family in HARD + SOFT:
        family(m)
    m.minimise_penalties()
    return m
