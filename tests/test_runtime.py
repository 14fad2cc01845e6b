"""The solver runtime: how every CpSolver is made, run, stopped, hinted and pinned."""

from __future__ import annotations

import threading
import time

import pytest
from ortools.sat.python import cp_model

from roulement.solve.runtime import (
    SOLVED,
    Progress,
    Settings,
    Watcher,
    domains_of,
    hint_solution,
    hint_values,
    new_solver,
    pinned,
    run,
)


def hard_model(size: int = 60) -> cp_model.CpModel:
    """A large subset-sum minimisation: CP-SAT finds solutions at once and takes long to prove the best."""
    model = cp_model.CpModel()
    chosen = [model.new_bool_var(f"x{i}") for i in range(size)]
    weights = [(i * 7919) % 1000 + 1 for i in range(size)]
    total = sum(w * x for w, x in zip(weights, chosen, strict=True))
    model.add(total >= sum(weights) // 3)
    model.add(sum(chosen) == size // 2)
    model.minimize(total * 1000 + sum((i % 13) * x for i, x in enumerate(chosen)))
    return model


def test_a_solver_is_made_from_settings() -> None:
    one = new_solver(Settings(workers=1, seed=3), 5.0)
    assert one.parameters.interleave_search and one.parameters.random_seed == 3
    assert not one.parameters.catch_sigint_signal
    two = new_solver(Settings(workers=2, seed=3, presolve_iterations=1), 2.5, seed=9, first_solution_only=True)
    assert not two.parameters.interleave_search and two.parameters.num_workers == 2
    assert two.parameters.random_seed == 9 and two.parameters.stop_after_first_solution
    assert two.parameters.max_time_in_seconds == 2.5 and two.parameters.max_presolve_iterations == 1
    assert not new_solver(Settings(workers=1), 1.0, interleave=False).parameters.interleave_search


def test_a_stop_event_ends_the_search_with_what_it_found() -> None:
    stop = threading.Event()
    seen: list[Progress] = []
    watcher = Watcher(time.monotonic(), seen.append)
    solver = new_solver(Settings(workers=2), 60.0)
    threading.Timer(0.5, stop.set).start()
    began = time.monotonic()
    outcome = run(solver, hard_model(), watcher, stop)
    assert outcome.interrupted
    assert time.monotonic() - began < 30  # far below the 60 s limit: the stop reached the search
    assert outcome.status in (cp_model.FEASIBLE, cp_model.UNKNOWN)
    assert watcher.solutions == len(seen) and (outcome.status != cp_model.FEASIBLE or seen)


def test_giving_up_without_a_roster_stops_the_search() -> None:
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(30)]
    # Pigeonhole: 30 pigeons in 29 holes, slow to prove infeasible without a roster ever found.
    holes = [[model.new_bool_var(f"p{i}h{h}") for h in range(29)] for i in range(30)]
    for i in range(30):
        model.add_exactly_one(holes[i])
        model.add_implication(x[i], holes[i][0])
    for h in range(29):
        model.add_at_most_one(holes[i][h] for i in range(30))
    began = time.monotonic()
    outcome = run(new_solver(Settings(workers=1), 60.0, interleave=False), model, Watcher(began), None, (began, 0.5))
    assert not outcome.interrupted and outcome.status in (cp_model.UNKNOWN, cp_model.INFEASIBLE)
    assert time.monotonic() - began < 30


def test_hints_start_the_next_search_from_a_complete_solution() -> None:
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    y = model.new_bool_var("y")
    model.add(x + 5 * y <= 12)
    hint_values(model, [7, 1])
    fixed = new_solver(Settings(workers=1), 5.0)
    fixed.parameters.fix_variables_to_their_hinted_value = True
    assert run(fixed, model).solved and (fixed.value(x), fixed.value(y)) == (7, 1)
    # The solution of one search becomes the complete hint of the next.
    model.add(x <= 3)
    first = new_solver(Settings(workers=1), 5.0)
    assert run(first, model).solved
    hint_solution(model, first)
    assert list(model.proto.solution_hint.vars) == [0, 1]
    assert list(model.proto.solution_hint.values) == [first.value(x), first.value(y)]


def test_pinned_domains_hold_for_one_search_and_are_restored() -> None:
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    y = model.new_bool_var("y")
    model.maximize(x + y)
    before = domains_of(model, [x.index, y.index])
    with pinned(model, [x.index, y.index]) as pin:
        pin({x.index: (2, 4), y.index: (0, 0)})
        solver = new_solver(Settings(workers=1), 5.0)
        assert run(solver, model).status in SOLVED
        assert (solver.value(x), solver.value(y)) == (4, 0)
    assert domains_of(model, [x.index, y.index]) == before == {x.index: (0, 10), y.index: (0, 1)}
    with pytest.raises(RuntimeError), pinned(model, [x.index]) as pin:
        pin({x.index: (5, 5)})
        raise RuntimeError("a search that fails")
    assert domains_of(model, [x.index]) == {x.index: (0, 10)}
