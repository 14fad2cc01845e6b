"""Putting people into crews: which crew of the cycle, the relief pool, or the day posts, for each person.

One CP-SAT model, small (people x places): each person goes to one place, and within a crew is designated to
one post they hold, so a crew that meets every designation can staff every post of every shift it works at
once. The model keeps, in this order: every crew able to staff its posts and the safety minimum (ESI) on its
own; the day posts staffed; the households' hard childcare cover (a pair of places whose shifts leave a
window uncovered is forbidden, and a household no pair of places can cover is reported, never broken
silently); the relief pool able to cover the expected absences of each post; couples who ask for days off
together in one crew; then an even skill mix and even crew sizes, which is each crew's margin. Someone who
could work the cycle's nights goes to a day post only where the night-free cannot staff it: they would work
no night beside peers with five or six a month in the crews (docs/rotation.md, "Fair among whom").
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from roulement.model.calendar import Calendar
from roulement.model.demand import demand_slots
from roulement.model.scenario import Employee, Horizon, Household, Scenario
from roulement.rules.people import childcare_clashes, night_free_by_declaration
from roulement.solve.runtime import Settings, new_solver

DAY = "day posts"  # the place of people outside the cycle
DEFAULT_ABSENCE_RATE = 0.05

SHORT_CREW = 100_000  # a crew short of a post or of the safety minimum
SHORT_DAY = 20_000  # a day post short
SHORT_POOL = 2_000  # the pool short of a post's expected absences
COUPLE_APART = 500  # a couple asking for days off together in two places
SKILL_SPREAD = 40  # per unit of max-min of a skill's holders across crews
SIZE_SPREAD = 20  # per person of max-min crew size


@dataclass
class HouseholdPlacement:
    household: str
    members: dict[str, str | None]
    met: bool
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"household": self.household, "members": self.members, "met": self.met, "text": self.text}


@dataclass
class CrewProposal:
    """Where each person goes (a crew id, the pool id, or None for the day posts) and why."""

    places: dict[str, str | None]
    status: str
    households: list[HouseholdPlacement] = field(default_factory=list)
    # crew -> post -> (people designated, people needed on its busiest shift)
    margins: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    # crew -> skill -> holders in the crew
    skills: dict[str, dict[str, int]] = field(default_factory=dict)
    # post -> (pool holders, expected absences to cover)
    pool: dict[str, tuple[int, int]] = field(default_factory=dict)
    day_posts: dict[str, tuple[int, int]] = field(default_factory=dict)
    safety: dict[str, tuple[int, int]] = field(default_factory=dict)  # crew -> (holders, minimum)
    reasons: dict[str, str] = field(default_factory=dict)  # person -> why not in a crew
    problems: list[str] = field(default_factory=list)
    absence_rate: float = DEFAULT_ABSENCE_RATE

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status, "absence_rate": self.absence_rate, "places": self.places,
            "households": [h.as_dict() for h in self.households],
            "margins": {c: {p: {"designated": d, "needed": n} for p, (d, n) in posts.items()}
                        for c, posts in self.margins.items()},
            "skills": self.skills, "safety": {c: {"holders": h, "minimum": m} for c, (h, m) in self.safety.items()},
            "pool": {p: {"holders": h, "expected_absences": n} for p, (h, n) in self.pool.items()},
            "day_posts": {p: {"designated": d, "needed": n} for p, (d, n) in self.day_posts.items()},
            "reasons": self.reasons, "problems": self.problems,
        }


def crew_posts(scenario: Scenario) -> list[str]:
    """The posts the crews staff: the rotation's list, or every post with demand on a shift the cycle uses."""
    rotation = scenario.rotation
    assert rotation is not None
    if rotation.posts is not None:
        return list(rotation.posts)
    codes = rotation.shift_codes()
    return sorted({d.post for d in scenario.demand if set(d.shifts) & codes})


def _busiest(scenario: Scenario, posts: list[str], shifts: set[str]) -> dict[str, int]:
    """post -> the most people it asks for on one shift (preferred level), among `shifts`."""
    need: dict[str, int] = defaultdict(int)
    per_slot: dict[tuple[int, str, str], int] = defaultdict(int)
    for slot in demand_slots(scenario):
        if slot.post in posts and slot.shift in shifts:
            per_slot[(slot.day, slot.shift, slot.post)] += slot.preferred
    for (_, _, post), count in per_slot.items():
        need[post] = max(need[post], count)
    return dict(need)


