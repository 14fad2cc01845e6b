"""Timefold quickstart data: import, plan with the product's solver, check, and write back to its shifts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from roulement.check.checker import check_roster
from roulement.cli import app
from roulement.formats.scenario_yaml import load_scenario
from roulement.formats.timefold import (
    TimefoldError,
    assign_shifts,
    date_figures,
    roster_from_shifts,
    to_scenario,
)
from roulement.model.roster import Assignment, Roster
from roulement.solve.search import SolveOptions, solve


def shift(ident: str, day: int, start: str, end: str, location: str, skill: str) -> dict[str, Any]:
    end_day = day + 1 if end <= start else day
    return {"id": ident, "start": f"2026-11-{day:02d}T{start}:00", "end": f"2026-11-{end_day:02d}T{end}:00",
            "location": location, "requiredSkill": skill}


# Three days, three people; the night of the 23rd ends on the 24th, when Ann is unavailable.
DATA: dict[str, Any] = {
    "employees": [
        {"name": "Ann Lee", "skills": ["Nurse"], "unavailableDates": ["2026-11-24"], "undesiredDates": [],
         "desiredDates": ["2026-11-23"]},
        {"name": "Bob Ray", "skills": ["Nurse", "Doctor"], "unavailableDates": [],
         "undesiredDates": ["2026-11-25"], "desiredDates": []},
        {"name": "Cy Dunn", "skills": ["Nurse"], "unavailableDates": [], "undesiredDates": [], "desiredDates": []},
    ],
    "shifts": [
        shift("0", 23, "06:00", "14:00", "Ward A", "Nurse"),
        shift("1", 23, "22:00", "06:00", "Ward A", "Nurse"),
        shift("2", 24, "06:00", "14:00", "Ward A", "Doctor"),
        shift("3", 25, "14:00", "22:00", "Ward A", "Nurse"),
        shift("4", 25, "06:00", "14:00", "Ward A", "Nurse"),
        shift("5", 25, "06:00", "14:00", "Ward A", "Nurse"),
    ],
}


def test_import_maps_posts_demand_and_rules() -> None:
    scenario = to_scenario(DATA)
    assert {p.id for p in scenario.posts} == {"Ward_A.Nurse", "Ward_A.Doctor"}
    assert {s.id for s in scenario.shifts} == {"0600-1400", "2200-0600", "1400-2200"}
    two = [d for d in scenario.demand if d.min == 2]
    assert len(two) == 1 and two[0].max == 2  # two nurses on the morning of the 25th
    assert scenario.employee("Ann_Lee").absences[0].strict


def test_plan_obeys_the_quickstart_rules_and_round_trips() -> None:
    scenario = to_scenario(DATA)
    result = solve(scenario, SolveOptions(time_limit=5, workers=2))
    assert result.roster is not None
    checked = check_roster(scenario, result.roster)
    assert checked.violations == []
    assert len(result.roster) == 6
    ann = {(a.date.day, a.shift) for a in result.roster if a.employee == "Ann_Lee"}
    # Ann may not work the night that runs into her unavailable day.
    assert (23, "2200-0600") not in ann
    # Bob alone is a doctor, so Cy takes the night: 10 h of rest rule out Bob's night before his morning.
    assert any(a.employee == "Bob_Ray" and a.post == "Ward_A.Doctor" for a in result.roster)
    assert (23, "2200-0600") in {(a.date.day, a.shift) for a in result.roster if a.employee == "Cy_Dunn"}
    solved = assign_shifts(DATA, scenario, result.roster)
    assert all(item["employee"] is not None for item in solved["shifts"])
    assert roster_from_shifts(solved, scenario).assignments == result.roster.assignments


def test_rest_and_balance_are_judged_by_the_checker() -> None:
    scenario = to_scenario(DATA)
    day = scenario.horizon.start  # the 23rd
    tight = Roster(sorted([
        Assignment("Ann_Lee", day, "0600-1400", "Ward_A.Nurse"),
        Assignment("Cy_Dunn", day, "2200-0600", "Ward_A.Nurse"),
        Assignment("Cy_Dunn", day.replace(day=25), "1400-2200", "Ward_A.Nurse"),
        # Bob's night ends at 06:00 on the 24th, when his doctor's morning starts: no rest at all.
        Assignment("Bob_Ray", day, "2200-0600", "Ward_A.Nurse"),
        Assignment("Bob_Ray", day.replace(day=24), "0600-1400", "Ward_A.Doctor"),
    ]))
    checked = check_roster(scenario, tight)
    assert [v.employee for v in checked.violations if v.rule == "plant.min-rest"] == ["Bob_Ray"]
    # Counts: Ann 1, Bob 2, Cy 2: spread 1, priced 120.
    assert checked.objective["contract.balanced-shifts"] == 120
    # Ann's desired 23rd is priced by minutes, one request per shift type that could touch it: she works the
    # morning (480 min, granted), so the late (480) and the night's 2 h before midnight (120) go unrewarded.
    assert checked.objective["requests"] == 600
    figures = date_figures(DATA, scenario, tight)
    assert (figures.fewest_shifts, figures.most_shifts) == (1, 2)
    # Ann works 8 h of her desired 23rd; Bob's undesired 25th is not touched.
    assert figures.desired_minutes == 480 and figures.undesired_minutes == 0


def test_bad_json_is_named(tmp_path: Path) -> None:
    broken = {"employees": [], "shifts": [{"id": "0", "start": "tomorrow", "end": "2026-11-23T14:00:00",
                                           "location": "A", "requiredSkill": "Nurse"}]}
    with pytest.raises(TimefoldError, match=r"shifts\[0\]\.start: 'tomorrow' is not an ISO date-time"):
        to_scenario(broken, "data.json")
    path = tmp_path / "data.json"
    path.write_text(json.dumps(broken))
    result = CliRunner().invoke(app, ["import", "timefold", str(path), "--out", str(tmp_path / "s.yaml")])
    assert result.exit_code == 2
    assert "data.json" in result.output


def test_cli_import_writes_a_plannable_scenario(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(DATA))
    out = tmp_path / "scenario.yaml"
    result = CliRunner().invoke(app, ["import", "timefold", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert load_scenario(out).model_dump() == to_scenario(DATA, name="Timefold quickstart data").model_dump()


def test_import_and_bench_print_one_json_document(tmp_path: Path) -> None:
    """`--json` on both timefold commands: stdout is one JSON document with the figures, nothing else."""
    path = tmp_path / "data.json"
    path.write_text(json.dumps(DATA))
    imported = CliRunner().invoke(app, ["import", "timefold", str(path), "--out", str(tmp_path / "s.yaml"),
                                        "--json"])
    assert imported.exit_code == 0, imported.output
    document = json.loads(imported.stdout)
    assert document["employees"] == 3 and document["scenario"] == str(tmp_path / "s.yaml")
    benched = CliRunner().invoke(app, ["bench", "timefold", str(path), "--time-limit", "3", "--workers", "1",
                                       "--json"])
    assert benched.exit_code in (0, 1), benched.output
    figures = json.loads(benched.stdout)
    assert figures["status"] in ("OPTIMAL", "FEASIBLE")
    assert {"hard_violations", "desired_minutes", "undesired_minutes", "first_roster_seconds"} <= set(figures)
    assert figures["fewest_shifts"] <= figures["most_shifts"]
