"""Plan by exception: roll the published cycle out, call the relief pool where it leaves holes, let CP-SAT
deviate only where it must.

The cycle rolled out over the horizon is almost a complete roster: crew members on their crew's shift, each on
a post they hold. Absences leave holes; the relief pool fills what it can (a greedy first aid that keeps each
caller's own hard rules). That roster is the search's starting point, and the `rotation.follow-cycle` rule
prices every deviation from the cycle, so the search moves away from it only where cover, the law or the
contracts demand, pool first, then swaps, then extra shifts.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence

from roulement.check.checker import CheckResult, check_roster
from roulement.model.calendar import Calendar, Occurrence
from roulement.model.demand import demand_slots
from roulement.model.roster import Assignment, Roster, Timeline
from roulement.model.scenario import Employee, Household, RuleMode, Scenario
from roulement.rules.base import PerEmployeeRule, Rule
from roulement.rules.contract import ContractHours
from roulement.rules.core import SHORTFALL_TERM
from roulement.rules.follow_cycle import PoolShares, crew_of, following, planned, pool_members
from roulement.rules.packs import build_rules
from roulement.rules.people import ChildcareCover, childcare_clashes
from roulement.solve.crews import crew_problems
from roulement.solve.fair_repair import WISH_TERMS, counted, repair_fairness
from roulement.solve.first import rank
from roulement.solve.replan import neighbourhood
from roulement.solve.search import Progress, SolveOptions, SolveResult, solve


def _wanted(scenario: Scenario) -> dict[tuple[int, str], dict[str, int]]:
    """(day, shift) -> post -> preferred head count."""
    wanted: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for slot in demand_slots(scenario):
        posts = wanted[(slot.day, slot.shift)]
        posts[slot.post] = posts.get(slot.post, 0) + slot.preferred
    return wanted


def _permitted(rules: Sequence[Rule], calendar: Calendar, scenario: Scenario, employee: Employee, day: int,
               shift: str, post: str) -> bool:
    occurrence = calendar.occurrence(day, shift)
    return all(rule.permits(employee, occurrence, scenario.post(post)) for rule in rules)


def rolled_out(scenario: Scenario, rules: Sequence[Rule] | None = None) -> Roster:
    """The cycle as a roster: every crew member present works the crew's shift, on a post they hold.

    Posts are dealt scarcest first: the post with the fewest holders left among the crew on shift, to the
    member who holds the fewest posts; members left over take any post they hold (over the preferred level).
    A member who holds no post wanted on that shift does not appear (the search then decides)."""
    in_force = list(rules) if rules is not None else build_rules(scenario)
    permitting = [r for r in in_force if type(r).permits is not Rule.permits]
    calendar = Calendar(scenario)
    wanted = _wanted(scenario)
    on_shift: dict[tuple[int, str], list[Employee]] = defaultdict(list)
    for (employee_id, date), shift in planned(scenario).items():
        if shift is not None:
            on_shift[(calendar.day_of[date], shift)].append(scenario.employee(employee_id))
    assignments: list[Assignment] = []
    for (day, shift), members in sorted(on_shift.items()):
        need = dict(wanted.get((day, shift), {}))
        holds = {e.id: [p for p in need if _permitted(permitting, calendar, scenario, e, day, shift, p)]
                 for e in members}
        free = sorted((e for e in members if holds[e.id]), key=lambda e: (len(holds[e.id]), e.id))
        date = calendar.dates[day]
        while free and any(need.values()):
            open_posts = [p for p, n in need.items() if n > 0 and any(p in holds[e.id] for e in free)]
            if not open_posts:
                break
            post = min(open_posts, key=lambda p: (sum(p in holds[e.id] for e in free) / need[p], p))
            person = next(e for e in free if post in holds[e.id])
            assignments.append(Assignment(person.id, date, shift, post))
            need[post] -= 1
            free.remove(person)
        for person in free:  # more members than the shift needs on their posts: over the preferred level
            post = max(holds[person.id], key=lambda p: (wanted[(day, shift)][p], p))
            assignments.append(Assignment(person.id, date, shift, post))
    return Roster(sorted(assignments))


def call_relief(scenario: Scenario, roster: Roster, rules: Sequence[Rule] | None = None) -> Roster:
    """Fill each post short of its preferred level with someone outside the crews (the relief pool, the day
    posts) free that day, whose own hard rules (rest, hours, nights, childcare) the shift keeps; the one with
    the most hours left is asked first. Then bring each of them up to their contract's hours on the posts
    they hold, the least staffed first. A greedy start for the search, never the answer by itself."""
    in_force = list(rules) if rules is not None else build_rules(scenario)
    permitting = [r for r in in_force if type(r).permits is not Rule.permits]
    # Hours are judged by `room` (the maximum); the minimum is reached over the month, not shift by shift.
    personal = [r for r in in_force if isinstance(r, PerEmployeeRule) and r.mode is RuleMode.HARD
                and not isinstance(r, ContractHours)]
    childcare = next((r for r in in_force if isinstance(r, ChildcareCover)), None)
    calendar = Calendar(scenario)
    crews = crew_of(scenario)
    pool = [e for e in scenario.employees if e.id not in crews]
    mine: dict[str, list[Assignment]] = defaultdict(list)
    filled: dict[tuple[int, str, str], int] = defaultdict(int)
    for a in roster:
        mine[a.employee].append(a)
        filled[(calendar.day_of[a.date], a.shift, a.post)] += 1
    hours = ContractHours()

    def room(employee: Employee) -> int:
        high = hours.bounds(employee, calendar.days, scenario.horizon.start)[1]
        worked = sum(calendar.occurrence(calendar.day_of[a.date], a.shift).worked for a in mine[employee.id])
        return (high if high is not None else 10**6) - worked

    def keeps_rules(employee: Employee, trial: list[Assignment]) -> bool:
        timeline = Timeline(scenario, trial, calendar)
        if any(rule.breaches(timeline, employee) for rule in personal):
            return False
        household = scenario.household_of(employee.id)
        if childcare is None or household is None or household.childcare is None:
            return True
        # Only this household can change: judge its windows alone, not every household of the plant.
        return not childcare.leaves_uncovered(calendar, household, household_shifts(household, employee, trial))

    def household_shifts(household: Household, employee: Employee,
                         trial: list[Assignment]) -> dict[str, list[Occurrence]]:
        """The household members' shifts, with `trial` as this person's."""
        return {member: [calendar.occurrence(calendar.day_of[a.date], a.shift)
                         for a in (trial if member == employee.id else mine[member])]
                for member in household.members}

    def partner_works(employee: Employee, day: int) -> bool | None:
        """Whether someone this person asked to share days off with works on `day` (None: no such wish)."""
        household = scenario.household_of(employee.id)
        if household is None or household.shared_days_off is None or len(household.members) < 2:
            return None
        date = calendar.dates[day]
        return any(a.date == date for m in household.members if m != employee.id for a in mine[m])

    def soft_minutes(employee: Employee, trial: list[Assignment]) -> int:
        """Minutes of the household's soft childcare windows nobody is free for, with `trial` as this
        person's shifts: the wish the relief pool keeps where another caller would do as well."""
        household = scenario.household_of(employee.id)
        if household is None or household.childcare is None or household.childcare.mode != "soft":
            return 0
        shifts = household_shifts(household, employee, trial)
        return sum(clash.minutes for clash in childcare_clashes(calendar, household, shifts))

    for (day, shift), posts in sorted(_wanted(scenario).items()):
        date = calendar.dates[day]
        for post, preferred in sorted(posts.items()):
            for _ in range(preferred - filled[(day, shift, post)]):
                minutes = calendar.occurrence(day, shift).worked
                candidates = [e for e in pool if not any(a.date == date for a in mine[e.id])
                              and _permitted(permitting, calendar, scenario, e, day, shift, post)
                              and room(e) >= minutes]
                night, sunday = calendar.occurrence(day, shift).is_night, date.weekday() == 6
                trial_shift = Assignment("", date, shift, post)
                # Whoever the shift keeps from their household's wishes last: a soft childcare window, a day
                # off their partner has off too. Then nights and Sundays to whoever has had fewest so far;
                # then whoever has most hours left.
                candidates.sort(key=lambda e: (
                    soft_minutes(e, [*mine[e.id], trial_shift]) - soft_minutes(e, mine[e.id]) > 0,
                    partner_works(e, day) is False,
                    sum(1 for a in mine[e.id] if (night and calendar.occurrence(
                        calendar.day_of[a.date], a.shift).is_night) or (sunday and a.date.weekday() == 6)),
                    -room(e)))
                for employee in candidates:
                    trial = [*mine[employee.id], Assignment(employee.id, date, shift, post)]
                    if keeps_rules(employee, trial):
                        mine[employee.id] = trial
                        filled[(day, shift, post)] += 1
                        break
    wanted = _wanted(scenario)
    night_rate, sunday_rate = _cycle_rates(scenario, calendar)
    bands = PoolShares().bands(scenario, calendar)

    def _top_up(employee: Employee, day: int, goal: int, paced: bool) -> None:
        """One more shift for `employee` on `day` if it keeps their rules (and, `paced`, their pace)."""
        shifts = [calendar.occurrence(calendar.day_of[a.date], a.shift) for a in mine[employee.id]]
        worked = sum(o.worked for o in shifts)
        date = calendar.dates[day]
        if worked >= goal or any(a.date == date for a in mine[employee.id]):
            return
        sundays = sum(1 for o in shifts if o.date.weekday() == 6)
        nights = sum(1 for o in shifts if o.is_night)
        night_band = bands.get(employee.id, {}).get("nights")
        sunday_band = bands.get(employee.id, {}).get("sundays")
        if date.weekday() == 6:
            if sunday_band is not None and sundays >= sunday_band[1]:
                return
            ahead = sunday_band is None and sundays + 1 > sunday_rate * (len(shifts) + 1) + 0.5
            if paced and ahead:
                return
            wanted_sunday = sunday_band is not None and sundays < sunday_band[0]
        else:
            wanted_sunday = False
        if paced and not wanted_sunday and worked >= goal * (day + 1) / calendar.days + 8 * 60:
            return

        already = soft_minutes(employee, mine[employee.id])

        def preference(option: tuple[str, str]) -> tuple[int, int, int, tuple[str, str]]:
            shift, post = option
            soft = soft_minutes(employee, [*mine[employee.id], Assignment(employee.id, date, shift, post)]) - already
            night = calendar.occurrence(day, shift).is_night
            if night_band is not None:
                behind, full = nights < night_band[0], nights >= night_band[1]
            else:
                behind, full = nights < night_rate * (len(shifts) + 1), False
            rank = (0 if behind else 3 if full else 2) if night else 1
            return soft, rank, filled[(day, shift, post)] - wanted[(day, shift)][post], option

        options = sorted(((shift, post) for (d, shift), posts in wanted.items() if d == day for post in posts
                          if _permitted(permitting, calendar, scenario, employee, day, shift, post)),
                         key=preference)
        for shift, post in options:
            if room(employee) < calendar.occurrence(day, shift).worked:
                continue
            trial = [*mine[employee.id], Assignment(employee.id, date, shift, post)]
            if keeps_rules(employee, trial):
                mine[employee.id] = trial
                filled[(day, shift, post)] += 1
                return

    for employee in pool:
        low, _, target = hours.bounds(employee, calendar.days, scenario.horizon.start)
        goal = max(low or 0, (target or 0) - 4 * 60)
        # A first pass keeps pace with the goal and nights and Sundays at the cycle's rate; a second fills
        # whatever the goal still lacks. Someone who asked for days off with a partner works the partner's
        # working days first, so that their days off fall together.
        partnered = partner_works(employee, 0) is not None
        for only_partner_days in ((True, False) if partnered else (False,)):
            for paced in (True, False):
                for day in range(calendar.days):
                    if not only_partner_days or partner_works(employee, day):
                        _top_up(employee, day, goal, paced)
    # Crew members whose absences leave them below their contract's minimum get an extra shift on a cycle day
    # off: the search would add it anyway, and a first roster that keeps every hard rule is a better start.
    for employee in scenario.employees:
        low = hours.bounds(employee, calendar.days, scenario.horizon.start)[0] if employee.id in crews else None
        if low is not None:
            for day in range(calendar.days):
                _top_up(employee, day, low, False)
    return Roster(sorted(a for assignments in mine.values() for a in assignments))