def observed_absence_rate(scenario: Scenario) -> float:
    """Share of person-days absent in the scenario's own absences."""
    days = scenario.horizon.dates()
    total = len(days) * max(len(scenario.employees), 1)
    absent = sum(1 for e in scenario.employees for d in days if e.absent_on(d))
    return absent / total


def _cycle_calendar(scenario: Scenario) -> Calendar:
    """A calendar over one whole cycle from the first cycle start on or before the horizon (for childcare)."""
    rotation = scenario.rotation
    assert rotation is not None
    length = 7 * rotation.weeks
    offset = (scenario.horizon.start - rotation.anchor).days // length * length
    start = rotation.anchor + dt.timedelta(days=offset)
    return Calendar(scenario.replaced(horizon=Horizon(start=start, days=length)))


def _shift_hours(scenario: Scenario) -> float:
    """Average weekly hours of the cycle."""
    rotation = scenario.rotation
    assert rotation is not None
    minutes = sum(scenario.shift(t).duration_minutes - (0 if scenario.shift(t).break_paid
                                                        else scenario.shift(t).break_minutes)
                  for t in rotation.flat() if t != "-")
    return minutes / 60 / rotation.weeks


def propose_crews(
    scenario: Scenario, absence_rate: float | None = None, time_limit: float = 10.0, workers: int = 2,
    seed: int = 0, deterministic: bool = False, keep: bool = False,
) -> CrewProposal:
    """Propose a place for each person; `deterministic` solves on one thread within a deterministic time
    budget, so a built-in example comes out the same on every run. With `keep`, everyone already in a crew or
    the pool stays there (crews are set once, as at a real plant) and only the people outside the cycle are
    placed: new hires, or the day posts looked at again. Someone whose place is no longer allowed (no longer
    eligible for nights, say) is placed again too."""
    rotation = scenario.rotation
    if rotation is None:
        raise ValueError("the scenario has no rotation: design or write one first (docs/rotation.md)")
    rate = absence_rate if absence_rate is not None else max(observed_absence_rate(scenario), DEFAULT_ABSENCE_RATE)
    crews = [c.id for c in rotation.crews]
    pool = rotation.relief_pool.id if rotation.relief_pool is not None else None
    posts = crew_posts(scenario)
    codes = rotation.shift_codes()
    need = _busiest(scenario, posts, codes)
    day_shifts = {s.id for s in scenario.shifts} - codes
    day_need = _busiest(scenario, sorted({d.post for d in scenario.demand if set(d.shifts) & day_shifts}), day_shifts)
    calendar = _cycle_calendar(scenario)
    cycle_nights = any(calendar.occurrence(0, code).is_night for code in codes)
    cycle_hours = _shift_hours(scenario)
    work_share = sum(t != "-" for t in rotation.flat()) / len(rotation.flat())

    def holds(employee: Employee, post: str) -> bool:
        return set(scenario.post(post).skills) <= set(employee.skills)

    proposal = CrewProposal({}, "UNKNOWN", absence_rate=rate)
    allowed: dict[str, list[str]] = {}
    for employee in scenario.employees:
        mine = [p for p in posts if holds(employee, p)]
        day_mine = [p for p in day_need if holds(employee, p)]
        reason = ""
        if not mine:
            reason = "holds no post the crews staff"
        elif cycle_nights and (not employee.night_eligible or night_free_by_declaration(scenario, employee)):
            reason = ("declared the day-post priority" if employee.day_post_priority is not None
                      else "not eligible for nights" if not employee.night_eligible
                      else "a single parent's childcare keeps them off nights")
        elif (employee.contract.hours_target
              and abs(employee.contract.weekly_hours - cycle_hours) > employee.contract.tolerance_hours):
            reason = (f"contract of {employee.contract.weekly_hours:g} h a week, the cycle averages "
                      f"{cycle_hours:.1f} h")
        options = [] if reason else list(crews)
        if pool and (mine or day_mine):
            options.append(pool)
        if day_mine or not options:
            options.append(DAY)
        allowed[employee.id] = options
        if reason:
            proposal.reasons[employee.id] = reason

    model = cp_model.CpModel()
    x = {(e, p): model.new_bool_var(f"x[{e},{p}]") for e, options in allowed.items() for p in options}
    for e, options in allowed.items():
        model.add_exactly_one(x[(e, p)] for p in options)
    kept = {e.id: e.crew for e in scenario.employees if keep and e.crew is not None and (e.id, e.crew) in x}
    for person, place in kept.items():
        model.add(x[(person, place)] == 1)
    objective: list[Any] = []
    # Slack asked to be 0 in a first search (staffed crews, couples together), freed if that fails.
    crew_shortfalls: list[tuple[Any, int]] = []

    def shortfall(terms: list[Any], target: int, weight: int, label: str) -> Any:
        short = model.new_int_var(0, target, f"short {label}")
        model.add(sum(terms) + short >= target)
        objective.append(weight * short)
        if weight in (SHORT_CREW, SHORT_DAY):
            crew_shortfalls.append((short, target))
        return short

    # Designations: within a place, each member stands for one post they hold.
    designated: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for employee in scenario.employees:
        for place in allowed[employee.id]:
            wanted = posts if place != DAY else list(day_need)
            mine = [p for p in wanted if holds(employee, p)]
            if not mine:
                continue
            literals = []
            for post in mine:
                literal = model.new_bool_var(f"y[{employee.id},{place},{post}]")
                designated[(place, post)].append(literal)
                literals.append(literal)
            model.add(sum(literals) == x[(employee.id, place)])
    for crew in crews:
        for post in posts:
            shortfall(designated[(crew, post)], need.get(post, 0), SHORT_CREW, f"{crew} {post}")
        for minimum in scenario.safety_minimums:
            holders = [x[(e.id, crew)] for e in scenario.employees if minimum.skill in e.skills
                       and (e.id, crew) in x]
            shortfall(holders, minimum.min, SHORT_CREW, f"{crew} {minimum.id}")
    for post, wanted_count in day_need.items():
        shortfall(designated[(DAY, post)], wanted_count, SHORT_DAY, f"day {post}")
    # The day posts go to the night-free first: someone who could work the cycle's nights goes there only for
    # the places the night-free cannot fill (a maximum matching of them to the day posts' places).
    night_workers = {e for e, options in allowed.items() if DAY in options and set(options) & set(crews)}
    if cycle_nights:
        places = [post for post, wanted_count in day_need.items() for _ in range(wanted_count)]
        night_free = [[p for p in day_need if holds(e, p)] for e in scenario.employees
                      if DAY in allowed[e.id] and e.id not in night_workers and e.id not in kept]
        unavoidable = len(places) - len(_matching(places, night_free))
        model.add(sum(x[(e, DAY)] for e in sorted(night_workers)) <= unavoidable)
    pool_need = {p: math.ceil(rate * len(crews) * need.get(p, 0) * work_share / 0.625 - 1e-9) for p in posts}
    if pool:
        for post in posts:
            shortfall(designated[(pool, post)], pool_need[post], SHORT_POOL, f"pool {post}")

    # Households: hard childcare cover forbids pairs of places; couples asking for days off together.
    occurrences = _place_occurrences(scenario, calendar, crews, day_shifts)
    for household in scenario.households:
        placement = _household_constraints(scenario, calendar, household, allowed, occurrences, pool, model, x)
        if placement is not None:
            proposal.households.append(placement)
        if household.shared_days_off is not None and len(household.members) == 2:
            first, second = household.members
            apart = model.new_bool_var(f"apart {household.id}")
            # Together means in one crew: their days off are then the same every day of the cycle.
            together = []
            for crew in crews:
                if (first, crew) in x and (second, crew) in x:
                    both = model.new_bool_var(f"together {household.id} {crew}")
                    model.add_implication(both, x[(first, crew)])
                    model.add_implication(both, x[(second, crew)])
                    together.append(both)
            model.add(sum(together) + apart >= 1)
            in_crew_both = all(any(c in crews for c in allowed[m]) for m in household.members)
            if in_crew_both:
                objective.append(COUPLE_APART * apart)
                crew_shortfalls.append((apart, 1))  # together is asked for first, like a staffed crew

    # Even skill mix and crew sizes: each crew's margin.
    every_skill = sorted({s for p in posts for s in scenario.post(p).skills}
                         | {m.skill for m in scenario.safety_minimums})
    for skill in every_skill:
        counts = [sum(x[(e.id, c)] for e in scenario.employees if skill in e.skills and (e.id, c) in x)
                  for c in crews]
        _spread(model, counts, len(scenario.employees), SKILL_SPREAD, objective, f"skill {skill}")
    sizes = [sum(x[(e.id, c)] for e in scenario.employees if (e.id, c) in x) for c in crews]
    _spread(model, sizes, len(scenario.employees), SIZE_SPREAD, objective, "size")
    model.minimize(sum(objective))
    hinted = _deal(scenario, allowed, crews, pool, posts, need, pool_need, holds, kept)
    for (e, place), literal in x.items():
        model.add_hint(literal, hinted.get(e, (None, None))[0] == place)
    for (place, post), literals in designated.items():
        for literal in literals:
            e = literal.name.split("[", 1)[1].split(",", 1)[0]
            model.add_hint(literal, hinted.get(e) == (place, post))

    solver = _assign_solver(seed, workers, time_limit, deterministic)
    # First any proposal with every crew and day post staffed and couples together, the objective set aside
    # (CP-SAT propagates that fast); then the priced search from it. Only if none exists is a shortfall priced.
    for short, _ in crew_shortfalls:
        model.proto.variables[short.index].domain[1] = 0
    model.clear_objective()  # type: ignore[no-untyped-call]
    solver.parameters.stop_after_first_solution = True
    status = solver.solve(model)
    solver.parameters.stop_after_first_solution = False
    model.minimize(sum(objective))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        model.clear_hints()  # type: ignore[no-untyped-call]
        for index in range(len(model.proto.variables)):
            variable = model.get_int_var_from_proto_index(index)
            model.add_hint(variable, solver.value(variable))
        feasible = solver
        solver = _assign_solver(seed, workers, time_limit, deterministic)
        status = solver.solve(model, _GoodEnough(COUPLE_APART))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            solver, status = feasible, cp_model.FEASIBLE
    else:
        for short, target in crew_shortfalls:
            model.proto.variables[short.index].domain[1] = target
        status = solver.solve(model, _GoodEnough(COUPLE_APART))
    proposal.status = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        proposal.problems.append(f"no proposal found ({proposal.status} after {solver.wall_time:.1f} s)")
        return proposal
    for e, options in allowed.items():
        place = next(p for p in options if solver.boolean_value(x[(e, p)]))
        proposal.places[e] = None if place == DAY else place

    def count(place: str, post: str) -> int:
        return sum(solver.boolean_value(lit) for lit in designated[(place, post)])

    proposal.margins = {c: {p: (count(c, p), need.get(p, 0)) for p in posts} for c in crews}
    proposal.skills = {c: {s: sum(1 for e in scenario.employees if s in e.skills and proposal.places[e.id] == c)
                           for s in every_skill} for c in crews}
    proposal.safety = {c: (sum(1 for e in scenario.employees if proposal.places[e.id] == c
                               and any(m.skill in e.skills for m in scenario.safety_minimums)),
                           max((m.min for m in scenario.safety_minimums), default=0)) for c in crews}
    if pool:
        proposal.pool = {p: (count(pool, p), pool_need[p]) for p in posts}
    proposal.day_posts = {p: (count(DAY, p), n) for p, n in day_need.items()}
    for post, needed in day_need.items():
        on_post = [lit.name.split("[", 1)[1].split(",", 1)[0] for lit in designated[(DAY, post)]
                   if solver.boolean_value(lit)]
        night_free = [e for e in on_post if e not in night_workers]
        for person in on_post:
            if person in night_workers and cycle_nights:
                proposal.reasons[person] = (
                    f"on the day post {post}, which needs {needed} on weekdays: "
                    + (f"only {len(night_free)} night-free {'person holds' if len(night_free) == 1 else 'people hold'}"
                       f" it" if night_free else "nobody night-free holds it"))
    for c, by_post in proposal.margins.items():
        for p, (have, needed) in by_post.items():
            if have < needed:
                proposal.problems.append(f"crew {c} can staff {have} of the {needed} people post {p} needs on a shift")
    for c, (have, least) in proposal.safety.items():
        if have < least:
            proposal.problems.append(f"crew {c} has {have} emergency-team members, the safety minimum is {least}")
    for p, (have, needed) in proposal.day_posts.items():
        if have < needed:
            proposal.problems.append(f"day post {p}: {have} of {needed} people")
    for placement in proposal.households:
        placement.members = {m: proposal.places.get(m) for m in placement.members}
        for member in placement.members:
            placement.text = placement.text.replace(f"{{{member}}}", _name(proposal.places.get(member), pool))
        if not placement.met:
            proposal.problems.append(placement.text)
    return proposal


