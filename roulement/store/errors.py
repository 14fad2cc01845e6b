"""What the store refuses, each mapped to one HTTP status by the web layer."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Refusal:
    """One reason for a refusal as data, for the web layer to word in the reader's language: the field (as the
    API names it, `requests[0].shift`), a stable code, its parameters and the English sentence."""

    field: str | None
    code: str
    message: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class StoreError(Exception):
    status = 400

    def __init__(self, message: str, field: str | None = None, headers: dict[str, str] | None = None, *,
                 code: str | None = None, params: Mapping[str, Any] | None = None,
                 details: Sequence[Refusal] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = headers
        # Each reason as data: given as `details`, or one from `code` and `params` (the message without its field).
        self.details = list(details)
        if code is not None and not details:
            # A message led by its field ("version: …") is worded the same way; one that is not ("no roster 7")
            # is worded alone.
            named = field is not None and message.startswith(f"{field}: ")
            text = message.removeprefix(f"{field}: ") if named else message
            self.details = [Refusal(field if named else None, code, text, params or {})]


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
