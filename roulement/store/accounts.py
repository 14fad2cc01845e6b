"""Accounts, passwords (argon2id), login sessions and private feed links."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from roulement.store.audit import record
from roulement.store.errors import Conflict, Invalid, NotFound
from roulement.store.models import ROLES, FeedLink, LoginSession, User, now

hasher = PasswordHasher()
SESSION_LIFETIME = dt.timedelta(hours=12)
MIN_PASSWORD = 8


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_new_account(username: str, role: str, password: str, employee_id: str | None) -> None:
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        raise Invalid("username: 1 to 64 letters, digits, '.', '_' or '-'", "username")
    if role not in ROLES:
        raise Invalid(f"role: must be one of {', '.join(ROLES)}", "role")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"password: at least {MIN_PASSWORD} characters", "password")
    if role == "employee" and not employee_id:
        raise Invalid("employee_id: an employee account must name its employee id", "employee_id")
    if role != "employee" and employee_id:
        raise Invalid("employee_id: only employee accounts are linked to an employee", "employee_id")


def add_user(
    session: Session, username: str, role: str, password: str, employee_id: str | None = None,
    actor: User | None = None,
) -> User:
    check_new_account(username, role, password, employee_id)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"username: {username!r} is taken", "username")
    user = User(username=username, role=role, password_hash=hasher.hash(password), employee_id=employee_id)
    session.add(user)
    session.flush()
    record(session, actor, "user.add", "user", user.id, None, account_view(user))
    return user


def account_view(user: User) -> dict[str, object]:
    return {"id": user.id, "username": user.username, "role": user.role, "employee_id": user.employee_id,
            "active": user.active}


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        # Spend the same effort as a real check so timing does not reveal which names exist.
        hasher.hash(password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def open_session(session: Session, user: User) -> tuple[str, str]:
    """A new login session; returns (cookie token, CSRF token). Only the token's hash is stored."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=digest(token), user_id=user.id, csrf_token=csrf,
                             expires_at=now() + SESSION_LIFETIME))
    return token, csrf


def session_user(session: Session, token: str) -> tuple[User, LoginSession] | None:
    login = session.get(LoginSession, digest(token))
    if login is None:
        return None
    expires = login.expires_at if login.expires_at.tzinfo else login.expires_at.replace(tzinfo=dt.UTC)
    if expires < now():
        session.delete(login)
        return None
    user = session.get(User, login.user_id)
    if user is None or not user.active:
        return None
    return user, login


def close_session(session: Session, token: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == digest(token)))


def set_password(session: Session, user: User, password: str, actor: User | None) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"password: at least {MIN_PASSWORD} characters", "password")
    user.password_hash = hasher.hash(password)
    # A new password ends every open session of that account.
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    record(session, actor, "user.password", "user", user.id, None, None)


def new_feed_link(session: Session, user: User) -> str:
    """Revoke the account's current feed link (if any) and issue a new one; returns the secret token."""
    revoke_feed_links(session, user)
    token = secrets.token_urlsafe(32)
    link = FeedLink(user_id=user.id, token_hash=digest(token))
    session.add(link)
    session.flush()
    record(session, user, "feed.create", "feed", link.id, None, {"user": user.id})
    return token


def revoke_feed_links(session: Session, user: User) -> int:
    links = session.scalars(select(FeedLink).where(FeedLink.user_id == user.id, FeedLink.revoked_at.is_(None)))
    count = 0
    for link in links:
        link.revoked_at = now()
        record(session, user, "feed.revoke", "feed", link.id, {"active": True}, {"active": False})
        count += 1
    return count


def feed_owner(session: Session, token: str) -> User:
    link = session.scalar(select(FeedLink).where(FeedLink.token_hash == digest(token)))
    if link is None or link.revoked_at is not None:
        raise NotFound("no such feed")
    user = session.get(User, link.user_id)
    if user is None or not user.active:
        raise NotFound("no such feed")
    return user