def _assign_solver(seed: int, workers: int, time_limit: float, deterministic: bool) -> cp_model.CpSolver:
    if not deterministic:
        return new_solver(Settings(workers=workers, seed=seed), time_limit)
    # One thread within a deterministic budget: the same proposal on every run.
    solver = new_solver(Settings(workers=1, seed=seed), 10 * time_limit + 60, interleave=True)
    solver.parameters.max_deterministic_time = time_limit
    return solver


class _GoodEnough(cp_model.CpSolverSolutionCallback):
    """Stops at the first proposal priced below `enough` (no post short, every couple that can be together
    together): the search path is the same on every run with one worker, so the stop is too."""

    def __init__(self, enough: int) -> None:
        super().__init__()
        self.enough = enough

    def on_solution_callback(self) -> None:
        if self.objective_value < self.enough:
            self.stop_search()


def _deal(
    scenario: Scenario, allowed: dict[str, list[str]], crews: list[str], pool: str | None, posts: list[str],
    need: dict[str, int], pool_need: dict[str, int], holds: Any, kept: dict[str, str] | None = None,
) -> dict[str, tuple[str, str | None]]:
    """A first placement dealt by hand, as a planner would: scarcest post first, each crew in turn gets a holder
    of it (the one holding the fewest other posts), then the pool its share, then everyone left to the smallest
    crew they may join, or the pool, or the day posts. CP-SAT starts from it. `kept` places stay as they are."""
    people = [e for e in scenario.employees]
    held = {e.id: [p for p in posts if holds(e, p)] for e in people}
    placed: dict[str, tuple[str, str | None]] = {
        e: (place, held[e][0] if held[e] else None) for e, place in (kept or {}).items()}

    def free_for(place: str, post: str) -> list[Employee]:
        return sorted((e for e in people if e.id not in placed and place in allowed[e.id] and post in held[e.id]),
                      key=lambda e: (len(held[e.id]), e.id))

    order = sorted(posts, key=lambda p: (len(free_for(crews[0], p)) / max(need.get(p, 0) * len(crews), 1), p))
    for post in order:
        for _ in range(need.get(post, 0)):
            for crew in crews:
                candidates = free_for(crew, post)
                if candidates:
                    placed[candidates[0].id] = (crew, post)
    if pool is not None:
        for post in order:
            for candidate in free_for(pool, post)[:pool_need.get(post, 0)]:
                placed[candidate.id] = (pool, post)
    sizes = {crew: sum(1 for place, _ in placed.values() if place == crew) for crew in crews}
    for employee in people:
        if employee.id in placed:
            continue
        options = [c for c in crews if c in allowed[employee.id]]
        if options and held[employee.id]:
            crew = min(options, key=lambda c: (sizes[c], c))
            sizes[crew] += 1
            placed[employee.id] = (crew, held[employee.id][0])
        elif pool is not None and pool in allowed[employee.id] and held[employee.id]:
            placed[employee.id] = (pool, held[employee.id][0])
        else:
            placed[employee.id] = (DAY, None)
    return placed


