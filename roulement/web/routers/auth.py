"""Signing in and out, and who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field

from roulement.store import accounts
from roulement.web.context import CSRF_COOKIE, SESSION_COOKIE, Actor, Backend, backend, signed_in

router = APIRouter(prefix="/api", tags=["session"])


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


def _set_cookies(response: Response, store: Backend, token: str, csrf: str) -> None:
    max_age = int(accounts.SESSION_LIFETIME.total_seconds())
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="strict",
                        secure=store.secure_cookies, path="/")
    # Readable by the page's script, which echoes it in the X-CSRF-Token header (double submit).
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="strict",
                        secure=store.secure_cookies, path="/")


@router.post("/login")
def login(credentials: Credentials, request: Request, response: Response,
          store: Backend = Depends(backend)) -> dict[str, Any]:
    address = request.client.host if request.client else "?"
    wait = store.throttle.retry_after(address, credentials.username)
    if wait:
        raise HTTPException(429, f"too many failed sign-ins; try again in {wait} s", headers={"Retry-After": str(wait)})
    with store.transaction() as session:
        user = accounts.authenticate(session, credentials.username, credentials.password)
        if user is None:
            store.throttle.failed(address, credentials.username)
            raise HTTPException(401, "wrong user name or password")
        token, csrf = accounts.open_session(session, user)
        view = accounts.account_view(user)
    store.throttle.succeeded(address, credentials.username)
    _set_cookies(response, store, token, csrf)
    return {**view, "csrf_token": csrf}


@router.post("/logout")
def logout(request: Request, response: Response, actor: Actor = Depends(signed_in),
           store: Backend = Depends(backend)) -> dict[str, str]:
    with store.transaction() as session:
        accounts.close_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return {"status": "signed out"}


@router.get("/me")
def me(actor: Actor = Depends(signed_in)) -> dict[str, Any]:
    return {**accounts.account_view(actor.user), "csrf_token": actor.csrf_token}
