"""The roster's price on the terms a bound covers (every rule but those tying people together)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from roulement.model.roster import Assignment, Timeline
from roulement.model.scenario import Scenario
from roulement.rules.base import Rule


def covered_cost(scenario: Scenario, roster: Iterable[Assignment], rules: Sequence[Rule],
                 excludes: Sequence[str]) -> float:
    """The checker's price of the roster on every rule but the excluded ones."""
    timeline = Timeline(scenario, roster)
    return float(sum(cost.amount for rule in rules if rule.id not in excludes for cost in rule.cost(timeline)))