def _name(place: str | None, pool: str | None) -> str:
    if place is None:
        return "the day posts"
    if place == pool:
        return "the relief pool"
    return f"crew {place}"


def _spread(model: cp_model.CpModel, values: list[Any], ceiling: int, weight: int, objective: list[Any],
            label: str) -> None:
    if len(values) < 2:
        return
    high = model.new_int_var(0, ceiling, f"max {label}")
    low = model.new_int_var(0, ceiling, f"min {label}")
    model.add(high >= low)
    for value in values:
        model.add(high >= value)
        model.add(low <= value)
    objective.append(weight * (high - low))


def _place_occurrences(scenario: Scenario, calendar: Calendar, crews: list[str],
                       day_shifts: set[str]) -> dict[str, list[Any]]:
    """What each place works over one cycle: a crew its cycle; the day posts their shifts on their days."""
    rotation = scenario.rotation
    assert rotation is not None
    found: dict[str, list[Any]] = {}
    for crew in crews:
        found[crew] = [calendar.occurrence(day, shift) for day, date in enumerate(calendar.dates)
                       for shift in [rotation.shift_on(crew, date)] if shift is not None]
    day_worked = []
    for day, date in enumerate(calendar.dates):
        for demand in scenario.demand:
            for shift in demand.shifts:
                if shift in day_shifts and demand.applies_to(date):
                    day_worked.append(calendar.occurrence(day, shift))
                    break
            else:
                continue
            break
    found[DAY] = day_worked
    return found


