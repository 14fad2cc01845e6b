"""Builds one CP-SAT model from a scenario and the rules in force.

Variables: `works[e, d, s]` (person e starts shift s on day d) and, where a person could hold several posts,
`holds[e, d, s, p]` summing to it. A variable exists only where every rule `permits` it and some demand asks
for the post, so skills, absences and night eligibility shape the model rather than constrain it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ortools.sat.python import cp_model

from roulement.model.calendar import Calendar, Occurrence
from roulement.model.demand import demand_slots
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Post, RuleMode, Scenario
from roulement.rules.base import Literal, Rule, Terms
from roulement.solve.runtime import narrow

T = TypeVar("T")


def weighted(terms: Terms) -> Any:
    """sum(c * literal) built in one call: Python's sum() of products is the builder's slowest step."""
    if not terms:
        return 0
    return cp_model.LinearExpr.weighted_sum([lit for _, lit in terms], [c for c, _ in terms])

# A person-shift short of a minimum costs more than anything else a roster can trade against it.
SHORTFALL_WEIGHT = 100_000


@dataclass
class BuildOptions:
    allow_shortfall: bool = True
    shortfall_weight: int = SHORTFALL_WEIGHT
    hint: Roster | None = None
    # Days (indexes) whose assignments are frozen to `frozen` (re-planning keeps the past as it was).
    frozen_days: set[int] = field(default_factory=set)
    frozen: Roster | None = None
    # (employee, day) cells frozen to `frozen` as well: a re-plan's neighbourhood leaves the rest as published.
    frozen_cells: set[tuple[str, int]] = field(default_factory=set)


class ModelBuilder:
    """The solver's side of the `Encoder` interface rules encode themselves through."""

    def __init__(self, scenario: Scenario, rules: Sequence[Rule], options: BuildOptions | None = None) -> None:
        self.scenario = scenario
        self.rules = list(rules)
        self.options = options or BuildOptions()
        started = time.monotonic()
        self.calendar = Calendar(scenario)
        self.model = cp_model.CpModel()
        self.costs: dict[str, list[tuple[int, Any]]] = defaultdict(list)
        self.constants: dict[str, int] = defaultdict(int)
        self._cache: dict[Any, Any] = {}
        self._works: dict[tuple[str, int, str], Any] = {}
        self._holds: dict[tuple[str, int, str, str], Any] = {}
        self._shifts_of: dict[str, list[tuple[Occurrence, Any]]] = defaultdict(list)
        self._by_slot: dict[tuple[int, str, str], list[tuple[int, Any]]] = defaultdict(list)
        self._by_shift: dict[tuple[int, str], list[tuple[str, Any]]] = defaultdict(list)
        self._works_day: dict[tuple[str, int], list[tuple[int, Any]]] = defaultdict(list)
        # Slack of every minimum that may be priced instead of met, with its largest value.
        self.shortfalls: list[tuple[Any, int]] = []
        self._create_variables()
        for rule in self.rules:
            rule.encode(self)
        self._apply_hint()
        self.model.minimize(self.objective_expression())
        self.build_time = time.monotonic() - started

    # --- variables -------------------------------------------------------------------------------------
    def _create_variables(self) -> None:
        posts_wanted: dict[tuple[int, str], list[Post]] = defaultdict(list)
        for slot in demand_slots(self.scenario):
            post = self.scenario.post(slot.post)
            if post not in posts_wanted[(slot.day, slot.shift)]:
                posts_wanted[(slot.day, slot.shift)].append(post)
        # Only rules that override `permits` can rule anything out.
        permitting = [rule for rule in self.rules if type(rule).permits is not Rule.permits]
        frozen = self._frozen_choices()
        for employee in self.scenario.employees:
            for day in range(self.calendar.days):
                for shift in self.scenario.shifts:
                    occurrence = self.calendar.occurrence(day, shift.id)
                    fixed = day in self.options.frozen_days or (employee.id, day) in self.options.frozen_cells
                    if fixed:
                        choice = frozen.get((employee.id, day))
                        posts = [choice[1]] if choice is not None and choice[0] == shift.id else []
                    else:
                        posts = [
                            post.id
                            for post in posts_wanted.get((day, shift.id), [])
                            if all(rule.permits(employee, occurrence, post) for rule in permitting)
                        ]
                    if posts:
                        self._add_work_variable(employee.id, occurrence, posts, fixed=fixed)
            self._shifts_of[employee.id].sort(key=lambda pair: (pair[0].start, pair[0].end))

    def _add_work_variable(self, employee: str, occurrence: Occurrence, posts: list[str], fixed: bool) -> None:
        day, shift = occurrence.day, occurrence.shift
        works = self.model.new_bool_var(f"works[{employee},{day},{shift}]")
        if fixed:
            self.model.add(works == 1)
        self._works[(employee, day, shift)] = works
        self._works_day[(employee, day)].append((1, works))
        self._shifts_of[employee].append((occurrence, works))
        self._by_shift[(day, shift)].append((employee, works))
        if len(posts) == 1:
            self._holds[(employee, day, shift, posts[0])] = works
            self._by_slot[(day, shift, posts[0])].append((1, works))
            return
        holds = []
        for post in posts:
            literal = self.model.new_bool_var(f"holds[{employee},{day},{shift},{post}]")
            self._holds[(employee, day, shift, post)] = literal
            self._by_slot[(day, shift, post)].append((1, literal))
            holds.append(literal)
        self.model.add(sum(holds) == works)

    def _frozen_choices(self) -> dict[tuple[str, int], tuple[str, str]]:
        if self.options.frozen is None:
            return {}
        start = self.scenario.horizon.start
        return {(a.employee, (a.date - start).days): (a.shift, a.post) for a in self.options.frozen}

    def _apply_hint(self) -> None:
        if self.options.hint is None:
            return
        chosen: set[tuple[str, int, str, str]] = {
            (a.employee, (a.date - self.scenario.horizon.start).days, a.shift, a.post) for a in self.options.hint
        }
        worked = {(e, d, s) for e, d, s, _ in chosen}
        for key, literal in self._works.items():
            self.model.add_hint(literal, key in worked)
        for held, literal in self._holds.items():
            if literal is not self._works.get(held[:3]):
                self.model.add_hint(literal, held in chosen)

    # --- the Encoder interface -------------------------------------------------------------------------
    def works(self, employee: str, day: int, shift: str) -> Literal | None:
        return self._works.get((employee, day, shift))

    def works_day(self, employee: str, day: int) -> Terms:
        return self._works_day.get((employee, day), [])

    def assigned(self, employee: str, day: int, shift: str, post: str) -> Literal | None:
        return self._holds.get((employee, day, shift, post))

    def post_holders(self, day: int, shift: str, post: str) -> Terms:
        return self._by_slot.get((day, shift, post), [])

    def shift_workers(self, day: int, shift: str) -> list[tuple[str, Literal]]:
        return self._by_shift.get((day, shift), [])

    def shifts_of(self, employee: str) -> list[tuple[Occurrence, Literal]]:
        return self._shifts_of.get(employee, [])

    def at_most(
        self, rule: Rule, terms: Terms, bound: int, label: str, only_if: Sequence[Literal] = (), unit: int = 1
    ) -> None:
        expression = weighted(terms)
        if rule.mode is RuleMode.HARD:
            constraint = self.model.add(expression <= bound)
        else:
            ceiling = sum(c for c, _ in terms if c > 0)
            # Whole units, rounded up: 61 minutes over is 2 started hours, as the checker prices it.
            excess = self.model.new_int_var(0, max(-(-(ceiling - bound) // unit), 0), f"excess {label}")
            constraint = self.model.add(expression - unit * excess <= bound)
            self.add_cost(rule.id, [(rule.weight, excess)])
        if only_if:
            constraint.only_enforce_if(list(only_if))

    def at_least(
        self, rule: Rule, terms: Terms, bound: int, label: str, shortfall_term: str | None = None,
        unit: int = 1,
    ) -> None:
        expression = weighted(terms)
        priced_as: tuple[str, int] | None = None
        if rule.mode is not RuleMode.HARD:
            priced_as = (rule.id, rule.weight)
        elif shortfall_term is not None and self.options.allow_shortfall:
            priced_as = (shortfall_term, self.options.shortfall_weight)
            unit = 1
        if priced_as is None:
            self.model.add(expression >= bound)
            return
        short = self.model.new_int_var(0, max(-(-bound // unit), 0), f"short {label}")
        self.model.add(expression + unit * short >= bound)
        self.add_cost(priced_as[0], [(priced_as[1], short)])
        if priced_as[0] == shortfall_term:
            self.shortfalls.append((short, bound))

    def forbid_all(self, rule: Rule, literals: Sequence[Literal], label: str, amount: int = 1) -> None:
        clause = [literal.Not() for literal in literals]
        if rule.mode is RuleMode.HARD:
            self.model.add_bool_or(clause)
            return
        breach = self.model.new_bool_var(f"breach {label}")
        self.model.add_bool_or([*clause, breach])
        self.add_cost(rule.id, [(rule.weight * amount, breach)])

    def add_cost(self, term: str, terms: Terms, constant: int = 0) -> None:
        self.costs[term].extend(terms)
        self.constants[term] += constant

    def new_bool(self, name: str) -> Literal:
        return self.model.new_bool_var(name)

    def new_int(self, low: int, high: int, name: str) -> Any:
        return self.model.new_int_var(low, high, name)

    def cached(self, key: Any, factory: Callable[[], T]) -> T:
        if key not in self._cache:
            self._cache[key] = factory()
        return self._cache[key]  # type: ignore[no-any-return]

    def allow_shortfalls(self, allowed: bool) -> None:
        """Pin every priced minimum's slack to 0 (minimums are hard) or free it again, in place.

        Solving first with the slack pinned lets CP-SAT propagate the minimums; freeing it afterwards reuses
        the same model instead of building a second one.
        """
        for variable, bound in self.shortfalls:
            narrow(self.model, variable.index, 0, bound if allowed else 0)

    # --- reading back ----------------------------------------------------------------------------------
    def objective_expression(self) -> Any:
        every = [term for terms in self.costs.values() for term in terms]
        return weighted(every) + sum(self.constants.values())

    def term_values(self, value: Callable[[Any], int]) -> dict[str, int]:
        return {name: sum(c * value(v) for c, v in terms) + self.constants[name]
                for name, terms in sorted(self.costs.items())}

    def roster(self, is_true: Callable[[Any], bool]) -> Roster:
        assignments = [
            Assignment(employee, self.calendar.dates[day], shift, post)
            for (employee, day, shift, post), literal in self._holds.items()
            if is_true(literal)
        ]
        return Roster(sorted(assignments))

    def work_literals(self) -> dict[tuple[str, int, str], Any]:
        """(employee, day, shift) -> its `works` variable: the decisions a search strategy fixes or frees."""
        return dict(self._works)

    @property
    def variable_count(self) -> int:
        return len(self.model.proto.variables)
