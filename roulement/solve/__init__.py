"""CP-SAT model building and search."""

from roulement.solve.search import Progress, SolveOptions, SolveResult, solve

__all__ = ["Progress", "SolveOptions", "SolveResult", "solve"]
