"""Reading and changing what is stored: scenarios and their people, rosters (with optimistic versions),
publications and council decisions, employees' requests and declarations, solve jobs.

Every change records an audit entry in the caller's transaction. Validation of scenarios is the model's
own (`scenario_from_data`), so the web app accepts exactly what the CLI accepts.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from roulement.formats.periods import CARRIED_DAYS, next_period_data
from roulement.formats.scenario_yaml import ScenarioError, field_path, scenario_from_data
from roulement.model import scenario as model
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Scenario
from roulement.model.web_input import WISH_WEIGHT as WISH_WEIGHT  # re-exported: read here by callers
from roulement.model.web_input import WebInput, with_web_input
from roulement.store.audit import record, zoned
from roulement.store.errors import Conflict, Forbidden, Invalid, NotFound, Refusal, TooBusy
from roulement.store.models import (
    Decision,
    Declaration,
    EmployeeRequest,
    JudgedViolations,
    Publication,
    PublicationPerson,
    PublishedRead,
    SolveJob,
    SolveLease,
    StoredRoster,
    StoredScenario,
    User,
    now,
)

# Purpose-bound declarations (labor-law.md §5): the flag and its legal hook, never the household facts.
PURPOSES = {
    "child_under_12_day_post": "§6(4)(b) ArbZG / L3122-12 C. trav.: child under 12 with no other carer",
    "dependent_relative_care": "§6(4)(c) ArbZG / L3122-12 C. trav.: care of a dependent relative",
    "family_obligations": "L3122-12 C. trav.: imperative family obligations",
}
# The legal ground each purpose gives the day-post priority the solver keeps (no night shifts).
DAY_POST_REASONS = {
    "child_under_12_day_post": model.DayPostReason.CHILD_UNDER_12,
    "dependent_relative_care": model.DayPostReason.DEPENDENT_RELATIVE,
    "family_obligations": model.DayPostReason.FAMILY_OBLIGATIONS,
}
REQUEST_KINDS = ("day_off", "swap")
DECISIONS = ("approve", "reject")

# Keyed by row id, version and creation instant (ids alone repeat across databases: tests, or two apps in one
# process); hashing the content instead cost milliseconds a call on a big plant.
_scenario_cache: dict[tuple[int, int, str], Scenario] = {}


# --- scenarios -------------------------------------------------------------------------------------------

def scenario_data(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(mode="json")


def validated(data: dict[str, Any], rows: tuple[str, list[int]] | None = None) -> Scenario:
    """The model's own validation; `rows` = (section, file line of each item) points imported rows' errors
    at their line in the uploaded file."""
    try:
        return scenario_from_data(data, "scenario")
    except ScenarioError as error:
        problems = error.problems
        first = problems[0].split(": ")
        details = [Refusal(field_path(p.location), p.code, p.message, p.params) for p in error.details]
        if rows is not None:
            section, lines = rows

            def line_of(problem: str) -> int | None:
                match = re.search(rf"{section}\[(\d+)\]", problem)
                index = int(match.group(1)) if match else len(lines)
                return lines[index] if index < len(lines) else None

            def locate(problem: str) -> str:
                line = line_of(problem)
                return problem if line is None else f"{problem} (file line {line})"

            problems = [locate(p) for p in problems]
            details = [d if line_of(d.field or "") is None else Refusal(
                d.field, d.code, d.message, {**d.params, "file_line": line_of(d.field or "")}) for d in details]
        raise Invalid("; ".join(problems), first[1] if len(first) > 2 else None, details=details) from error


def get_scenario_row(session: Session, scenario_id: int) -> StoredScenario:
    row = session.get(StoredScenario, scenario_id)
    if row is None:
        raise NotFound(f"no scenario {scenario_id}", "scenario_id", code="no_such_scenario",
                       params={"value": str(scenario_id)})
    return row


def scenario_of(row: StoredScenario) -> Scenario:
    key = (row.id, row.version, row.created_at.isoformat())
    if key not in _scenario_cache:
        if len(_scenario_cache) > 32:
            _scenario_cache.clear()
        _scenario_cache[key] = validated(row.data)
    return _scenario_cache[key]


def add_scenario(session: Session, actor: User | None, scenario: Scenario, name: str) -> StoredScenario:
    name = name.strip() or scenario.site.name
    row = StoredScenario(name=name[:200], data=scenario_data(scenario), version=1)
    session.add(row)
    session.flush()
    record(session, actor, "scenario.import", "scenario", row.id, None,
           {"name": row.name, "employees": len(scenario.employees), "days": scenario.horizon.days})
    return row


def list_scenarios(session: Session) -> list[StoredScenario]:
    return list(session.scalars(select(StoredScenario).order_by(StoredScenario.id)))


def _change_scenario(
    session: Session, actor: User, row: StoredScenario, expected_version: int, data: dict[str, Any],
    action: str, entity_id: str, before: Any, after: Any, rows: tuple[str, list[int]] | None = None,
) -> Scenario:
    if row.version != expected_version:
        raise Conflict(f"version: the scenario is at version {row.version}, your edit was made on "
                       f"version {expected_version}; reload and try again", "version", code="stale_scenario",
                       params={"current": row.version, "yours": expected_version})
    scenario = validated(data, rows)
    result = session.execute(
        update(StoredScenario).where(StoredScenario.id == row.id, StoredScenario.version == expected_version)
        .values(data=scenario_data(scenario), version=expected_version + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("version: the scenario changed meanwhile; reload and try again", "version",
                       code="scenario_changed")
    session.refresh(row)
    record(session, actor, action, "scenario", f"{row.id}/{entity_id}", before, after)
    return scenario


def _employee_index(data: dict[str, Any], employee_id: str) -> int:
    for index, employee in enumerate(data["employees"]):
        if employee["id"] == employee_id:
            return index
    raise NotFound(f"employee_id: no employee {employee_id!r} in this scenario", "employee_id")


EDITABLE_EMPLOYEE_FIELDS = ("name", "skills", "team", "night_eligible", "night_worker", "contract")


def edit_employee(
    session: Session, actor: User, scenario_id: int, employee_id: str, expected_version: int,
    changes: dict[str, Any],
) -> Scenario:
    row = get_scenario_row(session, scenario_id)
    data = copy.deepcopy(row.data)
    index = _employee_index(data, employee_id)
    unknown = [name for name in changes if name not in EDITABLE_EMPLOYEE_FIELDS]
    if unknown:
        raise Invalid(f"{unknown[0]}: not an editable field (editable: {', '.join(EDITABLE_EMPLOYEE_FIELDS)})",
                      unknown[0])
    before = {name: data["employees"][index].get(name) for name in changes}
    data["employees"][index].update(changes)
    return _change_scenario(session, actor, row, expected_version, data, "employee.edit", employee_id,
                            before, changes)


def add_absence(
    session: Session, actor: User, scenario_id: int, employee_id: str, expected_version: int,
    absence: dict[str, Any],
) -> Scenario:
    row = get_scenario_row(session, scenario_id)
    data = copy.deepcopy(row.data)
    index = _employee_index(data, employee_id)
    data["employees"][index].setdefault("absences", []).append(absence)
    return _change_scenario(session, actor, row, expected_version, data, "absence.add", employee_id,
                            None, absence)


def remove_absence(
    session: Session, actor: User, scenario_id: int, employee_id: str, expected_version: int, position: int,
) -> Scenario:
    row = get_scenario_row(session, scenario_id)
    data = copy.deepcopy(row.data)
    index = _employee_index(data, employee_id)
    absences = data["employees"][index].get("absences", [])
    if not 0 <= position < len(absences):
        raise NotFound(f"absence: employee {employee_id} has no absence #{position}", "absence")
    removed = absences.pop(position)
    return _change_scenario(session, actor, row, expected_version, data, "absence.remove", employee_id,
                            removed, None)


EDITABLE_SECTIONS = ("site", "horizon", "shifts", "skills", "posts", "demand", "safety_minimums", "employees",
                     "absences", "requests", "households", "rules", "rotation")
# Kept with each person in the scenario, edited as one table of everyone's ({employee, ...} a row).
PERSONAL_SECTIONS = ("absences", "requests")
OBJECT_SECTIONS = ("site", "horizon", "rules", "rotation")  # the others are lists


def blank_scenario(name: str, jurisdiction: str, start: dt.date) -> Scenario:
    """A plant to set up in the browser: the site, four weeks from `start`, a 3x8 day and one post; skills,
    demand and people are added on the set-up page."""
    if jurisdiction not in ("FR", "DE"):
        raise Invalid("jurisdiction: FR or DE", "jurisdiction")
    return validated({
        "site": {"name": name or "New plant", "jurisdiction": jurisdiction,
                 "timezone": "Europe/Paris" if jurisdiction == "FR" else "Europe/Berlin"},
        "horizon": {"start": start.isoformat(), "days": 28},
        "shifts": [{"id": "M", "start": "05:00", "end": "13:00", "break_minutes": 30, "color": "#f6c667"},
                   {"id": "A", "start": "13:00", "end": "21:00", "break_minutes": 30, "color": "#6fa0d8"},
                   {"id": "N", "start": "21:00", "end": "05:00", "break_minutes": 30, "color": "#5b4b8a"}],
        "posts": [{"id": "post-1"}],
    })


def replace_section(
    session: Session, actor: User, scenario_id: int, section: str, expected_version: int,
    items: list[Any] | dict[str, Any], lines: list[int] | None = None,
) -> Scenario:
    """Replace one section of the scenario as a whole (site and horizon are objects, the others lists),
    validated with the rest of it: an error names the item and field (e.g. `posts[1].skills[0]`)."""
    if section not in EDITABLE_SECTIONS:
        raise Invalid(f"section: {section!r} is not one of {', '.join(EDITABLE_SECTIONS)}", "section",
                      code="unknown_section", params={"value": section, "known": ", ".join(EDITABLE_SECTIONS)})
    if isinstance(items, dict) != (section in OBJECT_SECTIONS):
        shape = "object" if section in OBJECT_SECTIONS else "list"
        raise Invalid(f"items: {section} is {'an object' if shape == 'object' else 'a list'}", "items",
                      code="section_is_object" if shape == "object" else "section_is_list", params={"section": section})
    row = get_scenario_row(session, scenario_id)
    data = copy.deepcopy(row.data)
    if section in PERSONAL_SECTIONS:
        assert isinstance(items, list)
        return _replace_personal(session, actor, row, expected_version, data, section, items)
    before = data.get(section)
    # No rotation: an empty object removes it.
    data[section] = None if section == "rotation" and not items else items
    return _change_scenario(session, actor, row, expected_version, data, f"{section}.replace", section,
                            before, items, None if lines is None else (section, lines))


def _replace_personal(session: Session, actor: User, row: StoredScenario, expected_version: int,
                      data: dict[str, Any], section: str, items: list[Any]) -> Scenario:
    """Everyone's absences or requests as one table ({employee, ...} a row), stored with each person; an error
    names the table's row and field (`absences[3].end`, `requests[0].shift`), not the person's own list."""
    people = {e["id"]: e for e in data["employees"]}
    before = {e["id"]: e.get(section, []) for e in data["employees"] if e.get(section)}
    for person in people.values():
        person[section] = []
    where: dict[tuple[int, int], int] = {}
    index_of = {e["id"]: i for i, e in enumerate(data["employees"])}
    for number, item in enumerate(items):
        if not isinstance(item, dict):
            raise Invalid(f"{section}[{number}]: an object with the employee and the {section[:-1]}'s fields",
                          f"{section}[{number}]", code="row_not_object")
        employee = item.get("employee")
        if employee not in people:
            raise Invalid(f"{section}[{number}].employee: no employee {employee!r} in this scenario",
                          f"{section}[{number}].employee", code="no_such_employee", params={"value": str(employee)})
        where[(index_of[employee], len(people[employee][section]))] = number
        people[employee][section].append({k: v for k, v in item.items() if k != "employee"})
    try:
        return _change_scenario(session, actor, row, expected_version, data, f"{section}.replace", section,
                                before, items)
    except Invalid as error:
        def table_row(match: re.Match[str]) -> str:
            number = where.get((int(match.group(1)), int(match.group(2))))
            return match.group(0) if number is None else f"{section}[{number}]"

        pattern = rf"employees\[(\d+)\]\.{section}\[(\d+)\]"
        details = [Refusal(None if d.field is None else re.sub(pattern, table_row, d.field), d.code,
                           re.sub(pattern, table_row, d.message), d.params) for d in error.details]
        raise Invalid(re.sub(pattern, table_row, error.message),
                      None if error.field is None else re.sub(pattern, table_row, error.field),
                      details=details) from error


def preview_demand(session: Session, scenario_id: int, expected_version: int, demand: list[dict[str, Any]],
                   lines: list[int]) -> dict[str, Any]:
    """What replacing the demand with `demand` would add, change and remove, validated as the save would be (an
    error names the item, field and file line); nothing is saved. A demand row is known by its post, shifts,
    days and dates; a change is in its levels (min, preferred, max) or weights."""
    row = get_scenario_row(session, scenario_id)
    if row.version != expected_version:
        raise Conflict(f"version: the scenario is at version {row.version}, your file was read on "
                       f"version {expected_version}; reload and try again", "version", code="stale_scenario",
                       params={"current": row.version, "yours": expected_version})
    data = copy.deepcopy(row.data)
    data["demand"] = demand
    new = validated(data, ("demand", lines)).demand
    old = scenario_of(row).demand

    def key(item: model.Demand) -> str:
        return repr((item.post, item.shifts, item.days, item.dates))

    def shown(item: model.Demand) -> dict[str, Any]:
        return item.model_dump(mode="json", include={"post", "shifts", "days", "dates", "min", "preferred", "max"})

    levels = ("min", "preferred", "max", "under_weight", "over_weight")
    remaining: dict[str, list[model.Demand]] = {}
    for item in old:
        remaining.setdefault(key(item), []).append(item)
    added, changed = [], []
    for item in new:
        same = remaining.get(key(item))
        if not same:
            added.append(shown(item))
            continue
        before = same.pop(0)
        fields = [name for name in levels if getattr(before, name) != getattr(item, name)]
        if fields:
            changed.append({"demand": shown(item), "before": shown(before), "fields": fields})
    removed = [shown(item) for items in remaining.values() for item in items]
    return {"added": added, "changed": changed, "removed": removed}


def import_employees(
    session: Session, actor: User, scenario_id: int, expected_version: int, people: list[dict[str, Any]],
    lines: list[int], preview: bool = False, keep_missing: bool = False,
) -> tuple[Scenario | None, dict[str, Any]]:
    """The file is the list of people: rows update the person with that id (keeping absences, requests and
    the rest of the contract), new ids are added, and people absent from the file are removed unless
    `keep_missing`. With `preview`, nothing is saved: the answer says who would be added, changed, removed."""
    row = get_scenario_row(session, scenario_id)
    data = copy.deepcopy(row.data)
    current = {e["id"]: e for e in data["employees"]}
    merged = []
    changed: list[dict[str, Any]] = []
    for person in people:
        person = dict(person)
        employee = copy.deepcopy(current.get(person["id"], {"id": person["id"]}))
        weekly = person.pop("weekly_hours", None)
        employee.update(person)
        if weekly is not None:
            employee["contract"] = {**employee.get("contract", {}), "weekly_hours": weekly}
        if person["id"] in current:
            fields = sorted(k for k in set(employee) | set(current[person["id"]])
                            if employee.get(k) != current[person["id"]].get(k))
            if fields:
                changed.append({"id": person["id"], "fields": fields})
        merged.append(employee)
    kept = {p["id"] for p in people}
    missing = sorted(set(current) - kept)
    if keep_missing:
        merged += [current[i] for i in missing]
    summary = {"rows": len(people), "added": sorted(kept - set(current)), "changed": changed,
               "removed": [] if keep_missing else missing, "kept_missing": missing if keep_missing else []}
    data["employees"] = merged
    if preview:
        validated(data, ("employees", lines))  # the same refusals as a real import, with their file lines
        return None, summary
    scenario = _change_scenario(session, actor, row, expected_version, data, "employees.import", "employees",
                                {"employees": len(current)}, summary, ("employees", lines))
    return scenario, summary


def carried_of(session: Session, scenario_id: int) -> Roster:
    """The previous period's last days carried by a rolled-forward scenario (empty for any other)."""
    carried = session.scalar(select(StoredScenario.carried).where(StoredScenario.id == scenario_id))
    return roster_of(carried) if carried else Roster([])


