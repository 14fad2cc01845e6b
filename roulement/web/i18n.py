"""The pages' words in English, French and German, from gettext catalogues (`web/locale/<lang>.po`) read by
Babel, with plural forms; the language comes from ?lang=, a cookie or the browser.
Dates, times and numbers are shaped by Babel's CLDR data for the language (`locale_data`), in the site's zone."""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from babel.dates import get_date_format, get_day_names, get_month_names, get_time_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from fastapi import Request

LANGUAGES = ("en", "fr", "de")

PLURAL_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 100, 1_000_000)


class Words:
    """One language's words for the pages, from its gettext catalogue (`web/locale/<lang>.po`, read by Babel).
    Message ids are symbolic keys (`status.approved`); English is a catalogue like the others.

    `words`: every singular entry, for the templates and the page's script. `plurals`: each plural entry as its
    text per CLDR plural category (one, few, many, other …), so the page's script picks the form with the
    browser's `Intl.PluralRules` for the same language, and Python with `plural()` (gettext's own rule)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        source = resources.files("roulement.web").joinpath("locale", f"{lang}.po")
        with source.open("rb") as stream:
            catalog = read_po(stream, locale=lang, domain="web")
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        self.translations = gettext.GNUTranslations(compiled)
        self.words: dict[str, str] = {}
        self.plurals: dict[str, dict[str, str]] = {}
        rule = Locale.parse(lang).plural_form
        for entry in catalog:
            if not entry.id:
                continue  # the header
            if isinstance(entry.id, str):
                self.words[entry.id] = self.translations.gettext(entry.id)
            else:
                key = str(entry.id[0])
                self.plurals[key] = {rule(n): self.translations.ngettext(key, key, n) for n in PLURAL_SAMPLES}

    def plural(self, key: str, n: int) -> str:
        return self.translations.ngettext(key, key, n).replace("{n}", format_decimal(n, locale=self.lang))


@cache
def words(lang: str) -> Words:
    return Words(lang)


CATALOGUE: dict[str, dict[str, str]] = {lang: words(lang).words for lang in LANGUAGES}
PLURALS: dict[str, dict[str, dict[str, str]]] = {lang: words(lang).plurals for lang in LANGUAGES}


@cache
def locale_data(lang: str) -> dict[str, Any]:
    """CLDR patterns and names from Babel, for the page's script to shape dates, times and numbers."""
    return {
        "lang": lang,
        "date_short": get_date_format("short", locale=lang).pattern,
        "date_medium": get_date_format("medium", locale=lang).pattern,
        "time_short": get_time_format("short", locale=lang).pattern,
        # Monday first, as Python's weekday()
        "days_abbr": [get_day_names("abbreviated", locale=lang)[d] for d in range(7)],
        "days_wide": [get_day_names("wide", locale=lang)[d] for d in range(7)],
        "months_abbr": [get_month_names("abbreviated", locale=lang)[m] for m in range(1, 13)],
        "decimal": get_decimal_symbol(lang),
        "group": get_group_symbol(lang),
    }


def language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("roulement_lang")
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"
