"""`plan --after` and `check --after` on the command line: a period planned and judged after the previous one's
last days (service/history.py), and `roll-forward`, which writes the next period."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roulement.cli import app
from roulement.formats.roster_csv import load_roster, roster_to_csv
from roulement.formats.scenario_yaml import load_scenario, scenario_to_yaml
from roulement.model.roster import Assignment, Roster
from roulement.service.history import stretched
from tests.test_history_plan import CARRIED, START, _plant

runner = CliRunner()


def _files(tmp_path: Path) -> tuple[Path, Path]:
    """The plant's YAML and the previous period's roster as `plan` writes it (the carried week)."""
    plant = _plant()
    scenario = tmp_path / "next.yaml"
    scenario.write_text(scenario_to_yaml(plant), encoding="utf-8")  # type: ignore[arg-type]
    previous = stretched(plant, START - dt.timedelta(days=7))  # type: ignore[arg-type]
    before = tmp_path / "previous.csv"
    before.write_text(roster_to_csv(previous, CARRIED), encoding="utf-8")
    return scenario, before


def _rest_breaches(output: str) -> set[str | None]:
    return {v["employee"] for v in json.loads(output)["violations"] if v["rule"] == "fr.daily-rest"}


def test_check_after_judges_the_rest_across_the_boundary(tmp_path: Path) -> None:
    scenario, before = _files(tmp_path)
    # e0 worked the carried Sunday's afternoon to 21:00; the Monday morning starts at 05:00: 8 h of rest.
    monday = tmp_path / "roster.csv"
    monday.write_text(roster_to_csv(_plant(), Roster([Assignment("e0", START, "M", "line")])),  # type: ignore[arg-type]
                      encoding="utf-8")
    alone = runner.invoke(app, ["check", str(scenario), str(monday), "--json"])
    assert "e0" not in _rest_breaches(alone.stdout)
    after = runner.invoke(app, ["check", str(scenario), str(monday), "--json", "--after", str(before)])
    assert after.exit_code == 1, after.output
    assert _rest_breaches(after.stdout) == {"e0"}


@pytest.mark.parametrize(("row", "said"), [
    (f"e0,{START.isoformat()},M,line", f"previous.csv:2: date: {START} is not before {START}"),
    (f"e0,{(START - dt.timedelta(days=1)).isoformat()},Z,line", "previous.csv:2: shift: unknown shift 'Z'"),
    ("e0,yesterday,M,line", "previous.csv:2: date: 'yesterday' is not a date"),
])
def test_a_bad_previous_roster_is_bad_input_naming_file_line_and_field(tmp_path: Path, row: str, said: str) -> None:
    scenario, before = _files(tmp_path)
    before.write_text(f"employee,date,shift,post\n{row}\n", encoding="utf-8")
    for command in (["plan", str(scenario), "--out", str(tmp_path / "out")],
                    ["check", str(scenario), str(before)]):
        result = runner.invoke(app, [*command, "--after", str(before)])
        assert result.exit_code == 2, result.output
        assert said in result.output
    assert not (tmp_path / "out" / "roster.csv").exists()


def test_a_previous_roster_that_ends_long_before_is_refused(tmp_path: Path) -> None:
    scenario, before = _files(tmp_path)
    early = START - dt.timedelta(days=8)
    before.write_text(f"employee,date,shift,post\ne0,{early.isoformat()},M,line\nleft,{early.isoformat()},M,line\n",
                      encoding="utf-8")  # a person who has left is not an error: they have no rest to keep here
    result = runner.invoke(app, ["plan", str(scenario), "--after", str(before), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert f"no shift of the scenario's people in the 7 days before {START}" in result.output


def test_plan_after_keeps_the_rest_across_the_boundary(tmp_path: Path) -> None:
    scenario, before = _files(tmp_path)
    out = tmp_path / "out"
    planned = runner.invoke(app, ["plan", str(scenario), "--after", str(before), "--out", str(out),
                                  "--time-limit", "20", "--workers", "1", "--json"])
    assert planned.exit_code == 0, planned.output
    document = json.loads(planned.stdout)
    assert document["summary"]["violations"] == 0 and document["summary"]["coverage_complete"]
    roster = load_roster(out / "roster.csv", _plant())  # type: ignore[arg-type]
    assert min(a.date for a in roster) >= START and len(roster) == 3 * 7
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["carried"]["days"] == 7 and report["carried"]["shifts"] == 12
    assert report["carried"]["from"] == (START - dt.timedelta(days=7)).isoformat()
    # Planned alone, the wishes put someone on the Monday morning after Sunday's afternoon: taken out, re-planned.
    assert report["carried"]["across_before_repair"] > 0
    # The checker, with the carried week in front, agrees.
    judged = runner.invoke(app, ["check", str(scenario), str(out / "roster.csv"), "--after", str(before)])
    assert judged.exit_code == 0, judged.output


def test_roll_forward_writes_the_next_period(tmp_path: Path) -> None:
    scenario, _ = _files(tmp_path)
    out = tmp_path / "following.yaml"
    result = runner.invoke(app, ["roll-forward", str(scenario), "--out", str(out)])
    assert result.exit_code == 0, result.output
    following = load_scenario(out)
    assert following.horizon.start == START + dt.timedelta(days=7) and following.horizon.days == 7
    # The old period's requests (the Monday morning wishes) are left behind.
    assert all(not e.requests for e in following.employees)
