"""DIAGNOSTIC ONLY, not used by the product: the classic compact CP-SAT model of a Curtois–Qu instance.

It exists to tell whether roulement's own model (scenario -> rules -> ModelBuilder) is weaker than the
textbook encoding, and what CP-SAT's parameters do on each. Nothing in `roulement/` imports it; the product's
figures in docs/benchmarks.md all come from `bench/curtois.py` (the product path, judged by the checker).
Its roster is also judged by roulement's checker here, so the two objectives are the same measure.

    python bench/curtois_reference.py --instances 5-8 --time-limit 60 --workers 1 [--model reference|product]
        [--interleave 0|1] [--presolve N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from roulement.check.checker import check_roster
from roulement.cli.bench import DEFAULT_INSTANCES, best_known
from roulement.formats.curtois import POST, CurtoisInstance, read_curtois, to_scenario
from roulement.model.roster import Assignment, Roster
from roulement.rules.packs import build_rules
from roulement.solve.builder import BuildOptions, ModelBuilder


def reference_model(instance: CurtoisInstance) -> tuple[cp_model.CpModel, dict[tuple[str, int, str], Any]]:
    """x[e, d, s] Booleans; cover with under/over slack; runs by forbidden short patterns; weekend indicators."""
    model = cp_model.CpModel()
    days = instance.days
    shifts = [s.id for s in instance.shifts]
    minutes = {s.id: s.minutes for s in instance.shifts}
    x: dict[tuple[str, int, str], Any] = {}
    objective: list[Any] = []
    for staff in instance.staff:
        off = set(instance.days_off.get(staff.id, []))
        for day in range(days):
            if day in off:
                continue
            for shift in shifts:
                if staff.max_shifts.get(shift, 1) > 0:
                    x[staff.id, day, shift] = model.new_bool_var(f"x{staff.id},{day},{shift}")
    for staff in instance.staff:
        e = staff.id
        work = []
        for day in range(days):
            lits = [x[e, day, s] for s in shifts if (e, day, s) in x]
            if not lits:
                work.append(None)
                continue
            w = model.new_bool_var(f"w{e},{day}")
            model.add(sum(lits) == w)  # at most one shift a day, w says whether one is worked
            work.append(w)
        for shift, cap in staff.max_shifts.items():
            lits = [x[e, d, shift] for d in range(days) if (e, d, shift) in x]
            if len(lits) > cap:
                model.add(sum(lits) <= cap)
        total = sum(minutes[s] * x[e, d, s] for d in range(days) for s in shifts if (e, d, s) in x)
        model.add(total <= staff.max_minutes)
        model.add(total >= staff.min_minutes)
        for d in range(days):
            for s in shifts:
                if (e, d, s) not in x or d + 1 >= days:
                    continue
                for after in next(t for t in instance.shifts if t.id == s).cannot_follow:
                    if (e, d + 1, after) in x:
                        model.add_bool_or([x[e, d, s].Not(), x[e, d + 1, after].Not()])

        def lit(day: int, wanted: bool, work: list[Any] = work) -> Any:
            w = work[day]
            if w is None:
                return None if not wanted else False
            return w if wanted else w.Not()

        def forbid(pattern: list[tuple[int, bool]], lit: Any = lit) -> None:
            clause = []
            for day, wanted in pattern:
                literal = lit(day, wanted)
                if literal is False:
                    return  # the pattern cannot occur
                if literal is not None:
                    clause.append(literal.Not())
            model.add_bool_or(clause)

        if staff.max_consecutive:
            k = staff.max_consecutive
            for first in range(days - k):
                window = [work[d] for d in range(first, first + k + 1) if work[d] is not None]
                if len(window) > k:
                    model.add(sum(window) <= k)
        for minimum, on in ((staff.min_consecutive, True), (staff.min_days_off, False)):
            for length in range(1, minimum):
                for first in range(1, days - length):
                    forbid([(first - 1, not on), *[(d, on) for d in range(first, first + length)],
                            (first + length, not on)])
        weekends = []
        for saturday in range(5, days, 7):
            wk = [work[d] for d in (saturday, saturday + 1) if d < days and work[d] is not None]
            if not wk:
                continue
            indicator = model.new_bool_var(f"wk{e},{saturday}")
            model.add_max_equality(indicator, wk)
            weekends.append(indicator)
        if len(weekends) > staff.max_weekends:
            model.add(sum(weekends) <= staff.max_weekends)
    for request in instance.on_requests:
        key = (request.employee, request.day, request.shift)
        if key in x:
            objective.append(request.weight * (1 - x[key]))
        else:
            objective.append(request.weight)
    for request in instance.off_requests:
        key = (request.employee, request.day, request.shift)
        if key in x:
            objective.append(request.weight * x[key])
    for cover in instance.cover:
        staffed = sum(x[e.id, cover.day, cover.shift] for e in instance.staff if (e.id, cover.day, cover.shift) in x)
        under = model.new_int_var(0, cover.requirement, f"u{cover.day},{cover.shift}")
        over = model.new_int_var(0, len(instance.staff), f"o{cover.day},{cover.shift}")
        model.add(staffed - cover.requirement == over - under)
        objective.append(cover.under_weight * under + cover.over_weight * over)
    model.minimize(sum(objective))
    return model, x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instances", default="5-8")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--model", choices=("reference", "product"), default="reference")
    parser.add_argument("--interleave", type=int, default=1)
    parser.add_argument("--presolve", type=int, default=-1, help="max_presolve_iterations (-1: CP-SAT default)")
    parser.add_argument("--linearization", type=int, default=-1)
    parser.add_argument("--stats", action="store_true")
    parser.add_argument("--param", action="append", default=[],
                        help="extra CP-SAT parameter NAME=VALUE (lists comma-separated), e.g. ignore_subsolvers=core")
    args = parser.parse_args()
    known = best_known(DEFAULT_INSTANCES)
    chosen: list[int] = []
    for part in args.instances.split(","):
        first, _, last = part.partition("-")
        chosen.extend(range(int(first), int(last or first) + 1))
    for number in chosen:
        path = Path(DEFAULT_INSTANCES) / f"Instance{number}.txt"
        instance = read_curtois(path)
        scenario = to_scenario(instance)
        started = time.monotonic()
        builder = None
        if args.model == "reference":
            model, x = reference_model(instance)
        else:
            builder = ModelBuilder(scenario, build_rules(scenario), BuildOptions())
            model = builder.model
        built = time.monotonic() - started
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = args.time_limit
        solver.parameters.num_workers = args.workers
        solver.parameters.interleave_search = bool(args.interleave)
        if args.presolve >= 0:
            solver.parameters.max_presolve_iterations = args.presolve
        if args.linearization >= 0:
            solver.parameters.linearization_level = args.linearization
        for item in args.param:
            name, _, value = item.partition("=")
            field = getattr(solver.parameters, name)
            if hasattr(field, "extend"):
                field.extend(v for v in value.split(",") if v)
            else:
                setattr(solver.parameters, name, type(field)(value if not isinstance(field, bool) else value == "1"))
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            print(f"Instance{number}: {solver.status_name(status)}")
            continue
        if builder is not None:
            roster = builder.roster(solver.boolean_value)
        else:
            roster = Roster(sorted(Assignment(e, scenario.horizon.start + dt.timedelta(days=d), s, POST)
                                   for (e, d, s), v in x.items() if solver.boolean_value(v)))
        check = check_roster(scenario, roster)
        print(f"| Instance{number} | {args.model} | {known.get(f'Instance{number}', 0):,} | "
              f"{check.total:,} | {solver.objective_value:,.0f} | {solver.best_objective_bound:,.0f} | "
              f"{len(check.violations)} | {len(model.proto.variables):,} | {len(model.proto.constraints):,} | "
              f"{built:.1f} s | {solver.wall_time:.1f} s |", flush=True)
        if args.stats:
            print(solver.response_stats())


if __name__ == "__main__":
    main()
