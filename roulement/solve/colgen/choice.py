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
# minute on this machine: Curtois-Qu 1-7 (up to 1,680; with the dense pricing walk, Instance7 1,059 against
# 1,273). Beyond, it won on 9 (4,032 decisions: 449 against 768) but lost on 8 and 10-12, where its LP
# converges (bounds 4,380 to 4,040, the optimum on 11 and 12) but price-and-branch's rosters are worse
# (docs/benchmarks.md). Above it, `auto` leaves the plan to CP-SAT.
COLGEN_MAX_DECISIONS = 1_700


def choose_engine(rules: Sequence[Rule], requested: str = Engine.AUTO, fresh: bool = True,
                  decisions: int = 0, hard_minimums: bool = False) -> Engine:
    """The engine to run: the requested one, or for `auto` column generation when it prices exactly and the
    scenario is small enough for it to converge (`decisions`: people x days x shift types). Hard cover
    minimums stay with CP-SAT, which propagates them and, when they cannot be met, proves it so the service
    can say why."""
    if requested != Engine.AUTO:
        return Engine(requested)
    decomposition = decompose(rules)
    if (fresh and decomposition.walkable and not decomposition.between and not hard_minimums
            and decisions <= COLGEN_MAX_DECISIONS):
        return Engine.COLGEN
    return Engine.CPSAT

