"""The independent judge: runs every rule's `check` and `cost` on a roster. It never looks at the solver."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from roulement.model.roster import Assignment, Timeline
from roulement.model.scenario import Scenario
from roulement.rules.base import Cost, Rule, Violation
from roulement.rules.packs import build_rules


@dataclass
class CheckResult:
    violations: list[Violation]
    costs: list[Cost]

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def objective(self) -> dict[str, int]:
        """The roster's cost by term, recomputed from the roster itself."""
        terms: dict[str, int] = defaultdict(int)
        for cost in self.costs:
            terms[cost.term] += cost.amount
        return dict(sorted(terms.items()))

    @property
    def total(self) -> int:
        return sum(self.objective.values())

    def by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for violation in self.violations:
            counts[violation.rule] += 1
        return dict(sorted(counts.items()))


def check_roster(
    scenario: Scenario, roster: Iterable[Assignment], rules: Sequence[Rule] | None = None
) -> CheckResult:
    timeline = Timeline(scenario, roster)
    in_force = rules if rules is not None else build_rules(scenario)
    violations: list[Violation] = []
    costs: list[Cost] = []
    for rule in in_force:
        violations.extend(rule.check(timeline))
        costs.extend(rule.cost(timeline))
    return CheckResult(violations, costs)
