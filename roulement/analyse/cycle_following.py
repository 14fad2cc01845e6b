"""How far a roster follows the published cycle: the share, the deviations by kind and per person."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from roulement.analyse.rotation import judge_year
from roulement.model.roster import Assignment
from roulement.model.scenario import Scenario
from roulement.rules.follow_cycle import following
from roulement.solve.crews import crew_problems


def cycle_section(scenario: Scenario, roster: Iterable[Assignment]) -> dict[str, Any] | None:
    """The report's `rotation` section: None without a rotation."""
    rotation = scenario.rotation
    if rotation is None:
        return None
    followed = following(scenario, roster)
    per_person: dict[str, list[dict[str, str | None]]] = defaultdict(list)
    for deviation in followed.deviations:
        per_person[deviation.employee].append(deviation.as_dict())
    crews = {e.id: e.crew for e in scenario.employees}
    return {
        "summary": followed.sentence(),
        "share_following": round(followed.share, 4),
        "cycle_shifts": followed.cycle_shifts,
        "followed": followed.followed,
        "absent": followed.absent,
        "deviations": len(followed.deviations),
        "by_kind": followed.counts(),
        "crews": {c.id: {"name": c.name, "start_week": c.start_week,
                         "members": sum(1 for crew in crews.values() if crew == c.id)} for c in rotation.crews},
        "relief_pool": None if rotation.relief_pool is None else {
            "id": rotation.relief_pool.id, "name": rotation.relief_pool.name,
            "members": sum(1 for crew in crews.values() if crew == rotation.relief_pool.id)},
        # What keeps a crew from running on its own (a post it cannot staff, the safety minimum, nights).
        "crew_problems": crew_problems(scenario),
        "crew_of": {employee: crew for employee, crew in crews.items() if crew is not None},
        "per_person": [{"employee": employee, "crew": crews.get(employee), "deviations": items}
                       for employee, items in sorted(per_person.items())],
    }


def cycle_for_council(section: dict[str, Any] | None, names: dict[str, str]) -> dict[str, Any] | None:
    """The section with people under their pseudonyms (the council sees deviations, not names)."""
    if section is None:
        return None
    shown = dict(section)
    shown["crew_of"] = {names.get(e, "?"): crew for e, crew in section["crew_of"].items()}
    shown["per_person"] = [dict(row, employee=names.get(row["employee"], "?"),
                                deviations=[dict(d, employee=names.get(row["employee"], "?"))
                                            for d in row["deviations"]])
                           for row in section["per_person"]]
    return shown


def cycle_for_employee(section: dict[str, Any] | None, employee: str) -> dict[str, Any] | None:
    """The section with only the employee's own crew and deviations (the plant-wide figures stay)."""
    if section is None:
        return None
    shown = dict(section)
    shown["crew_of"] = {e: crew for e, crew in section["crew_of"].items() if e == employee}
    shown["per_person"] = [row for row in section["per_person"] if row["employee"] == employee]
    return shown


def cycle_evaluation(scenario: Scenario) -> dict[str, Any] | None:
    """The cycle judged over a whole year (`analyse.rotation.judge_year`): what a works council weighs beside
    the month's deviations. None without a rotation."""
    if scenario.rotation is None:
        return None
    judged = judge_year(scenario)
    return {
        "violations": len(judged.violations),
        "violations_by_rule": judged.check.by_rule(),
        "readings": judged.readings,
        "reading_words": judged.reading_words,
        "criteria": [{"key": c.key, "words": c.words, "label": c.label, "value": c.value, "unit": c.unit,
                      "target": c.target, "source": c.source, "ok": c.ok} for c in judged.criteria],
    }
