"""Rules every plan obeys whatever the law: one shift a day, skills, absences, coverage, safety, requests."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from typing import ClassVar

from ortools.sat.python import cp_model

from roulement.model.calendar import Occurrence
from roulement.model.demand import demand_slots
from roulement.model.roster import Timeline
from roulement.model.scenario import Employee, Post, RequestKind, RuleMode, SafetyMinimum
from roulement.rules.base import Cost, Encoder, Literal, Rule, Said, Scope, Terms, Violation

SHORTFALL_TERM = "coverage_shortfall"


class OneShiftPerDay(Rule):
    id: ClassVar[str] = "core.one-shift-per-day"
    title: ClassVar[str] = "At most one shift per person per day"
    reference = "roulement model"
    # The solver's structure relies on it.
    modes: ClassVar[frozenset[RuleMode]] = frozenset({RuleMode.HARD})

    def check(self, timeline: Timeline) -> list[Violation]:
        seen: dict[tuple[str, dt.date], str] = {}
        found = []
        for item in timeline.items:
            key = (item.employee, item.date)
            if key in seen:
                found.append(
                    self.violation(
                        Said("two-shifts", "works two shifts starting on {date}: {first} and {second}", date=item.date,
                             first=seen[key], second=item.shift),
                        item.employee,
                        [item.date],
                    )
                )
            seen[key] = item.shift
        return found

    def encode(self, encoder: Encoder) -> None:
        for employee in encoder.scenario.employees:
            for day in range(encoder.calendar.days):
                encoder.at_most(self, encoder.works_day(employee.id, day), 1, f"one shift {employee.id} {day}")


class Qualification(Rule):
    id: ClassVar[str] = "core.qualification"
    title: ClassVar[str] = "Each post is held by someone with every skill it needs"
    reference = "plant post requirements"
    # The solver makes no variable for an unqualified holder.
    modes: ClassVar[frozenset[RuleMode]] = frozenset({RuleMode.HARD})

    def check(self, timeline: Timeline) -> list[Violation]:
        found = []
        for item in timeline.items:
            post = timeline.scenario.post(item.post)
            missing = set(post.skills) - set(timeline.scenario.employee(item.employee).skills)
            if missing:
                found.append(
                    self.violation(
                        Said("missing-skill", "holds post {post} on {date} without skill {skills}", post=post.id,
                             date=item.date, skills=", ".join(sorted(missing))),
                        item.employee,
                        [item.date],
                        missing=sorted(missing),
                    )
                )
        return found

    def permits(self, employee: Employee, occurrence: Occurrence, post: Post) -> bool:
        return set(post.skills) <= set(employee.skills)

    def encode(self, encoder: Encoder) -> None:
        """Enforced by `permits`: the solver makes no variable for an unqualified holder."""


class Absences(Rule):
    id: ClassVar[str] = "core.absence"
    title: ClassVar[str] = "Nobody works during a declared absence"
    reference = "employee absences"
    # An absent person is not there to be priced.
    modes: ClassVar[frozenset[RuleMode]] = frozenset({RuleMode.HARD, RuleMode.OFF})

    def __init__(self) -> None:
        self._dates: dict[str, tuple[int, set[dt.date]]] = {}

    def _absent_dates(self, employee: Employee) -> set[dt.date]:
        # Asked once per possible assignment: a set per person beats scanning the absences each time.
        known = self._dates.get(employee.id)
        if known is None or known[0] != id(employee):
            dates = {a.start + dt.timedelta(days=k) for a in employee.absences
                     for k in range((a.end - a.start).days + 1)}
            known = self._dates[employee.id] = (id(employee), dates)
        return known[1]

    def _blocked(self, employee: Employee, occurrence: Occurrence) -> bool:
        if not employee.absences:
            return False
        if occurrence.date in self._absent_dates(employee):
            return True
        for absence in employee.absences:
            if absence.strict:
                # Exact reading: the work interval may not touch the absent days at all.
                first = dt.datetime.combine(absence.start, dt.time(0))
                last = dt.datetime.combine(absence.end + dt.timedelta(days=1), dt.time(0))
                if occurrence.start_local < last and occurrence.end_local > first:
                    return True
        return False

    def check(self, timeline: Timeline) -> list[Violation]:
        return [
            self.violation(Said("works-while-absent", "works {shift} on {date} while absent", shift=item.shift,
                                date=item.date), item.employee, [item.date])
            for item in timeline.items
            if self._blocked(timeline.scenario.employee(item.employee), item.occurrence)
        ]

    def permits(self, employee: Employee, occurrence: Occurrence, post: Post) -> bool:
        return not self._blocked(employee, occurrence)

    def encode(self, encoder: Encoder) -> None:
        """Enforced by `permits`."""


class NightEligibility(Rule):
    id: ClassVar[str] = "core.night-eligibility"
    title: ClassVar[str] = "Only people fit for night work work nights"
    reference = "medical fitness for night work (FR L3122-11, DE ArbZG §6(3)); family day-post priority"
    # Fitness for night work is not for sale.
    modes: ClassVar[frozenset[RuleMode]] = frozenset({RuleMode.HARD, RuleMode.OFF})

    def check(self, timeline: Timeline) -> list[Violation]:
        return [
            self.violation(Said("night-not-eligible",
                                "works the night shift {shift} on {date} but is not night-eligible",
                                shift=item.shift, date=item.date),
                           item.employee, [item.date])
            for item in timeline.items
            if item.occurrence.is_night and not timeline.scenario.employee(item.employee).night_eligible
        ]

    def permits(self, employee: Employee, occurrence: Occurrence, post: Post) -> bool:
        return employee.night_eligible or not occurrence.is_night

    def encode(self, encoder: Encoder) -> None:
        """Enforced by `permits`."""


class Coverage(Rule):
    """Every post gets at least its minimum (hard) and is steered to its preferred level (soft)."""

    id: ClassVar[str] = "core.coverage"
    title: ClassVar[str] = "Every post is staffed to its demand"
    reference = "plant demand"

    def breaches(self, timeline: Timeline) -> list[tuple[int, Violation]]:
        """(people short or over, violation) for every slot outside its min..max."""
        found = []
        dates = timeline.calendar.dates
        for slot in demand_slots(timeline.scenario):
            day, shift, post, low, high = slot.day, slot.shift, slot.post, slot.min, slot.max
            count = len(timeline.by_slot.get((day, shift, post), []))
            if count < low:
                found.append((low - count, self.violation(
                    Said("post-short",
                         "post {post} on shift {shift} of {date} has {assigned} of the {required} people it needs",
                         post=post, shift=shift, date=dates[day], assigned=count, required=low),
                    None, [dates[day]], post=post, shift=shift, required=low, assigned=count)))
            if high is not None and count > high:
                found.append((count - high, self.violation(
                    Said("post-over", "post {post} on shift {shift} of {date} has {assigned} people, more than its "
                         "maximum {maximum}", post=post, shift=shift, date=dates[day], assigned=count, maximum=high),
                    None, [dates[day]], post=post, shift=shift, maximum=high, assigned=count)))
        return found

    def check(self, timeline: Timeline) -> list[Violation]:
        if self.mode is not RuleMode.HARD:
            return []
        return [violation for _, violation in self.breaches(timeline)]

    def cost(self, timeline: Timeline) -> list[Cost]:
        costs = []
        if self.mode is RuleMode.SOFT:  # min and max priced per person, as `encode` does when soft
            costs += [self.soft_cost(amount, None, v.dates, v.message)
                      for amount, v in self.breaches(timeline)]
        dates = timeline.calendar.dates
        demanded = set()
        for slot in demand_slots(timeline.scenario):
            demanded.add((slot.day, slot.shift, slot.post))
            count = len(timeline.by_slot.get((slot.day, slot.shift, slot.post), []))
            note = f"{slot.post} {slot.shift}: {count}/{slot.preferred}"
            if count < slot.preferred and slot.under_weight:
                costs.append(Cost("coverage_under", slot.under_weight * (slot.preferred - count), None,
                                  (dates[slot.day],), note))
            if count > slot.preferred and slot.over_weight:
                costs.append(Cost("coverage_over", slot.over_weight * (count - slot.preferred), None,
                                  (dates[slot.day],), note))
        for (day, shift, post), items in timeline.by_slot.items():
            if (day, shift, post) not in demanded and 0 <= day < timeline.calendar.days:
                costs.append(Cost("coverage_over", len(items), None, (items[0].date,),
                                  f"{post} {shift}: no demand"))
        return costs

    def encode(self, encoder: Encoder) -> None:
        for slot in demand_slots(encoder.scenario):
            holders = encoder.post_holders(slot.day, slot.shift, slot.post)
            label = f"cover {slot.post} {slot.shift} {slot.day}"
            scope = Scope(post=slot.post, shift=slot.shift, day=slot.day)
            if slot.min > 0:
                encoder.at_least(self, holders, slot.min, label, shortfall_term=SHORTFALL_TERM, scope=scope)
            if slot.max is not None and len(holders) > slot.max:
                encoder.at_most(self, holders, slot.max, label, scope=scope)
            staffed = cp_model.LinearExpr.weighted_sum([lit for _, lit in holders], [c for c, _ in holders])
            ceiling = len(holders) if slot.max is None else min(slot.max, len(holders))
            if slot.under_weight and slot.preferred > 0:
                under = encoder.new_int(0, slot.preferred, f"under {label}")
                encoder.model.add(staffed + under >= slot.preferred)
                encoder.add_cost("coverage_under", [(slot.under_weight, under)])
            if slot.over_weight and ceiling > slot.preferred:
                over = encoder.new_int(0, ceiling - slot.preferred, f"over {label}")
                encoder.model.add(staffed - over <= slot.preferred)
                encoder.add_cost("coverage_over", [(slot.over_weight, over)])


class SafetyMinimums(Rule):
    """At every moment a shift runs, enough people holding a safety skill are on site.

    Time is cut into segments at every shift start and end; a person counts for a segment if their shift
    covers all of it, whatever their post. `shifts` on a minimum limits it to the hours of those shift types.
    """

    id: ClassVar[str] = "core.safety-minimum"
    title: ClassVar[str] = "Safety-critical skills are on site at all times"
    reference = "site safety study (Seveso SMS / POI)"

    def segments(self, source: Timeline | Encoder) -> list[tuple[SafetyMinimum, int, int, list[Occurrence]]]:
        """(minimum, start, end, occurrences covering the segment) for every judged segment."""
        scenario, calendar = source.scenario, source.calendar
        every = [calendar.occurrence(day, shift.id) for day in range(calendar.days) for shift in scenario.shifts]
        every.sort(key=lambda o: o.start)
        cuts = sorted({m for o in every for m in (o.start, o.end)})
        result = []
        for minimum in scenario.safety_minimums:
            judged = [o for o in every if minimum.shifts is None or o.shift in minimum.shifts]
            seen: set[tuple[tuple[int, str], ...]] = set()
            for start, end in itertools.pairwise(cuts):
                if not any(o.start <= start and o.end >= end for o in judged):
                    continue
                covering = [o for o in every if o.start <= start and o.end >= end]
                key = tuple((o.day, o.shift) for o in covering)
                if key not in seen:  # identical crews need judging once
                    seen.add(key)
                    result.append((minimum, start, end, covering))
        return result

    def breaches(self, timeline: Timeline) -> list[tuple[int, Violation]]:
        """(people missing, violation) for every segment below its minimum."""
        found = []
        scenario = timeline.scenario
        # Holders of each minimum's skill on each shift, counted once: a large site has a minimum per workshop,
        # and counting every shift's workers again for each one grows with the square of the site.
        judged = {minimum.skill for minimum in scenario.safety_minimums}
        holders: Counter[tuple[int, str, str]] = Counter()
        for (day, shift), items in timeline.by_shift.items():
            for item in items:
                for skill in judged.intersection(scenario.employee(item.employee).skills):
                    holders[(day, shift, skill)] += 1
        for minimum, start, end, covering in self.segments(timeline):
            present = sum(holders[(o.day, o.shift, minimum.skill)] for o in covering)
            if present < minimum.min:
                first = covering[0]
                begin = first.start_local + dt.timedelta(minutes=start - first.start)
                finish = first.start_local + dt.timedelta(minutes=end - first.start)
                found.append((minimum.min - present, self.violation(
                    Said("safety-short", "from {begin} to {finish}, {present} "
                         + ("person with skill {skill} is" if present == 1 else "people with skill {skill} are")
                         + " on site; the safety minimum {minimum} asks {required}",
                         begin=f"{begin:%Y-%m-%d %H:%M}",
                         finish=f"{finish:%H:%M}", present=present, skill=minimum.skill, minimum=minimum.id,
                         required=minimum.min),
                    None, [begin.date()], skill=minimum.skill, required=minimum.min, present=present)))
        return found

    def check(self, timeline: Timeline) -> list[Violation]:
        if self.mode is not RuleMode.HARD:
            return []
        return [violation for _, violation in self.breaches(timeline)]

    def cost(self, timeline: Timeline) -> list[Cost]:
        if self.mode is not RuleMode.SOFT:
            return []
        return [self.soft_cost(amount, None, v.dates, v.message) for amount, v in self.breaches(timeline)]

    def encode(self, encoder: Encoder) -> None:
        for minimum, start, _, covering in self.segments(encoder):
            terms = [(1, lit) for o in covering for employee, lit in encoder.shift_workers(o.day, o.shift)
                     if minimum.skill in encoder.scenario.employee(employee).skills]
            encoder.at_least(self, terms, minimum.min, f"safety {minimum.id} {start}",
                             shortfall_term=SHORTFALL_TERM, scope=Scope(item=minimum.id))


class Requests(Rule):
    """Wishes priced by their weight: a day off, a day on, a shift wanted or not wanted."""

    id: ClassVar[str] = "core.requests"
    title: ClassVar[str] = "Employees' requests are honoured where possible"
    reference = "employee requests"
    # A wish is priced, never imposed.
    modes: ClassVar[frozenset[RuleMode]] = frozenset({RuleMode.SOFT, RuleMode.OFF})
    mode = RuleMode.SOFT

    def check(self, timeline: Timeline) -> list[Violation]:
        return []

    def refused(self, timeline: Timeline) -> list[tuple[str, int, str, dt.date]]:
        """(employee, weight, kind, date) for each request the roster does not grant."""
        worked: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
        for item in timeline.items:
            worked[(item.employee, item.date)].add(item.shift)
        refused = []
        for employee in timeline.scenario.employees:
            for request in employee.requests:
                shifts = worked.get((employee.id, request.date), set())
                granted = {
                    RequestKind.DAY_OFF: not shifts,
                    RequestKind.DAY_ON: bool(shifts),
                    RequestKind.SHIFT_ON: request.shift in shifts,
                    RequestKind.SHIFT_OFF: request.shift not in shifts,
                }[request.kind]
                if not granted:
                    refused.append((employee.id, request.weight, request.kind.value, request.date))
        return refused

    def cost(self, timeline: Timeline) -> list[Cost]:
        if self.mode is RuleMode.OFF:
            return []
        return [Cost("requests", weight * self.weight, employee, (date,), f"{kind} refused")
                for employee, weight, kind, date in self.refused(timeline)]

    def encode(self, encoder: Encoder) -> None:
        if self.mode is RuleMode.OFF:
            return
        calendar = encoder.calendar
        for employee in encoder.scenario.employees:
            for request in employee.requests:
                day = calendar.day_of[request.date]
                weight = request.weight * self.weight
                if request.kind in (RequestKind.DAY_OFF, RequestKind.DAY_ON):
                    terms: Terms = encoder.works_day(employee.id, day)
                    if request.kind is RequestKind.DAY_OFF:
                        encoder.add_cost("requests", [(weight * c, lit) for c, lit in terms])
                    else:
                        encoder.add_cost("requests", [(-weight * c, lit) for c, lit in terms], constant=weight)
                    continue
                assert request.shift is not None
                literal: Literal | None = encoder.works(employee.id, day, request.shift)
                if request.kind is RequestKind.SHIFT_OFF:
                    if literal is not None:
                        encoder.add_cost("requests", [(weight, literal)])
                elif literal is None:
                    encoder.add_cost("requests", [], constant=weight)
                else:
                    encoder.add_cost("requests", [(-weight, literal)], constant=weight)
