"""The built-in KOS plant: a Seveso-classified nonwoven plant in Raussel, northern France, running 24/7 in 3x8.

Its people include those of the story (Rudi and Dallas, Varda and Serge, Lorquin who leads maintenance, ...)
among generated ones. Every skill group is sized from its own demand and its people's real availability
(holidays, sickness, part time), with a margin, so the plant can be covered within the law by construction.
`kos_de()` is a smaller sister plant under German law.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from roulement.model.rotation import Crew, ReliefPool, Rotation
from roulement.model.scenario import (
    Absence,
    AbsenceKind,
    Caregiver,
    Childcare,
    ClockWindow,
    Contract,
    DayPostPriority,
    DayPostReason,
    Declaration,
    Demand,
    Employee,
    Horizon,
    Household,
    Jurisdiction,
    Post,
    Request,
    RequestKind,
    RuleConfig,
    RuleMode,
    RuleSetting,
    SafetyMinimum,
    Scenario,
    SharedDaysOff,
    ShiftType,
    Site,
    Skill,
)

FIRST_NAMES = [
    "Julien", "Sandrine", "Karim", "Nathalie", "Christophe", "Sophie", "Mehdi", "Isabelle", "Sébastien", "Céline",
    "Yannick", "Aurélie", "Laurent", "Virginie", "Rachid", "Stéphanie", "Olivier", "Sabrina", "Cédric", "Emilie",
    "Fabrice", "Hélène", "Nicolas", "Karine", "Jérôme", "Amandine", "David", "Samia", "Thierry", "Delphine",
    "Mickaël", "Audrey", "Franck", "Valérie", "Grégory", "Laetitia", "Pascal", "Nadia", "Ludovic", "Corinne",
    "Bruno", "Mélanie", "Jean-Marc", "Elodie", "Abdel", "Patricia", "Frédéric", "Magali", "Didier", "Jessica",
]
LAST_NAMES = [
    "Lefebvre", "Dubois", "Lemaire", "Leroy", "Duhamel", "Caron", "Delattre", "Vandamme", "Dupont", "Bernard",
    "Petit", "Martin", "Lecomte", "Carpentier", "Deprez", "Fournier", "Benali", "Mercier", "Hennebert", "Dufour",
    "Wallet", "Delcourt", "Bouchez", "Vasseur", "Lebrun", "Roussel", "Haddad", "Debruyne", "Lambert", "Boulanger",
    "Masson", "Legrand", "Cousin", "Pruvost", "Gosselin", "Obert", "Ramdani", "Delval", "Lheureux", "Descamps",
]


@dataclass
class Group:
    """People who share a main skill set: what they hold and which posts count on them."""

    key: str
    skills: list[str]
    posts: list[str]
    extra_skills: dict[str, float] = field(default_factory=dict)  # skill -> share of the group that holds it
    night_ineligible_share: float = 0.04


@dataclass(frozen=True)
class Named:
    id: str
    name: str
    group: str
    skills: tuple[str, ...] = ()
    night_eligible: bool = True
    weekly_hours: float = 35.0
    seniority: dt.date = dt.date(2010, 1, 1)


PLANT_SKILLS = {
    "conduite": "Conduite de ligne (conducteur)",
    "finition": "Finition, refente et conditionnement",
    "maint_meca": "Maintenance mécanique",
    "maint_elec": "Maintenance électrique et automatismes",
    "labo": "Laboratoire qualité",
    "cariste": "Cariste (CACES)",
    "chef_quart": "Chef de quart",
    "seveso": "Habilitation Seveso (responsable d'intervention)",
    "esi": "Équipier de seconde intervention (POI)",
}


def _shifts() -> list[ShiftType]:
    return [
        ShiftType(id="M", name="Matin", start=dt.time(5), end=dt.time(13), break_minutes=30, color="#f6c85f"),
        ShiftType(id="J", name="Journée", start=dt.time(8), end=dt.time(16), break_minutes=30, color="#9dd866"),
        ShiftType(id="A", name="Après-midi", start=dt.time(13), end=dt.time(21), break_minutes=30, color="#6f9ed4"),
        ShiftType(id="N", name="Nuit", start=dt.time(21), end=dt.time(5), break_minutes=30, color="#5b4a8b"),
    ]


@dataclass(frozen=True)
class PlantShape:
    lines: int
    operators_per_line: int
    finishing: tuple[int, int, int]  # M, A, N
    mechanics: tuple[int, int, int]
    electricians: tuple[int, int, int]
    lab: tuple[int, int, int]
    logistics: tuple[int, int, int]
    day_mechanics: int
    day_electricians: int
    esi_on_site: int


def _posts_and_demand(shape: PlantShape) -> tuple[list[Post], list[Demand], list[Group]]:
    posts: list[Post] = []
    demand: list[Demand] = []
    groups: list[Group] = []
    line_names = ["Spunlace 1", "Spunlace 2", "Airlaid", "Thermolié", "Aiguilleté", "Spunbond"]
    for k in range(1, shape.lines + 1):
        line = f"ligne{k}"
        posts.append(Post(id=f"L{k}-conducteur", name=f"Ligne {k} ({line_names[k - 1]}) – conducteur",
                          skills=[line, "conduite"]))
        posts.append(Post(id=f"L{k}-operateur", name=f"Ligne {k} ({line_names[k - 1]}) – opérateur", skills=[line]))
        demand.append(Demand(post=f"L{k}-conducteur", shifts=["M", "A", "N"], min=1))
        demand.append(Demand(post=f"L{k}-operateur", shifts=["M", "A", "N"], min=shape.operators_per_line))
        groups.append(Group(f"conducteur{k}", [line, "conduite"], [f"L{k}-conducteur"], {"esi": 0.4}))
        groups.append(Group(f"operateur{k}", [line], [f"L{k}-operateur"], {"esi": 0.3}))
    per_shift = {
        "finition": (["finition"], shape.finishing, "Finition et conditionnement"),
        "maint-meca": (["maint_meca"], shape.mechanics, "Maintenance mécanique"),
        "maint-elec": (["maint_elec"], shape.electricians, "Maintenance électrique"),
        "labo": (["labo"], shape.lab, "Laboratoire qualité"),
        "logistique": (["cariste"], shape.logistics, "Logistique (caristes)"),
    }
    for post_id, (skills, (morning, afternoon, night), name) in per_shift.items():
        posts.append(Post(id=post_id, name=name, skills=skills))
        for shift, level in (("M", morning), ("A", afternoon), ("N", night)):
            if level:
                demand.append(Demand(post=post_id, shifts=[shift], min=level))
        groups.append(Group(post_id, skills, [post_id], {"esi": 0.5 if post_id.startswith("maint") else 0.25}))
    if shape.day_mechanics:
        demand.append(Demand(post="maint-meca", shifts=["J"], days="weekdays", min=shape.day_mechanics))
    if shape.day_electricians:
        demand.append(Demand(post="maint-elec", shifts=["J"], days="weekdays", min=shape.day_electricians))
    posts.append(Post(id="chef-de-quart", name="Chef de quart (responsable Seveso du quart)",
                      skills=["chef_quart", "seveso"]))
    demand.append(Demand(post="chef-de-quart", shifts=["M", "A", "N"], min=1))
    groups.append(Group("chef-de-quart", ["chef_quart", "seveso", "esi"], ["chef-de-quart"],
                        night_ineligible_share=0.0))
    return posts, demand, groups


def _slots_needed(demand: list[Demand], posts: list[str], dates: list[dt.date], shifts: dict[str, int]) -> int:
    """Worked minutes the posts of a group ask for over the horizon."""
    return sum(
        d.min * shifts[s]
        for d in demand if d.post in posts
        for date in dates if d.applies_to(date)
        for s in d.shifts
    )


def _story_people() -> list[Named]:
    return [
        Named("rudi", "Rudi", "operateur2", ("esi",), seniority=dt.date(2012, 3, 1)),
        Named("dallas", "Dallas", "finition", (), seniority=dt.date(2015, 9, 1)),
        Named("varda", "Varda", "finition", ("esi",), seniority=dt.date(2011, 6, 1)),
        Named("serge", "Serge", "logistique", (), seniority=dt.date(2008, 2, 1)),
        Named("lorquin", "Lorquin", "maint-meca", ("maint_elec", "chef_quart", "seveso", "esi"),
              seniority=dt.date(1991, 9, 1)),
        Named("franck", "Franck", "maint-elec", ("esi",), seniority=dt.date(2016, 1, 1)),
        Named("anthony", "Anthony", "operateur1", (), seniority=dt.date(2019, 4, 1)),
        Named("angelique", "Angélique", "finition", (), seniority=dt.date(2020, 10, 1)),
        Named("saida", "Saïda", "operateur3", (), seniority=dt.date(2021, 5, 1)),
        Named("hachemi", "Hachemi", "conducteur1", ("esi",), seniority=dt.date(2003, 1, 1)),
        Named("pignard", "Pignard", "logistique", ("esi",), seniority=dt.date(1998, 7, 1)),
        Named("lamy", "Lamy", "labo", (), seniority=dt.date(1995, 3, 1)),
    ]


def build_plant(
    *,
    name: str,
    jurisdiction: Jurisdiction,
    timezone: str,
    start: dt.date,
    days: int,
    shape: PlantShape,
    margin: float,
    seed: int,
    story: bool,
    rules: RuleConfig,
    rotation: Rotation | None = None,
    teams: bool = False,
) -> Scenario:
    """`teams`: each person's `team` names the skill group they were hired for (examples/big.py cuts by it)."""
    rng = random.Random(seed)
    shifts = _shifts()
    posts, demand, groups = _posts_and_demand(shape)
    horizon = Horizon(start=start, days=days)
    dates = horizon.dates()
    worked = {s.id: s.duration_minutes for s in shifts}
    skills = {skill for g in groups for skill in g.skills} | {s for g in groups for s in g.extra_skills}
    line_skills = sorted(s for s in skills if s.startswith("ligne"))
    skill_list = [Skill(id=s, name=PLANT_SKILLS.get(s, f"Ligne {s.removeprefix('ligne')}")) for s in sorted(skills)]

    named: dict[str, list[Named]] = {}
    for person in _story_people() if story else []:
        named.setdefault(person.group, []).append(person)

    employees: list[Employee] = []
    counter = 0
    for group in groups:
        need = _slots_needed(demand, group.posts, dates, worked)
        supplied = 0.0
        people: list[Employee] = []
        story_people = list(named.get(group.key, []))
        while supplied < need * margin or story_people:
            counter += 1
            story_person = story_people.pop(0) if story_people else None
            employee = _make_employee(rng, counter, group, story_person, horizon, line_skills)
            if teams:
                employee = employee.model_copy(update={"team": group.key})
            people.append(employee)
            supplied += _capacity_minutes(employee, days)
        employees.extend(people)

    households: list[Household] = []
    if story:
        employees, households = _households(random.Random(seed + 1), employees, horizon.start)
    if rotation is not None:
        employees += _crew_reinforcements(random.Random(seed + 2), groups, demand, employees, households, horizon,
                                          line_skills, len(rotation.crews), counter)
    return Scenario(
        site=Site(name=name, jurisdiction=jurisdiction, timezone=timezone),
        horizon=horizon,
        shifts=shifts,
        skills=skill_list,
        posts=posts,
        demand=demand,
        safety_minimums=[SafetyMinimum(id="poi-esi", skill="esi", min=shape.esi_on_site,
                                       reference="POI (plan d'opération interne), étude de dangers")],
        employees=employees,
        households=households,
        rules=rules,
        rotation=rotation,
    )


