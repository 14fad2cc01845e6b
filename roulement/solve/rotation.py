"""The cycle model: one CP-SAT model that designs a rotating crew cycle (roulement) and solves the public
rotating-workforce-scheduling (RWS) benchmark.

A cycle of n weeks read row after row is one cyclic sequence of 7n days. Every rule on that sequence (block
lengths, forbidden successions, rest between shifts, the weekly rest) is compiled into a deterministic
automaton whose state summarises the recent past. Instead of one variable per day of the sequence, the model
counts how often the sequence passes each arc of the graph of (weekday, automaton state) nodes: a flow
aggregated over the weeks, in the spirit of Becker, Schiffer & Walther (INFORMS J. Computing 34(3), 2022).
Its size does not grow with n and it has no rotation symmetry. Cover becomes a sum of arc counts per weekday
and token; each weekday is passed exactly n times. A flow may split into several closed walks, so
connectivity is added lazily, as cuts, and a cycle is read back as an Euler circuit starting on a Monday.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ortools.sat.python import cp_model

from roulement.formats.rws import RwsInstance
from roulement.solve.runtime import Settings, new_solver

OFF = "-"
ANY_DAY = -1
SPREAD_TRIES = 200
# With so little room in the number of blocks, the phase count pays for the larger automaton it needs.
TIGHT_BLOCKS = 2
PLAIN_FIRST = 3.0  # seconds the search without the phase count has first
DAY = 24 * 60
WEEK = 7 * DAY


@dataclass(frozen=True)
class ShiftSpec:
    """A shift type of the cycle: clock start and length in minutes, and the bounds on its blocks."""

    name: str
    start: int
    length: int
    min_block: int = 1
    max_block: int = 7
    night: bool = False
    paid_minutes: int | None = None  # worked minutes, when not the clock length

    @property
    def end(self) -> int:
        """Minutes from the start of its day to its end (past 1440 when it crosses midnight)."""
        return self.start + self.length

    @property
    def worked(self) -> int:
        return self.length if self.paid_minutes is None else self.paid_minutes


@dataclass(frozen=True)
class WeeklyRestSpec:
    """Each week [Monday 00:00 + offset, next Monday 00:00 + offset) holds a rest of `min_minutes` in one
    piece with at least `min_in_week_minutes` of it inside the week."""

    min_minutes: int
    min_in_week_minutes: int
    week_offset_minutes: int = 0


@dataclass(frozen=True)
class Weights:
    """Quality of a designed cycle: rewards and penalties per occurrence in the cycle (0: not asked)."""

    free_weekend: int = 0
    off_block_too_short: int = 0  # an off block shorter than `comfortable_off`
    work_block_too_long: int = 0  # each work day beyond `comfortable_work`
    work_block_too_short: int = 0  # a work block shorter than `comfortable_min_work`
    shift_change_in_block: int = 0
    comfortable_off: int = 2
    comfortable_work: int = 5
    comfortable_min_work: int = 2


@dataclass(frozen=True)
class CycleProblem:
    """A cyclic sequence of `weeks` x 7 days over the shifts, with exact cover per weekday.

    `forbidden` holds (a, k, c, weekday): shift c may not follow shift a after exactly k days off (k = 0: the
    next day) when c falls on that weekday (0 = Monday; ANY_DAY: on every weekday). `priced` gives such
    successions a price instead.
    """

    weeks: int
    shifts: tuple[ShiftSpec, ...]
    demand: Mapping[str, tuple[int, ...]]
    work_block: tuple[int, int]
    off_block: tuple[int, int]
    forbidden: frozenset[tuple[str, int, str, int]] = frozenset()
    weekly_rest: WeeklyRestSpec | None = None
    weights: Weights = field(default_factory=Weights)
    priced: Mapping[tuple[str, int, str, int], int] = field(default_factory=dict)
    name: str = "cycle"

    def refuses(self, before: str, days_off: int, after: str, weekday: int) -> bool:
        return (before, days_off, after, ANY_DAY) in self.forbidden or \
            (before, days_off, after, weekday) in self.forbidden

    def price(self, before: str, days_off: int, after: str, weekday: int) -> int:
        return self.priced.get((before, days_off, after, ANY_DAY), 0) + \
            self.priced.get((before, days_off, after, weekday), 0)

    def off_demand(self, weekday: int) -> int:
        return self.weeks - sum(self.demand[s.name][weekday] for s in self.shifts)

    def shift(self, name: str) -> ShiftSpec:
        return next(s for s in self.shifts if s.name == name)


class Status(StrEnum):
    FOUND = "found"  # a cycle (optimal when the problem has weights)
    FEASIBLE = "feasible"  # a cycle, not proven optimal
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass
class CycleResult:
    status: Status
    seconds: float
    rows: list[list[str]] | None = None
    objective: int | None = None
    iterations: int = 0
    cuts: int = 0
    states: int = 0
    arcs: int = 0
    note: str = ""


# ---------------------------------------------------------------------------------------------------------
# The automaton: a state is what the rules need to know of the past, read just before a day.

@dataclass(frozen=True)
class State:
    last: str  # the previous day's token
    run: int  # days of `last` in a row (off days, or the same shift)
    work: int  # working days in a row (0 after an off day)
    prev: str | None  # the shift before the current off block, while the rules still need it
    satisfied: tuple[bool, bool, bool] = (True, True, True)  # weekly rest of the weeks before/now/after
    block: int = 0  # in an off block: the length of the work block before it (for the phase count)


@dataclass(frozen=True)
class Arc:
    weekday: int
    tail: State
    token: str
    head: State
    free_weekend: bool = False
    penalty: int = 0
    block_start: bool = False  # a work block starts here
    phase_change: bool = False  # ... and the work block and off block before it are not a multiple of 7 days


class _Compiler:
    def __init__(self, problem: CycleProblem, phases: bool = False) -> None:
        self.p = problem
        self.phases = phases
        self.by_name = {s.name: s for s in problem.shifts}
        self.memory = max((k for _, k, _, _ in [*problem.forbidden, *problem.priced]), default=-1)
        if problem.weekly_rest is not None:
            self.memory = problem.off_block[1]  # the weekly rest needs the start of every rest

    def _gap_weeks(self, gap_start: int, gap_end: int, satisfied: list[bool]) -> None:
        """Mark the weeks (-1, 0, +1 relative to the current row) that the rest [gap_start, gap_end) satisfies."""
        spec = self.p.weekly_rest
        assert spec is not None
        if gap_end - gap_start < spec.min_minutes:
            return
        for index, week in enumerate((-1, 0, 1)):
            start = week * WEEK + spec.week_offset_minutes
            inside = min(gap_end, start + WEEK) - max(gap_start, start)
            if inside >= spec.min_in_week_minutes:
                satisfied[index] = True

    def _closes(self, shift_end: int, satisfied: list[bool]) -> bool:
        """False when a week that no later rest can still reach has no weekly rest."""
        spec = self.p.weekly_rest
        assert spec is not None
        for index, week in enumerate((-1, 0)):
            end = (week + 1) * WEEK + spec.week_offset_minutes
            if end - shift_end < spec.min_in_week_minutes and not satisfied[index]:
                return False
        return True

    def step(self, weekday: int, state: State, token: str) -> Arc | None:
        p = self.p
        weights = p.weights
        penalty = 0
        satisfied = list(state.satisfied)
        here = weekday * DAY
        if token == OFF:
            if state.last == OFF:
                if state.run + 1 > p.off_block[1]:
                    return None
                run, prev = state.run + 1, state.prev if state.run + 1 <= self.memory else None
                block = state.block
            else:
                if state.work < p.work_block[0] or state.run < self.by_name[state.last].min_block:
                    return None
                run, prev = 1, (state.last if self.memory >= 1 else None)
                block = state.work if self.phases else 0
                if weights.work_block_too_long and state.work > weights.comfortable_work:
                    penalty += weights.work_block_too_long * (state.work - weights.comfortable_work)
                if weights.work_block_too_short and state.work < weights.comfortable_min_work:
                    penalty += weights.work_block_too_short
            if p.weekly_rest is not None and prev is not None:
                # The rest so far runs at least to the end of this day off.
                self._gap_weeks((weekday - run) * DAY + self.by_name[prev].end, here + DAY, satisfied)
            head = State(OFF, run, 0, prev, tuple(satisfied), block)  # type: ignore[arg-type]
            # Saturday and Sunday off, and no night shift from Friday reaching into Saturday.
            free_weekend = weekday == 6 and state.last == OFF and (
                state.prev is None or (weekday - state.run - 1) * DAY + self.by_name[state.prev].end <= 5 * DAY
            )
            return self._turn_week(Arc(weekday, state, token, head, free_weekend, penalty))
        shift = self.by_name[token]
        if state.last == OFF:
            if state.run < p.off_block[0]:
                return None
            if state.prev is not None:
                if p.refuses(state.prev, state.run, token, weekday):
                    return None
                penalty += p.price(state.prev, state.run, token, weekday)
            if weights.off_block_too_short and state.run < weights.comfortable_off:
                penalty += weights.off_block_too_short
            run, work = 1, 1
            gap_start = None if state.prev is None else (weekday - state.run - 1) * DAY + self.by_name[state.prev].end
        elif state.last == token:
            if state.run + 1 > shift.max_block or state.work + 1 > p.work_block[1]:
                return None
            if p.refuses(token, 0, token, weekday):
                return None
            penalty += p.price(token, 0, token, weekday)
            run, work = state.run + 1, state.work + 1
            gap_start = (weekday - 1) * DAY + shift.end
        else:
            before = self.by_name[state.last]
            if state.run < before.min_block or p.refuses(state.last, 0, token, weekday):
                return None
            penalty += p.price(state.last, 0, token, weekday)
            if state.work + 1 > p.work_block[1]:
                return None
            if weights.shift_change_in_block:
                penalty += weights.shift_change_in_block
            run, work = 1, state.work + 1
            gap_start = (weekday - 1) * DAY + before.end
        if p.weekly_rest is not None:
            if gap_start is not None:
                self._gap_weeks(gap_start, here + shift.start, satisfied)
            if not self._closes(here + shift.end, satisfied):
                return None
        head = State(token, run, work, None, tuple(satisfied))  # type: ignore[arg-type]
        starts = state.last == OFF
        change = starts and self.phases and (state.block + state.run) % 7 != 0
        return self._turn_week(Arc(weekday, state, token, head, False, penalty, starts, change))

    def _turn_week(self, arc: Arc) -> Arc | None:
        """After Sunday the row changes: last week's rest must be settled, the flags move back one week."""
        if arc.weekday != 6 or self.p.weekly_rest is None:
            return arc
        before, now, after = arc.head.satisfied
        if not before:
            return None
        return replace(arc, head=replace(arc.head, satisfied=(now, after, False)))

    def seeds(self) -> list[State]:
        flags: list[tuple[bool, bool, bool]] = [(True, True, True)]
        if self.p.weekly_rest is not None:
            flags = [(a, b, c) for a in (False, True) for b in (False, True) for c in (False, True)]
        prevs: list[str | None] = [None, *self.by_name] if self.memory >= 1 else [None]
        return [
            State(OFF, run, 0, prev if run <= self.memory else None, flag)
            for run in range(1, self.p.off_block[1] + 1) for prev in prevs for flag in flags
        ]


