"""What employees say on the web, folded into the scenario the solver plans: day-off requests at their weight,
and declarations as the legal day-post priority. Domain policy, kept out of the store that holds the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from roulement.model.scenario import (
    Absence,
    AbsenceKind,
    DayPostPriority,
    DayPostReason,
    Declaration,
    Employee,
    Request,
    RequestKind,
    Scenario,
)

# An open day-off request is a wish, weighed like the heaviest wish in the built-in plants. An accepted one is
# the planner's promise: a day away, like an absence of kind `other`, so the contract's hours are credited and a
# roster that keeps the person on shift that day shows it.
WISH_WEIGHT = 3


@dataclass
class WebInput:
    """What one employee said on the web: days off asked (date -> weight), days off granted, and a declaration
    if any."""

    day_off: dict[dt.date, int] = field(default_factory=dict)
    granted: set[dt.date] = field(default_factory=set)
    day_post_reason: DayPostReason | None = None
    declared_on: dt.date | None = None

    def ask_day_off(self, date: dt.date, weight: int) -> None:
        """One request a day: the stronger of two asks for the same date."""
        self.day_off[date] = max(weight, self.day_off.get(date, 0))


def with_web_input(scenario: Scenario, said: dict[str, WebInput]) -> Scenario:
    """The scenario with each employee's web input folded in (people not in `said` unchanged)."""
    if not said:
        return scenario
    return scenario.replaced(employees=[_with_input(e, said[e.id]) if e.id in said else e
                                        for e in scenario.employees])


def _with_input(employee: Employee, said: WebInput) -> Employee:
    changes: dict[str, object] = {}
    day_off = dict(said.day_off)  # merged below with the scenario's own requests; the caller's map stays as it was
    if day_off:
        kept = []
        for request in employee.requests:
            if request.kind is RequestKind.DAY_OFF and request.date in day_off:
                # One request a day: the scenario's and the web's, at the weight of the stronger.
                day_off[request.date] = max(day_off[request.date], request.weight)
            else:
                kept.append(request)
        changes["requests"] = kept + [Request(kind=RequestKind.DAY_OFF, date=date, weight=weight)
                                      for date, weight in sorted(day_off.items())]
    away = sorted(d for d in said.granted if not employee.absent_on(d))
    if away:
        changes["absences"] = [*employee.absences, *(Absence(start=d, end=d, kind=AbsenceKind.OTHER) for d in away)]
    if said.day_post_reason is not None and said.declared_on is not None and employee.day_post_priority is None:
        changes["day_post_priority"] = DayPostPriority(
            reason=said.day_post_reason,
            declaration=Declaration(declared_by=employee.id, purpose="roster", declared_on=said.declared_on))
    return employee.model_copy(update=changes) if changes else employee
