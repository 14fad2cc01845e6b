"""Commands answer in the language asked for (--lang), numbers included."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from roulement.cli import app
from roulement.formats.scenario_yaml import scenario_to_yaml
from tests.factory import person, scenario

runner = CliRunner()


def _plant(path: Path) -> Path:
    plant = scenario(days=7, employees=[person(f"e{i}") for i in range(6)],
                     demand=[{"post": "line", "shifts": ["M", "A"], "min": 1}])
    path.write_text(scenario_to_yaml(plant), encoding="utf-8")
    return path


def test_stress_absence_rate_speaks_the_language_asked_for(tmp_path: Path) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    outputs = {lang: runner.invoke(app, ["stress", str(plant), "--absence-rate", "0.25", "--samples", "3",
                                         "--out", str(tmp_path / lang), "--lang", lang]).stdout
               for lang in ("en", "fr", "de")}
    assert "3 samples at 25% absence" in outputs["en"]
    assert "3 tirages à 25\u00a0% d'absence" in outputs["fr"] and "des tirages" in outputs["fr"]
    assert "3 Stichproben bei 25\u00a0% Abwesenheit" in outputs["de"] and "der Stichproben" in outputs["de"]


def test_explain_gives_the_persons_own_reasons(tmp_path: Path) -> None:
    plant = tmp_path / "plant.yaml"
    people = [person("e1", contract={"hours_target": True, "weekly_hours": 35}), person("e2")]
    plant.write_text(scenario_to_yaml(scenario(days=7, employees=people,
                                               demand=[{"post": "line", "shifts": ["M"], "min": 1}])), encoding="utf-8")
    roster = tmp_path / "r.csv"
    roster.write_text("employee,date,shift,post\ne1,2026-01-05,M,line\ne1,2026-01-06,M,line\n", encoding="utf-8")
    args = ["explain", str(plant), str(roster), "--employee", "e1", "--date", "2026-01-05", "--time-limit", "2"]
    english = runner.invoke(app, args).stdout
    assert "e1 holds the skills post line needs (op)" in english
    assert "e1 works 16 h in this plan for the 35 h their contract sets (35 h a week)" in english
    french = runner.invoke(app, [*args, "--lang", "fr"]).stdout
    assert "e1 travaille 16 h sur ce planning pour les 35 h de son contrat (35 h par semaine)" in french
