"""A group of plants: which sites' scenarios to plan together, and how long each may search."""

from __future__ import annotations

from pydantic import Field, model_validator

from roulement.model.base import Identifier, Strict
from roulement.model.problems import refused


class GroupPlanDefaults(Strict):
    time_limit: float = Field(default=20.0, gt=0, le=86_400, description="Seconds of search per site.")
    seed: int = Field(default=0, description="Random seed of each site's search.")
    solver_workers: int = Field(default=1, ge=1, le=64, description="CP-SAT threads per site (CPUs a task takes).")
    decompose: bool = Field(default=False, description="Plan each site in independent parts (by team).")


class GroupSite(Strict):
    id: Identifier
    scenario: str = Field(min_length=1, description="The site's scenario YAML, relative to the group file.")
    time_limit: float | None = Field(default=None, gt=0, le=86_400)
    seed: int | None = None
    decompose: bool | None = None


class Group(Strict):
    name: str = Field(min_length=1)
    defaults: GroupPlanDefaults = Field(default_factory=GroupPlanDefaults)
    sites: list[GroupSite] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_sites(self) -> Group:
        seen: set[str] = set()
        for site in self.sites:
            if site.id in seen:
                raise refused("duplicate_site", "site id '{value}' appears twice", value=site.id)
            seen.add(site.id)
        return self
