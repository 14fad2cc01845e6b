"""Which engine plans a scenario: CP-SAT over the whole model, or column generation over schedules.

Column generation is chosen where it is stronger: a fresh plan (no roster to stay close to) whose rules all
decompose by person and walk day by day, so pricing is exact and its bound is a proof over the whole
objective (Curtois–Qu and plants like it). Elsewhere CP-SAT plans; `--engine` forces either.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from roulement.rules.base import Rule
from roulement.solve.colgen.decompose import decompose


class Engine(StrEnum):
    AUTO = "auto"
    CPSAT = "cpsat"
    COLGEN = "colgen"


# Up to this many decisions (people x days x shift types), column generation beat the CP-SAT search within a
# minute on this machine: Curtois-Qu 1-11 (up to 8,400), with diving proving 10 and 11 optimal (CP-SAT search:
# 9.8 % and 44 % above). On 12 (16,800) its roster was worse than the CP-SAT search's in the side-by-side run
# (docs/benchmarks.md, issue 13 session 4). Above it, `auto` leaves the plan to CP-SAT.
COLGEN_MAX_DECISIONS = 8_400


def choose_engine(rules: Sequence[Rule], requested: str = Engine.AUTO, fresh: bool = True,
                  decisions: int = 0, hard_minimums: bool = False) -> Engine:
    """The engine to run: the requested one, or for `auto` column generation when it prices exactly and the
    scenario is small enough for it to converge (`decisions`: people x days x shift types). Hard cover
    minimums stay with CP-SAT, which propagates them and, when they cannot be met, proves it so the service
    can say why."""
    if requested != Engine.AUTO:
        return Engine(requested)
    if colgen_kind(rules, fresh, hard_minimums) and decisions <= COLGEN_MAX_DECISIONS:
        return Engine.COLGEN
    return Engine.CPSAT


def colgen_kind(rules: Sequence[Rule], fresh: bool = True, hard_minimums: bool = False) -> bool:
    """Whether a plan is column generation's kind, whatever its size: fresh, every rule personal and walked day
    by day or the cover's, and no hard cover minimum."""
    decomposition = decompose(rules)
    return fresh and decomposition.walkable and not decomposition.between and not hard_minimums

