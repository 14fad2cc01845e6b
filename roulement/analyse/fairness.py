"""How nights, Sundays, weekend days and public holidays are spread, and what being humane costs, read from
rosters alone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from roulement.check.checker import check_roster
from roulement.model.roster import Assignment, Timeline
from roulement.model.scenario import Scenario
from roulement.rules.packs import PACKS, build_rules
from roulement.rules.people import (
    CATEGORIES,
    availability,
    counts_toward,
    night_free_by_declaration,
    peer_groups,
    work_pattern,
)


@dataclass(frozen=True)
class FairnessRow:
    employee: str
    night_eligible: bool
    # Contract hours times days present, relative to a full-timer present every day.
    contract_ratio: float
    nights: int
    sundays: int
    weekend_days: int
    public_holidays: int
    # The peer group fair shares are compared in (people who can hold the same posts), and the shares.
    peer_group: int | None
    fair_nights: float | None
    fair_sundays: float | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def fairness_rows(timeline: Timeline) -> list[FairnessRow]:
    scenario, calendar = timeline.scenario, timeline.calendar
    full_time = max((e.contract.weekly_hours for e in scenario.employees), default=35.0)
    full = round(full_time * 4) * calendar.days
    counts = {e.id: {c: sum(1 for item in timeline.by_employee.get(e.id, [])
                            if 0 <= item.day < calendar.days
                            and counts_toward(c, item.occurrence, scenario.public_holidays))
                     for c in CATEGORIES} for e in scenario.employees}
    fair: dict[str, dict[str, float]] = {}
    group_of: dict[str, int] = {}
    for category in ("nights", "sundays"):
        for number, people in enumerate(peer_groups(scenario, calendar, category).values()):
            weights = {e.id: availability(scenario, e) for e in people}
            total, weight = sum(counts[e][category] for e in weights), sum(weights.values())
            for employee, own in weights.items():
                fair.setdefault(employee, {})[category] = round(total * own / weight, 2)
                if category == "nights":
                    group_of[employee] = number
    return [FairnessRow(
        employee=e.id,
        night_eligible=not night_free_by_declaration(scenario, e),
        contract_ratio=round(availability(scenario, e) / full, 3),
        nights=counts[e.id]["nights"], sundays=counts[e.id]["sundays"], weekend_days=counts[e.id]["weekend_days"],
        public_holidays=counts[e.id]["public_holidays"],
        peer_group=group_of.get(e.id),
        fair_nights=fair.get(e.id, {}).get("nights"), fair_sundays=fair.get(e.id, {}).get("sundays"),
    ) for e in scenario.employees]


def spread(rows: list[FairnessRow], category: str) -> dict[str, float]:
    """Largest |count - fair share| over the rows, and the widest max-min gap inside one peer group among
    full-timers present every day (the issue's 'differ by at most 1')."""
    fair_key = "fair_nights" if category == "nights" else "fair_sundays"
    deviations = [abs(getattr(r, category) - getattr(r, fair_key)) for r in rows if getattr(r, fair_key) is not None]
    groups: dict[int, list[int]] = {}
    for row in rows:
        if row.peer_group is not None and row.contract_ratio >= 0.999 and getattr(row, fair_key) is not None:
            groups.setdefault(row.peer_group, []).append(getattr(row, category))
    return {"largest_deviation": round(max(deviations, default=0.0), 2),
            "widest_full_time_gap": max((max(v) - min(v) for v in groups.values()), default=0)}


def gaps_by_work_pattern(timeline: Timeline, category: str) -> dict[str, int] | None:
    """On a plant with a crew cycle, the widest max-min gap among full-timers present every day who hold the
    same posts: within the crews, within the relief pool, within the people outside the cycle, and across
    those patterns (what the placement into crews makes, which the roster cannot change). None without a
    rotation. Peers are compared within a pattern; this keeps the difference between patterns in sight."""
    scenario, calendar = timeline.scenario, timeline.calendar
    if scenario.rotation is None:
        return None
    full = max((availability(scenario, e) for e in scenario.employees), default=0)
    gaps: dict[str, int] = {}
    for people in peer_groups(scenario, calendar, category, by_pattern=False).values():
        counts: dict[str, list[int]] = {}
        for employee in people:
            if availability(scenario, employee) != full:
                continue
            count = sum(1 for item in timeline.by_employee.get(employee.id, []) if 0 <= item.day < calendar.days
                        and counts_toward(category, item.occurrence, scenario.public_holidays))
            counts.setdefault(work_pattern(scenario, employee) or "", []).append(count)
            counts.setdefault("across patterns", []).append(count)
        for pattern, values in counts.items():
            gaps[pattern] = max(gaps.get(pattern, 0), max(values) - min(values))
    return gaps


# The objective terms the price of being humane is measured on: coverage and contracts, and the packs pricing them.
COMMON_PACKS = frozenset({"core", "contract"})


def priced_terms(objective: dict[str, int]) -> int:
    return sum(v for k, v in objective.items() if k.startswith(("coverage", "contract")))


def price_on_common_terms(scenario: Scenario, roster: Iterable[Assignment]) -> int:
    """The roster's cost on coverage and contracts (the same terms with or without the people pack), judged by
    the only packs whose rules price them: core (coverage) and contract. The other packs' rules would be judged
    for nothing (a full check of KOS, once more per report)."""
    pricing = build_rules(scenario, frozenset(PACKS) - COMMON_PACKS)
    return priced_terms(check_roster(scenario, roster, pricing).objective)
