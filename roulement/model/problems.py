"""Mistakes in a scenario as data: a stable code, its parameters and the English sentence.

The model speaks no language but English; a reader in another language (the web app) words a problem again from
its code and parameters. Validators raise `refused(...)`, a pydantic error whose type is the code; cross-reference
checks (`references.py`) return `FieldError`s carrying the same."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import PydanticCustomError

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One mistake: where (keys and indexes, as in the YAML), its code (pydantic's error type or one of ours),
    the parameters its sentence needs, and that sentence in English."""

    location: Location
    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


def refused(code: str, template: str, /, *, at: Location = (), **params: Any) -> PydanticCustomError:
    """A validator's refusal: `template` is the English sentence with `{name}` for each parameter; `at` points
    below the validated model (a model validator that blames one of its fields, e.g. a request's shift)."""
    context: dict[str, Any] = dict(params)
    if at:
        context["at"] = at
    return PydanticCustomError(code, template, context)
