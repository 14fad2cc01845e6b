"""The Typer application and what every command shares: the console and the exit codes."""

from __future__ import annotations

from typing import Any, NoReturn

import typer
from rich.console import Console, ConsoleDimensions

app = typer.Typer(
    name="roulement",
    help="Shift rostering for plants that never stop: plan, check and explain rosters under FR and DE law.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped or redirected output is read by programs and people with their own pagers: never cut or wrapped.
PIPED_WIDTH = 10_000


class _Console(Console):
    """A Rich console that wraps and fits tables to the terminal only when it writes to one."""

    @property
    def size(self) -> ConsoleDimensions:
        if self.is_terminal:
            return super().size
        return ConsoleDimensions(PIPED_WIDTH, super().size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]

    def print(self, *objects: Any, **options: Any) -> None:
        if options.get("soft_wrap") is None and not self.is_terminal:
            options["soft_wrap"] = True  # one line stays one line, whatever its length
        super().print(*objects, **options)


console = _Console()
errors = _Console(stderr=True)

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2


def fail_input(problems: list[str] | str) -> NoReturn:
    """Report bad input (each problem on its own line, naming file, line and field) and exit 2."""
    for problem in [problems] if isinstance(problems, str) else problems:
        errors.print(f"[red]error:[/red] {problem}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)
