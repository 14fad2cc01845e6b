"""Design a crew cycle for a scenario: crew demand from the posts the crews staff, every rule in force turned
into the cycle model's terms, the best cycle found, and its year judged before it is offered.

Successions are never listed by hand: each (shift, days off, shift) is placed on every date of a year and
judged by the pairwise rules in force (daily rest, daily maximum, rest after a night block, next-day
successions), on the real calendar, so a clock change or an 11 h rest decides as it does for any roster.
A succession that breaks a hard rule on some date is refused on that weekday; a soft one is priced.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from roulement.analyse.rotation import YearJudgement, judge_year, year_rules, year_scenario
from roulement.model.calendar import Calendar
from roulement.model.roster import Assignment, Timeline
from roulement.model.rotation import OFF, Crew, Rotation
from roulement.model.scenario import Employee, Jurisdiction, RuleMode, Scenario, ShiftType
from roulement.rules.base import Rule, Said
from roulement.rules.plant import MaxConsecutiveNights, NextDayPairs, RestAfterNightBlock
from roulement.rules.working_time import DailyMax, DailyRest, WeeklyRest
from roulement.rules.year import ContinuousCycleAverage
from roulement.solve.rotation import (
    CycleProblem,
    CycleResult,
    ShiftSpec,
    Status,
    WeeklyRestSpec,
    Weights,
    solve_cycle,
)

PAIRWISE = (DailyRest, DailyMax, RestAfterNightBlock, NextDayPairs)
MAX_WORK_DAYS = 6  # at most 6 working days in a row (plant rule; FR L3132-1 allows 6 a week)
MAX_OFF_DAYS = 5
MAX_GAP_DAYS = 3  # successions are judged with up to this many days off between two shifts
DST_MARGIN = 60  # minutes kept in hand on weekly rests: a clock change shortens one rest a year by an hour
WEIGHTS = Weights(free_weekend=1000, off_block_too_short=30, work_block_too_long=20, work_block_too_short=30)
SOFT_SUCCESSION = 300  # below a free weekend, above block comfort: the order of quality
YEAR_CHECK_RESERVE = 5.0  # seconds kept for judging the cycle's year


class DesignError(ValueError):
    """The scenario cannot give a cycle design (no continuous shift, nothing for crews to staff)."""


@dataclass
class CrewPlan:
    """What the crews staff, and how many people each crew needs on each shift and weekday."""

    shifts: list[ShiftType]
    posts: list[str]
    demand: dict[str, tuple[int, ...]]  # shift -> 0/1 per weekday: does a crew work it
    people: dict[str, tuple[int, ...]]  # shift -> people a crew needs per weekday
    extra_shifts: list[ShiftType] = field(default_factory=list)  # shifts the design adds (12 h)

    @property
    def crew_size(self) -> int:
        return max((max(v) for v in self.people.values()), default=0)


@dataclass
class DesignOption:
    crews: int
    shift_length: int
    plan: CrewPlan
    average_hours: float
    refused: Said | None = None  # why this option is not offered (its words: `finding:design-*` entries)
    result: CycleResult | None = None
    rotation: Rotation | None = None
    judgement: YearJudgement | None = None
    attempts: int = 0

    @property
    def offered(self) -> bool:
        return self.refused is None and self.rotation is not None and self.judgement is not None \
            and not self.judgement.violations

    @property
    def people_needed(self) -> int:
        return self.crews * self.plan.crew_size


def _continuous_shifts(scenario: Scenario) -> list[ShiftType]:
    """Shift types demanded on every weekday: the ones a 24/7 crew cycle covers."""
    dates = scenario.horizon.dates()[:7] if scenario.horizon.days >= 7 else scenario.horizon.dates()
    found = []
    for shift in scenario.shifts:
        if all(any(d.applies_to(day) and shift.id in d.shifts and d.min > 0 for d in scenario.demand)
               for day in dates):
            found.append(shift)
    return sorted(found, key=lambda s: (s.start.hour, s.start.minute))


def crew_plan(scenario: Scenario, shift_length: int | None = None) -> CrewPlan:
    shifts = _continuous_shifts(scenario)
    rotation_posts = scenario.rotation.posts if scenario.rotation is not None else None
    if rotation_posts:
        posts = list(rotation_posts)
    else:
        ids = {s.id for s in shifts}
        posts = [p.id for p in scenario.posts if any(d.post == p.id and ids & set(d.shifts) for d in scenario.demand)]
    if not shifts or not posts:
        raise DesignError("no shift type is demanded on every day of the week: nothing for a 24/7 crew cycle")
    week = [scenario.horizon.start + dt.timedelta(days=k) for k in range(7)]
    week.sort(key=lambda day: day.weekday())
    people = {}
    for shift in shifts:
        people[shift.id] = tuple(
            sum(d.preferred_level for d in scenario.demand
                if d.post in posts and shift.id in d.shifts and d.applies_to(day))
            for day in week
        )
    extra: list[ShiftType] = []
    if shift_length is not None and any(s.duration_minutes != shift_length * 60 for s in shifts):
        shifts, people, extra = _regroup(shifts, people, shift_length)
    demand = {sid: tuple(1 if v else 0 for v in row) for sid, row in people.items()}
    return CrewPlan(shifts, posts, demand, people, extra)


def _regroup(shifts: list[ShiftType], people: dict[str, tuple[int, ...]], length: int
             ) -> tuple[list[ShiftType], dict[str, tuple[int, ...]], list[ShiftType]]:
    """The same 24 hours cut into shifts of `length` hours from the first shift's start; a crew on a long shift
    needs the most people any of the short shifts it covers needed."""
    first = shifts[0]
    count = 24 // length
    made = []
    for index in range(count):
        minutes = first.start.hour * 60 + first.start.minute + index * length * 60
        start = dt.time((minutes // 60) % 24, minutes % 60)
        end_minutes = minutes + length * 60
        end = dt.time((end_minutes // 60) % 24, end_minutes % 60)
        made.append(ShiftType(id=f"{'JN'[index] if count == 2 else 'S' + str(index + 1)}{length}",
                              name=f"{length} h", start=start, end=end, break_minutes=first.break_minutes,
                              break_paid=first.break_paid))
    regrouped = {}
    for long_shift in made:
        begins = long_shift.start.hour * 60 + long_shift.start.minute
        covered = [s for s in shifts
                   if ((s.start.hour * 60 + s.start.minute - begins) % (24 * 60)) < length * 60]
        regrouped[long_shift.id] = tuple(max((people[s.id][w] for s in covered), default=0) for w in range(7))
    return made, regrouped, made


def _placeholder(scenario: Scenario, plan: CrewPlan, crews: int) -> Rotation:
    return Rotation(anchor=_anchor(scenario), cycle=[[OFF] * 7 for _ in range(crews)],
                    crews=[Crew(id="X", start_week=1)])


def _anchor(scenario: Scenario) -> dt.date:
    if scenario.rotation is not None:
        return scenario.rotation.anchor
    start = scenario.horizon.start
    return start - dt.timedelta(days=start.weekday())


def _with_shifts(scenario: Scenario, plan: CrewPlan) -> Scenario:
    if not plan.extra_shifts:
        return scenario
    return scenario.replaced(shifts=[*scenario.shifts, *plan.extra_shifts])


def _successions(year: Scenario, rules: list[Rule], shifts: list[str], night: bool
                 ) -> tuple[set[tuple[str, int, str, int]], dict[tuple[str, int, str, int], int]]:
    """(a, k, c, weekday of c) refused by a hard pairwise rule on some date of the year, and the soft prices."""
    pairwise = [r for r in rules if isinstance(r, PAIRWISE) and r.mode is not RuleMode.OFF]
    calendar = Calendar(year)
    dates = year.horizon.dates()
    # Durations differ from one week to the next only around a clock change: judge each pair starting on
    # the first four weeks' dates and on every date near a change, one person per starting date.
    changes = [d for d in range(len(dates) - 1)
               if calendar.local_midnight(d + 1) - calendar.local_midnight(d) != 24 * 60]
    firsts = sorted({*range(min(28, len(dates))),
                     *(d for change in changes for d in range(change - MAX_GAP_DAYS - 2, change + 2))})
    firsts = [d for d in firsts if 0 <= d < len(dates) - MAX_GAP_DAYS - 1]
    people = [Employee(id=f"X{first}", crew="X", night_worker=night) for first in firsts]
    scenario = year.replaced(employees=people)
    calendar = Calendar(scenario)
    forbidden: set[tuple[str, int, str, int]] = set()
    priced: dict[tuple[str, int, str, int], int] = defaultdict(int)
    for a in shifts:
        for k in range(MAX_GAP_DAYS + 1):
            for c in shifts:
                roster = [assignment for first in firsts for assignment in (
                    Assignment(f"X{first}", dates[first], a, "cycle"),
                    Assignment(f"X{first}", dates[first + k + 1], c, "cycle"))]
                timeline = Timeline(scenario, roster, calendar)
                for rule in pairwise:
                    if rule.mode is RuleMode.HARD:
                        for violation in rule.check(timeline):
                            forbidden.add((a, k, c, _weekday_of_second(violation.employee, k, dates)))
                    elif rule.mode is RuleMode.SOFT:
                        for cost in rule.cost(timeline):
                            key = (a, k, c, _weekday_of_second(cost.employee, k, dates))
                            priced[key] = max(priced[key], SOFT_SUCCESSION)
    return forbidden, dict(priced)


def _weekday_of_second(person: str | None, days_off: int, dates: list[dt.date]) -> int:
    """The weekday of the second shift of the pair of person X<first date>."""
    first = int((person or "X0").removeprefix("X"))
    return dates[first + days_off + 1].weekday()


def _shifts_breaking_rules_alone(year: Scenario, plan: CrewPlan) -> Said | None:
    """Why a shift of the plan cannot be worked even once (a 12 h night under an 8 h night maximum), if so."""
    rules = [r for r in year_rules(year) if isinstance(r, PAIRWISE) and r.mode is RuleMode.HARD]
    scenario = year.replaced(employees=[Employee(id="X", crew="X", night_worker=True)])
    for shift in plan.shifts:
        timeline = Timeline(scenario, [Assignment("X", scenario.horizon.start + dt.timedelta(days=14), shift.id,
                                                  "cycle")])
        for rule in rules:
            broken = rule.check(timeline)
            if broken:
                return Said("design-shift-alone", "a single {shift} shift breaks {rule} ({reference}): {first}",
                            shift=shift.id, rule=rule.id, reference=rule.reference, first=broken[0].message)
    return None


def cycle_problem(scenario: Scenario, plan: CrewPlan, crews: int) -> CycleProblem:
    """The cycle model's terms for `crews` crews covering the plan, read from the rules in force."""
    base = _with_shifts(scenario, plan)
    year = year_scenario(base, _placeholder(base, plan, crews))
    rules = year_rules(year)
    calendar = Calendar(year)
    ids = [s.id for s in plan.shifts]
    is_night = {sid: calendar.occurrence(0, sid).is_night for sid in ids}
    max_nights = 7
    for rule in rules:
        if isinstance(rule, MaxConsecutiveNights) and rule.mode is RuleMode.HARD:
            max_nights = min(max_nights, rule.max_nights)
    forbidden, priced = _successions(year, rules, ids, any(is_night.values()))
    weekly = None
    for rule in rules:
        if isinstance(rule, WeeklyRest) and rule.mode is RuleMode.HARD:
            weekly = WeeklyRestSpec(round(rule.min_hours * 60) + DST_MARGIN,
                                    round(rule.min_in_week_hours * 60) + DST_MARGIN,
                                    round(rule.week_start_hours * 60))
    specs = []
    for shift in plan.shifts:
        specs.append(ShiftSpec(shift.id, shift.start.hour * 60 + shift.start.minute, shift.duration_minutes,
                               1, max_nights if is_night[shift.id] else 7, is_night[shift.id],
                               shift.duration_minutes - (0 if shift.break_paid else shift.break_minutes)))
    return CycleProblem(
        weeks=crews, shifts=tuple(specs), demand=plan.demand, work_block=(1, MAX_WORK_DAYS),
        off_block=(1, MAX_OFF_DAYS), forbidden=frozenset(forbidden), weekly_rest=weekly, weights=WEIGHTS,
        priced=priced, name=f"{crews} crews",
    )


