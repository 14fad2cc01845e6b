"""The works council's papers, attacked as a curious reader would: match them against the published roster.

The published roster names everyone and shows their shifts. An attack succeeds when a row in the council's
papers can be tied to one name *and* tells something the published roster does not (night eligibility,
which follows from health, a day-post priority or single parenthood; contract hours; fair shares).
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

from roulement import service
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Scenario
from roulement.report.audience import MIN_GROUP, PUBLIC_COUNTS, Audience, pseudonyms
from tests.factory import day, scenario

SHIFTS = "MAN"


def _plant() -> Scenario:
    people = [{"id": f"k{i:03d}", "name": f"Person {i}", "skills": ["op"], "night_eligible": i not in (3, 7)}
              for i in range(12)]
    return scenario(days=14, employees=people)


def _published(plant: Scenario) -> Roster:
    """Every person a pattern of their own: each works days i, i+1, i+3 and i+6, on a shift set by i."""
    rows = []
    for index, employee in enumerate(plant.employees):
        for offset in (0, 1, 3, 6):
            shift = "M" if not employee.night_eligible else SHIFTS[(index + offset) % 3]
            rows.append(Assignment(employee.id, day((index + offset) % 14), shift, "line"))
    return Roster(rows)


def _council_papers(plant: Scenario, roster: Roster, out: Path) -> tuple[list[dict[str, str]], dict[str, Any]]:
    report = service.audit(plant, roster).report
    service.write_outputs(plant, roster, report, out, Audience.COUNCIL)
    with (out / "roster.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return rows, json.loads((out / "report.json").read_text(encoding="utf-8"))


def _counts(plant: Scenario, roster: Roster, report: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """What anyone can count from the published roster, per name (the planner's own per-person figures)."""
    figures = {row["employee"]: tuple(row[c] for c in PUBLIC_COUNTS) for row in report["people"]["fairness"]}
    return {e.id: figures[e.id] for e in plant.employees}


def test_matching_the_council_papers_to_the_published_roster_learns_nothing_protected(tmp_path: Path) -> None:
    plant = _plant()
    published = _published(plant)
    planner_report = service.audit(plant, published).report
    patterns: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for employee in plant.employees:
        key = tuple(sorted((a.date.isoformat(), a.shift) for a in published if a.employee == employee.id))
        patterns.setdefault(key, []).append(employee.id)
    assert all(len(names) == 1 for names in patterns.values())  # the attack would succeed on any pattern
    roster_rows, council = _council_papers(plant, published, tmp_path)

    # Attack 1: each pseudonym's shift pattern in the council's roster, matched to the published one.
    by_pseudonym: dict[str, list[tuple[str, str]]] = {}
    for row in roster_rows:
        by_pseudonym.setdefault(row["employee"], []).append((row["date"], row["shift"]))
    reidentified = {p for p, shifts in by_pseudonym.items() if len(patterns.get(tuple(sorted(shifts)), [])) == 1}
    assert reidentified == set()

    # Attack 2: any per-person row of the report, matched on counts the published roster shows. A row that
    # matches one name must carry nothing else (no eligibility, contract, fair share, pseudonym).
    counts = _counts(plant, published, planner_report)
    owners = Counter(counts.values())
    for table in (council["employees"], council["people"]["fairness"]):
        for row in table:
            assert set(row) <= set(PUBLIC_COUNTS), row
            figures = tuple(row[c] for c in PUBLIC_COUNTS)
            assert owners[figures] >= 1  # the counts are the roster's own, nothing hidden in them

    # What the planner knows and the roster does not show stays out of the papers person by person.
    text = json.dumps(council) + (tmp_path / "report.html").read_text(encoding="utf-8")
    for secret in ('"night_eligible"', '"contract_ratio"', '"fair_nights"', "Person 3", "k003"):
        assert secret not in text


def test_protected_statuses_are_counted_only_over_groups_large_enough(tmp_path: Path) -> None:
    plant = _plant()
    _, council = _council_papers(plant, _published(plant), tmp_path)
    groups = council["people"]["groups"]
    assert groups["min_group"] == MIN_GROUP == 5
    [group] = groups["groups"]
    # Two people are exempt from nights: a count that small next to the roster points at them.
    assert group["people"] == 12 and group["not_night_eligible"] == "fewer than 5"
    assert group["nights_of_night_eligible"] is not None  # ten eligible people: their spread is shown


def test_small_peer_groups_are_pooled_or_withheld() -> None:
    from roulement.report.audience import council_groups

    rows = [{"employee": f"e{i}", "peer_group": i % 3, "night_eligible": True, "nights": i, "sundays": 1}
            for i in range(9)]  # three groups of three
    totals = [{"employee": f"e{i}", "hours": 100.0} for i in range(9)]
    pooled = council_groups(rows, totals)
    assert [g["people"] for g in pooled["groups"]] == [9] and pooled["people_in_groups_too_small"] == 0
    withheld = council_groups(rows[:4], totals)
    assert withheld["groups"] == [] and withheld["people_in_groups_too_small"] == 4


def test_pseudonyms_are_not_derivable_from_ids_or_order() -> None:
    plant = _plant()
    in_order = {e.id: f"P{i:02d}" for i, e in enumerate(plant.employees, start=1)}
    drawn = pseudonyms(plant, random.Random(17))
    assert sorted(drawn.values()) == sorted(in_order.values()) and drawn != in_order
    # Drawn afresh for each report (two draws of 12 agree once in 479 million): no key to pool reports on.
    assert pseudonyms(plant) != pseudonyms(plant)
