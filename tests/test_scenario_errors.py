"""Bad input gets an error that names the place: file, line and field, one problem per mistake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from roulement.check import check_roster
from roulement.formats.roster_csv import RosterError, load_roster, parse_roster
from roulement.formats.scenario_yaml import ScenarioError, load_scenario, parse_scenario
from roulement.rules.packs import build_rules
from tests.factory import yaml_problem, yaml_problems

# Line numbers below are those of this text (line 1 is `site:`); a field is located at its key's line.
GOOD = """\
site:
  name: Test plant
  jurisdiction: FR
horizon:
  start: 2026-01-05
  days: 7
shifts:
  - id: M
    start: "05:00"
    end: "13:00"
    break_minutes: 30
  - id: N
    start: "21:00"
    end: "05:00"
    break_minutes: 30
skills:
  - id: op
posts:
  - id: line
    skills: [op]
demand:
  - post: line
    shifts: [M]
    min: 1
employees:
  - id: e1
    skills: [op]
    absences:
      - start: 2026-01-06
        end: 2026-01-07
    requests:
      - kind: day_off
        date: 2026-01-08
  - id: e2
    skills: [op]
"""


def test_the_base_scenario_is_valid() -> None:
    plant = parse_scenario(GOOD, "plant.yaml")
    assert [e.id for e in plant.employees] == ["e1", "e2"]


def test_unknown_skill() -> None:
    problem = yaml_problem(GOOD.replace("  - id: e2\n    skills: [op]", "  - id: e2\n    skills: [op, welding]"))
    assert problem.startswith("plant.yaml:35: employees[1].skills[1]: unknown skill 'welding'")


def test_overlapping_absence() -> None:
    text = GOOD.replace(
        "        end: 2026-01-07\n",
        "        end: 2026-01-07\n      - start: 2026-01-07\n        end: 2026-01-09\n",
    )
    problem = yaml_problem(text)
    assert problem.startswith(
        "plant.yaml:31: employees[0].absences[1]: absence 2026-01-07..2026-01-09 overlaps"
    )


@pytest.mark.parametrize("clock", ['"25:00"', '"7h"', '"12:60"'])
def test_malformed_time(clock: str) -> None:
    problem = yaml_problem(GOOD.replace('end: "13:00"', f"end: {clock}"))
    assert problem.startswith("plant.yaml:10: shifts[0].end: time ")
    assert "is not a clock time HH:MM" in problem


def test_missing_field() -> None:
    problem = yaml_problem(GOOD.replace("    min: 1\n", ""))
    assert problem == "plant.yaml:22: demand[0].min: is required but missing"


def test_unknown_field() -> None:
    problem = yaml_problem(GOOD.replace("    min: 1\n", "    min: 1\n    mni: 2\n"))
    assert problem == "plant.yaml:25: demand[0].mni: is not a known field"


def test_duplicate_id() -> None:
    problem = yaml_problem(GOOD.replace("  - id: e2", "  - id: e1"))
    assert problem == "plant.yaml:34: employees[1].id: duplicate id 'e1'"


def test_unknown_shift_in_demand() -> None:
    problem = yaml_problem(GOOD.replace("    shifts: [M]", "    shifts: [M, X]"))
    assert problem.startswith("plant.yaml:23: demand[0].shifts[1]: unknown shift 'X' (known: M, N)")


def test_request_date_outside_the_horizon() -> None:
    problem = yaml_problem(GOOD.replace("        date: 2026-01-08", "        date: 2026-02-08"))
    assert problem == "plant.yaml:33: employees[0].requests[0].date: 2026-02-08 is outside the horizon"


# --- accepted silently before: each now has a stated meaning (docs/scenario.md) ---------------------------


def test_a_shift_ending_when_it_starts_is_refused_not_read_as_24_hours() -> None:
    problem = yaml_problem(GOOD.replace('end: "13:00"', 'end: "05:00"'))
    assert problem == "plant.yaml:10: shifts[0].end: end equals start (05:00): a shift lasts less than 24 h"


def test_preferred_below_min_is_refused() -> None:
    problem = yaml_problem(GOOD.replace("    min: 1\n", "    min: 2\n    preferred: 1\n"))
    assert problem == "plant.yaml:25: demand[0].preferred: preferred (1) is below min (2)"
    assert parse_scenario(GOOD.replace("    min: 1\n", "    min: 1\n    preferred: 2\n"), "plant.yaml")


@pytest.mark.parametrize("field", ["min", "preferred", "max"])
def test_a_minimum_no_plant_can_need_is_refused(field: str) -> None:
    problem = yaml_problem(GOOD.replace("    min: 1\n", f"    min: 1\n    {field}: 1000000000000\n".replace(
        "min: 1\n    min:", "min:")))
    assert f"demand[0].{field}: Input should be less than or equal to 100000" in problem


def test_absences_outside_the_horizon_are_accepted_and_change_nothing() -> None:
    """An HR file's absences reach past the plan: only the days inside it count (requests are refused)."""
    text = GOOD.replace("      - start: 2026-01-06\n        end: 2026-01-07\n",
                        "      - start: 2025-12-20\n        end: 2026-01-05\n"
                        "      - start: 2026-03-01\n        end: 2026-03-10\n")
    plant = parse_scenario(text, "plant.yaml")
    e1 = plant.employee("e1")
    assert [e1.absent_on(day) for day in plant.horizon.dates()] == [True] + [False] * 6
    worked = parse_roster("employee,date,shift,post\ne1,2026-01-06,M,line\n", plant)
    assert [v.rule for v in check_roster(plant, worked).violations if v.rule == "core.absence"] == []
    absent = parse_roster("employee,date,shift,post\ne1,2026-01-05,M,line\n", plant)
    assert [v.dates for v in check_roster(plant, absent).violations if v.rule == "core.absence"] == [
        (dt.date(2026, 1, 5),)]