def _household_constraints(
    scenario: Scenario, calendar: Calendar, household: Household, allowed: dict[str, list[str]],
    occurrences: dict[str, list[Any]], pool: str | None, model: cp_model.CpModel, x: dict[tuple[str, str], Any],
) -> HouseholdPlacement | None:
    """Forbid each combination of places whose shifts leave a hard childcare window uncovered.

    The relief pool is planned person by person, so the plan itself keeps the cover there (the childcare rule
    is hard in every plan); fixed places (crews, day posts) are judged over a whole cycle here. When no
    combination of fixed places covers the windows, the household needs a member in the pool; when there is
    no pool, the need is reported as unmet and no placement is forbidden."""
    childcare = household.childcare
    members = [m for m in household.members if m in allowed]
    if childcare is None or childcare.mode != "hard" or not members:
        if household.shared_days_off is not None and len(household.members) == 2:
            first, second = household.members
            return HouseholdPlacement(household.id, dict.fromkeys(household.members), True,
                                      f"{first} and {second} asked for days off together: {first} in {{{first}}}, "
                                      f"{second} in {{{second}}}")
        return None
    fixed = {m: [p for p in allowed[m] if p != pool] for m in members}
    good: list[tuple[str, ...]] = []
    bad: list[tuple[str, ...]] = []
    for combo in itertools.product(*(fixed[m] for m in members)):
        shifts = {m: occurrences[place] for m, place in zip(members, combo, strict=True)}
        (bad if childcare_clashes(calendar, household, shifts) else good).append(combo)
    if good or pool is not None:
        for combo in bad:
            model.add_bool_or([x[(m, place)].Not() for m, place in zip(members, combo, strict=True)])
    names = " and ".join(members)
    if good:
        text = (f"{names}: childcare windows covered over the whole cycle: "
                + ", ".join(f"{m} in {{{m}}}" for m in members))
        return HouseholdPlacement(household.id, dict.fromkeys(household.members), True, text)
    if pool is not None:
        together = (" The plan works the member in the pool on the other's working days where the childcare "
                    "allows, so that their days off fall together as asked."
                    if household.shared_days_off is not None and len(members) > 1 else "")
        text = (f"{names}: no combination of crews and day posts leaves someone free for every childcare window "
                f"over the cycle ({_why_not(calendar, household, members, bad, occurrences)}), so a member goes "
                f"to the relief pool, where the plan keeps the cover.{together} Placed: "
                + ", ".join(f"{m} in {{{m}}}" for m in members))
        return HouseholdPlacement(household.id, dict.fromkeys(household.members), True, text)
    text = (f"{names}: UNMET: no combination of crews and day posts leaves someone free for every childcare "
            f"window over the cycle, and there is no relief pool; placed " + ", ".join(f"{m} in {{{m}}}"
                                                                                      for m in members))
    return HouseholdPlacement(household.id, dict.fromkeys(household.members), False, text)


