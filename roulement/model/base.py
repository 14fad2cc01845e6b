"""What every scenario part shares: the strict base model and the identifier type."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]


class Strict(BaseModel):
    """Base for every scenario part: unknown fields are mistakes, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)
