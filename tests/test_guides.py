"""The people-first search: fair-share bands and couples' days off guide a fresh plan, never a re-plan."""

from __future__ import annotations

from ortools.sat.python import cp_model

from roulement.check import check_roster
from roulement.model.roster import Roster, Timeline
from roulement.model.scenario import Scenario
from roulement.rules.packs import build_rules
from roulement.rules.people import counts_toward
from roulement.solve import SolveOptions
from roulement.solve.builder import BuildOptions, ModelBuilder
from roulement.solve.guides import Guides
from roulement.solve.search import solve
from tests.factory import scenario

DECLARED = {"declared_by": "e0", "purpose": "roster"}


def plant(days: int = 14) -> Scenario:
    people = [{"id": f"e{i}", "skills": ["op"]} for i in range(8)]
    return scenario(days=days, employees=people, demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}],
                    households=[{"id": "foyer", "members": ["e0", "e1"], "declaration": DECLARED,
                                 "shared_days_off": {"weight": 3}}])


def nights(chosen: Scenario, roster: Roster) -> dict[str, int]:
    timeline = Timeline(chosen, roster)
    return {e.id: sum(1 for item in timeline.by_employee.get(e.id, []) if counts_toward("nights", item.occurrence))
            for e in chosen.employees}


def solved(builder: ModelBuilder) -> Roster:
    """The roster of the builder's model, with whatever guides are switched on."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 2
    assert solver.solve(builder.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return builder.roster(solver.boolean_value)


def test_a_fresh_plan_is_guided_and_stays_lawful() -> None:
    chosen = plant()
    result = solve(chosen, SolveOptions(time_limit=8, workers=2))
    assert result.roster is not None
    assert result.note.startswith("guided search: fair-share bands and hours of 8 people near target kept")
    assert check_roster(chosen, result.roster).violations == []
    counts = nights(chosen, result.roster)
    # Eight equal peers share the nights: within one of each other.
    assert max(counts.values()) - min(counts.values()) <= 1
    # Nothing keeps the couple apart here: they work the same days.
    worked = {e: {a.date for a in result.roster if a.employee == e} for e in ("e0", "e1")}
    assert worked["e0"] == worked["e1"]
    assert "couples apart on 0 days" in result.note


def test_a_hinted_solve_is_not_guided() -> None:
    chosen = plant()
    first = solve(chosen, SolveOptions(time_limit=4, workers=2, guided=False))
    assert first.roster is not None and "guided" not in first.note
    again = solve(chosen, SolveOptions(time_limit=4, workers=2, hint=first.roster))
    assert "guided" not in again.note


def test_ignoring_people_leaves_only_the_hours_guide() -> None:
    chosen = plant()
    rules = build_rules(chosen, frozenset({"people"}))
    guides = Guides.for_model(ModelBuilder(chosen, rules, BuildOptions()), rules)
    assert guides is not None and not guides.groups and not guides.apart and guides.hours_held == 8
    bare = build_rules(chosen, frozenset({"people", "contract"}))
    assert Guides.for_model(ModelBuilder(chosen, bare, BuildOptions()), bare) is None


def test_hours_are_held_at_the_least_deviation_the_shifts_allow() -> None:
    chosen = plant()
    rules = build_rules(chosen)
    builder = ModelBuilder(chosen, rules, BuildOptions())
    guides = Guides.for_model(builder, rules)
    assert guides is not None
    guides.switch(True)
    roster = solved(builder)
    # The factory's shifts are 7.5 h worked; a 35 h week over 14 days is 70 h. Nine shifts (67.5 h) come
    # nearest, so everyone works exactly nine.
    worked = {e.id: sum(1 for a in roster if a.employee == e.id) for e in chosen.employees}
    assert set(worked.values()) == {9}


def test_bands_hold_every_peer_within_one_shift_of_the_shares_of_a_roster() -> None:
    chosen = plant()
    rules = build_rules(chosen)
    builder = ModelBuilder(chosen, rules, BuildOptions())
    guides = Guides.for_model(builder, rules)
    assert guides is not None and guides.groups and len(guides.apart) == 1
    # A lopsided roster to take the shares from: 14 nights, all on e7 (values read as if it were the roster).
    lopsided = {lit.index for e, literals in guides.groups[0].members if e.id == "e7" for lit in literals}
    guides.band_fair_shares(lambda lit: int(lit.index in lopsided))
    guides.switch(True)
    counts = nights(chosen, solved(builder))
    # 14 nights among 8 peers: a share of 1.75 each, so every count is 1 or 2.
    assert set(counts.values()) <= {1, 2}


def test_couples_are_kept_no_further_apart_than_step_two_left_them() -> None:
    chosen = plant()
    rules = build_rules(chosen)
    builder = ModelBuilder(chosen, rules, BuildOptions())
    guides = Guides.for_model(builder, rules)
    assert guides is not None
    guides.keep_couples(lambda lit: 0)  # as if the couple were never apart
    guides.switch(True)
    roster = solved(builder)
    worked = {e: {a.date for a in roster if a.employee == e} for e in ("e0", "e1")}
    assert worked["e0"] == worked["e1"]
    assert check_roster(chosen, roster).violations == []
