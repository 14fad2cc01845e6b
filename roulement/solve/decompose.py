"""Cut a large plant into independent parts, plan each alone, and put the rosters back together.

Two people are in the same part when they can hold the same post (a post with demand), or share a
household; the parts are the connected components of that graph, so no post, no peer group for fair
shares and no household spans two parts. A safety minimum counted over the whole site (people holding a
skill, whatever their post) is the one thing parts share: it is split between them in proportion to the
working time of their holders, each part keeping at least its share. The sum of shares is the minimum, so
parts that each meet theirs meet the site's. The merged roster is then judged whole by the independent
checker, which knows nothing of the cut.

Posts without demand are left out of the parts (no part needs to staff them).

With crews on a cycle, each safety minimum is kept whole instead: its holders are one part (with everyone
who shares a post with them), because each crew was formed to meet the minimum on its own, and a share of
it per part would not follow the crews.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Employee, SafetyMinimum, Scenario


@dataclass(frozen=True)
class Part:
    name: str
    scenario: Scenario

    @property
    def people(self) -> int:
        return len(self.scenario.employees)


class _Components:
    """Union-find over employee ids."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def join(self, first: str, second: str) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[b] = a


def split_into_parts(scenario: Scenario, by_team: bool = False, minimums_whole: bool = False) -> list[Part]:
    """The independent parts of `scenario`, largest first; a single part when nothing can be cut.

    `minimums_whole`: the holders of a safety minimum's skill are in one part (see the module's note).

    `by_team`: people of one `team` form one part (with those without a team who can hold its posts), and
    each post goes to the team with most people able to hold it. Someone trained for another team's post
    does not hold it in this plan: a narrower roster, which the checker still judges on the whole plant."""
    demanded = {d.post for d in scenario.demand}
    components = _Components(e.id for e in scenario.employees)
    holders: dict[str, list[Employee]] = {}
    for employee in scenario.employees:
        held = set(employee.skills)
        for post in scenario.posts:
            if post.id in demanded and set(post.skills) <= held:
                holders.setdefault(post.id, []).append(employee)
    owner: dict[str, str] = {}
    if by_team:
        first_of_team: dict[str, str] = {}
        for employee in scenario.employees:
            if employee.team is not None:
                components.join(first_of_team.setdefault(employee.team, employee.id), employee.id)
        for post_id, people in holders.items():
            teams = Counter(e.team for e in people if e.team is not None)
            chosen = min(teams, key=lambda team: (-teams[team], team)) if teams else None
            joined = [e for e in people if e.team is None or e.team == chosen]
            owner[post_id] = joined[0].id
            for other in joined[1:]:
                components.join(joined[0].id, other.id)
    else:
        for post_id, people in holders.items():
            owner[post_id] = people[0].id
            for other in people[1:]:
                components.join(people[0].id, other.id)
    for household in scenario.households:
        for member in household.members[1:]:
            components.join(household.members[0], member)
    if minimums_whole:
        for minimum in scenario.safety_minimums:
            keeping = [e.id for e in scenario.employees if minimum.skill in e.skills]
            for kept in keeping[1:]:
                components.join(keeping[0], kept)
    groups: dict[str, list[Employee]] = {}
    for employee in scenario.employees:
        groups.setdefault(components.find(employee.id), []).append(employee)
    ordered = sorted(groups.values(), key=lambda people: (-len(people), people[0].id))
    if len(ordered) <= 1:
        return [Part("whole", scenario)]
    root_of_post = {post: components.find(first) for post, first in owner.items()}
    posts_by_root: dict[str, list[str]] = {}
    for post in scenario.posts:
        if post.id in root_of_post:
            posts_by_root.setdefault(root_of_post[post.id], []).append(post.id)
    # Demanded posts nobody can hold stay with the first part, whose plan reports them short.
    orphans = [p.id for p in scenario.posts if p.id in demanded and p.id not in root_of_post]
    shares = [_split_minimum(scenario, minimum, ordered) for minimum in scenario.safety_minimums]
    parts = []
    for number, people in enumerate(ordered):
        root = components.find(people[0].id)
        posts = set(posts_by_root.get(root, [])) | (set(orphans) if number == 0 else set())
        ids = {e.id for e in people}
        minimums = [minimum.model_copy(update={"min": share[number]})
                    for minimum, share in zip(scenario.safety_minimums, shares, strict=True) if share[number]]
        sub = scenario.replaced(
            posts=[p for p in scenario.posts if p.id in posts],
            demand=[d for d in scenario.demand if d.post in posts],
            employees=people,
            households=[h for h in scenario.households if set(h.members) <= ids],
            safety_minimums=minimums,
        )
        first_post = min(posts) if posts else "no post"
        parts.append(Part(f"part {number + 1:03d} ({first_post}, {len(people)} people)", sub))
    return parts


def _split_minimum(scenario: Scenario, minimum: SafetyMinimum, groups: list[list[Employee]]) -> list[int]:
    """Shares of `minimum` per group, largest remainder over the holders' working time; they sum to the minimum
    unless the holders are too few, and no group is asked for more people than it has holders."""
    weights = [sum(e.contract.weekly_hours for e in people if minimum.skill in e.skills) for people in groups]
    counts = [sum(1 for e in people if minimum.skill in e.skills) for people in groups]
    total = sum(weights)
    if total == 0:
        return [minimum.min if number == 0 else 0 for number in range(len(groups))]
    exact = [minimum.min * w / total for w in weights]
    shares = [min(math.floor(x), c) for x, c in zip(exact, counts, strict=True)]
    order = sorted(range(len(groups)), key=lambda n: exact[n] - math.floor(exact[n]), reverse=True)
    while sum(shares) < minimum.min and any(s < c for s, c in zip(shares, counts, strict=True)):
        for number in order:
            if sum(shares) < minimum.min and shares[number] < counts[number]:
                shares[number] += 1
    return shares


def merge_rosters(rosters: Iterable[Roster]) -> Roster:
    assignments: list[Assignment] = [a for roster in rosters for a in roster]
    return Roster(sorted(assignments))
