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
- each safety minimum met at every moment as the rest of the plant leaves it (holders to spare may move);
- the household wishes and requests of the people re-planned (days off together, soft childcare windows,
  requested days) no worse priced than before: this model has no objective of its own for them;
- as few cells changed as the time allows.

On a plant with a crew cycle only some people may move (`movable`: the relief pool, `solve/exception.py`);
anyone else a model brings in (a pool member's partner in a crew) keeps every cell as it was.

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
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from roulement.model.calendar import Calendar
from roulement.model.demand import demand_slots
from roulement.model.roster import Assignment, Roster, Timeline
from roulement.model.scenario import Demand, Employee, Scenario
from roulement.rules.base import Rule
from roulement.rules.core import Coverage, Requests, SafetyMinimums
from roulement.rules.people import ChildcareCover, SharedDaysOff, availability, counts_toward, peer_groups
from roulement.solve.builder import BuildOptions, ModelBuilder, weighted

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
# The rules pricing what a person asked for: a model may not price them higher than before (none encodes a
# term the fair share's bands could trade them for; see the module's docstring).
WISHES = (SharedDaysOff, ChildcareCover, Requests)
WISH_TERMS = (SharedDaysOff.id, ChildcareCover.id, "requests")  # the objective terms they price under


def wish_term(rule: Rule) -> str:
    return "requests" if isinstance(rule, Requests) else rule.id


@dataclass
class RepairOutcome:
    roster: Roster
    # Groups re-planned into their bands, and groups that stayed outside (no roster found in time).
    mended: int
    left: int
    # The widest gap between two full-time peers present every day, per category, in the roster returned
    # (and in the roster given), over the groups repaired.
    gaps: dict[str, int]
    gaps_before: dict[str, int] = field(default_factory=dict)


def band(share: float) -> tuple[int, int]:
    low = math.floor(share + 1e-9)
    return low, low + 1


class FairRepair:
    def __init__(self, scenario: Scenario, rules: Sequence[Rule], roster: Roster,
                 movable: Collection[str] | None = None, cells_fixed: bool = True) -> None:
        self.scenario = scenario
        # Whether the people of a model keep exactly the cells they hold between them (see `levels`).
        self.cells_fixed = cells_fixed
        self.slots = [] if cells_fixed else demand_slots(scenario)
        # Cover is held cell by cell here, and safety skills by their own constraint: their rules would judge
        # only the group's share of the plant.
        self.rules = [r for r in rules if not isinstance(r, Coverage | SafetyMinimums)]
        self.wishes = [r for r in self.rules if isinstance(r, WISHES)]
        # Who may be re-planned (None: everyone); peer groups and relays are drawn from them alone.
        self.movable = None if movable is None else frozenset(movable)
        self.calendar = Calendar(scenario)
        self.employees = {e.id: e for e in scenario.employees}
        self.household_of = {m: h for h in scenario.households for m in h.members}
        self.weight = {e.id: availability(scenario, e) for e in scenario.employees}
        # Every moment a safety minimum is judged on, with the shifts covering it (the rule's own cut).
        self.segments = [(minimum, covering) for minimum, _, _, covering
                         in SafetyMinimums().segments(Timeline(scenario, [], self.calendar))]
        self.longest = max((self.calendar.occurrence(0, shift.id).worked for shift in scenario.shifts), default=0)
        self.groups = {c: [people for people in peer_groups(scenario, self.calendar, c).values()
                           if self.movable is None or all(e.id in self.movable for e in people)]
                       for c in CATEGORIES}
        self.set_roster(roster)

    def may_move(self, person: str) -> bool:
        return self.movable is None or person in self.movable

    def set_roster(self, roster: Roster) -> None:
        self.roster = roster
        self._counts: dict[tuple[str, str], int] = {}
        day_of = self.calendar.day_of
        self.cell_of: dict[str, dict[int, tuple[str, str]]] = defaultdict(dict)
        for a in roster:
            day = day_of.get(a.date)
            if day is not None:
                self.cell_of[a.employee][day] = (a.shift, a.post)
        self.slot_count = Counter((day, shift, post) for cells in self.cell_of.values()
                                  for day, (shift, post) in cells.items())
        safety_skills = {minimum.skill for minimum, _ in self.segments}
        self.holders_on: Counter[tuple[str, int, str]] = Counter(
            (skill, day, shift) for person, cells in self.cell_of.items()
            for skill in safety_skills & set(self.employees[person].skills) for day, (shift, _) in cells.items())

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

    def worst(self, tried: Counter[tuple[str, str, int]]) -> tuple[str, str, int, list[Employee]] | None:
        """The person to re-plan next, the way their count should go (+1 up, -1 down) and their group: the
        fewest models tried at their present count first (everyone gets a small model before anyone gets a
        larger one), then the furthest outside a band.

        In a group whose full-timers are still more than one apart, the most and the least loaded full-timer are
        candidates too, inside their band: a band is a share of the group's present total, and when the person
        below it cannot take more (a partner's cycle and a hard childcare window leave them no other night), the
        gap closes only by the top giving a night away, out of the group."""
        full = max(self.weight.values(), default=0)
        best: tuple[tuple[int, int], str, str, int, list[Employee]] | None = None
        for category in CATEGORIES:
            for people in self.groups[category]:
                bands = self.bands(people, category)
                counts = {e.id: self.count(e.id, category) for e in people}
                fulls = [counts[e.id] for e in people if self.weight[e.id] == full]
                spread = len(fulls) >= 2 and max(fulls) - min(fulls) > 1
                for e in people:
                    count, (low, high) = counts[e.id], bands[e.id]
                    distance = max(count - high, low - count, 0)
                    direction = -1 if count > high else 1 if count < low else 0
                    if not direction and spread and self.weight[e.id] == full:
                        direction = -1 if count == max(fulls) else 1 if count == min(fulls) else 0
                    attempts = tried[(category, e.id, count)]
                    if direction and attempts < ATTEMPTS and (best is None or (attempts, -distance) < best[0]):
                        best = ((attempts, -distance), category, e.id, direction, list(people))
        return None if best is None else best[1:]

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
        outside = [e for e in self.scenario.employees if e.id not in inside and self.may_move(e.id)
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

    def levels(self, members: set[str], cells: Counter[tuple[int, str, str]]
               ) -> dict[tuple[int, str, str], tuple[int, int | None]]:
        """(day, shift, post) -> the fewest and most of `members` on it (None: no most).

        Cells fixed: exactly the cells they hold now. Otherwise any slot of a post one of them holds, kept at
        its preferred level by them and the rest of the plant (or at what they give it now, if less), and never
        above its maximum: a pool member's shift over the preferred level may move to another such slot."""
        if self.cells_fixed:
            return {cell: (n, n) for cell, n in cells.items()}
        posts = {p.id for m in members for p in self.scenario.eligible_posts(self.employees[m])}
        levels: dict[tuple[int, str, str], tuple[int, int | None]] = {}
        for slot in self.slots:
            key = (slot.day, slot.shift, slot.post)
            if slot.post not in posts and key not in cells:
                continue
            inside = cells.get(key, 0)
            outside = self.slot_count[key] - inside
            low = max(min(slot.preferred - outside, inside), 0)
            high = None if slot.max is None else max(slot.max - outside, inside)
            levels[key] = (low, high)
        for cell, n in cells.items():  # a cell outside the demand stays as it is
            levels.setdefault(cell, (n, n))
        return levels

    def mend(self, category: str, target: str, chosen: Sequence[Employee], seconds: float, workers: int,
             seed: int, direction: int = 0) -> bool:
        """Re-plan `chosen` so that `target`'s count of `category` moves one step the way `direction` says
        (0: towards their band), and nobody is further from a band than now; True if it worked (the roster is
        then updated)."""
        members = {e.id for e in chosen}
        for person in list(members):
            household = self.household_of.get(person)
            if household is not None:
                members |= {m for m in household.members if m in self.employees}
        held = [(person, day, shift, post) for person in sorted(members)
                for day, (shift, post) in self.cell_of[person].items()]
        cells = Counter((day, shift, post) for _, day, shift, post in held)
        dates = self.calendar.dates
        levels = self.levels(members, cells)
        demand = [Demand(post=post, shifts=[shift], dates=[dates[day]], min=low, max=high)
                  for (day, shift, post), (low, high) in sorted(levels.items())]
        sub = self.scenario.replaced(
            employees=[self.employees[m] for m in sorted(members)], demand=demand, safety_minimums=[],
            households=[h for h in self.scenario.households if set(h.members) & members], rotation=None)
        mine = Roster(sorted(Assignment(person, dates[day], shift, post) for person, day, shift, post in held))
        # A household member who may not move (a crew member on the cycle) keeps every cell, working or off.
        pinned = {(person, day) for person in members if not self.may_move(person) for day in range(len(dates))}
        builder = ModelBuilder(sub, self.rules, BuildOptions(allow_shortfall=False, hint=mine, frozen=mine,
                                                             frozen_cells=pinned))
        model = builder.model
        # What the people asked for, priced no higher than now (the model's prices are the checker's).
        asked = Timeline(sub, mine)
        priced_now: Counter[str] = Counter({wish_term(rule): 0 for rule in self.wishes})
        for cost in (cost for rule in self.wishes for cost in rule.cost(asked)):
            priced_now[cost.term] += cost.amount
        for term, now in priced_now.items():
            model.add(weighted(builder.costs.get(term, [])) + builder.constants.get(term, 0) <= now)
        holidays = self.scenario.public_holidays
        for (day, shift, post), (low, high) in levels.items():
            holders = sum(lit for _, lit in builder.post_holders(day, shift, post))
            model.add(holders >= low)
            if high is not None:
                model.add(holders <= high)
        if not self.cells_fixed:  # as many shifts between them as before: over-staffing stays as it was
            model.add(sum(lit for m in members for _, lit in builder.shifts_of(m)) == len(held))
        # Bands for this group; the other category's counts and everyone's hours as they were.
        bands = {other: self.band_of(other) for other in CATEGORIES}
        for person in sorted(members):
            shifts = builder.shifts_of(person)
            for other in CATEGORIES:
                counted = [lit for o, lit in shifts if counts_toward(other, o, holidays)]
                now = self.count(person, other)
                low, high = bands[other].get(person, (now, now))
                if other == category and person == target:
                    # One step the way asked at least (a count far out gets to its band in several models).
                    way = direction or (-1 if now > high else 1)
                    low, high = (min(low, now - 1), now - 1) if way < 0 else (now + 1, max(high, now + 1))
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
        # Safety minimums at every moment: the members' holders make up what the rest of the plant (unchanged)
        # leaves short of the minimum, never more than they do now. Shifts traded between holders and others
        # are free where the plant has holders to spare.
        for minimum, covering in self.segments:
            holders = [m for m in members if minimum.skill in self.employees[m].skills]
            if not holders:
                continue
            inside = sum(1 for m in holders for o in covering if self.cell_of[m].get(o.day, ("",))[0] == o.shift)
            outside = sum(self.holders_on[(minimum.skill, o.day, o.shift)] for o in covering) - inside
            need = min(minimum.min - outside, inside)
            if need > 0:
                model.add(sum(lit for m in holders for o in covering
                              if (lit := builder.works(m, o.day, o.shift)) is not None) >= need)
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
    stop: threading.Event | None = None, movable: Collection[str] | None = None, cells_fixed: bool = True,
) -> RepairOutcome:
    """Everyone outside their band of nights or Sundays, re-planned into it with a few peers; see the
    module's docstring. Furthest out first; whatever time runs out on is left as it was. With `movable`, only
    those people's peer groups are repaired, and only they change."""
    deadline = time.monotonic() + seconds
    repair = FairRepair(scenario, rules, roster, movable, cells_fixed)
    before = repair.full_time_gaps()
    rng = random.Random(seed)
    mended = left = 0
    tried: Counter[tuple[str, str, int]] = Counter()
    while time.monotonic() < deadline - 0.2 and not (stop is not None and stop.is_set()):
        found = repair.worst(tried)
        if found is None:
            break
        category, person, direction, people = found
        attempt = tried[(category, person, repair.count(person, category))]
        tried[(category, person, repair.count(person, category))] += 1
        chosen = repair.partners(category, person, people, rng, attempt)
        if repair.mend(category, person, chosen, min(GROUP_SECONDS, deadline - time.monotonic()), workers, seed,
                       direction):
            mended += 1
        else:
            left += 1
    return RepairOutcome(repair.roster, mended, left, repair.full_time_gaps(), before)


def counted(number: int, noun: str) -> str:
    """'1 night', '2 nights': a count and its noun for the plan's English notes."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
