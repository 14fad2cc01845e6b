"""A first roster in seconds, built slot by slot: each day, each shift, each post filled with the people who
can hold it, chosen so that nights, Sundays and hours are shared in proportion from the start.

CP-SAT needs from several seconds (two idle cores) to more than a minute (one busy core) to find a first
lawful roster for a plant like KOS; a planner must not wait that long with nothing to show. This start walks
the horizon day by day and shift by shift (in order of start time) and fills each post's minimum:

- only with people every `permits` rule allows (skills, absences, night eligibility, as the model does);
- a person is taken only if the rules judged person by person (rest, daily and weekly maximums, nights in a
  row, rotation, ...) find no new breach in their roster around that day: the checker's own rules decide,
  nothing is re-implemented here; a household's own hard rules (childcare cover) are judged likewise;
- among those, the one furthest below a fair share of what their peer group has carried so far (nights on a
  night shift, Sundays on a Sunday; peer groups and weights as `FairShare` reads them), then the one furthest
  behind their contract's hours pace, then the one continuing a run of the same shift; safety-skill holders
  are preferred while a safety minimum is not met for that shift.

Then a post still short takes someone from another post or shift whose place a larger pool fills; peers swap
their shifts over one to seven days until each one's nights and Sundays lie in the band of a fair share of
their group's ([floor(f), floor(f) + 1], as the guided search holds them); everyone below their hours floor
(the contract's minimum, or the guided search's hours band) is topped up where a post may take one more; and
the whole roster goes through the independent checker: whatever a person's or household's rule still finds
is undone (the slot is left short, to be reported), and the short slots are filled again. The result is a
proposal for CP-SAT to start from (`solve/first.py`), judged by the checker like every roster; its gaps are
reported, never hidden.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from roulement.check.checker import check_roster
from roulement.model.calendar import Calendar, Occurrence
from roulement.model.demand import Slot, demand_slots
from roulement.model.roster import Assignment, Roster, Timeline
from roulement.model.scenario import Employee, RequestKind, RuleMode, Scenario
from roulement.rules.base import PerEmployeeRule, Rule
from roulement.rules.contract import ContractHours
from roulement.rules.core import Coverage, SafetyMinimums
from roulement.rules.people import availability, counts_toward, peer_groups
from roulement.rules.plant import NextDayPairs

# Days either side of a candidate day whose shifts the person's rules see: the week around it and the edges of
# the weeks before and after (weekly rest and maximums); the final check judges the whole horizon.
WINDOW_DAYS = 7
# How much one shift above a fair share weighs against one shift behind the hours pace.
FAIRNESS_WEIGHT = 2.0
# Continuing a run of the same shift (nights in a block, mornings in a row) is worth this many shifts of pace.
CONTINUITY_BONUS = 1.2


def swap_spans(day: int) -> list[tuple[int, int]]:
    """Spans of days two peers may swap around a day: short ones first, up to a week."""
    return sorted(((day - back, day - back + length - 1) for length in range(1, 8) for back in range(min(length, 3))),
                  key=lambda span: span[1] - span[0])


# Open places a top-up tries per person and shift added (each one check).
TOP_UP_TRIES = 40
# Rounds of "undo what the checker finds, fill again".
REPAIR_ROUNDS = 4


@dataclass
class FirstRoster:
    roster: Roster
    seconds: float
    # Person-shifts still below a post's minimum, as counted while filling (the checker's report is the truth).
    short: int
    # People the checker still found in breach of their own rules (their roster is left to CP-SAT).
    unlawful: int = 0
    notes: list[str] = field(default_factory=list)
    # The filler that built it, for the fair-share swaps a caller may run after writing it (`balanced`).
    filler: SlotFiller | None = None


class _People:
    """Who works what so far, with the counts the choice reads."""

    def __init__(self, scenario: Scenario, calendar: Calendar) -> None:
        self.shift_of: dict[str, dict[int, tuple[str, str]]] = {e.id: {} for e in scenario.employees}
        self.minutes: dict[str, int] = defaultdict(int)
        self.category: dict[tuple[str, str], int] = defaultdict(int)
        self.calendar = calendar

    def add(self, employee: str, day: int, shift: str, post: str, categories: Sequence[str]) -> None:
        self.shift_of[employee][day] = (shift, post)
        self.minutes[employee] += self.calendar.occurrence(day, shift).worked
        for category in categories:
            self.category[(employee, category)] += 1

    def remove(self, employee: str, day: int, categories: Sequence[str]) -> tuple[str, str]:
        shift, post = self.shift_of[employee].pop(day)
        self.minutes[employee] -= self.calendar.occurrence(day, shift).worked
        for category in categories:
            self.category[(employee, category)] -= 1
        return shift, post


class SlotFiller:
    """Fills a scenario's demand slot by slot; see the module's docstring."""

    def __init__(self, scenario: Scenario, rules: Sequence[Rule], seed: int = 0,
                 stop: threading.Event | None = None) -> None:
        self.stop = stop or threading.Event()
        self.scenario = scenario
        self.rules = list(rules)
        self.calendar = Calendar(scenario)
        self.rng = random.Random(seed)
        self.days = self.calendar.days
        hard = [r for r in self.rules if r.mode is RuleMode.HARD]
        # Hours are paced here (their minimum can only be judged on the whole horizon): left out of the window.
        self.personal = [r for r in hard if isinstance(r, PerEmployeeRule) and not isinstance(r, ContractHours)]
        # Rules between the members of a household (childcare cover): judged on the household's own roster.
        self.shared = [r for r in hard if not isinstance(r, PerEmployeeRule | Coverage | SafetyMinimums)]
        self.permitting = [r for r in self.rules if type(r).permits is not Rule.permits]
        self.forbidden_next: dict[str, set[str]] = defaultdict(set)
        for rule in hard:
            if isinstance(rule, NextDayPairs):
                for before, after in rule.forbidden(scenario).items():
                    self.forbidden_next[before] |= after
        hours = next((r for r in self.rules if isinstance(r, ContractHours) and r.mode is not RuleMode.OFF), None)
        start = scenario.horizon.start
        self.bounds = {e.id: (hours.bounds(e, self.days, start) if hours is not None else (None, None, None))
                       for e in scenario.employees}
        self.employees = {e.id: e for e in scenario.employees}
        present = {e.id: [not e.absent_on(date) for date in self.calendar.dates] for e in scenario.employees}
        self.present_before: dict[str, list[int]] = {}
        for employee, flags in present.items():
            running = [0]
            for flag in flags:
                running.append(running[-1] + int(flag))
            self.present_before[employee] = running
        self.slots: dict[tuple[int, str], list[Slot]] = defaultdict(list)
        for slot in demand_slots(scenario):
            self.slots[(slot.day, slot.shift)].append(slot)
        self.order = sorted(scenario.shifts, key=lambda s: (s.start, s.end))
        self.household = {m: h for h in scenario.households for m in h.members}
        # Peer groups and weights, as the fair-share rule reads them; a person has one group per category.
        self.group_of: dict[tuple[str, str], tuple[str, ...]] = {}
        self.weight: dict[str, float] = {}
        full = max((availability(scenario, e) for e in scenario.employees), default=1) or 1
        for e in scenario.employees:
            self.weight[e.id] = availability(scenario, e) / full
        self.categories = ("nights", "sundays")
        for category in self.categories:
            for key, people in peer_groups(scenario, self.calendar, category).items():
                for member in people:
                    self.group_of[(member.id, category)] = key
        self.group_load: dict[tuple[str, tuple[str, ...]], float] = defaultdict(float)
        self.group_weight: dict[tuple[str, tuple[str, ...]], float] = defaultdict(float)
        for (person, category), key in self.group_of.items():
            self.group_weight[(category, key)] += self.weight[person]
        self.requests: dict[tuple[str, int], list[tuple[RequestKind, str | None, int]]] = defaultdict(list)
        for e in scenario.employees:
            for request in e.requests:
                day = self.calendar.day_of.get(request.date)
                if day is not None:
                    self.requests[(e.id, day)].append((request.kind, request.shift, request.weight))
        # Safety minimums: for each (day, shift), the minimums its people count toward.
        self.safety: dict[tuple[int, str], list[tuple[str, int, list[Occurrence]]]] = defaultdict(list)
        if any(isinstance(r, SafetyMinimums) for r in hard):
            for minimum, _, _, covering in SafetyMinimums().segments(Timeline(scenario, [], self.calendar)):
                for occurrence in covering:
                    self.safety[(occurrence.day, occurrence.shift)].append((minimum.skill, minimum.min, covering))
        self.people = _People(scenario, self.calendar)
        self.filled: dict[tuple[int, str, str], list[str]] = defaultdict(list)
        # (person, day) the final check made us undo: not offered again, or the refill would undo the repair.
        self.barred: set[tuple[str, int]] = set()
        self.checks = 0
        self._floors: dict[str, int | None] = {}
        self._household_scenarios: dict[str, Scenario] = {}
        self._lengths: set[int] | None = None

    def going(self, deadline: float) -> bool:
        return time.monotonic() < deadline and not self.stop.is_set()

    # --- what a shift counts toward --------------------------------------------------------------------
    def categories_of(self, day: int, shift: str) -> list[str]:
        occurrence = self.calendar.occurrence(day, shift)
        return [c for c in self.categories if counts_toward(c, occurrence, self.scenario.public_holidays)]

    # --- the person's own rules, judged by the checker's rules ------------------------------------------
    def _window(self, employee: str, day: int, extra: tuple[int, str, str] | None) -> list[Assignment]:
        dates = self.calendar.dates
        own = self.people.shift_of[employee]
        chosen = [Assignment(employee, dates[d], s, p) for d, (s, p) in own.items() if abs(d - day) <= WINDOW_DAYS]
        if extra is not None:
            chosen.append(Assignment(employee, dates[extra[0]], extra[1], extra[2]))
        return chosen

    def _breaches(self, employee: Employee, assignments: list[Assignment]) -> Counter[str]:
        self.checks += 1
        # The whole scenario, not one person's: rules cache what they work out per scenario (successions).
        timeline = Timeline(self.scenario, assignments, self.calendar)
        found: Counter[str] = Counter()
        for rule in self.personal:
            found[rule.id] += len(rule.breaches(timeline, employee))
        return found

    def _household_breaches(self, employee: str, day: int, extra: tuple[int, str, str] | None,
                            instead: list[Assignment] | None = None) -> int:
        """Breaches of the household's own rules around `day`, with `extra` added to the person's shifts, or
        with the person's window replaced by `instead`."""
        household = self.household.get(employee)
        if household is None or not self.shared:
            return 0
        members = [self.employees[m] for m in household.members if m in self.employees]
        sub = self._household_scenarios.get(household.id)
        if sub is None:  # built once per household: it is judged hundreds of times
            sub = self._household_scenarios[household.id] = Scenario.model_construct(**{
                **{name: getattr(self.scenario, name) for name in Scenario.model_fields},
                "employees": members, "demand": [], "households": [household]})
        assignments = [a for m in members
                       for a in (instead if instead is not None and m.id == employee
                                 else self._window(m.id, day, extra if m.id == employee else None))]
        timeline = Timeline(sub, assignments, self.calendar)
        return sum(len(rule.check(timeline)) for rule in self.shared)

    def lawful_with(self, employee: Employee, day: int, shift: str, post: str) -> bool:
        """Working (day, shift, post) adds no breach of the person's own rules, nor of their household's."""
        after = self._breaches(employee, self._window(employee.id, day, (day, shift, post)))
        if any(after.values()):
            before = self._breaches(employee, self._window(employee.id, day, None))
            if any(count > before[rule] for rule, count in after.items()):
                return False
        if employee.id in self.household and self.shared:
            extra = (day, shift, post)
            if self._household_breaches(employee.id, day, extra) > self._household_breaches(employee.id, day, None):
                return False
        return True

    # --- choosing ----------------------------------------------------------------------------------------
    def _may_work(self, employee: Employee, day: int, occurrence: Occurrence, slot: Slot) -> bool:
        own = self.people.shift_of[employee.id]
        if day in own or (employee.id, day) in self.barred:
            return False
        yesterday = own.get(day - 1)
        if yesterday is not None and occurrence.shift in self.forbidden_next.get(yesterday[0], set()):
            return False
        tomorrow = own.get(day + 1)
        if tomorrow is not None and tomorrow[0] in self.forbidden_next.get(occurrence.shift, set()):
            return False
        high = self.bounds[employee.id][1]
        if high is not None and self.people.minutes[employee.id] + occurrence.worked > high:
            return False
        post = self.scenario.post(slot.post)
        return all(rule.permits(employee, occurrence, post) for rule in self.permitting)

    def _load(self, person: str, category: str) -> float:
        """Shifts of a category carried so far, per full-time-equivalent (a part-timer's count weighs more)."""
        return self.people.category[(person, category)] / max(self.weight[person], 1e-9)

    def _score(self, employee: Employee, day: int, shift: str, categories: list[str],
               safety_skills: set[str], flexibility: int, pool_load: dict[str, float]) -> float:
        """Lower is chosen first: the least loaded of the candidates (nights, Sundays), the furthest behind
        their hours pace, continuing a run of the same shift, not asked off, holding a missing safety skill."""
        person = employee.id
        low, _, target = self.bounds[person]
        aim = target if target is not None else (low if low is not None else None)
        occurrence = self.calendar.occurrence(day, shift)
        score = 0.0
        if aim is not None and occurrence.worked:
            present = self.present_before[person]
            pace = aim * present[day + 1] / max(present[-1], 1)
            score -= (pace - self.people.minutes[person]) / occurrence.worked
        for category in categories:
            # Against the other people who could take this shift: whoever carried least so far takes it.
            score += FAIRNESS_WEIGHT * (self._load(person, category) - pool_load.get(category, 0.0))
        yesterday = self.people.shift_of[person].get(day - 1)
        if yesterday is not None and yesterday[0] == shift:
            score -= CONTINUITY_BONUS
        for kind, wanted, weight in self.requests.get((person, day), []):
            matches = wanted is None or wanted == shift
            if kind is RequestKind.DAY_OFF or (kind is RequestKind.SHIFT_OFF and matches):
                score += 2 + weight
            elif kind is RequestKind.DAY_ON or (kind is RequestKind.SHIFT_ON and matches):
                score -= 1
        if safety_skills & set(employee.skills):
            score -= 10.0  # a safety minimum of this shift is still short: its holders first
        score += 0.15 * flexibility + 0.01 * self.rng.random()
        return score

    def _pool_load(self, pool: Sequence[Employee], categories: list[str]) -> dict[str, float]:
        return {c: sum(self._load(e.id, c) for e in pool) / len(pool) for c in categories} if pool else {}

    def _safety_short(self, day: int, shift: str) -> set[str]:
        """Safety skills still short on some segment this shift covers (counting who is placed so far)."""
        short = set()
        for skill, minimum, covering in self.safety.get((day, shift), []):
            present = sum(1 for o in covering for people in self._shift_people(o.day, o.shift)
                          for person in people if skill in self.employees[person].skills)
            if present < minimum:
                short.add(skill)
        return short

    def _shift_people(self, day: int, shift: str) -> list[list[str]]:
        return [self.filled[(day, shift, slot.post)] for slot in self.slots.get((day, shift), [])]

    def assign(self, person: str, day: int, shift: str, post: str) -> None:
        categories = self.categories_of(day, shift)
        self.people.add(person, day, shift, post, categories)
        self.filled[(day, shift, post)].append(person)
        for category in categories:
            key = self.group_of.get((person, category))
            if key is not None:
                self.group_load[(category, key)] += 1

    def unassign(self, person: str, day: int) -> None:
        shift, post = self.people.shift_of[person][day]
        categories = self.categories_of(day, shift)
        self.people.remove(person, day, categories)
        self.filled[(day, shift, post)].remove(person)
        for category in categories:
            key = self.group_of.get((person, category))
            if key is not None:
                self.group_load[(category, key)] -= 1

    def _candidates(self, slot: Slot, level: int) -> bool:
        """Fill `slot` up to `level` people; False if some place stays empty."""
        day, shift = slot.day, slot.shift
        occurrence = self.calendar.occurrence(day, shift)
        categories = self.categories_of(day, shift)
        taken = self.filled[(day, shift, slot.post)]
        if len(taken) >= level:
            return True
        post = self.scenario.post(slot.post)
        ranked = []
        for employee in self.eligible[slot.post]:
            if self._may_work(employee, day, occurrence, slot):
                ranked.append(employee)
        safety = self._safety_short(day, shift)
        pool = self._pool_load(ranked, categories)
        scored = sorted(ranked, key=lambda e: self._score(e, day, shift, categories, safety,
                                                          self.flexibility[e.id], pool))
        for employee in scored:
            if len(taken) >= level:
                break
            if self.lawful_with(employee, day, shift, post.id):
                self.assign(employee.id, day, shift, post.id)
        return len(taken) >= level

    # --- the passes --------------------------------------------------------------------------------------
    def fill(self, deadline: float) -> None:
        self.eligible: dict[str, list[Employee]] = {
            post.id: [e for e in self.scenario.employees if set(post.skills) <= set(e.skills)]
            for post in self.scenario.posts}
        self.flexibility = {e.id: len(self.scenario.eligible_posts(e)) for e in self.scenario.employees}
        self.eligible_ids = {e.id: {p.id for p in self.scenario.eligible_posts(e)} for e in self.scenario.employees}
        for day in range(self.days):
            for shift in self.order:
                if time.monotonic() > deadline or self.stop.is_set():
                    return
                self.fill_shift(day, shift.id)

    def fill_shift(self, day: int, shift: str) -> None:
        slots = self.slots.get((day, shift), [])
        # The posts with the fewest people who could hold them first.
        slots = sorted(slots, key=lambda s: len(self.eligible.get(s.post, [])))
        for slot in slots:
            self._candidates(slot, slot.min)
        self._mend_safety(day, shift)
        for slot in slots:
            if slot.preferred > slot.min:
                self._candidates(slot, slot.preferred)

    def _mend_safety(self, day: int, shift: str) -> None:
        """A safety skill still short on this shift: a holder takes the place of a non-holder on a post both
        can hold, or, failing that, joins a post that may take one more."""
        for skill in sorted(self._safety_short(day, shift)):
            occurrence = self.calendar.occurrence(day, shift)
            for slot in self.slots.get((day, shift), []):
                if skill not in self._safety_short(day, shift):
                    break
                post = self.scenario.post(slot.post)
                holders = [e for e in self.eligible[slot.post] if skill in e.skills
                           and self._may_work(e, day, occurrence, slot)]
                categories = self.categories_of(day, shift)
                pool = self._pool_load(holders, categories)
                holders.sort(key=lambda e: self._score(e, day, shift, categories, set(), self.flexibility[e.id], pool))
                swap_out = [p for p in self.filled[(day, shift, slot.post)] if skill not in self.employees[p].skills]
                full = slot.max is not None and len(self.filled[(day, shift, slot.post)]) >= slot.max
                for holder in holders:
                    if not self.lawful_with(holder, day, shift, post.id):
                        continue
                    if swap_out:
                        self.unassign(swap_out[0], day)
                    elif full:
                        continue
                    self.assign(holder.id, day, shift, post.id)
                    break

    def hours_floor(self, employee: Employee) -> int | None:
        """The fewest minutes to aim at: the contract's minimum, raised to the guided search's hours band when
        all the person's shifts last the same (the nearest reachable total below target, solve/guides.py)."""
        if employee.id not in self._floors:
            self._floors[employee.id] = self._hours_floor(employee)
        return self._floors[employee.id]

    def _hours_floor(self, employee: Employee) -> int | None:
        low, _, target = self.bounds[employee.id]
        if self._lengths is None:
            self._lengths = {self.calendar.occurrence(slot.day, slot.shift).worked
                             for slots in self.slots.values() for slot in slots[:1]}
        lengths = set(self._lengths)
        if target is None or len(lengths) != 1:
            return low
        length = lengths.pop()
        least = min(target % length, length - target % length)
        return max(low or 0, target - least)

    def top_up_hours(self, deadline: float) -> None:
        """People below their hours floor get shifts where a post may take one more: shifts that count toward
        no fair share first (nights and Sundays are shared by `balance`), least staffed first."""
        for employee in self.scenario.employees:
            floor = self.hours_floor(employee)
            if floor is None or self.people.minutes[employee.id] >= floor:
                continue
            posts = self.eligible_ids[employee.id]
            options = [slot for slots in self.slots.values() for slot in slots if slot.post in posts]
            self.rng.shuffle(options)
            refused: set[tuple[int, str]] = set()
            while self.people.minutes[employee.id] < floor and self.going(deadline):
                # Each round filters what the last one left open: a shift added only closes places. A shift the
                # person's rules refused on one post is refused on the others (their rules judge the shift).
                options = [slot for slot in options
                           if slot.day not in self.people.shift_of[employee.id]
                           and (slot.day, slot.shift) not in refused
                           and (slot.max is None or len(self.filled[(slot.day, slot.shift, slot.post)]) < slot.max)
                           and self._may_work(employee, slot.day, self.calendar.occurrence(slot.day, slot.shift),
                                              slot)]
                options.sort(key=lambda slot: (bool(self.categories_of(slot.day, slot.shift)),
                                               len(self.filled[(slot.day, slot.shift, slot.post)]) - slot.preferred))
                for index, slot in enumerate(options[:TOP_UP_TRIES]):
                    if (slot.day, slot.shift) in refused:
                        continue
                    if not self.lawful_with(employee, slot.day, slot.shift, slot.post):
                        refused.add((slot.day, slot.shift))
                    else:
                        self.assign(employee.id, slot.day, slot.shift, slot.post)
                        # Places the person's rules refused stay refused with one more shift: not tried again.
                        del options[:index]
                        break
                else:
                    break

    def close_by_moves(self, deadline: float) -> int:
        """A post still short takes someone from another post on the same shift, whose place a larger pool
        then fills: a move on the same shift changes nobody's hours or rest. Returns the places closed."""
        closed = 0
        for (day, shift), slots in sorted(self.slots.items()):
            for slot in slots:
                while len(self.filled[(day, shift, slot.post)]) < slot.min and self.going(deadline):
                    if not self._move_into(slot):
                        break
                    closed += 1
        return closed

    def _move_into(self, slot: Slot) -> bool:
        day, shift = slot.day, slot.shift
        occurrence = self.calendar.occurrence(day, shift)
        post = self.scenario.post(slot.post)
        for other in self.slots[(day, shift)]:
            if other.post == slot.post:
                continue
            for person in list(self.filled[(day, shift, other.post)]):
                employee = self.employees[person]
                if slot.post not in self.eligible_ids[person] or not all(
                        rule.permits(employee, occurrence, post) for rule in self.permitting):
                    continue
                self.unassign(person, day)
                self.assign(person, day, shift, slot.post)
                if self._candidates(other, other.min):
                    return True
                self.unassign(person, day)
                self.assign(person, day, shift, other.post)
        # Someone on another shift that day, if their rules allow the change and their place can be filled.
        for (other_day, other_shift), others in self.slots.items():
            if other_day != day or other_shift == shift:
                continue
            for other in others:
                for person in list(self.filled[(day, other_shift, other.post)]):
                    employee = self.employees[person]
                    if slot.post not in self.eligible_ids[person] or not all(
                            rule.permits(employee, occurrence, post) for rule in self.permitting):
                        continue
                    self.unassign(person, day)
                    if self.lawful_with(employee, day, shift, slot.post):
                        self.assign(person, day, shift, slot.post)
                        if self._candidates(other, other.min):
                            return True
                        self.unassign(person, day)
                    self.assign(person, day, other_shift, other.post)
        return False

    # --- fair shares: swaps between peers ------------------------------------------------------------------
    def balance(self, deadline: float) -> int:
        """Bring everyone's nights and Sundays into the band of a fair share of their peer group's ([floor(f),
        floor(f) + 1], f pro rata of the group's total, as the guided search holds them), by swapping two peers'
        shifts over a few days: cover stays exactly as it was, and a swap is kept only if both people's rules
        (the checker's) and hours allow it. Returns the swaps made."""
        swaps = 0
        for category in self.categories:
            groups: dict[tuple[str, ...], list[Employee]] = defaultdict(list)
            for (person, kind), key in self.group_of.items():
                if kind == category:
                    groups[key].append(self.employees[person])
            for key, members in sorted(groups.items()):
                swaps += self._even_out(members, category, key, deadline)
        return swaps

    def _band(self, employee: Employee, category: str, key: tuple[str, ...]) -> tuple[int, int]:
        share = self.weight[employee.id] * self.group_load[(category, key)] / max(
            self.group_weight[(category, key)], 1e-9)
        return math.floor(share + 1e-9), math.floor(share + 1e-9) + 1

    def _outside(self, count: int, band: tuple[int, int]) -> int:
        return max(count - band[1], 0) + max(band[0] - count, 0)

    def _even_out(self, members: list[Employee], category: str, key: tuple[str, ...], deadline: float) -> int:
        def count(employee: Employee) -> int:
            return self.people.category[(employee.id, category)]

        swaps = 0
        stuck: set[tuple[str, str]] = set()
        while self.going(deadline):
            bands = {e.id: self._band(e, category, key) for e in members}
            pairs = [(giver, taker) for giver in members if count(giver) > bands[giver.id][0]
                     for taker in members if count(taker) < bands[taker.id][1] and taker is not giver
                     and (self._outside(count(giver), bands[giver.id]) or self._outside(count(taker), bands[taker.id]))
                     and (giver.id, taker.id) not in stuck]
            if not pairs:
                break
            pairs.sort(key=lambda pair: -(count(pair[0]) / max(self.weight[pair[0].id], 1e-9)
                                          - count(pair[1]) / max(self.weight[pair[1].id], 1e-9)))
            giver, taker = pairs[0]
            if self._swap_toward(giver, taker, category, bands):
                swaps += 1
            else:
                stuck.add((giver.id, taker.id))
        return swaps

    def _swap_toward(self, giver: Employee, taker: Employee, category: str,
                     bands: dict[str, tuple[int, int]]) -> bool:
        """Swap the two people's shifts over a span of one to three days around a shift of the category the
        giver works, if that brings them nearer their bands and both stay lawful."""
        mine, theirs = self.people.shift_of[giver.id], self.people.shift_of[taker.id]
        before = (self._outside(self.people.category[(giver.id, category)], bands[giver.id])
                  + self._outside(self.people.category[(taker.id, category)], bands[taker.id]))
        for day in sorted(mine):
            if category not in self.categories_of(day, mine[day][0]):
                continue
            for first, last in swap_spans(day):
                span = range(max(first, 0), min(last, self.days - 1) + 1)
                given = {d: mine[d] for d in span if d in mine}
                taken = {d: theirs[d] for d in span if d in theirs}
                delta = (sum(1 for d, (sh, _) in given.items() if category in self.categories_of(d, sh))
                         - sum(1 for d, (sh, _) in taken.items() if category in self.categories_of(d, sh)))
                if delta <= 0:
                    continue
                after = (self._outside(self.people.category[(giver.id, category)] - delta, bands[giver.id])
                         + self._outside(self.people.category[(taker.id, category)] + delta, bands[taker.id]))
                if after >= before or not self._may_exchange(giver, taker, span, given, taken):
                    continue
                self._exchange(giver, taker, span, given, taken)
                return True
        return False

    def _may_exchange(self, giver: Employee, taker: Employee, span: range, given: dict[int, tuple[str, str]],
                      taken: dict[int, tuple[str, str]]) -> bool:
        for person, gets, loses in ((taker, given, taken), (giver, taken, given)):
            minutes = (self.people.minutes[person.id]
                       + sum(self.calendar.occurrence(d, sh).worked for d, (sh, _) in gets.items())
                       - sum(self.calendar.occurrence(d, sh).worked for d, (sh, _) in loses.items()))
            low, high, _ = self.bounds[person.id]
            floor = self.hours_floor(person)
            if (high is not None and minutes > high) or (low is not None and minutes < low) or (
                    floor is not None and self.people.minutes[person.id] >= floor > minutes):
                return False
            for d, (shift, post) in gets.items():
                if (post not in self.eligible_ids[person.id] or (person.id, d) in self.barred
                        or not all(rule.permits(person, self.calendar.occurrence(d, shift), self.scenario.post(post))
                                   for rule in self.permitting)):
                    return False
        for person, gets in ((taker, given), (giver, taken)):
            # Successions at the span's edges (rotation, rest between shifts as the rules forbid them): cheap
            # to see here, and most swaps that fail, fail there.
            own = self.people.shift_of[person.id]
            edge_in, edge_out = own.get(span[0] - 1), own.get(span[-1] + 1)
            first, last = gets.get(span[0]), gets.get(span[-1])
            if (edge_in is not None and first is not None and first[0] in self.forbidden_next.get(edge_in[0], set())
                    ) or (last is not None and edge_out is not None
                          and edge_out[0] in self.forbidden_next.get(last[0], set())):
                return False
        centre = span[len(span) // 2]
        for person, gets in ((taker, given), (giver, taken)):
            own = self.people.shift_of[person.id]
            dates = self.calendar.dates
            kept = [Assignment(person.id, dates[d], sh, po) for d, (sh, po) in own.items()
                    if abs(d - centre) <= WINDOW_DAYS and d not in span]
            new = kept + [Assignment(person.id, dates[d], sh, po) for d, (sh, po) in gets.items()]
            now = kept + [Assignment(person.id, dates[d], sh, po) for d, (sh, po) in own.items() if d in span]
            after = self._breaches(person, new)
            if any(after.values()):
                before = self._breaches(person, now)
                if any(n > before[rule] for rule, n in after.items()):
                    return False
            if person.id in self.household and self.shared and (
                    self._household_breaches(person.id, centre, None, new)
                    > self._household_breaches(person.id, centre, None, now)):
                return False
        return True

    def _exchange(self, giver: Employee, taker: Employee, span: range, given: dict[int, tuple[str, str]],
                  taken: dict[int, tuple[str, str]]) -> None:
        for day in given:
            self.unassign(giver.id, day)
        for day in taken:
            self.unassign(taker.id, day)
        for day, (shift, post) in given.items():
            self.assign(taker.id, day, shift, post)
        for day, (shift, post) in taken.items():
            self.assign(giver.id, day, shift, post)

    def roster(self) -> Roster:
        dates = self.calendar.dates
        return Roster(sorted(Assignment(person, dates[day], shift, post)
                             for person, days in self.people.shift_of.items() for day, (shift, post) in days.items()))

    def undo_breaches(self) -> int:
        """Judge the whole roster with the independent checker; undo the shifts of each person or household
        rule it finds broken (the days named), and return how many people are still in breach."""
        checked = check_roster(self.scenario, self.roster(), [
            r for r in self.rules if r.mode is RuleMode.HARD and not isinstance(r, Coverage | SafetyMinimums)])
        day_of = self.calendar.day_of
        undone = 0
        for violation in checked.violations:
            household = next((h for h in self.scenario.households if h.id == violation.details.get("household")),
                             None)
            people = [violation.employee] if violation.employee else list(household.members if household else [])
            for person in people:
                if person is None or person not in self.people.shift_of:
                    continue
                for date in violation.dates:
                    day = day_of.get(date)
                    if day is not None and day in self.people.shift_of[person]:
                        self.unassign(person, day)
                        self.barred.add((person, day))
                        undone += 1
                        break
        return undone

    def short(self) -> int:
        return sum(max(slot.min - len(self.filled[(slot.day, slot.shift, slot.post)]), 0)
                   for slots in self.slots.values() for slot in slots)


def first_roster(
    scenario: Scenario, rules: Sequence[Rule], seconds: float = 20.0, seed: int = 0,
    stop: threading.Event | None = None, *, swaps: bool = True, judged: bool = True,
) -> FirstRoster:
    """A complete roster in seconds, short where the rules or the people ran out; see the module docstring.

    Filling, topping up hours and undoing what the checker finds always run to their end (a roster cut short
    there would break rules); past `seconds` the optional passes (moves, fair-share swaps) are skipped. Once
    `stop` is set every pass ends where it is: the caller then has no roster to show. Without `swaps` the
    fair-share swaps are left for `balanced` (a caller that writes the roster first, then evens it out). Without
    `judged` the last check is left to the caller (who checks it anyway): `unlawful` is then -1."""
    started = time.monotonic()
    deadline = started + seconds
    whole = math.inf  # the passes a lawful roster needs
    filler = SlotFiller(scenario, rules, seed, stop)
    filler.fill(whole)
    filler.close_by_moves(deadline)
    if swaps:
        filler.balance(deadline)
    filler.top_up_hours(whole)
    if swaps:
        filler.balance(deadline)
    for _ in range(REPAIR_ROUNDS):
        if filler.stop.is_set() or not filler.undo_breaches():
            break
        filler.fill(whole)
        filler.close_by_moves(deadline)
        filler.top_up_hours(whole)
    else:
        filler.undo_breaches()  # what the refills broke again is left short: a gap, reported, not a breach
    unlawful = -1
    if judged:
        checked = check_roster(scenario, filler.roster(), [
            r for r in filler.rules if r.mode is RuleMode.HARD and not isinstance(r, Coverage | SafetyMinimums)])
        unlawful = len({v.employee for v in checked.violations})
    return FirstRoster(filler.roster(), time.monotonic() - started, filler.short(), unlawful, filler=filler)


def balanced(first: FirstRoster, seconds: float) -> Roster:
    """The first roster with its peers' nights and Sundays swapped toward a fair share (`SlotFiller.balance`),
    for `seconds` at most; cover is unchanged, each swap judged by both people's rules (the caller checks the
    whole roster again)."""
    assert first.filler is not None
    first.filler.balance(time.monotonic() + seconds)
    return first.filler.roster()
