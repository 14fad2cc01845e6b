"""Cross-reference checks a field validator cannot make: every id used must be declared, once."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from roulement.model.problems import Location, Problem
from roulement.model.rotation import OFF
from roulement.model.scenario import Absence, Demand, Scenario

# A mistake in a scenario, located by its path of keys and indexes (as in the YAML), with its code.
FieldError = Problem


def _duplicates(ids: Iterable[str], field: str) -> list[FieldError]:
    seen: set[str] = set()
    errors = []
    for index, identifier in enumerate(ids):
        if identifier in seen:
            errors.append(FieldError((field, index, "id"), "duplicate_id", f"duplicate id {identifier!r}",
                                     {"value": identifier}))
        seen.add(identifier)
    return errors


# What each kind of reference is called in the English sentence; its code is `unknown_<kind>`.
KINDS = {"skill": "skill", "post": "post", "shift": "shift", "employee": "employee",
         "cycle_shift": "shift code ('-' for off)", "crew": "crew or relief pool"}


def _unknown(value: str, known: set[str], kind: str, location: Location) -> list[FieldError]:
    if value in known:
        return []
    hint = ", ".join(sorted(known)[:12])
    message = f"unknown {KINDS[kind]} {value!r} (known: {hint or 'none declared'})"
    return [FieldError(location, f"unknown_{kind}", message, {"value": value, "known": hint})]


def _outside(day: dt.date, location: Location) -> FieldError:
    return FieldError(location, "outside_horizon", f"{day} is outside the horizon", {"date": day})


def find_reference_errors(scenario: Scenario) -> list[FieldError]:
    errors: list[FieldError] = []
    errors += _duplicates((s.id for s in scenario.shifts), "shifts")
    errors += _duplicates((s.id for s in scenario.skills), "skills")
    errors += _duplicates((p.id for p in scenario.posts), "posts")
    errors += _duplicates((e.id for e in scenario.employees), "employees")
    errors += _duplicates((m.id for m in scenario.safety_minimums), "safety_minimums")

    shifts = {s.id for s in scenario.shifts}
    skills = {s.id for s in scenario.skills}
    posts = {p.id for p in scenario.posts}
    horizon = scenario.horizon

    for p_index, post in enumerate(scenario.posts):
        for s_index, skill in enumerate(post.skills):
            errors += _unknown(skill, skills, "skill", ("posts", p_index, "skills", s_index))

    seen_slots: dict[tuple[str, str, dt.date], int] = {}
    for d_index, demand in enumerate(scenario.demand):
        errors += _unknown(demand.post, posts, "post", ("demand", d_index, "post"))
        for s_index, shift in enumerate(demand.shifts):
            errors += _unknown(shift, shifts, "shift", ("demand", d_index, "shifts", s_index))
        for date_index, day in enumerate(demand.dates or []):
            if not horizon.start <= day <= horizon.end:
                errors.append(_outside(day, ("demand", d_index, "dates", date_index)))
        errors += _repeated_slots(demand, d_index, horizon.dates(), seen_slots)

    for m_index, minimum in enumerate(scenario.safety_minimums):
        errors += _unknown(minimum.skill, skills, "skill", ("safety_minimums", m_index, "skill"))
        for s_index, shift in enumerate(minimum.shifts or []):
            errors += _unknown(shift, shifts, "shift", ("safety_minimums", m_index, "shifts", s_index))

    for e_index, employee in enumerate(scenario.employees):
        where: Location = ("employees", e_index)
        for s_index, skill in enumerate(employee.skills):
            errors += _unknown(skill, skills, "skill", (*where, "skills", s_index))
        for shift in employee.contract.max_shifts:
            errors += _unknown(shift, shifts, "shift", (*where, "contract", "max_shifts", shift))
        errors += _overlapping_absences(employee.absences, where)
        for r_index, request in enumerate(employee.requests):
            if request.shift is not None:
                errors += _unknown(request.shift, shifts, "shift", (*where, "requests", r_index, "shift"))
            if not horizon.start <= request.date <= horizon.end:
                errors.append(_outside(request.date, (*where, "requests", r_index, "date")))
        contract = employee.contract
        if (
            contract.min_minutes is not None
            and contract.max_minutes is not None
            and contract.min_minutes > contract.max_minutes
        ):
            errors.append(FieldError((*where, "contract", "min_minutes"), "min_minutes_above_max",
                                     "min_minutes is above max_minutes",
                                     {"min": contract.min_minutes, "max": contract.max_minutes}))
        if employee.day_post_priority is not None and employee.day_post_priority.declaration.declared_by != employee.id:
            errors.append(FieldError((*where, "day_post_priority", "declaration", "declared_by"), "declared_by_other",
                                     "a day-post priority is declared by the employee it concerns"))
    errors += _household_errors(scenario)
    errors += _rotation_errors(scenario, shifts, posts)
    return errors


def _rotation_errors(scenario: Scenario, shifts: set[str], posts: set[str]) -> list[FieldError]:
    """The rotation's shift codes and posts exist; each person's crew is one of the rotation's."""
    errors: list[FieldError] = []
    rotation = scenario.rotation
    if rotation is not None:
        for w_index, row in enumerate(rotation.cycle):
            for d_index, token in enumerate(row):
                if token != OFF:
                    errors += _unknown(token, shifts, "cycle_shift", ("rotation", "cycle", w_index, d_index))
        for p_index, post in enumerate(rotation.posts or []):
            errors += _unknown(post, posts, "post", ("rotation", "posts", p_index))
    for e_index, employee in enumerate(scenario.employees):
        if employee.crew is None:
            continue
        where: Location = ("employees", e_index, "crew")
        if rotation is None:
            errors.append(FieldError(where, "crew_without_rotation",
                                     f"crew {employee.crew!r} is set but the scenario has no rotation",
                                     {"value": employee.crew}))
            continue
        groups = {crew.id for crew in rotation.crews}
        if rotation.relief_pool is not None:
            groups.add(rotation.relief_pool.id)
        errors += _unknown(employee.crew, groups, "crew", where)
    return errors


