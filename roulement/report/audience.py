"""Who reads a report decides what it shows (GDPR art. 5(1)(c) minimisation, art. 88; BetrVG §87, CSE L2312-8).

- planner: everything, households included (the people who plan hold the declarations' purpose);
- council: the roster's law and coverage, fairness as distributions and per peer group, households only as
  totals, breaches under pseudonyms (see `council_view` for what that means and why);
- employee: their own shifts, totals, fair share and household figures, and the plant's aggregates.
"""

from __future__ import annotations

import copy
import random
import statistics
from enum import StrEnum
from typing import Any

from roulement.analyse.cycle_following import cycle_for_council, cycle_for_employee
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario


class Audience(StrEnum):
    PLANNER = "planner"
    EMPLOYEE = "employee"
    COUNCIL = "council"


class AudienceError(ValueError):
    """An audience asked for without what it needs (an employee report without a known employee)."""


# The smallest group a council figure about a protected status may describe. Five is the usual floor for
# publishing counts about people (statistical secrecy rules use 3 to 5; works agreements on HR analytics
# commonly set 5): below it a count next to the published roster can single a person out.
MIN_GROUP = 5

# What the published roster already tells anyone about a person: nothing else is shown person by person.
PUBLIC_COUNTS = ("nights", "sundays", "weekend_days", "public_holidays")


def pseudonyms(scenario: Scenario, rng: random.Random | None = None) -> dict[str, str]:
    """Pseudonyms drawn afresh for each report: a random permutation, not derived from ids or roster order.

    A random permutation rather than a keyed hash: nothing needs to map a pseudonym back (the planner has the
    names), so there is no key to keep safe, and two reports never share pseudonyms that would let a reader
    pool what each of them shows.
    """
    draw = rng or random.SystemRandom()
    width = len(str(len(scenario.employees)))
    labels = [f"P{index:0{width}d}" for index in range(1, len(scenario.employees) + 1)]
    draw.shuffle(labels)
    return {e.id: label for e, label in zip(scenario.employees, labels, strict=True)}


def _at_least(count: int) -> int | str:
    """A count about a protected status, or 'fewer than 5' when it could point at someone."""
    return count if count == 0 or count >= MIN_GROUP else f"fewer than {MIN_GROUP}"


def _figures(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "max": max(values), "mean": round(statistics.fmean(values), 2)}


def council_groups(fairness: list[dict[str, Any]], totals: list[dict[str, Any]]) -> dict[str, Any]:
    """Fairness per peer group (people who can hold the same posts), over groups of at least MIN_GROUP.

    Smaller groups are pooled; a pool still too small is only counted. Night eligibility, which follows
    from health, a day-post priority or family duties, appears only as a count within a group of that size.
    """
    hours = {t["employee"]: t["hours"] for t in totals}
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in fairness:
        groups.setdefault(row["peer_group"], []).append(row)
    shown: list[list[dict[str, Any]]] = []
    pooled: list[list[dict[str, Any]]] = []
    for rows in groups.values():
        (shown if len(rows) >= MIN_GROUP else pooled).append(rows)
    pool = [row for rows in pooled for row in rows]
    if len(pool) >= MIN_GROUP:
        shown.append(pool)
    described = []
    for rows in shown:
        eligible = [r for r in rows if r["night_eligible"]]
        described.append({
            "people": len(rows),
            "not_night_eligible": _at_least(len(rows) - len(eligible)),
            "nights_of_night_eligible": _figures([r["nights"] for r in eligible]) if len(eligible) >= MIN_GROUP
            else None,
            "sundays": _figures([r["sundays"] for r in rows]),
            "hours": _figures([hours[r["employee"]] for r in rows]),
        })
    return {"min_group": MIN_GROUP, "groups": described,
            "people_in_groups_too_small": len(pool) if len(pool) < MIN_GROUP else 0}


def _household_totals(households: list[dict[str, Any]]) -> dict[str, Any]:
    asked = sum(h["shared_days_off_asked"] for h in households)
    got = sum(h["shared_days_off_got"] for h in households)
    return {
        "households": len(households),
        "asking_shared_days_off": sum(1 for h in households if h["shared_days_off_asked"]),
        "shared_days_off_asked": asked,
        "shared_days_off_got": got,
        "with_childcare": sum(1 for h in households if h["childcare_mode"] is not None),
        "childcare_uncovered_hours": round(sum(h["childcare_uncovered_hours"] for h in households), 2),
    }


def _people_rules(violation: dict[str, Any]) -> bool:
    return str(violation["rule"]).startswith("people.")


def for_audience(
    scenario: Scenario, roster: Roster, report: dict[str, Any], audience: Audience, employee: str | None = None
) -> tuple[Scenario, Roster, dict[str, Any]]:
    """The scenario, roster and report an audience may see; HTML and JSON are both rendered from these."""
    if audience is Audience.PLANNER:
        return scenario, roster, report
    shown = copy.deepcopy(report)
    shown["audience"] = audience.value
    people = shown["people"]
    if audience is Audience.COUNCIL:
        return _council_view(scenario, shown)
    if employee is None or not scenario.has_employee(employee):
        raise AudienceError(f"--employee must name an employee of the scenario (got {employee!r})")
    household = scenario.household_of(employee)
    own = [h for h in people["households"] if household is not None and h["id"] == household.id]
    for h in own:
        h["members"] = [employee]  # the figures are theirs; the others' names stay with the planner
    people["households"] = own
    people["fairness"] = [row for row in people["fairness"] if row["employee"] == employee]
    shown["employees"] = [row for row in shown["employees"] if row["employee"] == employee]
    shown["violations"] = [v for v in shown["violations"] if v["employee"] == employee]
    shown["employee"] = employee
    shown["rotation"] = cycle_for_employee(shown.get("rotation"), employee)
    me = scenario.employee(employee)
    visible = scenario.replaced(employees=[me], households=[])
    return visible, Roster([a for a in roster if a.employee == employee]), shown


def _council_view(scenario: Scenario, shown: dict[str, Any]) -> tuple[Scenario, Roster, dict[str, Any]]:
    """What the works council reads, built so that matching it against the published roster names nobody.

    The roster is published with names, so any per-person row in the council's papers (a shift pattern, a
    count of nights) can be matched back to a name; what must not be in such a row is anything the roster
    does not show. So the council gets no per-person roster and no per-person table: the published roster is
    the roster. Fairness comes as distributions (counts only, in no person's order) and per peer group;
    protected statuses as counts over groups of at least MIN_GROUP; breaches under fresh pseudonyms, since
    a breach is the roster's own fact.
    """
    people = shown["people"]
    names = pseudonyms(scenario)
    people["households"] = _household_totals(people["households"])
    people["groups"] = council_groups(people["fairness"], shown["employees"])
    counts = [{category: row[category] for category in PUBLIC_COUNTS} for row in people["fairness"]]
    people["fairness"] = sorted(counts, key=lambda row: tuple(row.values()))
    shown["employees"] = []
    kept = []
    for violation in shown["violations"]:
        if _people_rules(violation):
            continue  # counted in the summary; the household behind it is not named
        if violation["employee"] is not None:
            violation["employee"] = names.get(violation["employee"], "?")
        kept.append(violation)
    shown["violations"] = kept
    # Deviations from the cycle are the roster's own facts, like breaches: shown under the same pseudonyms.
    shown["rotation"] = cycle_for_council(shown.get("rotation"), names)
    return scenario.replaced(employees=[], households=[]), Roster([]), shown