def roll_forward(session: Session, actor: User, scenario_id: int) -> StoredScenario:
    """The next period of a plant: the same site, people, shifts, posts and demand over as many days starting
    the day after this horizon. What belongs to the old period goes: requests and dated demand outside the new
    horizon, absences that ended before it. The stored scenario is left as it was."""
    row = get_scenario_row(session, scenario_id)
    data = next_period_data(row.data)
    start = dt.date.fromisoformat(data["horizon"]["start"])
    scenario = validated(data)
    name = f"{row.name} → {start.isoformat()}"
    # The old period's last days, as its newest roster has them, for the people still here: the checker sees
    # them before the new horizon (rest, runs of days, the week's rest across the boundary).
    newest = session.scalars(select(StoredRoster).where(StoredRoster.scenario_id == row.id)
                             .order_by(StoredRoster.updated_at.desc(), StoredRoster.id.desc())).first()
    people = {e.id for e in scenario.employees}
    carried = None if newest is None else assignments_data(Roster([
        a for a in roster_of(newest.assignments)
        if a.employee in people and start - dt.timedelta(days=CARRIED_DAYS) <= a.date < start]))
    rolled = StoredScenario(name=name[:200], data=scenario_data(scenario), version=1,
                            consent_required=row.consent_required, carried=carried)
    session.add(rolled)
    session.flush()
    record(session, actor, "scenario.roll_forward", "scenario", rolled.id, {"from": row.id},
           {"start": start.isoformat(), "days": data["horizon"]["days"]})
    return rolled


