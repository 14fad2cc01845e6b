"""The planner's grid: an edit judged incrementally finds exactly what a full check finds; the grid carries
posts, per-post coverage, counters, holidays and the rules' statements in three languages."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roulement.check import check_roster
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Scenario
from roulement.web.views import counters, full_violations, judge_edit, roster_grid
from tests.conftest import Site, small_plant, small_roster


def _as_set(violations: list) -> list:  # type: ignore[type-arg]
    return sorted(repr(sorted(v.as_dict().items())) for v in violations)


def _edit(scenario: Scenario, roster: Roster, employee: str, day: int, shift: str | None) -> Roster:
    date = scenario.horizon.start + dt.timedelta(days=day)
    kept = [a for a in roster if not (a.employee == employee and a.date == date)]
    if shift is not None:
        post = scenario.eligible_posts(scenario.employee(employee))[0].id
        kept.append(Assignment(employee, date, shift, post))
    return Roster(kept)


EDITS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 6), st.sampled_from(["M", "A", "N", None])),
                 min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS)
def test_an_edit_judged_incrementally_equals_a_full_check(edits: list[tuple[int, int, str | None]]) -> None:
    scenario = small_plant()
    roster = small_roster()
    violations = full_violations(scenario, roster)
    for index, day, shift in edits:
        employee = f"e{index}"
        roster = _edit(scenario, roster, employee, day, shift)
        violations = judge_edit(scenario, violations, roster, employee)
        assert _as_set(violations) == _as_set(check_roster(scenario, roster).violations)
        assert counters_of(scenario, roster, employee) == counters_of(scenario, roster, None)[employee]


def counters_of(scenario: Scenario, roster: Roster, only: str | None):  # type: ignore[no-untyped-def]
    from roulement.model.roster import Timeline

    found = counters(Timeline(scenario, roster), only)
    return found[only] if only else found


@pytest.mark.slow
def test_on_kos_an_edit_judged_incrementally_equals_a_full_check() -> None:
    from roulement import service
    from roulement.formats.roster_csv import parse_roster

    scenario = service.example("kos")
    text = gzip.decompress((Path(__file__).parent / "data" / "kos-roster.csv.gz").read_bytes()).decode()
    roster = parse_roster(text, scenario)
    violations = full_violations(scenario, roster)
    for employee, day, shift in ((scenario.employees[0].id, 3, "N"), (scenario.employees[7].id, 10, None),
                                 (scenario.employees[0].id, 4, "M")):
        roster = _edit(scenario, roster, employee, day, shift)
        violations = judge_edit(scenario, violations, roster, employee)
        assert _as_set(violations) == _as_set(check_roster(scenario, roster).violations)


def test_the_grid_carries_posts_coverage_per_post_counters_holidays_and_statements(site: Site) -> None:
    grid, _ = roster_grid(small_plant(), small_roster())
    assert grid["posts_of_cells"]["e0"]["2026-01-05"] == "line"
    assert grid["coverage_posts"]["2026-01-05"]["line"]["M"] == [1, 1, 1]  # min, preferred, assigned
    assert grid["counters"]["e0"] == {"hours": 32.0, "target": 28.0, "tolerance": 6.0, "nights": 0,
                                      "sundays": 1}
    assert set(grid["statements"]["fr.daily-rest"]) == {"en", "fr", "de"}
    assert "repos" in grid["statements"]["fr.daily-rest"]["fr"]
    api = site.client("paula").get(f"/api/rosters/{site.roster_id}").json()
    assert {"id": "line", "name": "line"} in api["posts"] and api["employees"][0]["posts"] == ["line"]
    edited = site.client("paula").put(f"/api/rosters/{site.roster_id}/cell", json={
        "version": 1, "employee": "e2", "date": "2026-01-06", "shift": "M", "post": "line"}).json()
    assert edited["cells"] == {"e2": {"2026-01-05": "A", "2026-01-06": "M", "2026-01-07": "A", "2026-01-09": "A",
                                      "2026-01-11": "A"}}
    assert edited["counters"]["e2"]["hours"] == 40.0 and edited["coverage_posts"]["2026-01-06"]["line"]["M"][2] == 2
    assert {v["rule"] for v in edited["caused"]} >= {"fr.daily-rest"}


def _rotating_plant() -> Scenario:
    """Two crews on weekdays, one on mornings while the other is on afternoons, swapping each week; a pool."""
    from tests.factory import MONDAY, person, scenario

    people = [person(f"a{i}", crew="A") for i in range(2)] + [person(f"b{i}", crew="B") for i in range(2)]
    base = scenario(employees=[*people, person("p0", crew="pool")],
                    demand=[{"post": "line", "shifts": ["M", "A"], "days": "weekdays", "min": 2}])
    data = base.model_dump(mode="json", exclude_none=True)
    data["rotation"] = {"anchor": MONDAY.isoformat(),
                        "cycle": [["M", "M", "M", "M", "M", "-", "-"], ["A", "A", "A", "A", "A", "-", "-"]],
                        "crews": [{"id": "A", "name": "Alpha", "start_week": 1}, {"id": "B", "start_week": 2}],
                        "relief_pool": {"id": "pool", "name": "Relief"}}
    return Scenario.model_validate(data)


def _the_cycle(plant: Scenario) -> Roster:
    from roulement.rules.follow_cycle import planned

    return Roster([Assignment(employee, day, shift, "line") for (employee, day), shift in planned(plant).items()
                   if shift is not None])


def test_the_grid_shows_each_persons_crew_the_cycle_and_the_deviations_from_it(site: Site) -> None:
    from roulement.store import repository

    plant = _rotating_plant()
    monday, tuesday = plant.horizon.start, plant.horizon.start + dt.timedelta(days=1)
    cycle = _the_cycle(plant)
    # a0 off on a cycle working day, b0 on mornings with crew A, p0 (the pool) stands in for a0.
    roster = Roster([a for a in cycle if (a.employee, a.date) not in {("a0", monday), ("b0", tuesday)}]
                    + [Assignment("b0", tuesday, "M", "line"), Assignment("p0", monday, "M", "line")])
    grid, _ = roster_grid(plant, roster)
    assert grid["crews"] == {"A": "Alpha", "B": "B", "pool": "Relief"}
    assert {e["id"]: e["crew"] for e in grid["employees"]}["b1"] == "B"
    assert grid["planned"]["b0"][tuesday.isoformat()] == "A"  # crew B's first week is an afternoon week
    assert grid["deviations"] == {
        "a0": {monday.isoformat(): {"kind": "day_off", "planned": "M", "worked": None}},
        "b0": {tuesday.isoformat(): {"kind": "swap", "planned": "A", "worked": "M"}},
        "p0": {monday.isoformat(): {"kind": "pool", "planned": None, "worked": "M"}}}
    cycle_shifts = sum(1 for a in cycle if a.employee != "p0")
    assert grid["cycle_share"] == round((cycle_shifts - 2) / cycle_shifts, 4)

    # An edit answers the person's deviations afresh: putting a0 back on her cycle's shift lifts hers.
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        scenario_id = repository.add_scenario(session, None, plant, "Rotating").id
        roster_id = repository.add_roster(session, None, scenario_id, roster, "with deviations").id
    paula = site.client("paula")
    assert paula.get(f"/api/rosters/{roster_id}").json()["deviations"]["a0"]
    edited = paula.put(f"/api/rosters/{roster_id}/cell", json={
        "version": 1, "employee": "a0", "date": monday.isoformat(), "shift": "M", "post": "line"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["deviations"] == {"a0": {}}
    assert edited.json()["cycle_share"] == round((cycle_shifts - 1) / cycle_shifts, 4)


def test_a_plant_without_a_rotation_has_no_crews_nor_deviations_in_its_grid() -> None:
    grid, _ = roster_grid(small_plant(), small_roster())
    assert grid["crews"] == {} and grid["deviations"] == {} and grid["cycle_share"] is None


def test_the_councils_report_carries_the_rotations_evaluation_when_there_is_one(site: Site) -> None:
    from roulement.store import repository

    plant = _rotating_plant()
    monday = plant.horizon.start
    roster = Roster([a for a in _the_cycle(plant) if (a.employee, a.date) != ("a0", monday)]
                    + [Assignment("p0", monday, "M", "line")])
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        scenario_id = repository.add_scenario(session, None, plant, "Rotating").id
        roster_id = repository.add_roster(session, None, scenario_id, roster, "cycle and a stand-in").id
    published = site.client("paula").post(f"/api/rosters/{roster_id}/publish",
                                          json={"version": 1, "accept_violations": True})
    assert published.status_code == 201, published.text
    carla = site.client("carla")
    rotating = carla.get(f"/api/publications/{published.json()['id']}/report").json()
    cycle = rotating["cycle"]
    assert cycle is not None and 0 < cycle["share_following"] < 1
    # Kinds by their codes (as the grid's deviations), named by the page in the reader's language; no English.
    assert cycle == {"share_following": cycle["share_following"], "deviations": 2,
                     "by_kind": {"day_off": 1, "pool": 1, "swap": 0, "extra": 0}}
    # A plant without a rotation: no such part.
    plain = site.client("paula").post(f"/api/rosters/{site.roster_id}/publish", json={"version": 1}).json()
    assert carla.get(f"/api/publications/{plain['id']}/report").json()["cycle"] is None
