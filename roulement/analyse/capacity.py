"""How many people the plant needs, and what a headcount cut or random absences do to it.

* `skill_groups` (in `model.skills`): posts linked when someone is qualified for both; each group is staffed
  from its own people.
* `minimum_people`: per group, a CP-SAT model (the real rules, hard coverage) that minimises how many of the
  group's people work at all; contract minimums are lifted (we ask how few *could* run it). The answer is
  exact when proven optimal, else a range [bound, best].
* `absence_risk`: Monte Carlo of random absences with a max-flow coverage check per sample (see its doc).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.graph.python import max_flow
from ortools.sat.python import cp_model

from roulement.check.checker import check_roster
from roulement.model.calendar import Calendar
from roulement.model.demand import demand_slots
from roulement.model.scenario import Employee, Scenario
from roulement.model.skills import SkillGroup, group_scenario, qualified, skill_groups
from roulement.rules.base import Rule
from roulement.rules.contract import ContractHours
from roulement.rules.packs import build_rules
from roulement.solve.builder import BuildOptions, ModelBuilder
from roulement.solve.runtime import Settings, new_solver, run, status_name
from roulement.solve.search import SolveOptions, SolveResult, solve


@dataclass
class GroupCapacity:
    group: SkillGroup
    available: int
    best: int | None  # fewest people with a roster found within the law (None: none found)
    bound: int  # proven: fewer people cannot work (analytic bound or CP-SAT proof)
    status: str
    steps: list[tuple[int, str]] = field(default_factory=list)  # (people allowed, verdict) tried

    @property
    def exact(self) -> bool:
        return self.best is not None and self.best == self.bound

    @property
    def margin(self) -> int | None:
        return None if self.best is None else self.available - self.best

    def as_dict(self) -> dict[str, Any]:
        return {"posts": list(self.group.posts), "skills": list(self.group.skills), "available": self.available,
                "minimum": self.best, "lower_bound": self.bound, "exact": self.exact, "status": self.status,
                "margin": self.margin, "steps": [{"people": k, "verdict": v} for k, v in self.steps]}


def hours_bound(scenario: Scenario, group: SkillGroup, rules: Sequence[Rule]) -> int:
    """People needed at least, from hours alone: each post's (and the group's, and the nights') demanded
    minutes over the most one qualified person may work (contract upper bound, weekly-average laws)."""
    calendar = Calendar(scenario)
    slots = [s for s in demand_slots(scenario) if s.post in group.posts and s.min > 0]
    members = [scenario.employee(e) for e in group.people]
    # The law's long-run limits (weekly averages, the same for everyone) bound each person; night workers'
    # own bound the night slots.
    averaged = [limit for r in rules for e in members[:1]
                if (limit := r.minute_cap(e, scenario, calendar.days)) is not None and limit.averaged]
    law_cap = min((limit.minutes for limit in averaged if not limit.night_workers_only), default=math.inf)
    night_cap = min((limit.minutes for limit in averaged if limit.night_workers_only), default=law_cap)
    contract = ContractHours()

    def cap(employee: Employee, night_cap_too: bool) -> float:
        high = contract.bounds(employee, calendar.days, scenario.horizon.start)[1]
        limit = min(law_cap, night_cap if night_cap_too else law_cap, math.inf if high is None else high)
        return limit if math.isfinite(limit) else float(calendar.days * 24 * 60)

    def needed(selected: list[Any], people: list[Employee], nights: bool) -> int:
        minutes = sum(s.min * calendar.occurrence(s.day, s.shift).worked for s in selected)
        if not minutes:
            return 0
        caps = sorted((cap(e, nights) for e in people), reverse=True)
        total, count = 0.0, 0
        for value in caps:  # the fewest people, taking the most capable first
            if total >= minutes:
                break
            total, count = total + value, count + 1
        return count if total >= minutes else len(caps) + 1

    best = needed(slots, members, False)
    for post in group.posts:
        holders = [e for e in members if qualified(scenario, e, post)]
        best = max(best, needed([s for s in slots if s.post == post], holders, False))
    night = [s for s in slots if calendar.occurrence(s.day, s.shift).is_night]
    best = max(best, needed(night, [e for e in members if e.night_eligible], True))
    return best


def minimum_people(scenario: Scenario, group: SkillGroup, time_limit: float = 10.0, workers: int = 2,
                   rules: Sequence[Rule] | None = None) -> GroupCapacity:
    """The fewest of the group's people that can cover its posts' minimums within every hard rule.

    Bound + verification: an hours bound says fewer than `low` cannot work; then a binary search asks CP-SAT
    "can at most k of these people cover every minimum within every hard rule?" (CP-SAT chooses who). A yes
    comes with a roster; a proven no raises the bound; an unknown (time) counts as no proof either way.
    """
    started = time.monotonic()
    sub = group_scenario(scenario, group)
    in_force = list(rules) if rules is not None else build_rules(sub)
    available = len(sub.employees)
    low = min(hours_bound(sub, group, in_force), available + 1)
    builder = ModelBuilder(sub, in_force, BuildOptions(allow_shortfall=False))
    model = builder.model
    model.clear_objective()  # type: ignore[no-untyped-call]
    used = []
    for employee in sub.employees:
        literal = model.new_bool_var(f"used {employee.id}")
        for _, works in builder.shifts_of(employee.id):
            model.add_implication(works, literal)
        used.append(literal)
    result = GroupCapacity(group, available, None, low, "UNKNOWN")
    # First: minimise the people used outright, for a verified roster and CP-SAT's own bound.
    model.minimize(sum(used))
    settings = Settings(workers=workers)
    solver = new_solver(settings, max(time_limit * 0.6 - (time.monotonic() - started), 1.0))
    status = run(solver, model).status
    result.steps.append((available, status_name(status)))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.best = sum(1 for literal in used if solver.boolean_value(literal))
        result.bound = max(low, math.ceil(solver.best_objective_bound - 1e-6))
    elif status == cp_model.INFEASIBLE:
        result.bound = available + 1
    # Then: "can at most k of them do it?" between the bound and the best, while time is left.
    while result.best is not None and result.bound < result.best:
        remaining = time_limit - (time.monotonic() - started)
        if remaining < 0.5:
            break
        k = (result.bound + result.best - 1) // 2
        allowed = model.new_bool_var(f"at most {k}")
        model.add(sum(used) <= k).only_enforce_if(allowed)
        model.clear_assumptions()
        model.add_assumptions([allowed])
        solver = new_solver(settings, remaining, first_solution_only=True)
        status = run(solver, model).status
        result.steps.append((k, status_name(status)))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            result.best = sum(1 for literal in used if solver.boolean_value(literal))
        elif status == cp_model.INFEASIBLE:
            result.bound = k + 1
        else:
            break
    result.status = "proven" if result.exact else "range" if result.best is not None else "no roster found"
    return result


def capacity(scenario: Scenario, time_limit: float = 10.0, workers: int = 2,
             on_group: Callable[[GroupCapacity], None] | None = None) -> list[GroupCapacity]:
    results = []
    for group in skill_groups(scenario):
        result = minimum_people(scenario, group, time_limit, workers)
        results.append(result)
        if on_group is not None:
            on_group(result)
    return results


# --- headcount cut -----------------------------------------------------------------------------------------

ORDERS = ("seniority", "reverse-seniority", "random")


def cut_order(scenario: Scenario, order: str, seed: int = 0) -> list[str]:
    """Who goes first: `seniority` cuts the most recently hired first (last in, first out)."""
    people = list(scenario.employees)
    if order == "random":
        random.Random(seed).shuffle(people)
        return [e.id for e in people]
    dated = sorted(people, key=lambda e: (e.seniority_date is None, e.seniority_date or 0, e.id))
    if order == "seniority":
        dated.reverse()
        # Undated people are treated as the most recent hires.
        dated.sort(key=lambda e: e.seniority_date is not None)
        return [e.id for e in dated]
    if order == "reverse-seniority":
        return [e.id for e in dated]
    raise ValueError(f"--order: {order!r} is not one of {', '.join(ORDERS)}")


@dataclass
class Break:
    post: str
    shift: str
    date: str
    required: int
    assigned: int


@dataclass(frozen=True)
class PostShortfall:
    """One post's breaks: person-shifts short, on which shifts and which dates."""

    post: str
    short: int
    shifts: tuple[str, ...]
    dates: tuple[str, ...]