# --- rosters ---------------------------------------------------------------------------------------------

def assignments_data(roster: Roster) -> list[Any]:
    return [[a.employee, a.date.isoformat(), a.shift, a.post] for a in roster.sorted()]


def roster_of(assignments: list[Any]) -> Roster:
    return Roster([Assignment(e, dt.date.fromisoformat(d), s, p) for e, d, s, p in assignments])


def get_roster_row(session: Session, roster_id: int) -> StoredRoster:
    row = session.get(StoredRoster, roster_id)
    if row is None:
        raise NotFound(f"no roster {roster_id}", "roster_id", code="no_such_roster",
                       params={"value": str(roster_id)})
    return row


def list_rosters(session: Session, scenario_id: int | None = None) -> list[StoredRoster]:
    query = select(StoredRoster).order_by(StoredRoster.id)
    if scenario_id is not None:
        query = query.where(StoredRoster.scenario_id == scenario_id)
    return list(session.scalars(query))


def add_roster(
    session: Session, actor: User | None, scenario_id: int, roster: Roster, name: str,
    solver: dict[str, Any] | None = None,
) -> StoredRoster:
    get_scenario_row(session, scenario_id)
    row = StoredRoster(scenario_id=scenario_id, name=name[:200], assignments=assignments_data(roster),
                       version=1, solver=solver)
    session.add(row)
    session.flush()
    record(session, actor, "roster.create", "roster", row.id, None,
           {"scenario": scenario_id, "name": row.name, "assignments": len(roster)})
    return row


