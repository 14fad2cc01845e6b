"""Skill groups: demanded posts linked when one person may hold both, each staffed from its own people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from roulement.model.demand import demand_slots
from roulement.model.scenario import Employee, Scenario


@dataclass(frozen=True)
class SkillGroup:
    posts: tuple[str, ...]
    skills: tuple[str, ...]
    people: tuple[str, ...]

    @property
    def name(self) -> str:
        return "+".join(self.posts)


def qualified(scenario: Scenario, employee: Employee, post: str) -> bool:
    return set(scenario.post(post).skills) <= set(employee.skills)


def people_for(scenario: Scenario, posts: set[str]) -> list[Employee]:
    """Everyone qualified for at least one of `posts`."""
    return [e for e in scenario.employees if any(qualified(scenario, e, p) for p in posts)]


def skill_groups(scenario: Scenario) -> list[SkillGroup]:
    """Connected groups of demanded posts: two posts are linked when one person may hold both."""
    demanded = sorted({slot.post for slot in demand_slots(scenario) if slot.min > 0})
    parent = {post: post for post in demanded}

    def root(post: str) -> str:
        while parent[post] != post:
            parent[post] = parent[parent[post]]
            post = parent[post]
        return post

    for employee in scenario.employees:
        mine = [post for post in demanded if qualified(scenario, employee, post)]
        for post in mine[1:]:
            parent[root(post)] = root(mine[0])
    grouped: dict[str, list[str]] = {}
    for post in demanded:
        grouped.setdefault(root(post), []).append(post)
    groups = []
    for posts in grouped.values():
        people = tuple(e.id for e in scenario.employees if any(qualified(scenario, e, p) for p in posts))
        skills = tuple(sorted({s for p in posts for s in scenario.post(p).skills}))
        groups.append(SkillGroup(tuple(posts), skills, people))
    return sorted(groups, key=lambda g: g.posts)


def group_scenario(scenario: Scenario, group: SkillGroup, people: Sequence[str] | None = None) -> Scenario:
    """Only the group's posts, demand and people (contract minimums lifted); safety minimums left out."""
    chosen = set(group.people if people is None else people)
    employees = []
    for employee in scenario.employees:
        if employee.id in chosen:
            contract = employee.contract.model_copy(update={"min_minutes": 0})
            employees.append(employee.model_copy(update={"contract": contract}))
    return scenario.replaced(posts=[scenario.post(p) for p in group.posts], employees=employees, safety_minimums=[],
                             demand=[d for d in scenario.demand if d.post in group.posts])
