"""Column generation: pricing against exhaustive search judged by the checker, bounds, engine choice."""

from __future__ import annotations

import itertools
import math
import random
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roulement.check.checker import check_roster
from roulement.cli import app
from roulement.formats.curtois import parse_curtois, to_scenario
from roulement.formats.scenario_yaml import save_scenario
from roulement.model.calendar import Calendar
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Scenario
from roulement.report.bound import describe as describe_bound
from roulement.rules.packs import build_rules
from roulement.solve.colgen.alongside import BoundAlongside
from roulement.solve.colgen.bound import covered_cost
from roulement.solve.colgen.choice import Engine, choose_engine
from roulement.solve.colgen.decompose import decompose, demanded_posts
from roulement.solve.colgen.dp import OFF, cheapest
from roulement.solve.colgen.engine import Person, generate, plan_colgen
from roulement.solve.engine import solve
from roulement.solve.options import SolveOptions
from roulement.solve.search import solve as search_solve
from tests.factory import person, scenario
from tests.test_curtois import INSTANCE1

runner = CliRunner()


def _instance(days: int, shifts: str, staff: str, requests_on: str = "", requests_off: str = "",
              days_off: str = "") -> str:
    cover = "\n".join(f"{day},{shift},1,100,1" for day in range(days) for shift in ("E", "L"))
    return (f"SECTION_HORIZON\n{days}\n\nSECTION_SHIFTS\n{shifts}\n\nSECTION_STAFF\n{staff}\n\n"
            f"SECTION_DAYS_OFF\n{days_off}\n\nSECTION_SHIFT_ON_REQUESTS\n{requests_on}\n\n"
            f"SECTION_SHIFT_OFF_REQUESTS\n{requests_off}\n\nSECTION_COVER\n{cover}\n")


# One person each, small enough to enumerate every schedule: E and L shifts, L may not be followed by E.
SHIFTS = "E,480,\nL,600,E"
CASES = {
    # caps (L at most 2), hours window, runs of work (2..3) and rest (at least 2), requests on and off.
    "runs-and-caps": _instance(7, SHIFTS, "A,E=7|L=2,2640,1440,3,2,2,1",
                               requests_on="A,1,L,2\nA,5,E,1", requests_off="A,3,E,3"),
    # no weekend at all (max 0), a day off, a forbidden succession that bites, hours at most 3 shifts.
    "weekend-and-day-off": _instance(7, SHIFTS, "A,E=7|L=7,1800,480,4,1,1,0", days_off="A,2",
                                     requests_on="A,0,L,1\nA,1,E,2"),
    # two weekends, at most one worked; only E may be worked.
    "weekends": _instance(13, "E,480,\nL,480,", "A,E=13|L=0,4800,1920,4,2,1,1",
                          requests_off="A,6,E,2\nA,12,E,1"),
}


def _person(source: Scenario) -> Person:
    rules = build_rules(source)
    calendar = Calendar(source)
    return Person(source, calendar, decompose(rules), source.employees[0], demanded_posts(source))


def _exhaustive(source: Scenario, values: dict[tuple[int, str, str], float]) -> float:
    """The cheapest schedule by brute force: every combination of days, judged by the independent checker."""
    employee = source.employees[0].id
    alone = source.model_copy(update={"demand": []})
    rules = [rule for rule in build_rules(source) if rule.id not in ("core.coverage", "core.safety-minimum")]
    dates = source.horizon.dates()
    # A shift the contract caps at 0 is never lawful: left out of the enumeration to keep it small.
    caps = source.employees[0].contract.max_shifts
    choices = [None, *(shift.id for shift in source.shifts if caps.get(shift.id, 1) > 0)]
    best = math.inf
    for days in itertools.product(choices, repeat=len(dates)):
        roster = [Assignment(employee, dates[day], shift, "work") for day, shift in enumerate(days) if shift]
        checked = check_roster(alone, roster, rules)
        if checked.ok:
            price = checked.total - sum(values.get((day, shift, "work"), 0.0)
                                        for day, shift in enumerate(days) if shift)
            best = min(best, price)
    return best


# The 13-day case enumerates 8,192 schedules through the checker (a few seconds): one seed is enough.
@pytest.mark.parametrize(("name", "seed"), [("runs-and-caps", 0), ("runs-and-caps", 1), ("weekend-and-day-off", 0),
                                            ("weekend-and-day-off", 1), ("weekends", 0)])
