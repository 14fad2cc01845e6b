"""How stored things are shown: a roster as a grid with its coverage per post, per-person counters and the
checker's violations, and the council's aggregate view.

Judging is always the rules' own (the checker's): this module arranges their results for the pages. A cell
edit is judged incrementally (`judge_edit`): rules judged person by person (`PerEmployeeRule`) are re-run for
the edited person only, every other rule on the whole roster; the result equals a full check (a test compares
them), at a fraction of the time on a big plant.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Hashable
from typing import Any

from roulement import service
from roulement.analyse.coverage import coverage_rows
from roulement.analyse.totals import person_totals
from roulement.check.checker import check_roster
from roulement.model.roster import Roster, Timeline
from roulement.model.scenario import RuleMode, Scenario
from roulement.report.messages import LANGS, rule_statement
from roulement.rules.base import PerEmployeeRule, Rule, Violation
from roulement.rules.follow_cycle import DeviationKind, following, planned
from roulement.rules.packs import build_rules


def violation_key(v: dict[str, Any]) -> tuple[Any, ...]:
    return (v["rule"], v["employee"], tuple(v["dates"]), v["message"])


def violation_diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """(caused, resolved): the violations a change added and those it removed."""
    old = {violation_key(v) for v in before}
    new = {violation_key(v) for v in after}
    return ([v for v in after if violation_key(v) not in old], [v for v in before if violation_key(v) not in new])


def shifts_view(scenario: Scenario) -> list[dict[str, Any]]:
    return [{"id": s.id, "name": s.name, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M"),
             "color": s.color} for s in scenario.shifts]


def statements(scenario: Scenario) -> dict[str, dict[str, str]]:
    """Each rule in force stated in English, French and German with its numbers and legal reference (the
    report's messages): the pages show a violation in the reader's language through these."""
    return {rule.id: {lang: rule_statement(rule, lang) for lang in LANGS} for rule in build_rules(scenario)}


def coverage_view(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(per shift, per post): date -> shift -> totals, and date -> post -> shift -> [min, preferred, assigned]."""
    per_shift: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    per_post: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        slot = per_shift[row["date"]].setdefault(row["shift"], {"required": 0, "assigned": 0, "short": 0})
        slot["required"] += row["required"]
        slot["assigned"] += row["assigned"]
        slot["short"] += max(row["required"] - row["assigned"], 0)
        per_post[row["date"]][row["post"]][row["shift"]] = [row["required"], row["preferred"], row["assigned"]]
    # Plain dicts: an edit's answer is pickled back from the helper process (web/edit_judge.py).
    return dict(per_shift), {day: dict(posts) for day, posts in per_post.items()}


def counters(timeline: Timeline, only: str | None = None) -> dict[str, dict[str, float]]:
    """Per person: hours worked against the contract's hours for the horizon, nights and Sundays."""
    if only is not None:
        scenario = timeline.scenario
        timeline = Timeline(scenario.replaced(employees=[scenario.employee(only)]),
                            [i.assignment for i in timeline.by_employee.get(only, [])], timeline.calendar)
    return {t.employee: counter_view(timeline.scenario, t.employee, t.hours, t.contract_hours, t.nights, t.sundays)
            for t in person_totals(timeline)}


def counter_view(scenario: Scenario, employee: str, hours: float, target: float, nights: int,
                 sundays: int) -> dict[str, float]:
    """`tolerance`: how far hours may stray from the target over the horizon (the contract's weekly tolerance)."""
    tolerance = scenario.employee(employee).contract.tolerance_hours * scenario.horizon.days / 7
    return {"hours": hours, "target": target, "tolerance": round(tolerance, 2), "nights": nights, "sundays": sundays}


def cells_view(roster: Roster) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    shifts: dict[str, dict[str, str]] = defaultdict(dict)
    posts: dict[str, dict[str, str]] = defaultdict(dict)
    for a in roster:
        shifts[a.employee][a.date.isoformat()] = a.shift
        posts[a.employee][a.date.isoformat()] = a.post
    return shifts, posts


def employees_view(scenario: Scenario) -> list[dict[str, Any]]:
    return [{"id": e.id, "name": e.name or e.id, "team": e.team, "crew": e.crew,
             "skills": list(e.skills), "posts": [p.id for p in scenario.eligible_posts(e)]}
            for e in scenario.employees]


def deviations_view(scenario: Scenario, roster: Roster, only: str | None = None) -> dict[str, dict[str, Any]]:
    """employee -> date -> {kind, planned, worked}: where the roster leaves the published cycle (the rotation
    rule's own comparison, `rules.follow_cycle.following`). `only`: that person's deviations alone."""
    if scenario.rotation is None:
        return {}
    if only is not None:
        scenario = scenario.replaced(employees=[scenario.employee(only)])
        roster = Roster([a for a in roster if a.employee == only])
    found: dict[str, dict[str, Any]] = defaultdict(dict)
    for d in following(scenario, roster).deviations:
        found[d.employee][d.date.isoformat()] = {"kind": d.kind.name.lower(), "planned": d.planned,
                                                 "worked": d.worked}
    return found


def cycle_view(scenario: Scenario, roster: Roster) -> dict[str, Any]:
    rotation = scenario.rotation
    if rotation is None:
        return {"crews": {}, "planned": {}, "deviations": {}, "cycle_share": None}
    crews = {c.id: c.name or c.id for c in rotation.crews}
    if rotation.relief_pool is not None:
        crews[rotation.relief_pool.id] = rotation.relief_pool.name or rotation.relief_pool.id
    cycle: dict[str, dict[str, str | None]] = defaultdict(dict)
    for (employee, day), shift in planned(scenario).items():
        cycle[employee][day.isoformat()] = shift
    return {"crews": crews, "planned": cycle, "deviations": deviations_view(scenario, roster),
            "cycle_share": cycle_share(scenario, roster)}


def cycle_figures(section: dict[str, Any] | None) -> dict[str, Any] | None:
    """The report's rotation section as the API shows it: the share followed, the count of deviations and the
    count per kind, each kind by its code (pool, swap, day_off, extra: the grid's too), which the pages name in
    the reader's language. No sentence: the report's own is English."""
    if not section:
        return None
    return {"share_following": section["share_following"], "deviations": section["deviations"],
            "by_kind": {DeviationKind(kind).name.lower(): count for kind, count in section["by_kind"].items()}}


def cycle_share(scenario: Scenario, roster: Roster) -> float | None:
    """The share of the cycle's shifts (crew members present that day) worked as published; None without one."""
    return None if scenario.rotation is None else round(following(scenario, roster).share, 4)


def roster_grid(scenario: Scenario, roster: Roster) -> tuple[dict[str, Any], list[Violation]]:
    """The whole grid for the page, and the violations found (kept to judge the next edit)."""
    audited = service.audit(scenario, roster)
    checked, report = audited.checked, audited.report
    cells, posts = cells_view(roster)
    per_shift, per_post = coverage_view(report["coverage"])
    return {
        "days": [d.isoformat() for d in scenario.horizon.dates()],
        "holidays": sorted(d.isoformat() for d in scenario.public_holidays),
        "shifts": shifts_view(scenario),
        "posts": [{"id": p.id, "name": p.name or p.id} for p in scenario.posts],
        "employees": employees_view(scenario),
        "cells": cells,
        "posts_of_cells": posts,
        # With a published cycle: the crews, each member's cycle shifts, the deviations from them (employee ->
        # date -> kind, planned and worked) and the month in one sentence.
        **cycle_view(scenario, roster),
        "cycle": cycle_figures(report.get("rotation")),
        "coverage": per_shift,
        "coverage_posts": per_post,
        "counters": {t["employee"]: counter_view(scenario, t["employee"], t["hours"], t["contract_hours"],
                                                 t["nights"], t["sundays"]) for t in report["employees"]},
        "summary": report["summary"],
        "violations": report["violations"],
        "objective": report["objective"],
        "statements": statements(scenario),
    }, checked.violations


class JudgedRosters:
    """The violations of the last few roster versions judged, so an edit judges only what it changed. Kept in
    this process and, given a `store`, in the database too: a cell edit that reaches another web process finds
    them there instead of checking the whole roster again. A key is (roster id, roster version, scenario
    version, web input stamp): what can change the judgement is in it, so a kept judgement is never stale."""

    def __init__(self, size: int = 16, store: Any = None) -> None:
        self.size = size
        self.store = store  # a web.context.Backend (Any: this module does not import the web layer)
        self.entries: OrderedDict[Hashable, list[Violation]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> list[Violation] | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found
        if self.store is None:
            return None
        from roulement.store import repository

        with self.store.transaction() as session:
            kept = repository.judged_violations(session, stored_key(key))
        if kept is None:
            return None
        violations = [violation_from_dict(v) for v in kept]
        self._remember(key, violations)
        return violations

    def put(self, key: tuple[Any, ...], violations: list[Violation]) -> None:
        self._remember(key, violations)
        if self.store is not None:
            from sqlalchemy.exc import SQLAlchemyError

            from roulement.store import repository

            try:
                with self.store.transaction() as session:
                    repository.keep_judged_violations(session, key[0], stored_key(key),
                                                      [v.as_dict() for v in violations])
            except SQLAlchemyError:  # another process kept the same key meanwhile, or the database is busy:
                pass  # only a shortcut is lost, never an answer

    def _remember(self, key: Hashable, violations: list[Violation]) -> None:
        with self.lock:
            self.entries[key] = violations
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def stored_key(key: tuple[Any, ...]) -> str:
    return ":".join(str(part) for part in key)


def violation_from_dict(data: dict[str, Any]) -> Violation:
    """`Violation.as_dict` read back."""
    return Violation(data["rule"], data["reference"], data["message"], data["employee"],
                     tuple(dt.date.fromisoformat(d) for d in data["dates"]), data["details"])


def hard_rules(scenario: Scenario) -> list[Rule]:
    return [rule for rule in build_rules(scenario) if rule.mode is RuleMode.HARD]


def judge_edit(scenario: Scenario, before: list[Violation], after: Roster, employee: str,
               timeline: Timeline | None = None) -> list[Violation]:
    """The violations of `after`, which differs from a roster with violations `before` in `employee`'s cells
    only: person-by-person rules are re-run for that person, every other rule on the whole roster. `timeline`:
    `after`'s, when the caller has it (an edit builds one and shares it with `edit_view`)."""
    timeline = timeline or Timeline(scenario, after)
    rules = hard_rules(scenario)
    per_person = [rule for rule in rules if isinstance(rule, PerEmployeeRule)]
    per_person_ids = {rule.id for rule in per_person}
    person = scenario.employee(employee)
    violations = [v for v in before if v.rule in per_person_ids and v.employee != employee]
    for rule in per_person:
        violations.extend(rule.violation(message, employee, dates, amount=amount)
                          for amount, message, dates in rule.breaches(timeline, person))
    for other in rules:
        if not isinstance(other, PerEmployeeRule):
            violations.extend(other.check(timeline))
    return violations


def full_violations(scenario: Scenario, roster: Roster) -> list[Violation]:
    return check_roster(scenario, roster, hard_rules(scenario)).violations


def edit_view(scenario: Scenario, after: Roster, employee: str, violations: list[Violation],
              timeline: Timeline | None = None) -> dict[str, Any]:
    """What a page needs after one edit: the person's cells and counters, the coverage, every violation.

    Lean on purpose (it runs on every edit, in the web process): one timeline shared with `judge_edit`, the
    coverage rows read field by field (not `dataclasses.asdict`, a third of an edit's time on KOS), and the
    cycle compared once for the person's deviations and the share."""
    timeline = timeline or Timeline(scenario, after)
    per_shift, per_post = coverage_view([
        {"date": row.date, "shift": row.shift, "post": row.post, "required": row.required,
         "preferred": row.preferred, "assigned": row.assigned} for row in coverage_rows(timeline)])
    cells, posts = cells_view(Roster([i.assignment for i in timeline.by_employee.get(employee, [])]))
    cells, posts = dict(cells), dict(posts)
    deviations: dict[str, Any] = {}
    share = None
    if scenario.rotation is not None:
        compared = following(scenario, after)
        deviations = {d.date.isoformat(): {"kind": d.kind.name.lower(), "planned": d.planned, "worked": d.worked}
                      for d in compared.deviations if d.employee == employee}
        share = round(compared.share, 4)
    return {"employee": employee, "cells": {employee: cells.get(employee, {})},
            "posts_of_cells": {employee: posts.get(employee, {})},
            "counters": counters(timeline, employee), "coverage": per_shift, "coverage_posts": per_post,
            "deviations": {employee: deviations}, "cycle_share": share,
            "violations": [v.as_dict() for v in violations]}


def aggregate_report(scenario: Scenario, roster: Roster, declarations: dict[str, int]) -> dict[str, Any]:
    """The council's view: law, fairness and people in aggregate; no one's name, no household detail."""
    report = service.audit(scenario, roster).report
    fairness = {}
    for measure in ("hours", "shifts", "nights", "sundays", "weekend_days", "public_holidays"):
        values = sorted(float(t[measure]) for t in report["employees"])
        if values:
            fairness[measure] = {"min": values[0], "median": values[len(values) // 2], "max": values[-1],
                                 "mean": round(sum(values) / len(values), 2),
                                 # A histogram (ten bins) for the page's chart: counts only, nobody named.
                                 "histogram": histogram(values)}
    return {
        "site": report["site"], "horizon": report["horizon"], "summary": report["summary"],
        "law": {"violations_by_rule": report["summary"]["violations_by_rule"],
                "violations": len(report["violations"])},
        "fairness": fairness,
        "cycle": cycle_figures(report.get("rotation")),
        "people": {"employees": len(scenario.employees), "active_declarations_by_purpose": declarations},
        "statements": statements(scenario),
    }


def histogram(values: list[float], bins: int = 10) -> dict[str, Any]:
    low, high = values[0], values[-1]
    width = (high - low) / bins if high > low else 1.0
    counts = [0] * bins
    for value in values:
        counts[min(int((value - low) / width), bins - 1)] += 1
    return {"low": low, "width": round(width, 4), "counts": counts}
