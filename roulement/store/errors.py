"""What the store refuses, each mapped to one HTTP status by the web layer."""

from __future__ import annotations


class StoreError(Exception):
    status = 400

    def __init__(self, message: str, field: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = headers


class NotFound(StoreError):
    status = 404


class Forbidden(StoreError):
    status = 403


class Conflict(StoreError):
    """A stale edit (the roster changed since it was read) or a duplicate name."""

    status = 409


class Invalid(StoreError):
    status = 422


class TooBusy(StoreError):
    """Too many solves at once (per site or per server): try again later."""

    status = 429
