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


def choose_engine(rules: Sequence[Rule], requested: str = Engine.AUTO, fresh: bool = True) -> Engine:
    """The engine to run: the requested one, or for `auto` column generation when it prices exactly."""
    if requested != Engine.AUTO:
        return Engine(requested)
    decomposition = decompose(rules)
    if fresh and decomposition.walkable and not decomposition.between:
        return Engine.COLGEN
    return Engine.CPSAT