def edit_cell(
    session: Session, actor: User, roster_id: int, expected_version: int, employee: str, date: dt.date,
    shift: str | None, post: str | None,
) -> tuple[StoredRoster, Roster, Roster]:
    """Set (or clear, shift=None) one person's shift on one day; returns (row, before, after).

    Refused with Conflict when the roster moved on since `expected_version` was read: no silent overwrite.
    """
    row = get_roster_row(session, roster_id)
    scenario = scenario_of(get_scenario_row(session, row.scenario_id))
    if not scenario.has_employee(employee):
        raise Invalid(f"employee: no employee {employee!r} in this scenario", "employee", code="no_such_employee",
                      params={"value": employee})
    if not scenario.horizon.start <= date <= scenario.horizon.end:
        raise Invalid(f"date: {date} is outside the horizon {scenario.horizon.start}..{scenario.horizon.end}",
                      "date", code="date_outside_horizon",
                      params={"date": date, "start": scenario.horizon.start, "end": scenario.horizon.end})
    if shift is not None and shift not in scenario.shifts_by_id:
        raise Invalid(f"shift: unknown shift {shift!r} (known: {', '.join(scenario.shifts_by_id)})", "shift",
                      code="unknown_shift_of_roster",
                      params={"value": shift, "known": ", ".join(scenario.shifts_by_id)})
    if post is not None and post not in scenario.posts_by_id:
        raise Invalid(f"post: unknown post {post!r}", "post", code="unknown_post_of_roster", params={"value": post})
    if row.version != expected_version:
        raise Conflict(f"version: roster {roster_id} is at version {row.version}, your edit was made on "
                       f"version {expected_version}; reload to see the other change", "version",
                       code="stale_roster_edit", params={"current": row.version, "yours": expected_version})
    before = roster_of(row.assignments)
    existing = before.by_employee_date().get((employee, date))
    kept = [a for a in before if not (a.employee == employee and a.date == date)]
    if shift is not None:
        if post is None:
            eligible = [p.id for p in scenario.eligible_posts(scenario.employee(employee))]
            if existing is not None and existing.post in eligible:
                post = existing.post
            elif eligible:
                post = eligible[0]
            else:
                raise Invalid(f"post: employee {employee} holds no post's skills; name a post", "post",
                              code="post_needed", params={"value": employee})
        kept.append(Assignment(employee, date, shift, post))
    after = Roster(kept)
    result = session.execute(
        update(StoredRoster).where(StoredRoster.id == roster_id, StoredRoster.version == expected_version)
        .values(assignments=assignments_data(after), version=expected_version + 1, updated_at=now())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"version: roster {roster_id} changed meanwhile; reload to see the other change", "version",
                       code="roster_changed")
    session.refresh(row)
    old = None if existing is None else {"shift": existing.shift, "post": existing.post}
    new = None if shift is None else {"shift": shift, "post": post}
    record(session, actor, "roster.cell", "roster", roster_id,
           {"employee": employee, "date": date.isoformat(), "cell": old, "version": expected_version},
           {"employee": employee, "date": date.isoformat(), "cell": new, "version": row.version})
    return row, before, after


# --- publications and the council ----------------------------------------------------------------------

def publication_for_version(session: Session, roster_id: int, version: int) -> Publication | None:
    return session.scalar(select(Publication).where(Publication.roster_id == roster_id,
                                                    Publication.roster_version == version))


def last_publication_of_scenario(session: Session, scenario_id: int, before_id: int | None = None
                                 ) -> Publication | None:
    """The newest version put before the council for this plant (rejected ones aside)."""
    query = select(Publication).where(Publication.scenario_id == scenario_id, Publication.status != "rejected")
    if before_id is not None:
        query = query.where(Publication.id < before_id)
    return session.scalar(query.order_by(Publication.id.desc()).limit(1))


def publish(session: Session, actor: User, roster_id: int, expected_version: int,
            violations: int = 0, accept_violations: bool = False) -> tuple[Publication, bool]:
    """Freeze this roster version for the council (and employees); returns (publication, newly made).

    Idempotent: the same version published again (a double click, a retried request) answers the publication
    already made. A roster with violations is published only when the planner says so (`accept_violations`).
    """
    row = get_roster_row(session, roster_id)
    existing = publication_for_version(session, roster_id, expected_version)
    if existing is not None:
        return existing, False
    if row.version != expected_version:
        raise Conflict(f"version: roster {roster_id} is at version {row.version}, you are publishing "
                       f"version {expected_version}; reload first", "version",
                       code="stale_roster_publish", params={"current": row.version, "yours": expected_version})
    if violations and not accept_violations:
        raise Invalid(f"accept_violations: this version breaks {violations} rule(s); look at them and confirm "
                      "to publish it anyway", "accept_violations", code="publish_needs_confirmation",
                      params={"count": violations})
    publication = Publication(roster_id=row.id, scenario_id=row.scenario_id, roster_version=row.version,
                              assignments=list(row.assignments), status="proposed", published_by=actor.id)
    session.add(publication)
    # Two simultaneous requests for one version: the unique index lets one flush through; the other raises
    # IntegrityError, and the web layer answers it with the publication that won.
    session.flush()
    scenario = scenario_of(get_scenario_row(session, row.scenario_id))
    own: dict[str, list[Any]] = {e.id: [] for e in scenario.employees}
    for item in row.assignments:
        own.setdefault(item[0], []).append(item)
    session.add_all(PublicationPerson(publication_id=publication.id, employee_id=e.id, assignments=own[e.id])
                    for e in scenario.employees)
    record(session, actor, "roster.publish", "publication", publication.id, None,
           {"roster": row.id, "roster_version": row.version, "status": "proposed", "violations": violations})
    return publication, True