def test_pricing_finds_the_cheapest_schedule_by_dp_and_cp_sat_alike(name: str, seed: int) -> None:
    source = to_scenario(parse_curtois(CASES[name], name, name))
    rng = random.Random(seed)
    values = {(day, shift.id, "work"): rng.uniform(-40, 80) for day in range(source.horizon.days)
              for shift in source.shifts}
    pricer = _person(source)
    assert pricer.walkable
    schedules, lowest, proven = pricer.price(values, math.inf, beam=False, seconds=10, seed=0, count=5)
    assert proven and schedules and lowest is not None
    # Every column the pricing returns is lawful for the checker, and priced as the DP says (the best one).
    for cells in schedules:
        assert pricer.judge(cells) is not None, cells
    best_cells = schedules[0]
    own = pricer.judge(best_cells)
    assert own is not None
    assert own - sum(values[cell] for cell in best_cells) == pytest.approx(lowest)
    truth = _exhaustive(source, values)
    assert lowest == pytest.approx(truth)
    # Both walks: the dense table (used here) and the labelling (for tables too large), against the truth.
    assert pricer.dense is not None
    work_price, _ = pricer._work_prices(values)
    labelled = cheapest(pricer.spec, work_price, math.inf, 1, beam=False)
    assert labelled[0].price == pytest.approx(truth)
    # The same person priced by CP-SAT from the rules' own encode.
    roster, cp_lowest, cp_proven = pricer.alone().cheapest(values, 10)
    assert roster is not None and cp_proven and cp_lowest is not None
    cp_cells = tuple(sorted(((a.date - source.horizon.start).days, a.shift, a.post) for a in roster))
    cp_own = pricer.judge(cp_cells)
    assert cp_own is not None
    assert cp_own - sum(values[cell] for cell in cp_cells) == pytest.approx(truth, abs=1e-2)
    assert cp_lowest <= truth + 1e-6


@pytest.mark.parametrize("name", sorted(CASES))
def test_pricing_below_a_threshold_returns_nothing_or_cheaper(name: str) -> None:
    source = to_scenario(parse_curtois(CASES[name], name, name))
    pricer = _person(source)
    values = {(day, shift.id, "work"): 10.0 for day in range(source.horizon.days) for shift in source.shifts}
    _, lowest, _ = pricer.price(values, math.inf, beam=False, seconds=5, seed=0)
    assert lowest is not None
    below, none_lowest, proven = pricer.price(values, lowest - 0.5, beam=False, seconds=5, seed=0)
    assert below == [] and none_lowest is None and proven
    at, found, _ = pricer.price(values, lowest + 0.5, beam=False, seconds=5, seed=0)
    assert at and found == pytest.approx(lowest)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_dense_walk_and_the_labelling_agree_on_instance1(seed: int) -> None:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    rules = build_rules(source)
    rng = random.Random(seed)
    for employee in source.employees:
        pricer = Person(source, Calendar(source), decompose(rules), employee, demanded_posts(source))
        assert pricer.dense is not None
        values = {(day, shift, post): rng.uniform(-60, 150)
                  for day, today in enumerate(pricer.allowed) for shift, post in today}
        work_price, posts = pricer._work_prices(values)
        dense = pricer.dense.cheapest(work_price, math.inf, 3)
        labelled = cheapest(pricer.spec, work_price, math.inf, 3, beam=False)
        assert [found.price for found in dense] == pytest.approx([found.price for found in labelled][:len(dense)])
        for found in dense:
            cells = tuple((day, pricer.spec.shifts[shift], posts[(day, shift)])
                          for day, shift in enumerate(found.days) if shift >= 0)
            own = pricer.judge(cells)
            assert own is not None and own - sum(values[cell] for cell in cells) == pytest.approx(found.price)
        # Below a threshold: the same cheapest schedule, or nothing when the threshold is at the minimum.
        assert pricer.dense.cheapest(work_price, dense[0].price + 1.0, 1)[0].price == pytest.approx(dense[0].price)
        assert pricer.dense.cheapest(work_price, dense[0].price - 1e-3, 1) == []