# Expected share of a crew's shifts lost to absences, which the relief pool covers (holidays, sickness).
RELIEF_RATE = 0.05


def _crew_reinforcements(
    rng: random.Random, groups: list[Group], demand: list[Demand], employees: list[Employee],
    households: list[Household], horizon: Horizon, line_skills: list[str], crews: int, counter: int,
) -> list[Employee]:
    """People hired so every crew can staff its busiest shift and the pool can cover the expected absences.

    A plant sized on hours alone lacks people for a crew system: each crew must staff the busiest shift of each
    post (nights overstaffed), and part-timers, people off nights and parents who must mind a child are
    planned outside the crews. New people are full-time and night-eligible, appended after everyone else so
    nobody of the plant as it was changes."""
    in_household = {m for h in households if h.childcare is not None for m in h.members}
    added: list[Employee] = []
    for group in groups:
        busiest: dict[str, int] = {}
        for d in demand:
            if d.post in group.posts:
                for shift in d.shifts:
                    if shift in ("M", "A", "N"):
                        busiest[shift] = busiest.get(shift, 0) + d.min
        need = max(busiest.values(), default=0)
        if not need:
            continue
        day_need = max((d.min for d in demand if d.post in group.posts and "J" in d.shifts), default=0)
        fit = sum(1 for e in employees if set(group.skills) <= set(e.skills) and e.night_eligible
                  and e.day_post_priority is None and e.contract.weekly_hours >= 35 and e.id not in in_household
                  and not any(set(e.skills) >= set(other.skills) for other in groups
                              if other is not group and set(other.skills) > set(group.skills)))
        wanted = crews * need + math.ceil(RELIEF_RATE * crews * need) + 1 + day_need
        for _ in range(max(wanted - fit, 0)):
            counter += 1
            person = _make_employee(rng, counter, group, None, horizon, line_skills)
            added.append(person.model_copy(update={"night_eligible": True, "contract": Contract(
                weekly_hours=35.0, tolerance_hours=4.0, max_consecutive_days=6)}))
    return added


