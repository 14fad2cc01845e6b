"""Working-time rules shared by the law packs; `fr.py` and `de.py` give them their numbers and references.

Every check reads real worked intervals (`Timeline`); every encoding enumerates the same intervals from
the calendar, so rest and hours are computed from shift clock times, never from a list of successions.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from collections.abc import Sequence
from typing import Any, ClassVar

from roulement.model.calendar import Calendar, Occurrence, Week
from roulement.model.roster import Timeline, WorkItem
from roulement.model.scenario import Employee, RuleMode, Scenario
from roulement.rules.base import Encoder, Literal, MinuteCap, PerEmployeeRule, Said, Terms, hours

DAY = 24 * 60


def _clip(occurrence: Occurrence, start: int, end: int) -> int:
    overlap = min(occurrence.end, end) - max(occurrence.start, start)
    if overlap <= 0:
        return 0
    span = occurrence.end - occurrence.start
    return overlap if span == occurrence.worked else round(overlap * occurrence.worked / span)


def _overlapping(encoder: Encoder, employee: str, start: int, end: int) -> list[tuple[Occurrence, Literal]]:
    """The employee's options whose interval meets [start, end); options are sorted by start."""
    options = encoder.shifts_of(employee)
    starts = encoder.cached(("starts", employee), lambda: [o.start for o, _ in options])
    # No shift lasts a day or more, so nothing starting a day before `start` can reach it.
    first = bisect.bisect_left(starts, start - DAY)
    last = bisect.bisect_left(starts, end)
    return [(o, lit) for o, lit in options[first:last] if o.end > start]


def _worked_terms(encoder: Encoder, employee: str, start: int, end: int) -> Terms:
    return [(minutes, lit) for o, lit in _overlapping(encoder, employee, start, end)
            if (minutes := _clip(o, start, end))]


def _upper_bound(terms: Terms) -> int:
    return sum(c for c, _ in terms if c > 0)


def _night_worker_literal(encoder: Encoder, employee: Employee, nights_per_week: int) -> Literal | None:
    """A literal that must hold when the person counts as a night worker, or None if they never can.

    Status follows the roster: `nights_per_week` night shifts in some calendar week (FR L3122-5: twice a
    week; DE §2(5): night work in rotating shifts, so once), or a declared status. Weeks cut by the horizon
    count too: two nights in the planned part of a week are two nights in that week.
    """

    def build() -> Literal | None:
        if employee.night_worker:
            return encoder.model.new_constant(1)
        night_literals = [(o, lit) for o, lit in encoder.shifts_of(employee.id) if o.is_night]
        if not night_literals:
            return None
        status = encoder.new_bool(f"night worker {employee.id}")
        for week in encoder.calendar.touched_weeks:
            in_week = [lit for o, lit in night_literals if o.day in week.days]
            if len(in_week) >= nights_per_week:
                encoder.model.add(sum(in_week) <= nights_per_week - 1 + 7 * status)
        return status

    return encoder.cached(("night-worker", employee.id, nights_per_week), build)


def is_night_worker(timeline: Timeline, employee: Employee, nights_per_week: int) -> bool:
    if employee.night_worker:
        return True
    items = timeline.by_employee.get(employee.id, [])
    return any(
        sum(1 for item in items if item.occurrence.is_night and item.day in week.days) >= nights_per_week
        for week in timeline.calendar.touched_weeks
    )


