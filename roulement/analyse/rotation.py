"""A crew cycle judged over a year: rolled out on the real calendar and read by the same checker and rules as
any roster, then evaluated criterion by criterion against shift-work ergonomics.

Each crew becomes one person of a year-long scenario (same site, shifts, law, plant rules and settings; one
post the crew works, no demand): the checker then judges that person's year exactly as it judges anyone's.
The contract and people packs are left out: they are about a person's own contract and household, which a
crew does not have.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from dataclasses import dataclass, field
from typing import Any

from roulement.check.checker import CheckResult, check_roster
from roulement.model.calendar import Calendar
from roulement.model.roster import Assignment, Roster, Timeline
from roulement.model.rotation import Rotation
from roulement.model.scenario import Employee, Horizon, Post, Scenario
from roulement.rules.base import Rule, Violation
from roulement.rules.packs import build_rules
from roulement.rules.plant import default_rotation
from roulement.rules.working_time import WeeklyRest

YEAR_WEEKS = 52
CYCLE_POST = "cycle"
# Packs about a person rather than a cycle: a crew has no contract of its own and no household.
PERSONAL_PACKS = frozenset({"contract", "people"})


def year_scenario(scenario: Scenario, rotation: Rotation, start: dt.date | None = None,
                  weeks: int = YEAR_WEEKS) -> Scenario:
    """The scenario of a year of the cycle: one person per crew, from the Monday `start` (default the anchor)."""
    first = start or rotation.anchor
    first -= dt.timedelta(days=first.weekday())
    people = [Employee(id=crew.id, name=crew.name or crew.id, crew=crew.id) for crew in rotation.crews]
    return Scenario.model_validate({
        **scenario.model_dump(exclude={"horizon", "posts", "demand", "safety_minimums", "employees",
                                       "households", "rotation", "skills"}),
        "horizon": Horizon(start=first, days=7 * weeks),
        "posts": [Post(id=CYCLE_POST, name="Cycle")],
        "employees": people,
        "rotation": rotation,
    })


def rollout(year: Scenario, rotation: Rotation) -> Roster:
    """Every shift of every crew over the year's horizon, as the cycle gives it."""
    return Roster([
        Assignment(crew.id, day, shift, CYCLE_POST)
        for crew in rotation.crews
        for day in year.horizon.dates()
        if (shift := rotation.shift_on(crew, day)) is not None
    ])


def year_rules(year: Scenario) -> list[Rule]:
    return build_rules(year, ignore=PERSONAL_PACKS)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    value: float
    unit: str
    target: str
    source: str
    ok: bool
    words: str = ""  # the report catalogue's entries for it in every language (`criterion:<words>:<part>`)


@dataclass
class CrewYear:
    crew: str
    hours_per_week: float  # over every calendar week of the year
    hours_per_worked_week: float  # over the weeks the crew works at all, as FR L3132-15 averages
    nights: int
    longest_night_block: int
    shortest_rest_after_nights: float | None  # hours
    short_rests_after_nights: int
    backward_changes: int
    free_weekends: int
    longest_gap_between_free_weekends: int  # weeks
    free_sundays: int
    longest_work_block: int
    shifts: int


@dataclass
class YearJudgement:
    scenario: Scenario
    rotation: Rotation
    year: Scenario
    check: CheckResult
    crews: list[CrewYear]
    criteria: list[Criterion]
    readings: dict[str, str] = field(default_factory=dict)  # rule id -> the reading its verdict rests on
    # rule id -> the reading as the report catalogue's entry (`reading:<key>`) and its numbers, for other languages
    reading_words: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def violations(self) -> list[Violation]:
        return self.check.violations


def weekly_rest_reading(rule: WeeklyRest) -> str:
    if rule.week_start_hours:
        return (f"week from Monday {rule.week_start_hours:g} h as an agreement defines it (FR L3121-32; continuous "
                f"work by rotation, L3132-14)")
    return "civil week, Monday 00:00 to Sunday 24:00 (FR L3121-35, the law's default)"


def weekly_rest_reading_words(rule: WeeklyRest) -> dict[str, Any]:
    """`weekly_rest_reading` as a catalogue key and its numbers (`reading:<key>` in the report's catalogues)."""
    if rule.week_start_hours:
        return {"key": "week-agreed", "hours": rule.week_start_hours}
    return {"key": "week-civil"}


def judge_year(scenario: Scenario, rotation: Rotation | None = None, start: dt.date | None = None) -> YearJudgement:
    rotation = rotation or scenario.rotation
    if rotation is None:
        raise ValueError("the scenario has no rotation")
    year = year_scenario(scenario, rotation, start)
    roster = rollout(year, rotation)
    rules = year_rules(year)
    checked = check_roster(year, roster, rules)
    timeline = Timeline(year, roster)
    crews = [_crew_year(timeline, crew.id) for crew in rotation.crews]
    rests = [rule for rule in rules if isinstance(rule, WeeklyRest)]
    readings = {rule.id: weekly_rest_reading(rule) for rule in rests}
    words = {rule.id: weekly_rest_reading_words(rule) for rule in rests}
    return YearJudgement(scenario, rotation, year, checked, crews, _criteria(crews, year), readings, words)


