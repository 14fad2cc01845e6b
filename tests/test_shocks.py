"""Re-planning, stress tests, capacity, explanations and their messages, on plants small enough to reason about."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roulement.analyse.capacity import absence_risk, cut_order, minimum_people, stress
from roulement.check import check_roster
from roulement.cli import app
from roulement.cli.shocks import parse_target
from roulement.formats.roster_csv import roster_to_csv
from roulement.formats.scenario_yaml import save_scenario
from roulement.model.demand import demand_slots
from roulement.model.edits import (
    DateRange,
    DisruptionError,
    add_absence,
    post_down,
    remove_employees,
)
from roulement.model.roster import Roster
from roulement.model.skills import skill_groups
from roulement.report.messages import LANGS, message, rule_statement
from roulement.rules.packs import all_rules, build_rules
from roulement.service import explain_day, explain_infeasibility
from roulement.solve import SolveOptions, solve
from roulement.solve.replan import KeepPublished, roster_changes, summarise_changes
from roulement.solve.replan import replan as run_replan
from tests.factory import MONDAY, day, scenario

FAST = SolveOptions(time_limit=8, workers=2, explain_time_limit=5)


def three_by_eight(people: int = 8, days: int = 14) -> object:
    return scenario(days=days, employees=[{"id": f"e{i}", "skills": ["op"]} for i in range(people)],
                    demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}])


def planned(plant: object) -> Roster:
    result = solve(plant, FAST)  # type: ignore[arg-type]
    assert result.roster is not None
    assert check_roster(plant, result.roster).ok  # type: ignore[arg-type]
    return result.roster


# --- re-plan ---------------------------------------------------------------------------------------------


def test_replan_keeps_the_frozen_past_and_passes_the_checker_across_the_boundary() -> None:
    plant = three_by_eight()
    published = planned(plant)
    first = day(5)
    sick = next(a.employee for a in published if a.date == first)
    disrupted = add_absence(plant, sick, DateRange(first, day(8)))  # type: ignore[arg-type]
    outcome = run_replan(disrupted, published, first, FAST)
    assert outcome.roster is not None
    before = sorted(a for a in published if a.date < first)
    assert sorted(a for a in outcome.roster if a.date < first) == before
    checked = check_roster(outcome.scenario, outcome.roster)
    assert checked.violations == []  # rest, rotation, weekly limits judged across the frozen boundary too
    assert not any(a.employee == sick and first <= a.date <= day(8) for a in outcome.roster)
    # The change count is what the two rosters differ by, and the sick person's lost shifts are among them.
    assert outcome.changes == roster_changes(published, outcome.roster, first, plant.horizon.end)  # type: ignore
    lost = {(a.employee, a.date) for a in published if a.employee == sick and first <= a.date <= day(8)}
    assert lost and lost <= {(c.employee, c.date) for c in outcome.changes if c.after is None}
    # The checker recomputes the change price from the rosters alone; it matches what the solver minimised.
    keep = KeepPublished(published, first)
    recomputed = check_roster(outcome.scenario, outcome.roster, [*build_rules(outcome.scenario), keep])
    assert recomputed.objective.get("changes", 0) == outcome.result.terms["changes"]


def test_replan_changes_no_more_than_a_full_resolve() -> None:
    plant = three_by_eight()
    published = planned(plant)
    disrupted = add_absence(plant, "e0", DateRange(day(3), day(6)))  # type: ignore[arg-type]
    outcome = run_replan(disrupted, published, day(3), FAST, compare_full=True, whole=True)
    assert outcome.full_changes is not None
    assert 0 < len(outcome.changes) <= len(outcome.full_changes)


def test_near_term_changes_cost_more() -> None:
    keep = KeepPublished(Roster(), MONDAY, weight=10, near_days=7, near_factor=4)
    assert keep.price(MONDAY) == 40
    assert keep.price(day(3)) > keep.price(day(5)) > keep.price(day(7)) == keep.price(day(20)) == 10


def test_summary_names_people_shifts_and_the_first_call_in() -> None:
    from roulement.solve.replan import Change

    changes = [Change("a", day(1), "M", None), Change("a", day(3), None, "A"), Change("b", day(2), "N", "A")]
    assert summarise_changes(changes, day(0)) == (
        "2 people change 3 shifts (1 cancelled); nobody is called in on a day off before Thursday "
        "(1 call-ins in all)")
    assert summarise_changes([c for c in changes if c.before], day(0)).endswith("nobody is called in on a day off")


def test_post_down_removes_only_that_range_and_absences_merge() -> None:
    plant = three_by_eight()
    down = post_down(plant, "li*", DateRange(day(2), day(3)))  # type: ignore[arg-type]
    days = {s.day for s in demand_slots(down)}
    assert 2 not in days and 3 not in days and {0, 1, 4, 13} <= days
    assert len(demand_slots(down)) == len(demand_slots(plant)) - 6  # type: ignore[arg-type]
    once = add_absence(plant, "e1", DateRange(day(2), day(4)))  # type: ignore[arg-type]
    twice = add_absence(once, "e1", DateRange(day(4), day(6)))
    assert [(a.start, a.end) for a in twice.employee("e1").absences] == [(day(2), day(6))]
    assert plant.employee("e1").absences == []  # type: ignore[attr-defined]  # pure: the original is untouched


@pytest.mark.parametrize("text", ["e1:2026-13-01..2026-01-02", ":2026-01-05", "e1:yesterday"])
def test_malformed_targets_are_refused(text: str) -> None:
    with pytest.raises(DisruptionError):
        parse_target(text, "--absent", DateRange(MONDAY, day(3)))


# --- stress and capacity ---------------------------------------------------------------------------------


def one_post_week(people: int) -> object:
    """One post, morning only, every day for a week. A person may work at most 39 h (35 h + 4 h tolerance),
    i.e. 4 shifts of 8 h, so the 7 shifts need ceil(7 / 4) = 2 people: A Mon-Thu, B Fri-Sun."""
    return scenario(days=7, employees=[{"id": f"e{i}", "skills": ["op"]} for i in range(people)],
                    demand=[{"post": "line", "shifts": ["M"], "min": 1}])


def test_capacity_equals_the_hand_count() -> None:
    plant = one_post_week(5)
    [group] = skill_groups(plant)  # type: ignore[arg-type]
    found = minimum_people(plant, group, time_limit=10)  # type: ignore[arg-type]
    assert (found.best, found.bound, found.exact) == (2, 2, True)
    assert found.margin == 3


def test_stress_says_feasible_when_enough_people_remain() -> None:
    plant = one_post_week(5)
    removed = cut_order(plant, "random", seed=1)[:3]  # type: ignore[arg-type]
    outcome = stress(plant, remove_employees(plant, removed), removed, time_limit=8)  # type: ignore[arg-type]
    assert outcome.feasible and outcome.breaks == []


def test_stress_names_the_short_skill_when_too_few_remain() -> None:
    plant = scenario(days=7, employees=[{"id": "c0", "skills": ["op", "lead"]}, {"id": "c1", "skills": ["op", "lead"]},
                                        *({"id": f"o{i}", "skills": ["op"]} for i in range(4))],
                     demand=[{"post": "line", "shifts": ["M"], "min": 1}, {"post": "chef", "shifts": ["A"], "min": 1}])
    removed = ["c1"]  # one chef left for 7 afternoons, at most 4 shifts a week
    outcome = stress(plant, remove_employees(plant, removed), removed, time_limit=8, capacity_time_limit=8)
    assert not outcome.feasible
    assert set(outcome.by_post()) == {"chef"}
    assert {b.shift for b in outcome.breaks} == {"A"}
    [gap] = outcome.missing
    # 7 afternoons, at most 4 shifts each: 2 holders of op+lead are needed, 1 is left.
    assert (gap["post"], gap["skills"], gap["holders_left"], gap["missing"]) == ("chef", ["op", "lead"], 1, 1)


def test_absence_risk_bounds() -> None:
    plant = one_post_week(5)
    assert absence_risk(plant, 0.0, 5).plant_short == 0.0  # type: ignore[arg-type]
    everyone_away = absence_risk(plant, 1.0, 3)  # type: ignore[arg-type]
    assert everyone_away.plant_short == 1.0 and everyone_away.post_short == {"line": 1.0}


def test_seniority_cuts_the_most_recent_hires_first() -> None:
    plant = scenario(employees=[{"id": "old", "seniority_date": "1990-01-01"}, {"id": "new", "seniority_date":
                                "2024-01-01"}, {"id": "mid", "seniority_date": "2010-01-01"}])
    assert cut_order(plant, "seniority") == ["new", "mid", "old"]
    assert cut_order(plant, "reverse-seniority") == ["old", "mid", "new"]


# --- explanations ----------------------------------------------------------------------------------------


def night_plant(people: int) -> object:
    """Two people every night for two weeks under the night-work average alone: 28 nights of 8 h; a night
    worker may average 40 h a week (FR L3122-7), 80 h over the two weeks, so ceil(28 x 8 / 80) = 3 are needed."""
    off = {rule.id: {"mode": "off"} for rule in all_rules()
           if rule.id.startswith("fr.") and rule.id != "fr.night-weekly-average"}
    return scenario(days=14, employees=[{"id": f"e{i}", "skills": ["op"], "contract": {"hours_target": False}}
                                        for i in range(people)],
                    demand=[{"post": "line", "shifts": ["N"], "min": 2}],
                    rules={"packs": ["core", "FR"], "settings": off})


def test_infeasible_scenario_is_explained_by_the_right_post_and_rule() -> None:
    explanations = explain_infeasibility(night_plant(2), time_limit=10)  # type: ignore[arg-type]
    assert explanations
    main = explanations[0]
    assert main.posts == ("line",)
    assert main.rules == ("fr.night-weekly-average",)
    text = main.text("en")
    assert text.startswith("Post line needs 2 people on shift N every day") and "FR L3122-7" in text
    assert explanations[1].text("en") == "At least 3 are needed."
    assert explain_infeasibility(night_plant(3), time_limit=10) == []  # type: ignore[arg-type]


def test_plan_attaches_the_explanation_when_coverage_is_impossible() -> None:
    from roulement.service import solve

    result = solve(night_plant(2), FAST)  # type: ignore[arg-type]
    assert result.strategy == "priced-shortfall"
    assert result.explanations and "fr.night-weekly-average" in result.explanations[0].rules


def test_explain_day_names_the_rule_in_the_way() -> None:
    plant = scenario(days=7, employees=[{"id": "e0", "skills": ["op"]}, {"id": "e1", "skills": ["op"]}],
                     demand=[{"post": "line", "shifts": ["M", "N"], "min": 0, "preferred": 1}])
    from tests.factory import roster as make

    roster = make(("e0", 0, "N"), ("e1", 1, "M"))
    lines = explain_day(plant, roster, "e0", day(1), "en")  # type: ignore[arg-type]
    assert lines[0] == "e0 does not work on Jan 6, 2026"  # dates written by Babel, the reader's way
    # A morning right after a night leaves 0 h of rest: the daily-rest rule is named with its reference.
    assert any("would break" in line and "11 h of rest" in line and "FR L3131-1" in line for line in lines)
    assert any("post line already has 1 person on shift M" in line for line in lines)
    assert any("no hard rule stops e0 working shift N on post line, which has 0 of the 1" in line for line in lines)
    assert explain_day(plant, roster, "e0", day(1), "de")[0] == "e0 arbeitet am 06.01.2026 nicht"


def test_explain_day_says_when_a_couple_is_not_off_together() -> None:
    declared = {"declared_by": "e0", "purpose": "roster"}
    plant = scenario(days=7, employees=[{"id": "e0", "name": "Rudi", "skills": ["op"]},
                                        {"id": "e1", "name": "Dallas", "skills": ["op"]}],
                     demand=[{"post": "line", "shifts": ["M", "A"], "min": 0, "preferred": 1}],
                     households=[{"id": "foyer", "members": ["e0", "e1"], "declaration": declared,
                                  "shared_days_off": {"weight": 3}}])
    from tests.factory import roster as make

    roster = make(("e0", 0, "M"), ("e1", 0, "A"), ("e1", 1, "A"))
    assert "Rudi is off on Jan 6, 2026 while Dallas works" in " ".join(
        explain_day(plant, roster, "e0", day(1), "en"))  # type: ignore[arg-type]
    assert "Dallas travaille le 6 janv. 2026 pendant que Rudi est de repos" in " ".join(
        explain_day(plant, roster, "e1", day(1), "fr"))  # type: ignore[arg-type]
    # Both at work, or both off: nothing to say about the household.
    for offset in (0, 2):
        assert not any("household" in line for line in explain_day(plant, roster, "e0", day(offset), "en"))  # type: ignore[arg-type]


# --- messages --------------------------------------------------------------------------------------------


def test_every_message_exists_in_three_languages_with_the_reference() -> None:
    rule = next(r for r in all_rules() if r.id == "fr.night-weekly-average")
    texts = {lang: rule_statement(rule, lang) for lang in LANGS}
    assert texts["en"].startswith("night workers may work at most 40 h a week on average over 12 weeks")
    assert texts["fr"].startswith("les travailleurs de nuit ne peuvent dépasser 40 h par semaine")
    assert texts["de"].startswith("Nachtarbeitnehmer dürfen im Durchschnitt über 12 Wochen höchstens 40 Std.")
    assert all(text.endswith("(FR L3122-7)") for text in texts.values())
    assert message("needed", "de", needed=9) == "es werden mindestens 9 gebraucht"
    assert message("post-needs-every", "fr", post="X", count=1, shift="N") == "le poste X demande 1 personne en N " \
                                                                               "chaque jour"


def test_explanations_render_in_three_languages() -> None:
    [main, needed] = explain_infeasibility(night_plant(2), time_limit=10)  # type: ignore[arg-type]
    assert main.text("fr").startswith("Le poste line demande 2 personnes en N chaque jour")
    assert main.text("de").startswith("Der Arbeitsplatz line braucht jeden Tag 2 Personen in Schicht N")
    assert needed.text("fr") == "Il en faut au moins 3."


# --- the command line: bad arguments exit 2 with a clear message -------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    plant = three_by_eight(people=6, days=7)
    path = tmp_path / "plant.yaml"
    save_scenario(plant, path)  # type: ignore[arg-type]
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_to_csv(plant, Roster()), encoding="utf-8")  # type: ignore[arg-type]
    return path, roster


@pytest.mark.parametrize(("extra", "expected"), [
    (["--absent", "nobody"], "unknown employee 'nobody'"),
    (["--absent", "e1:2026-01-0x"], "expected ID or ID:FROM..TO"),
    (["--post-down", "press"], "no post matches 'press'"),
])
def test_replan_bad_disruptions_exit_2(files: tuple[Path, Path], extra: list[str], expected: str,
                                       tmp_path: Path) -> None:
    scenario_path, roster = files
    result = CliRunner().invoke(app, ["replan", str(scenario_path), str(roster), "--from", "2026-01-07",
                                      "--out", str(tmp_path / "out"), *extra])
    assert result.exit_code == 2
    assert expected in result.output.replace("\n", " ")


def test_replan_date_outside_horizon_and_foreign_roster_exit_2(files: tuple[Path, Path], tmp_path: Path) -> None:
    scenario_path, roster = files
    runner = CliRunner()
    outside = runner.invoke(app, ["replan", str(scenario_path), str(roster), "--from", "2027-01-01",
                                  "--out", str(tmp_path / "o")])
    assert outside.exit_code == 2 and "outside the horizon" in outside.output.replace("\n", " ")
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("employee,date,shift,post\nzed,2026-01-05,M,line\n", encoding="utf-8")
    mismatch = runner.invoke(app, ["replan", str(scenario_path), str(foreign), "--from", "2026-01-07",
                                   "--out", str(tmp_path / "o")])
    assert mismatch.exit_code == 2 and "unknown employee 'zed'" in mismatch.output


def test_explain_and_stress_bad_arguments_exit_2(files: tuple[Path, Path], tmp_path: Path) -> None:
    scenario_path, roster = files
    runner = CliRunner()
    cases = [
        (["explain", str(scenario_path), str(roster), "--employee", "nobody", "--date", "2026-01-06"],
         "unknown employee 'nobody'"),
        (["explain", str(scenario_path), str(roster), "--employee", "e1", "--date", "2025-01-06"],
         "outside the horizon"),
        (["explain", str(scenario_path), str(roster), "--employee", "e1", "--date", "2026-01-06", "--lang", "it"],
         "--lang"),
        (["stress", str(scenario_path), "--cut", "2", "--remove", str(roster), "--out", str(tmp_path / "s")],
         "either --cut or --remove"),
        (["stress", str(scenario_path), "--cut", "99", "--out", str(tmp_path / "s")], "only 6 people"),
    ]
    for arguments, expected in cases:
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2, arguments
        assert expected in result.output.replace("\n", " "), result.output


def test_replan_command_writes_changes_csv(tmp_path: Path) -> None:
    plant = three_by_eight(people=8, days=14)
    published = planned(plant)
    scenario_path, roster_path = tmp_path / "plant.yaml", tmp_path / "roster.csv"
    save_scenario(plant, scenario_path)  # type: ignore[arg-type]
    roster_path.write_text(roster_to_csv(plant, published), encoding="utf-8")  # type: ignore[arg-type]
    sick = next(a.employee for a in published if a.date == day(4))
    result = CliRunner().invoke(app, ["replan", str(scenario_path), str(roster_path), "--from", day(4).isoformat(),
                                      "--absent", f"{sick}:{day(4)}..{day(5)}", "--time-limit", "6",
                                      "--compare-full", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "full re-solve from scratch:" in result.output.replace("\n", " ")
    lines = (tmp_path / "out" / "changes.csv").read_text().splitlines()
    assert lines[0] == "employee,date,before,after,before_post,after_post"
    assert any(line.startswith(f"{sick},{day(4)},") and line.split(",")[3] == "" for line in lines[1:])
    assert "change" in (tmp_path / "out" / "summary.txt").read_text()


def test_a_replan_with_no_roster_leaves_no_earlier_files_but_keeps_its_input(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like `plan`: an earlier run's files in --out are removed before the re-plan, so one that ends with no
    roster cannot leave them to be taken for its own; the published roster given as input stays."""
    from types import SimpleNamespace

    import roulement.cli.shocks as shocks_cli
    from roulement.solve.search import SolveResult

    plant = three_by_eight(people=8, days=14)
    out = tmp_path / "out"
    out.mkdir()
    scenario_path, roster_path = tmp_path / "plant.yaml", out / "roster.csv"
    save_scenario(plant, scenario_path)  # type: ignore[arg-type]
    roster_path.write_text(roster_to_csv(plant, planned(plant)), encoding="utf-8")  # type: ignore[arg-type]
    for name in ("changes.csv", "summary.txt", "report.json", "report.html"):
        (out / name).write_text("from an earlier run")
    nothing = SolveResult(None, "UNKNOWN", None, None, 1.0, 0.0, None, 0, False, {}, 0)
    monkeypatch.setattr(shocks_cli.service, "replan", lambda *args, **kwargs: SimpleNamespace(
        result=nothing, roster=None, report=None, checked=None))
    result = CliRunner().invoke(app, ["replan", str(scenario_path), str(roster_path), "--from", day(4).isoformat(),
                                      "--time-limit", "2", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "No roster found" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["roster.csv"]
    assert "removed an earlier run's" in result.output.replace("\n", " ")


def test_changes_are_per_person_day(tmp_path: Path) -> None:
    before = Roster([])
    from tests.factory import roster as make

    after = make(("e1", 2, "M"), ("e1", 3, "A", "chef"))
    changes = roster_changes(before, after, day(0), day(2))
    assert [(c.employee, c.date, c.before, c.after) for c in changes] == [("e1", day(2), None, "M")]
    assert dt.date(2026, 1, 7) == day(2)


def test_demand_file_replaces_only_the_slots_it_names() -> None:
    from roulement.formats.demand_csv import parse_demand_file
    from roulement.model.edits import replace_demand

    plant = three_by_eight()
    rows = parse_demand_file("post,date,shift,min,preferred\nline,2026-01-07,N,2,3\n", plant, "d.csv")  # type: ignore
    changed = replace_demand(plant, rows)  # type: ignore[arg-type]
    levels = {(s.day, s.shift): (s.min, s.preferred) for s in demand_slots(changed)}
    assert levels[(2, "N")] == (2, 3) and levels[(2, "M")] == (1, 1) and levels[(3, "N")] == (1, 1)
    assert len(levels) == len(demand_slots(plant))  # type: ignore[arg-type]
    with pytest.raises(DisruptionError, match=r"d.csv:2: post: unknown post 'press'"):
        parse_demand_file("post,date,shift,min\npress,2026-01-07,N,2\n", plant, "d.csv")  # type: ignore[arg-type]
    with pytest.raises(DisruptionError, match="outside the horizon"):
        parse_demand_file("post,date,shift,min\nline,2027-01-07,N,2\n", plant, "d.csv")  # type: ignore[arg-type]


def test_risk_chart_has_a_bar_per_post() -> None:
    from roulement.report.stress import risk_chart_svg

    plant = scenario(days=7, employees=[{"id": f"e{i}", "skills": ["op", "lead"]} for i in range(3)],
                     demand=[{"post": "line", "shifts": ["M"], "min": 1}, {"post": "chef", "shifts": ["A"], "min": 1}])
    risk = absence_risk(plant, 0.5, 20, seed=3)
    svg = risk_chart_svg(risk)
    assert svg.startswith("<svg") and svg.count("<rect") == 2 and ">line<" in svg and ">chef<" in svg
    assert 0.0 < risk.plant_short <= 1.0


def test_stress_cut_exits_1_when_the_plant_cannot_run_and_the_page_says_why(tmp_path: Path) -> None:
    plant = scenario(days=7, employees=[{"id": "c0", "skills": ["op", "lead"]}, {"id": "c1", "skills": ["op", "lead"]},
                                        *({"id": f"o{i}", "skills": ["op"], "seniority_date": "1990-01-01"}
                                          for i in range(4))],
                     demand=[{"post": "line", "shifts": ["M"], "min": 1}, {"post": "chef", "shifts": ["A"], "min": 1}])
    path = tmp_path / "plant.yaml"
    save_scenario(plant, path)  # type: ignore[arg-type]
    removed = tmp_path / "gone.txt"
    removed.write_text("c1\n", encoding="utf-8")
    runner = CliRunner()
    broken = runner.invoke(app, ["stress", str(path), "--remove", str(removed), "--time-limit", "8",
                                 "--out", str(tmp_path / "cut")])
    assert broken.exit_code == 1, broken.output
    console = broken.output.replace("\n", " ")
    assert "chef (skills op, lead): 1 holders left" in console
    page = (tmp_path / "cut" / "stress.html").read_text(encoding="utf-8")
    # What the console says, the page says: the post short with its shift and first date, the missing skills.
    assert "Not covered" in page and "Missing skills" in page and "op, lead" in page
    assert "<td class='left'>chef</td><td>" in page and "<th>first</th>" in page and "Skill groups" in page
    # ... and why: the conflict found when the cover was proven impossible.
    assert "<h3>Why</h3>" in page and "At least 2 are needed." in page
    fine = runner.invoke(app, ["stress", str(path), "--cut", "1", "--order", "reverse-seniority", "--time-limit", "8",
                               "--out", str(tmp_path / "ok")])
    assert fine.exit_code == 0, fine.output
    assert "Feasible" in (tmp_path / "ok" / "stress.html").read_text(encoding="utf-8")


# English words of the stress page's frame that no French or German page of it holds.
STRESS_ENGLISH = re.compile(r"\b(Stress test|Headcount|people|removed|seniority|Not covered|Feasible|roster|found|"
                            r"short|Skill groups|judged|alone|Missing skills|holders|needed|missing|fewest|"
                            r"Random absences|samples|probability|runs|Why|post|first|days|shifts)\b")


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_the_stress_page_is_written_in_the_readers_language(lang: str, tmp_path: Path) -> None:
    plant = scenario(days=7, employees=[{"id": "c0", "skills": ["op", "lead"]}, {"id": "c1", "skills": ["op", "lead"]},
                                        *({"id": f"o{i}", "skills": ["op"]} for i in range(4))],
                     demand=[{"post": "line", "shifts": ["M"], "min": 1}, {"post": "chef", "shifts": ["A"], "min": 1}])
    path = tmp_path / "plant.yaml"
    save_scenario(plant, path)
    removed = tmp_path / "gone.txt"
    removed.write_text("c1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["stress", str(path), "--remove", str(removed), "--time-limit", "8",
                                      "--absence-rate", "0.2", "--samples", "20", "--engine", "serial", "--lang", lang,
                                      "--out", str(tmp_path / "cut")])
    assert result.exit_code == 1, result.output
    page = (tmp_path / "cut" / "stress.html").read_text(encoding="utf-8")
    assert f"<html lang='{lang}'>" in page and "<svg" in page and "chef" in page
    words = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.S)))
    # Ids stay as they are (posts, skills), everything around them is in the reader's language.
    assert not STRESS_ENGLISH.search(words.replace("chef", "").replace("line", "")), STRESS_ENGLISH.findall(words)
    # Dates are written the reader's way, not as ISO dates.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", words)


def test_a_childcare_conflict_is_named_in_the_explanation() -> None:
    # Two people, both in one household whose child needs one of them free round the clock; the line needs
    # both every morning. With contract hours off, only the childcare rule stands in the way: it must be named.
    household = {"id": "h1", "members": ["a", "b"], "declaration": {"declared_by": "a", "purpose": "roster"},
                 "childcare": {"windows": [{"days": "all", "start": "00:00", "end": "00:00"}]}}
    plant = scenario(days=3, employees=[{"id": "a", "skills": ["op"]}, {"id": "b", "skills": ["op"]}],
                     demand=[{"post": "line", "shifts": ["M"], "min": 2}], households=[household],
                     rules={"settings": {"contract.hours": {"mode": "off"}}})
    [main, *_] = explain_infeasibility(plant, time_limit=10)
    assert main.posts == ("line",) and main.rules == ("people.childcare-cover",)
    assert main.text("en").startswith("Post line needs 2 people on shift M every day")
