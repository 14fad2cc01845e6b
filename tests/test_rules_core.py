"""core.*: one shift a day, skills, absences, night fitness, coverage, safety minimums, requests.

Each rule gets a roster that keeps it and one that breaks it, judged by the independent checker.
"""

from __future__ import annotations

from roulement.check import check_roster
from roulement.model.scenario import Scenario
from roulement.report.messages import finding_text
from tests.factory import broken, day, person, roster, scenario, shift


def test_one_shift_per_day() -> None:
    plant = scenario(employees=[person("e1")])
    assert broken(check_roster(plant, roster(("e1", 0, "M"), ("e1", 1, "A"))), "core.one-shift-per-day") == []
    [violation] = broken(
        check_roster(plant, roster(("e1", 0, "M"), ("e1", 0, "A"))), "core.one-shift-per-day"
    )
    assert (violation.employee, violation.dates) == ("e1", (day(0),))
    assert violation.reference == "roulement model"


def test_qualification_needs_every_skill_of_the_post() -> None:
    plant = scenario(employees=[person("op1", ["op"]), person("lead1", ["op", "lead"])])
    assert (
        broken(
            check_roster(plant, roster(("lead1", 0, "M", "chef"), ("op1", 0, "M", "line"))),
            "core.qualification",
        )
        == []
    )
    [violation] = broken(check_roster(plant, roster(("op1", 2, "M", "chef"))), "core.qualification")
    assert (violation.employee, violation.dates) == ("op1", (day(2),))
    assert violation.details["missing"] == ["lead"]
    assert "plant post requirements" in violation.reference


def test_absence_blocks_shifts_starting_on_absent_days() -> None:
    plant = scenario(
        employees=[person("e1", absences=[{"start": day(2).isoformat(), "end": day(3).isoformat()}])]
    )
    # The night starting the day before ends at 05:00 on the first absent day: allowed unless strict.
    assert broken(check_roster(plant, roster(("e1", 1, "N"), ("e1", 4, "M"))), "core.absence") == []
    [violation] = broken(check_roster(plant, roster(("e1", 3, "M"))), "core.absence")
    assert (violation.employee, violation.dates) == ("e1", (day(3),))
    assert violation.reference == "employee absences"


def test_strict_absence_also_blocks_a_night_ending_inside_it() -> None:
    absence = {"start": day(2).isoformat(), "end": day(3).isoformat(), "strict": True}
    plant = scenario(employees=[person("e1", absences=[absence])])
    [violation] = broken(check_roster(plant, roster(("e1", 1, "N"))), "core.absence")
    assert (violation.employee, violation.dates) == ("e1", (day(1),))
    # Ending exactly when the absence starts does not touch it; starting the day after it ends is fine.
    plant = scenario(
        employees=[person("e1", absences=[absence])], extra_shifts=[shift("E", "16:00", "00:00", 30)]
    )
    assert broken(check_roster(plant, roster(("e1", 1, "E"), ("e1", 4, "M"))), "core.absence") == []


def test_night_eligibility() -> None:
    plant = scenario(employees=[person("day", night_eligible=False), person("any")])
    assert (
        broken(check_roster(plant, roster(("day", 0, "M"), ("any", 0, "N"))), "core.night-eligibility") == []
    )
    [violation] = broken(check_roster(plant, roster(("day", 1, "N"))), "core.night-eligibility")
    assert (violation.employee, violation.dates) == ("day", (day(1),))
    assert "FR L3122-11" in violation.reference and "ArbZG §6(3)" in violation.reference


def _coverage_plant(
    preferred: int, maximum: int | None, under_weight: int = 100, over_weight: int = 1
) -> Scenario:
    return scenario(
        days=7,
        employees=[person(f"e{i}") for i in range(4)],
        demand=[
            {
                "post": "line",
                "shifts": ["M"],
                "dates": [day(0).isoformat()],
                "min": 1,
                "preferred": preferred,
                "max": maximum,
                "under_weight": under_weight,
                "over_weight": over_weight,
            }
        ],
    )


def test_coverage_minimum_and_maximum_are_hard() -> None:
    plant = _coverage_plant(preferred=2, maximum=2)
    assert broken(check_roster(plant, roster(("e0", 0, "M"), ("e1", 0, "M"))), "core.coverage") == []
    [short] = broken(check_roster(plant, roster(("e0", 1, "M"))), "core.coverage")
    assert short.employee is None and short.dates == (day(0),)
    assert short.details == {"post": "line", "shift": "M", "required": 1, "assigned": 0}
    assert short.reference == "plant demand"
    [over] = broken(
        check_roster(plant, roster(("e0", 0, "M"), ("e1", 0, "M"), ("e2", 0, "M"))), "core.coverage"
    )
    assert over.details["maximum"] == 2 and over.details["assigned"] == 3


