"""rotation assign: put people into the cycle's crews, the relief pool or the day posts."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from roulement.cli.app import EXIT_OK, EXIT_VIOLATIONS, app, console, fail_input
from roulement.formats.files import write_atomic
from roulement.formats.scenario_yaml import ScenarioError, load_scenario, save_scenario
from roulement.solve.crews import CrewProposal, propose_crews, with_crews


def _rotation_group() -> typer.Typer:
    """The `rotation` command group: the one `cli/rotation.py` declares, or a new one if it is not there."""
    try:
        module = importlib.import_module("roulement.cli.rotation")
    except ImportError:
        module = None
    found = [value for value in vars(module).values()
             if isinstance(value, typer.Typer) and value is not app] if module else []
    if found:
        return found[0]
    group: typer.Typer = typer.Typer(help="The plant's rotating crew cycle: put people into crews.",
                                     no_args_is_help=True)
    app.add_typer(group, name="rotation")
    return group


rotation_app = _rotation_group()


@rotation_app.command("assign")
def assign(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML with a rotation (cycle and crews).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for scenario.yaml (with crews) and crews.json.")],
    time_limit: Annotated[float, typer.Option(help="Seconds of search.", min=1)] = 20.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    absence_rate: Annotated[float | None, typer.Option(
        help="Share of crew shifts lost to absences, which sizes the relief pool; default: the scenario's own "
             "absences, at least 5 %.", min=0.0, max=0.5)] = None,
    keep: Annotated[bool, typer.Option(
        "--keep", help="Keep everyone already in a crew or the relief pool there; place only the people outside "
                       "the cycle (new hires, the day posts looked at again).")] = False,
) -> None:
    """Propose crews, the relief pool and the day posts for a scenario's cycle.

    Each crew can staff every post of every shift it works. Households are placed so childcare windows stay
    covered, and couples who ask for days off together share a crew. The relief pool is sized from the
    absence rate. Exit 0: every need met; 1: some need could not be met (listed); 2: bad input."""
    try:
        chosen = load_scenario(scenario)
    except ScenarioError as error:
        fail_input(error.problems)
    if chosen.rotation is None:
        fail_input(f"{scenario}: rotation: the scenario has no rotation (write one, or `roulement rotation design`)")
    proposal = propose_crews(chosen, absence_rate=absence_rate, time_limit=time_limit, workers=workers, keep=keep)
    if not proposal.places:
        console.print(f"[red]No proposal[/red]: {'; '.join(proposal.problems)}")
        raise typer.Exit(EXIT_VIOLATIONS)
    placed = with_crews(chosen, proposal)
    out.mkdir(parents=True, exist_ok=True)
    save_scenario(placed, out / "scenario.yaml")
    write_atomic(out / "crews.json", json.dumps(proposal.as_dict(), indent=2, ensure_ascii=False) + "\n")
    show_proposal(proposal)
    console.print(f"  wrote {out / 'scenario.yaml'}\n  wrote {out / 'crews.json'}")
    raise typer.Exit(EXIT_VIOLATIONS if proposal.problems else EXIT_OK)


def show_proposal(proposal: CrewProposal) -> None:
    crews = list(proposal.margins)
    counts = {place: sum(1 for p in proposal.places.values() if p == place) for place in {*crews, None}}
    pool = len(proposal.places) - sum(counts.values())
    console.print(f"{proposal.status}: " + ", ".join(f"crew {c} {counts[c]}" for c in crews)
                  + f", relief pool {pool}, day posts {counts[None]} "
                  + f"(absence rate {proposal.absence_rate:.1%})")
    margin = Table("post", *(f"crew {c}" for c in crews), "pool", title="Margin per crew: people designated "
                   "for the post / needed on its busiest shift")
    posts = sorted({p for by_post in proposal.margins.values() for p in by_post})
    for post in posts:
        cells = []
        for crew in crews:
            have, needed = proposal.margins[crew][post]
            style = "red" if have < needed else "green" if have > needed else ""
            cells.append(f"[{style}]{have}/{needed}[/{style}]" if style else f"{have}/{needed}")
        pool_have, pool_need = proposal.pool.get(post, (0, 0))
        margin.add_row(post, *cells, f"{pool_have}/{pool_need}")
    safety = [f"{h}/{m}" for h, m in proposal.safety.values()]
    if safety:
        margin.add_row("safety minimum", *safety, "")
    console.print(margin)
    skills = Table("skill", *(f"crew {c}" for c in crews), title="Skill mix: holders per crew")
    for skill in sorted({s for by_skill in proposal.skills.values() for s in by_skill}):
        skills.add_row(skill, *(str(proposal.skills[c][skill]) for c in crews))
    console.print(skills)
    for placement in proposal.households:
        style = "green" if placement.met else "red"
        console.print(f"[{style}]household {placement.household}[/{style}]: {placement.text}", highlight=False)
    reasons: dict[str, int] = {}
    for reason in proposal.reasons.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, number in sorted(reasons.items()):
        console.print(f"[dim]outside the crews ({number}): {reason}[/dim]", highlight=False)
    for problem in proposal.problems:
        console.print(f"[red]not met:[/red] {problem}", highlight=False)