def _why_not(calendar: Calendar, household: Household, members: list[str], refused: list[tuple[str, ...]],
             occurrences: dict[str, list[Any]]) -> str:
    """The first uncovered moment of one refused combination with the members in one crew and of one with
    them in different crews, and who else minds the child: why a household cannot stay on fixed places."""
    childcare = household.childcare
    assert childcare is not None
    examples = []
    same = next((c for c in refused if len(set(c)) == 1 and c[0] != DAY), None)
    apart = next((c for c in refused if len(set(c)) == len(c) and DAY not in c), None)
    for combo, label in ((same, "in one crew"), (apart, "in crews " + " and ".join(apart or ()))):
        if combo is None:
            continue
        shifts = {m: occurrences[place] for m, place in zip(members, combo, strict=True)}
        clash = min(childcare_clashes(calendar, household, shifts), key=lambda c: c.gap[0] + min(
            o.start for o in c.occurrences))
        shown = sorted({f"{o.shift} on {o.date:%a %d %b}" for o in clash.occurrences})
        worked = ("all on " if len(members) > 2 else "both on ") + shown[0] if len(shown) == 1 else " and ".join(shown)
        examples.append(f"{label}, {worked} leave nobody free for {clash.minutes} min")
    carers = "; ".join(f"the {c.label} is there " + ", ".join(
        f"{_days(w.days)} {w.start:%H:%M}-{w.end:%H:%M}" for w in c.available) for c in childcare.caregivers)
    return "; ".join(examples) + (f"; {carers}" if carers else "") + (
        f"; {childcare.commute_minutes} min of commute each way" if childcare.commute_minutes else "")


