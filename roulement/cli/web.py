"""serve and user: run the web app, and create accounts from the command line."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from roulement.cli.app import app, console, fail_input

# The web stack is the optional `web` extra: imported inside the commands so `plan` works without it.
DEFAULT_URL = "sqlite:///roulement.db"
ROLES = ("planner", "employee", "council", "admin")

DatabaseOption = Annotated[str, typer.Option("--db", help="Database URL: sqlite:///file.db or postgresql://…")]

user_app = typer.Typer(help="Manage web accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@app.command()
def serve(
    db: DatabaseOption = DEFAULT_URL,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[bool, typer.Option(help="Mark cookies Secure (behind HTTPS).")] = False,
    solver_workers: Annotated[int, typer.Option(min=1, max=64, help="CP-SAT workers per solve (cores).")] = 2,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Web processes serving requests.")] = 1,
) -> None:
    """Run the web app (migrating the database first). Sign in at http://HOST:PORT/login."""
    import os

    import uvicorn

    from roulement.web.app import ENVIRONMENT, create_app, prepare_database, tune_for_serving

    try:
        if workers == 1:
            web = create_app(db, secure_cookies=secure_cookies, solver_workers=solver_workers, edits_apart=True)
        else:
            prepare_database(db)
    except Exception as error:  # a bad URL or an unreachable server is bad input, not a crash
        fail_input(f"--db: cannot open {db}: {error}")
    console.print(f"roulement serving on http://{host}:{port}/login (database {db}, {workers} web process(es))")
    if workers == 1:
        tune_for_serving()
        uvicorn.run(web, host=host, port=port, log_level="info")
        return
    # Several processes: each builds its own app (web.app.worker_app); everything they must answer alike
    # (sessions, the sign-in throttle, solve caps, jobs' progress and cancel) is in the database.
    os.environ.update({ENVIRONMENT["database"]: db, ENVIRONMENT["secure_cookies"]: "1" if secure_cookies else "0",
                       ENVIRONMENT["solver_workers"]: str(solver_workers)})
    uvicorn.run("roulement.web.app:worker_app", factory=True, workers=workers, host=host, port=port,
                log_level="info")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name to sign in with.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")],
    employee: Annotated[str | None, typer.Option("--employee", help="Employee id (employee accounts).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    db: DatabaseOption = DEFAULT_URL,
) -> None:
    """Create an account; the password is asked for (or read from stdin), never given as an argument."""
    from roulement.store import accounts
    from roulement.store.db import make_engine, session_factory, transaction, upgrade
    from roulement.store.errors import StoreError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            fail_input("password: the two entries differ")
    engine = make_engine(db)
    try:
        upgrade(engine)
        with transaction(session_factory(engine)) as session:
            user = accounts.add_user(session, name, role, password, employee)
            console.print(f"account {user.username} ({user.role}) created")
    except StoreError as error:
        fail_input(error.message)
    finally:
        engine.dispose()
