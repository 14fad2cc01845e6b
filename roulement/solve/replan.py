"""Re-planning after a disruption: the past stays as it was, the future changes as little as it can.

The published roster is priced as a soft rule, `KeepPublished`: every (person, day) from `--from` on whose
shift differs from the published one costs `weight`, more for near-term days (a change tomorrow hurts more
than one in three weeks). Being a rule, it is written once: the solver minimises it through `encode` and the
checker recomputes the same price from the roster through `cost`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar

from roulement.check.checker import check_roster
from roulement.model.calendar import Calendar
from roulement.model.demand import demand_slots
from roulement.model.roster import Assignment, Roster, Timeline
from roulement.model.scenario import Employee, RuleMode, Scenario
from roulement.rules.base import Cost, Encoder, PerEmployeeRule, Rule, Violation
from roulement.rules.contract import ContractHours
from roulement.rules.core import SHORTFALL_TERM, Coverage, SafetyMinimums
from roulement.rules.packs import build_rules
from roulement.solve.search import Progress, SolveOptions, SolveResult, solve

CHANGES_TERM = "changes"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class KeepPublished(Rule):
    """Each shift that differs from the published roster, from `first` on, is priced (heavier when near)."""

    id: ClassVar[str] = "replan.keep-published"
    title: ClassVar[str] = "Changes to the published roster"
    reference = "published roster (FR L3121-47: 7 days' notice of changes; DE: TV / BetrVG §87)"
    mode = RuleMode.SOFT

    def __init__(self, published: Roster, first: dt.date, weight: int = 20, near_days: int = 7,
                 near_factor: int = 4) -> None:
        self.published = {(a.employee, a.date): a.shift for a in published}
        self.first = first
        self.weight = weight
        self.near_days = near_days
        self.near_factor = near_factor

    def price(self, day: dt.date) -> int:
        """`near_factor` x weight on `first`, falling linearly to 1 x weight after `near_days` days."""
        distance = (day - self.first).days
        if distance >= self.near_days:
            return self.weight
        extra = (self.near_factor - 1) * (self.near_days - distance) / self.near_days
        return round(self.weight * (1 + extra))

    def check(self, timeline: Timeline) -> list[Violation]:
        return []

    def cost(self, timeline: Timeline) -> list[Cost]:
        after = {(item.employee, item.date): item.shift for item in timeline.items}
        costs = []
        for key in sorted(set(after) | set(self.published)):
            before, now = self.published.get(key), after.get(key)
            if self.first <= key[1] <= timeline.scenario.horizon.end and before != now:
                costs.append(Cost(CHANGES_TERM, self.price(key[1]), key[0], (key[1],),
                                  f"{before or 'off'} -> {now or 'off'}"))
        return costs

    def encode(self, encoder: Encoder) -> None:
        calendar = encoder.calendar
        first = max((self.first - calendar.dates[0]).days, 0)  # beyond the horizon: nothing to price
        for employee in encoder.scenario.employees:
            for day in range(first, calendar.days):
                price = self.price(calendar.dates[day])
                shift = self.published.get((employee.id, calendar.dates[day]))
                if shift is None:  # off in the published roster: any shift is a change
                    encoder.add_cost(CHANGES_TERM, [(price * c, lit) for c, lit in encoder.works_day(employee.id, day)])
                    continue
                # Working the published shift keeps it; anything else (off, or another shift) changes it.
                literal = encoder.works(employee.id, day, shift)
                encoder.add_cost(CHANGES_TERM, [] if literal is None else [(-price, literal)], constant=price)


def credit_lost_hours(scenario: Scenario, published: Roster) -> Scenario:
    """Hours a disruption takes away (an absence, a line down) are not owed afterwards.

    A person who loses published shifts keeps as contract minimum at most the hours still published for them:
    sick pay, or short-time work for a stopped line (FR activité partielle, DE Kurzarbeit), covers the rest.
    So nobody is called in on a day off only to make up hours the disruption took. And since an absence also
    lowers the pro-rata contract maximum, the hours still published for them stay allowed.
    """
    calendar = Calendar(scenario)
    kept: dict[str, int] = {}
    possible = still_possible(scenario, published)
    for a in possible:
        kept[a.employee] = kept.get(a.employee, 0) + calendar.occurrence(calendar.day_of[a.date], a.shift).worked
    lost = {a.employee for a in set(published.assignments) - set(possible.assignments) if a.date in calendar.day_of}
    if not lost:
        return scenario
    rule = ContractHours()
    employees = []
    for employee in scenario.employees:
        if employee.id in lost:
            low, high, _ = rule.bounds(employee, calendar.days, scenario.horizon.start)
            still = kept.get(employee.id, 0)
            update: dict[str, int] = {}
            if low is not None and still < low:
                update["min_minutes"] = still
            # An absence lowers the contract's pro-rata maximum; shifts already published after it stay allowed.
            if high is not None and still > high:
                update["max_minutes"] = still
            if update:
                employee = employee.model_copy(update={"contract": employee.contract.model_copy(update=update)})
        employees.append(employee)
    return scenario.replaced(employees=employees)


def still_possible(scenario: Scenario, published: Roster) -> Roster:
    """The published assignments the disrupted scenario still allows: nobody absent, every post still wanted."""
    calendar = Calendar(scenario)
    wanted = {(slot.day, slot.shift, slot.post) for slot in demand_slots(scenario)}
    kept = []
    for a in published:
        employee = scenario.employees_by_id.get(a.employee)
        day = calendar.day_of.get(a.date)
        if employee is None or day is None or employee.absent_on(a.date):
            continue
        if (day, a.shift, a.post) in wanted:
            kept.append(a)
    return Roster(kept)


@dataclass(frozen=True)
class Change:
    employee: str
    date: dt.date
    before: str | None  # shift code, None = off
    after: str | None

    @property
    def called_in(self) -> bool:
        """Someone who was off is now asked to work."""
        return self.before is None and self.after is not None


def roster_changes(before: Roster, after: Roster, first: dt.date, last: dt.date) -> list[Change]:
    """Every (person, day) in first..last whose shift differs (a different post on the same shift is no change)."""
    old = {(a.employee, a.date): a.shift for a in before if first <= a.date <= last}
    new = {(a.employee, a.date): a.shift for a in after if first <= a.date <= last}
    return [Change(employee, day, old.get((employee, day)), new.get((employee, day)))
            for employee, day in sorted(set(old) | set(new)) if old.get((employee, day)) != new.get((employee, day))]


def changes_csv(changes: list[Change]) -> str:
    lines = ["employee,date,before,after"]
    lines += [f"{c.employee},{c.date.isoformat()},{c.before or ''},{c.after or ''}" for c in changes]
    return "\n".join(lines) + "\n"


def summarise_changes(changes: list[Change], first: dt.date) -> str:
    """'14 people change 23 shifts; nobody is called in on a day off before Thursday'."""
    if not changes:
        return "nobody's roster changes"
    people = len({c.employee for c in changes})
    text = f"{people} {'person changes' if people == 1 else 'people change'} {len(changes)} " \
           f"{'shift' if len(changes) == 1 else 'shifts'}"
    called = sorted(c.date for c in changes if c.called_in)
    cancelled = sum(1 for c in changes if c.after is None)
    if cancelled:
        text += f" ({cancelled} cancelled)"
    if not called:
        return text + "; nobody is called in on a day off"
    earliest = called[0]
    if earliest == first:
        count = Counter(called)[first]
        return text + f"; {count} {'is' if count == 1 else 'are'} called in on a day off from {first} itself"
    when = WEEKDAYS_EN[earliest.weekday()] if (earliest - first).days < 7 else earliest.isoformat()
    return text + f"; nobody is called in on a day off before {when} ({len(called)} call-ins in all)"


@dataclass
class ReplanResult:
    scenario: Scenario
    result: SolveResult
    changes: list[Change]
    first: dt.date
    full: SolveResult | None = None
    full_changes: list[Change] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def roster(self) -> Roster | None:
        return self.result.roster


def neighbourhood(scenario: Scenario, published: Roster, kept: Roster, first: dt.date,
                  margin_days: int = 1) -> set[tuple[str, int]]:
    """The (employee, day) cells a re-plan may change; every other cell stays as published.

    Around each hole the disruption leaves (a post short, or a safety skill short, on some day), the people
    who could fill it are free from `margin_days` before to `margin_days` after that day, so a neighbour shift
    can move to respect rest and rotation; people who lost shifts (a line down) are free around those days too,
    so they can be moved where needed. Nothing before `first` is ever free.
    """
    calendar = Calendar(scenario)
    holes = check_roster(scenario, kept, rules=[Coverage(), SafetyMinimums()]).violations
    around: dict[str, set[int]] = {}

    def free(people: set[str], day: dt.date) -> None:
        centre = calendar.day_of[day]
        days = {d for d in range(centre - margin_days, centre + margin_days + 1)
                if 0 <= d < calendar.days and calendar.dates[d] >= first}
        for person in people:
            around.setdefault(person, set()).update(days)

    for hole in holes:
        if "post" in hole.details and hole.details.get("assigned", 0) < hole.details.get("required", 0):
            needs = set(scenario.post(hole.details["post"]).skills)
            free({e.id for e in scenario.employees if needs <= set(e.skills)}, hole.dates[0])
        elif "skill" in hole.details:
            free({e.id for e in scenario.employees if hole.details["skill"] in e.skills}, hole.dates[0])
    for lost in set(published.assignments) - set(kept.assignments):
        if lost.date >= first and lost.date in calendar.day_of:
            free({lost.employee}, lost.date)
    return {(person, day) for person, days in around.items() for day in days}


def repair(scenario: Scenario, kept: Roster, first: dt.date, rules: Sequence[Rule], lost: Roster) -> Roster:
    """Greedy first aid: fill each short slot from `first` on with someone free that day who breaks no hard rule.

    People who lost a shift that day (a line down) are asked first, so they move rather than someone being
    called in; then whoever has the most room under their contract hours. The result is a complete hint that
    CP-SAT improves (fewer changes, fewer shortfalls); it never reaches the checker without that search.
    """
    calendar = Calendar(scenario)
    personal = [r for r in rules if isinstance(r, PerEmployeeRule) and r.mode is RuleMode.HARD]
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in kept:
        mine[a.employee].append(a)
    moved = {(a.employee, a.date) for a in lost}
    hours = ContractHours()
    holes = [v for v in check_roster(scenario, kept, rules=[Coverage()]).violations
             if "required" in v.details and v.dates[0] >= first]
    holes.sort(key=lambda v: (v.dates[0], v.details["shift"], v.details["post"]))

    def room(employee: Employee) -> int:
        high = hours.bounds(employee, calendar.days, scenario.horizon.start)[1]
        worked = sum(calendar.occurrence(calendar.day_of[a.date], a.shift).worked for a in mine[employee.id])
        return (high if high is not None else 10**6) - worked

    for hole in holes:
        date, shift, post = hole.dates[0], hole.details["shift"], hole.details["post"]
        occurrence = calendar.occurrence(calendar.day_of[date], shift)
        needs = set(scenario.post(post).skills)
        candidates = [e for e in scenario.employees
                      if needs <= set(e.skills) and (e.night_eligible or not occurrence.is_night)
                      and not e.absent_on(date) and not any(a.date == date for a in mine[e.id])]
        candidates.sort(key=lambda e: ((e.id, date) not in moved, -room(e)))
        for _ in range(hole.details["required"] - hole.details["assigned"]):
            for employee in candidates:
                trial = [*mine[employee.id], Assignment(employee.id, date, shift, post)]
                timeline = Timeline(scenario, trial, calendar)
                if all(not rule.breaches(timeline, employee) for rule in personal):
                    mine[employee.id] = trial
                    candidates.remove(employee)
                    break
    return Roster(sorted(a for assignments in mine.values() for a in assignments))


def replan(
    scenario: Scenario,
    published: Roster,
    first: dt.date,
    options: SolveOptions | None = None,
    compare_full: bool = False,
    keep: KeepPublished | None = None,
    whole: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> ReplanResult:
    """Re-plan `scenario` (already disrupted) from `first`, keeping days before it and as much as possible after.

    Only the `neighbourhood` of the disruption may change unless `whole`. With `compare_full`, the same
    situation is also solved from scratch (past frozen, everything after free, no change price, no hint), so
    the two change counts can be compared.
    """
    began = time.monotonic()
    options = options or SolveOptions(time_limit=10.0)
    start = scenario.horizon.start
    if not start <= first <= scenario.horizon.end:
        raise ValueError(f"--from {first} is outside the horizon {start}..{scenario.horizon.end}")
    scenario = credit_lost_hours(scenario, published)
    frozen_days = set(range((first - start).days))
    past = [a for a in published if a.date < first]
    kept = still_possible(scenario, published)
    future = [a for a in kept if a.date >= first]
    keep = keep or KeepPublished(published, first)
    rules = [*build_rules(scenario), keep]
    calendar = Calendar(scenario)
    frozen_cells: set[tuple[str, int]] = set()
    notes = []
    if not whole:
        free = neighbourhood(scenario, published, kept, first)
        frozen_cells = {(e.id, d) for e in scenario.employees for d in range(len(frozen_days), calendar.days)} - free
        notes.append(f"{len({e for e, _ in free})} people may change, over "
                     f"{len({d for _, d in free})} days; everyone else keeps the published roster")
    # What is left of the published roster, greedily repaired, is a complete start (shortfalls priced).
    lost = Roster(sorted(set(published.assignments) - set(kept.assignments)))
    start_from = repair(scenario, kept, first, rules, lost)
    # The time limit covers the whole re-plan: preparation, and half a second to stop and read the roster back.
    left = max(options.time_limit - (time.monotonic() - began) - 0.5, 1.0)
    # Coverage is imposed as hard first: CP-SAT propagates it and closes the holes far faster than a priced
    # search (KOS, 10 s: 0 person-shifts short against 74, docs/benchmarks.md). Where the neighbourhood
    # cannot close them, the same solve falls back to pricing the shortfall.
    hinted = replace(options, time_limit=left, hint=start_from, hard_first=True, complete_hint=True,
                     frozen_days=frozen_days, frozen=Roster(past + future), frozen_cells=frozen_cells)
    if whole:
        result = solve(scenario, hinted, on_progress=on_progress, rules=rules, stop=stop)
    else:
        # The neighbourhood first. If it is proven unable to close every hole, and time is left, everyone may
        # change (hinted by the neighbourhood's roster); if it merely ran out of time, a wider model won't help.
        result = solve(scenario, hinted, on_progress=on_progress, rules=rules, stop=stop)
        left = options.time_limit - (time.monotonic() - began)
        if (result.status == "OPTIMAL" and result.terms.get(SHORTFALL_TERM, 0) and left >= 2.0
                and result.roster is not None):
            wider = replace(hinted, time_limit=left, hint=result.roster, frozen_cells=set())
            widened = solve(scenario, wider, on_progress=on_progress, rules=rules, stop=stop)
            if widened.roster is not None and (widened.objective or 0) < (result.objective or 0):
                notes.append("holes remained in the neighbourhood: everyone was then allowed to change")
                result = widened
    if result.roster is None and not result.interrupted:
        # Nothing better found in time: what is left of the published roster is itself a valid answer.
        result.roster = start_from
        result.note = "no better roster found in time: the published roster, less the lost shifts and " \
                      "greedily repaired, is kept"
        notes.append(result.note)
    changes = roster_changes(published, result.roster, first, scenario.horizon.end) if result.roster else []
    outcome = ReplanResult(scenario, result, changes, first, notes=notes)
    if compare_full:
        scratch = replace(options, hint=None, frozen_days=frozen_days, frozen=Roster(past), frozen_cells=set())
        full = solve(scenario, scratch, rules=build_rules(scenario), stop=stop)
        outcome.full = full
        if full.roster is not None:
            outcome.full_changes = roster_changes(published, full.roster, first, scenario.horizon.end)
    return outcome
