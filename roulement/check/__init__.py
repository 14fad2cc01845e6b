"""The independent rule checker."""

from roulement.check.checker import CheckResult, check_roster

__all__ = ["CheckResult", "check_roster"]