def _household_errors(scenario: Scenario) -> list[FieldError]:
    errors = _duplicates((h.id for h in scenario.households), "households")
    people = {e.id for e in scenario.employees}
    member_of: dict[str, str] = {}
    for h_index, household in enumerate(scenario.households):
        where: Location = ("households", h_index)
        for m_index, member in enumerate(household.members):
            errors += _unknown(member, people, "employee", (*where, "members", m_index))
            if member in member_of and member_of[member] != household.id:
                errors.append(FieldError((*where, "members", m_index), "member_of_another_household",
                                         f"employee {member!r} is already in household {member_of[member]!r}",
                                         {"value": member, "household": member_of[member]}))
            elif household.members.index(member) != m_index:
                errors.append(FieldError((*where, "members", m_index), "member_twice",
                                         f"employee {member!r} is listed twice", {"value": member}))
            member_of.setdefault(member, household.id)
        if household.declaration.declared_by not in household.members:
            errors.append(FieldError((*where, "declaration", "declared_by"), "declarer_not_member",
                                     f"{household.declaration.declared_by!r} is not a member of the household",
                                     {"value": household.declaration.declared_by}))
        if household.shared_days_off is not None and len(household.members) < 2:
            errors.append(FieldError((*where, "shared_days_off"), "shared_days_off_alone",
                                     "shared days off need at least two members"))
    return errors


def _repeated_slots(
    demand: Demand, d_index: int, dates: list[dt.date], seen: dict[tuple[str, str, dt.date], int]
) -> list[FieldError]:
    days = demand.dates if demand.dates is not None else [day for day in dates if demand.applies_to(day)]
    for day in days:
        for shift in demand.shifts:
            key = (demand.post, shift, day)
            if key in seen:
                return [
                    FieldError(
                        ("demand", d_index), "demand_repeated",
                        f"demand for post {demand.post!r}, shift {shift!r} on {day} is already "
                        f"given by demand entry {seen[key]}",
                        {"post": demand.post, "shift": shift, "date": day, "entry": seen[key]},
                    )
                ]
            seen[key] = d_index
    return []


def _overlapping_absences(absences: list[Absence], where: Location) -> list[FieldError]:
    errors = []
    ordered = sorted(enumerate(absences), key=lambda item: item[1].start)
    for (first_index, first), (second_index, second) in itertools.pairwise(ordered):
        if second.start <= first.end:
            errors.append(
                FieldError(
                    (*where, "absences", second_index), "absences_overlap",
                    f"absence {second.start}..{second.end} overlaps absence {first_index} "
                    f"({first.start}..{first.end})",
                    {"start": second.start, "end": second.end, "other": first_index, "other_start": first.start,
                     "other_end": first.end},
                )
            )
    return errors