class DailyRest(PerEmployeeRule):
    """At least `min_hours` of uninterrupted rest between the end of one work period and the next."""

    id: ClassVar[str] = "daily-rest"
    title: ClassVar[str] = "Daily rest between two work periods"

    def __init__(self, rule_id: str, reference: str, min_hours: float = 11.0) -> None:
        self.id = rule_id  # type: ignore[misc]
        self.reference = reference
        self.min_hours = min_hours

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        items = timeline.by_employee.get(employee.id, [])
        found: list[tuple[int, str, list[dt.date]]] = []
        for before, after in itertools.pairwise(items):
            gap = after.start - before.end
            if gap < self.min_hours * 60:
                found.append((1, Said("short-rest", "rests {rest} between {before} on {before_date} and {after} on "
                                      "{after_date}, less than {least}", rest=hours(max(gap, 0)),
                                      before=before.shift, before_date=before.date, after=after.shift,
                                      after_date=after.date, least=hours(self.min_hours * 60)),
                              [before.date, after.date]))
        return found

    def encode(self, encoder: Encoder) -> None:
        need = round(self.min_hours * 60)
        for employee in encoder.scenario.employees:
            options = encoder.shifts_of(employee.id)
            # Options come in start order, so once one starts late enough every later one does too.
            for index, (first, first_lit) in enumerate(options):
                for second, second_lit in options[index + 1:]:
                    if second.start - first.end >= need:
                        break
                    if second.day != first.day:  # one shift a day is its own rule
                        encoder.forbid_all(self, [first_lit, second_lit], f"rest {employee.id} {first.day}")


CIVIL_DAY = "civil-day"
FROM_SHIFT_START = "from-shift-start"
WORK_PERIOD = "work-period"


def _joined(earlier: Occurrence, later: Occurrence, rest_minutes: int) -> bool:
    """True when `later` starts before a daily rest has followed `earlier`: both are one working period."""
    return earlier.start < later.start and later.start - earlier.end < rest_minutes


def _successors(predecessors: list[list[int]]) -> list[list[int]]:
    found: list[list[int]] = [[] for _ in predecessors]
    for index, joined in enumerate(predecessors):
        for earlier in joined:
            found[earlier].append(index)
    return found