def test_coverage_prices_distance_from_the_preferred_level() -> None:
    plant = _coverage_plant(preferred=3, maximum=None, under_weight=70, over_weight=9)
    assert check_roster(plant, roster(("e0", 0, "M"))).objective["coverage_under"] == 2 * 70
    assert (
        "coverage_under" not in check_roster(plant, roster(*[(f"e{i}", 0, "M") for i in range(3)])).objective
    )
    assert check_roster(plant, roster(*[(f"e{i}", 0, "M") for i in range(4)])).objective["coverage_over"] == 9
    # Somebody on a post and shift nobody asked for is over-staffing at one unit per person.
    assert check_roster(
        plant, roster(("e0", 0, "M"), ("e1", 0, "M"), ("e2", 0, "M"), ("e3", 1, "A"))
    ).objective == {"coverage_over": 1}


def _safety_plant(shifts: list[str] | None = None) -> Scenario:
    return scenario(
        days=1,
        employees=[person("s1", ["op", "esi"]), person("s2", ["op", "esi"]), person("o1")],
        extra_shifts=[shift("J", "08:00", "16:00", 30)],
        safety_minimums=[{"id": "esi-team", "skill": "esi", "min": 1, "shifts": shifts}],
    )


def test_safety_minimum_is_judged_on_time_segments() -> None:
    plant = _safety_plant(["M", "A"])
    # One responder on M and one on A: every minute from 05:00 to 21:00 has one, whatever post they hold.
    assert (
        broken(check_roster(plant, roster(("s1", 0, "M", "chef"), ("s2", 0, "A"))), "core.safety-minimum")
        == []
    )
    # J (08-16) overlaps M and A but leaves 05-08 and 16-21 without a responder.
    found = broken(
        check_roster(plant, roster(("s1", 0, "J"), ("o1", 0, "M"), ("o1", 0, "A"))), "core.safety-minimum"
    )
    assert [v.message.split(",")[0] for v in found] == [
        "from 2026-01-05 05:00 to 08:00",
        "from 2026-01-05 16:00 to 21:00",
    ]
    assert all(v.dates == (day(0),) and v.details["present"] == 0 for v in found)
    assert all(v.reference == "site safety study (Seveso SMS / POI)" for v in found)
    # M then J: covered until 16:00 only.
    [late] = broken(check_roster(plant, roster(("s1", 0, "M"), ("s2", 0, "J"))), "core.safety-minimum")
    assert late.message.startswith("from 2026-01-05 16:00 to 21:00")


def test_safety_minimum_finding_counts_its_people_in_each_language() -> None:
    plant = scenario(days=1, employees=[person("s1", ["op", "esi"]), person("s2", ["op", "esi"])],
                     safety_minimums=[{"id": "esi-pair", "skill": "esi", "min": 2, "shifts": ["M"]}])
    [one] = broken(check_roster(plant, roster(("s1", 0, "M"))), "core.safety-minimum")
    [none] = broken(check_roster(plant, roster(("s1", 0, "A"))), "core.safety-minimum")
    assert "1 person with skill esi is on site" in one.message
    assert "0 people with skill esi are on site" in none.message
    assert "1 titulaire de la compétence esi est sur site" in finding_text(one.message, "fr")
    assert "0 titulaire de la compétence esi est sur site" in finding_text(none.message, "fr")  # French 0 is one
    assert "ist 1 Person mit der Qualifikation esi" in finding_text(one.message, "de")
    assert "sind 0 Personen mit der Qualifikation esi" in finding_text(none.message, "de")


def test_safety_minimum_without_shift_filter_covers_the_night() -> None:
    plant = _safety_plant(None)
    found = broken(check_roster(plant, roster(("s1", 0, "M"), ("s2", 0, "A"))), "core.safety-minimum")
    assert [v.message.split(",")[0] for v in found] == ["from 2026-01-05 21:00 to 05:00"]


def test_requests_are_priced_by_weight_when_refused() -> None:
    requests = [
        {"kind": "day_off", "date": day(0).isoformat(), "weight": 5},
        {"kind": "day_on", "date": day(1).isoformat(), "weight": 3},
        {"kind": "shift_on", "date": day(2).isoformat(), "shift": "M", "weight": 2},
        {"kind": "shift_off", "date": day(3).isoformat(), "shift": "N", "weight": 4},
    ]
    plant = scenario(employees=[person("e1", requests=requests)])
    granted = check_roster(plant, roster(("e1", 1, "M"), ("e1", 2, "M"), ("e1", 3, "A")))
    assert "requests" not in granted.objective and granted.violations == []
    refused = check_roster(plant, roster(("e1", 0, "M"), ("e1", 2, "A"), ("e1", 3, "N")))
    assert refused.objective["requests"] == 5 + 3 + 2 + 4
    assert sorted((c.dates, c.amount) for c in refused.costs if c.term == "requests") == [
        ((day(0),), 5),
        ((day(1),), 3),
        ((day(2),), 2),
        ((day(3),), 4),
    ]
    # Requests are wishes: refusing them is never a violation, and their weight scales with the rule's.
    assert not any(v.rule == "core.requests" for v in refused.violations)
    weighted = scenario(
        employees=[person("e1", requests=requests)], rules={"settings": {"core.requests": {"weight": 10}}}
    )
    assert check_roster(weighted, roster(("e1", 0, "M"))).objective["requests"] == 10 * (5 + 3 + 2)
