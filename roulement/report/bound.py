"""How a lower bound reads in reports and on the terminal: "at most 0.4 % above the best possible"."""

from __future__ import annotations

from typing import Any


def gap_percent(cost: float, bound: float) -> float:
    """How far above the best possible a roster of this cost can be, at most, in per cent."""
    if cost <= 0:
        return 0.0
    return max(0.0, 100.0 * (cost - bound) / cost)


def describe(solver: dict[str, Any] | None, total: float | None) -> str | None:
    """One sentence on the bound in a report's `solver` block (None when no bound was proven). A bound that
    covers only some terms is compared with the roster's cost on those terms, and says which it leaves out."""
    if not solver or solver.get("bound") is None:
        return None
    bound = float(solver["bound"])
    excludes = solver.get("bound_excludes") or []
    cost = solver.get("bound_covered_cost") if excludes else total
    if cost is None:
        return f"lower bound {bound:,.0f} ({solver.get('bound_kind')})"
    covers = "" if not excludes else f" on the terms that decompose by person (leaving out {', '.join(excludes)})"
    return (f"cost {float(cost):,.0f}{covers}, at most {gap_percent(float(cost), bound):.1f} % above the best "
            f"possible (lower bound {bound:,.0f})")
