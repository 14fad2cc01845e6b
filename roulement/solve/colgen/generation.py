"""Column generation over people's schedules: the pricing of each person and the rounds of the master LP.

1. Each person starts with a roster's worth of greedy columns, or any lawful schedule of their own, within a
   quarter of the time; whoever that leaves out stands in with a dear "no schedule yet" column.
2. Rounds: HiGHS solves the master LP over the columns in hand (`master.py`); its duals price each (day,
   shift, post); every person's cheapest schedule under those prices is sought (`dp.py` when all their rules
   walk day by day, else CP-SAT on the person alone, `alone.py`); the independent checker judges each before
   it enters. With exact pricing, every round gives a Lagrangian lower bound (the cover rows' duals times
   their sides plus each person's cheapest schedule), and at the end the LP value itself bounds every roster.
   On large scenarios the duals priced at are smoothed towards those of the best bound (Wentges).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from roulement.model.calendar import Calendar
from roulement.model.costs import least_whole_cost
from roulement.model.demand import demand_slots
from roulement.model.roster import Assignment, Timeline
from roulement.model.scenario import Employee, Scenario
from roulement.rules.base import Rule
from roulement.solve.builder import SHORTFALL_WEIGHT
from roulement.solve.colgen.alone import AlonePricer
from roulement.solve.colgen.compact import compact_bound
from roulement.solve.colgen.decompose import (
    Decomposition,
    WalkSpec,
    decompose,
    demanded_posts,
    permitted,
    walk_spec,
)
from roulement.solve.colgen.dp import (
    CAPPED_FROM,
    OFF,
    CappedWalk,
    DenseWalk,
    OutOfTime,
    Schedule,
    cheapest,
)
from roulement.solve.colgen.master import Column, Master

_log = logging.getLogger(__name__)

EPSILON = 1e-6
# Columns each person may bring per round.
COLUMNS_PER_ROUND = 3
# A round stops pricing once this many columns (or one per two people) have entered: partial pricing.
PARTIAL_COLUMNS = 20
# Every this many rounds, pricing is exact even while the heuristic still finds columns (a bound each time).
EXACT_EVERY = 4
# Dual smoothing: the weight of the best-bound duals in the duals priced at (0: plain column generation).
SMOOTHING = 0.0
# ... on large scenarios (more decisions, people x days x shift types, than `auto` gives column generation:
# Curtois-Qu 12, 13, 15, 19-24), where the LP takes many rounds and its early duals swing most.
LARGE_SMOOTHING = 0.5
SMOOTH_FROM_DECISIONS = 8_400
# For a bound alone (`lower_bound`, KOS), smoothing from zero duals: the bound climbs from 0 instead of from
# far below it.
BOUND_SMOOTHING = 0.8
# Share of column generation's time the compact relaxation may take, when it starts it (year-long people).
COMPACT_SHARE = 0.3
# Share of column generation's time that seeding may take (the rest: rounds of the LP).
SEED_SHARE = 0.25
# Seconds CP-SAT may spend pricing one person alone.
ALONE_SECONDS = 2.0
# Seconds CP-SAT on the person alone may spend deciding whether a lawful schedule exists, when the fast
# labelling found none.
FALLBACK_SECONDS = 20.0


# A dive's fixings for one person: day -> what that day may be (shift indexes of the walk, or `OFF`).
Choices = dict[int, frozenset[int]]


class NoSchedule(RuntimeError):
    """Some person has no lawful schedule of their own: column generation cannot start."""


@dataclass
class Bound:
    """A lower bound on every roster's cost over the terms it covers."""

    value: float
    kind: str
    excludes: list[str]
    # The LP converged: `value` is the LP optimum (else the best Lagrangian bound seen).
    converged: bool
    rounds: int
    columns: int

    @property
    def whole(self) -> int:
        """Costs are whole numbers and never negative: no roster costs less than the bound rounded up, or 0.
        (An early Lagrangian bound can be far below zero: Instance12, -12,618.)"""
        return least_whole_cost(self.value)