def test_instance1_lp_bound_and_roster_reach_the_optimum() -> None:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    rules = build_rules(source)
    generation = generate(source, rules, deadline=math.inf)
    assert generation.bound is not None and generation.bound.converged
    assert generation.bound.whole <= 607
    assert generation.bound.kind == "whole objective"
    result = plan_colgen(source, SolveOptions(time_limit=20, workers=1), rules)
    assert result.roster is not None
    checked = check_roster(source, result.roster)
    assert checked.ok and checked.total == 607
    assert result.bound is not None and result.bound <= 607
    assert result.objective == 607


def test_twins_are_priced_once_and_the_lp_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    first = source.employees[0]
    twins = source.model_copy(update={"employees": [*source.employees, first.model_copy(update={"id": "A2"}),
                                                      first.model_copy(update={"id": "A3"})]})
    rules = build_rules(twins)
    people = [Person(twins, Calendar(twins), decompose(rules), employee, demanded_posts(twins))
              for employee in twins.employees]
    keys = [person.twins_key for person in people]
    assert keys[0] == keys[-1] == keys[-2] and len(set(keys)) == len(keys) - 2
    grouped = generate(twins, rules, deadline=math.inf)
    monkeypatch.setattr(Person, "_twins_key", lambda self: self.employee.id)
    alone = generate(twins, rules, deadline=math.inf)
    assert grouped.bound is not None and alone.bound is not None
    assert grouped.bound.converged and alone.bound.converged
    assert grouped.master.value == pytest.approx(alone.master.value)
    # Every twin got columns of their own, each judged lawful for that person.
    assert {column.employee for column in grouped.master.columns} >= {"A2", "A3"}


def _balanced() -> Scenario:
    """A small plant with a max-min spread of shift counts priced: it ties everyone together."""
    people = [person(f"p{n}", contract={"max_minutes": 5 * 480, "max_consecutive_days": 4}) for n in range(4)]
    return scenario(days=7, employees=people,
                    demand=[{"post": "line", "shifts": ["M", "A"], "min": 0, "preferred": 1,
                             "under_weight": 50, "over_weight": 5}],
                    rules={"packs": ["core", "contract"],
                           "settings": {"contract.balanced-shifts": {"mode": "soft", "weight": 7}}})


def test_a_bound_with_terms_that_do_not_decompose_says_which_it_covers() -> None:
    source = _balanced()
    rules = build_rules(source)
    assert "contract.balanced-shifts" in decompose(rules).excluded
    generation = generate(source, rules, deadline=math.inf)
    assert generation.bound is not None
    assert generation.bound.excludes == ["contract.balanced-shifts"]
    assert generation.bound.kind == ("terms that decompose by person (excludes contract.balanced-shifts)")
    result = plan_colgen(source, SolveOptions(time_limit=8, workers=1), rules)
    assert result.roster is not None and result.bound is not None
    assert result.bound_kind is not None
    # The reported bound is either column generation's (labelled with what it leaves out) or CP-SAT's, which
    # covers the whole objective.
    if result.bound_excludes:
        assert result.bound_excludes == ["contract.balanced-shifts"]
        assert "contract.balanced-shifts" in result.bound_kind
        assert result.bound_covered_cost is not None
        assert result.bound <= result.bound_covered_cost + 1e-6
    else:
        assert result.bound_kind == "whole objective"
    checked = check_roster(source, result.roster, rules)
    assert result.bound <= checked.total + 1e-6
    document = result.as_dict()
    assert document["bound_kind"] == result.bound_kind
    assert document["bound_excludes"] == result.bound_excludes


def test_a_bound_sought_alongside_another_planner_is_labelled_and_below_the_covered_cost() -> None:
    source = _balanced()
    rules = build_rules(source)
    planned = search_solve(source, SolveOptions(time_limit=5, workers=1, engine="cpsat"), rules=rules)
    assert planned.roster is not None
    # As plan by exception hands it over: its own bound is over a neighbourhood, so none.
    planned.bound, planned.bound_kind = None, None
    BoundAlongside(source, rules, 10).attach(planned)
    assert planned.bound is not None and planned.bound >= 0
    assert planned.bound_excludes == ["contract.balanced-shifts"]
    assert planned.bound_kind is not None and "contract.balanced-shifts" in planned.bound_kind
    covered = covered_cost(source, planned.roster, rules, ["contract.balanced-shifts"])
    assert planned.bound_covered_cost == covered and planned.bound <= covered
    line = describe_bound(planned.as_dict(), None)
    assert line is not None and "leaving out contract.balanced-shifts" in line and "above the best possible" in line
    # A bound the result already has is left alone.
    planned.bound, planned.bound_kind, planned.bound_excludes = 1.0, "whole objective", []
    BoundAlongside(source, rules, 2).attach(planned)
    assert planned.bound == 1.0 and planned.bound_kind == "whole objective"


