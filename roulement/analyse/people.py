"""What a roster does to households, read from the roster alone: days off together, childcare left uncovered."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

from roulement.model.roster import Timeline
from roulement.rules.people import childcare_clashes, judged_days


@dataclass(frozen=True)
class HouseholdOutcome:
    id: str
    members: list[str]
    # Days off the members could have together (the fewer of each pair's judged days off), and days they did.
    shared_days_off_asked: int
    shared_days_off_got: int
    childcare_uncovered_hours: float
    childcare_mode: str | None

    @property
    def shared_share(self) -> float | None:
        return None if not self.shared_days_off_asked else self.shared_days_off_got / self.shared_days_off_asked

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def household_outcomes(timeline: Timeline) -> list[HouseholdOutcome]:
    scenario = timeline.scenario
    days = timeline.calendar.days
    shifts = {e: [item.occurrence for item in items if 0 <= item.day < days]
              for e, items in timeline.by_employee.items()}
    outcomes = []
    for household in scenario.households:
        asked = got = 0
        if household.shared_days_off is not None:
            judged = judged_days(scenario, household, days)
            worked = {m: timeline.days_worked(m) for m in household.members}
            for a, b in itertools.combinations(household.members, 2):
                off_a = {d for d in judged if d not in worked[a]}
                off_b = {d for d in judged if d not in worked[b]}
                asked += min(len(off_a), len(off_b))
                got += len(off_a & off_b)
        uncovered = sum(c.minutes for c in childcare_clashes(timeline.calendar, household, shifts))
        outcomes.append(HouseholdOutcome(
            id=household.id, members=list(household.members), shared_days_off_asked=asked,
            shared_days_off_got=got, childcare_uncovered_hours=round(uncovered / 60, 2),
            childcare_mode=None if household.childcare is None else household.childcare.mode))
    return outcomes