def compile_automaton(problem: CycleProblem, phases: bool = False) -> list[Arc]:
    """Every arc of the (weekday, state) graph that lies on some closed walk; with `phases`, off states also
    remember the length of the work block before them, so arcs can say where a block's phase changes."""
    compiler = _Compiler(problem, phases)
    tokens = [OFF, *(s.name for s in problem.shifts)]
    arcs: list[Arc] = []
    seen: set[tuple[int, State]] = set()
    frontier = [(weekday, state) for weekday in range(7) for state in set(compiler.seeds())]
    seen.update(frontier)
    while frontier:
        weekday, state = frontier.pop()
        for token in tokens:
            if token != OFF and problem.demand[token][weekday] == 0:
                continue
            if token == OFF and problem.off_demand(weekday) == 0:
                continue
            arc = compiler.step(weekday, state, token)
            if arc is None:
                continue
            arcs.append(arc)
            node = ((weekday + 1) % 7, arc.head)
            if node not in seen:
                seen.add(node)
                frontier.append(node)
    return _prune(arcs)


def _prune(arcs: list[Arc]) -> list[Arc]:
    """Drop arcs that cannot lie on a closed walk: repeatedly remove those whose tail has no way in or whose
    head has no way out."""
    while True:
        has_in = {((a.weekday + 1) % 7, a.head) for a in arcs}
        has_out = {(a.weekday, a.tail) for a in arcs}
        kept = [a for a in arcs if (a.weekday, a.tail) in has_in and ((a.weekday + 1) % 7, a.head) in has_out]
        if len(kept) == len(arcs):
            return kept
        arcs = kept


