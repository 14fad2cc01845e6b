"""Why a plant cannot be covered, and why a person works (or not) on a day: facts, with their numbers.

Conflicts: `solve.conflicts` finds a small set of constraint groups that cannot all hold; here they are stated
as facts (how many people a post needs, how many hold its skills, how many are needed at least). Skills,
absences and night fitness shape which variables exist, so they appear as facts, not as groups. Facts are
message keys and parameters: `report.explanations` puts them in words, in fr/de/en.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from roulement.check.checker import check_roster
from roulement.model.calendar import Calendar
from roulement.model.demand import demand_slots
from roulement.model.roster import Assignment, Roster, Timeline
from roulement.model.scenario import Employee, RequestKind, Scenario
from roulement.model.skills import group_scenario, people_for, skill_groups
from roulement.rules.base import Encoder, Rule, Violation
from roulement.rules.contract import ContractHours
from roulement.rules.packs import build_rules
from roulement.rules.replan import KeepPublished
from roulement.solve.conflicts import conflicting_groups
from roulement.solve.replan import roster_changes
from roulement.solve.search import SolveOptions, solve

# Groups stated as facts with their numbers (a post's cover, a safety minimum), not as a rule's statement.
FACT_GROUPS = ("core.coverage", "core.safety-minimum")


@dataclass(frozen=True)
class Fact:
    """One sentence to be: a message key and its parameters. `rules` are quoted by their statements, and
    `request` (kind, shift) is named in the reader's language."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    request: tuple[str, str | None] | None = None


def _fact(key: str, **params: Any) -> Fact:
    return Fact(key, params)


@dataclass(frozen=True)
class Conflict:
    """A small set of facts that together say why the minimums cannot all be met, and the rules in the way."""

    facts: tuple[Fact, ...]
    rules: tuple[Rule, ...] = ()
    posts: tuple[str, ...] = ()


def _capacity_minutes(rule: Rule, employee: Employee, calendar: Calendar, scenario: Scenario) -> float | None:
    """The most minutes one person may work over the horizon under `rule` alone (None: the rule sets no cap)."""
    cap = rule.minute_cap(employee, scenario, calendar.days)
    return None if cap is None else cap.minutes


def explain_infeasibility(scenario: Scenario, rules: Sequence[Rule] | None = None, time_limit: float = 20.0,
                          workers: int = 1) -> list[Conflict]:
    """The conflicting facts, in words, when the scenario's minimums cannot be met within the rules in force.

    Each skill group is tried alone first (its posts and people, contract minimums lifted, no safety minimums):
    a relaxation, so a conflict found there is a conflict of the plant, and the models are small. If no group
    fails alone, the whole plant is searched for a conflict with the time left.
    """
    started = time.monotonic()
    groups_of_plant = skill_groups(scenario)
    found: list[Conflict] = []
    if len(groups_of_plant) > 1 or scenario.safety_minimums:
        for group in groups_of_plant:
            remaining = time_limit - (time.monotonic() - started)
            if remaining < 1.0:
                break
            alone = group_scenario(scenario, group)
            found += _explain(alone, build_rules(alone), min(remaining, max(time_limit / 3, 2.0)), workers)
    if found:
        return found
    remaining = time_limit - (time.monotonic() - started)
    in_force = list(rules) if rules is not None else build_rules(scenario)
    return _explain(scenario, in_force, max(remaining, 1.0), workers)