def _cycle_rates(scenario: Scenario, calendar: Calendar) -> tuple[float, float]:
    """Nights per shift and Sundays per shift in the cycle: the rates the pool's own shifts follow."""
    rotation = scenario.rotation
    assert rotation is not None
    tokens = [(index % 7, token) for index, token in enumerate(rotation.flat()) if token != "-"]
    if not tokens:
        return 0.0, 0.0
    nights = sum(1 for _, token in tokens if calendar.occurrence(0, token).is_night)
    sundays = sum(1 for weekday, _ in tokens if weekday == 6)
    return nights / len(tokens), sundays / len(tokens)


def plan_by_exception(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    rules: Sequence[Rule] | None = None,
    stop: threading.Event | None = None,
    on_first: Callable[[SolveResult, CheckResult], None] | None = None,
) -> SolveResult:
    """Plan a scenario with a rotation: the cycle, the relief pool for its holes, and CP-SAT for the rest.

    `on_first` gets the cycle with the relief pool called, checked, before the search improves on it: the
    caller can write it at once, so a stop or a kill later still leaves a checked roster behind."""
    assert scenario.rotation is not None, "plan by exception needs a rotation"
    began = time.monotonic()
    options = options or SolveOptions()
    in_force = list(rules) if rules is not None else build_rules(scenario)
    start = call_relief(scenario, rolled_out(scenario, in_force), in_force)
    if stop is not None and stop.is_set():
        # Stopped before the first roster was complete and checked: nothing to hand over.
        return SolveResult(None, "UNKNOWN", None, None, time.monotonic() - began, 0.0, None, 0, True, {}, 0,
                           strategy="cycle", note="stopped before the first roster was complete")
    if on_first is not None:
        checked = check_roster(scenario, start, in_force)
        on_first(SolveResult(roster=start, status="FEASIBLE", objective=None, bound=None,
                             wall_time=time.monotonic() - began, build_time=0.0, time_to_best=None, solutions=1,
                             interrupted=False, terms={}, variables=0, strategy="cycle",
                             note="the published cycle with the relief pool called; the search goes on from it"),
                 checked)
    polished = polish_households(scenario, start, in_force, options, stop)
    free = free_cells(scenario, start, in_force, holders_whole_horizon=options.free_holders_of_holes)
    calendar_days = scenario.horizon.days
    crews = crew_of(scenario)
    frozen = {(e, d) for e in crews for d in range(calendar_days)} - free
    if polished is not start:
        # The households' pool members keep the month the polish found for them, as crew members keep the
        # cycle: the search over the whole plant trades a couple's day together (a weight of 3) away for any
        # small saving elsewhere and would not come back to it. Holes left free everyone again (below).
        start = polished
        frozen |= {(e, d) for e in wishing_pool_members(scenario) for d in range(calendar_days)}
    notes = [f"{len({e for e, _ in free if e in crews})} of {len(crews)} crew members may leave the cycle, "
             f"on {len({(e, d) for e, d in free if e in crews})} person-days; the pool and day posts are planned"]
    # CP-SAT's bound here is over the neighbourhood (most crew cells frozen), not over every roster: it is not a
    # lower bound on the best possible roster, so it is never passed on.
    shown = on_progress

    def on_progress_without_bound(progress: Progress) -> None:
        if shown is not None:
            shown(dataclasses.replace(progress, bound=None))

    on_progress = on_progress_without_bound
    # The pool's fair-share repair runs last, in time kept back from the search (see `fairer_pool`).
    reserve = min(POOL_REPAIR_SECONDS, POOL_REPAIR_SHARE * options.time_limit) if pool_members(scenario) else 0.0
    left = max(options.time_limit - (time.monotonic() - began) - reserve, 1.0)
    # The cycle is the hint and most of it is kept as it is: no guided spread of nights (the cycle shares them).
    hinted = dataclasses.replace(options, time_limit=left, hint=start, guided=False, complete_hint=True,
                                 frozen=start, frozen_cells=frozen)
    result = solve(scenario, hinted, on_progress=on_progress, rules=in_force, stop=stop)
    left = options.time_limit - (time.monotonic() - began) - reserve
    short = result.roster is None or result.terms.get(SHORTFALL_TERM, 0) > 0
    # That search kept most cells to the cycle: a proof that the cover is impossible holds for that
    # neighbourhood only. Only a search with every crew member free may prove it for the plant.
    proven_for_plant = False
    if short and left >= 2.0 and not result.interrupted and not (stop is not None and stop.is_set()):
        # Holes the neighbourhood could not close: every crew member may now deviate, from what was found.
        wider = dataclasses.replace(hinted, time_limit=left, hint=result.roster or start, frozen=None,
                                    frozen_cells=set())
        widened = solve(scenario, wider, on_progress=on_progress, rules=in_force, stop=stop)
        proven_for_plant = widened.cover_proven_impossible
        if widened.roster is not None and (result.roster is None or (widened.objective or 0) < (result.objective or 0)):
            notes.append("holes remained with the cycle kept: every crew member was then allowed to deviate")
            result = widened
    if result.cover_proven_impossible and not proven_for_plant:
        result.cover_proven_impossible = False
        result.note = result.note.replace("(proven)", "(proven with most of the cycle kept, not for the plant)")
    if proven_for_plant and not result.cover_proven_impossible:
        result.cover_proven_impossible = True
        result.note = result.note.replace("(none found in time)", "(proven)")
    left = max(options.time_limit - (time.monotonic() - began), min(POOL_REPAIR_FLOOR, reserve))
    if result.roster is not None and not result.interrupted and not (stop is not None and stop.is_set()):
        fairer, fair_note = fairer_pool(scenario, in_force, result.roster, left, options, stop)
        if fair_note:
            notes.append(fair_note)
        if fairer is not None:
            repaired, judged = fairer
            result.roster, result.objective, result.terms = repaired, judged.total, dict(judged.objective)
    result.wall_time = time.monotonic() - began
    result.bound = None  # the neighbourhood's bound, not one on every roster (see above)
    problems = crew_problems(scenario)
    if problems:
        notes.append(f"crews: {'; '.join(problems)}")
    if result.roster is not None:
        followed = following(scenario, result.roster)
        notes.insert(0, f"plan by exception: {followed.sentence()}")
    if result.note:
        notes.append(result.note)
    result.note = "; ".join(notes)
    result.strategy = f"cycle+{result.strategy}"
    return result


