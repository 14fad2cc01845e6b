"""A crew cycle judged over a year: the year rules on hand-made cycles, the weekly-rest reading, the
evaluation of the classic 5-crew cycle, and the design of a lawful cycle."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from roulement.analyse import rotation_design
from roulement.analyse.rotation import judge_year
from roulement.analyse.rotation_design import design
from roulement.cli import app
from roulement.formats.scenario_yaml import parse_scenario, save_scenario
from roulement.model.rotation import Rotation
from roulement.model.scenario import Scenario
from roulement.report.messages import Lang, finding_text, has_message

ANCHOR = dt.date(2026, 11, 30)


def plant(jurisdiction: str = "FR", settings: dict[str, Any] | None = None) -> Scenario:
    text = f"""\
site: {{name: Test plant, jurisdiction: {jurisdiction}, timezone: Europe/Paris}}
horizon: {{start: 2026-11-30, days: 28}}
shifts:
  - {{id: M, start: "05:00", end: "13:00", break_minutes: 30}}
  - {{id: A, start: "13:00", end: "21:00", break_minutes: 30}}
  - {{id: N, start: "21:00", end: "05:00", break_minutes: 30}}
  - {{id: D10, start: "07:00", end: "17:00", break_minutes: 45}}
posts: [{{id: line}}]
demand:
  - {{post: line, shifts: [M, A, N], min: 1}}
