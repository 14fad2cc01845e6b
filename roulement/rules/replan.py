"""The price of changing a published roster in a re-plan: a soft rule, so the solver weighs it and the checker
can state it, nearer changes dearer."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from roulement.model.roster import Roster, Timeline
from roulement.model.scenario import RuleMode
from roulement.rules.base import Cost, Encoder, Rule, Violation

CHANGES_TERM = "changes"


class KeepPublished(Rule):
    """Each shift that differs from the published roster, from `first` on, is priced (heavier when near)."""

    id: ClassVar[str] = "replan.keep-published"
    title: ClassVar[str] = "Changes to the published roster"
    reference = "published roster (FR L3121-47: 7 days' notice of changes; DE: TV / BetrVG §87)"
    mode = RuleMode.SOFT

    def __init__(self, published: Roster, first: dt.date, weight: int = 20, near_days: int = 7,
                 near_factor: int = 4, move_weight: int = 2) -> None:
        self.published = {(a.employee, a.date): a.shift for a in published}
        self.published_post = {(a.employee, a.date): a.post for a in published}
        # Another post on the same shift is a change the person is told of (changes.csv), priced lightly.
        self.move_weight = move_weight
        self.first = first
        self.weight = weight
        self.near_days = near_days
        self.near_factor = near_factor

    def price(self, day: dt.date) -> int:
        """`near_factor` x weight on `first`, falling linearly to 1 x weight after `near_days` days."""
        distance = (day - self.first).days
        if distance >= self.near_days:
            return self.weight
        extra = (self.near_factor - 1) * (self.near_days - distance) / self.near_days
        return round(self.weight * (1 + extra))

    def check(self, timeline: Timeline) -> list[Violation]:
        return []

    def cost(self, timeline: Timeline) -> list[Cost]:
        after = {(item.employee, item.date): item.shift for item in timeline.items}
        posts = {(item.employee, item.date): item.post for item in timeline.items}
        costs = []
        for key in sorted(set(after) | set(self.published)):
            before, now = self.published.get(key), after.get(key)
            if not self.first <= key[1] <= timeline.scenario.horizon.end:
                continue
            if before != now:
                costs.append(Cost(CHANGES_TERM, self.price(key[1]), key[0], (key[1],),
                                  f"{before or 'off'} -> {now or 'off'}"))
            elif before is not None and self.move_weight and posts.get(key) != self.published_post.get(key):
                costs.append(Cost(CHANGES_TERM, self.move_weight, key[0], (key[1],),
                                  f"{before} at {self.published_post.get(key)} -> {posts.get(key)}"))
        return costs

    def encode(self, encoder: Encoder) -> None:
        calendar = encoder.calendar
        first = max((self.first - calendar.dates[0]).days, 0)  # beyond the horizon: nothing to price
        for employee in encoder.scenario.employees:
            for day in range(first, calendar.days):
                price = self.price(calendar.dates[day])
                shift = self.published.get((employee.id, calendar.dates[day]))
                if shift is None:  # off in the published roster: any shift is a change
                    encoder.add_cost(CHANGES_TERM, [(price * c, lit) for c, lit in encoder.works_day(employee.id, day)])
                    continue
                # Working the published shift keeps it; anything else (off, or another shift) changes it.
                literal = encoder.works(employee.id, day, shift)
                encoder.add_cost(CHANGES_TERM, [] if literal is None else [(-price, literal)], constant=price)
                if literal is None or not self.move_weight:
                    continue
                # The published shift at another post: a move.
                post = self.published_post[(employee.id, calendar.dates[day])]
                held = encoder.assigned(employee.id, day, shift, post)
                moved = [(self.move_weight, literal)] + ([] if held is None else [(-self.move_weight, held)])
                encoder.add_cost(CHANGES_TERM, moved)
