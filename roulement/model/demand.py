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
    for demand in scenario.demand:
        days = (
            [day for day, date in enumerate(dates) if date in set(demand.dates)]
            if demand.dates is not None
            else [day for day, date in enumerate(dates) if demand.applies_to(date)]
        )
        for day in days:
            for shift in demand.shifts:
                slots.append(Slot(day, shift, demand.post, demand.min, demand.preferred_level, demand.max,
                                  demand.under_weight, demand.over_weight))
    return slots