def cell_diff(scenario: Scenario, before: list[Any], after: list[Any], limit: int = 500) -> dict[str, Any]:
    """What changes between two sets of assignments, cell by cell (a cell is a person's day)."""
    old = {(e, d): (s, p) for e, d, s, p in before}
    new = {(e, d): (s, p) for e, d, s, p in after}
    names = {e.id: e.name or e.id for e in scenario.employees}
    cells: list[dict[str, Any]] = []
    counts = {"added": 0, "removed": 0, "changed": 0}
    people: set[str] = set()
    for key in sorted(set(old) | set(new)):
        was, becomes = old.get(key), new.get(key)
        if was == becomes:
            continue
        kind = "added" if was is None else "removed" if becomes is None else "changed"
        counts[kind] += 1
        people.add(key[0])
        if len(cells) < limit:
            cells.append({"employee": key[0], "name": names.get(key[0], key[0]), "date": key[1], "kind": kind,
                          "before": None if was is None else {"shift": was[0], "post": was[1]},
                          "after": None if becomes is None else {"shift": becomes[0], "post": becomes[1]}})
    return {**counts, "people": len(people), "cells": cells, "truncated": sum(counts.values()) > len(cells)}


def get_publication(session: Session, publication_id: int) -> Publication:
    publication = session.get(Publication, publication_id)
    if publication is None:
        raise NotFound(f"no publication {publication_id}", "publication_id", code="no_such_publication",
                       params={"value": str(publication_id)})
    return publication


def list_publications(session: Session) -> list[Publication]:
    return list(session.scalars(select(Publication).order_by(Publication.id.desc())))


def decide(session: Session, actor: User, publication_id: int, decision: str, comment: str) -> Decision:
    if decision not in DECISIONS:
        raise Invalid(f"decision: must be one of {', '.join(DECISIONS)}", "decision", code="unknown_decision",
                      params={"value": decision, "known": ", ".join(DECISIONS)})
    if decision == "reject" and not comment.strip():
        raise Invalid("comment: a rejection needs a reason", "comment", code="rejection_needs_reason")
    publication = get_publication(session, publication_id)
    if publication.status != "proposed":
        raise Conflict(f"publication {publication_id} was already {publication.status}", "publication_id")
    before = publication.status
    publication.status = "approved" if decision == "approve" else "rejected"
    row = Decision(publication_id=publication_id, user_id=actor.id, decision=decision, comment=comment.strip())
    session.add(row)
    session.flush()
    record(session, actor, f"publication.{decision}", "publication", publication_id,
           {"status": before}, {"status": publication.status, "comment": row.comment})
    return row


def decisions_of(session: Session, publication_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Decision, User.username).join(User, User.id == Decision.user_id)
        .where(Decision.publication_id == publication_id).order_by(Decision.id)
    )
    return [{"decision": d.decision, "comment": d.comment, "by": name, "at": zoned(d.decided_at)}
            for d, name in rows]


def current_publication_for(session: Session, employee_id: str) -> Publication | None:
    """The version that applies to this employee: the newest approved one with this person on it; where the
    site does not require the council's consent, the newest proposed or approved one. Found by index, without
    reading any other publication."""
    found = applying_publication(session, employee_id)
    return None if found is None else session.get(Publication, found.publication_id)


@dataclass(frozen=True)
class Applying:
    """Which publication applies to a person, and the stamps of what a view of it depends on (the publication
    is frozen; its status and the scenario's version are what can still change)."""

    publication_id: int
    status: str
    published_at: dt.datetime
    scenario_id: int
    scenario_version: int
    scenario_created_at: dt.datetime


def _applying_query() -> Select[int, str, dt.datetime, int, int, dt.datetime]:
    """`applying_publication`'s statement, built once (building it cost more than running it)."""
    proposed_visible = select(StoredScenario.id).where(StoredScenario.consent_required.is_(False))
    visible = select(Publication.id).where(or_(
        Publication.status == "approved",
        (Publication.status == "proposed") & Publication.scenario_id.in_(proposed_visible)))
    newest = (select(PublicationPerson.publication_id)
              .where(PublicationPerson.employee_id == bindparam("employee_id"),
                     PublicationPerson.publication_id.in_(visible))
              .order_by(PublicationPerson.publication_id.desc()).limit(1).scalar_subquery())
    return (select(Publication.id, Publication.status, Publication.published_at, StoredScenario.id,
                   StoredScenario.version, StoredScenario.created_at)
            .join(StoredScenario, StoredScenario.id == Publication.scenario_id)
            .where(Publication.id == newest))


_APPLYING = _applying_query()


def applying_publication(session: Session, employee_id: str) -> Applying | None:
    """`current_publication_for` in one query on indexes and small columns only: the publications' candidate ids
    come from covering indexes (status, scenario) and (consent_required), so no publication row (with its
    frozen roster in it) is read but the one that applies."""
    row = session.execute(_APPLYING, {"employee_id": employee_id}).first()
    if row is None:
        return None
    publication_id, status, published_at, scenario_id, version, created_at = row
    return Applying(publication_id, status, published_at, scenario_id, version, created_at)


def publication_stamps(session: Session, publication_id: int) -> Applying | None:
    """A publication's `Applying` (whoever it applies to): the stamps its reads are computed and stored under."""
    row = session.execute(
        select(Publication.id, Publication.status, Publication.published_at, StoredScenario.id,
               StoredScenario.version, StoredScenario.created_at)
        .join(StoredScenario, StoredScenario.id == Publication.scenario_id)
        .where(Publication.id == publication_id)).first()
    if row is None:
        return None
    publication_id, status, published_at, scenario_id, version, created_at = row
    return Applying(publication_id, status, published_at, scenario_id, version, created_at)


def read_stamp(applying: Applying) -> str:
    """What a stored read of this publication was computed from: equal stamps, equal reads."""
    return (f"{applying.status}|{applying.scenario_id}|{applying.scenario_version}|"
            f"{applying.scenario_created_at.isoformat()}|{applying.published_at.isoformat()}")