def average_hours(plan: CrewPlan, crews: int) -> float:
    """Average hours per calendar week of a crew: all crews share the cover, whatever the cycle. The year
    check judges L3132-15 per worked week, which is never lower."""
    minutes = sum(sum(row) * _worked(s) for s, row in zip(plan.shifts, plan.demand.values(), strict=True))
    return minutes / 60 / crews


def _worked(shift: ShiftType) -> int:
    return shift.duration_minutes - (0 if shift.break_paid else shift.break_minutes)


def crew_name(jurisdiction: Jurisdiction, crew_id: str) -> str:
    return f"Équipe {crew_id}" if jurisdiction is Jurisdiction.FR else f"Schicht {crew_id}"


def design(scenario: Scenario, crews: int, shift_length: int | None = None, time_limit: float = 30.0,
           workers: int = 2, attempts: int = 5, cut_rounds: int = 0) -> DesignOption:
    """The best cycle for `crews` crews whose year passes the checker, or why there is none."""
    began = time.monotonic()
    plan = crew_plan(scenario, shift_length)
    length = shift_length or round(plan.shifts[0].duration_minutes / 60)
    option = DesignOption(crews, length, plan, average_hours(plan, crews))
    base = _with_shifts(scenario, plan)
    year = year_scenario(base, _placeholder(base, plan, crews))
    for rule in year_rules(year):
        if isinstance(rule, ContinuousCycleAverage) and option.average_hours > rule.max_hours + 1e-9:
            option.refused = Said("design-average", "{crews} crews average {hours} h per calendar week, more than "
                                  "{most} h ({reference})", crews=crews, hours=round(option.average_hours, 1),
                                  most=_plain(rule.max_hours), reference=rule.reference)
            return option
    alone = _shifts_breaking_rules_alone(year, plan)
    if alone:
        option.refused = alone
        return option
    problem = cycle_problem(scenario, plan, crews)
    letters = [chr(ord("A") + k) for k in range(crews)]
    anchor = _anchor(scenario)
    judged: dict[str, YearJudgement] = {}

    def to_rotation(rows: list[list[str]]) -> Rotation:
        return Rotation(anchor=anchor, cycle=rows,
                        crews=[Crew(id=letter, name=crew_name(scenario.site.jurisdiction, letter), start_week=k + 1)
                               for k, letter in enumerate(letters)],
                        posts=plan.posts,
                        relief_pool=scenario.rotation.relief_pool if scenario.rotation is not None else None)

    def accept(rows: list[list[str]]) -> bool:
        option.attempts += 1
        judgement = judge_year(base, to_rotation(rows))
        judged[_key(rows)] = judgement
        return not judgement.violations or option.attempts >= attempts

    # The whole design keeps to `time_limit`: the search gets what is left after the set-up, less the time a
    # year check takes (a few seconds on KOS).
    search = max(1.0, time_limit - (time.monotonic() - began) - YEAR_CHECK_RESERVE)
    result = solve_cycle(problem, time_limit=search, workers=workers, accept=accept, cut_rounds=cut_rounds)
    option.result = result
    if result.rows is None:
        option.refused = (Said("design-none", "no cycle obeys the rules in force")
                          if result.status is Status.INFEASIBLE
                          else Said("design-no-time", "no cycle found within {seconds} s", seconds=_plain(time_limit)))
        return option
    option.rotation = to_rotation(result.rows)
    option.judgement = judged.get(_key(result.rows)) or judge_year(base, option.rotation)
    if option.judgement.violations:
        option.refused = Said("design-year-breaks", "every cycle tried breaks a rule over the year ({count} "
                              "violations, first: {first})", count=len(option.judgement.violations),
                              first=option.judgement.violations[0].message)
    return option


def _plain(value: float) -> int | float:
    """48.0 as 48, as a reader writes it (a message's numbers are formatted per language later)."""
    return int(value) if float(value).is_integer() else value


def _key(rows: list[list[str]]) -> str:
    return "|".join(" ".join(row) for row in rows)


def people_per_crew_note(plan: CrewPlan) -> str:
    return ", ".join(f"{sid}: {max(row)}" for sid, row in plan.people.items())


def ceil_div(a: int, b: int) -> int:
    return math.ceil(a / b)