# KOS's 3x8 continu over five weeks, one row a week: every weekday column holds one morning, one afternoon and
# one night, so the five crews (each a week apart) staff every shift of every day. Forward rotation, at most
# three nights in a row, two days off after each night block, two days off in a row in every calendar week,
# one or two nights and four or five shifts a week (so any four weeks hold 5 or 6 nights, 2 or 3 Sundays and
# 16 or 17 shifts a crew: hours within every full-time contract's window). Found by a small
# CP-SAT search, with no night on both Saturday and Sunday of a week (on the night the clocks go back, that
# would make 9 h of night work on the Sunday, FR L3122-6); its year passes the checker under FR and DE law.
# `roulement rotation design` proposes other lawful five-week cycles; the one it found for KOS (free weekends
# first) gives a crew 4 to 7 nights in these four weeks, this one 5 or 6, which plan by exception needs to be
# fair within one night among full-time peers.
KOS_CYCLE = [
    ["N", "-", "-", "-", "M", "A", "A"],
    ["A", "A", "-", "N", "N", "-", "-"],
    ["-", "-", "A", "A", "A", "N", "-"],
    ["-", "N", "N", "-", "-", "M", "M"],
    ["M", "M", "M", "M", "-", "-", "N"],
]


def kos_rotation(start: dt.date, names: str = "Équipe", pool: ReliefPool | None = None) -> Rotation:
    """KOS's five crews on `KOS_CYCLE`, crew A starting week 1 on the Monday of `start`, B week 2, and so on."""
    return Rotation(
        anchor=start - dt.timedelta(days=start.weekday()),
        cycle=KOS_CYCLE,
        crews=[Crew(id=letter, name=f"{names} {letter}", start_week=index + 1) for index, letter in enumerate("ABCDE")],
        relief_pool=pool or ReliefPool(id="volants", name="Volants"),
    )