def stored_read(session: Session, applying: Applying, kind: str, subject: str) -> bytes | None:
    """A read stored in advance for this publication, still valid (its stamp is the publication's current one);
    None: compute it."""
    return session.scalar(select(PublishedRead.body).where(
        PublishedRead.publication_id == applying.publication_id, PublishedRead.kind == kind,
        PublishedRead.subject == subject, PublishedRead.stamp == read_stamp(applying)))


def save_reads(session: Session, applying: Applying, reads: list[tuple[str, str, bytes]]) -> bool:
    """Store a publication's reads computed from `applying`, replacing the ones stored before; not when the
    publication changed meanwhile (approved, rejected, its scenario edited): False, and nothing is written."""
    now_stamps = publication_stamps(session, applying.publication_id)
    if now_stamps is None or read_stamp(now_stamps) != read_stamp(applying):
        return False
    session.execute(delete(PublishedRead).where(PublishedRead.publication_id == applying.publication_id))
    stamp = read_stamp(applying)
    session.add_all(PublishedRead(publication_id=applying.publication_id, kind=kind, subject=subject, stamp=stamp,
                                  body=body) for kind, subject, body in reads)
    if applying.status == "approved":
        _forget_older_reads(session, applying)
    return True


def _forget_older_reads(session: Session, applying: Applying) -> None:
    """An approved version applies to everyone on it rather than any older one, whatever the site's setting: the
    reads stored for older versions are not read again by them (a read that was would be computed on demand)."""
    older = PublishedRead.publication_id < applying.publication_id
    on_it = select(PublicationPerson.employee_id).where(PublicationPerson.publication_id == applying.publication_id)
    same_plant = select(Publication.id).where(Publication.scenario_id == applying.scenario_id)
    session.execute(delete(PublishedRead).where(older, PublishedRead.kind != "team",
                                                PublishedRead.subject.in_(on_it)))
    session.execute(delete(PublishedRead).where(older, PublishedRead.kind == "team",
                                                PublishedRead.publication_id.in_(same_plant)))


def own_assignments(session: Session, publication_id: int, employee_id: str) -> list[Any]:
    """One person's rows of a publication, without reading the others'."""
    rows = session.scalar(select(PublicationPerson.assignments).where(
        PublicationPerson.publication_id == publication_id, PublicationPerson.employee_id == employee_id))
    return list(rows or [])


def set_consent_required(session: Session, actor: User, scenario_id: int, required: bool) -> StoredScenario:
    row = get_scenario_row(session, scenario_id)
    before = row.consent_required
    row.consent_required = required
    record(session, actor, "scenario.consent", "scenario", row.id, {"consent_required": before},
           {"consent_required": required})
    return row


# --- employees' requests and declarations ---------------------------------------------------------------

def add_request(
    session: Session, actor: User, kind: str, date: dt.date, swap_with: str | None, note: str,
) -> EmployeeRequest:
    if actor.employee_id is None:
        raise Forbidden("only an employee account can make requests")
    if kind not in REQUEST_KINDS:
        raise Invalid(f"kind: must be one of {', '.join(REQUEST_KINDS)}", "kind", code="unknown_employee_request",
                      params={"value": kind, "known": ", ".join(REQUEST_KINDS)})
    if kind == "swap" and not swap_with:
        raise Invalid("swap_with: a swap names the colleague to swap with", "swap_with", code="swap_needs_colleague")
    if kind == "day_off" and swap_with:
        raise Invalid("swap_with: a day-off request takes no colleague", "swap_with", code="day_off_takes_no_colleague")
    if swap_with == actor.employee_id:
        raise Invalid("swap_with: one cannot swap with oneself", "swap_with", code="swap_with_oneself")
    if swap_with:
        publication = current_publication_for(session, actor.employee_id)
        if publication is not None:
            scenario = scenario_of(get_scenario_row(session, publication.scenario_id))
            if not scenario.has_employee(swap_with):
                raise Invalid(f"swap_with: no colleague {swap_with!r} on the published roster", "swap_with",
                              code="no_such_colleague", params={"value": swap_with})
    request = EmployeeRequest(user_id=actor.id, employee_id=actor.employee_id, kind=kind, date=date,
                              swap_with=swap_with, note=note.strip()[:2000])
    session.add(request)
    session.flush()
    record(session, actor, "request.add", "request", request.id, None, request_view(request))
    return request


def request_view(request: EmployeeRequest, names: dict[str, str] | None = None) -> dict[str, Any]:
    names = names or {}
    return {"id": request.id, "employee_id": request.employee_id, "kind": request.kind,
            "date": request.date.isoformat(), "swap_with": request.swap_with, "note": request.note,
            "status": request.status, "outcome": request.outcome,
            "employee_name": names.get(request.employee_id, request.employee_id),
            "swap_with_name": names.get(request.swap_with, request.swap_with) if request.swap_with else None,
            "created_at": zoned(request.created_at)}


def people_names(session: Session) -> dict[str, str]:
    """Employee id -> name, from every stored scenario (the newest wins): requests show names, not ids."""
    names: dict[str, str] = {}
    for row in list_scenarios(session):
        names.update({e.id: e.name or e.id for e in scenario_of(row).employees})
    return names


def newest_roster_with(session: Session, employee_id: str) -> StoredRoster | None:
    """The roster a request is about: the newest one whose scenario has this person."""
    for row in session.scalars(select(StoredRoster).order_by(StoredRoster.id.desc())):
        if scenario_of(get_scenario_row(session, row.scenario_id)).has_employee(employee_id):
            return row
    return None


