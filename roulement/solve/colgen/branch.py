"""Branch and price: the LP over schedules, branched on (person, day, choice) until a roster is proven optimal.

Burke & Curtois (2014) solved Curtois-Qu's instances so, with dynamic-programming pricing. A node is a set of
fixings per person: on a day, what that person may do (shift indexes of their walk, or `OFF`), exactly the
dive's fixings (`dive.py`), so the pricing walk honours them as it does while diving. At each node:

1. the person's columns that break the node's fixings are held at zero, the others let in (HiGHS keeps its
   basis: a node's LP starts from the last node's, by the dual simplex, presolve off);
2. column generation under the fixings: every person priced exactly each round, so each round gives a
   Lagrangian bound on every roster within the node (docs/colgen.md, "Bounds"); a node whose bound, rounded
   up, reaches the incumbent's cost is pruned (costs are whole numbers: 1,055.2 proves at least 1,056);
3. an LP that takes one whole schedule per person is a roster (a new incumbent when cheaper);
4. otherwise the node branches on a (person, day, choice) the LP splits: one child fixes that choice, the
   other forbids it. The search plunges depth first into the child that fixes, and when a plunge ends takes
   the open node with the lowest bound.

The tree exhausted, the incumbent is optimal; out of time, the lowest bound among the open nodes is still a
bound on every roster. Only a bound over the whole objective prunes (no rule between people left out).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import threading
import time
from dataclasses import dataclass, field

from roulement.model.costs import least_whole_cost
from roulement.solve.colgen.dive import WHOLE, Dive
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
from roulement.solve.colgen.master import Column

# Pricing rounds a node may take before it branches anyway (its bound is then its best Lagrangian one, or
# its parent's: both valid).
ROUNDS_PER_NODE = 8
# The plunge fixes, besides the branching choice, every open choice the LP gives at least this much (above 1:
# none); the chain of children that forbid them one by one keeps the tree complete.
PLUNGE_SETTLED = 0.9
# The MIP over the columns that fit a node's fixings is tried when the LP splits at most this many people (or
# one in this many), for this many seconds at most, every this many nodes at most.
MIP_SPLIT = 3
MIP_SPLIT_SHARE = 4
MIP_SECONDS = 2.0
MIP_EVERY = 5
# With many people split, the plunge also fixes the favourite schedule of one split person in this many (0:
# never).
PLUNGE_WHOLE_SHARE = 4
# Plunges that fix in bulk (the first, from the root, for a roster soon); later ones branch on one choice a node:
# every bulk fixing leaves a chain of children behind, and on Curtois-Qu 1 bulk plunges throughout took
# 7,318 nodes to prove the optimum, against 675 with one choice a node.
BULK_PLUNGES = 1
# A later plunge stops when its LP is above the best open node's estimate by this share of the gap between
# the incumbent and the root's bound (Curtois-Qu 7: plunges went on at LPs of 1,150-1,214 with 1,054 open).
PLUNGE_ABORT = 0.25

Fixings = dict[str, Choices]
_log = logging.getLogger(__name__)


@dataclass(order=True)
class _Node:
    # The parent's LP value: where a plunge ends, the search goes on from the open node whose parent's LP was
    # cheapest (best estimate; deeper first among equals, they are nearer a roster, then first made).
    estimate: float
    order: tuple[int, int]
    # A lower bound on every roster within the node (its parent's).
    bound: float = field(compare=False)
    fixings: Fixings = field(compare=False)
    depth: int = field(compare=False, default=0)


@dataclass
class BranchResult:
    # The best roster the search found (one column per person), or None when it found none better than
    # the incumbent it started from.
    columns: list[Column] | None
    # Its cost in the master (for a bound over the whole objective, the roster's cost).
    value: float | None
    # A lower bound on every roster (the least bound of the nodes left open, the incumbent's cost when the
    # tree is exhausted); None when no node was bounded.
    bound: float | None
    # The tree was searched to the end: the incumbent (found here or given) is optimal.
    exhausted: bool
    nodes: int
    pruned: int
    rosters: int
    notes: list[str] = field(default_factory=list)


class _Infeasible(Exception):
    """A node's fixings leave some person with no lawful schedule (`proven`: the walk proves it)."""

    def __init__(self, proven: bool) -> None:
        super().__init__()
        self.proven = proven