"""
    scenario = parse_scenario(text, "plant.yaml")
    if settings:
        scenario = Scenario.model_validate({**scenario.model_dump(), "rules": {"settings": settings}})
    return scenario


def one_crew(*week: str) -> Rotation:
    return Rotation(anchor=ANCHOR, cycle=[list(week)], crews=[{"id": "A", "start_week": 1}])


def classic_five_crews() -> Rotation:
    """M M A A N N - - - - (2-2-2-4) over ten weeks, crews two weeks apart."""
    days = list("MMAANN----") * 7
    return Rotation(anchor=ANCHOR, cycle=[days[7 * w:7 * w + 7] for w in range(10)],
                    crews=[{"id": c, "start_week": s} for c, s in zip("ABCDE", (1, 3, 5, 7, 9), strict=True)])


def rules_broken(scenario: Scenario, rotation: Rotation) -> set[str]:
    return {v.rule for v in judge_year(scenario, rotation).violations}


def test_fr_l3132_15_yearly_average_of_35_hours() -> None:
    assert "fr.cycle-average" not in rules_broken(plant(), one_crew("M", "M", "M", "M", "-", "-", "-"))  # 32 h
    broken = judge_year(plant(), one_crew("M", "M", "M", "M", "M", "-", "-"))  # 40 h every week
    messages = [v.message for v in broken.violations if v.rule == "fr.cycle-average"]
    assert messages == ["averages 40 h per worked week over the 52 weeks worked of the 52 from 2026-11-30, "
                        "more than 35 h"]
    # Per worked week: a week of 40 h then a week off averages 20 h a calendar week, but 40 h a worked week.
    alternate = Rotation(anchor=ANCHOR, cycle=[list("MMMMM--"), list("-------")], crews=[{"id": "A"}])
    messages = [v.message for v in judge_year(plant(), alternate).violations if v.rule == "fr.cycle-average"]
    assert messages == ["averages 40 h per worked week over the 26 weeks worked of the 52 from 2026-11-30, "
                        "more than 35 h"]


def test_fr_l3122_7_night_workers_40_hours_over_12_weeks() -> None:
    assert "fr.night-weekly-average" not in rules_broken(plant(), one_crew("N", "N", "N", "N", "N", "-", "-"))
    assert "fr.night-weekly-average" in rules_broken(plant(), one_crew("N", "N", "N", "N", "N", "N", "-"))


def test_de_arbzg_3_eight_hours_a_working_day_over_24_weeks() -> None:
    # Six 8-h shifts a week is 8 h per Werktag; six 10-h shifts is 10 h (the daily maximum allows it, §3 does not
    # on average).
    assert "de.average-hours" not in rules_broken(plant("DE"), one_crew("M", "M", "M", "M", "M", "M", "-"))
    broken = rules_broken(plant("DE"), one_crew("D10", "D10", "D10", "D10", "D10", "D10", "-"))
    assert "de.average-hours" in broken and "de.daily-max" not in broken


def test_de_arbzg_11_at_least_15_free_sundays() -> None:
    assert "de.free-sundays" not in rules_broken(plant("DE"), one_crew("M", "M", "M", "M", "M", "-", "-"))
    assert "de.free-sundays" in rules_broken(plant("DE"), one_crew("M", "M", "M", "M", "-", "-", "M"))


def test_the_weekly_rest_reading_decides_the_classic_cycle() -> None:
    rotation = classic_five_crews()
    # The law's text: the civil week. The rest after Saturday's night starts Sunday 05:00: 19 h in that week.
    default = judge_year(plant(), rotation)
    weekly = [v for v in default.violations if v.rule == "fr.weekly-rest"]
    assert weekly and all("longest qualifying" in v.message for v in weekly)
    assert "L3121-35" in default.readings["fr.weekly-rest"]
    # An agreement defining the week from Monday 05:00 (L3121-32): every week has its rest.
    agreed = judge_year(plant(settings={"fr.weekly-rest": {"params": {"week_start_hours": 5}}}), rotation)
    assert not [v for v in agreed.violations if v.rule == "fr.weekly-rest"]
    assert "L3121-32" in agreed.readings["fr.weekly-rest"]


def test_evaluation_of_the_classic_5_crew_cycle() -> None:
    judgement = judge_year(plant(), classic_five_crews())
    for crew in judgement.crews:
        # 364 days are 36.4 ten-day patterns: 72 or 74 nights, 216 to 222 shifts.
        assert crew.nights in (72, 74)
        assert crew.longest_night_block == 2
        assert crew.longest_work_block == 6
        assert crew.backward_changes == 0
        # N ends at 05:00, four days off, M starts at 05:00: 96 h, 95 h across the spring clock change.
        assert crew.shortest_rest_after_nights in (95.0, 96.0)
        assert 33.0 <= crew.hours_per_week <= 34.2  # 4.8 shifts of 7 h a week, paid breaks included: 33.6 h
    by_key = {c.key: c for c in judgement.criteria}
    assert by_key["night-block"].ok and by_key["rest-after-nights"].ok and by_key["backward"].ok
    assert by_key["hours"].ok and by_key["hours"].source == "FR L3132-15"


# A continuous plant's agreement under L3122-17 (continuity of production): nights up to 9 h, for the night the
# clocks go back, when a 21:00-05:00 shift lasts 9 real hours. Without it, every 8 h night cycle breaks L3122-6
# once a year (tested below).
NIGHT_AGREEMENT = {"fr.night-daily-max": {"params": {"max_hours": 9}}}


@pytest.mark.slow
def test_a_designed_five_crew_cycle_is_lawful_over_a_year() -> None:
    option = design(plant(settings=NIGHT_AGREEMENT), 5, time_limit=60, workers=1)
    assert option.offered, option.refused
    assert option.rotation is not None
    # Judged again, independently of the design's own check.
    assert judge_year(plant(settings=NIGHT_AGREEMENT), option.rotation).violations == []


@pytest.mark.slow
def test_without_an_agreement_the_autumn_clock_change_night_breaks_the_night_maximum() -> None:
    option = design(plant(), 5, time_limit=60, workers=1)
    assert not option.offered and "9 h" in (option.refused or "")


def test_four_crews_on_8_hours_are_refused_in_france() -> None:
    option = design(plant(), 4, time_limit=5, workers=1)
    assert not option.offered
    assert option.refused is not None and "FR L3132-15" in option.refused and "42.0 h" in option.refused


def test_kos_cycle_passes_the_year_check_in_two_years() -> None:
    from roulement.examples.kos import kos

    scenario = kos()
    assert scenario.rotation is not None
    assert judge_year(scenario).violations == []
    assert judge_year(scenario, start=dt.date(2027, 11, 29)).violations == []


runner = CliRunner()


def test_rotation_check_cli(tmp_path: Path) -> None:
    lawful = plant().replaced(rotation=one_crew("M", "M", "M", "M", "-", "-", "-"))
    save_scenario(lawful, tmp_path / "ok.yaml")
    result = runner.invoke(app, ["rotation", "check", str(tmp_path / "ok.yaml"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "No rule broken" in result.output and (tmp_path / "out" / "rotation.html").exists()
    unlawful = plant().replaced(rotation=one_crew("M", "M", "M", "M", "M", "-", "-"))
    save_scenario(unlawful, tmp_path / "bad.yaml")
    result = runner.invoke(app, ["rotation", "check", str(tmp_path / "bad.yaml")])
    assert result.exit_code == 1 and "fr.cycle-average" in result.output


def test_rotation_design_cli_refuses_bad_options(tmp_path: Path) -> None:
    save_scenario(plant(), tmp_path / "plant.yaml")
    result = runner.invoke(app, ["rotation", "design", str(tmp_path / "plant.yaml"), "--crews", "4,x"])
    assert result.exit_code == 2 and "--crews" in result.output
    result = runner.invoke(app, ["rotation", "design", str(tmp_path / "plant.yaml"), "--shift-length", "10"])
    assert result.exit_code == 2


def test_twelve_hour_shifts_are_refused_without_an_agreement() -> None:
    option = design(plant(), 5, shift_length=12, time_limit=5, workers=1)
    assert not option.offered
    assert option.refused is not None and "fr.daily-max (FR L3121-18)" in option.refused


@pytest.mark.slow
def test_kos_five_crew_design_is_offered_and_lawful() -> None:
    from roulement.examples.kos import kos

    scenario = kos()
    # Found in about 7 s on an idle machine; the 30 s target is a benchmark (bench/rotation_design.py). The
    # wider limit keeps this test about lawfulness, not speed, when the suite shares the cores.
    option = design(scenario, 5, time_limit=120)
    assert option.offered, option.refused
    assert option.rotation is not None
    assert judge_year(scenario, option.rotation).violations == []


def test_designs_for_several_crew_counts_run_as_tasks_with_the_serial_answers() -> None:
    from roulement.service.rotation import design_figures, design_rotations, design_rotations_as_tasks

    ended: list[str] = []
    as_tasks, run = design_rotations_as_tasks(plant(), [4, 5], shift_length=12, time_limit=5, workers=1,
                                              engine="processes", on_progress=lambda _, __, name: ended.append(name))
    serial = design_rotations(plant(), [4, 5], shift_length=12, time_limit=5, workers=1)
    assert [o.crews for o in as_tasks] == [4, 5] and sorted(ended) == ["4 crews", "5 crews"]
    assert [design_figures(o) for o in as_tasks] == [design_figures(o) for o in serial]
    assert [o.refused for o in as_tasks] == [o.refused for o in serial] and not run.failures

# English words of the design's reasons that no French or German reason holds.
REFUSAL_ENGLISH = re.compile(r"\b(crews|average|per|calendar|week|more than|single|shift|breaks|every|cycle tried|"
                             r"violations|first|no cycle|found|within|obeys)\b")


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_why_an_option_is_refused_is_written_in_french_and_german(lang: Lang) -> None:
    four = design(plant(), 4, time_limit=5, workers=1)
    twelve = design(plant(), 5, shift_length=12, time_limit=5, workers=1)
    assert four.refused is not None and twelve.refused is not None
    for refused in (four.refused, twelve.refused):
        written = finding_text(refused, lang)
        assert written != str(refused) and not REFUSAL_ENGLISH.search(written), written
    # The figures and the law stay: 42 h and its article, the broken rule's id and reference.
    assert "L3132-15" in finding_text(four.refused, lang) and "42" in finding_text(four.refused, lang)
    assert "fr.daily-max (FR L3121-18)" in finding_text(twelve.refused, lang)
    # The rule's own finding inside the reason is in the reader's language as well.
    broken = twelve.refused.params["first"]
    assert finding_text(broken, lang) in finding_text(twelve.refused, lang)


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_reason_a_design_gives_has_its_words(lang: Lang) -> None:
    source = (Path(rotation_design.__file__)).read_text(encoding="utf-8")
    keys = set(re.findall(r'Said\(\s*"([^"]+)"', source))
    assert len(keys) == 5
    assert sorted(key for key in keys if not has_message(f"finding:{key}", lang)) == []