# The households' polish takes at most this, and a fifth of the time limit.
POLISH_SECONDS = 8.0
# Time kept back from the search for the relief pool's fair-share repair: at most this, and this share of the
# time limit (KOS at 30 s: 6 s; the repair needs 1 to 2 s on an idle machine, 4 to 5 s with two other jobs).
# A search that ran late on a busy machine still leaves the repair its floor: a fair pool is worth 3 s more.
POOL_REPAIR_SECONDS = 6.0
POOL_REPAIR_SHARE = 0.2
POOL_REPAIR_FLOOR = 3.0
# What a narrower gap in the pool may cost at most, as a share of the roster's cost: the repair's models also
# move the pool's other fair shares a little (KOS at 30 s: 3 nights apart brought to 1 for +66 on 51,690).
NARROWER_GAP_PRICE = 0.005
# Seconds the checker's two verdicts around the repair need on KOS (0.3 s each), kept from the repair.
CHECK_SECONDS = 1.0


def fairer_pool(scenario: Scenario, rules: Sequence[Rule], roster: Roster, seconds: float, options: SolveOptions,
                stop: threading.Event | None) -> tuple[tuple[Roster, CheckResult] | None, str]:
    """The relief pool's nights and Sundays brought within a fair share among full-time peers.

    The search over the whole plant leaves the pool up to 2 apart at 30 s on a busy machine (0 at 120 s): its
    fair-share price is one term among many. `fair_repair` re-plans a few pool peers at a time in the cells
    they hold between them, so cover and everyone else stay as they were, and crew members keep the cycle.
    The result is kept only if the independent checker finds it no less lawful, no less covered, its wishes
    (days off together, childcare, requests) priced no higher, the pool's gaps no wider, and its cost no higher,
    or at most `NARROWER_GAP_PRICE` higher where a gap is narrower. Returns the repaired roster with the
    checker's verdict (None: the roster given stays) and a note."""
    pool = pool_members(scenario)
    budget = seconds - CHECK_SECONDS
    if not pool or budget < 0.5:
        return None, ""
    repaired = repair_fairness(scenario, rules, roster, budget, workers=options.workers, seed=options.seed,
                               stop=stop, movable=pool, cells_fixed=False)
    if repaired.mended == 0:
        return None, ""
    before, after = check_roster(scenario, roster, rules), check_roster(scenario, repaired.roster, rules)
    worse = repair_is_worse(before, after, repaired.gaps_before, repaired.gaps)
    gaps = repaired.gaps if not worse else repaired.gaps_before
    verdict = "kept" if not worse else "not kept, the checker found the roster worse"
    return (None if worse else (repaired.roster, after)), (
        f"relief pool's nights and Sundays: {counted(repaired.mended, 'small model')} re-planned peers, "
        f"{verdict}; widest full-time gaps in the pool {counted(gaps['nights'], 'night')}, "
        f"{counted(gaps['sundays'], 'Sunday')}")


