"""What every request can reach: the database, the signed-in account, and the checks on both.

Role and CSRF checks live here as dependencies, so no route can forget them: a router declares the roles it
serves once, and state-changing methods are refused without the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Query, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from roulement.store import accounts
from roulement.store.db import transaction
from roulement.store.models import User

SESSION_COOKIE = "roulement_session"
CSRF_COOKIE = "roulement_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Row ids are the schema's INTEGER, 32-bit signed on PostgreSQL (SQLite would take 64): a larger number is no
# id (422, never a 500).
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Query(ge=1, le=MAX_ID)]


@dataclass
class Backend:
    engine: Engine
    sessions: sessionmaker[Session]
    secure_cookies: bool

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with transaction(self.sessions) as session:
            yield session


async def backend(request: Request) -> Backend:
    # async: nothing to wait for, and a sync dependency would cost a hop to the thread pool per request
    return request.app.state.backend  # type: ignore[no-any-return]


@dataclass
class Actor:
    """The signed-in account, detached from the database session that loaded it."""

    user: User
    csrf_token: str

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def role(self) -> str:
        return self.user.role


def signed_in(request: Request, store: Backend = Depends(backend)) -> Actor:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise HTTPException(401, "not signed in")
    with store.transaction() as session:
        found = accounts.session_user(session, token)
        if found is None:
            raise HTTPException(401, "session expired or unknown; sign in again")
        user, login = found
        actor = Actor(user, login.csrf_token)
    if request.method not in SAFE_METHODS and request.headers.get(CSRF_HEADER) != actor.csrf_token:
        raise HTTPException(403, f"missing or wrong {CSRF_HEADER} header (CSRF protection)")
    return actor


def role(*roles: str) -> Callable[[Actor], Coroutine[Any, Any, Actor]]:
    """A dependency that lets only these roles through (403 for the others, 401 without a session)."""

    async def check(actor: Actor = Depends(signed_in)) -> Actor:  # async: no thread-pool hop
        if actor.role not in roles:
            raise HTTPException(403, f"this needs the role {' or '.join(roles)}; you are {actor.role}")
        return actor

    return check