def _explain(scenario: Scenario, in_force: list[Rule], time_limit: float, workers: int) -> list[Conflict]:
    groups = conflicting_groups(scenario, in_force, time_limit, workers)
    if groups is None:
        return []
    by_id = {rule.id: rule for rule in in_force}
    calendar = Calendar(scenario)
    slots = demand_slots(scenario)
    facts: list[Fact] = []
    posts: set[str] = set()
    demand_minutes = 0.0
    for group in groups:
        if group.rule == "core.coverage":
            post, shift = group.post, group.shift
            posts.add(post)
            mine = [s for s in slots if s.post == post and s.shift == shift and s.min > 0]
            levels = sorted({s.min for s in mine})
            days = len({s.day for s in mine})
            count = levels[-1] if levels else 0
            name = scenario.post(post).name or post
            key = "post-needs-every" if days == calendar.days else "post-needs"
            facts.append(Fact(key, {"post": name, "count": count, "shift": shift, "days": days,
                                    "horizon": calendar.days}))
            demand_minutes += sum(s.min * calendar.occurrence(s.day, s.shift).worked for s in mine)
        elif group.rule == "core.safety-minimum":
            minimum = next(m for m in scenario.safety_minimums if m.id == group.item)
            facts.append(Fact("safety-needs", {"count": minimum.min, "skill": minimum.skill,
                                               "reference": minimum.reference}))
    rule_ids = tuple(dict.fromkeys(g.rule for g in groups if g.rule not in FACT_GROUPS))
    if posts:
        people = people_for(scenario, posts)
        skills = ", ".join(sorted({skill for p in posts for skill in scenario.post(p).skills}))
        night_posts = any(calendar.occurrence(0, g.shift).is_night for g in groups if g.rule == "core.coverage")
        if night_posts:
            facts.append(Fact("holders-night", {"count": len(people), "skills": skills,
                                                "night": sum(1 for e in people if e.night_eligible)}))
        else:
            facts.append(Fact("holders", {"count": len(people), "skills": skills}))
    needed = _lower_bound(scenario, calendar, [by_id[r] for r in rule_ids if r in by_id], posts, demand_minutes)
    tail = (Fact("needed", {"needed": needed}),) if needed is not None else ()
    conflict = Conflict(tuple(facts), tuple(by_id[r] for r in rule_ids if r in by_id), tuple(sorted(posts)))
    return [conflict] + ([Conflict(tail)] if tail else [])


def _lower_bound(scenario: Scenario, calendar: Calendar, rules: list[Rule], posts: set[str],
                 demand_minutes: float) -> int | None:
    """People needed at least: demanded minutes over the most one person may work under the binding rules."""
    if not posts or not demand_minutes:
        return None
    people = people_for(scenario, posts)
    caps = [cap for rule in rules for e in people[:1] if (cap := _capacity_minutes(rule, e, calendar, scenario))]
    if not caps:
        return None
    return math.ceil(demand_minutes / min(caps))


# --- why does E work (or not) on D? -------------------------------------------------------------------------


class Granted(Rule):
    """Forces one request to be granted (hard), to price what granting it would cost."""

    id: ClassVar[str] = "explain.granted"
    title: ClassVar[str] = "Request granted"
    reference = "what-if"

    def __init__(self, employee: str, date: dt.date, kind: RequestKind, shift: str | None) -> None:
        self.employee, self.date, self.kind, self.shift = employee, date, kind, shift

    def granted(self, shifts: set[str]) -> bool:
        return {
            RequestKind.DAY_OFF: not shifts, RequestKind.DAY_ON: bool(shifts),
            RequestKind.SHIFT_ON: self.shift in shifts, RequestKind.SHIFT_OFF: self.shift not in shifts,
        }[self.kind]

    def check(self, timeline: Timeline) -> list[Violation]:
        shifts = {i.shift for i in timeline.by_employee.get(self.employee, []) if i.date == self.date}
        return [] if self.granted(shifts) else [self.violation("request not granted", self.employee, [self.date])]

    def encode(self, encoder: Encoder) -> None:
        day = encoder.calendar.day_of[self.date]
        terms = encoder.works_day(self.employee, day)
        literal = encoder.works(self.employee, day, self.shift) if self.shift else None
        if self.kind is RequestKind.DAY_OFF:
            for _, lit in terms:
                encoder.forbid_all(self, [lit], f"grant {self.employee}")
        elif self.kind is RequestKind.DAY_ON:
            encoder.at_least(self, terms, 1, f"grant {self.employee}")
        elif self.kind is RequestKind.SHIFT_ON:
            encoder.at_least(self, [] if literal is None else [(1, literal)], 1, f"grant {self.employee}")
        elif literal is not None:
            encoder.forbid_all(self, [literal], f"grant {self.employee}")


def _rules_broken_by(scenario: Scenario, roster: Roster, employee: str, rules: Sequence[Rule]) -> list[Rule]:
    """The hard rules `employee` would break in `roster` that they do not already break."""
    by_id = {rule.id: rule for rule in rules}
    found = {v.rule for v in check_roster(scenario, roster, rules).violations if v.employee == employee}
    return [by_id[rid] for rid in sorted(found) if rid in by_id]


