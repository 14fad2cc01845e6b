"""Column generation over people's schedules: lower bounds with a proof, and rosters from the columns."""

from roulement.solve.colgen.engine import Bound, generate, plan_colgen

__all__ = ["Bound", "generate", "plan_colgen"]
