"""CP-SAT model building and search."""

from roulement.solve.engine import solve
from roulement.solve.options import SolveOptions, SolveResult
from roulement.solve.runtime import Progress

__all__ = ["Progress", "SolveOptions", "SolveResult", "solve"]
