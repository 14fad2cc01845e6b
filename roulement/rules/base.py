"""What a rule is: written once, it both judges a roster (`check`, `cost`) and constrains the solver (`encode`).

`check` reads a `Timeline` (worked intervals derived from the roster) and knows nothing of the solver.
`encode` speaks to an `Encoder`, a narrow interface the solver implements; rules never import `solve/`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from ortools.sat.python import cp_model

from roulement.model.calendar import Calendar, Occurrence
from roulement.model.roster import Timeline
from roulement.model.scenario import Employee, Post, RuleMode, Scenario

Literal = Any  # a CP-SAT Boolean literal (BoolVar or its negation)
Terms = Sequence[tuple[int, Literal]]
T = TypeVar("T")


@dataclass(frozen=True)
class Violation:
    """A hard rule broken by a roster: who, when, which rule, under which law, and what happened."""

    rule: str
    reference: str
    message: str
    employee: str | None = None
    dates: tuple[dt.date, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "reference": self.reference,
            "employee": self.employee,
            "dates": [d.isoformat() for d in self.dates],
            "message": self.message,
            "details": self.details,
        }


@dataclass(frozen=True)
class Cost:
    """A soft rule's price on a roster, under an objective term."""

    term: str
    amount: int
    employee: str | None = None
    dates: tuple[dt.date, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Scope:
    """Where a hard constraint applies beyond its rule (a post, a shift, a day, an item such as a safety
    minimum's id or a household's): what groups it when the solver looks for conflicting constraints."""

    post: str = ""
    shift: str = ""
    day: int | None = None
    item: str = ""


EVERYWHERE = Scope()


@dataclass(frozen=True)
class MinuteCap:
    """The most minutes one person may work over a horizon under one rule alone."""

    minutes: float
    # A weekly average over several weeks (the law's long-run limit), not a limit on every week.
    averaged: bool = False
    # The rule binds night workers only.
    night_workers_only: bool = False


class Encoder(Protocol):
    """The solver side as rules see it: literals for who works when, and ways to add constraints."""

    scenario: Scenario
    calendar: Calendar
    model: cp_model.CpModel

    def works(self, employee: str, day: int, shift: str) -> Literal | None:
        """The literal 'employee works shift on day', or None when that can never happen."""

    def works_day(self, employee: str, day: int) -> Terms:
        """Terms summing to 1 when the employee starts a shift on that day (at most one shift a day)."""

    def assigned(self, employee: str, day: int, shift: str, post: str) -> Literal | None:
        """The literal 'employee holds post on shift and day', or None."""

    def post_holders(self, day: int, shift: str, post: str) -> Terms:
        """Terms counting the people holding the post on that shift and day."""

    def shift_workers(self, day: int, shift: str) -> list[tuple[str, Literal]]:
        """(employee, literal) for everybody who may work that shift on that day."""

    def shifts_of(self, employee: str) -> list[tuple[Occurrence, Literal]]:
        """Every (occurrence, literal) the employee may work, in time order."""

    def at_most(
        self, rule: Rule, terms: Terms, bound: int, label: str, only_if: Sequence[Literal] = (), unit: int = 1,
        scope: Scope = EVERYWHERE,
    ) -> None:
        """sum(terms) <= bound when all `only_if` literals hold: hard, or a priced excess when soft.

        A soft excess is priced per started `unit` (60 for minute terms priced by the hour, as checks do)."""

    def at_least(
        self, rule: Rule, terms: Terms, bound: int, label: str, shortfall_term: str | None = None,
        unit: int = 1, scope: Scope = EVERYWHERE,
    ) -> None:
        """sum(terms) >= bound; `shortfall_term` lets the solver price a shortfall instead of failing.

        A soft shortfall is priced per started `unit`, like `at_most`'s excess."""

    def forbid_all(self, rule: Rule, literals: Sequence[Literal], label: str, amount: int = 1,
                   scope: Scope = EVERYWHERE) -> None:
        """Not all of these literals may hold together; when soft, all holding costs `amount` x weight."""

    def breach_when_all(self, rule: Rule, literals: Sequence[Literal], label: str, price: int, hard: bool = True,
                        scope: Scope = EVERYWHERE) -> None:
        """Not all of these literals together. Hard when the rule is (and `hard`); else a breach literal that
        holds exactly when they all do costs `price`, so the solver's price is the checker's to the unit."""

    def apart(self, first: str, second: str, day: int) -> Literal | None:
        """A literal holding exactly when one of the two works on `day` and the other does not (None when
        neither may work then); made once per pair and day, whoever asks."""

    def add_cost(self, term: str, terms: Terms, constant: int = 0) -> None:
        """Add a priced quantity to the objective under a named term."""

    def new_bool(self, name: str) -> Literal: ...

    def new_int(self, low: int, high: int, name: str) -> Any: ...

    def cached(self, key: Any, factory: Callable[[], T]) -> T: ...


# What a rule is, not how it is tuned: never listed or set as a parameter.
NOT_PARAMETERS = ("id", "title", "reference")


class ParameterError(ValueError):
    """A rule parameter the rule does not have, or of the wrong kind; `code` and `params` word it again."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class Rule(ABC):
    """One rule of law, plant or contract. Subclasses set `id`, `reference`, `title` and the three methods.

    `mode` and `weight` come from the scenario's settings; `params` are the rule's own numbers.
    """

    id: ClassVar[str]
    reference: str = ""
    title: ClassVar[str] = ""
    # A rule is hard by default; soft rules are priced in the objective; off rules do nothing.
    mode: RuleMode = RuleMode.HARD
    # The modes this rule can honour; a setting asking for another is refused rather than ignored.
    modes: ClassVar[frozenset[RuleMode]] = frozenset(RuleMode)
    weight: int = 1

    def configure(self, mode: RuleMode | None, weight: int | None, params: dict[str, Any]) -> None:
        if mode is not None:
            self.mode = mode
        if weight is not None:
            self.weight = weight
        for name, value in params.items():
            if (name.startswith("_") or name in NOT_PARAMETERS or not hasattr(self, name)
                    or callable(getattr(self, name))):
                raise ParameterError("unknown_rule_parameter", f"rule {self.id} has no parameter {name!r}",
                                     rule=self.id, name=name, known=", ".join(sorted(self.params())))
            current = getattr(self, name)
            numbers = (int, float)
            same_kind = isinstance(value, type(current)) or (
                isinstance(current, numbers) and isinstance(value, numbers) and not isinstance(value, bool)
            )
            if current is not None and not same_kind:
                raise ParameterError("rule_parameter_kind", f"rule {self.id}: parameter {name!r} must be "
                                     f"{type(current).__name__}", rule=self.id, name=name,
                                     kind=type(current).__name__)
            setattr(self, name, value)

    def params(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in vars(self).items()
            if not name.startswith("_") and name not in ("mode", "weight", *NOT_PARAMETERS)
        }

    @abstractmethod
    def check(self, timeline: Timeline) -> list[Violation]:
        """Hard breaches of this rule in the roster (none when the rule is soft or off)."""

    def cost(self, timeline: Timeline) -> list[Cost]:
        """What the roster pays under this rule's soft side."""
        return []

    @abstractmethod
    def encode(self, encoder: Encoder) -> None:
        """Add this rule to the solver's model."""

    def minute_cap(self, employee: Employee, scenario: Scenario, days: int) -> MinuteCap | None:
        """The most minutes `employee` may work over `days` days under this rule alone (None: no cap).
        Capacity and explanations read people's limits from here, never from parameter names."""
        return None

    def permits(self, employee: Employee, occurrence: Occurrence, post: Post) -> bool:
        """False when this hard rule alone rules the assignment out (the solver then makes no variable)."""
        return True

    def violation(
        self, message: str, employee: str | None = None, dates: Sequence[dt.date] = (), **details: Any
    ) -> Violation:
        return Violation(self.id, self.reference, message, employee, tuple(dates), details)

    def soft_cost(self, amount: int, employee: str | None, dates: Sequence[dt.date], note: str) -> Cost:
        return Cost(self.id, amount * self.weight, employee, tuple(dates), note)


class PerEmployeeRule(Rule):
    """A rule judged person by person: `breaches` lists (amount, message, dates) for one employee."""

    def check(self, timeline: Timeline) -> list[Violation]:
        if self.mode is not RuleMode.HARD:
            return []
        return [
            self.violation(message, employee.id, dates, amount=amount)
            for employee in timeline.scenario.employees
            for amount, message, dates in self.breaches(timeline, employee)
        ]

    def cost(self, timeline: Timeline) -> list[Cost]:
        if self.mode is not RuleMode.SOFT:
            return []
        return [
            self.soft_cost(amount, employee.id, dates, message)
            for employee in timeline.scenario.employees
            for amount, message, dates in self.breaches(timeline, employee)
        ]

    @abstractmethod
    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        """Each breach by one employee: how much (its soft price unit), a sentence, and the dates."""


class Said(str):
    """A rule's finding in English, with the catalogue key and parameters a report writes it from in another
    language (`report.messages.finding_text`, catalogue entries `finding:<key>`). It is the English sentence
    everywhere a plain string is expected."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, english: str, **params: Any) -> Said:
        said = super().__new__(cls, english.format(**params))
        said.key = key
        said.params = params
        return said

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (process pools, Ray) with its key and parameters, not as the bare sentence.
        return (_said, (self.key, str(self), self.params))


def _said(key: str, text: str, params: dict[str, Any]) -> Said:
    said = Said.__new__(Said, key, "{text}", text=text)
    said.params = params
    return said


def hours(minutes: float) -> str:
    """'7 h 30' style, for messages."""
    whole, rest = divmod(round(minutes), 60)
    return f"{whole} h {rest:02d}" if rest else f"{whole} h"