def explain_day(scenario: Scenario, roster: Roster, employee_id: str, day: dt.date, time_limit: float = 10.0,
                workers: int = 2) -> list[Fact]:
    """Why `employee_id` works or not on `day`, and why each of their requests that day is granted or not."""
    rules = build_rules(scenario)
    employee = scenario.employee(employee_id)
    calendar = Calendar(scenario)
    name = employee.name or employee.id
    timeline = Timeline(scenario, roster, calendar)
    mine = [i for i in timeline.by_employee.get(employee_id, []) if i.date == day]
    slots = {(s.day, s.shift, s.post): s for s in demand_slots(scenario)}
    index = calendar.day_of[day]
    lines: list[Fact] = []
    if mine:
        item = mine[0]
        lines.append(_fact("works", employee=name, shift=item.shift, post=item.post, date=day,
                             start=f"{item.occurrence.start_local:%H:%M}", end=f"{item.occurrence.end_local:%H:%M}"))
        slot = slots.get((index, item.shift, item.post))
        if slot is not None:
            assigned = len(timeline.by_slot.get((index, item.shift, item.post), []))
            if assigned <= slot.min:
                lines.append(_fact("needed-on-post", employee=name, post=item.post, left=assigned - 1,
                                     required=slot.min, shift=item.shift))
            else:
                lines.append(_fact("spare-on-post", post=item.post, assigned=assigned, required=slot.min,
                                     shift=item.shift))
    else:
        lines.append(_fact("off", employee=name, date=day))
        absence = next((a for a in employee.absences if a.covers(day)), None)
        if absence is not None:
            lines.append(_fact("absent", employee=name, date=day, kind=absence.kind.value))
        else:
            lines += _why_not(scenario, roster, employee, index, timeline, rules, slots)
    lines += _own_reasons(scenario, timeline, employee, mine[0].post if mine else None)
    lines += _household_day(scenario, timeline, employee, index)
    for request in employee.requests:
        if request.date != day:
            continue
        shifts = {i.shift for i in mine}
        wish = Granted(employee_id, day, request.kind, request.shift)
        if wish.granted(shifts):
            lines.append(Fact("request-granted", {"date": day}, request=(request.kind.value, request.shift)))
            continue
        lines.append(Fact("request-refused", {"date": day}, request=(request.kind.value, request.shift)))
        lines += _cost_of_granting(scenario, roster, wish, rules, time_limit, workers)
    return lines


def _own_reasons(scenario: Scenario, timeline: Timeline, employee: Employee, post: str | None) -> list[Fact]:
    """Why this person rather than another: their qualification for the post, and their contract's hours."""
    name = employee.name or employee.id
    lines: list[Fact] = []
    if post is not None:
        needed = scenario.post(post).skills
        lines.append(_fact("own-skills", employee=name, post=post, skills=", ".join(needed) or "–"))
    _, _, target = ContractHours().bounds(employee, timeline.calendar.days, scenario.horizon.start)
    if target is not None:
        worked = sum(item.worked for item in timeline.by_employee.get(employee.id, [])
                     if 0 <= item.day < timeline.calendar.days)
        lines.append(_fact("own-hours", employee=name, worked=round(worked / 60, 1), target=round(target / 60, 1),
                           weekly=employee.contract.weekly_hours))
    return lines


def _household_day(scenario: Scenario, timeline: Timeline, employee: Employee, index: int) -> list[Fact]:
    """Whether the person and their partner are off together that day, when their household asked for it."""
    household = scenario.household_of(employee.id)
    if household is None or household.shared_days_off is None:
        return []
    day = timeline.calendar.dates[index]
    working = index in timeline.days_worked(employee.id)
    lines: list[Fact] = []
    for partner_id in household.members:
        if partner_id == employee.id or not scenario.has_employee(partner_id):
            continue
        partner = scenario.employee(partner_id)
        if (index in timeline.days_worked(partner_id)) == working:
            continue
        key = "household-apart-working" if working else "household-apart-off"
        lines.append(_fact(key, employee=employee.name or employee.id,
                             partner=partner.name or partner.id, date=day))
    return lines


