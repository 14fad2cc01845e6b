"""Signing in and out, who am I, and changing one's own password. Sign-ins, sign-outs and failed sign-ins
are written to the audit trail."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field

from roulement.store import accounts
from roulement.store.audit import record
from roulement.store.models import User
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


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.post("/login")
def login(credentials: Credentials, request: Request, response: Response,
          store: Backend = Depends(backend)) -> dict[str, Any]:
    address = client_address(request)
    with store.transaction() as session:
        wait = accounts.login_retry_after(session, address, credentials.username)
    if wait:
        raise HTTPException(429, f"too many failed sign-ins; try again in {wait} s", headers={"Retry-After": str(wait)})
    with store.transaction() as session:
        user = accounts.authenticate(session, credentials.username, credentials.password)
        if user is not None:
            token, csrf = accounts.open_session(session, user)
            view = accounts.account_view(user)
            accounts.login_succeeded(session, address, credentials.username)
            record(session, user, "session.sign_in", "user", user.id, None, {"address": address})
    if user is None:
        # Its own transaction: the failure must stay recorded although the request fails.
        with store.transaction() as session:
            accounts.login_failed(session, address, credentials.username)
            known = accounts.find_user(session, credentials.username)
            record(session, None, "session.failed_sign_in", "user", known.id if known else "-",
                   None, {"username": credentials.username[:64], "address": address}, anonymous="(not signed in)")
        raise HTTPException(401, "wrong user name or password")
    _set_cookies(response, store, token, csrf)
    return {**view, "csrf_token": csrf}


@router.post("/logout")
def logout(request: Request, response: Response, actor: Actor = Depends(signed_in),
           store: Backend = Depends(backend)) -> dict[str, str]:
    with store.transaction() as session:
        accounts.close_session(session, request.cookies.get(SESSION_COOKIE, ""))
        record(session, actor.user, "session.sign_out", "user", actor.id, None, None)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return {"status": "signed out"}


@router.get("/me")
def me(actor: Actor = Depends(signed_in)) -> dict[str, Any]:
    return {**accounts.account_view(actor.user), "csrf_token": actor.csrf_token}


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


@router.post("/me/password")
def change_password(body: PasswordChange, request: Request, actor: Actor = Depends(signed_in),
                    store: Backend = Depends(backend)) -> dict[str, str]:
    """Any signed-in account changes its own password; its other sessions end, this one stays open."""
    with store.transaction() as session:
        user = session.get(User, actor.id)
        assert user is not None  # signed_in found it a moment ago; accounts are never deleted
        accounts.change_own_password(session, user, body.current_password, body.new_password,
                                     request.cookies.get(SESSION_COOKIE, ""))
    return {"status": "password changed"}
