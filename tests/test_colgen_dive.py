"""Column generation's integer step (diving) and the capped walk: against brute force judged by the checker."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from roulement.check.checker import check_roster
from roulement.formats.curtois import parse_curtois, to_scenario
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Scenario
from roulement.rules.packs import build_rules
from roulement.solve.colgen import dive as dive_module
from roulement.solve.colgen import dp
from roulement.solve.colgen import generation as generation_module
from roulement.solve.colgen.dive import Dive, dive
from roulement.solve.colgen.dp import OFF, CappedWalk, DenseWalk, WalkSpec
from roulement.solve.colgen.generation import generate
from roulement.solve.colgen.master import Master
from tests.test_colgen import CASES, _instance, _person
from tests.test_curtois import INSTANCE1

# Two capped types (E at most 3, L at most 2) over 7 days: the capped walk leaves one or both caps out.
TWO_CAPS = _instance(7, "E,480,\nL,600,E", "A,E=3|L=2,3000,1440,4,1,1,1",
                     requests_on="A,0,L,2\nA,1,L,1\nA,4,E,2", requests_off="A,5,L,1")


def _brute_force(source: Scenario, values: dict[tuple[int, str, str], float],
                 fixed: dict[int, str | None] | None = None) -> float:
    """The cheapest lawful schedule's price under `values`, every schedule judged by the checker; `fixed`
    pins days to a shift or to a day off (None)."""
    employee = source.employees[0].id
    alone = source.model_copy(update={"demand": []})
    rules = [rule for rule in build_rules(source) if rule.id not in ("core.coverage", "core.safety-minimum")]
    dates = source.horizon.dates()
    choices = [None, *(shift.id for shift in source.shifts)]
    best = math.inf
    for days in itertools.product(choices, repeat=len(dates)):
        if fixed and any(days[day] != kept for day, kept in fixed.items()):
            continue
        roster = [Assignment(employee, dates[day], shift, "work") for day, shift in enumerate(days) if shift]
        checked = check_roster(alone, roster, rules)
        if checked.ok:
            best = min(best, checked.total - sum(values.get((day, shift, "work"), 0.0)
                                                 for day, shift in enumerate(days) if shift))
    return best


def _values(source: Scenario, seed: int) -> dict[tuple[int, str, str], float]:
    rng = random.Random(seed)
    return {(day, shift.id, "work"): rng.uniform(-40, 80) for day in range(source.horizon.days)
            for shift in source.shifts}


# two-caps binds its caps: seed 0 is settled after three walks, seed 2 keeps a gap (bound below the truth).
@pytest.mark.parametrize(("name", "seed"), [("runs-and-caps", 0), ("two-caps", 3), ("two-caps", 0),
                                            ("two-caps", 1), ("two-caps", 2)])
def test_the_capped_walk_bounds_the_cheapest_schedule_and_returns_only_lawful_ones(name: str, seed: int) -> None:
    text = TWO_CAPS if name == "two-caps" else CASES[name]
    source = to_scenario(parse_curtois(text, name, name))
    pricer = _person(source)
    assert pricer.dense is not None and pricer.spec.caps
    values = _values(source, seed)
    work_price, posts = pricer._work_prices(values)
    truth = pricer.dense.cheapest(work_price, math.inf, 1)[0].price
    assert truth == pytest.approx(_brute_force(source, values))
    # Every cap left out of the table, held by prices only.
    relaxed = WalkSpec(**{**pricer.spec.__dict__, "caps": {}})
    walk = DenseWalk.build(relaxed)
    assert walk is not None
    capped = CappedWalk(walk, dict(pricer.spec.caps))
    found = capped.cheapest(work_price, math.inf, 3)
    assert found.lowest is not None and found.lowest <= truth + 1e-6
    if found.settled:
        assert found.lowest == pytest.approx(truth)
        assert found.schedules[0].price == pytest.approx(truth)
    for schedule in found.schedules:
        cells = tuple((day, pricer.spec.shifts[shift], posts[(day, shift)])
                      for day, shift in enumerate(schedule.days) if shift != OFF)
        own = pricer.judge(cells)
        assert own is not None, cells  # keeps every cap: lawful for the checker
        assert own - sum(values[cell] for cell in cells) == pytest.approx(schedule.price)
    # Below its own bound, nothing; the bound is then withheld (None).
    below = capped.cheapest(work_price, found.lowest - 1e-3, 3)
    assert below.schedules == [] and below.lowest is None


def test_a_person_too_large_for_the_table_is_priced_by_the_capped_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    source = to_scenario(parse_curtois(TWO_CAPS, "two-caps", "two-caps"))
    full = _person(source)
    assert full.dense is not None
    cells = len(full.dense.states) * full.dense.resources
    monkeypatch.setattr(dp, "DENSE_CELLS", cells - 1)  # the full table no longer fits; with a cap out it does
    pricer = _person(source)
    assert pricer.dense is None and pricer.capped is not None
    for seed in range(4):
        values = _values(source, seed)
        truth = _brute_force(source, values)
        schedules, lowest, proven = pricer.price(values, math.inf, beam=False, seconds=5, seed=0, count=3)
        assert proven and lowest is not None and lowest <= truth + 1e-6
        for found in schedules:
            own = pricer.judge(found)
            assert own is not None and own - sum(values[cell] for cell in found) >= truth - 1e-6
        if not pricer.unsettled:
            assert lowest == pytest.approx(truth)


@pytest.mark.parametrize("seed", [0, 1])
def test_pricing_under_a_dive_fixings_keeps_them_and_is_still_the_cheapest(seed: int) -> None:
    source = to_scenario(parse_curtois(CASES["runs-and-caps"], "runs-and-caps", "runs-and-caps"))
    pricer = _person(source)
    values = _values(source, seed)
    late = pricer.shift_number["L"]
    early = pricer.shift_number["E"]
    choices = {1: frozenset({late}), 4: frozenset({OFF}), 5: frozenset({early, late})}
    schedules, lowest, proven = pricer.price(values, math.inf, beam=False, seconds=5, seed=0, count=3,
                                             choices=choices)
    assert proven and schedules and lowest is not None
    for cells in schedules:
        worked = {day: shift for day, shift, _ in cells}
        assert worked.get(1) == "L" and 4 not in worked and worked.get(5) in ("E", "L")
        assert pricer.judge(cells) is not None
    truth = min(_brute_force(source, values, {1: "L", 4: None, 5: "E"}),
                _brute_force(source, values, {1: "L", 4: None, 5: "L"}))
    assert lowest == pytest.approx(truth)
    # Fixings no lawful schedule fits (L at most twice): nothing.
    too_many = {day: frozenset({late}) for day in (0, 1, 2)}
    none, _, _ = pricer.price(values, math.inf, beam=False, seconds=5, seed=0, choices=too_many)
    assert none == []


def test_a_dive_on_instance1_reaches_the_optimum_and_the_checker_agrees() -> None:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    rules = build_rules(source)
    generation = generate(source, rules, deadline=math.inf)
    assert generation.bound is not None
    dived = dive(generation, deadline=math.inf)
    assert dived.columns is not None and dived.value is not None
    assert sorted(column.employee for column in dived.columns) == sorted(e.id for e in source.employees)
    master: Master = generation.master
    checked = check_roster(source, Roster(master.assignments(dived.columns)), rules)
    assert checked.ok
    assert checked.total == pytest.approx(dived.value)  # the master prices the roster as the checker does
    assert generation.bound.whole <= checked.total
    assert checked.total == 607


def test_a_fixing_no_lawful_schedule_fits_is_refused() -> None:
    source = to_scenario(parse_curtois(CASES["runs-and-caps"], "runs-and-caps", "runs-and-caps"))
    generation = generate(source, build_rules(source), deadline=math.inf)
    diving = Dive(generation, math.inf, 0, None)
    employee = source.employees[0].id
    late = generation.people[0].shift_number["L"]
    diving.choices[employee] = {day: frozenset({late}) for day in (0, 1, 2)}  # L at most twice
    assert not diving.apply(employee)
    diving.choices[employee] = {0: frozenset({late})}
    assert diving.apply(employee)
    # Every column left in the LP fits the fixing.
    values_fit = [diving.fits(index, diving.choices[employee]) for index in generation.master.by_person[employee]]
    assert any(values_fit)


def test_a_person_no_table_fits_gets_columns_from_the_labelling_and_a_bound_from_the_loose_walk(
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = "weekend-and-day-off"
    source = to_scenario(parse_curtois(CASES[name], name, name))
    full = _person(source)
    assert full.dense is not None and not full.spec.caps and full.spec.tracks_minutes
    monkeypatch.setattr(dp, "DENSE_CELLS", full.dense.cells - 1)
    monkeypatch.setattr(generation_module, "CAPPED_FROM", 0)  # no table fits with weekends out either
    pricer = _person(source)
    assert pricer.dense is None and pricer.capped is None and pricer.loose is not None
    for seed in range(3):
        values = _values(source, seed)
        truth = _brute_force(source, values)
        schedules, lowest, proven = pricer.price(values, math.inf, beam=False, seconds=5, seed=0, count=3)
        assert proven and lowest is not None and lowest <= truth + 1e-6  # a bound, below the truth
        assert schedules
        for cells in schedules:
            own = pricer.judge(cells)
            assert own is not None and own - sum(values[cell] for cell in cells) >= truth - 1e-6


def test_a_year_long_person_is_priced_with_weekends_out_of_the_table_and_the_bound_holds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Curtois-Qu 21-24: with weekends counted, no table fits a year; the weekends leave the table, held by a
    # price per weekend day worked. Here: two weekends, at most one worked (13 days), the full table too large.
    from tests.test_colgen import _exhaustive

    source = to_scenario(parse_curtois(CASES["weekends"], "weekends", "weekends"))
    full = _person(source)
    assert full.dense is not None and full.spec.max_weekends == 1
    monkeypatch.setattr(dp, "DENSE_CELLS", full.dense.cells - 1)
    monkeypatch.setattr(generation_module, "CAPPED_FROM", full.dense.cells - 1)
    pricer = _person(source)
    assert pricer.dense is None and pricer.capped is not None and pricer.capped.weekends == 1
    # Seed 0 leaves a gap (a bound below the truth, lawful columns above it); seed 1 is settled, exact.
    for seed in (0, 1):  # the walk keeps its weekend price from one call to the next
        values = {cell: value / 4 for cell, value in _values(source, seed).items()}
        truth = _exhaustive(source, values)
        schedules, lowest, proven = pricer.price(values, math.inf, beam=False, seconds=5, seed=0, count=3)
        assert proven and lowest is not None and lowest <= truth + 1e-6
        for found in schedules:
            own = pricer.judge(found)
            assert own is not None and own - sum(values.get(cell, 0.0) for cell in found) >= truth - 1e-6
        if not pricer.unsettled:
            assert lowest == pytest.approx(truth)


@pytest.mark.parametrize("randomize", [False, True])
def test_a_dive_by_whole_schedules_gives_one_lawful_schedule_per_person(randomize: bool) -> None:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    rules = build_rules(source)
    generation = generate(source, rules, deadline=math.inf)
    assert generation.bound is not None
    before = generation.master.solve()
    dived = dive(generation, deadline=math.inf, seed=3, whole=True, randomize=randomize)
    assert dived.columns is not None and dived.value is not None
    assert sorted(column.employee for column in dived.columns) == sorted(e.id for e in source.employees)
    checked = check_roster(source, Roster(generation.master.assignments(dived.columns)), rules)
    assert checked.ok
    assert checked.total == pytest.approx(dived.value)
    assert generation.bound.whole <= checked.total
    # Every column is let in again afterwards (new ones kept): the LP is no dearer than before the dive.
    assert generation.master.solve() <= before + 1e-6


def test_year_long_people_get_a_bound_from_the_staffing_prices_before_any_lp(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from roulement.solve.colgen.generation import _staffing_bound

    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    rules = build_rules(source)
    exact = generate(source, rules, deadline=math.inf)
    staffing = _staffing_bound(exact.master, [[person] for person in exact.people], math.inf)
    assert staffing is not None and staffing <= 607  # Instance1's optimum
    # The same people priced as year-long ones are (no full table fits: caps and weekends out of it).
    monkeypatch.setattr(dp, "DENSE_CELLS", min(person.dense.cells for person in exact.people
                                               if person.dense is not None) - 1)
    monkeypatch.setattr(generation_module, "CAPPED_FROM", 10**6)
    relaxed = generate(source, rules, deadline=math.inf)
    assert all(person.capped is not None and person.capped.weekends is not None for person in relaxed.people)
    assert any("from the staffing prices" in note for note in relaxed.notes)
    assert relaxed.bound is not None and relaxed.bound.whole <= 607


def test_after_a_dive_the_lp_starts_again_from_the_root_basis(monkeypatch: pytest.MonkeyPatch) -> None:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    rules = build_rules(source)

    def after_a_dive(restore: bool) -> tuple[float, float, int]:
        """(the root LP's value, its value re-solved after a dive, the simplex iterations that took)."""
        generation = generate(source, rules, deadline=math.inf)
        root = generation.master.solve()
        if not restore:
            monkeypatch.setattr(dive_module, "restore_basis", lambda master, basis: None)
        dived = dive(generation, deadline=math.inf, seed=1, randomize=True)
        assert dived.columns is not None
        assert check_roster(source, Roster(generation.master.assignments(dived.columns)), rules).ok
        again = generation.master.solve()
        return root, again, generation.master.highs.getInfo().simplex_iteration_count

    root, again, restored = after_a_dive(True)
    # The dive's columns stay in: the LP is the root's or cheaper, and it starts from the root's basis.
    assert again <= root + 1e-6
    root_without, again_without, from_the_dive = after_a_dive(False)
    assert root_without == pytest.approx(root) and again_without == pytest.approx(again)
    assert restored < from_the_dive
