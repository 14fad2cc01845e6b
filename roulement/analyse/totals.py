"""Per-person totals a planner and a works council read first: hours, shifts, nights, Sundays, weekends,
public holidays."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from roulement.model.roster import Timeline


@dataclass(frozen=True)
class PersonTotals:
    employee: str
    name: str
    hours: float
    shifts: int
    nights: int
    sundays: int
    weekend_days: int
    public_holidays: int
    contract_hours: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def person_totals(timeline: Timeline) -> list[PersonTotals]:
    scenario = timeline.scenario
    weeks = scenario.horizon.days / 7
    totals = []
    for employee in scenario.employees:
        items = [i for i in timeline.by_employee.get(employee.id, []) if 0 <= i.day < timeline.calendar.days]
        totals.append(PersonTotals(
            employee=employee.id,
            name=employee.name or employee.id,
            hours=round(sum(i.worked for i in items) / 60, 2),
            shifts=len(items),
            nights=sum(1 for i in items if i.occurrence.is_night),
            sundays=sum(1 for i in items if i.date.weekday() == 6),
            weekend_days=sum(1 for i in items if i.date.weekday() >= 5),
            public_holidays=sum(1 for i in items if i.date in scenario.public_holidays),
            contract_hours=round(employee.contract.weekly_hours * weeks, 2),
        ))
    return totals
