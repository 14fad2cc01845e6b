"""Fuzzing the readers: whatever a file holds, each reader gives a result or its own located error.

Never a traceback: not a KeyError from a missing field, a pydantic ValidationError, a RecursionError or a
UnicodeDecodeError. Inputs are random bytes, random YAML/JSON trees, and valid files with pieces replaced,
which reach deeper into each reader than noise does.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roulement.formats.curtois import CurtoisError, parse_curtois, parse_solution
from roulement.formats.curtois import to_scenario as curtois_scenario
from roulement.formats.roster_csv import RosterError, parse_roster
from roulement.formats.scenario_yaml import ScenarioError, parse_scenario
from roulement.formats.text import TextFileError, decode_text
from roulement.formats.timefold import TimefoldError, read_shifts, roster_from_shifts
from roulement.formats.timefold import to_scenario as timefold_scenario
from tests.factory import person, scenario
from tests.test_curtois import MINI
from tests.test_scenario_errors import GOOD
from tests.test_timefold import DATA

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**15), 10**15), st.floats(allow_nan=True),
    st.text(max_size=12), st.sampled_from(["05:00", "25:00", "2026-02-30", "2026-01-06", "M", "line", "op", "e1",
                                           "off", "soft", "", "-1", "1e9"]),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20,
)


def _replace_in(data: Any, path: list[int], value: Any) -> Any:
    """`data` with the node reached by following `path` (indexes, taken modulo each level's size) replaced."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return value
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[path[0] % len(keys)]
    data[key] = _replace_in(data[key], path[1:], value)
    return data


def _splice(text: str, where: int, length: int, insert: str) -> str:
    where %= len(text) + 1
    return text[:where] + insert + text[where + length:]


def _located(error: Exception, source: str) -> None:
    problems = getattr(error, "problems", None) or [str(error)]
    assert all(problem.startswith(source) for problem in problems), problems


# --- scenario YAML --------------------------------------------------------------------------------


def _read_scenario(text: str) -> None:
    try:
        parse_scenario(text, "fuzz.yaml")
    except ScenarioError as error:
        _located(error, "fuzz.yaml")


@FUZZ
@given(st.text(max_size=300))
def test_scenario_reader_on_any_text(text: str) -> None:
    _read_scenario(text)


@FUZZ
@given(st.integers(0, 2000), st.integers(0, 40), st.text(max_size=40))
def test_scenario_reader_on_spliced_files(where: int, length: int, insert: str) -> None:
    _read_scenario(_splice(GOOD, where, length, insert))


@FUZZ
@given(st.lists(st.integers(0, 50), max_size=6), trees)
def test_scenario_reader_on_valid_files_with_a_value_replaced(path: list[int], value: Any) -> None:
    data = _replace_in(yaml.safe_load(GOOD), path, value)
    _read_scenario(yaml.safe_dump(data, allow_unicode=True))


@FUZZ
@given(st.binary(max_size=200))
def test_decoding_any_bytes(data: bytes) -> None:
    for legacy in (None, "cp1252"):
        try:
            decode_text(data, "fuzz.bin", legacy)
        except TextFileError as error:
            _located(error, "fuzz.bin")


# --- roster CSV -----------------------------------------------------------------------------------

PLANT = scenario(days=7, employees=[person("e1"), person("e2")])
cells = st.one_of(st.sampled_from(["e1", "e2", "zz", "2026-01-05", "2026-01-11", "2026-02-30", "M", "A", "N",
                                   "line", "chef", "2026-01-05T05:00", "2026-01-05T13:00", "", " ", '"', ";"]),
                  st.text(max_size=8))


@FUZZ
@given(st.lists(st.lists(cells, max_size=7), max_size=8), st.sampled_from([",", ";", "\t"]),
       st.booleans())
def test_roster_reader_on_any_table(rows: list[list[str]], separator: str, with_header: bool) -> None:
    header = separator.join(["employee", "date", "shift", "post", "start", "end"]) if with_header else ""
    text = "\n".join([header, *(separator.join(row) for row in rows)])
    try:
        parse_roster(text, PLANT, "fuzz.csv")
    except RosterError as error:
        _located(error, "fuzz.csv")


@FUZZ
@given(st.text(max_size=300))
def test_roster_reader_on_any_text(text: str) -> None:
    try:
        parse_roster(text, PLANT, "fuzz.csv")
    except RosterError as error:
        _located(error, "fuzz.csv")


# --- benchmark readers ----------------------------------------------------------------------------


def _read_curtois(text: str) -> None:
    try:
        instance = parse_curtois(text, "fuzz.txt")
    except CurtoisError as error:
        _located(error, "fuzz.txt")
        return
    plant = curtois_scenario(instance)
    try:
        parse_solution("employee,day,shift\nP,0,E\n", plant, "fuzz.csv")
    except CurtoisError as error:
        _located(error, "fuzz.csv")


@FUZZ
@given(st.integers(0, 400), st.integers(0, 20), st.text(alphabet=st.sampled_from("0123456789,|=-#\nELPQ_SECTION"),
                                                       max_size=20))
def test_curtois_reader_on_spliced_instances(where: int, length: int, insert: str) -> None:
    _read_curtois(_splice(MINI, where, length, insert))


@FUZZ
@given(st.text(max_size=300))
def test_curtois_reader_on_any_text(text: str) -> None:
    _read_curtois(text)


@FUZZ
@given(st.lists(st.integers(0, 50), max_size=5), trees)
def test_timefold_reader_on_valid_data_with_a_value_replaced(path: list[int], value: Any) -> None:
    data = _replace_in(copy.deepcopy(DATA), path, value)
    data = json.loads(json.dumps(data, default=str))  # as it would come from a JSON file
    if not isinstance(data, dict):
        return  # load_timefold refuses anything but an object before these functions see it
    try:
        read_shifts(data, "fuzz.json")
        plant = timefold_scenario(data, "fuzz.json")
        roster_from_shifts(data, plant, "fuzz.json")
    except TimefoldError as error:
        _located(error, "fuzz.json")
