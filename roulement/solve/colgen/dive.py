"""Diving: an integer roster from the LP over schedules, by fixing what the LP settles and pricing again.

The LP's columns say, for each person and day, how much of them works which shift or rests. A dive step fixes
every (person, day) the LP has all but settled (at least `SETTLED`) and the most-settled of the others, then
prices again under those fixings (the pricing walk offers a fixed day only its fixed choice, so new columns
fit them) until no column prices out, and repeats until the LP takes one whole schedule per person. A step
that leaves someone with no lawful schedule is undone: the bulk fixings are dropped, or the single one is
turned round (that choice is forbidden on that day instead), a few times at most.

This is the integer step of Strandmark, Qu & Curtois (2020), who fix assignments by their LP values and
re-solve; Burke & Curtois (2014) branch on the same assignments. Without it, the MIP over the columns of the
converged LP found rosters 38 % and 93 % above the proven optimum on Curtois-Qu 11 and 12 (docs/benchmarks.md):
the columns an LP optimum needs are not the ones an integer roster needs.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass

import highspy

from roulement.solve.colgen.dp import OFF, OutOfTime
from roulement.solve.colgen.generation import (
    ALONE_SECONDS,
    COLUMNS_PER_ROUND,
    EPSILON,
    PARTIAL_COLUMNS,
    Choices,
    Generation,
    Person,
    offer_column,
)
from roulement.solve.colgen.master import Column, Master

# A (person, day) choice the LP gives at least this much is fixed with the step's main fixing.
SETTLED = 0.9
# Pricing rounds after each step at most (then the dive goes on with the columns in hand).
ROUNDS_PER_STEP = 2
# A step fixes one more person's most-settled choice per this many people the LP still splits; per half as
# many from `MANY_PEOPLE` people (Curtois-Qu 12, 60 people: 5,153 against 6,972; Instance1, 8 people: 609
# against its optimum 607 when that fast).
SPLIT_PER_FIXING = 4
MANY_PEOPLE = 50
# Steps undone at most before the dive gives up.
BACKTRACKS = 6
# A later dive draws each step's main fixing among this many most-settled choices.
RANDOM_AMONG = 3
WHOLE = 1.0 - 1e-6


def root_basis(master: Master) -> highspy.HighsBasis | None:
    """The LP's basis before a dive fixes anything (None when HiGHS has no valid one)."""
    basis = master.highs.getBasis()
    return basis if basis.valid else None


def restore_basis(master: Master, basis: highspy.HighsBasis | None) -> None:
    """Give HiGHS back the basis from before a dive, the columns the dive added at zero (nonbasic): the next
    LP starts from the root's optimum, a few primal iterations away. From the dive's last basis instead, the
    first re-solve of the next dive took 5 s of a dive's 7 on Curtois-Qu 12."""
    if basis is None:
        return
    added = master.highs.getNumCol() - len(basis.col_status)
    if added < 0:
        return
    basis.col_status = [*basis.col_status, *([highspy.HighsBasisStatus.kLower] * added)]
    master.highs.setBasis(basis)


@dataclass
class DiveResult:
    # One column per person, or None when the dive ran out of time or of backtracks.
    columns: list[Column] | None
    # The roster's cost in the master (its columns' costs and the priced cover): the checker's, for Curtois.
    value: float | None
    steps: int
    backtracks: int
    rounds: int
    # The dive ran out of time and HiGHS's MIP over the columns fitting its fixings chose the rest.
    finished_by_mip: bool = False