class DailyMax(PerEmployeeRule):
    """At most `max_hours` of work a day.

    `window` says what a day is:
    - `work-period` (the French reading, L3121-18 and L3122-6): the work done between two daily rests. Shifts
      follow one another in one working period when the next starts less than `rest_hours` after the end of
      one before it; a single 18:00-06:00 shift is one period of 12 h, whatever the midnight it crosses.
    - `from-shift-start`: the 24 hours from the start of each shift (the German individual Werktag).
    - `civil-day`: 00:00 to 24:00, each shift counted on each day in proportion.

    A working period is judged at its last shift, on the heaviest chain of joined shifts leading to it (for
    shifts that never overlap, the period's whole work). The encoding states the same chains.
    """

    id: ClassVar[str] = "daily-max"

    def __init__(
        self, rule_id: str, reference: str, max_hours: float, window: str = WORK_PERIOD,
        night_workers_only: bool = False, nights_per_week: int = 2, rest_hours: float = 11.0,
    ) -> None:
        self.id = rule_id  # type: ignore[misc]
        self.reference = reference
        self.max_hours = max_hours
        self.window = window
        self.night_workers_only = night_workers_only
        self.nights_per_week = nights_per_week
        self.rest_hours = rest_hours

    def windows(
        self, calendar: Calendar, items: list[tuple[Occurrence, Literal]]
    ) -> list[tuple[int, int, int, Literal | None]]:
        """(start, end, day, anchor) of each day to judge; `items` are the person's shifts or options, and
        `anchor` is the shift a from-shift-start window hangs on (the window only counts if it is worked)."""
        if self.window == FROM_SHIFT_START:
            return [(o.start, o.start + DAY, o.day, literal) for o, literal in items]
        days = sorted({d for o, _ in items for d in (o.day, o.day + 1)})
        return [(calendar.local_midnight(d), calendar.local_midnight(d + 1), d, None) for d in days]

    def _predecessors(self, occurrences: Sequence[Occurrence]) -> list[list[int]]:
        """For each shift (in start order), the earlier ones it joins in a working period."""
        rest = round(self.rest_hours * 60)
        found: list[list[int]] = []
        for index, later in enumerate(occurrences):
            joined = []
            for earlier in range(index - 1, -1, -1):
                # No shift lasts a day, so one starting a day and a rest earlier has ended a rest ago.
                if occurrences[earlier].start <= later.start - DAY - rest:
                    break
                if _joined(occurrences[earlier], later, rest):
                    joined.append(earlier)
            found.append(joined[::-1])
        return found

    def _period_breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        items = timeline.by_employee.get(employee.id, [])
        occurrences = [item.occurrence for item in items]
        predecessors = self._predecessors(occurrences)
        heaviest: list[int] = []
        first: list[int] = []  # where the heaviest chain to each shift begins
        for index, occurrence in enumerate(occurrences):
            best = max(predecessors[index], key=lambda i: heaviest[i], default=None)
            heaviest.append(occurrence.worked + (heaviest[best] if best is not None else 0))
            first.append(first[best] if best is not None else index)
        joined_later = {p for preds in predecessors for p in preds}
        limit = self.max_hours * 60
        who = "as a night worker " if self.night_workers_only else ""
        found: list[tuple[int, str, list[dt.date]]] = []
        for index, worked in enumerate(heaviest):
            if index in joined_later or worked <= limit:
                continue
            begin, last = items[first[index]], items[index]
            night = "-night" if who else ""
            if first[index] == index:
                said = Said(f"period-over{night}", who + "works {worked} in the working period of {shift} on "
                            "{date} (no daily rest between), more than {most}", worked=hours(worked),
                            shift=begin.shift, date=begin.date, most=hours(limit))
            else:
                said = Said(f"periods-over{night}", who + "works {worked} in one working period from {shift} on "
                            "{date} to {last} on {last_date} (no daily rest between), more than {most}",
                            worked=hours(worked), shift=begin.shift, date=begin.date, last=last.shift,
                            last_date=last.date, most=hours(limit))
            dates = sorted({items[i].date for i in range(first[index], index + 1)})
            found.append((math.ceil((worked - limit) / 60), said, dates))
        return found

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        if self.night_workers_only and not is_night_worker(timeline, employee, self.nights_per_week):
            return []
        if self.window == WORK_PERIOD:
            return self._period_breaches(timeline, employee)
        found: list[tuple[int, str, list[dt.date]]] = []
        limit = self.max_hours * 60
        items = [(item.occurrence, None) for item in timeline.by_employee.get(employee.id, [])]
        for start, end, day, _ in self.windows(timeline.calendar, items):
            worked = timeline.worked_between(employee.id, start, end)
            if worked > limit:
                who = "as a night worker " if self.night_workers_only else ""
                date = timeline.calendar.dates[0] + dt.timedelta(days=day)
                span = "on" if self.window == CIVIL_DAY else "in the 24 h from the shift starting on"
                key = ("day-over" if self.window == CIVIL_DAY else "24h-over") + ("-night" if who else "")
                found.append((math.ceil((worked - limit) / 60),
                              Said(key, who + "works {worked} " + span + " {date}, more than {most}",
                                   worked=hours(worked), date=date, most=hours(limit)), [date]))
        return found

    def _encode_periods(self, encoder: Encoder, employee: Employee, guard: list[Literal]) -> None:
        options = encoder.shifts_of(employee.id)
        occurrences = [o for o, _ in options]
        predecessors = self._predecessors(occurrences)
        limit = round(self.max_hours * 60)
        heaviest: list[int] = []  # the most any chain ending at each option can weigh
        for index, occurrence in enumerate(occurrences):
            heaviest.append(occurrence.worked + max((heaviest[i] for i in predecessors[index]), default=0))
        if max(heaviest, default=0) <= limit:
            return
        if self.mode is RuleMode.HARD:
            # Forbid each chain of joined shifts that first goes over the limit: every heavier chain holds one.
            successors = _successors(predecessors)
            after: dict[int, list[Literal]] = {}  # pairs that go over, grouped by their later shift

            def extend(chain: list[int], weight: int) -> None:
                if weight > limit and len(chain) == 2:
                    after.setdefault(chain[1], []).append(options[chain[0]][1].Not())
                elif weight > limit:
                    encoder.forbid_all(self, [*(options[i][1] for i in chain), *guard],
                                       f"daily max {employee.id} {occurrences[chain[0]].day}")
                else:
                    for following in successors[chain[-1]]:
                        extend([*chain, following], weight + occurrences[following].worked)

            for index in range(len(options)):
                extend([index], occurrences[index].worked)
            for index, earlier_off in after.items():
                # One constraint per shift rather than one clause per pair: the model stays small.
                encoder.model.add_bool_and(earlier_off).only_enforce_if([options[index][1], *guard])
            return
        # Soft: the weight of the heaviest chain to each worked option, priced at the period's last shift.
        model = encoder.model
        successors = _successors(predecessors)
        weight: list[Any] = []
        for index, (occurrence, literal) in enumerate(options):
            if not predecessors[index]:
                weight.append(occurrence.worked)
                continue
            running = encoder.new_int(0, heaviest[index], f"period {employee.id} {index}")
            model.add(running >= occurrence.worked).only_enforce_if(literal)
            for p in predecessors[index]:
                model.add(running >= occurrence.worked + weight[p]).only_enforce_if([literal, options[p][1]])
            weight.append(running)
        for index, (_, literal) in enumerate(options):
            if heaviest[index] <= limit:
                continue
            last = literal
            if successors[index]:
                last = encoder.new_bool(f"period ends {employee.id} {index}")
                model.add_bool_or([literal.Not(), *(options[s][1] for s in successors[index]), last])
            excess = encoder.new_int(0, -(-(heaviest[index] - limit) // 60), f"excess {employee.id} {index}")
            model.add(weight[index] - 60 * excess <= limit).only_enforce_if([last, *guard])
            encoder.add_cost(self.id, [(self.weight, excess)])

    def encode(self, encoder: Encoder) -> None:
        limit = round(self.max_hours * 60)
        for employee in encoder.scenario.employees:
            guard: list[Literal] = []
            if self.night_workers_only:
                status = _night_worker_literal(encoder, employee, self.nights_per_week)
                if status is None:
                    continue
                guard = [status]
            if self.window == WORK_PERIOD:
                self._encode_periods(encoder, employee, guard)
                continue
            for start, end, day, anchor in self.windows(encoder.calendar, encoder.shifts_of(employee.id)):
                window = [(o, _clip(o, start, end), lit) for o, lit in _overlapping(encoder, employee.id, start, end)]
                # At most one shift starts per day, so each day adds at most its largest term.
                per_day: dict[int, int] = {}
                for other, minutes, _ in window:
                    per_day[other.day] = max(per_day.get(other.day, 0), minutes)
                if sum(per_day.values()) <= limit:
                    continue
                terms = [(minutes, lit) for _, minutes, lit in window if minutes]
                condition = [*guard] if anchor is None else [anchor, *guard]
                encoder.at_most(self, terms, limit, f"daily max {employee.id} {day}", only_if=condition,
                                unit=60)


class WeeklyMax(PerEmployeeRule):
    """At most `max_hours` of work in any calendar week, including weeks cut by the horizon's edges."""

    id: ClassVar[str] = "weekly-max"

    def __init__(self, rule_id: str, reference: str, max_hours: float) -> None:
        self.id = rule_id  # type: ignore[misc]
        self.reference = reference
        self.max_hours = max_hours

    def minute_cap(self, employee: Employee, scenario: Scenario, days: int) -> MinuteCap | None:
        return MinuteCap(self.max_hours * 60 * days / 7)

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        found: list[tuple[int, str, list[dt.date]]] = []
        limit = self.max_hours * 60
        for week in timeline.calendar.touched_weeks:
            worked = timeline.worked_between(employee.id, week.start, week.end)
            if worked > limit:
                monday = timeline.calendar.date(week.first_day)
                found.append((math.ceil((worked - limit) / 60),
                              Said("week-over", "works {worked} in the week of {date}, more than {most}",
                                   worked=hours(worked), date=monday, most=hours(limit)),
                              [monday]))
        return found

    def encode(self, encoder: Encoder) -> None:
        for employee in encoder.scenario.employees:
            for week in encoder.calendar.touched_weeks:
                terms = _worked_terms(encoder, employee.id, week.start, week.end)
                if _upper_bound(terms) > self.max_hours * 60:
                    encoder.at_most(self, terms, round(self.max_hours * 60),
                                    f"week {employee.id} {week.first_day}", unit=60)


class AverageWeeklyMax(PerEmployeeRule):
    """On average at most `max_hours` a week over `window_weeks` consecutive weeks.

    When the horizon holds fewer full weeks than the window, the average is taken over all full weeks of the
    horizon: stricter than the law, which may balance against weeks outside the plan, but never laxer.
    """

    id: ClassVar[str] = "weekly-average"

    def __init__(
        self, rule_id: str, reference: str, max_hours: float, window_weeks: int,
        night_workers_only: bool = False, nights_per_week: int = 2,
    ) -> None:
        self.id = rule_id  # type: ignore[misc]
        self.reference = reference
        self.max_hours = max_hours
        self.window_weeks = window_weeks
        self.night_workers_only = night_workers_only
        self.nights_per_week = nights_per_week

    def minute_cap(self, employee: Employee, scenario: Scenario, days: int) -> MinuteCap | None:
        return MinuteCap(self.max_hours * 60 * days / 7, averaged=True, night_workers_only=self.night_workers_only)

    def windows(self, calendar: Calendar) -> list[Sequence[Week]]:
        weeks = calendar.weeks
        size = min(self.window_weeks, len(weeks))
        if size == 0:
            return []
        return [weeks[i:i + size] for i in range(len(weeks) - size + 1)]

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        if self.night_workers_only and not is_night_worker(timeline, employee, self.nights_per_week):
            return []
        found: list[tuple[int, str, list[dt.date]]] = []
        for window in self.windows(timeline.calendar):
            worked = timeline.worked_between(employee.id, window[0].start, window[-1].end)
            limit = self.max_hours * 60 * len(window)
            if worked > limit:
                first = timeline.calendar.dates[window[0].first_day]
                found.append((math.ceil((worked - limit) / 60),
                              Said("average-over", "averages {average} a week over the {weeks} weeks from {date}, "
                                   "more than {most}", average=hours(worked / len(window)), weeks=len(window),
                                   date=first, most=hours(self.max_hours * 60)), [first]))
        return found

    def encode(self, encoder: Encoder) -> None:
        for employee in encoder.scenario.employees:
            guard: list[Literal] = []
            if self.night_workers_only:
                status = _night_worker_literal(encoder, employee, self.nights_per_week)
                if status is None:
                    continue
                guard = [status]
            for window in self.windows(encoder.calendar):
                terms = _worked_terms(encoder, employee.id, window[0].start, window[-1].end)
                limit = round(self.max_hours * 60 * len(window))
                if _upper_bound(terms) > limit:
                    encoder.at_most(self, terms, limit, f"average {employee.id} {window[0].first_day}",
                                    only_if=guard, unit=60)


class MaxDaysPerWeek(PerEmployeeRule):
    """At most `max_days` days (on which a shift starts) in any calendar week."""

    id: ClassVar[str] = "max-days-per-week"

    def __init__(self, rule_id: str, reference: str, max_days: int = 6) -> None:
        self.id = rule_id  # type: ignore[misc]
        self.reference = reference
        self.max_days = max_days

    def minute_cap(self, employee: Employee, scenario: Scenario, days: int) -> MinuteCap | None:
        # Every day worked at the longest shift: an upper bound on the minutes.
        return MinuteCap(self.max_days * days / 7 * max(s.duration_minutes for s in scenario.shifts))

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        worked = timeline.days_worked(employee.id)
        found: list[tuple[int, str, list[dt.date]]] = []
        for week in timeline.calendar.weeks:
            count = len(worked & set(week.days))
            if count > self.max_days:
                monday = timeline.calendar.dates[week.first_day]
                found.append((count - self.max_days,
                              Said("days-over", "works {count} days in the week of {date}, more than {most}",
                                   count=count, date=monday, most=self.max_days), [monday]))
        return found

    def encode(self, encoder: Encoder) -> None:
        for employee in encoder.scenario.employees:
            for week in encoder.calendar.weeks:
                terms = [t for day in week.days for t in encoder.works_day(employee.id, day)]
                if len(terms) > self.max_days:
                    encoder.at_most(self, terms, self.max_days, f"days/week {employee.id} {week.first_day}")


class WeeklyRest(PerEmployeeRule):
    """Each calendar week holds a rest of `min_hours` in one piece, at least `min_in_week_hours` of it in the week.

    Reading chosen (FR L3132-2): the 24 h weekly rest belongs to its week and is joined to the 11 h daily rest,
    so a 35 h gap is needed with 24 h or more of it inside the week. Time outside the horizon counts as free,
    as nothing is known of it.

    The week is the civil week, Monday 00:00 to Sunday 24:00 (FR L3121-35, the law's default).
    `week_start_hours` sets another period of seven consecutive days, as an agreement may (FR L3121-32), e.g.
    5 for a week from Monday 05:00 in a plant whose crews change at 05:00 (docs/rotation.md).
    """

    id: ClassVar[str] = "weekly-rest"

    def __init__(self, rule_id: str, reference: str, min_hours: float = 35.0, min_in_week_hours: float = 24.0,
                 week_start_hours: float = 0.0) -> None:
        self.id = rule_id  # type: ignore[misc]
        self.reference = reference
        self.min_hours = min_hours
        self.min_in_week_hours = min_in_week_hours
        self.week_start_hours = week_start_hours

    def _bounds(self, week: Week) -> tuple[int, int]:
        shift = round(self.week_start_hours * 60)
        return week.start + shift, week.end + shift

    def _longest_rest(self, items: list[WorkItem], week: Week) -> int:
        """Longest rest that lies at least min_in_week inside the week, measured as (rest length)."""
        edges = [-10**9] + [m for item in items for m in (item.start, item.end)] + [10**9]
        best = 0
        week_start, week_end = self._bounds(week)
        for gap_start, gap_end in zip(edges[::2], edges[1::2], strict=True):
            inside = min(gap_end, week_end) - max(gap_start, week_start)
            if gap_end > gap_start and inside >= self.min_in_week_hours * 60:
                best = max(best, min(gap_end - gap_start, 10**6))
        return best

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        items = timeline.by_employee.get(employee.id, [])
        found: list[tuple[int, str, list[dt.date]]] = []
        for week in timeline.calendar.weeks:
            longest = self._longest_rest(items, week)
            if longest < self.min_hours * 60:
                monday = timeline.calendar.dates[week.first_day]
                found.append((1, Said("no-weekly-rest", "has no rest of {least} in the week of {date} (longest "
                                      "qualifying: {longest})", least=hours(self.min_hours * 60), date=monday,
                                      longest=hours(longest)), [monday]))
        return found

    def encode(self, encoder: Encoder) -> None:
        length = round(self.min_hours * 60)
        inside = round(self.min_in_week_hours * 60)
        for employee in encoder.scenario.employees:
            ends = sorted({o.end for o, _ in encoder.shifts_of(employee.id)})
            for week in encoder.calendar.weeks:
                # A qualifying rest can always be slid back to start at a shift's end or at the earliest
                # point that keeps `inside` minutes in the week: those are the only candidates needed.
                week_start, week_end = self._bounds(week)
                earliest, latest = week_start - (length - inside), week_end - inside
                starts = sorted({earliest, *(e for e in ends if earliest <= e <= latest)})
                candidates = [
                    frozenset(lit.Index() for _, lit in _overlapping(encoder, employee.id, start, start + length))
                    for start in starts
                ]
                if any(not blocking for blocking in candidates):
                    continue  # some candidate can never be blocked: the rest is certain
                # A candidate blocked by a superset of another's shifts is never the only way out.
                minimal = [c for c in set(candidates) if not any(other < c for other in candidates)]
                literals = {lit.Index(): lit for o, lit in encoder.shifts_of(employee.id)}
                choices = []
                for blocking in minimal:
                    free = encoder.new_bool(f"rest {employee.id} {week.first_day}")
                    for index in blocking:
                        encoder.model.add_implication(free, literals[index].Not())
                    choices.append((1, free))
                encoder.at_least(self, choices, 1, f"weekly rest {employee.id} {week.first_day}")


class ShiftBreaks(PerEmployeeRule):
    """Shifts longer than a threshold must include a break of a given length (checked on the shift type)."""

    id: ClassVar[str] = "breaks"

    def __init__(self, rule_id: str, reference: str, thresholds: list[list[float]]) -> None:
        self.id = rule_id  # type: ignore[misc]
        self.reference = reference
        # [[more_than_hours, break_minutes], ...]; FR: from 6 h, 20 min; DE: over 6 h 30 min, over 9 h 45 min.
        self.thresholds = thresholds

    def required_break(self, worked_minutes: int) -> int:
        return max((int(b) for h, b in self.thresholds if worked_minutes >= h * 60), default=0)

    def _short(self, occurrence: Occurrence, scenario_shift_break: int) -> int:
        return self.required_break(occurrence.end - occurrence.start) - scenario_shift_break

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        found: list[tuple[int, str, list[dt.date]]] = []
        for item in timeline.by_employee.get(employee.id, []):
            shift = timeline.scenario.shift(item.shift)
            missing = self._short(item.occurrence, shift.break_minutes)
            if missing > 0:
                found.append((missing, Said("break-short", "works {shift} on {date} with a {pause} min break, "
                                            "{missing} min short of the legal break", shift=item.shift,
                                            date=item.date, pause=shift.break_minutes, missing=missing),
                              [item.date]))
        return found

    def encode(self, encoder: Encoder) -> None:
        for employee in encoder.scenario.employees:
            for occurrence, literal in encoder.shifts_of(employee.id):
                missing = self._short(occurrence, encoder.scenario.shift(occurrence.shift).break_minutes)
                if missing > 0:
                    encoder.at_most(self, [(missing, literal)], 0, f"break {employee.id} {occurrence.day}")


class FreeSundays(PerEmployeeRule):
    """At least `per_year` Sundays free of work a year, pro rata over the horizon's Sundays (rounded up).

    A Sunday is free when no work touches [Sunday 00:00 + offset, Monday 00:00 + offset); DE ArbZG §9(2) lets
    multi-shift plants move that window by up to 6 hours.
    """

    id: ClassVar[str] = "free-sundays"

    def __init__(self, rule_id: str, reference: str, per_year: int = 15, offset_hours: float = 0.0) -> None:
        self.id = rule_id  # type: ignore[misc]
        self.reference = reference
        self.per_year = per_year
        self.offset_hours = offset_hours

    def required(self, calendar: Calendar) -> int:
        return math.ceil(self.per_year * len(calendar.sundays) / 52 - 1e-9)

    def window(self, calendar: Calendar, sunday: int) -> tuple[int, int]:
        offset = round(self.offset_hours * 60)
        return calendar.local_midnight(sunday) + offset, calendar.local_midnight(sunday + 1) + offset

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        calendar = timeline.calendar
        items = timeline.by_employee.get(employee.id, [])
        free = 0
        for sunday in calendar.sundays:
            start, end = self.window(calendar, sunday)
            if not any(item.start < end and item.end > start for item in items):
                free += 1
        need = self.required(calendar)
        if free < need:
            dates = [calendar.dates[s] for s in calendar.sundays]
            sundays = "free Sunday" if free == 1 else "free Sundays"
            return [(need - free, Said("free-sundays", "has {free} " + sundays + " of the {need} due over the "
                                       "horizon ({per_year} a year, pro rata)", free=free, need=need,
                                       per_year=self.per_year), dates)]
        return []

    def encode(self, encoder: Encoder) -> None:
        calendar = encoder.calendar
        need = self.required(calendar)
        if need == 0:
            return
        for employee in encoder.scenario.employees:
            options = encoder.shifts_of(employee.id)
            worked_sundays = []
            for sunday in calendar.sundays:
                start, end = self.window(calendar, sunday)
                touching = [lit for o, lit in options if o.start < end and o.end > start]
                if not touching:
                    continue
                worked = encoder.new_bool(f"sunday {employee.id} {sunday}")
                for literal in touching:
                    encoder.model.add_implication(literal, worked)
                worked_sundays.append((1, worked))
            allowed = len(calendar.sundays) - need
            if len(worked_sundays) > allowed:
                encoder.at_most(self, worked_sundays, allowed, f"sundays {employee.id}")


class SubstituteRestDays(PerEmployeeRule):
    """Each Sunday worked earns its own substitute rest day, a weekday (Monday to Saturday, not a public
    holiday) with no work at all, within `window_days` that include the Sunday; each weekday public holiday
    worked earns one within `holiday_window_days` (DE ArbZG §11(3): two weeks, eight weeks).

    A day counts as worked when any work touches it (00:00 to 24:00, §9(1); `offset_hours` moves that window
    as §9(2) allows multi-shift plants, like `FreeSundays`). A window reaching outside the horizon is not
    judged: its day may lie beyond the roster. The check matches days earned to free days greedily, earliest
    window end first; the encoding states the same matching with one choice per day earned and day free."""

    id: ClassVar[str] = "substitute-rest-days"
    title: ClassVar[str] = "Substitute rest day for Sunday and holiday work"

    def __init__(self, rule_id: str, reference: str, window_days: int = 14, holiday_window_days: int = 56,
                 offset_hours: float = 0.0) -> None:
        self.id = rule_id  # type: ignore[misc]
        self.reference = reference
        self.window_days = window_days
        self.holiday_window_days = holiday_window_days
        self.offset_hours = offset_hours

    def span(self, calendar: Calendar, day: int, earning: bool) -> tuple[int, int]:
        offset = round(self.offset_hours * 60) if earning else 0
        return calendar.local_midnight(day) + offset, calendar.local_midnight(day + 1) + offset

    def windows(self, calendar: Calendar) -> list[tuple[int, int, list[int]]]:
        """(day earning a substitute, its window in days, the days that may serve it), earliest window end
        first, for earning days whose whole window lies inside the horizon."""
        holidays = calendar.scenario.public_holidays
        earning = [(d, self.window_days) for d in calendar.sundays]
        earning += [(d, self.holiday_window_days) for d, date in enumerate(calendar.dates)
                    if date in holidays and date.weekday() < 6]
        found = []
        for day, window in earning:
            reach = window - 1
            if day - reach < 0 or day + reach > calendar.days - 1:
                continue
            found.append((day, window, [d for d in range(day - reach, day + reach + 1)
                                        if calendar.dates[d].weekday() < 6 and calendar.dates[d] not in holidays]))
        return sorted(found, key=lambda found_day: found_day[0] + found_day[1])

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        calendar = timeline.calendar
        items = timeline.by_employee.get(employee.id, [])

        def touched(day: int, earning: bool = False) -> bool:
            start, end = self.span(calendar, day, earning)
            return any(item.start < end and item.end > start for item in items)

        used: set[int] = set()
        found: list[tuple[int, str, list[dt.date]]] = []
        for day, window, days in self.windows(calendar):
            if not touched(day, earning=True):
                continue
            free = next((d for d in days if d not in used and not touched(d)), None)
            if free is None:
                sunday = calendar.dates[day].weekday() == 6
                what = "Sunday" if sunday else "the public holiday"
                found.append((1, Said("no-substitute-sunday" if sunday else "no-substitute-holiday",
                                      "works " + what + " {date} with no substitute rest day within {window} days",
                                      date=calendar.dates[day], window=window), [calendar.dates[day]]))
            else:
                used.add(free)
        return found

    def encode(self, encoder: Encoder) -> None:
        calendar = encoder.calendar
        windows = self.windows(calendar)
        if not windows:
            return
        for employee in encoder.scenario.employees:
            def touching(day: int, earning: bool = False, who: str = employee.id) -> list[Literal]:
                start, end = self.span(calendar, day, earning)
                return [lit for _, lit in _overlapping(encoder, who, start, end)]

            serving: dict[int, list[Literal]] = {}
            for earned, _, days in windows:
                on_day = touching(earned, earning=True)
                if not on_day:
                    continue
                worked = encoder.new_bool(f"worked {employee.id} {earned}")
                for literal in on_day:
                    encoder.model.add_implication(literal, worked)
                choices: list[tuple[int, Literal]] = []
                for day in days:
                    # This day serves this Sunday or holiday only if nothing is worked on it.
                    choice = encoder.new_bool(f"substitute {employee.id} {earned} {day}")
                    for literal in touching(day):
                        encoder.model.add_implication(choice, literal.Not())
                    serving.setdefault(day, []).append(choice)
                    choices.append((1, choice))
                encoder.at_least(self, [*choices, (1, worked.Not())], 1, f"substitute {employee.id} {earned}")
            for choices_of_day in serving.values():
                if len(choices_of_day) > 1:
                    encoder.model.add(sum(choices_of_day) <= 1)  # one free day serves one Sunday or holiday
