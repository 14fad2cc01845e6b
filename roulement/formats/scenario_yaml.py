"""The native scenario format: YAML validated against the model, with errors that name file, line and field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from roulement.formats.files import write_atomic
from roulement.formats.text import MAX_SCENARIO_BYTES, TextFileError, read_text
from roulement.model.problems import Problem
from roulement.model.references import FieldError, find_reference_errors
from roulement.model.scenario import Scenario
from roulement.rules.packs import RuleSettingError, build_rules

Location = tuple[str | int, ...]


class ScenarioError(ValueError):
    """A scenario that cannot be used; `problems` are 'file:line: field: message' strings, one per mistake;
    `details` the same mistakes as data (location, code, parameters), for a reader in another language."""

    def __init__(self, source: str, problems: Sequence[str], details: Sequence[Problem] = ()) -> None:
        self.source = source
        self.problems = list(problems)
        self.details = list(details)
        super().__init__("\n".join(self.problems))


# libyaml's parser when installed (ten times faster on large files), the pure-Python one otherwise.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2's plain scalars: 05:00 stays text (not 300) and off stays text (not False)."""


# Drop YAML 1.1's base-60 integers and yes/no/on/off booleans: `start: 05:00` must reach the clock parser
# as text, and `mode: off` must mean the rule mode, not False. Dates stay text too, so an impossible one
# (2026-02-30) reaches the model, which names its line and field, instead of failing inside the YAML reader.
_DROPPED = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
_LineLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0|[-+]?[1-9][0-9_]*)$"),
    list("-+0123456789"),
)
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _line_of(root: yaml.Node | None, location: Location) -> int | None:
    """1-based line of the node at `location` (or of its nearest existing parent)."""
    node = root
    line = None if node is None else node.start_mark.line + 1
    for key in location:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == key), None)
            if match is None:
                break
            # The key's line: a nested mapping as value starts on the line after its name.
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def field_path(location: Location) -> str:
    """A location as the API names a field: `employees[3].requests[0].shift`."""
    text = ""
    for key in location:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "(top level)"


def _describe(source: str, root: yaml.Node | None, problems: Iterable[Problem]) -> ScenarioError:
    details = []
    lines = []
    for problem in problems:
        line = _line_of(root, problem.location) if root is not None else None
        where = f"{source}:{line}" if line is not None else source
        lines.append(f"{where}: {field_path(problem.location)}: {problem.message}")
        details.append(problem if line is None else replace(problem, params={**problem.params, "file_line": line}))
    return ScenarioError(source, lines, details)


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and validate a scenario; raise ScenarioError naming each mistake's line and field."""
    loader = _LineLoader(text)
    try:
        # One parse: the node tree gives lines for error messages, and the data is built from it.
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ScenarioError(source, [f"{where}: not valid YAML: {getattr(error, 'problem', error)}"]) from error
    except RecursionError:
        raise ScenarioError(source, [f"{source}: nested too deeply to be a scenario"]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ScenarioError(source, [f"{source}: a scenario is a mapping with site, horizon, shifts, posts, ..."])
    try:
        return scenario_from_data(data, source, root)
    except RecursionError:
        raise ScenarioError(source, [f"{source}: nested too deeply to be a scenario"]) from None


def scenario_from_data(data: dict[str, Any], source: str = "<scenario>", root: yaml.Node | None = None) -> Scenario:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise _describe(source, root, validation_problems(error)) from error
    references: list[FieldError] = find_reference_errors(scenario)
    if references:
        raise _describe(source, root, references)
    try:
        build_rules(scenario)
    except RuleSettingError as error:
        raise _describe(source, root, [Problem(error.location, error.code, str(error), error.params)]) from error
    return scenario


def validation_problems(error: ValidationError) -> list[Problem]:
    """Pydantic's errors as problems: its error type is the code (ours for our validators), its context the
    parameters; a union's branches (`literal[...]`, `list[...]`) are left out of the location."""
    problems = []
    for item in error.errors():
        location = tuple(part for part in item["loc"] if not (isinstance(part, str) and "[" in part))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "is required but missing"
        elif item["type"] == "extra_forbidden":
            message = "is not a known field"
        context = dict(item.get("ctx", {}))
        located = context.pop("located", None)
        if located:
            # A model that checks several of its fields at once (the rotation) says where each problem is.
            problems += [Problem((*location, *inner.location), inner.code, inner.message, inner.params)
                         for inner in located]
            continue
        problems.append(Problem((*location, *context.pop("at", ())), item["type"], message, context))
    return problems


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = read_text(path, MAX_SCENARIO_BYTES, "scenario")
    except TextFileError as error:
        raise ScenarioError(str(path), [str(error)]) from error
    return parse_scenario(text, str(path))


def scenario_to_yaml(scenario: Scenario) -> str:
    data = scenario.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    write_atomic(Path(path), scenario_to_yaml(scenario))


def scenario_json_schema() -> str:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "roulement scenario"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