# ---------------------------------------------------------------------------------------------------------
# The flow model and its lazy connectivity cuts.

Node = tuple[int, State]

SolverFactory = Callable[[], cp_model.CpSolver]


def _default_solver(workers: int, seconds: float) -> cp_model.CpSolver:
    solver = new_solver(Settings(workers=workers), seconds, interleave=False)
    # The LP of the flow (with its connectivity rows) proves the hard infeasible instances sooner.
    solver.parameters.linearization_level = 2
    return solver


def solve_cycle(
    problem: CycleProblem, time_limit: float = 60.0, workers: int = 2,
    solver_factory: SolverFactory | None = None, cut_rounds: int = 4,
    accept: Callable[[list[list[str]]], bool] | None = None, phases: bool | None = None,
) -> CycleResult:
    """Find a cycle (the best one when the problem has weights), or prove that none exists.

    Connectivity is first added lazily, as cuts; after `cut_rounds` disconnected answers the model gets a
    complete connectivity flow as well, so that a long chain of cuts cannot stall it. `accept` may turn a cycle
    down (a design judges its year): that flow of arcs is then excluded and the search goes on.

    When the number of blocks has little room (`block_slack`), a search without the phase count goes first for
    a few seconds and the rest of the time goes to one with it (`phases` None); True or False forces either."""
    began = time.monotonic()
    slack = block_slack(problem)
    if slack < 0:
        return CycleResult(Status.INFEASIBLE, time.monotonic() - began,
                           note="the days worked and off cannot be cut into blocks of the allowed lengths")
    if phases is not None or slack > TIGHT_BLOCKS or time_limit <= PLAIN_FIRST:
        return _solve_cycle(problem, time_limit, workers, solver_factory, cut_rounds, accept, bool(phases))
    first = _solve_cycle(problem, PLAIN_FIRST, workers, solver_factory, cut_rounds, accept, False)
    if first.status is not Status.UNKNOWN:
        return first
    second = _solve_cycle(problem, time_limit - (time.monotonic() - began), workers, solver_factory, cut_rounds,
                          accept, True)
    second.seconds = time.monotonic() - began
    second.iterations += first.iterations
    second.cuts += first.cuts
    second.note = (second.note + "; " if second.note else "") + "decided with the phase count"
    return second


