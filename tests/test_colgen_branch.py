"""Branch and price (`branch.py`): small hand-made cases whose LP over schedules is fractional, solved to the
proven optimum, against CP-SAT's own proof; every roster judged by the independent checker."""

from __future__ import annotations

import math
import time

import pytest

from roulement.check.checker import check_roster
from roulement.formats.curtois import parse_curtois, to_scenario
from roulement.model.costs import least_whole_cost
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.rules.packs import build_rules
from roulement.solve.colgen import engine
from roulement.solve.colgen.branch import branch_and_price
from roulement.solve.colgen.engine import plan_colgen
from roulement.solve.colgen.generation import generate
from roulement.solve.lns import plan_best
from roulement.solve.options import SolveOptions
from tests.test_colgen import _instance
from tests.test_curtois import INSTANCE1

SHIFTS = "E,480,\nL,600,E"
# Three people over a week, E and L covered by one each day; caps on L, hours windows, runs of work and rest.
# The LP over schedules is 6.67 and 31.25 where the best rosters cost 12 and 101: only branching proves them.
CASES = {
    "caps-and-runs": _instance(7, SHIFTS, "A,E=7|L=2,3000,960,4,2,2,1\nB,E=7|L=3,2400,1440,3,1,1,1\n"
                                          "C,E=7|L=3,2880,1920,4,2,2,1",
                               requests_on="B,2,L,3\nC,4,E,3\nA,1,L,3\nB,6,L,3"),
    "short-of-staff": _instance(7, SHIFTS, "A,E=7|L=7,3000,1920,3,1,2,1\nB,E=7|L=1,2880,960,4,1,1,1\n"
                                           "C,E=7|L=1,2880,960,5,1,2,1",
                                requests_on="B,1,L,3\nA,2,E,1\nA,3,L,3\nC,5,E,1"),
}


def _optimum(source: Scenario) -> float:
    """The optimum by the CP-SAT search, with its own proof."""
    result = plan_best(source, SolveOptions(time_limit=30, workers=1), build_rules(source))
    assert result.status == "OPTIMAL" and result.objective is not None
    return result.objective


@pytest.mark.parametrize("name", sorted(CASES))
def test_branch_and_price_proves_the_optimum_where_the_lp_is_fractional(name: str) -> None:
    source = to_scenario(parse_curtois(CASES[name], name, name))
    rules = build_rules(source)
    generation = generate(source, rules, math.inf)
    assert generation.bound is not None and generation.bound.converged
    optimum = _optimum(source)
    assert least_whole_cost(generation.bound.value) < optimum  # the LP alone cannot prove it: branching is needed
    searched = branch_and_price(generation, time.monotonic() + 60)
    assert searched.exhausted and searched.columns is not None
    assert searched.value == pytest.approx(optimum) and searched.bound == pytest.approx(optimum)
    assert searched.nodes > 1
    checked = check_roster(source, Roster(generation.master.assignments(searched.columns)), rules)
    assert checked.ok and checked.total == optimum
    # One schedule per person.
    assert sorted(column.employee for column in searched.columns) == sorted(e.id for e in source.employees)


def test_from_an_optimal_roster_in_hand_the_tree_proves_it_and_finds_nothing_cheaper() -> None:
    source = to_scenario(parse_curtois(CASES["caps-and-runs"], "c", "c"))
    generation = generate(source, build_rules(source), math.inf)
    optimum = _optimum(source)
    searched = branch_and_price(generation, time.monotonic() + 60, upper=optimum)
    assert searched.exhausted and searched.columns is None
    assert searched.bound == pytest.approx(optimum)
    # From a dearer roster in hand, the optimum is found all the same.
    again = branch_and_price(generate(source, build_rules(source), math.inf), time.monotonic() + 60,
                             upper=optimum + 5)
    assert again.exhausted and again.value == pytest.approx(optimum)


def test_out_of_time_the_bound_is_still_a_bound_and_nothing_is_claimed() -> None:
    source = to_scenario(parse_curtois(CASES["short-of-staff"], "s", "s"))
    generation = generate(source, build_rules(source), math.inf)
    searched = branch_and_price(generation, time.monotonic())  # no time at all
    assert not searched.exhausted
    assert searched.bound is None or searched.bound <= _optimum(source) + 1e-6


def test_instance1_is_proven_optimal_by_the_engine_and_by_the_tree_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    rules = build_rules(source)
    generation = generate(source, rules, math.inf)
    assert generation.bound is not None and least_whole_cost(generation.bound.value) < 607  # LP 558
    searched = branch_and_price(generation, time.monotonic() + 120)
    assert searched.exhausted and searched.value == pytest.approx(607) and searched.columns is not None
    checked = check_roster(source, Roster(generation.master.assignments(searched.columns)), rules)
    assert checked.ok and checked.total == 607
    monkeypatch.setattr(engine, "BRANCH_AND_PRICE", True)
    result = plan_colgen(source, SolveOptions(time_limit=30, workers=1), rules)
    assert result.roster is not None and result.status == "OPTIMAL"
    assert result.objective == 607 and result.bound == 607
    checked = check_roster(source, result.roster, rules)
    assert checked.ok and checked.total == 607
