"""The people pack: households (childcare cover, shared days off), the legal day-post priority, fair shares.

Household facts are declarations the employees made for the roster (docs/people.md); every rule here reads
them from the scenario and judges real worked intervals, like every other rule.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from roulement.model.calendar import Calendar, Occurrence
from roulement.model.roster import Timeline
from roulement.model.scenario import (
    Childcare,
    ClockWindow,
    Employee,
    Household,
    Post,
    RuleMode,
    Scenario,
)
from roulement.rules.base import Cost, Encoder, Literal, PerEmployeeRule, Rule, Said, Scope, Violation, hours

Interval = tuple[int, int]


# --- childcare ------------------------------------------------------------------------------------------
def _window_intervals(calendar: Calendar, window: ClockWindow, first_day: int, last_day: int) -> list[Interval]:
    """Real-minute intervals of a clock window on the days first_day..last_day (indexes, may lie outside)."""
    found = []
    for day in range(first_day, last_day + 1):
        date = calendar.scenario.horizon.start + dt.timedelta(days=day)
        if not window.applies_to(date):
            continue
        past_midnight = (window.end.hour, window.end.minute) <= (window.start.hour, window.start.minute)
        end_date = date + dt.timedelta(days=1) if past_midnight else date
        found.append((calendar.minute(dt.datetime.combine(date, window.start)),
                      calendar.minute(dt.datetime.combine(end_date, window.end))))
    return found


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


def _subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    result = []
    for start, end in intervals:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor or hole_start >= end:
                continue
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
        if cursor < end:
            result.append((cursor, end))
    return result


# Gaps depend only on the calendar and the declaration; planners ask for them thousands of times a plan.
_GAPS: weakref.WeakKeyDictionary[Calendar, dict[int, tuple[Childcare, list[Interval]]]] = weakref.WeakKeyDictionary()


def childcare_gaps(calendar: Calendar, childcare: Childcare) -> list[Interval]:
    """The times inside the horizon a child needs a member of the household: windows no caregiver covers.
    The list is shared between callers: read it, never change it."""
    known = _GAPS.setdefault(calendar, {})
    entry = known.get(id(childcare))
    if entry is None or entry[0] is not childcare:
        entry = known[id(childcare)] = (childcare, _childcare_gaps(calendar, childcare))
    return entry[1]


def _childcare_gaps(calendar: Calendar, childcare: Childcare) -> list[Interval]:
    days = calendar.days
    windows = _union([i for w in childcare.windows for i in _window_intervals(calendar, w, -1, days)])
    covered = _union([i for c in childcare.caregivers for w in c.available
                      for i in _window_intervals(calendar, w, -1, days)])
    horizon = (0, calendar.local_midnight(days))
    return [(max(s, horizon[0]), min(e, horizon[1])) for s, e in _subtract(windows, covered)
            if e > horizon[0] and s < horizon[1]]


def _busy(occurrence: Occurrence, commute: int) -> Interval:
    return occurrence.start - commute, occurrence.end + commute


@dataclass(frozen=True)
class ChildcareClash:
    """Every member busy at once (work plus commute) for `minutes` of an uncovered childcare gap."""

    household: Household
    occurrences: tuple[Occurrence, ...]
    minutes: int
    gap: Interval


def childcare_clashes(
    calendar: Calendar, household: Household, shifts_of: Mapping[str, Sequence[Occurrence]]
) -> list[ChildcareClash]:
    """Each combination of one shift per member that leaves a gap without anyone free.

    A member's busy intervals never overlap one another (rest between shifts is longer than two commutes),
    so the uncovered minutes of a roster are exactly the sum over the clashes it contains.
    """
    childcare = household.childcare
    if childcare is None:
        return []
    commute = childcare.commute_minutes
    clashes = []
    for gap in childcare_gaps(calendar, childcare):
        candidates = []
        for member in household.members:
            near = [o for o in shifts_of.get(member, []) if _overlap(_busy(o, commute), gap) > 0]
            if not near:
                break
            candidates.append(near)
        else:
            for combo in itertools.product(*candidates):
                start = max([gap[0], *(_busy(o, commute)[0] for o in combo)])
                end = min([gap[1], *(_busy(o, commute)[1] for o in combo)])
                if end > start:
                    clashes.append(ChildcareClash(household, combo, end - start, gap))
    return clashes


def _overlap(first: Interval, second: Interval) -> int:
    return max(0, min(first[1], second[1]) - max(first[0], second[0]))


class ChildcareCover(Rule):
    """During every childcare window no caregiver covers, at least one member of the household is free:
    not at work and not commuting. Hard where declared hard; a household may declare it soft (priced)."""

    id: ClassVar[str] = "people.childcare-cover"
    title: ClassVar[str] = "Childcare windows covered by a member of the household"
    reference = "FR L3122-12, L3122-15 5° (family obligations); DE ArbZG §6(4)(b); declared by the household"

    def _hard(self, household: Household) -> bool:
        assert household.childcare is not None
        return self.mode is RuleMode.HARD and household.childcare.mode == "hard"

    def _price(self, clash: ChildcareClash) -> int:
        assert clash.household.childcare is not None
        return math.ceil(clash.minutes * clash.household.childcare.weight * self.weight / 60)

    def leaves_uncovered(self, calendar: Calendar, household: Household,
                         shifts_of: Mapping[str, Sequence[Occurrence]]) -> bool:
        """Whether these shifts of the household's members leave one of its hard windows with nobody free."""
        return (household.childcare is not None and self._hard(household)
                and bool(childcare_clashes(calendar, household, shifts_of)))

    def clashes(self, timeline: Timeline) -> list[ChildcareClash]:
        days = timeline.calendar.days
        shifts = {e: [item.occurrence for item in items if 0 <= item.day < days]
                  for e, items in timeline.by_employee.items()}
        return [clash for household in timeline.scenario.households
                for clash in childcare_clashes(timeline.calendar, household, shifts)]

    def check(self, timeline: Timeline) -> list[Violation]:
        return [
            self.violation(Said("childcare-uncovered", "household {household}: nobody is free for {uncovered} of a "
                                "childcare window from {start}", household=clash.household.id,
                                uncovered=hours(clash.minutes), start=_local(timeline.calendar, clash.gap[0])),
                           None, sorted({o.date for o in clash.occurrences}),
                           household=clash.household.id, minutes=clash.minutes)
            for clash in self.clashes(timeline) if self._hard(clash.household)
        ]

    def cost(self, timeline: Timeline) -> list[Cost]:
        if self.mode is RuleMode.OFF:
            return []
        return [Cost(self.id, self._price(clash), None, tuple(sorted({o.date for o in clash.occurrences})),
                     f"household {clash.household.id}: {hours(clash.minutes)} of childcare uncovered")
                for clash in self.clashes(timeline) if not self._hard(clash.household)]

    def encode(self, encoder: Encoder) -> None:
        if self.mode is RuleMode.OFF:
            return
        for household in encoder.scenario.households:
            if household.childcare is None:
                continue
            # Occurrences are shift-and-day facts, equal for two people: key them by member too.
            literals = {(member, o): lit for member in household.members for o, lit in encoder.shifts_of(member)}
            shifts = {member: [o for o, _ in encoder.shifts_of(member)] for member in household.members}
            for clash in childcare_clashes(encoder.calendar, household, shifts):
                together = [literals[(m, o)] for m, o in zip(household.members, clash.occurrences, strict=True)]
                encoder.breach_when_all(self, together, f"childcare {household.id} {clash.occurrences[0].start}",
                                        self._price(clash), hard=self._hard(household),
                                        scope=Scope(item=household.id))


