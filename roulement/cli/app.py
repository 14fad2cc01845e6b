"""The Typer application and what every command shares: the console and the exit codes."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

app = typer.Typer(
    name="roulement",
    help="Shift rostering for plants that never stop: plan, check and explain rosters under FR and DE law.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2


def fail_input(problems: list[str] | str) -> NoReturn:
    """Report bad input (each problem on its own line, naming file, line and field) and exit 2."""
    for problem in [problems] if isinstance(problems, str) else problems:
        errors.print(f"[red]error:[/red] {problem}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)
