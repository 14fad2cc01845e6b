"""The crew cycle: design it for a scenario, judge its year, and solve the public RWS benchmark with it."""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from roulement.analyse.rotation import YearJudgement, judge_year
from roulement.analyse.rotation_design import DesignError, DesignOption, design
from roulement.check.rws import evaluate
from roulement.formats.files import write_atomic
from roulement.formats.rws import load_instance, solution_to_text
from roulement.model.scenario import Scenario
from roulement.report.messages import frame_text
from roulement.report.rotation_page import PageOption, render_rotation_page
from roulement.solve.rotation import Status, problem_from_rws, solve_cycle
from roulement.tasks import Engine, ProgressCallback, Task, TaskRun, run_tasks


def design_rotations(scenario: Scenario, crews: list[int], shift_length: int | None = None,
                     time_limit: float = 30.0, workers: int = 2) -> list[DesignOption]:
    """One design per number of crews; raises DesignError when the scenario has nothing for crews to staff."""
    return [design(scenario, count, shift_length, time_limit=time_limit, workers=workers) for count in crews]


def design_or_error(scenario: Scenario, crews: int, shift_length: int | None, time_limit: float,
                    workers: int) -> DesignOption | DesignError:
    """A task: one design; a scenario with nothing for crews to staff is an answer (the error), not a failure."""
    try:
        return design(scenario, crews, shift_length, time_limit=time_limit, workers=workers)
    except DesignError as error:
        return error


def design_rotations_as_tasks(
    scenario: Scenario, crews: list[int], shift_length: int | None = None, time_limit: float = 30.0,
    workers: int = 2, engine: Engine = "auto", address: str | None = None,
    on_progress: ProgressCallback | None = None, stop: threading.Event | None = None,
) -> tuple[list[DesignOption], TaskRun[DesignOption | DesignError]]:
    """`design_rotations` with each number of crews its own task (CP-SAT's `workers` threads each), in the order
    asked; a design that failed is in the run's failures, by name ("5 crews"). Raises DesignError as the serial
    path does."""
    tasks = [Task(f"{count} crews", design_or_error, (scenario, count, shift_length, time_limit, workers),
                  cpus=workers) for count in crews]
    # Local processes or the embedded runtime get room for every task's threads at once, up to this machine.
    run = run_tasks(tasks, engine=engine, address=address, on_progress=on_progress, stop=stop,
                    workers=max(os.cpu_count() or 1, workers))
    options = []
    for result in run.results.values():
        if isinstance(result, DesignError):
            raise result
        options.append(result)
    return options, run


def check_rotation(scenario: Scenario, start: dt.date | None = None) -> YearJudgement:
    return judge_year(scenario, start=start)


def design_figures(option: DesignOption) -> dict[str, str]:
    figures = {
        "crews": str(option.crews),
        "shift length": f"{option.shift_length} h",
        "hours per calendar week": f"{option.average_hours:.1f} h",
        "people per crew": str(option.plan.crew_size),
        "people in crews": str(option.people_needed),
        "offered": "yes" if option.offered else f"no: {option.refused}",
    }
    if option.judgement is not None:
        by_key = {c.key: c for c in option.judgement.criteria}
        figures["nights a year"] = f"{by_key['nights'].value:g}"
        figures["free weekends a year"] = f"{by_key['weekends'].value:g}"
        figures["longest night block"] = f"{by_key['night-block'].value:g}"
        figures["violations over the year"] = str(len(option.judgement.violations))
    if option.result is not None:
        figures["design time"] = f"{option.result.seconds:.1f} s"
    return figures


def rotation_yaml(option: DesignOption) -> str:
    assert option.rotation is not None
    data: dict[str, object] = {}
    if option.plan.extra_shifts:
        data["shifts"] = [s.model_dump(mode="json", exclude_defaults=True) for s in option.plan.extra_shifts]
    rotation = option.rotation.model_dump(exclude_none=True)
    data["rotation"] = rotation
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    header = (f"# {option.crews}-crew cycle designed by `roulement rotation design`; paste into the scenario.\n"
              f"# Average {option.average_hours:.1f} h per calendar week; {option.plan.crew_size} people per crew.\n")
    return header + text


def write_design(out: Path, scenario: Scenario, options: list[DesignOption], lang: str = "en") -> list[str]:
    """rotation.yaml (rotation-N.yaml per option when comparing) for each offered option, and rotation.html (in
    `lang`)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for option in options:
        if option.offered:
            name = "rotation.yaml" if len(options) == 1 else f"rotation-{option.crews}.yaml"
            write_atomic(out / name, rotation_yaml(option))
            written.append(name)
    pages = [PageOption(frame_text("rot_option", lang, crews=o.crews, hours=o.shift_length), o.rotation,
                        o.judgement, None if o.offered else o.refused, design_figures(o)) for o in options]
    page_scenario = scenario.replaced(shifts=[*scenario.shifts, *(s for o in options for s in o.plan.extra_shifts)])
    write_atomic(out / "rotation.html", render_rotation_page(
        page_scenario, pages, frame_text("rot_design_title", lang, site=scenario.site.name), lang))
    return [*written, "rotation.html"]


def write_check(out: Path, scenario: Scenario, judgement: YearJudgement, lang: str = "en") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    rotation = judgement.rotation
    page = PageOption(frame_text("rot_crews", lang, crews=len(rotation.crews)), rotation, judgement, None, {})
    write_atomic(out / "rotation.html", render_rotation_page(
        scenario, [page], frame_text("rot_check_title", lang, site=scenario.site.name), lang))
    return out / "rotation.html"


@dataclass
class RwsRun:
    instance: str
    status: str  # found, infeasible, unknown, or invalid (a cycle the evaluator refused)
    seconds: float
    problems: list[str]


def solve_rws(path: Path, time_limit: float, workers: int, out: Path | None, results: Path | None) -> RwsRun:
    """Solve one instance; a cycle counts only once the evaluator, with its own reader, accepts the written text."""
    instance = load_instance(path)  # RwsError names the file and line
    result = solve_cycle(problem_from_rws(instance), time_limit=time_limit, workers=workers)
    problems: list[str] = []
    status = result.status.value
    if result.rows is not None:
        text = solution_to_text(result.rows)
        if out is not None:
            write_atomic(out, text)
        problems = evaluate(path.read_text(encoding="utf-8"), text)
        status = "invalid" if problems else "found"
    elif result.status is not Status.INFEASIBLE:
        status = "unknown"
    run = RwsRun(path.stem, status, result.seconds, problems)
    if results is not None:
        with results.open("a", encoding="utf-8") as handle:
            handle.write(f"{run.instance},{run.status},{run.seconds:.3f},{result.iterations},{result.cuts}\n")
    return run


