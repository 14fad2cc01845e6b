"""The `roulement` command. Each module registers its commands on `app`; none holds business logic."""

from __future__ import annotations

from roulement.cli import bench as _bench  # noqa: F401  (registers commands)
from roulement.cli import group as _group  # noqa: F401  (registers group and plan-parts)
from roulement.cli import plan as _plan  # noqa: F401  (registers commands)
from roulement.cli import rotation as _rotation  # noqa: F401  (registers commands)
from roulement.cli import rotation_assign as _rotation_assign  # noqa: F401  (registers rotation assign)
from roulement.cli import shocks as _shocks  # noqa: F401  (registers commands)
from roulement.cli import web as _web  # noqa: F401  (registers serve and user)
from roulement.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
