"""The constructive start: walks that keep each person's contract, and CP-SAT mending those that miss hours."""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest

from roulement.check.checker import check_roster
from roulement.formats.curtois import FIRST_MONDAY, POST, parse_curtois, to_scenario
from roulement.model.calendar import Calendar
from roulement.model.demand import demand_slots
from roulement.model.roster import Assignment, Roster
from roulement.rules.contract import MaxWeekends
from roulement.rules.packs import build_rules
from roulement.solve import lns, walker
from roulement.solve.construct import Limits, Option, faults
from roulement.solve.search import SolveOptions
from tests.test_curtois import INSTANCE1

# Four weeks, three shift lengths, forbidden successions, a narrow hours window (720 minutes) and per-type caps:
# the kind of contract the year-long instances repeat 52 times.
FOUR_WEEKS = "\n".join([
    "SECTION_HORIZON", "28",
    "SECTION_SHIFTS", "E,480,", "D,600,E", "N,720,E|D",
    "SECTION_STAFF",
    *[f"{who},E=28|D=28|N={cap},10320,9600,5,2,2,2" for who, cap in zip("ABCDEF", (4, 0, 4, 6, 2, 28), strict=True)],
    "SECTION_DAYS_OFF", "A,3,4", "B,10", "C,20,21,22", "D,0", "E,27", "F,14",
    "SECTION_SHIFT_ON_REQUESTS", "A,7,D,2", "C,1,N,1",
    "SECTION_SHIFT_OFF_REQUESTS", "B,5,E,3",
    "SECTION_COVER",
    *[f"{day},{shift},{need},100,1" for day in range(28) for shift, need in (("E", 2), ("D", 1), ("N", 1))],
]) + "\n"


def test_walks_alone_give_a_lawful_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every person's walk is cleared by the checker: CP-SAT is not needed (and would fail the test)."""
    def no_solver(*args: object) -> None:
        raise AssertionError("a walk should have been enough")

    monkeypatch.setattr(walker, "_plan_alone", no_solver)
    monkeypatch.setattr(walker, "_mend_hours", no_solver)
    monkeypatch.setattr(walker, "PRICED_ALONE_MAX_DAYS", 0)
    scenario = to_scenario(parse_curtois(FOUR_WEEKS, "four-weeks.txt"))
    started = time.monotonic()
    roster = walker.person_by_person(scenario, SolveOptions(workers=1), 10)
    assert roster is not None
    assert time.monotonic() - started < 2
    checked = check_roster(scenario, roster)
    assert checked.violations == []
    assert {a.employee for a in roster} == set("ABCDEF")
    # The walk takes the most open cover: nobody works a shift whose cover is already full while E, D or N of
    # the same day is still short.
    assert checked.objective.get("coverage_over", 0) <= checked.objective.get("coverage_under", 0)


def test_short_horizon_walks_are_priced_by_cp_sat_for_the_better() -> None:
    scenario = to_scenario(parse_curtois(FOUR_WEEKS, "four-weeks.txt"))
    priced = walker.person_by_person(scenario, SolveOptions(workers=1), 4)
    assert priced is not None
    assert check_roster(scenario, priced).violations == []


def test_person_no_walk_clears_is_planned_by_cp_sat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(walker, "WALK_ATTEMPTS", 0)
    scenario = to_scenario(parse_curtois(FOUR_WEEKS, "four-weeks.txt"))
    roster = walker.person_by_person(scenario, SolveOptions(workers=1), 20)
    assert roster is not None
    assert check_roster(scenario, roster).violations == []


def test_walk_short_of_hours_is_mended_window_by_window() -> None:
    scenario = to_scenario(parse_curtois(INSTANCE1, "Instance1.txt", "Instance1"))
    rules = build_rules(scenario)
    calendar = Calendar(scenario)
    employee = scenario.employee("A")  # day 0 off; 3,360 to 4,320 minutes (7 to 9 shifts); one weekend
    # Tuesday-Thursday and the next Monday-Wednesday: six shifts, every limit kept but the hours.
    walk = [Assignment("A", FIRST_MONDAY + dt.timedelta(days=day), "D", POST) for day in (1, 2, 3, 7, 8, 9)]
    short = check_roster(scenario, Roster(walk))
    assert [v.rule for v in short.violations if v.employee == "A"] == ["contract.hours"]
    posts: dict[tuple[int, str], list[str]] = {}
    for slot in demand_slots(scenario):
        posts.setdefault((slot.day, slot.shift), []).append(slot.post)
    mended = walker._mend_hours(scenario, rules, employee, calendar, posts, walk, SolveOptions(workers=1),
                                  time.monotonic() + 10)
    assert mended is not None
    assert [v for v in check_roster(scenario, Roster(mended)).violations if v.employee == "A"] == []
    assert 7 <= len(mended) <= 9