@dataclass
class StressResult:
    removed: list[str]
    feasible: bool
    result: SolveResult
    breaks: list[Break] = field(default_factory=list)
    safety_breaks: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)  # per short post: holders needed vs left
    group_needs: list[dict[str, Any]] = field(default_factory=list)  # per skill group of several posts
    groups: list[dict[str, Any]] = field(default_factory=list)  # each skill group judged alone

    def by_post(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.breaks:
            counts[item.post] = counts.get(item.post, 0) + item.required - item.assigned
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))

    def shortfalls(self) -> list[PostShortfall]:
        """Per short post, most short first: the shifts and dates it breaks on."""
        return [PostShortfall(post, short, tuple(sorted({b.shift for b in self.breaks if b.post == post})),
                              tuple(sorted({b.date for b in self.breaks if b.post == post})))
                for post, short in self.by_post().items()]

    def as_dict(self) -> dict[str, Any]:
        return {"removed": self.removed, "feasible": self.feasible, "short_person_shifts_by_post": self.by_post(),
                "breaks": [vars(b) for b in self.breaks], "safety_breaks": self.safety_breaks,
                "missing_people": self.missing, "group_needs": self.group_needs, "groups": self.groups,
                "solver": self.result.as_dict()}


def stress(original: Scenario, cut: Scenario, removed: list[str], time_limit: float = 30.0, workers: int = 2,
           capacity_time_limit: float = 10.0) -> StressResult:
    """Can `cut` still be covered within the law? If not: where it breaks and how many people are missing."""
    result = solve(cut, SolveOptions(time_limit=time_limit, workers=workers))
    outcome = StressResult(removed, False, result)
    if result.roster is None:
        return outcome
    checked = check_roster(cut, result.roster)
    for v in checked.violations:
        if v.rule == "core.coverage" and "required" in v.details:
            outcome.breaks.append(Break(v.details["post"], v.details["shift"], v.dates[0].isoformat(),
                                        v.details["required"], v.details["assigned"]))
        elif v.rule == "core.safety-minimum":
            outcome.safety_breaks.append({"date": v.dates[0].isoformat(), **v.details})
    outcome.feasible = checked.ok
    # Each skill group alone (a relaxation): a group that cannot be covered alone is proven broken.
    for group in skill_groups(cut):
        by_itself = group_scenario(cut, group)
        # Only whether it can be covered matters here: no time for the guided search's finer steps.
        verdict = solve(by_itself, SolveOptions(time_limit=min(capacity_time_limit, 10.0), workers=workers,
                                                allow_shortfall=False, guided=False)).status
        outcome.groups.append({"posts": list(group.posts), "people": len(group.people),
                               "alone": {"INFEASIBLE": "cannot be covered (proven)", "OPTIMAL": "covered",
                                         "FEASIBLE": "covered"}.get(verdict, "unknown in time")})
    short_posts = {b.post for b in outcome.breaks}
    rules = build_rules(original)
    gone = set(removed)
    for post in sorted(short_posts):
        holders = tuple(e.id for e in original.employees if qualified(original, e, post))
        alone = SkillGroup((post,), tuple(original.post(post).skills), holders)
        needed = hours_bound(original, alone, rules)
        left = sum(1 for e in holders if e not in gone)
        outcome.missing.append({"post": post, "skills": list(alone.skills), "holders_left": left,
                                "holders_needed_at_least": needed, "missing": max(needed - left, 0)})
    for group in skill_groups(original):
        if short_posts & set(group.posts) and len(group.posts) > 1:
            need = minimum_people(original, group, capacity_time_limit, workers)
            left = sum(1 for e in group.people if e not in gone)
            outcome.group_needs.append({"posts": list(group.posts), "left": left, **need.as_dict(),
                                        "missing_at_least": max(need.bound - left, 0)})
    return outcome