def carry_out_swap(session: Session, actor: User, request: EmployeeRequest) -> dict[str, Any]:
    """An accepted swap exchanges the two people's cells that day in the newest roster (a new version, in
    the audit trail); the checker judges the result like any edit."""
    row = newest_roster_with(session, request.employee_id)
    if row is None or request.swap_with is None:
        return {"carried_out": False, "reason": "no roster has this person"}
    roster = roster_of(row.assignments)
    cells = roster.by_employee_date()
    mine, theirs = cells.get((request.employee_id, request.date)), cells.get((request.swap_with, request.date))
    if mine is None and theirs is None:
        return {"carried_out": False, "reason": "neither works that day", "roster_id": row.id}
    kept = [a for a in roster if not (a.date == request.date and a.employee in (request.employee_id,
                                                                                 request.swap_with))]
    if mine is not None:
        kept.append(Assignment(request.swap_with, request.date, mine.shift, mine.post))
    if theirs is not None:
        kept.append(Assignment(request.employee_id, request.date, theirs.shift, theirs.post))
    version = row.version
    result = session.execute(
        update(StoredRoster).where(StoredRoster.id == row.id, StoredRoster.version == version)
        .values(assignments=assignments_data(Roster(kept)), version=version + 1, updated_at=now()))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"version: roster {row.id} changed meanwhile; try again", "version")
    session.refresh(row)
    record(session, actor, "roster.swap", "roster", row.id,
           {"request": request.id, "version": version,
            "cells": {request.employee_id: mine and [mine.shift, mine.post],
                      request.swap_with: theirs and [theirs.shift, theirs.post]}},
           {"request": request.id, "version": row.version})
    return {"carried_out": True, "roster_id": row.id, "roster_version": row.version}


def get_request(session: Session, request_id: int) -> EmployeeRequest:
    request = session.get(EmployeeRequest, request_id)
    if request is None:
        raise NotFound(f"no request {request_id}", "request_id", code="no_such_request",
                       params={"value": str(request_id)})
    return request


def list_requests(session: Session, user: User | None = None, status: str | None = None,
                  kind: str | None = None) -> list[EmployeeRequest]:
    query = select(EmployeeRequest).order_by(EmployeeRequest.id.desc())
    if user is not None:
        query = query.where(EmployeeRequest.user_id == user.id)
    if status is not None:
        query = query.where(EmployeeRequest.status == status)
    if kind is not None:
        query = query.where(EmployeeRequest.kind == kind)
    return list(session.scalars(query))


def accepted_day_off(session: Session, scenario: Scenario, roster: Roster) -> list[dict[str, Any]]:
    """Accepted day-off requests inside the horizon, each with whether the roster honours it."""
    ids = {e.id for e in scenario.employees}
    cells = roster.by_employee_date()
    found = []
    for request in session.scalars(select(EmployeeRequest).where(
            EmployeeRequest.kind == "day_off", EmployeeRequest.status == "accepted")):
        if request.employee_id in ids and scenario.horizon.start <= request.date <= scenario.horizon.end:
            worked = cells.get((request.employee_id, request.date))
            outcome = request.outcome or {}
            found.append({"id": request.id, "employee": request.employee_id, "date": request.date.isoformat(),
                          "honoured": worked is None, "shift": worked.shift if worked else None,
                          "reason": outcome.get("reason"), "rules": outcome.get("rules", [])})
    return found


def set_request_status(session: Session, actor: User, request: EmployeeRequest, status: str) -> None:
    allowed = ("withdrawn",) if actor.role == "employee" else ("accepted", "refused")
    if status not in allowed:
        raise Invalid(f"status: must be one of {', '.join(allowed)}", "status")
    if request.status != "open":
        raise Conflict(f"request {request.id} is already {request.status}", "status")
    before = request.status
    request.status = status
    record(session, actor, f"request.{status}", "request", request.id, {"status": before}, {"status": status})


def declare(session: Session, actor: User, purpose: str) -> Declaration:
    if actor.employee_id is None:
        raise Forbidden("only an employee account can declare needs")
    if purpose not in PURPOSES:
        raise Invalid(f"purpose: must be one of {', '.join(PURPOSES)}", "purpose")
    active = session.scalar(select(Declaration).where(
        Declaration.user_id == actor.id, Declaration.purpose == purpose, Declaration.withdrawn_at.is_(None)))
    if active is not None:
        raise Conflict(f"purpose: {purpose} is already declared", "purpose")
    declaration = Declaration(user_id=actor.id, employee_id=actor.employee_id, purpose=purpose)
    session.add(declaration)
    session.flush()
    # The trail names the purpose only: the record is as minimal as the declaration.
    record(session, actor, "declaration.add", "declaration", declaration.id, None, {"purpose": purpose})
    return declaration


def withdraw(session: Session, actor: User, declaration_id: int) -> None:
    declaration = session.get(Declaration, declaration_id)
    # Another person's declaration answers exactly like a missing one: its existence is private too.
    if declaration is None or declaration.user_id != actor.id:
        raise NotFound(f"no declaration {declaration_id}", "declaration_id", code="no_such_declaration",
                       params={"value": str(declaration_id)})
    if declaration.withdrawn_at is not None:
        raise Conflict(f"declaration {declaration_id} is already withdrawn", "declaration_id")
    declaration.withdrawn_at = now()
    record(session, actor, "declaration.withdraw", "declaration", declaration_id,
           {"purpose": declaration.purpose, "active": True}, {"purpose": declaration.purpose, "active": False})


def declarations_of(session: Session, user: User) -> list[Declaration]:
    return list(session.scalars(
        select(Declaration).where(Declaration.user_id == user.id).order_by(Declaration.id)))


def scenario_with_web_input(session: Session, scenario: Scenario) -> Scenario:
    """The scenario with what employees said on the web: their open day-off requests inside the horizon (a wish),
    their accepted ones (the planner's promise: a day away), and their active declarations as the day-post
    priority. A swap is not a wish the solver can weigh (accepting it carries it out), and refused or withdrawn
    requests say nothing. How it is folded in is `model.web_input`'s."""
    dates = set(scenario.horizon.dates())
    ids = {e.id for e in scenario.employees}
    said: dict[str, WebInput] = {}
    for request in session.scalars(select(EmployeeRequest).where(
            EmployeeRequest.kind == "day_off", EmployeeRequest.status.in_(("open", "accepted")))):
        if request.employee_id in ids and request.date in dates:
            mine = said.setdefault(request.employee_id, WebInput())
            if request.status == "accepted":
                mine.granted.add(request.date)
            else:
                mine.ask_day_off(request.date, WISH_WEIGHT)
    for declaration in session.scalars(select(Declaration).where(
            Declaration.withdrawn_at.is_(None), Declaration.purpose.in_(tuple(DAY_POST_REASONS))
    ).order_by(Declaration.id)):
        if declaration.employee_id in ids:
            mine = said.setdefault(declaration.employee_id, WebInput())
            if mine.day_post_reason is None:  # the first active declaration
                mine.day_post_reason = DAY_POST_REASONS[declaration.purpose]
                mine.declared_on = declaration.declared_at.date()
    return with_web_input(scenario, said)