def _days(days: Any) -> str:
    return str(days) if isinstance(days, str) else ", ".join(str(d) for d in days)


def with_crews(scenario: Scenario, proposal: CrewProposal) -> Scenario:
    """The scenario with each person's crew set from the proposal (validated again)."""
    employees = [e.model_copy(update={"crew": proposal.places.get(e.id, e.crew)}) for e in scenario.employees]
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["employees"] = [e.model_dump(mode="json", exclude_none=True) for e in employees]
    return Scenario.model_validate(data)


def write_example_crews(seconds: float = 30.0, fresh: bool = False) -> None:
    """Propose crews for every built-in plant (`seconds` each) and write them to the examples' crews file.

    Crews are set once: by default everyone keeps the place the file gives them and only the people outside
    the cycle are placed again (`propose_crews(keep=True)`); `fresh` places everyone anew."""
    from roulement.examples import kos as examples

    found: dict[str, dict[str, str | None]] = {}
    for build in (examples.kos, examples.kos_de):
        plant = build.__wrapped__()
        unplaced = plant.replaced(employees=[e.model_copy(update={"crew": None}) for e in plant.employees])
        proposal = propose_crews(unplaced if fresh else build(), absence_rate=examples.RELIEF_RATE,
                                 time_limit=seconds, keep=not fresh, deterministic=not fresh)
        for problem in proposal.problems:
            print(f"{plant.site.name}: {problem}")
        found[plant.site.name] = dict(sorted(proposal.places.items()))
    examples.CREWS_FILE.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def crew_problems(scenario: Scenario) -> list[str]:
    """What keeps the crews as set in the scenario from working their cycle, each in a sentence: a crew that
    cannot staff a post on its busiest shift (a matching of members to posts), a crew below the safety minimum,
    a member who may not work the cycle's nights. Empty when every crew can run on its own."""
    rotation = scenario.rotation
    if rotation is None:
        return []
    posts = crew_posts(scenario)
    need = _busiest(scenario, posts, rotation.shift_codes())
    calendar = _cycle_calendar(scenario)
    nights = any(calendar.occurrence(0, code).is_night for code in rotation.shift_codes())
    problems = []
    for crew in rotation.crews:
        members = [e for e in scenario.employees if e.crew == crew.id]
        for employee in members:
            if nights and (not employee.night_eligible or night_free_by_declaration(scenario, employee)):
                problems.append(f"crew {crew.id}: {employee.id} is in a crew whose cycle has nights but may not work "
                                f"nights")
        slots = [post for post in posts for _ in range(need.get(post, 0))]
        matched = _matching(slots, [[p for p in posts if set(scenario.post(p).skills) <= set(e.skills)]
                                    for e in members])
        short: dict[str, int] = defaultdict(int)
        for index, post in enumerate(slots):
            if index not in matched:
                short[post] += 1
        for post, count in sorted(short.items()):
            skills = ", ".join(scenario.post(post).skills)
            problems.append(f"crew {crew.id} cannot staff {count} of the {need[post]} people post {post} needs "
                            f"on its busiest shift (skills {skills})")
        for minimum in scenario.safety_minimums:
            holders = sum(1 for e in members if minimum.skill in e.skills)
            if holders < minimum.min:
                problems.append(f"crew {crew.id} has {holders} holders of {minimum.skill}, the safety minimum "
                                f"{minimum.id} asks for {minimum.min}")
    return problems


def _matching(slots: list[str], holds: list[list[str]]) -> set[int]:
    """Indexes of the slots a maximum matching of people (their posts in `holds`) to slots fills."""
    owner: dict[int, int] = {}

    def augment(person: int, seen: set[int]) -> bool:
        for index, post in enumerate(slots):
            if post in holds[person] and index not in seen:
                seen.add(index)
                if index not in owner or augment(owner[index], seen):
                    owner[index] = person
                    return True
        return False

    for person in range(len(holds)):
        augment(person, set())
    return set(owner)


if __name__ == "__main__":
    import sys

    write_example_crews(fresh="--fresh" in sys.argv[1:])
