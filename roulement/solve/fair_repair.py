"""Nights and Sundays brought within a fair share's band, one peer group at a time, by a small CP-SAT model.

The first roster's swaps between two peers (`slot_fill.SlotFiller.balance`) stop at a gap of about 2 between
full-time peers on a plant without a cycle: the one- to seven-day swaps that would close it break rest or
succession rules, and a third person is often needed to take what the second gives up. Here a peer group is
re-planned on its own: the group's people (and their households' other members) keep exactly the cells of
the demand they hold between them, so cover and everyone else's roster stay as they were; inside those cells
CP-SAT may rearrange them freely (any chain of exchanges), under every rule in force, each encoded by itself
(`ModelBuilder`), with:

- each member's nights (or Sundays) in the band of a fair share of the group's total ([floor(f), floor(f)+1],
  f pro rata of contract hours and days present, as `FairShare` and the guided search read them);
- the other category's counts, and each person's hours, as they were (nothing is traded for this);
- each safety skill's holders on each shift at least as many as before;
- as few cells changed as the time allows.

A group whose model finds nothing in its time is left as it was. The caller judges the whole result with the
independent checker and keeps it only if it is no worse (`first.py`, `slot_fill.first_roster`).
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from roulement.model.calendar import Calendar
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Demand, Employee, Scenario
from roulement.rules.base import Rule
from roulement.rules.core import Coverage, SafetyMinimums
from roulement.rules.people import availability, counts_toward, peer_groups
from roulement.solve.builder import BuildOptions, ModelBuilder

LOG = logging.getLogger(__name__)
CATEGORIES = ("nights", "sundays")
# A small model's work, in CP-SAT's deterministic time (the same on a busy machine as on an idle one: the
# repair gives the same roster whatever else runs), and its wall-clock time at most.
GROUP_WORK = 0.25
GROUP_SECONDS = 4.0
# Peers on the other side of the fair share, and others to relay shifts along a chain, in each small model.
PARTNERS = 3
RELAYS = 3
# Models tried per person and count before they are left as they are.
ATTEMPTS = 3
# Cells kept: within this share of the most that could be kept is good enough (time matters more here).
KEPT_GAP = 0.02


@dataclass
class RepairOutcome:
    roster: Roster
    # Groups re-planned into their bands, and groups that stayed outside (no roster found in time).
    mended: int
    left: int
    # The widest gap between two full-time peers present every day, per category, in the roster returned.
    gaps: dict[str, int]


def band(share: float) -> tuple[int, int]:
    low = math.floor(share + 1e-9)
    return low, low + 1


class FairRepair:
    def __init__(self, scenario: Scenario, rules: Sequence[Rule], roster: Roster) -> None:
        self.scenario = scenario
        # Cover is held cell by cell here, and safety skills by their own constraint: their rules would judge
        # only the group's share of the plant.
        self.rules = [r for r in rules if not isinstance(r, Coverage | SafetyMinimums)]
        self.calendar = Calendar(scenario)
        self.employees = {e.id: e for e in scenario.employees}
        self.household_of = {m: h for h in scenario.households for m in h.members}
        self.weight = {e.id: availability(scenario, e) for e in scenario.employees}
        self.safety_skills = {m.skill for m in scenario.safety_minimums}
        self.longest = max((self.calendar.occurrence(0, shift.id).worked for shift in scenario.shifts), default=0)
        self.groups = {c: list(peer_groups(scenario, self.calendar, c).values()) for c in CATEGORIES}
        self.set_roster(roster)

    def set_roster(self, roster: Roster) -> None:
        self.roster = roster
        self._counts: dict[tuple[str, str], int] = {}
        day_of = self.calendar.day_of
        self.cell_of: dict[str, dict[int, tuple[str, str]]] = defaultdict(dict)
        for a in roster:
            day = day_of.get(a.date)
            if day is not None:
                self.cell_of[a.employee][day] = (a.shift, a.post)

    def count(self, person: str, category: str) -> int:
        key = (person, category)
        if key not in self._counts:  # read for every group at each step: counted once per roster
            self._counts[key] = sum(
                1 for day, (shift, _) in self.cell_of[person].items()
                if counts_toward(category, self.calendar.occurrence(day, shift), self.scenario.public_holidays))
        return self._counts[key]

    def bands(self, people: Sequence[Employee], category: str) -> dict[str, tuple[int, int]]:
        total = sum(self.count(e.id, category) for e in people)
        weight = sum(self.weight[e.id] for e in people) or 1
        return {e.id: band(total * self.weight[e.id] / weight) for e in people}

    def band_of(self, category: str) -> dict[str, tuple[int, int]]:
        return {person: b for people in self.groups[category] for person, b in self.bands(people, category).items()}

    def worst(self, tried: Counter[tuple[str, str, int]]) -> tuple[str, str, list[Employee]] | None:
        """The person to re-plan next, with their group: the fewest models tried at their present count first
        (everyone gets a small model before anyone gets a larger one), then the furthest outside a band."""
        best: tuple[tuple[int, int], str, str, list[Employee]] | None = None
        for category in CATEGORIES:
            for people in self.groups[category]:
                bands = self.bands(people, category)
                for e in people:
                    count, (low, high) = self.count(e.id, category), bands[e.id]
                    distance = max(count - high, low - count, 0)
                    attempts = tried[(category, e.id, count)]
                    if distance and attempts < ATTEMPTS and (best is None or (attempts, -distance) < best[0]):
                        best = ((attempts, -distance), category, e.id, list(people))
        return None if best is None else (best[1], best[2], best[3])

    def partners(self, category: str, person: str, people: Sequence[Employee],
                 rng: random.Random, attempt: int = 0) -> list[Employee]:
        """The person, the peers on the other side of the fair share (who can take or give what they have too
        much or too little of), nearest the extreme first, and a few others to pass shifts along a chain."""
        load = {e.id: self.count(e.id, category) / max(self.weight[e.id], 1) for e in people}
        over = load[person] * len(people) > sum(load.values())
        others = sorted((e for e in people if e.id != person), key=lambda e: load[e.id], reverse=not over)
        # A later attempt at the same person widens the model: more peers, other relays.
        opposite = others[:PARTNERS + attempt]
        rest = others[PARTNERS + attempt:]
        rng.shuffle(rest)
        chosen = [self.employees[person], *opposite, *rest[:RELAYS + attempt]]
        # People of other groups who hold one of the person's posts: a night can leave the group through
        # them (each stays no further from their own band than now).
        posts = {p.id for p in self.scenario.eligible_posts(self.employees[person])}
        inside = {e.id for e in chosen} | {e.id for e in people}
        outside = [e for e in self.scenario.employees if e.id not in inside
                   and posts & {p.id for p in self.scenario.eligible_posts(e)}]
        rng.shuffle(outside)
        chosen += outside[:RELAYS]
        return chosen

    def full_time_gaps(self) -> dict[str, int]:
        """Per category, the widest gap between two peers with the full contract weight (full time, present
        every day), as the report's fairness guides read it."""
        full = max(self.weight.values(), default=0)
        gaps = {}
        for category in CATEGORIES:
            widest = 0
            for people in self.groups[category]:
                counts = [self.count(e.id, category) for e in people if self.weight[e.id] == full]
                if len(counts) >= 2:
                    widest = max(widest, max(counts) - min(counts))
            gaps[category] = widest
        return gaps

    def outside(self, people: Sequence[Employee], category: str) -> int:
        bands = self.bands(people, category)
        return sum(max(self.count(e.id, category) - high, 0) + max(low - self.count(e.id, category), 0)
                   for e in people for low, high in [bands[e.id]])

    def mend(self, category: str, target: str, chosen: Sequence[Employee], seconds: float, workers: int,
             seed: int) -> bool:
        """Re-plan `chosen` so that `target` lies in their band of `category`, and nobody further from a band
        than now; True if it worked (the roster is then updated)."""
        members = {e.id for e in chosen}
        for person in list(members):
            household = self.household_of.get(person)
            if household is not None:
                members |= {m for m in household.members if m in self.employees}
        held = [(person, day, shift, post) for person in sorted(members)
                for day, (shift, post) in self.cell_of[person].items()]
        cells = Counter((day, shift, post) for _, day, shift, post in held)
        dates = self.calendar.dates
        demand = [Demand(post=post, shifts=[shift], dates=[dates[day]], min=n, max=n)
                  for (day, shift, post), n in sorted(cells.items())]
        sub = self.scenario.replaced(
            employees=[self.employees[m] for m in sorted(members)], demand=demand, safety_minimums=[],
            households=[h for h in self.scenario.households if set(h.members) & members], rotation=None)
        mine = Roster(sorted(Assignment(person, dates[day], shift, post) for person, day, shift, post in held))
        builder = ModelBuilder(sub, self.rules, BuildOptions(allow_shortfall=False, hint=mine))
        model = builder.model
        holidays = self.scenario.public_holidays
        for (day, shift, post), n in cells.items():
            model.add(sum(lit for _, lit in builder.post_holders(day, shift, post)) == n)
        # Bands for this group; the other category's counts and everyone's hours as they were.
        bands = {other: self.band_of(other) for other in CATEGORIES}
        for person in sorted(members):
            shifts = builder.shifts_of(person)
            for other in CATEGORIES:
                counted = [lit for o, lit in shifts if counts_toward(other, o, holidays)]
                now = self.count(person, other)
                low, high = bands[other].get(person, (now, now))
                if other == category and person == target:
                    # One step nearer the band at least (a count far out gets there in several models).
                    low, high = (low, max(high, now - 1)) if now > high else (min(low, now + 1), high)
                else:
                    # Never further from the band than now.
                    low, high = min(low, now), max(high, now)
                model.add(sum(counted) >= low)
                model.add(sum(counted) <= high)
            minutes = sum(self.calendar.occurrence(day, shift).worked
                          for day, (shift, _) in self.cell_of[person].items())
            # Hours may move by one shift at most (the contract's own bounds are a rule, encoded above).
            worked = sum(o.worked * lit for o, lit in shifts)
            model.add(worked >= minutes - self.longest)
            model.add(worked <= minutes + self.longest)
        # Safety skills: as many holders on each shift as before (the rest of the plant is unchanged).
        for skill in self.safety_skills:
            holders = [m for m in members if skill in self.employees[m].skills]
            if not holders:
                continue
            before = Counter((day, shift) for m in holders for day, (shift, _) in self.cell_of[m].items())
            for (day, shift), n in before.items():
                present = [lit for m in holders if (lit := builder.works(m, day, shift)) is not None]
                model.add(sum(present) >= n)
        # As few changes as the time allows: a cell kept is a cell someone already knows.
        kept = [lit for (person, day, shift, post) in held
                if (lit := builder.assigned(person, day, shift, post)) is not None]
        model.maximize(sum(kept))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.max_deterministic_time = GROUP_WORK
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        solver.parameters.relative_gap_limit = KEPT_GAP
        solver.parameters.stop_after_first_solution = True
        solver.parameters.catch_sigint_signal = False
        status = solver.solve(model)
        LOG.debug("%s %s (%d people): %s in %.2f s, %.2f deterministic", category, target, len(members),
                  solver.status_name(status), solver.wall_time, solver.deterministic_time)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        replanned = builder.roster(lambda literal: bool(solver.boolean_value(literal)))
        others = [a for a in self.roster if a.employee not in members]
        self.set_roster(Roster(sorted(others + list(replanned))))
        return True


def repair_fairness(
    scenario: Scenario, rules: Sequence[Rule], roster: Roster, seconds: float, *, workers: int = 1, seed: int = 0,
    stop: threading.Event | None = None,
) -> RepairOutcome:
    """Everyone outside their band of nights or Sundays, re-planned into it with a few peers; see the
    module's docstring. Furthest out first; whatever time runs out on is left as it was."""
    deadline = time.monotonic() + seconds
    repair = FairRepair(scenario, rules, roster)
    rng = random.Random(seed)
    mended = left = 0
    tried: Counter[tuple[str, str, int]] = Counter()
    while time.monotonic() < deadline - 0.2 and not (stop is not None and stop.is_set()):
        found = repair.worst(tried)
        if found is None:
            break
        category, person, people = found
        attempt = tried[(category, person, repair.count(person, category))]
        tried[(category, person, repair.count(person, category))] += 1
        chosen = repair.partners(category, person, people, rng, attempt)
        if repair.mend(category, person, chosen, min(GROUP_SECONDS, deadline - time.monotonic()), workers, seed):
            mended += 1
        else:
            left += 1
    return RepairOutcome(repair.roster, mended, left, repair.full_time_gaps())
