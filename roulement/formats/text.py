"""Reading a text file a person may have saved from any editor: size limits, encodings, clear refusals.

A scenario is YAML, which is Unicode: UTF-8, or UTF-16/32 when the file starts with a byte-order mark.
A roster or demand CSV may also come from Excel, which writes Windows-1252 on Western European Windows:
that is read too, as every byte a person types there (é, ß, €) decodes unambiguously.
"""

from __future__ import annotations

import codecs
from pathlib import Path

MEBIBYTE = 1024 * 1024
# 75 times KOS (255 people, 4 weeks, 55 KB): a year of a few thousand people fits, and reading one this
# large takes seconds (docs/benchmarks.md); past it, reading time grows to minutes for no plausible plant.
MAX_SCENARIO_BYTES = 4 * MEBIBYTE
# A roster row is about 70 bytes: 64 MiB holds a year of 2,500 people working every day.
MAX_TABLE_BYTES = 64 * MEBIBYTE

# Longest marks first: UTF-32-LE's mark begins with UTF-16-LE's.
_MARKS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


class TextFileError(ValueError):
    """A file that cannot be read as text; the message names the file (and line, when there is one)."""


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def decode_text(data: bytes, source: str, legacy: str | None = None) -> str:
    """`data` as text: a byte-order mark decides, else UTF-8, else `legacy` (e.g. 'cp1252') when given."""
    for mark, encoding in _MARKS:
        if data.startswith(mark):
            try:
                return data[len(mark):].decode(encoding)
            except UnicodeDecodeError as error:
                line, _ = _line_and_column(data, error.start)
                raise TextFileError(f"{source}:{line}: starts as {encoding.upper()} but is not valid "
                                    f"{encoding.upper()} text") from None
    if b"\x00" in data:
        line, _ = _line_and_column(data, data.index(b"\x00"))
        raise TextFileError(f"{source}:{line}: holds NUL bytes: a binary file, or UTF-16 without a byte-order "
                            f"mark; save it as UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error
    if legacy is not None:
        try:
            return data.decode(legacy)
        except UnicodeDecodeError:
            pass
    line, column = _line_and_column(data, utf8_error.start)
    byte = data[utf8_error.start]
    also = f" nor {legacy.upper()}" if legacy else ""
    raise TextFileError(f"{source}:{line}: not UTF-8{also} text (byte 0x{byte:02X} at column {column}); "
                        f"save it as UTF-8")


def read_text(path: str | Path, limit: int, what: str, legacy: str | None = None) -> str:
    """The text of `path`, refused with a clear message when unreadable, too large or not text."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise TextFileError(f"{path}: {size / MEBIBYTE:.0f} MiB is more than a {what} may hold "
                                f"({limit // MEBIBYTE} MiB); split it or check it is the right file")
        data = path.read_bytes()
    except OSError as error:
        raise TextFileError(f"{path}: cannot read: {error.strerror}") from error
    return decode_text(data, str(path), legacy)