def _crew_year(timeline: Timeline, crew: str) -> CrewYear:
    calendar: Calendar = timeline.calendar
    items = timeline.by_employee.get(crew, [])
    order = default_rotation(timeline.scenario)
    weeks = len(calendar.weeks)
    worked = sum(item.worked for item in items)
    worked_weeks = sum(1 for week in calendar.weeks
                       if any(item.start < week.end and item.end > week.start for item in items))
    night_days = sorted(item.day for item in items if item.occurrence.is_night)
    blocks = _runs(night_days)
    rests: list[int] = []
    for index, item in enumerate(items):
        if item.occurrence.is_night and item.day + 1 not in set(night_days):
            following = items[index + 1] if index + 1 < len(items) else None
            if following is not None:
                rests.append(following.start - item.end)
    backward = 0
    for before, after in itertools.pairwise(items):
        if after.start - before.end < 48 * 60 and before.shift in order and after.shift in order \
                and order.index(after.shift) < order.index(before.shift):
            backward += 1
    free_weekends = []
    for sunday in calendar.sundays:
        if sunday - 1 < 0:
            continue
        start, end = calendar.local_midnight(sunday - 1), calendar.local_midnight(sunday + 1)
        if not any(item.start < end and item.end > start for item in items):
            free_weekends.append(sunday // 7)
    free_sundays = sum(
        1 for sunday in calendar.sundays
        if not any(item.start < calendar.local_midnight(sunday + 1) and item.end > calendar.local_midnight(sunday)
                   for item in items)
    )
    # Gaps inside the year: one across the year's end would depend on where the year cuts the cycle.
    gaps = [b - a for a, b in itertools.pairwise(free_weekends)]
    return CrewYear(
        crew=crew,
        hours_per_week=worked / 60 / weeks if weeks else 0.0,
        hours_per_worked_week=worked / 60 / worked_weeks if worked_weeks else 0.0,
        nights=len(night_days),
        longest_night_block=max((len(b) for b in blocks), default=0),
        shortest_rest_after_nights=min(rests) / 60 if rests else None,
        short_rests_after_nights=sum(1 for r in rests if r < 48 * 60),
        backward_changes=backward,
        free_weekends=len(free_weekends),
        longest_gap_between_free_weekends=max(gaps, default=weeks),
        free_sundays=free_sundays,
        longest_work_block=max((len(b) for b in _runs(sorted({item.day for item in items}))), default=0),
        shifts=len(items),
    )


def _runs(days: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


BAUA = "BAuA shift-work guidance (Beermann 2005)"


def _criteria(crews: list[CrewYear], year: Scenario) -> list[Criterion]:
    """The cycle's ergonomic and legal figures; a crew's figure is the worst crew's (all run the same cycle)."""
    if not crews:
        return []
    french = year.site.jurisdiction.value == "FR"
    # French law averages over the weeks worked (L3132-15); ArbZG §3 over the calendar (8 h per Werktag).
    hours = max(c.hours_per_worked_week if french else c.hours_per_week for c in crews)
    rests = [c.shortest_rest_after_nights for c in crews if c.shortest_rest_after_nights is not None]
    law = "fr" if french else "de"
    return [
        Criterion("hours", "Average hours per worked week" if french else "Average hours per calendar week",
                  round(hours, 2), "h",
                  "≤ 35 h (FR continuous cycles)" if french else "≤ 48 h (8 h per Werktag)",
                  "FR L3132-15" if french else "DE ArbZG §3", hours <= (35 if french else 48) + 1e-9,
                  words=f"hours.{law}"),
        Criterion("nights", "Night shifts a year", max(c.nights for c in crews), "",
                  "as few as cover allows", "INRS, travail de nuit", True, words="nights"),
        Criterion("night-block", "Longest night block", max(c.longest_night_block for c in crews), "nights",
                  "≤ 3", BAUA, max(c.longest_night_block for c in crews) <= 3, words="night-block"),
        Criterion("rest-after-nights", "Shortest rest after a night block", round(min(rests), 1) if rests else 0.0,
                  "h", "≥ 48 h (at least 24 h)", BAUA, not rests or min(rests) >= 48, words="rest-after-nights"),
        Criterion("backward", "Backward rotations (later → earlier shift within 48 h)",
                  max(c.backward_changes for c in crews), "a year", "0 (forward rotation)",
                  "BAuA handbook 10.3 (forward rotation)", max(c.backward_changes for c in crews) == 0,
                  words="backward"),
        Criterion("weekends", "Free weekends a year (Saturday and Sunday wholly free)",
                  min(c.free_weekends for c in crews), "", "as many as possible, evenly spread",
                  BAUA + "; Arlinghaus & Lott 2018", min(c.free_weekends for c in crews) > 0, words="weekends"),
        Criterion("weekend-gap", "Longest wait between free weekends",
                  max(c.longest_gap_between_free_weekends for c in crews), "weeks", "short", BAUA,
                  max(c.longest_gap_between_free_weekends for c in crews) <= 6, words="weekend-gap"),
        Criterion("sundays", "Free Sundays a year", min(c.free_sundays for c in crews), "",
                  "≥ 15" if not french else "weekly rest by rotation (FR L3132-14)",
                  "DE ArbZG §11(1)" if not french else "FR L3132-12/14",
                  french or min(c.free_sundays for c in crews) >= 15, words=f"sundays.{law}"),
        Criterion("work-block", "Longest stretch of work", max(c.longest_work_block for c in crews), "days",
                  "≤ 5 to 7 days", BAUA + "; XIMES", max(c.longest_work_block for c in crews) <= 6,
                  words="work-block"),
    ]


def median_hours(crews: list[CrewYear]) -> float:
    return statistics.median(c.hours_per_week for c in crews) if crews else 0.0