def _local(calendar: Calendar, minute: int) -> str:
    moment = calendar.dates[0]
    origin = dt.datetime.combine(moment, dt.time(0), calendar.zone).astimezone(dt.UTC)
    return (origin + dt.timedelta(minutes=minute)).astimezone(calendar.zone).strftime("%Y-%m-%d %H:%M")


# --- shared days off ------------------------------------------------------------------------------------
def judged_days(scenario: Scenario, household: Household, days: int) -> list[int]:
    """Days a household's togetherness is judged on: none of its members is absent."""
    start = scenario.horizon.start
    members = [scenario.employee(m) for m in household.members if scenario.has_employee(m)]
    return [d for d in range(days) if not any(e.absent_on(start + dt.timedelta(days=d)) for e in members)]


class SharedDaysOff(Rule):
    """Members who asked for it have their days off on the same days: each judged day on which one of a pair
    is off and the other works costs the household's weight. A day off is a day no shift starts."""

    id: ClassVar[str] = "people.shared-days-off"
    title: ClassVar[str] = "Days off together"
    reference = "household wish (FR L3122-15 5°: reconciling work and family life)"
    mode = RuleMode.SOFT

    def apart(self, timeline: Timeline, household: Household) -> list[tuple[str, str, int]]:
        """(member, member, day) for each judged day on which a pair is apart."""
        worked = {m: timeline.days_worked(m) for m in household.members}
        return [(a, b, day) for day in judged_days(timeline.scenario, household, timeline.calendar.days)
                for a, b in itertools.combinations(household.members, 2)
                if (day in worked[a]) != (day in worked[b])]

    def check(self, timeline: Timeline) -> list[Violation]:
        if self.mode is not RuleMode.HARD:
            return []
        return [self.violation(Said("not-off-together", "household {household}: {first} and {second} are not off "
                                    "together on {date}", household=h.id, first=a, second=b,
                                    date=timeline.calendar.dates[day]), None, [timeline.calendar.dates[day]],
                               household=h.id)
                for h in timeline.scenario.households if h.shared_days_off is not None
                for a, b, day in self.apart(timeline, h)]

    def cost(self, timeline: Timeline) -> list[Cost]:
        if self.mode is not RuleMode.SOFT:
            return []
        return [Cost(self.id, h.shared_days_off.weight * self.weight, None, (timeline.calendar.dates[day],),
                     f"household {h.id}: one member off, the other at work")
                for h in timeline.scenario.households if h.shared_days_off is not None
                for _, _, day in self.apart(timeline, h)]

    def encode(self, encoder: Encoder) -> None:
        for household in encoder.scenario.households:
            if household.shared_days_off is None:
                continue
            for day in judged_days(encoder.scenario, household, encoder.calendar.days):
                for a, b in itertools.combinations(household.members, 2):
                    apart = encoder.apart(a, b, day)  # exact, so the solver's price is the checker's
                    if apart is None:
                        continue
                    encoder.breach_when_all(self, [apart], f"apart {household.id} {a} {b} {day}",
                                            household.shared_days_off.weight * self.weight,
                                            scope=Scope(item=household.id))