def _solve_cycle(
    problem: CycleProblem, time_limit: float, workers: int, solver_factory: SolverFactory | None,
    cut_rounds: int, accept: Callable[[list[list[str]]], bool] | None, phases: bool,
) -> CycleResult:
    began = time.monotonic()
    for weekday in range(7):
        if problem.off_demand(weekday) < 0:
            return CycleResult(Status.INFEASIBLE, time.monotonic() - began,
                               note=f"demand on weekday {weekday + 1} exceeds the {problem.weeks} rows")
    arcs = compile_automaton(problem, phases)
    nodes = {(a.weekday, a.tail) for a in arcs}
    result = CycleResult(Status.UNKNOWN, 0.0, states=len(nodes), arcs=len(arcs))
    if not arcs:
        result.status, result.note = Status.INFEASIBLE, "no sequence of tokens obeys the rules"
        result.seconds = time.monotonic() - began
        return result

    model = cp_model.CpModel()
    n = problem.weeks
    count: list[cp_model.IntVar] = []
    for index, arc in enumerate(arcs):
        bound = problem.off_demand(arc.weekday) if arc.token == OFF else problem.demand[arc.token][arc.weekday]
        count.append(model.new_int_var(0, min(n, bound), f"x{index}"))
    outgoing: dict[Node, list[int]] = defaultdict(list)
    incoming: dict[Node, list[int]] = defaultdict(list)
    by_cover: dict[tuple[int, str], list[int]] = defaultdict(list)
    for index, arc in enumerate(arcs):
        outgoing[(arc.weekday, arc.tail)].append(index)
        incoming[((arc.weekday + 1) % 7, arc.head)].append(index)
        by_cover[(arc.weekday, arc.token)].append(index)
    for node in nodes:
        model.add(sum(count[i] for i in outgoing[node]) == sum(count[i] for i in incoming[node]))
    for weekday in range(7):
        needs = {OFF: problem.off_demand(weekday)} | {s.name: problem.demand[s.name][weekday]
                                                      for s in problem.shifts}
        for token, need in needs.items():
            members = by_cover.get((weekday, token), [])
            if need and not members:
                result.status, result.note = Status.INFEASIBLE, f"no rule-abiding way to cover {token} on {weekday}"
                result.seconds = time.monotonic() - began
                return result
            if members:
                model.add(sum(count[i] for i in members) == need)
    # Redundant: a node is used by at most n passes (one per week).
    for node in nodes:
        model.add(sum(count[i] for i in outgoing[node]) <= n)
    if phases:
        _add_phase_count(model, arcs, count)
    objective = [(a.penalty - problem.weights.free_weekend * a.free_weekend, count[i])
                 for i, a in enumerate(arcs) if a.penalty or (a.free_weekend and problem.weights.free_weekend)]
    if objective:
        model.minimize(sum(c * x for c, x in objective))

    mondays = [i for i, a in enumerate(arcs) if a.weekday == 0]
    optimising = bool(objective)
    flow_added = False
    while True:
        if not flow_added and result.iterations >= cut_rounds:
            _add_connectivity_flow(model, arcs, count, outgoing, incoming, nodes)
            flow_added = True
        remaining = time_limit - (time.monotonic() - began)
        if remaining <= 0.01:
            break
        if solver_factory is not None:
            solver = solver_factory()
            solver.parameters.num_workers = workers
            solver.parameters.max_time_in_seconds = remaining
        else:
            solver = _default_solver(workers, remaining)
        status = solver.solve(model)
        result.iterations += 1
        if status == cp_model.INFEASIBLE:
            result.status = Status.INFEASIBLE
            break
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        values = [solver.value(x) for x in count]
        components = _components(arcs, values)
        if len(components) == 1:
            rows = _euler_rows(arcs, values, n, spread=problem.weights.free_weekend > 0)
            if accept is not None and not accept(rows):
                _exclude(model, count, values)
                result.note = "a cycle was turned down"
                continue
            result.rows = rows
            proven = status == cp_model.OPTIMAL or not optimising
            result.status = Status.FOUND if proven else Status.FEASIBLE
            result.objective = round(solver.objective_value) if optimising else None
            break
        for component in components:
            inside = {node for node in component}
            leaving = [i for i, a in enumerate(arcs)
                       if (a.weekday, a.tail) in inside and ((a.weekday + 1) % 7, a.head) not in inside]
            monday_flow = [i for i in mondays if (0, arcs[i].tail) in inside]
            connected = model.new_bool_var(f"leaves{result.cuts}")
            model.add(sum(count[i] for i in leaving) >= 1).only_enforce_if(connected)
            model.add_linear_expression_in_domain(
                sum(count[i] for i in monday_flow), cp_model.Domain.from_values([0, n])
            ).only_enforce_if(connected.Not())
            result.cuts += 1
    result.seconds = time.monotonic() - began
    return result


