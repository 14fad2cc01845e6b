"""The Typer application and what every command shares: the console and the exit codes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
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

    def rule(self, title: Any = "", *args: Any, **options: Any) -> None:
        if self.is_terminal:
            super().rule(title, *args, **options)
        else:  # a rule fills the width, and piped output has no width to fill
            self.print(f"── {title} ──" if title else "──")

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


JSON_HELP = "Print the result as one JSON document on stdout (the usual lines are left out)."


@contextmanager
def json_only(enabled: bool) -> Iterator[dict[str, Any]]:
    """With --json, the human-readable lines are swallowed so that stdout carries only the JSON document.

    The command fills the yielded dict; it is printed when the command ends, by a normal return or an exit
    of 0 or 1 (a bad input's exit 2 prints nothing on stdout: its errors are on stderr).
    """
    document: dict[str, Any] = {}
    if not enabled:
        yield document
        return
    kept = console._file  # None: follow sys.stdout
    console.file = io.StringIO()
    code = EXIT_OK
    try:
        yield document
    except typer.Exit as exit_:
        code = exit_.exit_code
        raise
    finally:
        console._file = kept
        if document and code != EXIT_BAD_INPUT:
            print_json(document)


def print_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False, default=str))