# --- the legal day-post priority ------------------------------------------------------------------------
class DayPostPriority(PerEmployeeRule):
    """A declared priority for a day post keeps the person off night shifts."""

    id: ClassVar[str] = "people.day-post-priority"
    title: ClassVar[str] = "Day-post priority (no nights)"
    reference = "DE ArbZG §6(4); FR L3122-12 (obligations familiales impérieuses)"

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        if employee.day_post_priority is None:
            return []
        return [(1, Said("night-despite-priority", "works the night shift {shift} on {date} despite a declared "
                          "day-post priority", shift=item.shift, date=item.date),
                 [item.date])
                for item in timeline.by_employee.get(employee.id, []) if item.occurrence.is_night]

    def permits(self, employee: Employee, occurrence: Occurrence, post: Post) -> bool:
        return self.mode is not RuleMode.HARD or employee.day_post_priority is None or not occurrence.is_night

    def encode(self, encoder: Encoder) -> None:
        if self.mode is not RuleMode.SOFT:
            return  # hard: `permits` makes no night variable at all
        for employee in encoder.scenario.employees:
            if employee.day_post_priority is not None:
                encoder.add_cost(self.id, [(self.weight, lit) for o, lit in encoder.shifts_of(employee.id)
                                           if o.is_night])


# --- fair shares ----------------------------------------------------------------------------------------
CATEGORIES = ("nights", "sundays", "weekend_days", "public_holidays")


def counts_toward(category: str, occurrence: Occurrence, holidays: frozenset[dt.date] = frozenset()) -> bool:
    """Whether a shift counts toward a category; a shift belongs to the day it starts on."""
    if category == "nights":
        return occurrence.is_night
    if category == "sundays":
        return occurrence.date.weekday() == 6
    if category == "public_holidays":
        return occurrence.date in holidays
    return occurrence.date.weekday() >= 5