def _declared(member: str, on: dt.date) -> Declaration:
    return Declaration(declared_by=member, purpose="roster", declared_on=on - dt.timedelta(days=30))


def _households(
    rng: random.Random, employees: list[Employee], start: dt.date
) -> tuple[list[Employee], list[Household]]:
    """The story's households and generated ones in realistic proportions: about one person in twenty in a
    couple working at the plant, about one in fifteen a single parent of a child under 12."""
    round_the_clock = ClockWindow(days="all", start=dt.time(0), end=dt.time(0))
    households = [
        # Rudi and Dallas's son is one; Dallas's mother minds him on weekdays.
        Household(id="foyer-01", members=["rudi", "dallas"], declaration=_declared("dallas", start),
                  shared_days_off=SharedDaysOff(weight=3),
                  childcare=Childcare(windows=[round_the_clock],
                                      caregivers=[Caregiver(label="grandparent", available=[
                                          ClockWindow(days="weekdays", start=dt.time(6), end=dt.time(20))])],
                                      commute_minutes=30)),
        Household(id="foyer-02", members=["varda", "serge"], declaration=_declared("varda", start),
                  shared_days_off=SharedDaysOff(weight=3)),
    ]
    taken = {"rudi", "dallas", "varda", "serge"}
    # Generated people only: full-time, night-eligible, no absence (their wishes are then judged every day).
    pool = [e for e in employees if e.id.startswith("k") and e.night_eligible and not e.absences
            and e.contract.weekly_hours >= 35 and "chef_quart" not in e.skills]
    rng.shuffle(pool)
    couples = [(pool.pop(), pool.pop()) for _ in range(6)]
    crèche = Caregiver(label="crèche", available=[ClockWindow(days="weekdays", start=dt.time(7, 30),
                                                              end=dt.time(18, 30))])
    for number, (first, second) in enumerate(couples, start=3):
        needs_care = number % 2 == 0
        asks_days = number % 3 != 0 or not needs_care
        households.append(Household(
            id=f"foyer-{number:02d}", members=[first.id, second.id], declaration=_declared(first.id, start),
            shared_days_off=SharedDaysOff(weight=3) if asks_days else None,
            childcare=Childcare(windows=[round_the_clock], caregivers=[crèche]) if needs_care else None))
        taken |= {first.id, second.id}
    priorities: set[str] = set()
    after_school = Childcare(windows=[ClockWindow(days="weekdays", start=dt.time(16, 30), end=dt.time(20))])
    evenings_soft = Childcare(windows=[ClockWindow(days="all", start=dt.time(21), end=dt.time(5))], mode="soft")
    for number in range(3 + len(couples), 3 + len(couples) + 10):
        parent = pool.pop()
        kind = number % 3
        if kind == 0:
            priorities.add(parent.id)  # declares the day-post priority, nothing about the household
            continue
        households.append(Household(id=f"foyer-{number:02d}", members=[parent.id],
                                    declaration=_declared(parent.id, start),
                                    childcare=after_school if kind == 1 else evenings_soft))
    priority = DayPostPriority(reason=DayPostReason.CHILD_UNDER_12, declaration=_declared("x", start))
    updated = [e.model_copy(update={"day_post_priority": priority.model_copy(
        update={"declaration": _declared(e.id, start)})}) if e.id in priorities else e for e in employees]
    return updated, households