def test_unknown_rule_in_settings() -> None:
    problem = yaml_problem(GOOD + "rules:\n  settings:\n    fr.daily-rets:\n      mode: soft\n")
    assert problem.startswith(
        "plant.yaml:38: rules.settings.fr.daily-rets: no rule 'fr.daily-rets' in the packs"
    )
    assert "fr.daily-rest" in problem  # the known ids are listed, so the typo is easy to see


def test_unknown_rule_parameter() -> None:
    problem = yaml_problem(GOOD + "rules:\n  settings:\n    fr.daily-rest:\n      params:\n        min_hour: 9\n")
    assert problem.startswith("plant.yaml:39: rules.settings.fr.daily-rest.params:")
    assert "no parameter 'min_hour'" in problem
    # A rule's id is what it is, not a parameter: it cannot be renamed from the settings.
    renamed = yaml_problem(GOOD + "rules:\n  settings:\n    fr.daily-rest:\n      params:\n        id: my-rest\n")
    assert "no parameter 'id'" in renamed


@pytest.mark.parametrize(
    ("rule", "mode", "allowed"),
    [("core.absence", "soft", "hard, off"), ("core.requests", "hard", "off, soft"),
     ("core.one-shift-per-day", "off", "hard")],
)
def test_a_mode_the_rule_cannot_honour_is_refused(rule: str, mode: str, allowed: str) -> None:
    problem = yaml_problem(GOOD + f"rules:\n  settings:\n    {rule}:\n      mode: {mode}\n")
    assert problem == f"plant.yaml:39: rules.settings.{rule}.mode: rule {rule} can only be {allowed}"


def test_mode_off_in_plain_yaml_switches_the_rule_off() -> None:
    # YAML 1.1 would read a bare `off` as False; the scenario format keeps it as the word.
    scenario = parse_scenario(GOOD + "rules:\n  settings:\n    plant.forward-rotation:\n      mode: off\n",
                              "plant.yaml")
    assert "plant.forward-rotation" not in {rule.id for rule in build_rules(scenario)}


def test_bad_yaml_syntax() -> None:
    problem = yaml_problem(GOOD.replace("    shifts: [M]", "    shifts: [M"))
    assert problem.startswith("plant.yaml:24: not valid YAML")


