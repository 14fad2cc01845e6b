"""People-first search: steer the solver towards fair, household-friendly rosters before pricing everything.

The people rules are soft by default and priced in the one objective, but on a large plant CP-SAT's search
barely moves a first roster's nights, Sundays and couples' days off in the time a planner waits (KOS: a
widest gap of 8 nights between full-time peers after 120 s). So a fresh plan searches in steps:

1. any lawful roster (the lawful start in `search`);
2. guides switched on: every member of a peer group within one shift, pro rata, of a fair share of what the
   group carried in that roster (nights and Sundays); everyone's hours as near their contract's target as
   their shift lengths allow; and the search minimises only the days couples who asked are apart (the sum,
   and the worst couple's), then re-plans around each couple still apart (`guided._mend_couples`);
3. the priced search over every term, still inside the guides, with no couple further apart than step 2
   left them.

The hours guide is not about people: it is there because the priced search, left to it, spends minutes
bringing 255 people's hours to target one shift at a time. It applies with or without the people pack, so
`--ignore people` is searched the same way and the price of being humane compares like with like.

Guides are search aids, never rules: they only remove rosters, every roster still goes through the same
rules and the independent checker, and if step 2 finds nothing in its time the guides are switched off and
the search goes on from step 1's roster. Nothing here is priced; prices stay with the rules.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from roulement.model.scenario import Employee, RuleMode
from roulement.rules.base import Literal, Rule
from roulement.rules.contract import ContractHours
from roulement.rules.people import FairShare, SharedDaysOff, counts_toward, group_weights, judged_days, peer_groups
from roulement.solve.builder import ModelBuilder
from roulement.solve.runtime import fix

# The categories guided by fair-share bands (weekend days stay priced only: Saturdays follow Sundays closely).
GUIDED_CATEGORIES = ("nights", "sundays")


@dataclass
class _Group:
    category: str
    # (employee, the literals that count toward the category)
    members: list[tuple[Employee, list[Literal]]]
    weights: dict[str, int]


@dataclass
class Guides:
    """The guides of one model; `active` is the literal that switches every guide constraint on."""

    builder: ModelBuilder
    active: Literal
    groups: list[_Group] = field(default_factory=list)
    # Per couple who asked: the apart-day indicators, one per judged day, and the two members.
    apart: list[list[Literal]] = field(default_factory=list)
    couples: list[tuple[str, str]] = field(default_factory=list)
    # People whose hours are held at the deviation from target their shift lengths make unavoidable.
    hours_held: int = 0

    @classmethod
    def for_model(cls, builder: ModelBuilder, rules: Sequence[Rule]) -> Guides | None:
        """The guides the rules in force call for, or None when there is nothing to guide."""
        fair = next((r for r in rules if isinstance(r, FairShare) and r.mode is RuleMode.SOFT), None)
        shared = next((r for r in rules if isinstance(r, SharedDaysOff) and r.mode is RuleMode.SOFT), None)
        guides = cls(builder, builder.model.new_bool_var("guides"))
        scenario, calendar = builder.scenario, builder.calendar
        if fair is not None:
            for category in GUIDED_CATEGORIES:
                if category not in fair.categories:
                    continue
                for people in peer_groups(scenario, calendar, category).values():
                    members = [(e, [lit for o, lit in builder.shifts_of(e.id) if counts_toward(category, o)])
                               for e in people]
                    guides.groups.append(_Group(category, members, group_weights(scenario, people)))
        if shared is not None:
            model = builder.model
            for household in scenario.households:
                if household.shared_days_off is None:
                    continue
                for a, b in itertools.combinations(household.members, 2):
                    indicators = []
                    for day in judged_days(scenario, household, calendar.days):
                        work_a, work_b = builder.works_day(a, day), builder.works_day(b, day)
                        if not work_a and not work_b:
                            continue
                        worked_a = sum(c * lit for c, lit in work_a)
                        worked_b = sum(c * lit for c, lit in work_b)
                        apart = model.new_bool_var(f"guide apart {household.id} {day}")
                        model.add(apart >= worked_a - worked_b)
                        model.add(apart >= worked_b - worked_a)
                        indicators.append(apart)
                    if indicators:
                        guides.apart.append(indicators)
                        guides.couples.append((a, b))
        hours = next((r for r in rules if isinstance(r, ContractHours) and r.mode is not RuleMode.OFF), None)
        if hours is not None:
            guides.hold_hours(hours)
        if not guides.groups and not guides.apart and not guides.hours_held:
            return None
        guides.switch(False)
        return guides

    def hold_hours(self, rule: ContractHours) -> None:
        """Each person's worked minutes within the least deviation from target their shifts allow.

        Only for people whose shifts all last the same: with one length L, the nearest reachable totals lie
        within min(t mod L, L - t mod L) of a target t. Mixed lengths are left to the priced search."""
        builder = self.builder
        for employee in builder.scenario.employees:
            _, _, target = rule.bounds(employee, builder.calendar.days, builder.scenario.horizon.start)
            terms = [(o.worked, lit) for o, lit in builder.shifts_of(employee.id)]
            lengths = {minutes for minutes, _ in terms}
            if target is None or len(lengths) != 1:
                continue
            length = lengths.pop()
            least = min(target % length, length - target % length)
            worked = sum(minutes * lit for minutes, lit in terms)
            builder.model.add(worked >= target - least).only_enforce_if(self.active)
            builder.model.add(worked <= target + least).only_enforce_if(self.active)
            self.hours_held += 1

    def switch(self, on: bool) -> None:
        """Fix the guides' literal on or off (a domain change: nothing to rebuild)."""
        fix(self.builder.model, self.active.index, int(on))

    def band_fair_shares(self, value: Callable[[Any], int]) -> None:
        """Each member within one shift of the fair share of what the group carries in the roster `value` reads.

        A share f gives the band [floor(f), floor(f) + 1], so equal peers differ by at most one. A request for a
        day or a night off does not widen it: one date asked off leaves the other nights to share."""
        model = self.builder.model
        for group in self.groups:
            counts = {e.id: sum(value(lit) for lit in literals) for e, literals in group.members}
            total, weight = sum(counts.values()), sum(group.weights.values())
            for employee, literals in group.members:
                floor = math.floor(group.weights[employee.id] * total / weight)
                count = sum(literals)
                model.add(count <= floor + 1).only_enforce_if(self.active)
                if floor > 0:
                    model.add(count >= floor).only_enforce_if(self.active)

    def couples_apart(self) -> Any:
        """Step 2's objective: the days couples who asked are apart, summed, plus the worst couple's days
        counted once per couple, so no couple is left far apart for the sake of the others."""
        model = self.builder.model
        worst = model.new_int_var(0, max(len(indicators) for indicators in self.apart), "worst couple apart")
        for indicators in self.apart:
            model.add(worst >= sum(indicators))
        return sum(lit for indicators in self.apart for lit in indicators) + len(self.apart) * worst

    def around(self, couple: tuple[str, str]) -> set[str]:
        """The people a re-plan around a couple may move: the couple and their peers in every guided group."""
        around = set(couple)
        for group in self.groups:
            members = {e.id for e, _ in group.members}
            if members & set(couple):
                around |= members
        return around

    def keep_couples(self, value: Callable[[Any], int]) -> None:
        """No couple further apart than in the roster `value` reads."""
        for indicators in self.apart:
            reached = sum(value(lit) for lit in indicators)
            self.builder.model.add(sum(indicators) <= reached).only_enforce_if(self.active)