@dataclass
class Generation:
    master: Master
    bound: Bound | None
    rounds: int
    exact: bool
    notes: list[str] = field(default_factory=list)
    # Each person's pricing, in the scenario's order (the dive prices them again under its fixings).
    people: list[Person] = field(default_factory=list)


class Person:
    """One person's pricing: their walk, their CP-SAT model when needed, and the judge of their columns."""

    def __init__(self, scenario: Scenario, calendar: Calendar, decomposition: Decomposition, employee: Employee,
                 posts_wanted: dict[tuple[int, str], list[str]],
                 frozen: dict[int, tuple[str, str] | None] | None = None) -> None:
        self.scenario = scenario
        self.calendar = calendar
        self.employee = employee
        self.rules = decomposition.personal
        self.allowed = permitted(scenario, calendar, decomposition.personal, employee, posts_wanted)
        for day, kept in (frozen or {}).items():
            # A frozen day keeps what the roster had, whatever rules would now permit (as the CP-SAT model).
            self.allowed[day] = [] if kept is None else [kept]
        self.spec: WalkSpec = walk_spec(scenario, calendar, decomposition.personal, employee, self.allowed)
        for day, kept in (frozen or {}).items():
            if kept is not None:
                self.spec.own_off[day] = math.inf  # a frozen working day is worked: no day off there
        self.walkable = decomposition.walkable
        # The walk as one table per day when it is small enough (exact and fast), else the labelling.
        self.dense = DenseWalk.build(self.spec)
        # Too large with every cap (or slow: Curtois-Qu 10, a second a walk): a dense walk with some caps
        # priced instead (Lagrangian), a valid bound always and exact when its cheapest schedule keeps them.
        self.capped = None
        if self.walkable and (self.spec.caps or self.spec.max_weekends is not None) and (
                self.dense is None or self.dense.cells > CAPPED_FROM):
            # The weekends leave the table too only when no full table fits at all (a year: Curtois-Qu 21-24).
            self.capped = CappedWalk.build(self.spec, CAPPED_FROM, weekends=self.dense is None)
            if self.capped is not None:
                self.dense = None
        # Neither fits (Curtois-Qu 21-24: half a year or a year): the columns come from the labelling, and the
        # bound from a loose walk that keeps only the day-to-day rules (no minutes, weekends or caps): cheaper
        # than every lawful schedule (own prices of the minutes are never negative), so a valid bound.
        self.loose: DenseWalk | None = None
        if self.walkable and self.dense is None and self.capped is None:
            self.loose = DenseWalk.build(WalkSpec(**{
                **self.spec.__dict__, "caps": {}, "max_weekends": None, "low": 0, "high": None,
                "tracks_minutes": False, "final_cost": lambda minutes: 0}))
        # The last pricing by the capped walk left a gap: its bound is below the threshold, with no lawful
        # schedule found there (so column generation cannot claim the LP has converged).
        self.unsettled = False
        self.shift_number = {shift: number for number, shift in enumerate(self.spec.shifts)}
        self.twins_key = self._twins_key()
        self._alone: AlonePricer | None = None
        self.alone_scenario = Scenario.model_construct(
            **{**{name: getattr(scenario, name) for name in Scenario.model_fields},
               "employees": [employee], "demand": [], "safety_minimums": []})
        self.judged: dict[tuple[tuple[int, str, str], ...], float | None] = {}

    def _twins_key(self) -> object:
        """What the dense walk prices from: people with equal keys have the same cheapest schedules under any
        duals (their cells count in the same rows), so one walk prices them all. Unique unless walked densely."""
        if not self.walkable or self.dense is None:
            return self.employee.id
        spec = self.spec
        return (tuple(tuple(today) for today in self.allowed), frozenset(self.employee.skills),
                tuple(tuple(sorted(own.items())) for own in spec.own_work), tuple(spec.own_off),
                tuple(spec.forbidden), spec.max_on, spec.min_on, spec.min_off, tuple(sorted(spec.weekend_of.items())),
                spec.max_weekends, tuple(sorted(spec.caps.items())), spec.low, spec.high, spec.tracks_minutes,
                tuple(self.dense.final_prices()))

    def alone(self) -> AlonePricer:
        if self._alone is None:
            self._alone = AlonePricer(self.scenario, self.employee, self.rules)
        return self._alone

    def judge(self, cells: tuple[tuple[int, str, str], ...]) -> float | None:
        """The checker's price of this schedule for this person alone, or None if it breaks a hard rule."""
        if cells in self.judged:
            return self.judged[cells]
        dates = self.calendar.dates
        roster = [Assignment(self.employee.id, dates[day], shift, post) for day, shift, post in cells]
        timeline = Timeline(self.alone_scenario, roster, self.calendar)
        lawful = not any(rule.check(timeline) for rule in self.rules)
        price = float(sum(cost.amount for rule in self.rules for cost in rule.cost(timeline))) if lawful else None
        self.judged[cells] = price
        return price

    def values(self, master: Master) -> dict[tuple[int, str, str], float]:
        """What each (day, shift, post) this person may work is worth under the master's duals (the demand rows'
        values computed once per round, `Master.slot_values`)."""
        if not master.safety_rows:
            slots = master.slot_values()
            return {(day, shift, post): slots.get((day, shift, post), 0.0)
                    for day, today in enumerate(self.allowed) for shift, post in today}
        return {(day, shift, post): master.cell_value(self.employee.id, day, shift, post)
                for day, today in enumerate(self.allowed) for shift, post in today}

    def _work_prices(self, values: dict[tuple[int, str, str], float], choices: Choices | None = None,
                     ) -> tuple[list[dict[int, float]], dict[tuple[int, int], str]]:
        """Per day, each shift's price (own price less the best post's value), and that post. A shift that
        `choices` leaves out of its day costs infinitely much."""
        posts: dict[tuple[int, int], str] = {}
        work_price: list[dict[int, float]] = []
        number_of = {shift: number for number, shift in enumerate(self.spec.shifts)}
        for day, today in enumerate(self.allowed):
            prices: dict[int, float] = {}
            kept = None if choices is None else choices.get(day)
            for shift, post in today:
                number = number_of[shift]
                price = self.spec.own_work[day][number] - values.get((day, shift, post), 0.0)
                if kept is not None and number not in kept:
                    price = math.inf
                if number not in prices or price < prices[number]:
                    prices[number] = price
                    posts[(day, number)] = post
            work_price.append(prices)
        return work_price, posts

    def price(
        self, values: dict[tuple[int, str, str], float], threshold: float, beam: bool, seconds: float, seed: int,
        count: int = 3, deadline: float = math.inf, choices: Choices | None = None,
    ) -> tuple[list[tuple[tuple[int, str, str], ...]], float | None, bool]:
        """(schedules priced below `threshold`, cheapest first; the lowest price possible, None when none is
        below the threshold; whether that is proven). A schedule's price is its own cost less the `values` of
        the (day, shift, post) it works. `choices[day]`, when given, is what that day may be (shift indexes,
        `OFF`): a dive's fixings; only for people who walk day by day."""
        if self.walkable:
            work_price, posts = self._work_prices(values, choices)
            off_price = None
            if choices:
                off_price = [math.inf if day in choices and OFF not in choices[day] else own
                             for day, own in enumerate(self.spec.own_off)]
            lowest: float | None
            # The columns came from the fast labelling, which can miss lawful schedules: its "none" proves nothing.
            heuristic = False
            if self.capped is not None:
                capped = self.capped.cheapest(work_price, threshold, count, deadline, off_price)
                found, lowest, self.unsettled = capped.schedules, capped.lowest, not capped.settled
                if not found and lowest is not None:
                    # The prices found no lawful schedule below the threshold: the fast labelling may.
                    found = cheapest(self.spec, work_price, threshold, count, True, deadline, off_price)
                    heuristic = True
                exact = True  # `lowest` is a valid bound, whatever the columns found
            elif self.loose is not None and not beam:
                # The exact labelling is too slow here: the fast one for columns, the loose walk for the bound.
                loosest = self.loose.cheapest(work_price, threshold, 1, deadline, off_price)
                lowest = loosest[0].price if loosest else None
                found = cheapest(self.spec, work_price, threshold, count, True, deadline, off_price)
                heuristic = True
                self.unsettled = lowest is not None and not (found and found[0].price <= lowest + 1e-6)
                exact = True
            else:
                found = self._cheapest(work_price, threshold, count, beam, deadline, off_price)
                lowest = found[0].price if found else None
                heuristic = beam and self.dense is None
                exact = not heuristic
            if not found and heuristic and math.isinf(threshold):
                # Asked for any lawful schedule (a first column, a dive's fixings) and the fast labelling found
                # none: that is not a proof. CP-SAT on the person alone, from the same rules, decides.
                return self._exactly(values, choices, seed, deadline)
            shifts = self.spec.shifts
            schedules = [tuple((day, shifts[shift], posts[(day, shift)])
                               for day, shift in enumerate(schedule.days) if shift != OFF)
                         for schedule in found]
            return schedules, lowest, exact
        roster, lowest, proven = self.alone().cheapest(values, seconds, seed=seed)
        if roster is None:
            return [], None, False
        cells = tuple(sorted(((a.date - self.scenario.horizon.start).days, a.shift, a.post) for a in roster))
        price = sum(-values.get(cell, 0.0) for cell in cells) + (self.judge(cells) or 0.0)
        if proven and lowest is not None and lowest >= threshold:
            return [], None, True
        return ([cells] if price < threshold else []), lowest, proven

    def _exactly(self, values: dict[tuple[int, str, str], float], choices: Choices | None, seed: int,
                 deadline: float) -> tuple[list[tuple[tuple[int, str, str], ...]], float | None, bool]:
        """The cheapest lawful schedule by CP-SAT on the person alone, under a dive's `choices` if any:
        ([schedule], its price, proven optimal), or ([], None, proven that none exists)."""
        shifts = self.spec.shifts
        fixed = None if not choices else {
            day: (frozenset(shifts[choice] for choice in kept if choice != OFF), OFF in kept)
            for day, kept in choices.items()}
        seconds = max(min(FALLBACK_SECONDS, deadline - time.monotonic()), 1.0)
        roster, lowest, proven = self.alone().cheapest(values, seconds, seed=seed, fixed=fixed)
        if roster is None:
            return [], None, proven
        cells = tuple(sorted(((a.date - self.scenario.horizon.start).days, a.shift, a.post) for a in roster))
        return [cells], lowest, proven

    def price_of(self, cells: tuple[tuple[int, str, str], ...], values: dict[tuple[int, str, str], float]) -> float:
        """A schedule's price under `values`: the checker's own price less the values of its cells."""
        own = self.judge(cells)
        return math.inf if own is None else own - sum(values.get(cell, 0.0) for cell in cells)

    def relaxed_lowest(self, values: dict[tuple[int, str, str], float], threshold: float) -> float | None:
        """The lowest price over a superset of this person's schedules (the walkable rules only): valid for a
        bound even when the person's other rules cannot walk."""
        work_price, _ = self._work_prices(values)
        found = self._cheapest(work_price, threshold, 1, False)
        return found[0].price if found else None

    def _cheapest(self, work_price: list[dict[int, float]], threshold: float, count: int, beam: bool,
                  deadline: float = math.inf, off_price: list[float] | None = None) -> list[Schedule]:
        if self.dense is not None:
            return self.dense.cheapest(work_price, threshold, count, deadline, off_price)
        return cheapest(self.spec, work_price, threshold, count, beam, deadline, off_price)


