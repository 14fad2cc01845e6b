"""Demand expanded to slots: one (day, shift, post) with its levels."""

from __future__ import annotations

from dataclasses import dataclass

from roulement.model.scenario import Scenario


@dataclass(frozen=True)
class Slot:
    day: int
    shift: str
    post: str
    min: int
    preferred: int
    max: int | None
    under_weight: int
    over_weight: int


def demand_slots(scenario: Scenario) -> list[Slot]:
    slots = []
    dates = scenario.horizon.dates()
    day_of = {date: day for day, date in enumerate(dates)}
    for demand in scenario.demand:
        # Dated demand (a benchmark has thousands of one-date rows) is looked up, not scanned.
        days = (
            sorted({day_of[date] for date in demand.dates if date in day_of})
            if demand.dates is not None
            else [day for day, date in enumerate(dates) if demand.applies_to(date)]
        )
        for day in days:
            for shift in demand.shifts:
                slots.append(Slot(day, shift, demand.post, demand.min, demand.preferred_level, demand.max,
                                  demand.under_weight, demand.over_weight))
    return slots