def repair_is_worse(before: CheckResult, after: CheckResult, gaps_before: dict[str, int],
                    gaps: dict[str, int]) -> bool:
    """Whether the checker finds the repaired roster worse: less lawful or covered, wishes priced higher, a pool
    gap wider, or dearer (by more than `NARROWER_GAP_PRICE` where a gap is narrower)."""
    wished = [sum(c.objective.get(term, 0) for term in WISH_TERMS) for c in (before, after)]
    wider = any(gaps[c] > gaps_before[c] for c in gaps)
    narrower = any(gaps[c] < gaps_before[c] for c in gaps)
    dearer = after.total > before.total * (1 + NARROWER_GAP_PRICE if narrower else 1)
    return rank(after)[:2] > rank(before)[:2] or dearer or wished[1] > wished[0] or wider


def polish_households(scenario: Scenario, start: Roster, rules: Sequence[Rule], options: SolveOptions,
                      stop: threading.Event | None = None) -> Roster:
    """Re-plan only the pool members with a household wish (days off with a partner, a soft childcare window),
    everyone else as in `start`: a few seconds of CP-SAT on a small neighbourhood find the arrangement a
    greedy pass misses (a partner's working days, the pool's share of nights, the partner's cover at once),
    which the search over the whole plant, busy with everyone, does not come back to."""
    wishing = wishing_pool_members(scenario)
    if not wishing or (stop is not None and stop.is_set()):
        return start
    days = scenario.horizon.days
    frozen = {(e.id, d) for e in scenario.employees if e.id not in wishing for d in range(days)}
    seconds = min(POLISH_SECONDS, 0.2 * options.time_limit)
    polish = dataclasses.replace(options, time_limit=seconds, hint=start, guided=False, complete_hint=True,
                                 frozen=start, frozen_cells=frozen)
    result = solve(scenario, polish, rules=rules, stop=stop)
    return result.roster if result.roster is not None else start



