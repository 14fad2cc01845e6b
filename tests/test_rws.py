"""The RWS benchmark format, its independent evaluator, and the cycle model on hand-made instances."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roulement.check.rws import evaluate
from roulement.cli import app
from roulement.formats.rws import (
    RwsError,
    instance_to_text,
    parse_instance,
    parse_solution,
    solution_to_text,
)
from roulement.solve.rotation import Status, problem_from_rws, solve_cycle

# Two rows, one shift D: each weekday one row works. Blocks: work 2..5, off 2..5.
SMALL = """\
# a hand-made instance
7
#employees
2
#shifts
1
1 1 1 1 1 1 1
D 360 480 1 7
2 5
2 5
0 0
"""

CLASSIC = """\
7
9
3
2 2 2 2 2 2 2
2 2 2 3 3 3 2
2 2 2 2 2 2 2
D  360 480 2 7
A  840 480 2 6
N  1320 480 2 4
2 4
4 7
3 0
N D
N A
A D
"""


def test_round_trip_of_an_instance() -> None:
    instance = parse_instance(CLASSIC, "Example1.txt")
    again = parse_instance(instance_to_text(instance), "again.txt")
    assert again == instance.__class__(**{**instance.__dict__, "name": "again"})
    assert instance.employees == 9
    assert instance.demand["A"] == (2, 2, 2, 3, 3, 3, 2)
    assert instance.forbidden2 == (("N", "D"), ("N", "A"), ("A", "D"))


def test_a_truncated_file_names_what_is_missing() -> None:
    text = "\n".join(CLASSIC.splitlines()[:8]) + "\n"
    with pytest.raises(RwsError, match=r"^ex.txt:8: the file ends early: expected shift type 3: Name Start"):
        parse_instance(text, "ex.txt")


def test_an_unknown_shift_name_in_a_forbidden_sequence() -> None:
    with pytest.raises(RwsError, match=r"^ex.txt:14: unknown shift name 'X'"):
        parse_instance(CLASSIC.replace("N A\n", "N X\n"), "ex.txt")


def test_wrong_counts() -> None:
    # A demand line of 6 numbers.
    with pytest.raises(RwsError, match=r"^ex.txt:5: expected the demand of shift type 2, Monday to Sunday"):
        parse_instance(CLASSIC.replace("2 2 2 3 3 3 2", "2 2 2 3 3 3"), "ex.txt")
    # Three forbidden pairs announced, four given.
    with pytest.raises(RwsError, match=r"^ex.txt:16: unexpected line after the 3 \+ 0 forbidden sequences"):
        parse_instance(CLASSIC + "D N\n", "ex.txt")
    # Three announced, two given.
    with pytest.raises(RwsError, match=r"the file ends early: expected forbidden sequence 3 of length 2"):
        parse_instance(CLASSIC.replace("A D\n", ""), "ex.txt")


def test_a_solution_with_bad_rows_is_refused() -> None:
    instance = parse_instance(SMALL)
    with pytest.raises(RwsError, match="unknown shift name 'X'"):
        parse_solution("D D D D - - -\nX - - - D D D\n", instance, "sol.txt")
    with pytest.raises(RwsError, match="1 rows, but the instance has 2 employees"):
        parse_solution("D D D D - - -\n", instance, "sol.txt")
    rows = parse_solution("D D D - - - -\n- - - D D D D\n", instance)
    assert solution_to_text(rows) == "D D D - - - -\n- - - D D D D\n"


def test_the_evaluator_checks_the_wrap_around() -> None:
    assert evaluate(SMALL, "D D - - D D D\n- - D D - - -\n") == []
    # Row 2 ends with D D D and row 1 starts with D D D D: one work block of 7 across the end of the cycle.
    problems = evaluate(SMALL, "D D D D - - -\n- - - - D D D\n")
    assert "work block of 7 days from position 12 (allowed 2..5)" in problems, problems
    # Row 1 starts with a single day off between row 2's last D and row 1's D.
    problems = evaluate(SMALL, "- D D - - D -\nD - - D D - D\n")
    assert "off block of 1 days from position 1 (allowed 2..5)" in problems, problems
    assert "day 7: 2 on D, demand 1" in evaluate(SMALL, "D D - - D D D\n- - D D - - D\n")


def test_the_model_finds_a_cycle_the_evaluator_accepts() -> None:
    for text in (SMALL, CLASSIC):
        result = solve_cycle(problem_from_rws(parse_instance(text)), time_limit=20, workers=1)
        assert result.status is Status.FOUND
        assert result.rows is not None
        assert evaluate(text, solution_to_text(result.rows)) == []


def test_the_small_instance_has_exactly_the_known_cycle_up_to_rotation() -> None:
    # With one D a day over 2 rows and blocks of 2..5, the 14-day sequence is a D block and an off block of
    # 7 days each at most 5 long... so blocks of lengths (a, b, c, d) with a + c = 7, b + d = 7.
    result = solve_cycle(problem_from_rws(parse_instance(SMALL)), time_limit=20, workers=1)
    assert result.rows is not None
    flat = [t for row in result.rows for t in row]
    # Every day exactly one of the two rows works: row 2 is row 1 with D and off swapped.
    assert all((a == "D") != (b == "D") for a, b in zip(result.rows[0], result.rows[1], strict=True))
    assert flat.count("D") == 7


def test_an_instance_without_a_cycle_is_proven_infeasible() -> None:
    # One row: D every day would be a work block of 7, but work blocks are at most 5.
    text = SMALL.replace("2\n#shifts", "1\n#shifts")
    assert solve_cycle(problem_from_rws(parse_instance(text)), time_limit=20, workers=1).status is Status.INFEASIBLE
    # Two rows, D on one row each day, but off blocks must be 6 or 7 long and work blocks 2 long: impossible.
    text = SMALL.replace("2 5\n2 5", "6 7\n2 2")
    assert solve_cycle(problem_from_rws(parse_instance(text)), time_limit=20, workers=1).status is Status.INFEASIBLE


def test_forbidden_sequences_of_length_three_hold_across_the_cycle() -> None:
    # Two shifts with D - N forbidden and N D forbidden.
    text = """\
7
4
2
1 1 1 1 1 1 1
1 1 1 1 1 1 1
D 360 480 1 7
N 1320 480 1 7
1 5
1 5
1 1
N D
D - N
"""
    result = solve_cycle(problem_from_rws(parse_instance(text)), time_limit=20, workers=1)
    assert result.status is Status.FOUND and result.rows is not None
    assert evaluate(text, solution_to_text(result.rows)) == []
    flat = [t for row in result.rows for t in row]
    size = len(flat)
    assert not any(flat[i] == "D" and flat[(i + 1) % size] == "-" and flat[(i + 2) % size] == "N"
                   for i in range(size))


def test_bench_rws_cli_writes_a_checked_solution(tmp_path: Path) -> None:
    instance = tmp_path / "Example1.txt"
    instance.write_text(CLASSIC, encoding="utf-8")
    result = CliRunner().invoke(app, ["bench", "rws", str(instance), "--time-limit", "20", "--workers", "1",
                                      "--out", str(tmp_path / "sol.txt"), "--results", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    assert "found" in result.output
    assert evaluate(CLASSIC, (tmp_path / "sol.txt").read_text(encoding="utf-8")) == []
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").startswith("Example1,found,")
    bad = tmp_path / "bad.txt"
    bad.write_text(CLASSIC.replace("N A\n", "N X\n"), encoding="utf-8")
    result = CliRunner().invoke(app, ["bench", "rws", str(bad)])
    assert result.exit_code == 2 and "unknown shift name 'X'" in result.output
