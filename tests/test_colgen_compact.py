"""The compact model's linear relaxation as a lower bound (`colgen/compact.py`)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from roulement.check.checker import check_roster
from roulement.cli.bench import DEFAULT_INSTANCES
from roulement.formats.curtois import parse_curtois, read_curtois, to_scenario
from roulement.model.scenario import Scenario
from roulement.rules.packs import build_rules
from roulement.solve.colgen import choice
from roulement.solve.colgen import engine as colgen_engine
from roulement.solve.colgen.bound import covered_cost
from roulement.solve.colgen.compact import CompactBound, CompactRelaxation, compact_bound
from roulement.solve.colgen.generation import generate
from roulement.solve.engine import solve
from roulement.solve.options import SolveOptions
from roulement.solve.search import solve as search_solve
from tests.test_colgen import _balanced
from tests.test_curtois import INSTANCE1

# Proven optima (best_known.csv: lower bound = upper bound).
OPTIMA = {1: 607, 2: 828, 3: 1001, 4: 1716}


def _curtois(number: int) -> Scenario:
    if number == 1:
        return to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    # Beside the repository (main's checkout), or beside a worktree's folder of worktrees.
    for folder in (DEFAULT_INSTANCES, Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "curtois"):
        path = folder / f"Instance{number}.txt"
        if path.exists():
            return to_scenario(read_curtois(path))
    pytest.skip(f"Instance{number}.txt is not here")


@pytest.mark.parametrize("number", sorted(OPTIMA))
def test_the_compact_bound_is_positive_and_at_most_the_optimum(number: int) -> None:
    source = _curtois(number)
    found = compact_bound(source, build_rules(source), 60.0)
    assert found is not None and found.kind == "whole objective"
    assert 0 < found.whole <= OPTIMA[number]
    # The value printed is the dual bound computed here, never above HiGHS's own LP value.
    assert found.value <= found.lp_value + 1e-6


def test_the_dual_bound_holds_at_any_duals() -> None:
    """The bound is valid for every vector of duals, not only the LP's: random ones, of every sign and size,
    never give more than the optimum (a sign or a side taken the wrong way would, at once)."""
    source = _curtois(1)
    relaxation = CompactRelaxation(source, build_rules(source))
    rows, _ = relaxation.shape
    generator = np.random.default_rng(7)
    for scale in (1.0, 10.0, 100.0, 1000.0):
        for _ in range(50):
            duals = generator.normal(0.0, scale, rows)
            assert relaxation.dual_bound(duals) <= OPTIMA[1]
    solved = relaxation.solve(60.0)
    assert solved is not None and solved.value == pytest.approx(solved.lp_value, abs=1e-3)


def _one_person(days: int, shifts: str, staff: str, cover: str) -> Scenario:
    text = (f"SECTION_HORIZON\n{days}\n\nSECTION_SHIFTS\n{shifts}\n\nSECTION_STAFF\n{staff}\n\n"
            f"SECTION_DAYS_OFF\n\nSECTION_SHIFT_ON_REQUESTS\n\nSECTION_SHIFT_OFF_REQUESTS\n\nSECTION_COVER\n{cover}\n")
    return to_scenario(parse_curtois(text, "hand", "hand"))


# One person, two covers of 1 (a missing person costs 100), and one rule that lets them hold only one: each
# relaxation's value is exactly 100, the optimum. Without that rule's rows it would be 0; with a row of the
# wrong sense, 200 or infeasible.
ONE_ROW_CASES = {
    # at most one day in a row
    "max-consecutive": (2, "E,480,", "A,E=2,960,0,1,1,1,1", "0,E,1,100,1\n1,E,1,100,1"),
    # L may not be followed by E
    "succession": (2, "E,480,\nL,480,E", "A,E=2|L=2,960,0,2,1,1,1", "0,L,1,100,1\n1,E,1,100,1"),
    # at most 480 minutes
    "hours": (2, "E,480,", "A,E=2,480,0,2,1,1,1", "0,E,1,100,1\n1,E,1,100,1"),
    # at most one E
    "cap": (2, "E,480,", "A,E=1,960,0,2,1,1,1", "0,E,1,100,1\n1,E,1,100,1"),
    # runs of work at least 2 days: day 1 alone (days 0 and 2 have no cover, so no shift) is no lawful run
    "min-consecutive": (3, "E,480,", "A,E=3,1440,0,3,2,1,1", "1,E,1,100,1"),
    # rest at least 2 days: working days 0 and 2 leaves a single day off between
    "min-rest": (3, "E,480,", "A,E=3,1440,0,3,1,2,1", "0,E,1,100,1\n2,E,1,100,1"),
    # no weekend (days 5 and 6 are Saturday and Sunday)
    "weekends": (7, "E,480,", "A,E=7,3360,0,7,1,1,0", "5,E,1,100,1"),
}


@pytest.mark.parametrize("name", sorted(ONE_ROW_CASES))
def test_each_rule_of_the_walk_is_a_row_of_the_relaxation(name: str) -> None:
    source = _one_person(*ONE_ROW_CASES[name])
    rules = build_rules(source)
    found = compact_bound(source, rules, 30.0)
    assert found is not None
    assert found.value == pytest.approx(100.0, abs=1e-4)
    # The optimum is 100 too (CP-SAT's proof), so the bound is tight here and never above it.
    best = search_solve(source, SolveOptions(time_limit=10, workers=1), rules=rules)
    assert best.status == "OPTIMAL" and best.objective == 100


def test_a_plan_too_large_for_column_generation_reports_the_compact_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    source = _curtois(1)
    rules = build_rules(source)
    # Instance1 as if it were too large for column generation: `auto` plans by the CP-SAT search.
    monkeypatch.setattr(choice, "COLGEN_MAX_DECISIONS", 0)
    result = solve(source, SolveOptions(time_limit=8, workers=1), rules=rules)
    assert result.strategy != "colgen" and result.roster is not None
    checked = check_roster(source, result.roster, rules)
    assert checked.ok and checked.total == result.objective
    relaxation = compact_bound(source, rules, 30.0)
    assert relaxation is not None and result.bound is not None
    # The compact bound (or CP-SAT's own, when higher), never above the roster nor the optimum.
    assert relaxation.whole <= result.bound <= min(result.objective, OPTIMA[1])
    assert (result.bound_kind or "whole objective") == "whole objective"  # None: CP-SAT's, the whole objective
    assert "compact relaxation's bound" in result.note


def test_a_compact_bound_above_the_rosters_cost_is_never_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    source = _curtois(1)
    rules = build_rules(source)
    wrong = CompactBound(10_000.0, "whole objective", [], 0.1, 10_000.0, [], 0, 0)
    monkeypatch.setattr(colgen_engine, "compact_bound", lambda *args: wrong)
    result = colgen_engine.with_compact_bound(source, SolveOptions(time_limit=5, workers=1), rules,
                                              lambda left: search_solve(source, left, rules=rules))
    assert result.roster is not None and result.objective is not None and result.objective < 10_000
    assert result.bound is None or result.bound <= result.objective
    assert "discarded" in result.note


@pytest.mark.parametrize("smoothing", [0.0, 0.5])
def test_column_generation_started_from_the_compact_relaxation_ends_at_the_same_lp(smoothing: float) -> None:
    source = _curtois(1)
    rules = build_rules(source)
    plain = generate(source, rules, deadline=math.inf, smoothing=smoothing)
    printed: list[float] = []
    started = generate(source, rules, deadline=math.inf, smoothing=smoothing, compact_start=True,
                       on_bound=lambda bound: printed.append(bound.value))
    notes = " ".join(started.notes)
    assert "compact relaxation's bound" in notes and "Lagrangian bound" in notes
    # The first bound is the relaxation's, the next the schedules' own at its duals: both bounds, and higher.
    assert len(printed) >= 2 and 0 < printed[0] < printed[1] <= OPTIMA[1]
    assert all(value <= OPTIMA[1] + 1e-6 for value in printed)
    assert plain.bound is not None and started.bound is not None and started.bound.converged
    assert started.master.solve() == pytest.approx(plain.master.solve(), abs=1e-4)


def test_only_plans_column_generation_would_take_but_for_their_size_get_the_compact_bound_first() -> None:
    source = _curtois(1)
    rules = build_rules(source)
    assert colgen_engine.wants_compact_bound(rules, fresh=True, hard_minimums=False)
    assert not colgen_engine.wants_compact_bound(rules, fresh=False, hard_minimums=False)
    assert not colgen_engine.wants_compact_bound(rules, fresh=True, hard_minimums=True)
    tied = _balanced()
    assert not colgen_engine.wants_compact_bound(build_rules(tied), fresh=True, hard_minimums=False)
    # Forced, the CP-SAT search runs alone.
    forced = solve(source, SolveOptions(time_limit=3, workers=1, engine="cpsat"), rules=rules)
    assert "compact relaxation" not in (forced.note or "")


def test_the_compact_bound_says_which_terms_it_leaves_out_and_stays_below_their_cost() -> None:
    source = _balanced()
    rules = build_rules(source)
    found = compact_bound(source, rules, 30.0)
    assert found is not None and found.excludes == ["contract.balanced-shifts"]
    assert found.kind == "terms that decompose by person (excludes contract.balanced-shifts)"
    result = search_solve(source, SolveOptions(time_limit=5, workers=1), rules=rules)
    assert result.roster is not None
    assert found.value <= covered_cost(source, result.roster, rules, found.excludes) + 1e-6