def _capacity_minutes(employee: Employee, days: int) -> float:
    absent = sum((a.end - a.start).days + 1 for a in employee.absences)
    return employee.contract.weekly_hours * 60 * max(days - absent, 0) / 7


def _make_employee(
    rng: random.Random, number: int, group: Group, person: Named | None, horizon: Horizon, line_skills: list[str]
) -> Employee:
    skills = list(group.skills)
    for extra, share in group.extra_skills.items():
        if rng.random() < share:
            skills.append(extra)
    if group.key.startswith("operateur") and len(line_skills) > 1 and rng.random() < 0.2:
        # Some operators are trained on a second line.
        other = rng.choice([s for s in line_skills if s not in skills])
        skills.append(other)
    part_time = person is None and rng.random() < 0.07
    weekly = 28.0 if part_time else 35.0
    night_eligible = rng.random() >= group.night_ineligible_share
    if person is not None:
        skills = sorted(set(skills) | set(person.skills))
        weekly, night_eligible = person.weekly_hours, person.night_eligible
        identifier, name = person.id, person.name
        seniority = person.seniority
    else:
        identifier = f"k{number:03d}"
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        seniority = dt.date(rng.randint(1986, 2025), rng.randint(1, 12), 1)
    return Employee(
        id=identifier,
        name=name,
        skills=sorted(set(skills)),
        contract=Contract(weekly_hours=weekly, tolerance_hours=4.0, max_consecutive_days=6),
        night_eligible=night_eligible,
        seniority_date=seniority,
        absences=_absences(rng, horizon),
        requests=_requests(rng, horizon),
    )


def _absences(rng: random.Random, horizon: Horizon) -> list[Absence]:
    roll = rng.random()
    if roll < 0.14:
        # A week of paid holiday, more often around the end of the year.
        weeks = horizon.days // 7
        week = rng.randrange(weeks)
        start = horizon.start + dt.timedelta(days=7 * week)
        return [Absence(start=start, end=start + dt.timedelta(days=6), kind=AbsenceKind.HOLIDAY)]
    if roll < 0.18:
        start = horizon.start + dt.timedelta(days=rng.randrange(horizon.days - 4))
        return [Absence(start=start, end=start + dt.timedelta(days=rng.randint(1, 4)), kind=AbsenceKind.SICKNESS)]
    return []


