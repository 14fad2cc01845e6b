"""The `roulement` command end to end: files written, exit codes (0 ok, 1 violations, 2 bad input)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roulement import service
from roulement.cli import app
from roulement.formats.files import write_all_atomic
from roulement.formats.scenario_yaml import load_scenario, scenario_to_yaml
from tests.factory import person, scenario

runner = CliRunner()


def _small_plant(path: Path) -> Path:
    """Two weeks, eight people, one post on the three shifts: solved in well under a second."""
    plant = scenario(
        days=14,
        employees=[person(f"e{i}") for i in range(8)],
        demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}],
    )
    path.write_text(scenario_to_yaml(plant), encoding="utf-8")
    return path


ROSTER_HEADER = "employee,date,shift,post,start,end\n"


@pytest.mark.parametrize("name", ["kos", "kos-de"])
def test_example_writes_yaml_that_loads_back_equal(tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}.yaml"
    result = runner.invoke(app, ["example", name, "--out", str(out)])
    assert result.exit_code == 0, result.output
    loaded = load_scenario(out)
    built = service.example(name)
    assert [e.id for e in loaded.employees] == [e.id for e in built.employees]
    assert [p.id for p in loaded.posts] == [p.id for p in built.posts]
    assert loaded == built


def test_unknown_example_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["example", "nowhere", "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert not (tmp_path / "x.yaml").exists()


def test_schema_prints_valid_json() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "roulement scenario"
    assert {"site", "horizon", "shifts", "posts"} <= set(schema["required"])


def test_documented_schema_is_the_generated_one() -> None:
    """docs/scenario.schema.json is regenerated with `roulement schema --out docs/scenario.schema.json`."""
    committed = Path(__file__).parent.parent / "docs" / "scenario.schema.json"
    assert committed.read_text(encoding="utf-8") == runner.invoke(app, ["schema"]).stdout


def test_check_exit_codes(tmp_path: Path) -> None:
    plant = _small_plant(tmp_path / "plant.yaml")
    lawful = tmp_path / "lawful.csv"
    lawful.write_text(
        ROSTER_HEADER
        + "".join(f"e{d % 8},2026-01-{5 + d:02d},{s},line,,\n" for d in range(14) for s in "M")
        + "".join(f"e{(d + 3) % 8},2026-01-{5 + d:02d},A,line,,\n" for d in range(14)),
        encoding="utf-8",
    )
    # The lawful roster leaves nights empty: coverage is broken, the rest is lawful.
    result = runner.invoke(app, ["check", str(plant), str(lawful)])
    assert result.exit_code == 1 and "core.coverage" in result.output
    assert "fr.daily-rest" not in result.output

    solved = tmp_path / "out"
    assert (
        runner.invoke(
            app, ["plan", str(plant), "--out", str(solved), "--time-limit", "5", "--workers", "1"]
        ).exit_code
        == 0
    )
    result = runner.invoke(app, ["check", str(plant), str(solved / "roster.csv")])
    assert result.exit_code == 0, result.output
    assert "No hard rule broken" in result.output

    unlawful = tmp_path / "unlawful.csv"
    unlawful.write_text(ROSTER_HEADER + "e1,2026-01-05,A,line,,\ne1,2026-01-06,M,line,,\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(plant), str(unlawful), "--json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    rest = [v for v in findings["violations"] if v["rule"] == "fr.daily-rest"]
    assert rest == [
        {
            "rule": "fr.daily-rest",
            "reference": "FR L3131-1",
            "employee": "e1",
            "dates": ["2026-01-05", "2026-01-06"],
            "message": rest[0]["message"],
            "details": {"amount": 1},
            "text": {"en": rest[0]["message"], "fr": rest[0]["text"]["fr"], "de": rest[0]["text"]["de"]},
        }
    ]
    assert rest[0]["text"]["fr"].startswith("se repose 8 h entre A le 5 janv. 2026")
    text = runner.invoke(app, ["check", str(plant), str(unlawful)]).output
    assert "fr.daily-rest" in text and "FR L3131-1" in text


def test_check_bad_input_exits_2(tmp_path: Path) -> None:
    plant = _small_plant(tmp_path / "plant.yaml")
    stranger = tmp_path / "stranger.csv"
    stranger.write_text(ROSTER_HEADER + "zz,2026-01-05,M,line,,\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(plant), str(stranger)])
    assert result.exit_code == 2
    assert f"{stranger}:2: employee: unknown employee 'zz'" in result.stderr

    broken = tmp_path / "broken.yaml"
    broken.write_text(
        plant.read_text(encoding="utf-8").replace("days: 14", "days: fourteen"), encoding="utf-8"
    )
    result = runner.invoke(app, ["check", str(broken), str(stranger)])
    assert result.exit_code == 2
    assert re.search(rf"{re.escape(str(broken))}:\d+: horizon\.days:", result.stderr)


def test_plan_writes_roster_and_reports(tmp_path: Path) -> None:
    plant = _small_plant(tmp_path / "plant.yaml")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["plan", str(plant), "--out", str(out), "--time-limit", "5", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output

    with (out / "roster.csv").open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["employee", "date", "shift", "post", "start", "end"]
    assert len(rows) - 1 == 14 * 3  # one person on each of three shifts, fourteen days
    nights = [row for row in rows[1:] if row[2] == "N"]
    assert nights and all(row[4] == f"{row[1]}T21:00" for row in nights)
    for row in nights:  # the night ends at 05:00 on the next day
        day = int(row[1][-2:])
        assert row[5] == f"2026-01-{day + 1:02d}T05:00"

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {"coverage", "violations", "objective", "solver"} <= set(report)
    assert report["violations"] == [] and report["summary"]["coverage_complete"]
    assert report["solver"]["strategy"] == "hard-coverage"

    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    # Self-contained: nothing is fetched from the network.
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", html, re.IGNORECASE)
    assert "@import" not in html and "url(http" not in html


def test_atomic_writer_replaces_nothing_when_one_file_fails(tmp_path: Path) -> None:
    first, second = tmp_path / "roster.csv", tmp_path / "report.json"
    first.write_text("old roster", encoding="utf-8")
    second.write_text("old report", encoding="utf-8")

    class Unwritable(str):
        """Content that fails while being encoded, after the first file was staged."""

        def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
            raise UnicodeEncodeError(encoding, "x", 0, 1, "cannot encode")

    with pytest.raises(UnicodeEncodeError):
        write_all_atomic({first: "new roster", second: Unwritable("new report")})
    assert first.read_text(encoding="utf-8") == "old roster"
    assert second.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "roster.csv"]  # no temporary left


def test_atomic_writer_keeps_old_files_when_a_folder_is_missing(tmp_path: Path) -> None:
    kept = tmp_path / "roster.csv"
    kept.write_text("old", encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(OSError):
        write_all_atomic({kept: "new", blocker / "report.json": "{}"})
    assert kept.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "roster.csv"]