def wishing_pool_members(scenario: Scenario) -> set[str]:
    """People outside the crews with a household wish: days off with a partner, a soft childcare window."""
    crews = crew_of(scenario)
    return {m for h in scenario.households
            if (h.shared_days_off is not None and len(h.members) > 1)
            or (h.childcare is not None and h.childcare.mode == "soft")
            for m in h.members if m not in crews and scenario.has_employee(m)}


def free_cells(scenario: Scenario, start: Roster, rules: Sequence[Rule],
               holders_whole_horizon: bool = False) -> set[tuple[str, int]]:
    """(person, day) cells the plan may change: the relief pool and the day posts everywhere, crew members
    around each hole the cycle and the pool leave (a post or a safety skill short, a day either side), and
    crew members whose own cycle breaks a hard rule (their whole horizon).

    `holders_whole_horizon`: crew members who could fill a hole are free on every day, not only around it."""
    crews = crew_of(scenario)
    days = range(scenario.horizon.days)
    free = {(e.id, d) for e in scenario.employees if e.id not in crews for d in days}
    around = neighbourhood(scenario, start, start, scenario.horizon.start)
    if holders_whole_horizon:
        around = {(e, d) for e in {e for e, _ in around} for d in days}
    free |= {(e, d) for e, d in around if e in crews}
    personal = [r for r in rules if isinstance(r, PerEmployeeRule) and r.mode is RuleMode.HARD]
    timeline = Timeline(scenario, start)
    for employee in scenario.employees:
        if employee.id in crews and any(rule.breaches(timeline, employee) for rule in personal):
            free |= {(employee.id, d) for d in days}
    return free


def crews_in_force(scenario: Scenario) -> bool:
    """Whether the scenario plans by exception: a rotation with at least one crew member."""
    return scenario.rotation is not None and bool(crew_of(scenario))