def block_slack(problem: CycleProblem) -> int:
    """How many more work blocks the cycle could hold than it must, from the days worked and off alone."""
    work = sum(sum(problem.demand[s.name]) for s in problem.shifts)
    off = 7 * problem.weeks - work
    (low_work, high_work), (low_off, high_off) = problem.work_block, problem.off_block
    fewest = max(-(-work // high_work), -(-off // high_off))
    most = min(work // low_work, off // low_off)
    return most - fewest


def _add_phase_count(model: cp_model.CpModel, arcs: list[Arc], count: list[cp_model.IntVar]) -> None:
    """Redundant, true of any single cyclic sequence: work blocks start on k different weekdays only if at
    least k of them (k >= 2) follow a work block and off block whose days are not a multiple of 7: the weekday
    of a block's start changes only there. Decides the instances where the block counts leave no slack."""
    starts_on = [[count[i] for i, a in enumerate(arcs) if a.block_start and a.weekday == d] for d in range(7)]
    changes = sum(count[i] for i, a in enumerate(arcs) if a.phase_change)
    used = []
    for starts in starts_on:
        if not starts:
            continue
        some = model.new_bool_var("")
        model.add(sum(starts) >= 1).only_enforce_if(some)
        model.add(sum(starts) == 0).only_enforce_if(some.Not())
        used.append(some)
    if len(used) < 2:
        return
    single = model.new_bool_var("")
    model.add(sum(used) <= 1).only_enforce_if(single)
    model.add(changes + single >= sum(used))


def _exclude(model: cp_model.CpModel, count: list[cp_model.IntVar], values: list[int]) -> None:
    """No later answer may use exactly these arc counts."""
    differs = []
    for variable, value in zip(count, values, strict=True):
        if value:
            changed = model.new_bool_var("")
            model.add(variable != value).only_enforce_if(changed)
            differs.append(changed)
    unused = [variable for variable, value in zip(count, values, strict=True) if not value]
    if unused:
        elsewhere = model.new_bool_var("")
        model.add(sum(unused) >= 1).only_enforce_if(elsewhere)
        differs.append(elsewhere)
    model.add_bool_or(differs)


def _add_connectivity_flow(
    model: cp_model.CpModel, arcs: list[Arc], count: list[cp_model.IntVar],
    outgoing: Mapping[Node, list[int]], incoming: Mapping[Node, list[int]], nodes: set[Node],
) -> None:
    """A single-commodity flow from one used Monday node (the root) reaching every used node along used
    arcs: the used arcs then form one closed walk."""
    size = len(nodes)
    ordered = sorted(nodes, key=lambda node: (node[0], repr(node[1])))
    used = {node: model.new_bool_var("") for node in ordered}
    for node, literal in used.items():
        total = sum(count[i] for i in outgoing[node])
        model.add(total >= 1).only_enforce_if(literal)
        model.add(total == 0).only_enforce_if(literal.Not())
    carried = [model.new_int_var(0, size, "") for _ in arcs]
    for index, value in enumerate(carried):
        model.add(value <= size * count[index])
    roots = {node: model.new_bool_var("") for node in ordered if node[0] == 0}
    model.add_exactly_one(roots.values())
    mondays_seen: list[cp_model.IntVar] = []
    for node, root in roots.items():
        model.add_implication(root, used[node])
        for earlier in mondays_seen:  # the root is the first used Monday node: no choice left open
            model.add_implication(root, earlier.Not())
        mondays_seen.append(used[node])
    for node in ordered:
        net_in = sum(carried[i] for i in incoming[node]) - sum(carried[i] for i in outgoing[node])
        if node in roots:
            model.add(net_in >= used[node] - size * roots[node])
        else:
            model.add(net_in >= used[node])


def _components(arcs: list[Arc], values: list[int]) -> list[set[Node]]:
    """Connected parts of the used arcs (each is a union of closed walks)."""
    parent: dict[Node, Node] = {}

    def find(node: Node) -> Node:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for arc, value in zip(arcs, values, strict=True):
        if value:
            a, b = find((arc.weekday, arc.tail)), find(((arc.weekday + 1) % 7, arc.head))
            if a != b:
                parent[a] = b
    groups: dict[Node, set[Node]] = defaultdict(set)
    for node in list(parent):
        groups[find(node)].add(node)
    return list(groups.values())


def _euler_circuit(arcs: list[Arc], values: list[int], rng: random.Random | None = None) -> list[int]:
    """The used arcs as one closed walk from a Monday node (Hierholzer); `rng` shuffles the choices."""
    left: dict[Node, list[int]] = defaultdict(list)
    for index, (arc, value) in enumerate(zip(arcs, values, strict=True)):
        left[(arc.weekday, arc.tail)].extend([index] * value)
    if rng is not None:
        for choices in left.values():
            rng.shuffle(choices)
    start = next(node for node in left if node[0] == 0 and left[node])
    stack: list[tuple[Node, int | None]] = [(start, None)]
    circuit: list[int] = []
    while stack:
        node, via = stack[-1]
        if left[node]:
            index = left[node].pop()
            arc = arcs[index]
            stack.append((((arc.weekday + 1) % 7, arc.head), index))
        else:
            stack.pop()
            if via is not None:
                circuit.append(via)
    circuit.reverse()
    return circuit


def _longest_wait(circuit: list[int], arcs: list[Arc], weeks: int) -> int:
    """Weeks between free weekends, the longest, around the cycle."""
    free = [position // 7 for position, index in enumerate(circuit) if arcs[index].free_weekend]
    if not free:
        return weeks
    return max((b - a) % weeks or weeks for a, b in zip(free, [*free[1:], free[0]], strict=True))


def _euler_rows(arcs: list[Arc], values: list[int], weeks: int, spread: bool = False) -> list[list[str]]:
    """The cycle, seven tokens a row. Every Euler circuit of the flow is a cycle with the same counts; when
    `spread` is asked, the one (of a few tried) whose free weekends are most evenly spread is kept."""
    best = _euler_circuit(arcs, values)
    if spread:
        rng = random.Random(0)
        for _ in range(SPREAD_TRIES):
            other = _euler_circuit(arcs, values, rng)
            if _longest_wait(other, arcs, weeks) < _longest_wait(best, arcs, weeks):
                best = other
    tokens = [arcs[i].token for i in best]
    assert len(tokens) == 7 * weeks
    return [tokens[7 * w:7 * w + 7] for w in range(weeks)]


def flatten(rows: Iterable[list[str]]) -> list[str]:
    return [token for row in rows for token in row]


def problem_from_rws(instance: RwsInstance) -> CycleProblem:
    """The benchmark's instance as a cycle problem: its rules are exactly the model's."""
    return CycleProblem(
        weeks=instance.employees,
        shifts=tuple(ShiftSpec(s.name, s.start, s.length, s.min_block, s.max_block) for s in instance.shifts),
        demand=dict(instance.demand),
        work_block=(instance.min_work, instance.max_work),
        off_block=(instance.min_off, instance.max_off),
        forbidden=frozenset({(a, 0, b, ANY_DAY) for a, b in instance.forbidden2}
                            | {(a, 1, c, ANY_DAY) for a, c in instance.forbidden3}),
        name=instance.name,
    )
