"""The guided people-first steps of a fresh plan (the guides themselves are in `solve.guides`).

From the lawful start's roster: guides switched on, the search minimises only the days couples who asked are
apart, then re-plans around each couple still apart (`_mend_couples`); the priced search that follows stays
inside the guides. Interrupted here, the search stops with the best lawful roster in hand, as anywhere else.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from roulement.solve.guides import Guides
from roulement.solve.options import SearchContext
from roulement.solve.runtime import domains_of, hint_solution, new_solver, pinned

# Seconds one re-plan around a couple may take.
MEND_SECONDS = 5.0


@dataclass
class GuidedOutcome:
    note: str
    # The solver holding the best lawful roster of these steps (None: none found within the guides).
    solver: cp_model.CpSolver | None
    interrupted: bool


def guided_steps(search: SearchContext, start: cp_model.CpSolver, deadline: float) -> GuidedOutcome | None:
    """Step 2 of the guided search from the lawful start's roster (`start`, hinted in the model), and step 3's
    guides.

    Leaves the model's hints on the best lawful roster in hand and its objective on every priced term. None
    when the rules in force call for no guide."""
    builder, options = search.builder, search.options
    guides = Guides.for_model(builder, search.rules)
    if guides is None:
        return None
    model = builder.model
    guides.band_fair_shares(start.value)
    guides.switch(True)
    if guides.apart:
        model.minimize(guides.couples_apart())
    else:
        model.clear_objective()  # type: ignore[no-untyped-call]
    solver = search.solver(options.guided_share * (deadline - time.monotonic()), first_solution_only=not guides.apart)
    outcome = search.run(solver)
    best: cp_model.CpSolver | None = None
    if outcome.solved:
        best = solver
        hint_solution(model, solver)
        if guides.apart and not outcome.interrupted:
            best = _mend_couples(search, guides, deadline) or solver
        guides.keep_couples(lambda variable: model.proto.solution_hint.values[variable.index])
        held = [name for name, present in (("fair-share bands", guides.groups),
                                           (f"hours of {guides.hours_held} people near target", guides.hours_held))
                if present]
        note = f"guided search: {' and '.join(held) or 'no bands'} kept"
        if guides.apart:
            hinted = model.proto.solution_hint.values
            apart = sum(hinted[lit.index] for indicators in guides.apart for lit in indicators)
            note += f"; couples apart on {apart} days, kept at most"
    else:
        guides.switch(False)
        note = "guided search: no roster within the guides in time; searched without them"
    model.minimize(builder.objective_expression())
    return GuidedOutcome(note, best, outcome.interrupted)


def _mend_couples(search: SearchContext, guides: Guides, deadline: float) -> cp_model.CpSolver | None:
    """Re-plan around each couple still apart, one at a time: only the couple and their peers may move, and
    the sub-search minimises that couple's days apart, then the other couples'. The model's hints follow every
    improvement."""
    builder, options = search.builder, search.options
    model, proto = builder.model, builder.model.proto
    works = builder.work_literals()
    finish = time.monotonic() + options.guided_share * (deadline - time.monotonic())
    mended = None
    # Couples left as they are: their neighbourhood proven to hold them no closer, or a slice without progress.
    settled: set[int] = set()
    indexes = [literal.index for literal in works.values()]
    free_domains = domains_of(model, indexes)
    with pinned(model, indexes) as pin:
        while time.monotonic() < finish - 1.0 and not search.stopped():
            hinted = proto.solution_hint.values
            apart = {number: sum(hinted[lit.index] for lit in indicators)
                     for number, indicators in enumerate(guides.apart) if number not in settled}
            apart = {number: days for number, days in apart.items() if days}
            if not apart:
                break
            number = max(apart, key=lambda n: apart[n])
            free = guides.around(guides.couples[number])
            pin({literal.index: free_domains[literal.index] if employee in free
                 else (hinted[literal.index], hinted[literal.index])
                 for (employee, _, _), literal in works.items()})
            # This couple first, but no other couple pushed further apart for it.
            everyone = sum(lit for indicators in guides.apart for lit in indicators)
            weight = 1 + sum(len(indicators) for indicators in guides.apart)
            model.minimize(weight * sum(guides.apart[number]) + everyone)
            before = weight * apart[number] + sum(hinted[lit.index] for indicators in guides.apart
                                                  for lit in indicators)
            solver = new_solver(options, max(min(finish - time.monotonic(), MEND_SECONDS), 1.0))
            outcome = search.run(solver)
            if outcome.status == cp_model.OPTIMAL:
                settled.add(number)
            if outcome.solved and solver.objective_value < before:
                hint_solution(model, solver)
                mended = solver
            elif outcome.status != cp_model.OPTIMAL:
                settled.add(number)  # no progress in a whole slice: leave the time to the others
    return mended