def test_faults_count_what_the_checker_finds() -> None:
    """The walk's own tally agrees with the checker on runs, weekends, caps, successions and hours."""
    scenario = to_scenario(parse_curtois(FOUR_WEEKS, "four-weeks.txt"))
    rules = build_rules(scenario)
    calendar = Calendar(scenario)
    weekend_of = {day: k for k, group in enumerate(MaxWeekends().weekends(calendar.dates)) for day in group}
    from roulement.solve.construct import limits_of

    rng = random.Random(3)
    for employee in scenario.employees:
        limits: Limits = limits_of(scenario, calendar, rules, employee)
        for _ in range(40):
            chosen = {day: Option(shift, POST, {"E": 480, "D": 600, "N": 720}[shift])
                      for day in range(28) if rng.random() < 0.6
                      for shift in [rng.choice("EDN")]}
            broken, outside = faults(chosen, limits, weekend_of, 28)
            roster = Roster([Assignment(employee.id, calendar.dates[d], o.shift, POST) for d, o in chosen.items()])
            found = [v for v in check_roster(scenario, roster, rules).violations
                     if v.employee == employee.id and v.rule != "core.absence"]
            assert (broken > 0) == any(v.rule != "contract.hours" for v in found)
            assert (outside > 0) == any(v.rule == "contract.hours" for v in found)


def test_rewalking_people_keeps_the_roster_lawful_and_never_dearer() -> None:
    scenario = to_scenario(parse_curtois(FOUR_WEEKS, "four-weeks.txt"))
    start = walker.person_by_person(scenario, SolveOptions(workers=1), 10)
    assert start is not None
    before = check_roster(scenario, start).total
    better, improved = walker.improve_by_walks(scenario, start, SolveOptions(workers=1), time.monotonic() + 1.5)
    checked = check_roster(scenario, better)
    assert checked.violations == []
    assert checked.total <= before
    # Each kept walk priced strictly lower for its person against the others: the total moved with them.
    assert (checked.total < before) == (improved > 0)


def test_huge_scenarios_are_planned_by_walks_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lns, "LNS_FROM_DECISIONS", 0)
    monkeypatch.setattr(lns, "WALKS_ONLY_FROM_DECISIONS", 0)
    scenario = to_scenario(parse_curtois(FOUR_WEEKS, "four-weeks.txt"))
    result = lns.plan_best(scenario, SolveOptions(time_limit=2, workers=1))
    assert result.roster is not None and result.strategy == "person-by-person"
    assert check_roster(scenario, result.roster).violations == []
    assert result.wall_time < 3


def test_packing_walk_reaches_the_most_a_contract_allows() -> None:
    """A contract whose minimum is the very most its runs, rests and weekends allow: only packing meets it."""
    from roulement.solve.construct import Walk

    days = 28
    weekend_of = {day: day // 7 for day in range(days) if day % 7 >= 5}
    absent = {3, 4, 17}
    options = [[] if day in absent else [Option("D", POST, 480)] for day in range(days)]
    limits = Limits(low=0, high=None, max_on=5, min_on=2, min_off=2, max_weekends=1)
    probe = Walk(options, limits, weekend_of, 4, {})
    most = probe.capacity()[0][(0, 2, 0)]
    # Hand count: days 0-2 (absent 3-4), 5-9 with the one weekend worked (5-6), rest 10-13, 14-16 (absent 17,
    # rest 18 for the two-day minimum), 21-25 (weekends 19-20 and 26-27 off): 3 + 5 + 3 + 5 = 16 shifts.
    assert most == 16 * 480
    limits.low = limits.high = most
    walk = Walk(options, limits, weekend_of, 4, {})
    chosen = walk.run(random.Random(0), 0.0, cover_blind=True, packing=True)
    assert faults(chosen, limits, weekend_of, days) == (0, 0)
    assert sum(o.minutes for o in chosen.values()) == most