def night_free_by_declaration(scenario: Scenario, employee: Employee) -> bool:
    """Declared off nights: a day-post priority, or a single parent's childcare cover (hard, or soft: a wish
    the roster honours where it can, so the parent's few nights are not held against their peers' shares)."""
    if employee.day_post_priority is not None or not employee.night_eligible:
        return True
    household = scenario.household_of(employee.id)
    return household is not None and len(household.members) == 1 and household.childcare is not None


def availability(scenario: Scenario, employee: Employee) -> int:
    """Contract weight of a person over the horizon: quarter-hours a week times days not absent."""
    if scenario.employees_by_id.get(employee.id) is employee:
        present = scenario.days_present[employee.id]
    else:  # a person from elsewhere (an edited copy): counted afresh
        present = sum(1 for date in scenario.horizon.dates() if not employee.absent_on(date))
    return round(employee.contract.weekly_hours * 4) * present


def group_weights(scenario: Scenario, people: Sequence[Employee]) -> dict[str, int]:
    """Each person's contract weight, divided by the group's common factor: same shares, small coefficients
    (a group of equal full-timers gets weight 1 each), which keeps the solver's linear rows well scaled."""
    weights = {e.id: availability(scenario, e) for e in people}
    common = math.gcd(*weights.values())
    return {e: w // common for e, w in weights.items()}


def work_pattern(scenario: Scenario, employee: Employee) -> str | None:
    """How a person's shifts are drawn on a plant with a crew cycle: the crews' cycle, the relief pool, or
    outside the cycle (day posts); None without a rotation."""
    rotation = scenario.rotation
    if rotation is None:
        return None
    if employee.crew is not None and employee.crew in {c.id for c in rotation.crews}:
        return "crews"
    if rotation.relief_pool is not None and employee.crew == rotation.relief_pool.id:
        return "relief pool"
    return "outside the cycle"


def peer_groups(scenario: Scenario, calendar: Calendar, category: str,
                by_pattern: bool = True) -> dict[tuple[str, ...], list[Employee]]:
    """People who can stand in for one another on this category's shifts: the same posts open to them and,
    on a plant with a crew cycle, the same work pattern (`work_pattern`).

    Fair shares are compared within a group; comparing a line operator with a lab technician would ask the
    roster to move nights the demand does not have. Likewise a crew member's nights are set by the cycle all
    crews share, a day-post mechanic works none by placement: the placement (`rotation assign`) decides that
    difference, the roster cannot. `by_pattern=False` gives the groups across patterns, for reports that show
    the gap placement makes."""
    from roulement.model.demand import demand_slots

    posts_in_category: set[str] = set()
    for slot in demand_slots(scenario):
        if counts_toward(category, calendar.occurrence(slot.day, slot.shift), scenario.public_holidays):
            posts_in_category.add(slot.post)
    groups: dict[tuple[str, ...], list[Employee]] = {}
    for employee in scenario.employees:
        if category == "nights" and night_free_by_declaration(scenario, employee):
            continue
        key = tuple(sorted(p.id for p in scenario.eligible_posts(employee) if p.id in posts_in_category))
        pattern = work_pattern(scenario, employee) if by_pattern else None
        if key and availability(scenario, employee) > 0:
            groups.setdefault(key if pattern is None else (pattern, *key), []).append(employee)
    return {key: people for key, people in groups.items() if len(people) >= 2}


def deviation_tenths(count: int, weight: int, group_count: int, group_weight: int) -> int:
    """How far a count lies from its fair share (group total pro rata contract), in tenths, rounded up."""
    return math.ceil(10 * abs(group_weight * count - weight * group_count) / group_weight)


def load_tenths(count: int, weight: int, group_weight: int, members: int) -> int:
    """A person's load pro rata their contract: their count as a group member of average weight would carry
    it, in tenths of a shift, rounded up."""
    return math.ceil(10 * group_weight * count / (members * weight))


class FairShare(Rule):
    """Nights, Sundays, weekend days and public holidays spread in proportion to contract hours (and days
    present) among the people who can stand in for one another (a peer group).

    Soft (the default): the heaviest pro-rata load in each group is priced per tenth of a shift. With the
    group's total set by the demand, lowering the heaviest load is spreading the burden evenly, and adding a
    shift never lowers it, so fairness never buys over-staffing. Hard: nobody is a whole shift or more away
    from a fair share of what the group worked."""

    id: ClassVar[str] = "people.fair-share"
    title: ClassVar[str] = "Fair share of nights, Sundays, weekend days and public holidays"
    reference = "ArbZG §6(1), BAuA guidance; FR L3122-15 (night agreement measures); equal treatment"
    mode = RuleMode.SOFT
    weight = 3

    def __init__(self, categories: list[str] | None = None) -> None:
        self.categories = categories if categories is not None else list(CATEGORIES)

    def groups(self, timeline: Timeline) -> list[tuple[str, tuple[str, ...], dict[str, int], dict[str, int]]]:
        """(category, group, counts, weights) per peer group."""
        found = []
        for category in self.categories:
            for key, people in peer_groups(timeline.scenario, timeline.calendar, category).items():
                counts = {e.id: sum(1 for item in timeline.by_employee.get(e.id, [])
                                    if 0 <= item.day < timeline.calendar.days
                                    and counts_toward(category, item.occurrence, timeline.scenario.public_holidays))
                          for e in people}
                found.append((category, key, counts, group_weights(timeline.scenario, people)))
        return found

    def check(self, timeline: Timeline) -> list[Violation]:
        if self.mode is not RuleMode.HARD:
            return []
        found = []
        for category, key, counts, weights in self.groups(timeline):
            total, group_weight = sum(counts.values()), sum(weights.values())
            for employee, count in counts.items():
                tenths = deviation_tenths(count, weights[employee], total, group_weight)
                if tenths >= 10:
                    found.append(self.violation(Said(f"fair-share-{category}", category + ": {count}, {distance} "
                                                     "from a fair share among {posts} (allowed below 1)", count=count,
                                                     distance=tenths / 10, posts=", ".join(key)), employee, [],
                                                category=category))
        return found

    def cost(self, timeline: Timeline) -> list[Cost]:
        if self.mode is not RuleMode.SOFT:
            return []
        costs = []
        for category, key, counts, weights in self.groups(timeline):
            group_weight = sum(weights.values())
            heaviest = max(load_tenths(counts[e], weights[e], group_weight, len(counts)) for e in counts)
            if heaviest:
                costs.append(Cost(self.id, heaviest * self.weight, None, (),
                                  f"{category} among {', '.join(key)}: heaviest pro-rata load {heaviest / 10:g}"))
        return costs

    def encode(self, encoder: Encoder) -> None:
        for category in self.categories:
            for key, people in peer_groups(encoder.scenario, encoder.calendar, category).items():
                self._encode_group(encoder, category, key, people)

    def _encode_group(self, encoder: Encoder, category: str, key: tuple[str, ...], people: list[Employee]) -> None:
        label = f"{category} {'+'.join(key)}"
        counts: dict[str, Any] = {}
        for employee in people:
            literals: list[Literal] = [lit for o, lit in encoder.shifts_of(employee.id)
                                       if counts_toward(category, o, encoder.scenario.public_holidays)]
            count = encoder.new_int(0, len(literals), f"{category} {employee.id}")
            encoder.model.add(count == sum(literals))
            counts[employee.id] = count
        weights = group_weights(encoder.scenario, people)
        group_weight = sum(weights.values())
        if self.mode is RuleMode.HARD:
            total = encoder.new_int(0, sum(encoder.calendar.days for _ in people), f"{label} total")
            encoder.model.add(total == sum(counts.values()))
            for employee in people:
                gap = group_weight * counts[employee.id] - weights[employee.id] * total
                encoder.model.add(10 * gap <= 9 * group_weight)
                encoder.model.add(-10 * gap <= 9 * group_weight)
            return
        ceiling = max(load_tenths(encoder.calendar.days, weights[e.id], group_weight, len(people)) for e in people)
        heaviest = encoder.new_int(0, ceiling, f"{label} heaviest")
        for employee in people:
            # heaviest >= 10 * W * count / (n * w), kept in integers.
            encoder.model.add(len(people) * weights[employee.id] * heaviest
                              >= 10 * group_weight * counts[employee.id])
        encoder.add_cost(self.id, [(self.weight, heaviest)])


def people_rules() -> list[Rule]:
    return [ChildcareCover(), SharedDaysOff(), DayPostPriority(), FairShare()]
