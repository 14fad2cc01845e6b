"""Planning a period after another: the previous period's last days, as worked, are fixed history the plan keeps
to, so a rule across the boundary (the daily rest after a late shift, runs of days, the weekly rest) is kept, not
merely flagged afterwards.

The solver models one horizon. `plan_following` plans the period as any other (`service.plan`, plan by exception
where crews follow a cycle), then finds the violations the carried days add, takes those shifts out and re-plans
their people (and whoever could fill the holes) on the horizon stretched back over the carried days, with the
re-plan's machinery: those days frozen, every rule encoded over the whole stretch, so it sees the boundary as it
sees any other day. The carried days are dropped from the answer: the roster is the period's own.

`plan_whole_stretch` plans the whole stretch at once (every day of the period free for everyone): exact, and
quick on a small plant, but on KOS (289 people, 28 days) CP-SAT found no roster of it in 30 s, where
`plan_following` gave a fully covered one with no violation (docs/benchmarks.md).

The web's plan job (a rolled-forward scenario, `plan_after`) and the command line's `plan --after PREVIOUS.csv`
both come here.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from roulement.check.checker import check_roster
from roulement.formats.periods import CARRIED_DAYS as CARRIED_DAYS  # re-exported: the CLI reads it here
from roulement.formats.periods import next_period_data
from roulement.formats.scenario_yaml import scenario_from_data
from roulement.model.calendar import Calendar
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.document import build_report
from roulement.rules.base import Violation
from roulement.rules.contract import ContractHours
from roulement.rules.follow_cycle import FollowCycle
from roulement.rules.packs import build_rules
from roulement.rules.replan import KeepPublished
from roulement.service.plans import PlanOutcome, plan
from roulement.solve.engine import solve
from roulement.solve.options import SolveOptions, SolveResult
from roulement.solve.replan import neighbourhood, repair
from roulement.solve.replan import replan as replan_solve
from roulement.solve.runtime import Progress


def carried_days(previous: Roster, scenario: Scenario, days: int = CARRIED_DAYS) -> Roster:
    """The previous period's last `days` days before `scenario`'s horizon, for the people still in it."""
    start = scenario.horizon.start
    return Roster([a for a in previous
                   if scenario.has_employee(a.employee) and start - dt.timedelta(days=days) <= a.date < start])


def next_period(scenario: Scenario) -> Scenario:
    """The plant's next period: the same site, people, shifts, posts and demand over as many days from the day
    after this horizon. What belongs to the old period goes: requests and dated demand outside the new horizon,
    absences that ended before it (as the web's roll-forward does)."""
    return scenario_from_data(next_period_data(scenario.model_dump(mode="json")), "next period")


@dataclass
class AfterHistory:
    """The period's roster (None when none was found) and the solve that made it, on the stretched horizon."""

    roster: Roster | None
    result: SolveResult


def stretched(scenario: Scenario, first_carried: dt.date, carried: Roster | None = None) -> Scenario:
    """The scenario with its horizon starting on `first_carried` and ending where it ended (validated anew, so
    every date-dependent part, such as the public holidays, is computed for the stretch).

    With `carried`, each contract's hours over the stretch are the period's own plus what the person worked in the
    carried days: the hard bounds (min and max minutes) exactly, the soft target by scaling the weekly hours. So the
    carried days neither owe nor excuse hours in the period."""
    data = scenario.model_dump(mode="json")
    back = (scenario.horizon.start - first_carried).days
    data["horizon"] = {**data["horizon"], "start": first_carried.isoformat(), "days": scenario.horizon.days + back}
    if carried is not None:
        calendar = Calendar(scenario)
        worked: dict[str, int] = {}
        for a in carried:
            day = (a.date - scenario.horizon.start).days
            worked[a.employee] = worked.get(a.employee, 0) + calendar.occurrence(day, a.shift).worked
        rule, period = ContractHours(), scenario.horizon.days
        for employee, row in zip(scenario.employees, data["employees"], strict=True):
            low, high, target = rule.bounds(employee, period, scenario.horizon.start)
            before = worked.get(employee.id, 0)
            contract = row.setdefault("contract", {})
            if low is not None:
                contract["min_minutes"] = low + before
            if high is not None:
                contract["max_minutes"] = high + before
            _, _, stretch_target = rule.bounds(employee, period + back, first_carried)
            if target is not None and stretch_target:
                weekly = employee.contract.weekly_hours * (target + before) / stretch_target
                if 0 < weekly <= 60:
                    contract["weekly_hours"] = weekly
    return scenario_from_data(data, "scenario")


def plan_after(scenario: Scenario, carried: Roster, options: SolveOptions,
               on_progress: Callable[[Progress], None] | None = None,
               stop: threading.Event | None = None) -> AfterHistory:
    """Plan `scenario`'s period with `carried` (the previous period's last days, before its horizon) fixed:
    `plan_following`'s roster and solve (the web's plan job)."""
    outcome = plan_following(scenario, carried, options, on_progress=on_progress, stop=stop)
    return AfterHistory(outcome.roster, outcome.result)


def plan_whole_stretch(scenario: Scenario, carried: Roster, options: SolveOptions,
                       on_progress: Callable[[Progress], None] | None = None,
                       stop: threading.Event | None = None) -> AfterHistory:
    """Plan `scenario`'s period with `carried` fixed, every day of the period free for everyone, in one solve on
    the stretched horizon (see the module's note: exact, but too big for KOS in 30 s)."""
    first = scenario.horizon.start
    history = Roster([a for a in carried if a.date < first])
    if not history.assignments:
        raise ValueError("plan_after: nothing carried before the horizon")
    whole = stretched(scenario, min(a.date for a in history), history)
    replanned = replan_solve(whole, history, first, options, whole=True, on_progress=on_progress, stop=stop)
    roster = replanned.roster
    own = None if roster is None else Roster([a for a in roster if a.date >= first])
    return AfterHistory(own, replanned.result)


def plan_following(scenario: Scenario, previous: Roster, options: SolveOptions,
                   on_progress: Callable[[Progress], None] | None = None,
                   stop: threading.Event | None = None) -> PlanOutcome:
    """Plan `scenario`'s period after `previous` (its last CARRIED_DAYS days are carried), judged by the
    independent checker with the carried days in front of the period's roster, and reported.

    The period is planned as any other (`service.plan`: plan by exception where crews follow a cycle) in most of
    the time; the shifts that break a rule only because of the carried days (found as the violations the carried
    days add) are then taken out and the hole they leave is re-planned locally around them (`solve.replan`, on the
    horizon stretched over the carried days, those days frozen). `plan_after` plans the whole stretch at once
    instead: exact, but on KOS (289 people) CP-SAT found no roster of it in 30 s."""
    began = time.monotonic()
    carried = carried_days(previous, scenario)
    if not carried.assignments:
        raise ValueError("plan_following: nothing carried before the horizon")
    first = scenario.horizon.start
    share = replace(options, time_limit=max(options.time_limit * PLAN_SHARE, 1.0))
    planned = plan(scenario, share, on_progress=on_progress, stop=stop)
    result, roster = planned.result, planned.roster
    if roster is None:
        return PlanOutcome(scenario, result, None, None, explanations=planned.explanations)
    # The plan's own verdict on the period alone; the carried days in front add the rest.
    alone = {_said(v) for v in (planned.checked or check_roster(scenario, roster)).violations}
    checked = check_roster(scenario, Roster([*carried, *roster]))
    across = [v for v in checked.violations if _said(v) not in alone and v.employee is not None]
    notes = [result.note] if result.note else []
    if across and not (stop is not None and stop.is_set()):
        left = max(options.time_limit - (time.monotonic() - began), MIN_REPAIR_SECONDS)
        repaired, dropped = repair_boundary(scenario, carried, roster, across, replace(options, time_limit=left),
                                            on_progress, stop)
        if repaired.roster is not None:
            roster = Roster([a for a in repaired.roster if a.date >= first])
        notes.append(f"{len(across)} rules broken across the boundary with the carried days: "
                     f"{len(dropped)} shifts taken out and their people re-planned ({repaired.status})")
        result = replace(result, roster=roster, wall_time=time.monotonic() - began, note="; ".join(notes))
        checked = check_roster(scenario, Roster([*carried, *roster]))
    report = build_report(scenario, roster, checked, solver=result.as_dict())
    report["carried"] = {"days": CARRIED_DAYS, "from": min(a.date for a in carried).isoformat(),
                         "shifts": len(carried), "across_before_repair": len(across)}
    return PlanOutcome(scenario, result, checked, report)


def repair_boundary(scenario: Scenario, carried: Roster, roster: Roster, across: list[Violation],
                    options: SolveOptions, on_progress: Callable[[Progress], None] | None = None,
                    stop: threading.Event | None = None) -> tuple[SolveResult, set[tuple[str, dt.date]]]:
    """Re-plan `roster` where the carried days make it unlawful: the shifts of `across` on or after the first day
    are taken out (the first day's, for a breach dated within the carried days only); their people are free over
    the whole period (to make up their hours), whoever could fill a hole they leave is free around it
    (`solve.replan.neighbourhood`) and over the period's first week; everyone else keeps the roster. Solved on
    the horizon stretched over the carried days, those days frozen, changes priced as in a re-plan."""
    first = scenario.horizon.start
    dropped = {(str(v.employee), day) for v in across for day in v.dates if day >= first}
    # A breach dated within the carried days only (the weekly rest of their last week, which the period's first
    # shift cuts short): the person's first day of the period goes.
    dropped |= {(str(v.employee), first) for v in across if not any(day >= first for day in v.dates)}
    people = {str(v.employee) for v in across}
    kept = Roster([a for a in roster if (a.employee, a.date) not in dropped])
    whole = stretched(scenario, min(a.date for a in carried), carried)
    published, remaining = Roster([*carried, *roster]), Roster([*carried, *kept])
    calendar = Calendar(whole)
    back = (first - whole.horizon.start).days
    period = range(back, calendar.days)
    # Whoever holds a post of a shift taken out is free over the period's first week too, so the hours the people
    # in a breach must make up can come from a swap when every slot is at its maximum.
    posts = {a.post for a in roster if (a.employee, a.date) in dropped}
    holders = {e.id for e in whole.employees
               if any(set(whole.post(post).skills) <= set(e.skills) for post in posts)}
    first_week = range(back, min(back + CARRIED_DAYS, calendar.days))
    free = (neighbourhood(whole, published, remaining, first) | {(person, day) for person in people for day in period}
            | {(person, day) for person in holders for day in first_week})
    frozen_cells = {(e.id, d) for e in whole.employees for d in period} - free
    rules = [*build_rules(whole), KeepPublished(published, first)]
    for rule in rules:
        if isinstance(rule, FollowCycle):
            rule.first = first
    lost = Roster([a for a in roster if (a.employee, a.date) in dropped])
    start = repair(whole, remaining, first, rules, lost)
    hinted = replace(options, hint=start, hard_first=True, complete_hint=True, frozen_days=set(range(back)),
                     frozen=remaining, frozen_cells=frozen_cells)
    result = solve(whole, hinted, on_progress=on_progress, rules=rules, stop=stop)
    if result.roster is None:
        result.roster = start
    return result, dropped


# The share of the time limit the period's own plan gets; the rest goes to the repair across the boundary.
PLAN_SHARE = 0.75
MIN_REPAIR_SECONDS = 3.0


def _said(violation: Violation) -> tuple[str, str | None, tuple[dt.date, ...], str]:
    return violation.rule, violation.employee, tuple(violation.dates), str(violation.message)