def web_input_stamp(session: Session) -> str:
    """Changes whenever what employees said on the web changes what `scenario_with_web_input` returns; the same
    in every process (a digest, not Python's per-process hash)."""
    requests = session.execute(select(EmployeeRequest.id, EmployeeRequest.status)
                               .where(EmployeeRequest.kind == "day_off").order_by(EmployeeRequest.id)).all()
    declarations = session.execute(select(Declaration.id, Declaration.withdrawn_at.is_(None))
                                   .order_by(Declaration.id)).all()
    said = repr((tuple(map(tuple, requests)), tuple(map(tuple, declarations))))
    return hashlib.sha256(said.encode()).hexdigest()[:32]


JUDGED_KEPT_PER_ROSTER = 8


def judged_violations(session: Session, key: str) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] | None = session.scalar(
        select(JudgedViolations.violations).where(JudgedViolations.key == key))
    return found


def keep_judged_violations(session: Session, roster_id: int, key: str, violations: list[dict[str, Any]]) -> None:
    """Keep them (a key already kept is left as it is: equal keys judge equal rosters), and only the newest
    JUDGED_KEPT_PER_ROSTER of the roster's."""
    if session.scalar(select(JudgedViolations.id).where(JudgedViolations.key == key)) is not None:
        return
    session.add(JudgedViolations(roster_id=roster_id, key=key, violations=violations))
    session.flush()
    older = select(JudgedViolations.id).where(JudgedViolations.roster_id == roster_id).order_by(
        JudgedViolations.id.desc()).offset(JUDGED_KEPT_PER_ROSTER)
    session.execute(delete(JudgedViolations).where(JudgedViolations.id.in_(older.scalar_subquery())))


def active_declaration_counts(session: Session) -> dict[str, int]:
    counts = dict.fromkeys(PURPOSES, 0)
    for declaration in session.scalars(select(Declaration).where(Declaration.withdrawn_at.is_(None))):
        counts[declaration.purpose] = counts.get(declaration.purpose, 0) + 1
    return counts


# --- solve jobs ------------------------------------------------------------------------------------------

def add_job(session: Session, actor: User, scenario_id: int, time_limit: float, kind: str = "plan",
            request_id: int | None = None) -> SolveJob:
    get_scenario_row(session, scenario_id)
    job = SolveJob(scenario_id=scenario_id, user_id=actor.id, time_limit=time_limit, status="running", kind=kind,
                   request_id=request_id)
    session.add(job)
    session.flush()
    record(session, actor, "solve.start", "job", job.id, None,
           {"scenario": scenario_id, "time_limit": time_limit, "kind": kind, "request": request_id})
    return job


def with_day_off(scenario: Scenario, employee_id: str, date: dt.date) -> Scenario:
    """The plant as a re-plan sees a granted day off: the person away that day (what still_possible and the
    neighbourhood of a re-plan understand), everything else as it is."""
    employees = [e.model_copy(update={"absences": [*e.absences, model.Absence(
        start=date, end=date, kind=model.AbsenceKind.OTHER)]}) if e.id == employee_id and not e.absent_on(date)
        else e for e in scenario.employees]
    return scenario.replaced(employees=employees)


def save_replan(session: Session, actor: User, roster_id: int, expected_version: int, roster: Roster,
                request_id: int, changes: int) -> int | None:
    """The re-planned roster as the next version, unless someone edited it meanwhile (then None)."""
    result = session.execute(
        update(StoredRoster).where(StoredRoster.id == roster_id, StoredRoster.version == expected_version)
        .values(assignments=assignments_data(roster), version=expected_version + 1, updated_at=now()))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    record(session, actor, "roster.replan", "roster", roster_id, {"version": expected_version},
           {"version": expected_version + 1, "request": request_id, "changes": changes})
    return expected_version + 1


def abandon_running_jobs(session: Session) -> int:
    """Jobs left 'running' by a stopped server: their threads are gone, so say so instead of waiting forever;
    and the slots they held are free again."""
    jobs = list(session.scalars(select(SolveJob).where(SolveJob.status == "running")))
    for job in jobs:
        job.status, job.message, job.finished_at = "failed", "the server stopped while this job ran", now()
    session.execute(delete(SolveLease))
    return len(jobs)


def take_solve_lease(session: Session, site: str, per_site: int, per_server: int,
                     retry_after: int = 30) -> SolveLease:
    """One of the server's `per_server` slots and one of the site's `per_site`, or TooBusy (429) naming the
    limit reached. Two web processes taking the last slot at once: the unique indexes refuse the second insert
    (IntegrityError), and the caller tries again on what is held by then."""
    held = session.execute(select(SolveLease.server_slot, SolveLease.site, SolveLease.site_slot)).all()
    wait = {"Retry-After": str(retry_after)}
    if len(held) >= per_server:
        raise TooBusy(f"time_limit: the server already runs {len(held)} solve(s), its limit; try again when "
                      "one has finished", "time_limit", wait)
    on_site = {slot for _, held_site, slot in held if held_site == site}
    if len(on_site) >= per_site:
        raise TooBusy(f"time_limit: site {site!r} already runs {len(on_site)} solve(s), its limit; wait for it or "
                      "cancel it", "time_limit", wait)
    server_slot = min(set(range(per_server)) - {slot for slot, _, _ in held})
    lease = SolveLease(site=site, server_slot=server_slot, site_slot=min(set(range(per_site)) - on_site))
    session.add(lease)
    session.flush()
    return lease


def release_solve_lease(session: Session, lease_id: int) -> None:
    session.execute(delete(SolveLease).where(SolveLease.id == lease_id))


def save_job_progress(session: Session, job_id: int, progress: dict[str, Any]) -> None:
    session.execute(update(SolveJob).where(SolveJob.id == job_id).values(progress=progress))


def cancel_requested(session: Session, job_id: int) -> bool:
    return bool(session.scalar(select(SolveJob.cancel_requested).where(SolveJob.id == job_id)))


def get_job(session: Session, job_id: int) -> SolveJob:
    job = session.get(SolveJob, job_id)
    if job is None:
        raise NotFound(f"no solve job {job_id}", "job_id", code="no_such_job",
                       params={"value": str(job_id)})
    return job
