"""`roulement plan` as a real process: a first roster on disk within seconds, SIGTERM and Ctrl-C (SIGINT) keep
the best roster and write it, and a stop before any roster leaves no earlier run's files behind (issue 17)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from roulement.check import check_roster
from roulement.examples.kos import kos_de
from roulement.formats.roster_csv import load_roster
from roulement.formats.scenario_yaml import load_scenario, save_scenario

STALE = "employee,date,shift,post,start,end\nstale,2026-01-01,M,line,,\n"


def start_plan(tmp_path: Path, time_limit: int = 120) -> tuple[subprocess.Popen[str], Path, Path]:
    plant = tmp_path / "kos-de.yaml"
    save_scenario(kos_de(), plant)
    out = tmp_path / "out"
    out.mkdir()
    (out / "roster.csv").write_text(STALE)
    (out / "report.json").write_text("{}")
    process = subprocess.Popen(
        [sys.executable, "-m", "roulement", "plan", str(plant), "--out", str(out), "--time-limit", str(time_limit),
         "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "200"})
    return process, plant, out


def wait_for(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_after_the_first_roster_keeps_the_best_roster_and_writes_it(tmp_path: Path, number: int) -> None:
    process, plant, out = start_plan(tmp_path)
    try:
        # The first roster is written long before the time limit, then the search goes on.
        assert wait_for(lambda: (out / "roster.csv").is_file() and (out / "roster.csv").read_text() != STALE, 90)
        time.sleep(1.0)
        sent = time.monotonic()
        process.send_signal(number)
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert time.monotonic() - sent < 30, "stopped, not run to the limit"
    assert process.returncode in (0, 1), output
    assert "Stopped early" in output or "first roster" in output, output
    scenario = load_scenario(plant)
    roster = load_roster(out / "roster.csv", scenario)
    report = json.loads((out / "report.json").read_text())
    # What is on disk is this run's roster, whole, and its report says what the checker finds in it.
    assert len(roster) > 0 and "stale" not in (out / "roster.csv").read_text()
    assert report["summary"]["violations"] == len(check_roster(scenario, roster).violations)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_before_any_roster_leaves_no_earlier_files(tmp_path: Path, number: int) -> None:
    process, _, out = start_plan(tmp_path)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        while line and not line.startswith("Planning"):
            line = process.stdout.readline()
        process.send_signal(number)  # the scenario is loaded; the first roster takes seconds more
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 1, output
    assert "No roster found" in output
    assert not (out / "roster.csv").exists() and not (out / "report.json").exists()