def test_every_mistake_is_reported_at_once() -> None:
    text = GOOD.replace("    shifts: [M]", "    shifts: [X]").replace(
        "  - id: e2\n    skills: [op]", "  - id: e2\n    skills: [wel]"
    )
    problems = yaml_problems(text)
    assert [p.split(": ")[1] for p in problems] == ["demand[0].shifts[0]", "employees[1].skills[0]"]


def test_load_scenario_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kos.yaml"
    path.write_text(GOOD.replace("  - id: e2", "  - id: e1"), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems == [f"{path}:34: employees[1].id: duplicate id 'e1'"]
    with pytest.raises(ScenarioError) as missing:
        load_scenario(tmp_path / "absent.yaml")
    assert missing.value.problems[0].startswith(f"{tmp_path / 'absent.yaml'}: cannot read")


# --- roster CSV ---------------------------------------------------------------------------------------------

HEADER = "employee,date,shift,post,start,end\n"
GOOD_ROW = "e1,2026-01-05,M,line,2026-01-05T05:00,2026-01-05T13:00\n"


def _roster_problems(text: str) -> list[str]:
    plant = parse_scenario(GOOD, "plant.yaml")
    with pytest.raises(RosterError) as caught:
        parse_roster(text, plant, "roster.csv")
    return caught.value.problems


def test_good_roster_reads_back() -> None:
    plant = parse_scenario(GOOD, "plant.yaml")
    night = "e2,2026-01-06,N,line,2026-01-06T21:00,2026-01-07T05:00\n"
    roster = parse_roster(HEADER + GOOD_ROW + night + "e2,2026-01-08,M,line,,\n", plant, "roster.csv")
    assert [(a.employee, a.shift) for a in roster] == [("e1", "M"), ("e2", "N"), ("e2", "M")]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("e9,2026-01-05,M,line,,\n", "roster.csv:3: employee: unknown employee 'e9'"),
        ("e2,2026-01-05,Q,line,,\n", "roster.csv:3: shift: unknown shift 'Q' (known: M, N)"),
        ("e2,2026-01-05,M,desk,,\n", "roster.csv:3: post: unknown post 'desk'"),
        ("e2,05/01/2026,M,line,,\n", "roster.csv:3: date: '05/01/2026' is not a date YYYY-MM-DD"),
        (
            "e2,2026-01-12,M,line,,\n",
            "roster.csv:3: date: 2026-01-12 is outside the horizon 2026-01-05..2026-01-11",
        ),
        (
            "e2,2026-01-05,M,line,2026-01-05T06:00,\n",
            "roster.csv:3: start: 2026-01-05T06:00 does not match shift M (2026-01-05T05:00)",
        ),
        (
            "e2,2026-01-05,N,line,,2026-01-05T05:00\n",
            "roster.csv:3: end: 2026-01-05T05:00 does not match shift N (2026-01-06T05:00)",
        ),
        ("e2,2026-01-05,M,line,soon,\n", "roster.csv:3: start: 'soon' is not an ISO 8601 datetime"),
        (",2026-01-05,M,line,,\n", "roster.csv:3: employee is empty"),
    ],
)
def test_roster_row_errors_name_file_line_and_column(row: str, expected: str) -> None:
    assert _roster_problems(HEADER + GOOD_ROW + row) == [expected]


def test_roster_header_missing_a_column() -> None:
    assert _roster_problems("employee,date,post\n" + "e1,2026-01-05,line\n") == [
        "roster.csv:1: header lacks shift (expected employee,date,shift,post,start,end)"
    ]


def test_roster_header_with_an_unknown_column() -> None:
    problems = _roster_problems("employee,date,shift,post,team\ne1,2026-01-05,M,line,red\n")
    assert problems == ["roster.csv:1: unknown column team (expected employee,date,shift,post,start,end)"]


def test_load_roster_names_the_file(tmp_path: Path) -> None:
    plant = parse_scenario(GOOD, "plant.yaml")
    path = tmp_path / "week.csv"
    path.write_text(HEADER + GOOD_ROW + GOOD_ROW.replace("e1", "x1"), encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        load_roster(path, plant)
    assert caught.value.problems == [f"{path}:3: employee: unknown employee 'x1'"]