class BranchAndPrice(Dive):
    """One search over one master: `run` until the deadline, the tree exhausted or `stop`."""

    def __init__(self, generation: Generation, deadline: float, upper: float | None, seed: int = 0,
                 stop: threading.Event | None = None, rounds_per_node: int = ROUNDS_PER_NODE,
                 settled: float | None = None, whole_share: int | None = None) -> None:
        super().__init__(generation, deadline, seed, stop)
        self.settled = PLUNGE_SETTLED if settled is None else settled
        self.whole_share = PLUNGE_WHOLE_SHARE if whole_share is None else whole_share
        self.upper = math.inf if upper is None else upper
        self.rounds_per_node = rounds_per_node
        self.best: list[Column] | None = None
        self.best_value: float | None = None
        self.nodes = self.pruned = self.rosters = 0
        self.sure = True  # no node was dropped without a proof
        self.counter = itertools.count()
        self.notes: list[str] = []
        self.next_mip = 0
        self.plunges = 0
        self.mips = 0

    # -- a node's LP ----------------------------------------------------------------------------------------
    def enter(self, fixings: Fixings) -> None:
        """Make the master the node's LP: columns that break its fixings held at zero, the others let in; a
        person left with no column gets their cheapest schedule that fits. Raises `_Infeasible`."""
        for person in self.people:
            employee = person.employee.id
            wanted = fixings.get(employee, {})
            if wanted == self.choices[employee]:
                continue
            self.choices[employee] = wanted
            indexes = self.master.by_person[employee]
            fitting = [index for index in indexes if self.fits(index, wanted)]
            self.master.enable([index for index in indexes if not self.fits(index, wanted)], False)
            self.master.enable(fitting, True)
            if fitting:
                continue
            schedules, _, proven = person.price(person.values(self.master), math.inf, False, ALONE_SECONDS,
                                                self.seed, count=1, deadline=self.deadline, choices=wanted)
            if not any(offer_column(self.master, person, cells) for cells in schedules):
                # Their columns let in again, so the master and `choices` agree whatever node comes next.
                self.master.enable(indexes, True)
                self.choices[employee] = {}
                raise _Infeasible(proven)

    def price_round(self) -> tuple[int, float | None, bool]:
        """Price the people under the node's fixings at the master's duals: (columns added, the Lagrangian
        bound when every person was priced exactly, whether that round proves the node's LP optimal: nothing
        added). Partial pricing, as in column generation: a round stops once enough columns entered (no
        bound then), and the next starts where it stopped."""
        master = self.master
        groups: dict[object, list[Person]] = {}
        for person in self.people:
            choices = self.choices[person.employee.id]
            key = (person.twins_key, tuple(sorted((day, tuple(sorted(kept))) for day, kept in choices.items())))
            groups.setdefault(key, []).append(person)
        listed = list(groups.values())
        start = self.next_start % len(listed)
        enough = max(PARTIAL_COLUMNS, len(self.people) // 4)
        added = 0
        exact = True
        settled = True
        lowest_total = 0.0
        duals = master.duals
        slot_values = {cell: sum(duals[row] for row in rows) for cell, rows in master.slot_rows.items()}
        for position in range(len(listed)):
            if self.out_of_time():
                raise OutOfTime("branch and price: out of time")
            if added >= enough:
                self.next_start = start + position
                return added, None, False
            twins = listed[(start + position) % len(listed)]
            thresholds = [master.convexity_dual(twin.employee.id) - EPSILON for twin in twins]
            person = twins[0]
            values = self.values(person, slot_values)
            fixed = self.fixed_schedule(person)
            if fixed is not None:
                # Every day fixed, one post a shift: the person's only schedule is in hand, priced directly.
                price = person.price_of(fixed, values)
                lowest_total += sum(min(price, threshold) for threshold in thresholds)
                continue
            schedules, lowest, proven = person.price(values, max(thresholds), False, ALONE_SECONDS, self.seed,
                                                     count=COLUMNS_PER_ROUND, deadline=self.deadline,
                                                     choices=self.choices[person.employee.id])
            exact = exact and proven
            settled = settled and not person.unsettled
            prices = [person.price_of(cells, values) for cells in schedules]
            for twin, threshold in zip(twins, thresholds, strict=True):
                for cells, price in zip(schedules, prices, strict=True):
                    if price < threshold and offer_column(master, twin, cells):
                        added += 1
                lowest_total += threshold if lowest is None else min(lowest, threshold)
        bound = master.lagrangian_constant() + lowest_total if exact else None
        if bound is not None and not math.isfinite(bound):
            bound = None
        return added, bound, exact and settled and added == 0

    def values(self, person: Person, slot_values: dict[tuple[int, str, str], float],
               ) -> dict[tuple[int, str, str], float]:
        """`person.values(master)` (what each cell they may work is worth under the duals), from the cover
        rows' values computed once a round."""
        master = self.master
        if not master.safety_rows:
            return {(day, shift, post): slot_values.get((day, shift, post), 0.0)
                    for day, today in enumerate(person.allowed) for shift, post in today}
        return person.values(master)

    def fixed_schedule(self, person: Person) -> tuple[tuple[int, str, str], ...] | None:
        """The person's only schedule when the node fixes every day to one choice, each shift with one post
        (it is in hand: `enter` gave them a fitting column); else None."""
        choices = self.choices[person.employee.id]
        days = person.spec.days
        if len(choices) < days or any(len(kept) != 1 for kept in choices.values()):
            return None
        cells = []
        shifts = person.spec.shifts
        for day in range(days):
            (choice,) = choices[day]
            if choice == OFF:
                continue
            posts = [post for shift, post in person.allowed[day] if shift == shifts[choice]]
            if len(posts) != 1:
                return None
            cells.append((day, shifts[choice], posts[0]))
        return tuple(cells)

    def solve_node(self, node: _Node) -> tuple[float, list[float] | None]:
        """Column generation at the node: (its bound, the LP's column values; None once pruned by bound or
        when the LP takes one schedule per person, a roster). Raises `_Infeasible`, `OutOfTime`."""
        self.enter(node.fixings)
        master = self.master
        bound = node.bound
        converged = False
        # The dual simplex after the fixings moved bounds (the basis stays dual feasible), the primal after
        # columns came in (it stays primal feasible): each re-solve starts a few iterations away.
        master.simplex("dual")
        for _ in range(self.rounds_per_node):
            value = master.solve()
            master.simplex("primal")
            values = master.column_values()
            self._roster(values, value)
            _, lagrangian, converged = self.price_round()
            self.rounds += 1
            if lagrangian is not None:
                bound = max(bound, lagrangian)
            if converged:
                # Nothing prices out: the LP in hand is the node's LP (to EPSILON per person).
                bound = max(bound, value - EPSILON * len(self.people))
                break
            if least_whole_cost(bound) >= self.upper:
                return bound, None
        if least_whole_cost(bound) >= self.upper:
            return bound, None
        if not converged:  # the last round's columns are in: the LP the branching reads must include them
            master.solve()
            values = master.column_values()
        if self._roster(values, master.value):
            # A roster, and the node's LP optimum when converged; else the node may hold a cheaper one, which
            # this search gives up (no claim of optimality from the tree then).
            self.sure = self.sure and converged
            return bound, None
        return bound, values

    def _roster(self, values: list[float], value: float) -> bool:
        """When the LP takes one whole schedule per person: keep it if cheaper than the incumbent; True."""
        chosen = self._whole(values)
        if chosen is None:
            return False
        self.rosters += 1
        if value < self.upper - 0.5:  # whole costs: anything not at least one cheaper is the same roster cost
            self.best, self.best_value = chosen, value
            self.upper = float(least_whole_cost(value))
        return True

    def try_mip(self, values: list[float]) -> None:
        """Deep in a plunge, when the LP splits few people, HiGHS's MIP over the columns that fit the node's
        fixings may finish the roster at once (a few seconds at most; the nodes below need not be walked)."""
        split = sum(1 for person in self.people
                    if max(values[index] for index in self.master.by_person[person.employee.id]) < WHOLE)
        if split > max(MIP_SPLIT, len(self.people) // MIP_SPLIT_SHARE) or self.nodes < self.next_mip:
            return
        self.next_mip = self.nodes + MIP_EVERY
        seconds = min(MIP_SECONDS, self.deadline - time.monotonic())
        if seconds < 0.2:
            return
        chosen, objective, _ = self.master.integer_roster(seconds)
        self.mips += 1
        if chosen is not None and objective is not None and objective < self.upper - 0.5:
            self.best, self.best_value = chosen, objective
            self.upper = float(least_whole_cost(objective))
            _log.debug("MIP at node %d: %.1f", self.nodes, objective)

    # -- branching ------------------------------------------------------------------------------------------
    def branch_on(self, values: list[float]) -> tuple[str, int, int] | None:
        """The (person, day, choice) the LP splits that it gives the most (the child that fixes it is the
        likelier to hold a good roster); None when no choice is split (the LP splits a person between
        schedules that agree day by day: that cannot happen with distinct columns)."""
        best: tuple[float, tuple[str, int, int]] | None = None
        for key, weight in self.weights(values).items():
            if weight < WHOLE and (best is None or weight > best[0]):
                employee, day, _ = key
                kept = self.choices[employee].get(day)
                if kept is not None and len(kept) == 1:
                    continue
                best = (weight, key)
        return None if best is None else best[1]

    def bulk(self, values: list[float], first: tuple[str, int, int]) -> list[tuple[str, int, int]]:
        """What the plunge fixes besides `first`: every open choice the LP gives at least `self.settled`
        (the dive's bulk fixing), and with many people split the whole favourite schedule of the most
        settled of them (one per `self.whole_share` split people; a schedule at a time, the LP of 60 people
        split 58 of them over 2,300 choices on Curtois-Qu 12). The chain of children keeps the tree complete."""
        found: dict[tuple[str, int], tuple[float, int]] = {}
        weights = self.weights(values)
        if self.settled <= 1.0:
            for (employee, day, choice), weight in weights.items():
                kept = self.choices[employee].get(day)
                if weight >= self.settled and (employee, day) != first[:2] and (kept is None or len(kept) > 1):
                    found[(employee, day)] = (weight, choice)
        if self.whole_share:
            favourites = []
            for person in self.people:
                employee = person.employee.id
                indexes = self.master.by_person[employee]
                best = max(indexes, key=lambda index: values[index])
                if values[best] < WHOLE and employee != first[0]:
                    favourites.append((values[best], best, employee))
            favourites.sort(reverse=True)
            for _, index, employee in favourites[:len(favourites) // self.whole_share]:
                worked = self.days_of(index)
                for day in range(self.by_id[employee].spec.days):
                    kept = self.choices[employee].get(day)
                    if kept is None or len(kept) > 1:
                        choice = worked.get(day, OFF)
                        found.setdefault((employee, day), (weights.get((employee, day, choice), 0.0), choice))
        ordered = sorted(((weight, (employee, day, choice)) for (employee, day), (weight, choice) in found.items()),
                         reverse=True)
        return [key for _, key in ordered]

    def children(self, node: _Node, keys: list[tuple[str, int, int]], bound: float, estimate: float,
                 ) -> list[_Node]:
        """A partition of the node by the fixings `keys`: first the child that fixes them all (the plunge
        goes on there), then for each key in turn the child that fixes the ones before it and forbids it."""
        made: list[_Node] = []
        fixings = node.fixings
        depth = node.depth
        for employee, day, choice in keys:
            depth += 1
            person = self.by_id[employee]
            every = frozenset([OFF, *(shift for shift, _ in person.spec.options[day])])
            own = fixings.get(employee, {})
            forbid = {**fixings, employee: {**own, day: own.get(day, every) - {choice}}}
            made.append(_Node(estimate, (-depth, next(self.counter)), bound, forbid, depth))
            fixings = {**fixings, employee: {**own, day: frozenset((choice,))}}
        return [_Node(estimate, (-depth, next(self.counter)), bound, fixings, depth), *made]

    # -- the search -----------------------------------------------------------------------------------------
    def search(self, root_bound: float) -> BranchResult:
        master = self.master
        open_nodes: list[_Node] = []
        current: _Node | None = _Node(root_bound, (0, next(self.counter)), root_bound, {}, 0)
        exhausted = False
        try:
            while True:
                if current is None:
                    # The plunge ended: the open node of best estimate (those that cannot win pruned on the way).
                    while open_nodes and least_whole_cost(open_nodes[0].bound) >= self.upper:
                        heapq.heappop(open_nodes)
                        self.pruned += 1
                    if not open_nodes:
                        exhausted = True
                        break
                    current = heapq.heappop(open_nodes)
                    self.plunges += 1
                    if least_whole_cost(current.bound) >= self.upper:
                        self.pruned += 1
                        current = None
                        continue
                if self.out_of_time():
                    break
                self.nodes += 1
                try:
                    bound, values = self.solve_node(current)
                except _Infeasible as infeasible:
                    self.pruned += 1
                    self.sure = self.sure and infeasible.proven
                    current = None
                    continue
                _log.debug("node %d depth %d rounds %d lp %.2f bound %.2f upper %s open %d", self.nodes,
                           current.depth, self.rounds, master.value, bound, self.upper, len(open_nodes))
                if values is None:
                    self.pruned += 1
                    current = None
                    continue
                self.try_mip(values)
                key = self.branch_on(values)
                if key is None:
                    self.notes.append("a node split people between schedules that agree day by day")
                    self.sure = False
                    current = None
                    continue
                more = self.bulk(values, key) if self.plunges < BULK_PLUNGES else []
                fix, *others = self.children(current, [key, *more], bound, master.value)
                for other in others:
                    heapq.heappush(open_nodes, other)
                current = fix
                if (self.plunges and open_nodes and math.isfinite(self.upper)
                        and master.value > open_nodes[0].estimate + PLUNGE_ABORT * (self.upper - root_bound)):
                    # A later plunge that has wandered far above the best open node stops there.
                    heapq.heappush(open_nodes, fix)
                    current = None
        except OutOfTime:
            pass
        finally:
            master.enable(list(range(len(master.columns))), True)
            master.simplex("primal")
        if current is not None and not exhausted:
            open_nodes.append(current)
        exhausted = exhausted and self.sure
        if exhausted:
            proven: float = self.upper
        else:
            # Nodes dropped without a proof are not bounded here: no claim beyond the root's bound then.
            least = min((node.bound for node in open_nodes), default=self.upper)
            proven = min(least, self.upper) if self.sure else root_bound
        return BranchResult(self.best, self.best_value, proven if math.isfinite(proven) else None, exhausted,
                            self.nodes, self.pruned, self.rosters,
                            self.notes)


def branch_and_price(generation: Generation, deadline: float, upper: float | None = None,
                     seed: int = 0, stop: threading.Event | None = None) -> BranchResult:
    """Branch and price from the master in `generation` (its LP converged or not; its bound the root's)
    until `deadline`. `upper`: the cost of the best roster in hand (pruning starts from it). Only for people
    who all walk day by day and a bound over the whole objective; otherwise nothing is searched."""
    root = generation.bound
    if (root is None or root.excludes or not generation.people
            or not all(person.walkable for person in generation.people)):
        return BranchResult(None, None, None, False, 0, 0, 0, ["branch and price: not applicable"])
    return BranchAndPrice(generation, deadline, upper, seed, stop).search(root.value)