class Dive:
    def __init__(self, generation: Generation, deadline: float, seed: int, stop: threading.Event | None,
                 finish: float = 0.0, randomize: bool = False, whole: bool = False) -> None:
        self.finish = finish
        self.whole = whole
        self.rng = random.Random(seed) if randomize else None
        self.master: Master = generation.master
        self.people = generation.people
        self.by_id = {person.employee.id: person for person in self.people}
        self.deadline = deadline
        self.seed = seed
        self.stop = stop
        self.choices: dict[str, Choices] = {person.employee.id: {} for person in self.people}
        self.rounds = 0
        self.next_start = 0
        self._days: dict[int, dict[int, int]] = {}

    def out_of_time(self) -> bool:
        return time.monotonic() >= self.deadline or (self.stop is not None and self.stop.is_set())

    def days_of(self, index: int) -> dict[int, int]:
        """Column `index`'s working days: day -> shift index of the walk."""
        if index not in self._days:
            column = self.master.columns[index]
            number_of = self.by_id[column.employee].shift_number
            self._days[index] = {day: number_of[shift] for day, shift, _ in column.cells}
        return self._days[index]

    def fits(self, index: int, choices: Choices) -> bool:
        worked = self.days_of(index)
        return all(worked.get(day, OFF) in kept for day, kept in choices.items())

    def apply(self, employee: str) -> bool:
        """Hold at zero the person's columns that break their fixings and let the others in; a person left
        with none gets their cheapest fitting schedule. False when they have no lawful schedule that fits."""
        choices = self.choices[employee]
        indexes = self.master.by_person[employee]
        fitting = [index for index in indexes if self.fits(index, choices)]
        self.master.enable([index for index in indexes if not self.fits(index, choices)], False)
        self.master.enable(fitting, True)
        if fitting:
            return True
        person = self.by_id[employee]
        schedules, _, _ = person.price(person.values(self.master), math.inf, person.dense is None, ALONE_SECONDS,
                                       self.seed, count=1, deadline=self.deadline, choices=choices)
        return any(offer_column(self.master, person, cells) for cells in schedules)

    def converge(self) -> None:
        """Solve the LP and price everyone under their fixings until no column prices out (or a few rounds)."""
        master = self.master
        for round_number in range(ROUNDS_PER_STEP + 1):
            master.solve()
            if round_number == ROUNDS_PER_STEP or self.out_of_time():
                return
            self.rounds += 1
            groups: dict[object, list[Person]] = {}
            for person in self.people:
                choices = self.choices[person.employee.id]
                if len(choices) == person.spec.days and all(len(kept) == 1 for kept in choices.values()):
                    continue  # every day fixed: nothing else to price
                key = (person.twins_key, tuple(sorted((day, tuple(sorted(kept))) for day, kept in choices.items())))
                groups.setdefault(key, []).append(person)
            added = 0
            # Partial pricing, as in column generation: the round stops once enough columns entered, the next
            # starts where it stopped (Curtois-Qu 12: 60 walks a round, 0.7 s, most of a step's time).
            listed = list(groups.values())
            start = self.next_start % len(listed) if listed else 0
            for position in range(len(listed)):
                twins = listed[(start + position) % len(listed)]
                if self.out_of_time():
                    return
                if added >= max(PARTIAL_COLUMNS, len(self.people) // 4):
                    self.next_start = start + position
                    break
                thresholds = [master.convexity_dual(twin.employee.id) - EPSILON for twin in twins]
                person = twins[0]
                values = person.values(master)
                schedules, _, _ = person.price(values, max(thresholds), person.dense is None, ALONE_SECONDS,
                                               self.seed, count=COLUMNS_PER_ROUND, deadline=self.deadline,
                                               choices=self.choices[person.employee.id])
                prices = [person.price_of(cells, values) for cells in schedules]
                for twin, threshold in zip(twins, thresholds, strict=True):
                    for cells, price in zip(schedules, prices, strict=True):
                        if price < threshold and offer_column(master, twin, cells):
                            added += 1
            if not added:
                return

    def weights(self, values: list[float]) -> dict[tuple[str, int, int], float]:
        """(employee, day, choice) -> how much of that person the LP puts on that choice that day."""
        found: dict[tuple[str, int, int], float] = {}
        for employee, indexes in self.master.by_person.items():
            days = self.people[0].spec.days
            for index in indexes:
                value = values[index]
                if value <= 1e-9:
                    continue
                worked = self.days_of(index)
                for day in range(days):
                    key = (employee, day, worked.get(day, OFF))
                    found[key] = found.get(key, 0.0) + value
        return found

    def run(self) -> DiveResult:
        master = self.master
        steps = backtracks = 0
        bulk_allowed = True
        root = root_basis(master)
        master.simplex("dual")
        try:
            self.converge()
            while not self.out_of_time():
                values = master.column_values()
                chosen = self._whole(values)
                if chosen is not None:
                    return DiveResult(chosen, master.value, steps, backtracks, self.rounds)
                if self.whole:
                    # A whole schedule per fixing: every day of the person fixed to the LP's favourite column.
                    for index in self._columns_to_fix(values):
                        column = self.master.columns[index]
                        worked = self.days_of(index)
                        self.choices[column.employee] = {day: frozenset((worked.get(day, OFF),))
                                                         for day in range(self.by_id[column.employee].spec.days)}
                        self.apply(column.employee)  # its own column fits: never fails
                    steps += 1
                    self.converge()
                    continue
                weights = self.weights(values)
                open_keys = [(weight, key) for key, weight in weights.items()
                             if self.choices[key[0]].get(key[1]) != frozenset((key[2],))]
                fractional = [(weight, key) for weight, key in open_keys if weight < WHOLE]
                if not fractional:
                    # Every choice settled but some person split between equal schedules: fix those days.
                    fractional = open_keys
                if self.rng is None:
                    _, single = max(fractional)
                else:
                    # A later dive: one of the few most-settled choices, at random, so dives differ.
                    _, single = self.rng.choice(sorted(fractional, reverse=True)[:RANDOM_AMONG])
                bulk = [key for weight, key in open_keys if weight >= SETTLED] if bulk_allowed else []
                if bulk_allowed:
                    # With many people still split, the most-settled choice of several of them at once (one
                    # each): Curtois-Qu 12's 60 people took 51 steps of one fixing in 22 s and were not done.
                    bulk += self._leaders(fractional, single, len(self.people))
                saved = {employee: dict(self.choices[employee]) for employee in {single[0], *(k[0] for k in bulk)}}
                for employee, day, choice in [*bulk, single]:
                    self.choices[employee][day] = frozenset((choice,))
                steps += 1
                if all(self.apply(employee) for employee in saved):
                    bulk_allowed = True
                    self.converge()
                    continue
                # Undo the step; without its bulk fixings first, then with its single fixing turned round.
                backtracks += 1
                if backtracks > BACKTRACKS:
                    break
                for employee, before in saved.items():
                    self.choices[employee] = before
                employee, day, choice = single
                if not bulk:
                    person = self.by_id[employee]
                    every = frozenset([OFF, *(shift for shift, _ in person.spec.options[day])])
                    self.choices[employee][day] = self.choices[employee].get(day, every) - {choice}
                bulk_allowed = False
                if not all(self.apply(employee) for employee in saved):
                    break
                self.converge()
            return self._finish(steps, backtracks)
        except OutOfTime:
            return self._finish(steps, backtracks)
        finally:
            master.enable(list(range(len(master.columns))), True)
            master.simplex("primal")
            restore_basis(master, root)

    def _finish(self, steps: int, backtracks: int) -> DiveResult:
        """Out of time or of backtracks: HiGHS's MIP over the columns that fit the fixings made so far (most
        people are settled by then, so it is small), for `finish` seconds."""
        if self.finish <= 0 or (self.stop is not None and self.stop.is_set()):
            return DiveResult(None, None, steps, backtracks, self.rounds)
        chosen, objective, _ = self.master.integer_roster(self.finish)
        return DiveResult(chosen, objective, steps, backtracks, self.rounds, finished_by_mip=chosen is not None)

    def _columns_to_fix(self, values: list[float]) -> list[int]:
        """The columns a whole-schedule step fixes: each open person's favourite column, those the LP takes at
        least `SETTLED` and the most-taken of the rest (one per `SPLIT_PER_FIXING` open people, at least one;
        a later dive draws the first among the few most taken)."""
        favourites = []
        for person in self.people:
            employee = person.employee.id
            choices = self.choices[employee]
            if len(choices) == person.spec.days and all(len(kept) == 1 for kept in choices.values()):
                continue
            enabled = [index for index in self.master.by_person[employee] if self.fits(index, choices)]
            if enabled:
                best = max(enabled, key=lambda index: values[index])
                favourites.append((values[best], best))
        favourites.sort(reverse=True)
        if self.rng is not None and len(favourites) > 1:
            first = self.rng.randrange(min(RANDOM_AMONG, len(favourites)))
            favourites.insert(0, favourites.pop(first))
        many = max(1, len(favourites) // SPLIT_PER_FIXING)
        return [index for number, (value, index) in enumerate(favourites) if number < many or value >= SETTLED]

    @staticmethod
    def _leaders(fractional: list[tuple[float, tuple[str, int, int]]], single: tuple[str, int, int],
                 people: int) -> list[tuple[str, int, int]]:
        """Each split person's most-settled choice, for the most settled of them: one more per `SPLIT_PER_FIXING`
        people split, besides `single` (whose person is left out)."""
        best: dict[str, tuple[float, tuple[str, int, int]]] = {}
        for weight, key in fractional:
            if key[0] != single[0] and (key[0] not in best or weight > best[key[0]][0]):
                best[key[0]] = (weight, key)
        extra = (len(best) + 1) // (SPLIT_PER_FIXING // 2 if people >= MANY_PEOPLE else SPLIT_PER_FIXING)
        return [key for _, key in sorted(best.values(), reverse=True)[:extra]]

    def _whole(self, values: list[float]) -> list[Column] | None:
        """One column per person when the LP takes each person's schedule whole, else None."""
        chosen = []
        for person in self.people:
            best = max(self.master.by_person[person.employee.id], key=lambda index: values[index])
            if values[best] < WHOLE:
                return None
            chosen.append(self.master.columns[best])
        return chosen


def dive(generation: Generation, deadline: float, seed: int = 0, stop: threading.Event | None = None,
         finish: float = 0.0, randomize: bool = False, whole: bool = False) -> DiveResult:
    """Dive from the LP in `generation` to one schedule per person (people whose rules all walk day by day;
    otherwise nothing is tried). Past `deadline`, HiGHS's MIP over the columns that fit the fixings made so
    far has `finish` seconds to choose the rest. The master's columns are all let in again afterwards, new
    ones kept. `randomize`: the main fixing of each step is drawn among the few most settled (seeded), for
    dives after the first. `whole`: each step fixes whole schedules (the LP's favourite columns) rather than
    (person, day) choices: coarser, but done in a few steps whatever the size (never undone: a person's own
    column always fits)."""
    if not generation.people or not all(person.walkable for person in generation.people):
        return DiveResult(None, None, 0, 0, 0)
    return Dive(generation, deadline, seed, stop, finish, randomize, whole).run()
