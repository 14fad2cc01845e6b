"""GROUP.yaml: the sites of a group and their scenario files, with errors naming file, line and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from roulement.formats.files import write_atomic
from roulement.formats.scenario_yaml import ScenarioError, _describe, _LineLoader, load_scenario, validation_problems
from roulement.model.group import Group, GroupSite
from roulement.model.problems import Problem
from roulement.model.scenario import Scenario


@dataclass(frozen=True)
class LoadedSite:
    site: GroupSite
    path: Path
    scenario: Scenario


@dataclass(frozen=True)
class LoadedGroup:
    group: Group
    path: Path
    sites: list[LoadedSite]


def load_group(path: str | Path) -> LoadedGroup:
    """Read GROUP.yaml and every site's scenario; raise ScenarioError listing every mistake found in all."""
    path = Path(path)
    source = str(path)
    group, root = _read_group(path)
    problems: list[str] = []
    sites: list[LoadedSite] = []
    for number, site in enumerate(group.sites):
        scenario_path = (path.parent / site.scenario).resolve()
        if not scenario_path.is_file():
            problems.extend(_describe(source, root, [Problem(
                ("sites", number, "scenario"), "no_scenario_file",
                f"no scenario file {site.scenario!r} ({scenario_path})", {"value": site.scenario})]).problems)
            continue
        try:
            sites.append(LoadedSite(site, scenario_path, load_scenario(scenario_path)))
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(source, problems)
    return LoadedGroup(group, path, sites)


def check_group_file(path: str | Path) -> Group:
    """GROUP.yaml alone, validated (not the sites' scenarios): a quick first look before anything starts."""
    return _read_group(Path(path))[0]


def _read_group(path: Path) -> tuple[Group, yaml.Node | None]:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(source, [f"{path}: cannot read: {error.strerror}"]) from error
    try:
        root = yaml.compose(text, Loader=_LineLoader)
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ScenarioError(source, [f"{where}: not valid YAML: {getattr(error, 'problem', error)}"]) from error
    if not isinstance(data, dict):
        raise ScenarioError(source, [f"{source}: a group is a mapping with name and sites"])
    try:
        group = Group.model_validate(data)
    except ValidationError as error:
        raise _describe(source, root, validation_problems(error)) from error
    return group, root


def group_to_yaml(group: Group) -> str:
    data = group.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def save_group(group: Group, path: str | Path) -> None:
    write_atomic(Path(path), group_to_yaml(group))
