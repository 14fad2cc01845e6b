"""Files a run writes into its --out folder, and clearing a previous run's before a new one starts.

A plan stopped before it has any roster must not leave an earlier run's roster in the folder, where a planner
could take it for this one's and publish it. So a run removes those files first, and says so."""

from __future__ import annotations

from pathlib import Path

# Everything `plan` and `replan` write into --out (service.write_outputs, cli/shocks.py).
RUN_OUTPUTS = ("roster.csv", "report.json", "report.html", "changes.csv", "summary.txt")


def remove_earlier_outputs(out_dir: Path, keep: tuple[Path, ...] = ()) -> list[Path]:
    """Delete the files an earlier run left in `out_dir`, except `keep` (a re-plan's own input roster may lie
    there); returns those removed."""
    removed = []
    kept = {path.resolve() for path in keep}
    for name in RUN_OUTPUTS:
        path = out_dir / name
        if path.is_file() and path.resolve() not in kept:
            path.unlink()
            removed.append(path)
    return removed
