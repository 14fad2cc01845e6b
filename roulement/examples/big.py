"""Large plants shaped like KOS, and groups of them, generated to measure scale.

A plant of N people is a set of workshops (ateliers) of up to six lines each. Every workshop is a KOS in
small: lines with conductors and operators, finishing, mechanical and electrical maintenance, a quality lab,
logistics, a chef de quart holding the Seveso authorisation on every shift, and its own on-site emergency
team (ESI, POI). People are trained for their own workshop (skill `atelier-NN`), as on a large site where
each hall has its own crews and its own intervention team.

Coverable within the law by construction: each workshop is built by `build_plant`, which sizes every skill
group from its own demand and its people's real availability (holidays, sickness, part time) with a margin,
and the chef de quart, on every shift, holds the ESI skill the emergency minimum counts.

Crews (the default), as at KOS: the site runs KOS's five-crew 3x8 cycle, and each workshop's people are put in
crews A to E, the relief pool or the day posts by the `crews` placer the caller gives (the service's uses
`solve.crews.propose_crews`, which this layer may not import: each crew able to staff every
post of its workshop and its ESI minimum on its own), after `build_plant` hired the people a crew system needs.
Crew A of every workshop works the same shifts: a site-wide crew, as on a large site.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from roulement.examples.kos import FIRST_NAMES, LAST_NAMES, PlantShape, build_plant, kos_rotation
from roulement.model.rotation import ReliefPool, Rotation
from roulement.model.scenario import (
    Contract,
    Employee,
    Jurisdiction,
    Post,
    RuleConfig,
    RuleMode,
    RuleSetting,
    SafetyMinimum,
    Scenario,
    Site,
    Skill,
)
from roulement.tasks import Engine, Task, run_tasks

# People per line, support included, in KOS (255 people, 6 lines); sizes a plant from its head count.
PEOPLE_PER_LINE = 42.5
LINES_PER_WORKSHOP = 6
START = dt.date(2026, 11, 30)

FR_TOWNS = ["Raussel", "Armentières", "Lillers", "Hénin", "Valenciennes", "Cambrai", "Douai", "Arras", "Calais",
            "Béthune", "Maubeuge", "Lens", "Dunkerque", "Boulogne", "Saint-Omer", "Roubaix"]
DE_TOWNS = ["Saarlouis", "Dillingen", "Homburg", "Neunkirchen", "Völklingen", "Merzig", "Zweibrücken", "Pirmasens"]


def workshop_shape(lines: int) -> PlantShape:
    """KOS's shape for `lines` lines: support scaled from KOS's six lines, never below one per shift."""

    def scaled(levels: tuple[int, int, int]) -> tuple[int, int, int]:
        morning, afternoon, night = (max(1, math.ceil(level * lines / 6)) for level in levels)
        return morning, afternoon, night

    return PlantShape(
        lines=lines, operators_per_line=4, finishing=scaled((5, 5, 3)), mechanics=scaled((3, 3, 2)),
        electricians=scaled((2, 2, 1)), lab=scaled((2, 2, 1)), logistics=scaled((3, 3, 2)),
        day_mechanics=max(1, math.ceil(2 * lines / 6)), day_electricians=math.ceil(lines / 6),
        # At night a one-line workshop has about nine people on site; two of them in the ESI is what its
        # chef de quart (always ESI) and the ESI shares of the other groups give, on every shift.
        esi_on_site=2 if lines < 3 else 3 if lines < 5 else 4,
    )


def lines_by_workshop(people: int) -> list[int]:
    """How many lines each workshop runs for about `people` people, spread as evenly as can be."""
    lines = max(1, round(people / PEOPLE_PER_LINE))
    workshops = math.ceil(lines / LINES_PER_WORKSHOP)
    return [lines // workshops + (1 if k < lines % workshops else 0) for k in range(workshops)]


@dataclass(frozen=True)
class Law:
    jurisdiction: Jurisdiction
    timezone: str
    rules: RuleConfig
    margin: float
    crew_names: str
    pool: ReliefPool


FR = Law(Jurisdiction.FR, "Europe/Paris",
         RuleConfig(settings={"plant.rest-after-nights": RuleSetting(mode=RuleMode.HARD)}), 1.08,
         "Équipe", ReliefPool(id="volants", name="Volants"))
DE = Law(Jurisdiction.DE, "Europe/Berlin",
         RuleConfig(settings={"de.free-sundays": RuleSetting(params={"offset_hours": 5.0}),
                              "de.substitute-rest-day": RuleSetting(params={"offset_hours": 5.0})}), 1.12,
         "Schicht", ReliefPool(id="springer", name="Springer"))

# Puts a workshop's people (built on the site's rotation) in crews, the pool or the day posts, given the seed:
# a top-level function, so that workshops can be built in other processes.
CrewPlacer = Callable[[Scenario, int], Scenario]


def site_rotation(law: Law) -> Rotation:
    return kos_rotation(START, names=law.crew_names, pool=law.pool)


def big_plant(people: int, seed: int = 0, *, name: str | None = None, law: Law = FR, days: int = 28,
              crews: CrewPlacer | None = None, workers: int = 1, engine: Engine = "processes") -> Scenario:
    """A plant of about `people` people (the exact count depends on who the sizing needs).

    `crews`: on KOS's cycle, each person placed by it in a crew, the relief pool or the day posts; None: no
    rotation.
    `workers` > 1 builds the workshops (their crew proposals) as tasks on `engine`, with the same result."""
    if people < 1:
        raise ValueError("a plant has at least one person")
    sizes = list(enumerate(lines_by_workshop(people), start=1))
    if workers > 1 and len(sizes) > 1:
        run = run_tasks([Task(f"atelier {number}", _workshop, (number, lines, seed, law, days, crews))
                         for number, lines in sizes], engine=engine, workers=workers)
        if run.failures or run.interrupted:
            problems = "; ".join(f"{f.name}: {f.error}" for f in run.failures) or "stopped"
            raise RuntimeError(f"building the workshops failed: {problems}")
        workshops = list(run.results.values())
    else:
        workshops = [_workshop(number, lines, seed, law, days, crews) for number, lines in sizes]
    first = workshops[0]
    skills: dict[str, Skill] = {}
    for workshop in workshops:
        skills.update((skill.id, skill) for skill in workshop.skills)
    return Scenario(
        site=Site(name=name or f"Plant of {sum(len(w.employees) for w in workshops):,} people (seed {seed})",
                  jurisdiction=law.jurisdiction, timezone=law.timezone),
        horizon=first.horizon,
        shifts=first.shifts,
        skills=sorted(skills.values(), key=lambda skill: skill.id),
        posts=[post for w in workshops for post in w.posts],
        demand=[demand for w in workshops for demand in w.demand],
        safety_minimums=[minimum for w in workshops for minimum in w.safety_minimums],
        employees=[employee for w in workshops for employee in w.employees],
        rules=law.rules,
        rotation=first.rotation,
    )


def _workshop(number: int, lines: int, seed: int, law: Law, days: int, crews: CrewPlacer | None = None) -> Scenario:
    """One KOS-like workshop, its ids prefixed with its number so that workshops never share a post."""
    plant = build_plant(name=f"atelier {number}", jurisdiction=law.jurisdiction, timezone=law.timezone, start=START,
                        days=days, shape=workshop_shape(lines), margin=law.margin, seed=seed * 1000 + number,
                        story=False, rules=law.rules, teams=True,
                        rotation=site_rotation(law) if crews is not None else None)
    if crews is not None:
        plant = _relievers_hired(crews(plant, seed), random.Random(seed * 1000 + number + 3))
    prefix = f"a{number:02d}"
    hall = f"atelier-{number:02d}"
    esi = f"esi-{number:02d}"

    def skill(old: str) -> str:
        return esi if old == "esi" else old

    def post_id(old: str) -> str:
        return f"{prefix}-{old}"

    posts = [Post(id=post_id(p.id), name=f"Atelier {number} – {p.name}", skills=[*map(skill, p.skills), hall])
             for p in plant.posts]
    demand = [d.model_copy(update={"post": post_id(d.post)}) for d in plant.demand]
    employees = [Employee.model_validate({**e.model_dump(), "id": f"{prefix}-{e.id}",
                                          "skills": sorted([*map(skill, e.skills), hall]),
                                          "team": f"{prefix}-{e.team}" if e.team else None})
                 for e in plant.employees]
    skills = [Skill(id=skill(s.id), name=f"ESI atelier {number}" if s.id == "esi" else s.name) for s in plant.skills]
    skills.append(Skill(id=hall, name=f"Habilitation atelier {number}"))
    minimums = [SafetyMinimum(id=f"poi-esi-{number:02d}", skill=esi, min=m.min, reference=m.reference)
                for m in plant.safety_minimums]
    return plant.replaced(posts=posts, demand=demand, employees=employees, skills=skills, safety_minimums=minimums)


# Relievers of each crew post a workshop's relief pool holds at least: one away (holiday, sickness, another post's
# hole) still leaves one for the trade. The crew placer first moves the crews' spare members there
# (`service.group.staff_relief_pool`); the posts no crew can spare a holder for get one hired.
RELIEVERS_PER_POST = 2


def _relievers_hired(plant: Scenario, rng: random.Random) -> Scenario:
    """New full-time, night-eligible people hired into the relief pool for each post of the cycle it holds fewer
    than `RELIEVERS_PER_POST` relievers of, trained for that post only, as a plant hires a reliever per trade."""
    rotation = plant.rotation
    if rotation is None or rotation.relief_pool is None:
        return plant
    pool, codes = rotation.relief_pool.id, rotation.shift_codes()
    posts = sorted({d.post for d in plant.demand if set(d.shifts) & codes})
    counter = max((int(e.id[1:]) for e in plant.employees if e.id[1:].isdigit()), default=0)
    hired: list[Employee] = []
    for post_id in posts:
        skills = set(plant.post(post_id).skills)
        relievers = sum(1 for e in [*plant.employees, *hired] if e.crew == pool and skills <= set(e.skills))
        for _ in range(RELIEVERS_PER_POST - relievers):
            counter += 1
            hired.append(Employee(
                id=f"k{counter:03d}", name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                skills=sorted(skills), night_eligible=True, crew=pool,
                contract=Contract(weekly_hours=35.0, tolerance_hours=4.0, max_consecutive_days=6),
                seniority_date=dt.date(rng.randint(1986, 2025), rng.randint(1, 12), 1)))
    return plant.replaced(employees=[*plant.employees, *hired]) if hired else plant


@dataclass(frozen=True)
class GeneratedSite:
    id: str
    scenario: Scenario


def big_group(sites: int, people: int, seed: int = 0, *, german_every: int = 3, crews: CrewPlacer | None = None,
              workers: int = 1) -> list[GeneratedSite]:
    """A group of `sites` plants of about `people` people each; every `german_every`-th is in Germany."""
    jobs = []
    for number in range(1, sites + 1):
        german = german_every > 0 and number % german_every == 0
        towns = DE_TOWNS if german else FR_TOWNS
        town = towns[(number - 1) % len(towns)]
        law = DE if german else FR
        site_id = f"site-{number:02d}"
        name = f"KOS {town}" if not german else f"KOS Werk {town}"
        jobs.append((site_id, (people, seed * 100 + number, name, law, crews)))
    if workers > 1 and len(jobs) > 1:
        run = run_tasks([Task(site_id, _plant, args) for site_id, args in jobs], engine="processes", workers=workers)
        if run.failures or run.interrupted:
            problems = "; ".join(f"{f.name}: {f.error}" for f in run.failures) or "stopped"
            raise RuntimeError(f"building the sites failed: {problems}")
        return [GeneratedSite(site_id, run.results[site_id]) for site_id, _ in jobs]
    return [GeneratedSite(site_id, _plant(*args)) for site_id, args in jobs]


def _plant(people: int, seed: int, name: str, law: Law, crews: CrewPlacer | None) -> Scenario:
    return big_plant(people, seed, name=name, law=law, crews=crews)