def test_engine_choice() -> None:
    curtois = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    assert choose_engine(build_rules(curtois)) is Engine.COLGEN
    assert choose_engine(build_rules(curtois), fresh=False) is Engine.CPSAT  # a re-plan stays near its roster
    assert choose_engine(build_rules(curtois), "cpsat") is Engine.CPSAT
    # Too big for the column generation to converge in a minute here: the CP-SAT search plans.
    assert choose_engine(build_rules(curtois), decisions=50 * 28 * 6) is Engine.COLGEN  # Instance11's size
    assert choose_engine(build_rules(curtois), decisions=60 * 28 * 10) is Engine.CPSAT  # Instance12's
    assert choose_engine(build_rules(curtois), "colgen", decisions=60 * 28 * 10) is Engine.COLGEN
    # Hard minimums: CP-SAT propagates them, and proves it when they cannot be met.
    assert choose_engine(build_rules(curtois), hard_minimums=True) is Engine.CPSAT
    # Fair shares, households and French law do not all walk day by day: CP-SAT plans.
    plant = scenario(employees=[person("a")], rules={"packs": ["core", "FR", "plant", "contract", "people"]})
    assert choose_engine(build_rules(plant)) is Engine.CPSAT
    assert choose_engine(build_rules(plant), "colgen") is Engine.COLGEN
    assert choose_engine(build_rules(_balanced())) is Engine.CPSAT


def test_solve_goes_through_the_chosen_engine() -> None:
    curtois = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    automatic = solve(curtois, SolveOptions(time_limit=10, workers=1))
    assert automatic.strategy.startswith("colgen") and automatic.bound is not None
    forced = solve(curtois, SolveOptions(time_limit=5, workers=1, engine="cpsat"))
    assert not forced.strategy.startswith("colgen")
    for result in (automatic, forced):
        assert result.roster is not None and check_roster(curtois, result.roster).ok


