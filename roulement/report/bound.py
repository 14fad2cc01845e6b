"""How a lower bound reads in reports and on the terminal: "at most 0.4 % above the best possible"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from roulement.model.costs import least_whole_cost


def gap_percent(cost: float, bound: float) -> float:
    """How far above the best possible a roster of this cost can be, at most, in per cent."""
    if cost <= 0:
        return 0.0
    return max(0.0, 100.0 * (cost - bound) / cost)


def split_excluded(excludes: list[str], terms: Mapping[str, float] | None) -> tuple[list[str], list[str]]:
    """The rules a bound leaves out, as (those that cost something in this roster, those that cost nothing):
    the first are what the gap hides; the second (often hard legal limits) only weaken the bound."""
    costly = [rule for rule in excludes if terms and terms.get(rule, 0) > 0]
    return costly, [rule for rule in excludes if rule not in costly]


def describe(solver: dict[str, Any] | None, total: float | None,
             terms: Mapping[str, float] | None = None) -> str | None:
    """One sentence on the bound in a report's `solver` block (None when no bound was proven). A bound that
    covers only some terms is compared with the roster's cost on those terms, and says which it leaves out:
    by name those that cost something in the roster (`terms`, the objective's), by count the others."""
    if not solver or solver.get("bound") is None:
        return None
    bound = least_whole_cost(float(solver["bound"]))
    excludes = solver.get("bound_excludes") or []
    cost = solver.get("bound_covered_cost") if excludes else total
    if cost is None:
        return f"lower bound {bound:,} ({solver.get('bound_kind')})"
    covers = ""
    if excludes:
        costly, free = split_excluded(excludes, terms) if terms is not None else (excludes, [])
        left_out = ", ".join(costly)
        if free:
            rules = f"rule{'s' if len(free) > 1 else ''} at no cost in this roster"
            left_out = f"{left_out}; and {len(free)} other {rules}" if costly else f"{len(free)} {rules}"
        covers = f" on the terms that decompose by person (leaving out {left_out})"
    return (f"cost {float(cost):,.0f}{covers}, at most {gap_percent(float(cost), bound):.1f} % above the best "
            f"possible (lower bound {bound:,})")
