"""Output read by a program or a pager: nothing cut or wrapped when stdout is not a terminal, and --json."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from roulement.cli import app
from roulement.formats.scenario_yaml import scenario_to_yaml
from tests.factory import person, scenario
from tests.test_curtois import MINI

runner = CliRunner()
LONG_REFERENCE = "BAuA shift-work guidance (ArbZG §6(1)): at least 24 h, better 48 h off after a night block"


def test_rules_table_keeps_every_column_when_piped() -> None:
    lines = runner.invoke(app, ["rules"]).stdout.splitlines()
    header = next(line for line in lines if "rule" in line and "reference" in line)
    assert "parameters" in header
    row = next(line for line in lines if "plant.rest-after-nights" in line)
    assert LONG_REFERENCE in row and "min_rest_hours=48.0" in row


def test_rules_as_json() -> None:
    rules = json.loads(runner.invoke(app, ["rules", "--json"]).stdout)
    found = next(r for r in rules if r["rule"] == "plant.rest-after-nights")
    assert found["reference"] == LONG_REFERENCE and found["parameters"] == {"min_rest_hours": 48.0}


def test_bench_table_keeps_its_last_columns_when_piped(tmp_path: Path) -> None:
    instance = tmp_path / "Instance0.txt"
    instance.write_text(MINI)
    lines = runner.invoke(app, ["bench", "curtois", str(instance), "--time-limit", "2"]).stdout.splitlines()
    header = next(line for line in lines if "instance" in line.lower())
    assert "hard violations" in header and "status" in header


def test_a_long_finding_stays_on_one_line(tmp_path: Path) -> None:
    plant = tmp_path / "plant.yaml"
    plant.write_text(scenario_to_yaml(scenario(employees=[person("e1")])), encoding="utf-8")
    roster = tmp_path / "r.csv"
    roster.write_text("employee,date,shift,post\ne1,2026-01-05,A,line\ne1,2026-01-06,M,line\n", encoding="utf-8")
    output = runner.invoke(app, ["check", str(plant), str(roster)]).stdout
    assert ("fr.daily-rest (FR L3131-1) e1: rests 8 h between A on 2026-01-05 and M on 2026-01-06, less than 11 h"
            in output.splitlines())


def _small(tmp_path: Path) -> Path:
    plant = tmp_path / "plant.yaml"
    plant.write_text(scenario_to_yaml(scenario(days=7, employees=[person(f"e{i}") for i in range(6)],
                                               demand=[{"post": "line", "shifts": ["M", "A"], "min": 1}])),
                     encoding="utf-8")
    return plant


def test_every_command_that_prints_results_has_json(tmp_path: Path) -> None:
    plant = _small(tmp_path)
    planned = runner.invoke(app, ["plan", str(plant), "--out", str(tmp_path / "o"), "--time-limit", "3", "--json"])
    document = json.loads(planned.stdout)  # nothing but the document on stdout
    assert planned.exit_code == 0 and document["summary"]["coverage_complete"] and len(document["files"]) == 3
    roster = tmp_path / "o" / "roster.csv"
    worker = roster.read_text(encoding="utf-8").splitlines()[1].split(",")

    explained = json.loads(runner.invoke(app, ["explain", str(plant), str(roster), "--employee", worker[0],
                                               "--date", worker[1], "--json"]).stdout)
    assert explained["employee"] == worker[0] and explained["lines"][0].startswith(f"{worker[0]} works")

    replanned = runner.invoke(app, ["replan", str(plant), str(roster), "--from", "2026-01-07", "--absent", worker[0],
                                    "--out", str(tmp_path / "r"), "--time-limit", "3", "--json"])
    assert json.loads(replanned.stdout)["applied"] == [f"{worker[0]} absent 2026-01-07..2026-01-11"]

    stressed = runner.invoke(app, ["stress", str(plant), "--absence-rate", "0.1", "--samples", "3",
                                   "--out", str(tmp_path / "s"), "--json"])
    assert "files" in json.loads(stressed.stdout)

    instance = tmp_path / "Instance0.txt"
    instance.write_text(MINI)
    bench = json.loads(runner.invoke(app, ["bench", "curtois", str(instance), "--time-limit", "2", "--json"]).stdout)
    assert bench["runs"][0]["instance"] == "Instance0" and bench["runs"][0]["violations"] == 0


def test_json_stays_off_stdout_on_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["explain", str(_small(tmp_path)), str(tmp_path / "none.csv"), "--employee", "e0",
                                 "--date", "2026-01-05", "--json"])
    assert result.exit_code == 2 and result.stdout == ""