def _why_not(scenario: Scenario, roster: Roster, employee: Employee, index: int, timeline: Timeline,
             rules: Sequence[Rule], slots: dict[tuple[int, str, str], Any]) -> list[Fact]:
    """For each shift the person could be asked for that day: what stands in the way."""
    calendar = timeline.calendar
    day = calendar.dates[index]
    name = employee.name or employee.id
    eligible = {p.id for p in scenario.eligible_posts(employee)}
    wanted = [(shift, post) for (d, shift, post) in slots if d == index and post in eligible]
    if not wanted:
        return [_fact("no-post", employee=name, date=day)]
    lines: list[Fact] = []
    for shift in sorted({s for s, _ in wanted}):
        occurrence = calendar.occurrence(index, shift)
        if occurrence.is_night and not employee.night_eligible:
            lines.append(_fact("not-night-eligible", employee=name, shift=shift,
                                 reference="FR L3122-11 / DE ArbZG §6(3)"))
            continue
        posts = sorted(p for s, p in wanted if s == shift)
        trial = Roster([*roster.assignments, Assignment(employee.id, day, shift, posts[0])])
        broken = _rules_broken_by(scenario, trial, employee.id, rules)
        already = {r.id for r in _rules_broken_by(scenario, roster, employee.id, rules)}
        broken = [r for r in broken if r.id not in already]
        if broken:
            lines.append(Fact("would-break", {"shift": shift}, rules=tuple(broken)))
        for post in posts:
            slot = slots[(index, shift, post)]
            assigned = len(timeline.by_slot.get((index, shift, post), []))
            if assigned >= slot.preferred:
                lines.append(_fact("post-full", post=post, assigned=assigned, shift=shift,
                                     preferred=slot.preferred))
            elif not broken:
                lines.append(_fact("could-work", employee=name, shift=shift, post=post, assigned=assigned,
                                     preferred=slot.preferred))
    return lines


def _cost_of_granting(scenario: Scenario, roster: Roster, wish: Granted, rules: Sequence[Rule],
                      time_limit: float, workers: int) -> list[Fact]:
    """Re-solve with the request forced and the current roster priced as published; compare the costs."""
    before = check_roster(scenario, roster, rules)
    keep = KeepPublished(roster, scenario.horizon.start, weight=5, near_days=0, near_factor=1)
    # A local re-plan: only people who could stand in for the employee, the day before to the day after, may
    # change; the rest of the roster stays. The current roster less the request's obstacle is the start.
    calendar = Calendar(scenario)
    centre = calendar.day_of[wish.date]
    employee = scenario.employee(wish.employee)
    posts = {p.id for p in scenario.eligible_posts(employee)}
    helpers = {e.id for e in scenario.employees if any(set(scenario.post(p).skills) <= set(e.skills) for p in posts)}
    days = [d for d in (centre - 1, centre, centre + 1) if 0 <= d < calendar.days]
    free = {(e, d) for e in helpers | {wish.employee} for d in days}
    frozen_cells = {(e.id, d) for e in scenario.employees for d in range(calendar.days)} - free
    start = Roster([a for a in roster if not (a.employee == wish.employee and a.date == wish.date
                                              and wish.kind in (RequestKind.DAY_OFF, RequestKind.SHIFT_OFF))])
    result = solve(scenario, SolveOptions(time_limit=time_limit, workers=workers, hint=start, hard_first=False,
                                          frozen=roster, frozen_cells=frozen_cells, explain_time_limit=0),
                   rules=[*rules, keep, wish])
    if result.roster is None:
        if result.status == "INFEASIBLE":
            return [_fact("grant-impossible", status=result.status, seconds=round(result.wall_time, 1))]
        return [_fact("grant-unknown", seconds=round(time_limit, 1))]
    after = check_roster(scenario, result.roster, rules)
    short = sum(1 for v in after.violations if v.rule in ("core.coverage", "core.safety-minimum"))
    if short and not any(v.rule in ("core.coverage", "core.safety-minimum") for v in before.violations):
        return [_fact("grant-short", shortfall=short)]
    deltas = {term: after.objective.get(term, 0) - before.objective.get(term, 0)
              for term in set(after.objective) | set(before.objective)}
    changes = roster_changes(roster, result.roster, scenario.horizon.start, scenario.horizon.end)
    # By term id: the report's messages name each term in the reader's language (`term:<id>`).
    terms = {term: delta for term, delta in sorted(deltas.items()) if delta}
    return [_fact("grant-cost", delta=after.total - before.total, terms=terms, changes=len(changes),
                    people=len({c.employee for c in changes}))]