# --- random absences ---------------------------------------------------------------------------------------


@dataclass
class AbsenceRisk:
    samples: int
    rate: float
    plant_short: float  # share of samples where some minimum cannot be met
    group_short: dict[str, float]
    post_short: dict[str, float]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {"samples": self.samples, "absence_rate": self.rate, "plant_short": self.plant_short,
                "group_short": self.group_short, "post_short": self.post_short, "seconds": round(self.seconds, 2)}


class _GroupFlow:
    """The coverage of one skill group as a max-flow network, built once and re-capacitated per sample.

    source -> person (capacity: shifts the contract's upper bound allows, pro rata of days present)
           -> person-day (1: one shift a day) -> slot (day, shift, post) they may hold -> sink (the minimum).
    """

    def __init__(self, scenario: Scenario, group: SkillGroup, calendar: Calendar) -> None:
        self.people = [scenario.employee(e) for e in group.people]
        slots = [s for s in demand_slots(scenario) if s.post in group.posts and s.min > 0]
        self.posts = list(group.posts)
        days = calendar.days
        people, n_people = self.people, len(self.people)
        person_node = 1 + np.arange(n_people)
        first_day_node = 1 + n_people
        slot_node = first_day_node + n_people * days + np.arange(len(slots))
        self.sink = int(first_day_node + n_people * days + len(slots))
        tails: list[int] = []
        heads: list[int] = []
        caps: list[int] = []
        for i in range(n_people):
            tails.append(0)
            heads.append(int(person_node[i]))
            caps.append(0)
        self.person_arcs = np.arange(n_people)
        day_arcs: list[int] = []
        for i in range(n_people):
            for d in range(days):
                day_arcs.append(len(tails))
                tails.append(int(person_node[i]))
                heads.append(first_day_node + i * days + d)
                caps.append(1)
        self.day_arcs = np.array(day_arcs).reshape(n_people, days) if n_people else np.zeros((0, days), int)
        for k, slot in enumerate(slots):
            occurrence = calendar.occurrence(slot.day, slot.shift)
            for i, person in enumerate(people):
                if qualified(scenario, person, slot.post) and (person.night_eligible or not occurrence.is_night) \
                        and not person.absent_on(calendar.dates[slot.day]):
                    tails.append(first_day_node + i * days + slot.day)
                    heads.append(int(slot_node[k]))
                    caps.append(slot.min)
        self.sink_arcs = np.arange(len(tails), len(tails) + len(slots))
        for k, slot in enumerate(slots):
            tails.append(int(slot_node[k]))
            heads.append(self.sink)
            caps.append(slot.min)
        self.slot_posts = np.array([self.posts.index(s.post) for s in slots], dtype=int)
        self.slot_mins = np.array([s.min for s in slots], dtype=np.int64)
        self.tails = np.array(tails, dtype=np.int32)
        self.heads = np.array(heads, dtype=np.int32)
        self.caps = np.array(caps, dtype=np.int64)
        self.shift_minutes = np.mean([calendar.occurrence(s.day, s.shift).worked for s in slots]) if slots else 480.0
        rule = ContractHours()
        self.max_shifts = np.array([
            (high // self.shift_minutes if (high := rule.bounds(p, days, scenario.horizon.start)[1]) is not None
             else days) for p in people], dtype=np.int64)

    def short(self, absent: np.ndarray, only_post: int | None = None) -> int:
        """Person-shifts short with `absent` (people x days booleans); only one post's slots when given."""
        caps = self.caps.copy()
        days = absent.shape[1]
        present = days - absent.sum(axis=1)
        caps[self.person_arcs] = np.minimum((self.max_shifts * present + days - 1) // days, present)
        caps[self.day_arcs[absent]] = 0
        wanted = int(self.slot_mins.sum())
        if only_post is not None:
            other = self.slot_posts != only_post
            caps[self.sink_arcs[other]] = 0
            wanted = int(self.slot_mins[~other].sum())
        flow = max_flow.SimpleMaxFlow()
        flow.add_arcs_with_capacity(self.tails, self.heads, caps)
        flow.solve(0, self.sink)
        return wanted - int(flow.optimal_flow())


@dataclass
class SampleHits:
    """What some samples of random absences found short: the count of samples per group, per post, and plant-wide.

    Counts add up: the hits of disjoint batches of samples summed are the hits of all of them together."""

    samples: int = 0
    plant: int = 0
    groups: dict[str, int] = field(default_factory=dict)
    posts: dict[str, int] = field(default_factory=dict)

    def add(self, other: SampleHits) -> None:
        self.samples += other.samples
        self.plant += other.plant
        for name, hits in other.groups.items():
            self.groups[name] = self.groups.get(name, 0) + hits
        for post, hits in other.posts.items():
            self.posts[post] = self.posts.get(post, 0) + hits


def sample_generator(seed: int, sample: int) -> np.random.Generator:
    """The random stream of one sample, from (seed, sample index) alone: a sample draws the same absences
    whichever batch, process or machine runs it, and samples are independent of each other."""
    return np.random.default_rng([seed, sample])


def absence_samples(scenario: Scenario, rate: float, seed: int, indices: Sequence[int],
                    on_sample: Callable[[int], None] | None = None) -> SampleHits:
    """Judge the samples numbered `indices` (see `absence_risk`); `on_sample` gets the count judged so far."""
    calendar = Calendar(scenario)
    flows = [(_GroupFlow(scenario, g, calendar), g) for g in skill_groups(scenario)]
    hits = SampleHits(len(indices), 0, {g.name: 0 for _, g in flows}, {p: 0 for _, g in flows for p in g.posts})
    for done, sample in enumerate(indices, start=1):
        rng = sample_generator(seed, sample)
        any_short = False
        for flow, group in flows:
            absent = rng.random((len(flow.people), calendar.days)) < rate
            if flow.short(absent) > 0:
                any_short = True
                hits.groups[group.name] += 1
                for index, post in enumerate(group.posts):
                    if len(group.posts) == 1 or flow.short(absent, index) > 0:
                        hits.posts[post] += 1
        hits.plant += any_short
        if on_sample is not None:
            on_sample(done)
    return hits


def risk_from_hits(hits: SampleHits, rate: float, seconds: float) -> AbsenceRisk:
    samples = hits.samples
    return AbsenceRisk(samples, rate, hits.plant / samples if samples else 0.0,
                       {k: v / samples if samples else 0.0 for k, v in hits.groups.items()},
                       {k: v / samples if samples else 0.0 for k, v in hits.posts.items()}, seconds)


def absence_risk(scenario: Scenario, rate: float, samples: int, seed: int = 0,
                 on_sample: Callable[[int], None] | None = None) -> AbsenceRisk:
    """Share of samples in which each post (and the plant) cannot be covered, with random absences.

    Each person is absent on each day with probability `rate`, on top of their declared absences. A sample
    is judged by max flow: people to days (one shift a day) to the slots they are qualified and fit for, each
    person capped at the shifts their contract's upper bound allows, pro rata of the days they are present.
    This is a relaxation of the law (no rest, weekly or consecutive-day rules, no safety minimums): when the
    flow cannot fill a minimum, no lawful roster can; when it can, a lawful roster may still not exist. The
    probabilities are therefore lower bounds on the real risk, cheap enough for hundreds of samples.
    A post is counted short when its own minimums cannot be met even with every group colleague helping it
    first; the group is short when its minimums cannot all be met together.

    Sample k draws from its own stream, seeded by (seed, k) (`sample_generator`): the samples can be judged in
    batches, as tasks anywhere, with the same result.
    """
    started = time.monotonic()
    hits = absence_samples(scenario, rate, seed, range(samples), on_sample)
    return risk_from_hits(hits, rate, time.monotonic() - started)
