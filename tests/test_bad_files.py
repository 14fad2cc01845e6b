"""Files as people really send them: every bad one exits 2 naming file, line and field, never a traceback.

Also the files Excel writes, which are read: Windows-1252 text and semicolon-separated columns.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roulement.cli import app
from roulement.formats import text as text_limits
from roulement.formats.roster_csv import RosterError, parse_roster
from roulement.formats.scenario_yaml import scenario_to_yaml
from tests.factory import person, scenario

runner = CliRunner()
HEADER = "employee,date,shift,post,start,end\n"


def _plant(path: Path) -> Path:
    plant = scenario(days=14, employees=[person("e1"), person("e2")])  # no demand: any lawful roster passes
    path.write_text(scenario_to_yaml(plant), encoding="utf-8")
    return path


def _bad_input(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr


def _lawful(path: Path, rows: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(rows.encode(encoding))
    return path


# --- scenario YAML ----------------------------------------------------------------------------------


@pytest.mark.parametrize("impossible", ["2026-02-30", "2026-04-31"])
def test_an_impossible_date_names_its_line_and_field(tmp_path: Path, impossible: str) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    text = plant.read_text(encoding="utf-8")
    assert "start: '2026-01-05'" in text
    for written in (f"start: '{impossible}'", f"start: {impossible}"):  # quoted or plain
        plant.write_text(text.replace("start: '2026-01-05'", written), encoding="utf-8")
        stderr = _bad_input(["check", str(plant), str(_lawful(tmp_path / "r.csv", HEADER))])
        assert re.search(rf"{re.escape(str(plant))}:\d+: horizon\.start: .*date", stderr), stderr


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("latin-1", r":\d+: not UTF-8 text \(byte 0xC9"), ("utf-16-le", r":\d+: holds NUL bytes")],
)
def test_a_scenario_not_in_utf8_is_refused_clearly(tmp_path: Path, encoding: str, expected: str) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    plant.write_bytes(plant.read_text(encoding="utf-8").replace("Test plant", "Équipe").encode(encoding))
    stderr = _bad_input(["check", str(plant), str(_lawful(tmp_path / "r.csv", HEADER))])
    assert re.search(re.escape(str(plant)) + expected, stderr), stderr


def test_a_utf16_scenario_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    plant.write_bytes(plant.read_text(encoding="utf-8").encode("utf-16"))  # writes the mark
    result = runner.invoke(app, ["check", str(plant), str(_lawful(tmp_path / "r.csv", HEADER))])
    assert result.exit_code == 0, result.output


def test_a_binary_file_is_not_a_scenario(tmp_path: Path) -> None:
    plant = tmp_path / "plant.yaml"
    plant.write_bytes(bytes(range(256)) * 4)
    stderr = _bad_input(["check", str(plant), str(_lawful(tmp_path / "r.csv", HEADER))])
    assert f"{plant}:1:" in stderr


DEEP_FLOW = "[" * 5000 + "]" * 5000
DEEP_BLOCK = "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 3000))


@pytest.mark.parametrize("nested", [DEEP_FLOW, DEEP_BLOCK])
def test_deeply_nested_yaml_is_refused(tmp_path: Path, nested: str) -> None:
    plant = tmp_path / "plant.yaml"
    plant.write_text(f"site: {nested}\n" if nested.startswith("[") else nested, encoding="utf-8")
    stderr = _bad_input(["check", str(plant), str(_lawful(tmp_path / "r.csv", HEADER))])
    assert str(plant) in stderr and ("nest" in stderr or "not valid YAML" in stderr)


def test_a_scenario_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    monkeypatch.setattr("roulement.formats.scenario_yaml.MAX_SCENARIO_BYTES", 100)
    stderr = _bad_input(["check", str(plant), str(_lawful(tmp_path / "r.csv", HEADER))])
    assert f"{plant}:" in stderr and "more than a scenario may hold" in stderr


# --- roster CSV ---------------------------------------------------------------------------------------


def test_a_duplicated_row_is_bad_input_naming_both_lines(tmp_path: Path) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    rows = HEADER + "e1,2026-01-05,M,line,,\ne1,2026-01-06,M,line,,\ne1,2026-01-05,M,line,,\n"
    roster = _lawful(tmp_path / "r.csv", rows)
    stderr = _bad_input(["check", str(plant), str(roster)])
    assert f"{roster}:4: duplicates line 2 (e1 on shift M on 2026-01-05)" in stderr
    # The same shift on another post is listed twice as well: one person holds one post at a time.
    roster = _lawful(tmp_path / "r.csv", HEADER + "e1,2026-01-05,M,line,,\ne1,2026-01-05,M,chef,,\n")
    assert f"{roster}:3: duplicates line 2" in _bad_input(["check", str(plant), str(roster)])


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_roster_saved_by_excel_in_windows_1252_is_read(tmp_path: Path, encoding: str) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    roster = _lawful(tmp_path / "r.csv", HEADER + "e1,2026-01-05,M,line,,\n", encoding)
    assert runner.invoke(app, ["check", str(plant), str(roster)]).exit_code == 0
    # Ids are ASCII, so a non-ASCII byte can only be a mistake: it is read, and shown as the person typed it.
    roster = _lawful(tmp_path / "r.csv", HEADER + "e1,2026-01-05,M,line,,\nélodie,2026-01-06,M,line,,\n", encoding)
    assert f"{roster}:3: employee: unknown employee 'élodie'" in _bad_input(["check", str(plant), str(roster)])


def test_a_semicolon_roster_as_french_excel_writes_it_is_read(tmp_path: Path) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    rows = "employee;date;shift;post;start;end\r\ne1;2026-01-05;M;line;2026-01-05T05:00;2026-01-05T13:00\r\n"
    result = runner.invoke(app, ["check", str(plant), str(_lawful(tmp_path / "r.csv", rows, "cp1252"))])
    assert result.exit_code == 0, result.output
    # And its mistakes are located like any other's.
    bad = _lawful(tmp_path / "bad.csv", "employee;date;shift;post\r\ne1;2026-01-05;Q;line\r\n")
    assert f"{bad}:2: shift: unknown shift 'Q'" in _bad_input(["check", str(plant), str(bad)])


def test_a_roster_that_is_not_text_is_refused(tmp_path: Path) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    roster = tmp_path / "r.csv"
    roster.write_bytes(b"employee,date\n\x00\x01\x02")
    assert f"{roster}:2: holds NUL bytes" in _bad_input(["check", str(plant), str(roster)])


def test_a_roster_longer_than_people_times_days_is_refused_early() -> None:
    plant = scenario(days=2, employees=[person("e1")])
    rows = HEADER + "".join(f"e1,2026-01-0{5 + d % 2},{'MAN'[d // 2]},line,,\n" for d in range(6))
    with pytest.raises(RosterError) as caught:
        parse_roster(rows, plant, "big.csv")
    assert caught.value.problems == [
        "big.csv:4: more rows than the scenario's 1 people times 2 days: not a roster of this scenario"]


def test_a_roster_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    roster = _lawful(tmp_path / "r.csv", HEADER + "e1,2026-01-05,M,line,,\n" * 100)
    monkeypatch.setattr("roulement.formats.roster_csv.MAX_TABLE_BYTES", 1024)
    assert "more than a roster may hold" in _bad_input(["check", str(plant), str(roster)])


def test_problems_stop_after_a_readable_number() -> None:
    plant = scenario(days=14, employees=[person(f"e{i}") for i in range(20)])
    rows = HEADER + "nobody,2026-01-05,M,line,,\n" * 200
    with pytest.raises(RosterError) as caught:
        parse_roster(rows, plant, "r.csv")
    assert len(caught.value.problems) == 51 and "stopped after 50 problems" in caught.value.problems[-1]


def test_decoding_names_the_line_of_the_bad_byte() -> None:
    with pytest.raises(text_limits.TextFileError, match=r"^f:3: not UTF-8 text \(byte 0xE9 at column 2\)"):
        text_limits.decode_text(b"a\nb\nc\xe9\n", "f")


# --- arguments ----------------------------------------------------------------------------------------


def test_check_refuses_a_report_of_unknown_format(tmp_path: Path) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    roster = _lawful(tmp_path / "r.csv", HEADER)
    stderr = _bad_input(["check", str(plant), str(roster), "--report", str(tmp_path / "x.pdf")])
    assert "--report" in stderr and ".json or .html" in stderr
    assert not (tmp_path / "x.pdf").exists()


def test_an_absence_range_backwards_names_the_option(tmp_path: Path) -> None:
    plant = _plant(tmp_path / "plant.yaml")
    roster = _lawful(tmp_path / "r.csv", HEADER + "e1,2026-01-05,M,line,,\n")
    stderr = _bad_input(["replan", str(plant), str(roster), "--from", "2026-01-06", "--out", str(tmp_path / "o"),
                         "--absent", "e1:2026-01-10..2026-01-08"])
    assert "--absent 'e1:2026-01-10..2026-01-08': range ends (2026-01-08) before it starts (2026-01-10)" in stderr