def test_cli_engine_flag_on_plan_and_bench(tmp_path: Path) -> None:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    path = tmp_path / "instance1.yaml"
    save_scenario(source, path)
    result = runner.invoke(app, ["plan", str(path), "--time-limit", "10", "--workers", "1", "--engine", "colgen",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "above the best possible" in result.output
    text = (tmp_path / "out" / "report.json").read_text(encoding="utf-8")
    assert '"bound_kind": "whole objective"' in text
    assert "Lower bound" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    instance = tmp_path / "Instance1.txt"
    instance.write_text(INSTANCE1, encoding="utf-8")
    bench = runner.invoke(app, ["bench", "curtois", str(instance), "--time-limit", "5", "--workers", "1",
                                "--engine", "cpsat"])
    assert bench.exit_code == 0, bench.output
    assert "cpsat" in bench.output
    wrong = runner.invoke(app, ["plan", str(path), "--engine", "simplex", "--out", str(tmp_path / "x")])
    assert wrong.exit_code == 2


def test_frozen_days_stay_as_they_were_under_column_generation() -> None:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    first = plan_colgen(source, SolveOptions(time_limit=5, workers=1))
    assert first.roster is not None
    # Re-plan with the first week frozen to that roster, and the second week free.
    kept = list(first.roster)
    frozen_days = set(range(7))
    again = plan_colgen(source, SolveOptions(time_limit=5, workers=1, engine="colgen", frozen_days=frozen_days,
                                             frozen=Roster(kept)))
    assert again.roster is not None
    week = source.horizon.dates()[:7]
    before = sorted((a.employee, a.date, a.shift) for a in kept if a.date in week)
    after = sorted((a.employee, a.date, a.shift) for a in again.roster if a.date in week)
    assert before == after


def test_a_person_without_a_lawful_schedule_hands_over_to_cp_sat() -> None:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    # A off all the first week: their hours minimum can no longer be met by any schedule of their own.
    result = plan_colgen(source, SolveOptions(time_limit=3, workers=1, frozen_days=set(range(7)),
                                              frozen=Roster([])))
    assert "no lawful schedule of their own" in result.note
    assert not result.strategy.startswith("colgen")


# Curtois-Qu 22 in miniature: the fast labelling (one label per state and minutes) lost every lawful
# schedule of a person with caps and weekends, and column generation claimed they had none.
THREE_SHIFTS = "E,480,\nL,480,E\nN,480,E|L"


def test_the_fast_labelling_keeps_the_label_that_spent_less_of_its_caps() -> None:
    # 14 days, at least 10 shifts, E at most 4, L at most 6, one weekend: at zero prices every label ties, and
    # keeping the first one spent the caps (it found nothing; the exact walk finds a schedule).
    source = to_scenario(parse_curtois(_instance(14, THREE_SHIFTS, "A,E=4|L=6|N=13,6720,4800,3,2,1,1")))
    pricing = _person(source)
    work_price, _ = pricing._work_prices({})
    found = cheapest(pricing.spec, work_price, math.inf, 1, True)
    assert found
    cells = tuple((day, pricing.spec.shifts[shift], "work") for day, shift in enumerate(found[0].days) if shift >= 0)
    assert pricing.judge(cells) is not None  # the checker finds it lawful


def test_a_person_priced_by_the_fast_labelling_never_loses_their_lawful_schedules(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # People priced as year-long ones are (no dense or capped walk fits: the fast labelling for columns).
    from roulement.solve.colgen import dp
    from roulement.solve.colgen import generation as generation_module

    def year_long(source: Scenario) -> None:
        full = _person(source)
        assert full.dense is not None
        monkeypatch.setattr(dp, "DENSE_CELLS", full.dense.cells - 1)
        monkeypatch.setattr(generation_module, "CAPPED_FROM", 0)

    # The 14-day case above: column generation raised "no lawful schedule of their own was found for A".
    source = to_scenario(parse_curtois(_instance(14, THREE_SHIFTS, "A,E=4|L=6|N=13,6720,4800,3,2,1,1")))
    year_long(source)
    assert _person(source).dense is None
    rules = build_rules(source)
    generated = generate(source, rules, time.monotonic() + 10)
    assert generated.master.columns
    alone = source.model_copy(update={"demand": []})
    personal = [rule for rule in rules if rule.id not in ("core.coverage", "core.safety-minimum")]
    for column in generated.master.columns:
        assert check_roster(alone, Roster(generated.master.assignments([column])), personal).ok
    # 7 days, at least 4 shifts, E at most once, L at most 3 times, no weekend: the fast labelling finds nothing
    # even with its tie-break, yet E L L L exists. CP-SAT on the person alone decides instead.
    source = to_scenario(parse_curtois(_instance(7, THREE_SHIFTS, "A,E=1|L=3|N=0,3360,1920,5,2,2,0")))
    monkeypatch.undo()
    year_long(source)
    pricing = _person(source)
    assert pricing.dense is None and pricing.capped is None and pricing.loose is not None
    work_price, _ = pricing._work_prices({})
    assert cheapest(pricing.spec, work_price, math.inf, 1, True) == []  # the heuristic alone fails here
    schedules, _, _ = pricing.price({}, math.inf, True, 2.0, 0)
    assert schedules and pricing.judge(schedules[0]) is not None
    # Under a dive's fixings (day 0 off) the same fallback finds a schedule that keeps them (E L L L on days 1
    # to 4), and proves that none exists with days 0 and 1 off (no weekend: 3 days left, 4 shifts needed).
    fixed, _, proven = pricing.price({}, math.inf, True, 2.0, 0, choices={0: frozenset({OFF})})
    assert proven and fixed
    assert pricing.judge(fixed[0]) is not None
    assert all(day != 0 for day, _, _ in fixed[0])
    none, lowest, proven = pricing.price({}, math.inf, True, 2.0, 0, choices={0: frozenset({OFF}), 1: frozenset({OFF})})
    assert (none, lowest, proven) == ([], None, True)
