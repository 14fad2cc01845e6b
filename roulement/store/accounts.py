"""Accounts, passwords (argon2id), login sessions and private feed links."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn  # type: ignore[import-untyped]

from roulement.store.audit import record
from roulement.store.errors import Conflict, Invalid, NotFound
from roulement.store.models import ROLES, FeedLink, LoginFailure, LoginSession, User, now

hasher = PasswordHasher()
SESSION_LIFETIME = dt.timedelta(hours=12)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
# zxcvbn's score (0-4) from its frequency lists of common and leaked passwords, names and words:
# 3 = "safely unguessable: moderate protection from an offline slow-hash scenario".
MIN_PASSWORD_SCORE = 3


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(password: str, username: str = "", field: str = "password") -> None:
    """At least MIN_PASSWORD characters, and not guessable: zxcvbn (its lists of common and breached
    passwords, words and names, and the user name itself) must score it at least MIN_PASSWORD_SCORE."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"{field}: at least {MIN_PASSWORD} characters", field, code="password_too_short",
                      params={"count": MIN_PASSWORD})
    if len(password) > MAX_PASSWORD:
        raise Invalid(f"{field}: at most {MAX_PASSWORD} characters", field, code="password_too_long",
                      params={"count": MAX_PASSWORD})
    # zxcvbn's cost grows with length; beyond 100 characters the first 100 decide.
    verdict = zxcvbn(password[:100], user_inputs=[username] if username else [])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        warning = verdict["feedback"].get("warning") or "too easy to guess"
        raise Invalid(f"{field}: too easy to guess ({warning}); use a longer phrase of unrelated words", field,
                      code="password_too_easy")


def find_user(session: Session, username: str) -> User | None:
    """The account with this name, whatever its case."""
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def check_new_account(username: str, role: str, password: str, employee_id: str | None) -> None:
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        raise Invalid("username: 1 to 64 letters, digits, '.', '_' or '-'", "username", code="bad_username")
    if role not in ROLES:
        raise Invalid(f"role: must be one of {', '.join(ROLES)}", "role", code="unknown_role",
                      params={"value": role, "known": ", ".join(ROLES)})
    check_password(password, username)
    if role == "employee" and not employee_id:
        raise Invalid("employee_id: an employee account must name its employee id", "employee_id",
                      code="employee_account_needs_employee")
    if role != "employee" and employee_id:
        raise Invalid("employee_id: only employee accounts are linked to an employee", "employee_id",
                      code="only_employee_accounts_linked")


def add_user(
    session: Session, username: str, role: str, password: str, employee_id: str | None = None,
    actor: User | None = None,
) -> User:
    check_new_account(username, role, password, employee_id)
    if find_user(session, username) is not None:
        raise Conflict(f"username: {username!r} is taken (names are compared without case)", "username",
                       code="username_taken", params={"value": username})
    user = User(username=username, role=role, password_hash=hasher.hash(password), employee_id=employee_id)
    session.add(user)
    session.flush()
    record(session, actor, "user.add", "user", user.id, None, account_view(user))
    return user


def account_view(user: User) -> dict[str, object]:
    return {"id": user.id, "username": user.username, "role": user.role, "employee_id": user.employee_id,
            "active": user.active}


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = find_user(session, username)
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


def end_sessions(session: Session, user: User, keep_token: str | None = None) -> None:
    """Sign the account out everywhere (but the session `keep_token`, if given)."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_token is not None:
        query = query.where(LoginSession.token_hash != digest(keep_token))
    session.execute(query)


def set_password(session: Session, user: User, password: str, actor: User | None, field: str = "password",
                 keep_token: str | None = None) -> None:
    check_password(password, user.username, field)
    user.password_hash = hasher.hash(password)
    # A new password ends every other open session of that account.
    end_sessions(session, user, keep_token)
    record(session, actor, "user.password", "user", user.id, None, None)


def change_own_password(session: Session, user: User, current: str, new: str, keep_token: str) -> None:
    try:
        hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError) as error:
        raise Invalid("current_password: this is not your current password", "current_password",
                      code="wrong_current_password") from error
    if current == new:
        raise Invalid("new_password: choose a password different from the current one", "new_password",
                      code="same_password")
    set_password(session, user, new, user, "new_password", keep_token)


# --- the sign-in throttle, in the database so a restart does not forget it --------------------------------

THROTTLE_LIMIT = 5  # failures per (address, name); four times that per address
THROTTLE_WINDOW = dt.timedelta(minutes=5)


def _throttle_keys(address: str, username: str) -> list[tuple[str, int]]:
    return [(f"{address}|{username.lower()}"[:200], THROTTLE_LIMIT), (address[:200], 4 * THROTTLE_LIMIT)]


def login_retry_after(session: Session, address: str, username: str) -> int:
    """Seconds to wait before another sign-in attempt is allowed (0 = allowed now)."""
    at = now()
    since = at - THROTTLE_WINDOW
    for key, limit in _throttle_keys(address, username):
        times = list(session.scalars(select(LoginFailure.at).where(LoginFailure.key == key, LoginFailure.at >= since)
                                     .order_by(LoginFailure.at)))
        if len(times) >= limit:
            oldest = times[-limit]
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=dt.UTC)
            return max(1, int((oldest + THROTTLE_WINDOW - at).total_seconds()) + 1)
    return 0


def login_failed(session: Session, address: str, username: str) -> None:
    at = now()
    for key, _ in _throttle_keys(address, username):
        session.add(LoginFailure(key=key, at=at))
    # Old rows say nothing any more; dropping them keeps the table small.
    session.execute(delete(LoginFailure).where(LoginFailure.at < at - 2 * THROTTLE_WINDOW))


def login_succeeded(session: Session, address: str, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key == _throttle_keys(address, username)[0][0]))


def new_feed_link(session: Session, user: User) -> str:
    """Revoke the account's current feed link (if any) and issue a new one; returns the secret token."""
    revoke_feed_links(session, user)
    token = secrets.token_urlsafe(32)
    link = FeedLink(user_id=user.id, employee_id=user.employee_id, token_hash=digest(token))
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


def feed_person(session: Session, token: str) -> str:
    """The employee id a live feed link shows: the person it was made for, not whoever its account names now."""
    link = session.scalar(select(FeedLink).where(FeedLink.token_hash == digest(token)))
    if link is None or link.revoked_at is not None or link.employee_id is None:
        raise NotFound("no such feed")
    user = session.get(User, link.user_id)
    if user is None or not user.active:
        raise NotFound("no such feed")
    return link.employee_id
