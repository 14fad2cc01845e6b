"""Refusals in the reader's language: a refused save's reasons worded again from their code and parameters.

The model and the store say why they refuse as data (`model.problems.Problem`, `store.errors.Refusal`; pydantic's
own error types for what its types refuse). Each code has a sentence in the web catalogues (`problem.<code>` in
`web/locale/<lang>.po`, `{name}` for a parameter); a code the catalogue lacks is shown with the English sentence
it came with. Dates and numbers in a sentence follow the language (Babel)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from babel.dates import format_date, get_day_names
from babel.numbers import format_decimal

from roulement.store.errors import Refusal
from roulement.web.i18n import words

# Parameters whose value is a code with a word of its own in the catalogue.
WORDED = {"request_kind": "request.", "kind": "value_kind."}
DAY_CODES = ("all", "weekdays", "weekends", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = DAY_CODES[3:]


def _shown(lang: str, name: str, value: Any) -> str:
    catalogue = words(lang).words
    if name in WORDED and isinstance(value, str):
        return catalogue.get(WORDED[name] + value, value)
    if name == "modes" and isinstance(value, list):
        return ", ".join(catalogue.get(f"mode.{mode}", str(mode)) for mode in value)
    if name == "expected" and isinstance(value, str):
        # pydantic's "'hard', 'soft' or 'off'": the values alone, without its English "or".
        found = re.findall(r"'([^']*)'", value)
        return ", ".join(found) if found else value
    if isinstance(value, dt.date):
        return format_date(value, "short", locale=lang)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return format_decimal(value, locale=lang)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def worded(lang: str, code: str, params: Mapping[str, Any], english: str) -> str:
    """The sentence for `code` in `lang`, its parameters shaped for the language; the English sentence when the
    catalogue has no entry for the code (or the entry asks for a parameter the problem did not bring)."""
    template = words(lang).words.get(f"problem.{code}")
    if template is None:
        return english
    shaped = {name: _shown(lang, name, value) for name, value in params.items()}
    date = params.get("date")
    if isinstance(date, dt.date):
        shaped["weekday"] = get_day_names("wide", locale=lang)[date.weekday()]
    try:
        text = template.format_map(shaped)
    except (KeyError, IndexError, ValueError):
        return english
    line = params.get("file_line")
    if line is not None:
        text += " " + words(lang).words["problem.file_line"].format(line=line)
    return text


def refusal_json(lang: str, message: str, field: str | None, details: Iterable[Refusal]) -> dict[str, Any]:
    """The body of a refusal: `detail` (each reason, its field first, in the reader's language), `field` (the first
    reason's, as the API names it) and `problems` (each reason's field, `type` code and sentence)."""
    problems = [{"field": d.field, "type": d.code, "message": worded(lang, d.code, d.params, d.message)}
                for d in details]
    if not problems:
        return {"detail": message, "field": field}
    detail = "; ".join(f"{p['field']}: {p['message']}" if p["field"] else str(p["message"]) for p in problems)
    return {"detail": detail, "field": problems[0]["field"] if field is None else field, "problems": problems}


def day_words(lang: str) -> dict[str, str]:
    """Every word a reader of `lang` may type for a day selector, lower case, to its code: the catalogue's
    (`day_word.mon`: lun, mo), Babel's abbreviated and wide day names (lun., lundi, Mo., Montag) and the scenario
    format's own codes, read on every page."""
    catalogue = words(lang).words
    known = {code: code for code in DAY_CODES}
    for code in DAY_CODES:
        known[catalogue.get(f"day_word.{code}", code).lower()] = code
    for width in ("abbreviated", "wide"):
        names = get_day_names(width, locale=lang)
        for number, code in enumerate(WEEKDAYS):
            known[names[number].lower()] = code
            known[names[number].lower().rstrip(".")] = code
    return known


def day_codes(lang: str, value: Any, field: str) -> tuple[Any, Refusal | None]:
    """A demand row's `days` typed in the reader's words ("lun, mar", "werktags", ["sam", "dim"]) as the scenario
    format's codes; a word that is no day is refused, naming the field and the words the reader may use."""
    if value is None or value == []:
        return value, None
    parts = [p for p in re.split(r"[\s,;]+", value) if p] if isinstance(value, str) else value
    if not isinstance(parts, list):
        return value, None  # not a word nor a list: the model names the field and the type
    known = day_words(lang)
    codes = []
    for part in parts:
        if not isinstance(part, str):
            return value, None
        code = known.get(part.strip().lower())
        if code is None:
            catalogue = words(lang).words
            choices = ", ".join(catalogue.get(f"day_word.{c}", c) for c in DAY_CODES)
            return value, Refusal(field, "unknown_day", f"'{part}' is not a day (one of {', '.join(DAY_CODES)})",
                                  {"value": part, "known": choices})
        codes.append(code)
    if not codes:
        return value, None
    return (codes[0] if len(codes) == 1 else codes), None