def generate(
    scenario: Scenario,
    rules: Sequence[Rule],
    deadline: float,
    seed: int = 0,
    on_bound: Callable[[Bound], None] | None = None,
    stop: threading.Event | None = None,
    frozen: dict[str, dict[int, tuple[str, str] | None]] | None = None,
    relaxed: bool = False,
    smoothing: float | None = None,
    compact_start: bool | None = None,
) -> Generation:
    """Column generation until no column prices out or the deadline; the best bound proven on the way.
    `frozen[employee][day]` pins a day to a (shift, post) or to a day off. `relaxed`: only the personal rules
    that walk day by day are kept (columns are judged by those), for a bound on the terms they cover when the
    others would make pricing slow (CP-SAT per person). `smoothing`: the weight of the best-bound duals (None:
    `SMOOTHING`, or `LARGE_SMOOTHING` on large scenarios). `compact_start`: begin from the compact relaxation's
    bound and duals (None: when some person's walk spans a year)."""
    if smoothing is None:
        decisions = len(scenario.employees) * scenario.horizon.days * len(scenario.shifts)
        smoothing = LARGE_SMOOTHING if decisions > SMOOTH_FROM_DECISIONS else SMOOTHING
    decomposition = decompose(rules)
    if relaxed:
        decomposition = decomposition.relaxed()
    calendar = Calendar(scenario)
    posts_wanted = demanded_posts(scenario)
    people = [Person(scenario, calendar, decomposition, employee, posts_wanted, (frozen or {}).get(employee.id))
              for employee in scenario.employees]
    master = Master(scenario, calendar, decomposition.cover)
    by_key: dict[object, list[Person]] = {}
    for person in people:
        by_key.setdefault(person.twins_key, []).append(person)
    classes = list(by_key.values())
    notes: list[str] = []
    best: Bound | None = None
    if not smoothing and decomposition.walkable and any(person.loose is not None or (
            person.capped is not None and person.capped.weekends is not None) for person in people):
        # Year-long people (Curtois-Qu 21-24): the LP will not converge within minutes, and even its first
        # rounds come late. A Lagrangian bound before any LP, at duals guessed from the staffing prices.
        # (Measured at or below 0 on 21-23, for a whole pass of pricing: smoothing from zero duals replaces it.)
        staffing = _staffing_bound(master, classes, deadline)
        if staffing is not None:
            best = Bound(staffing, decomposition.bound_kind, decomposition.excluded, False, 0, 0)
            notes.append(f"a bound of {best.whole:,} from the staffing prices, before any LP")
            if on_bound is not None:
                on_bound(best)
    year_long = decomposition.walkable and any(person.loose is not None or (
        person.capped is not None and person.capped.weekends is not None) for person in people)
    # The center of the smoothing, when the compact relaxation gives one (else zero duals, below).
    start_center: tuple[list[float], float] | None = None
    if (compact_start if compact_start is not None else year_long) and decomposition.walkable and not frozen:
        # Year-long people (Curtois-Qu 21-24): pricing a person takes seconds, few rounds fit, and the
        # Lagrangian bound is only positive near the LP's own duals. The compact relaxation (`compact.py`, one LP,
        # no pricing) gives a bound at once, and its cover duals are near the optimum's: every person priced
        # there brings a first column worth having, and a Lagrangian bound of the schedules themselves.
        # The walks in hand are the relaxation's when every personal rule walks (and nothing is frozen).
        found = compact_bound(scenario, rules, COMPACT_SHARE * max(deadline - time.monotonic(), 0.0),
                              [(person.allowed, person.spec) for person in people])
        if found is not None and found.kind == decomposition.bound_kind:
            notes.append(f"the compact relaxation's bound {found.whole:,} in {found.seconds:.1f} s")
            if best is None or found.value > best.value:
                best = Bound(found.value, decomposition.bound_kind, decomposition.excluded, False, 0, 0)
                if on_bound is not None:
                    on_bound(best)
            seed_until = time.monotonic() + SEED_SHARE * max(deadline - time.monotonic(), 0.0)
            start_center = _price_at(master, classes, found.cover_duals, seed_until, seed)
            if start_center is not None:
                _, at_compact = start_center
                notes.append(f"Lagrangian bound {least_whole_cost(at_compact):,} at its duals")
                if at_compact > best.value:
                    best = Bound(at_compact, decomposition.bound_kind, decomposition.excluded, False, 0,
                                 len(master.columns))
                    if on_bound is not None:
                        on_bound(best)
    # Seeding has a share of the time: a year's walk per person does not fit otherwise (Curtois-Qu 23: 397 s
    # for 100 people, when 120 s were asked). Whoever it leaves without a column gets a stand-in, and the
    # rounds price them like anyone else.
    seed_until = time.monotonic() + (SEED_SHARE * max(deadline - time.monotonic(), 0.0) if SEED_SHARE else 0.0)
    _seed_greedily(scenario, people, master, seed_until)
    for person in people:
        if master.by_person.get(person.employee.id):
            continue  # the greedy pass gave them one (a full walk each: Curtois-Qu 10, 4 s a pass)
        if time.monotonic() >= seed_until:
            master.stand_in(person.employee.id, True)
            continue
        # Any lawful schedule will do as a start: the fast labelling (exact labels are slow with no threshold).
        schedules, _, proven = person.price({}, float("inf"), True, ALONE_SECONDS, seed)
        seeded = any(offer_column(master, person, cells) for cells in schedules)
        if not seeded:
            if proven:
                raise NoSchedule(f"{person.employee.id} has no lawful schedule of their own (proven)")
            raise NoSchedule(f"no lawful schedule of their own was found for {person.employee.id} within "
                             f"{FALLBACK_SECONDS:.0f} s (not proven that none exists)")
    rounds = 0
    beam = True
    exact_everywhere = decomposition.walkable
    # Dual smoothing (Wentges): price at a mix of the duals that gave the best bound so far and the LP's.
    # Early LP duals swing from round to round; the mix steadies them, and with exact pricing every round
    # still gives a Lagrangian bound. The first center is zero duals, whose Lagrangian bound is at least 0 (no
    # cost is negative): the duals priced at start near it and move only towards better bounds (KOS: the LP's
    # own early duals, dominated by shortfall prices, gave bounds far below zero for ten rounds).
    # A mis-price (no column found improves the LP) is answered by pricing nearer the LP's duals: after k in a
    # row, the weight of the center is 1 - (k + 1)(1 - smoothing), down to 0 (Pessoa, Sadykov, Uchoa and
    # Vanderbeck 2018), so that the LP can be proven optimal and is never stalled by the smoothing. When a full
    # round's bound meets the LP's value, the LP is converged whatever the duals priced at.
    enough = max(PARTIAL_COLUMNS, len(people) // 2)
    next_start = 0
    center: list[float] | None = [0.0] * len(master.duals) if smoothing else None
    center_value = 0.0
    if smoothing and start_center is not None:
        center, center_value = start_center
    misprices = 0
    while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
        rounds += 1
        round_started = time.monotonic()
        value = master.solve()
        lp_seconds = time.monotonic() - round_started
        lp_duals = master.duals
        alpha = 0.0 if center is None or not smoothing else max(0.0, 1.0 - (misprices + 1) * (1.0 - smoothing))
        if center is not None and alpha:
            master.duals = [alpha * old + (1.0 - alpha) * new for old, new in zip(center, lp_duals, strict=True)]
        # Every few rounds the exact labelling runs even while the fast one still finds columns: each exact
        # round gives a Lagrangian bound.
        beam_now = beam and rounds % EXACT_EVERY != 0
        added = 0
        improving = 0
        proven = True
        # Some capped walk's bound stayed below its threshold with no lawful schedule there.
        unsettled = False
        # Each person's lowest price (or the threshold, when nothing is below it: the minimum is no lower).
        lowest_total = 0.0
        # Partial pricing: a round may stop once it has enough columns, and the next starts where it stopped,
        # so the LP sees them sooner (Curtois-Qu 12: 60 walks a round, most of the time). A round that stops
        # early proves nothing; one that prices everyone gives the bound, and convergence when nothing enters:
        # every `EXACT_EVERY`-th round prices everyone (without it, Instance14 had no bound after 75 rounds).
        start = next_start % len(classes)
        order = [(start + position) % len(classes) for position in range(len(classes))]
        if master.standing_in:
            # Whoever still stands in is priced first: until all have a schedule there is no roster from the
            # columns (Curtois-Qu 22 at 240 s: 8 of 50 still standing in after 4 rounds).
            order.sort(key=lambda number: not any(twin.employee.id in master.standing_in
                                                  for twin in classes[number]))
        for number in order:
            twins = classes[number]
            if time.monotonic() >= deadline:
                proven = False
                break
            if added >= enough and rounds % EXACT_EVERY != 0:
                proven = False
                next_start = number
                break
            # One walk for people who price alike, below the highest of their thresholds.
            thresholds = [master.convexity_dual(twin.employee.id) - EPSILON for twin in twins]
            threshold = max(thresholds)
            person = twins[0]
            values = person.values(master)
            try:
                schedules, lowest, exact = person.price(values, threshold, beam_now, ALONE_SECONDS, seed,
                                                        count=COLUMNS_PER_ROUND, deadline=deadline)
            except OutOfTime:
                proven = False
                break
            if not exact and not beam_now:
                lowest = person.relaxed_lowest(values, threshold)
                exact = True
            proven = proven and exact
            unsettled = unsettled or person.unsettled
            prices = [person.price_of(cells, values) for cells in schedules]
            for twin, own_threshold in zip(twins, thresholds, strict=True):
                for cells, price in zip(schedules, prices, strict=True):
                    if price < own_threshold and offer_column(master, twin, cells):
                        added += 1
                        if master.reduced_cost(master.columns[-1], lp_duals) < -EPSILON:
                            improving += 1
                lowest_total += own_threshold if lowest is None else min(lowest, own_threshold)
        _log.debug("round %d: LP %.1f in %.2f s, pricing %.2f s, %d added (%d improving), full %s, alpha %.2f, "
                   "best bound %s, %d columns", rounds, value, lp_seconds,
                   time.monotonic() - round_started - lp_seconds, added, improving, proven, alpha,
                   None if best is None else round(best.value, 1),
                   len(master.columns))
        if proven:
            # Lagrangian bound at these duals: valid whatever the columns in hand, as each minimum is exact.
            lagrangian = master.lagrangian_constant() + lowest_total
            converged = added == 0 and exact_everywhere and not alpha and not unsettled
            if exact_everywhere and not master.standing_in and lagrangian >= value - EPSILON * len(people):
                # The bound meets the restricted LP's value, which is at least the full LP's: converged, at
                # whatever duals (with smoothing, this is how a stabilised LP usually ends).
                converged = True
            if converged:
                # No column priced below its threshold, the convexity dual less EPSILON: the LP optimum is at
                # most EPSILON per person below the restricted LP's value.
                lagrangian = max(lagrangian, value - EPSILON * len(people))
            if math.isfinite(lagrangian) and (best is None or lagrangian > best.value):
                best = Bound(lagrangian, decomposition.bound_kind, decomposition.excluded, converged, rounds,
                             len(master.columns))
                if on_bound is not None:
                    on_bound(best)
            if math.isfinite(lagrangian) and (center is None or lagrangian > center_value):
                center, center_value = list(master.duals), lagrangian
            if converged:
                if best is not None:
                    best.converged = True
                break
        master.duals = lp_duals
        if alpha and improving == 0:
            misprices += 1
            continue
        misprices = 0
        if added == 0:
            if beam:
                beam = False  # the heuristic labelling is out of columns: prove it with the exact one
                continue
            if not exact_everywhere:
                notes.append("no more columns from CP-SAT pricing; the bound comes from the walkable rules")
                break
            if unsettled:
                notes.append("no more columns found; the bound is Lagrangian (capped walks left a gap)")
                break
        elif not beam:
            beam = True  # the exact labelling found columns: back to the fast one until it runs dry again
    if best is not None:
        best.rounds, best.columns = rounds, len(master.columns)
    return Generation(master, best, rounds, exact_everywhere, notes, people)


def _price_at(master: Master, classes: Sequence[Sequence[Person]], cover_duals: Sequence[float], deadline: float,
              seed: int) -> tuple[list[float], float] | None:
    """Price every person at the given duals of the master's rows (the convexity rows' are not used; moved into
    the rows' dual intervals), their lawful schedules entering the master as first columns. Returns (the duals,
    with each person's lowest price on their convexity row; the Lagrangian bound there) when every person was
    priced exactly in time, else None."""
    saved = master.duals
    if len(cover_duals) != len(saved):
        return None
    duals = master._signed(list(cover_duals))
    master.duals = duals
    center = list(duals)
    try:
        total = master.lagrangian_constant()
        exact = math.isfinite(total)
        for twins in classes:
            if time.monotonic() >= deadline:
                return None
            person = twins[0]
            values = person.values(master)
            try:
                schedules, lowest, proven = person.price(values, math.inf, False, ALONE_SECONDS, seed,
                                                         count=COLUMNS_PER_ROUND, deadline=deadline)
            except OutOfTime:
                return None
            for twin in twins:
                for cells in schedules:
                    offer_column(master, twin, cells)
            if lowest is None or not proven:
                exact = False
                continue
            total += lowest * len(twins)
            for twin in twins:
                center[master.person_row[twin.employee.id]] = lowest
        return (center, total) if exact else None
    finally:
        master.duals = saved


def _staffing_bound(master: Master, classes: Sequence[Sequence[Person]], deadline: float,
                    ) -> float | None:
    """The Lagrangian bound (docs/colgen.md) at duals set to each cover row's price of a missing person, moved
    into the rows' dual intervals, with each person's cheapest schedule from one walk (a lower bound on it).
    None if some person has no walk that bounds them exactly, or out of time."""
    guess = [0.0] * len(master.duals)
    for cost, bound, row, sign in master.slacks:
        if sign > 0 and math.isfinite(bound):
            guess[row] = max(guess[row], cost)
    saved = master.duals
    master.duals = master._signed(guess)
    try:
        total = master.lagrangian_constant()
        for twins in classes:
            if time.monotonic() >= deadline or not math.isfinite(total):
                return None
            person = twins[0]
            work_price, _ = person._work_prices(person.values(master))
            lowest: float | None
            try:
                if person.capped is not None:
                    lowest = person.capped.lowest(work_price, deadline)
                elif person.dense is not None:
                    found = person.dense.cheapest(work_price, math.inf, 1, deadline)
                    lowest = found[0].price if found else None
                elif person.loose is not None:
                    found = person.loose.cheapest(work_price, math.inf, 1, deadline)
                    lowest = found[0].price if found else None
                else:
                    return None
            except OutOfTime:
                return None
            if lowest is None:
                return None
            total += lowest * len(twins)
        return total
    finally:
        master.duals = saved


def _seed_greedily(scenario: Scenario, people: Sequence[Person], master: Master, deadline: float) -> None:
    """A roster's worth of first columns: person after person, the cheapest schedule when each cell still
    needed is worth its under-staffing price and each cell already full costs its over-staffing price. The
    first LP then starts near a roster rather than paying shortfalls, so its duals are sane from round one
    (KOS: without this, the Lagrangian bound stayed below zero for ten rounds). Only walked people: a CP-SAT
    pricing per person would cost a round's time here."""
    need: dict[tuple[int, str, str], list[float]] = {}  # cell -> [people still wanted, under, over price]
    for slot in demand_slots(scenario):
        wanted = max(slot.preferred, slot.min)
        under = slot.under_weight if slot.preferred > slot.min else SHORTFALL_WEIGHT
        need[(slot.day, slot.shift, slot.post)] = [float(wanted), float(max(under, 1)), float(slot.over_weight)]
    for person in people:
        if time.monotonic() >= deadline or not person.walkable or master.by_person.get(person.employee.id):
            continue
        values = {cell: (left[1] if left[0] > 0 else -left[2]) for cell in person.values(master)
                  for left in [need.get(cell, [0.0, 0.0, 0.0])]}
        try:
            schedules, _, _ = person.price(values, float("inf"), person.dense is None, ALONE_SECONDS, 0, count=1,
                                           deadline=deadline)
        except OutOfTime:
            return
        for cells in schedules[:1]:
            if offer_column(master, person, cells):
                for cell in cells:
                    if cell in need:
                        need[cell][0] -= 1


def offer_column(master: Master, person: Person, cells: tuple[tuple[int, str, str], ...]) -> bool:
    """Judge a schedule with the checker; a lawful one enters the master at the checker's price."""
    cost = person.judge(cells)
    if cost is None:
        return False
    return master.add(Column(person.employee.id, cells, cost))
