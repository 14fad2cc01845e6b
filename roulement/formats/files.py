"""All-or-nothing file writes: a reader sees the old file or the whole new one, never half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask_mode() -> int:
    """The mode a plain open() would give a new file (mkstemp's own 0600 is too private for reports)."""
    current = os.umask(0)
    os.umask(current)
    return 0o666 & ~current


def _stage(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _umask_mode())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def write_atomic(path: Path, content: str | bytes) -> None:
    write_all_atomic({path: content})


def write_all_atomic(files: dict[Path, str | bytes]) -> None:
    """Write several files so that none is replaced unless every one was written out first."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            staged.append((_stage(path, content.encode("utf-8") if isinstance(content, str) else content), path))
    except BaseException:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
