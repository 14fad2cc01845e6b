"""The rotation in the scenario: validated like the rest, errors naming file, line and field."""

from __future__ import annotations

import datetime as dt

from roulement.formats.scenario_yaml import parse_scenario, scenario_to_yaml
from tests.factory import yaml_problem, yaml_problems

# Line numbers below are those of this text (line 1 is `site:`).
GOOD = """\
site:
  name: Test plant
  jurisdiction: FR
horizon:
  start: 2026-11-30
  days: 28
shifts:
  - {id: M, start: "05:00", end: "13:00"}
  - {id: A, start: "13:00", end: "21:00"}
  - {id: N, start: "21:00", end: "05:00"}
posts:
  - id: line
demand:
  - {post: line, shifts: [M, A, N], min: 1}
employees:
  - {id: e1, crew: A}
  - {id: e2, crew: volants}
  - {id: e3}
rotation:
  anchor: 2026-11-30
  cycle:
    - [M, M, A, A, N, N, -]
    - [-, -, -, M, M, A, A]
    - [N, N, -, -, -, -, M]
  crews:
    - {id: A, name: Équipe A, start_week: 1}
    - {id: B, start_week: 2}
    - {id: C, start_week: 3}
  relief_pool: {id: volants, name: Volants}
"""


def test_the_base_rotation_is_valid_and_gives_each_crew_its_shift() -> None:
    plant = parse_scenario(GOOD, "plant.yaml")
    rotation = plant.rotation
    assert rotation is not None
    monday = dt.date(2026, 11, 30)
    # Week 1: crew A works row 1, crew B row 2, crew C row 3.
    assert [rotation.token_on("A", monday + dt.timedelta(days=d)) for d in range(7)] == list("MMAANN-")
    assert rotation.shift_on("B", monday + dt.timedelta(days=3)) == "M"
    assert rotation.shift_on("C", monday) == "N"
    # Three weeks later crew A is back on row 1; the week before the anchor it worked row 3.
    assert rotation.shift_on("A", monday + dt.timedelta(weeks=3, days=4)) == "N"
    assert rotation.shift_on("A", monday - dt.timedelta(days=1)) == "M"
    assert rotation.shift_on("A", monday + dt.timedelta(days=6)) is None
    assert [e.crew for e in plant.employees] == ["A", "volants", None]


def test_the_rotation_survives_a_round_trip_through_yaml() -> None:
    plant = parse_scenario(GOOD, "plant.yaml")
    again = parse_scenario(scenario_to_yaml(plant), "again.yaml")
    assert again.rotation == plant.rotation


def test_a_row_of_six_tokens() -> None:
    problem = yaml_problem(GOOD.replace("    - [-, -, -, M, M, A, A]", "    - [-, -, M, M, A, A]"))
    assert problem.startswith("plant.yaml:23: rotation.cycle[1]: a cycle row has exactly 7 tokens"), problem


def test_an_unknown_shift_code() -> None:
    problem = yaml_problem(GOOD.replace("    - [N, N, -, -, -, -, M]", "    - [N, N, -, -, -, -, X]"))
    assert problem.startswith("plant.yaml:24: rotation.cycle[2][6]: unknown shift code ('-' for off) 'X'"), problem


def test_a_crew_starting_outside_the_cycle() -> None:
    problem = yaml_problem(GOOD.replace("{id: C, start_week: 3}", "{id: C, start_week: 4}"))
    assert problem == "plant.yaml:28: rotation.crews[2].start_week: start week 4 is outside the cycle of 3 week(s)"


def test_an_anchor_that_is_not_a_monday() -> None:
    problem = yaml_problem(GOOD.replace("  anchor: 2026-11-30", "  anchor: 2026-12-01"))
    assert problem.startswith("plant.yaml:20: rotation.anchor: the anchor 2026-12-01 is a Tuesday"), problem


def test_duplicate_crews_and_a_pool_named_like_a_crew_are_each_reported() -> None:
    text = GOOD.replace("{id: B, start_week: 2}", "{id: A, start_week: 2}").replace(
        "{id: volants, name: Volants}", "{id: C}").replace("crew: volants", "crew: C")
    problems = yaml_problems(text)
    assert problems == [
        "plant.yaml:27: rotation.crews[1].id: duplicate crew id 'A'",
        "plant.yaml:29: rotation.relief_pool.id: relief pool id 'C' is also a crew id",
    ]


def test_an_unknown_crew() -> None:
    problem = yaml_problem(GOOD.replace("{id: e1, crew: A}", "{id: e1, crew: Z}"))
    assert problem.startswith("plant.yaml:16: employees[0].crew: unknown crew or relief pool 'Z'"), problem


def test_a_crew_without_a_rotation() -> None:
    text = GOOD.split("rotation:")[0].replace("{id: e2, crew: volants}", "{id: e2}")
    problem = yaml_problem(text)
    assert problem == "plant.yaml:16: employees[0].crew: crew 'A' is set but the scenario has no rotation"


def test_an_unknown_post_in_the_rotation() -> None:
    text = GOOD.replace("  relief_pool:", "  posts: [line, lab]\n  relief_pool:")
    problem = yaml_problem(text)
    assert problem.startswith("plant.yaml:29: rotation.posts[1]: unknown post 'lab'"), problem
