"""The operations users ask for, shared by the command line and the web app; each returns a typed outcome.

plan, audit and the files they write (`service.plans`); replan, stress and capacity (`service.shocks`);
explain (`service.why`). The faces only present what these return.
"""

from roulement.service.plans import (
    AuditOutcome,
    PlanOutcome,
    UnknownExample,
    audit,
    example,
    explain_infeasibility,
    plan,
    solve,
    write_outputs,
)
from roulement.service.shocks import (
    ReplanOutcome,
    StressOutcome,
    capacity,
    replan,
    stress,
    write_replan,
    write_stress,
)
from roulement.service.why import explain_day, explain_household

__all__ = [
    "AuditOutcome",
    "PlanOutcome",
    "ReplanOutcome",
    "StressOutcome",
    "UnknownExample",
    "audit",
    "capacity",
    "example",
    "explain_day",
    "explain_household",
    "explain_infeasibility",
    "plan",
    "replan",
    "solve",
    "stress",
    "write_outputs",
    "write_replan",
    "write_stress",
]