def _requests(rng: random.Random, horizon: Horizon) -> list[Request]:
    requests: list[Request] = []
    if rng.random() < 0.3:
        for day in rng.sample(range(horizon.days), rng.randint(1, 3)):
            date = horizon.start + dt.timedelta(days=day)
            if rng.random() < 0.7:
                requests.append(Request(kind=RequestKind.DAY_OFF, date=date, weight=rng.randint(1, 3)))
            else:
                requests.append(Request(kind=RequestKind.SHIFT_OFF, date=date, shift="N", weight=rng.randint(1, 3)))
    return sorted(requests, key=lambda r: r.date)


KOS_SHAPE = PlantShape(
    lines=6, operators_per_line=4, finishing=(5, 5, 3), mechanics=(3, 3, 2), electricians=(2, 2, 1),
    lab=(2, 2, 1), logistics=(3, 3, 2), day_mechanics=2, day_electricians=1, esi_on_site=4,
)
KOS_DE_SHAPE = PlantShape(
    lines=2, operators_per_line=3, finishing=(2, 2, 1), mechanics=(1, 1, 1), electricians=(1, 1, 1),
    lab=(1, 1, 1), logistics=(1, 1, 1), day_mechanics=1, day_electricians=0, esi_on_site=3,
)


@functools.cache
def kos(seed: int = 7) -> Scenario:
    """KOS, Raussel (FR): about 290 people in five crews on a 3x8 continu cycle, a relief pool and weekday day
    posts, four weeks before Christmas. Crews are proposed by `solve.crews` (deterministic) from its people."""
    start = dt.date(2026, 11, 30)
    plant = build_plant(
        name="KOS Raussel", jurisdiction=Jurisdiction.FR, timezone="Europe/Paris",
        start=start, days=28, shape=KOS_SHAPE, margin=1.08, seed=seed, story=True,
        # The plant's shift agreement follows the BAuA: 48 h off after a night block, enforced. Its continuous-work
        # agreement (L3132-14) also allows a night of up to 9 h under L3122-17 (continuity of production): the
        # night the clocks go back, the 21:00-05:00 shift lasts an hour longer in real time.
        rules=RuleConfig(settings={"plant.rest-after-nights": RuleSetting(mode=RuleMode.HARD),
                                   "fr.night-daily-max": RuleSetting(params={"max_hours": 9})}),
        rotation=kos_rotation(start),
    )
    return _in_crews(plant)


@functools.cache
def kos_de(seed: int = 11) -> Scenario:
    """KOS Werk Saarlouis (DE): a smaller sister plant under the ArbZG, on a five-crew Kontischicht."""
    start = dt.date(2026, 11, 30)
    plant = build_plant(
        name="KOS Werk Saarlouis", jurisdiction=Jurisdiction.DE, timezone="Europe/Berlin",
        start=start, days=28, shape=KOS_DE_SHAPE, margin=1.12, seed=seed, story=False,
        # §9(2): in multi-shift plants the Sunday rest may start up to 6 h later, after the Saturday night.
        rules=RuleConfig(settings={"de.free-sundays": RuleSetting(params={"offset_hours": 5.0}),
                                   "de.substitute-rest-day": RuleSetting(params={"offset_hours": 5.0})}),
        rotation=kos_rotation(start, names="Schicht", pool=ReliefPool(id="springer", name="Springer")),
    )
    return _in_crews(plant)


CREWS_FILE = Path(__file__).with_name("crews.json")


def _in_crews(plant: Scenario) -> Scenario:
    """The plant with each person in a crew, the relief pool or the day posts.

    Crews are set once and then kept, as at a real plant: `crews.json` holds what `roulement rotation assign`
    proposed for each built-in plant (regenerate with `python -m roulement.solve.crews`). A person it does not
    name stays outside the cycle."""
    places: dict[str, str | None] = json.loads(CREWS_FILE.read_text(encoding="utf-8")).get(plant.site.name, {})
    employees = [e.model_copy(update={"crew": places.get(e.id)}) for e in plant.employees]
    return plant.replaced(employees=employees)


EXAMPLES = {"kos": kos, "kos-de": kos_de}

