"""Messages in French, German and English, from gettext catalogues (`report/locale/<lang>.po`), via Babel.

Every rule statement ends with its legal reference, so a works council or a Betriebsrat can look it up.
`message(key, lang, **params)` formats one; `rule_statement(rule, lang)` states a rule with its own numbers.

Message ids are symbolic: `rule:<rule id>`, `fact:<key>`, `request:<kind>`; English is a catalogue like the
others. A fact whose noun follows a count is a plural entry, chosen by the catalogue's own plural rule
(Babel's CLDR data: German `1 Person`, `2 Personen`; French `0 personne`, `1 personne`, `2 personnes`); the
count it follows is named in the entry's `#. plural: NAME` comment. A sentence with two counts takes the
second noun from an entry of its own, named in a `#. part: PARAM=part:KEY` comment, so each noun follows its
own count ("3 personnes ..., dont 1 apte à la nuit"). Numbers and dates in the parameters are
written the reader's way by Babel before the template sees them (`1 234,5`, `1.234,5`, `8 déc. 2026`).
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import cache
from importlib import resources
from typing import Any, Literal

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from roulement.rules.base import Rule, Said

Lang = Literal["en", "fr", "de"]
LANGS: tuple[Lang, ...] = ("en", "fr", "de")
PLURAL_NOTE = "plural: "
PART_NOTE = "part: "
# Parameters that are shares of a whole (0.25), written as percentages.
PERCENT_PARAMS = frozenset({"share", "rate", "short"})


class UnknownMessage(KeyError):
    pass


class Catalogue:
    """One language's messages: gettext lookups on the compiled catalogue, and which count drives plurals."""

    def __init__(self, lang: Lang) -> None:
        source = resources.files("roulement.report").joinpath("locale", f"{lang}.po")
        with source.open("rb") as stream:
            catalog = read_po(stream, locale=lang, domain="roulement")
        self.plural_by: dict[str, str] = {}
        # Parameters filled by a plural entry of their own: a sentence with two counts pluralises each noun
        # from its own count (`#. part: NAME=KEY`).
        self.parts: dict[str, list[tuple[str, str]]] = {}
        self.ids: set[str] = set()
        for entry in catalog:
            if not entry.id:
                continue  # the header
            key = str(entry.id if isinstance(entry.id, str) else entry.id[0])
            translated = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            if all(translated):
                self.ids.add(key)
            for note in entry.auto_comments:
                if note.startswith(PLURAL_NOTE):
                    self.plural_by[key] = note.removeprefix(PLURAL_NOTE)
                if note.startswith(PART_NOTE):
                    name, _, part = note.removeprefix(PART_NOTE).partition("=")
                    self.parts.setdefault(key, []).append((name.strip(), part.strip()))
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        self.translations = gettext.GNUTranslations(compiled)

    def template(self, key: str, params: dict[str, Any]) -> str:
        if key not in self.ids:
            raise UnknownMessage(key)
        driver = self.plural_by.get(key)
        if driver is None:
            return self.translations.gettext(key)
        count = params.get(driver)
        return self.translations.ngettext(key, key, count if isinstance(count, int) else 2)


@cache
def catalogue(lang: Lang) -> Catalogue:
    return Catalogue(lang)


def _written(name: str, value: Any, lang: Lang) -> Any:
    """A parameter as a reader of `lang` writes it: numbers and dates by Babel, objective terms by name (a dict
    of term id to change), a finding inside a sentence in `lang` too, the rest as it is."""
    if isinstance(value, Said):
        return finding_text(value, lang)
    if name == "terms" and isinstance(value, dict):
        return ", ".join(f"{term_name(term, lang)} {format_decimal(delta, format='+#,##0.##;-#,##0.##', locale=lang)}"
                         for term, delta in value.items()) or "0"
    if isinstance(value, bool) or not isinstance(value, (int, float, dt.date)):
        return value
    if isinstance(value, dt.date):
        return format_date(value, "medium", locale=lang)
    if name in PERCENT_PARAMS:
        return format_percent(value, locale=lang)
    if name == "delta":
        return format_decimal(value, format="+#,##0.##;-#,##0.##", locale=lang)
    return format_decimal(value, locale=lang)


def _fill(key: str, lang: Lang, params: dict[str, Any]) -> str:
    book = catalogue(lang)
    template = book.template(key, params)
    written = {name: _written(name, value, lang) for name, value in params.items()}
    for name, part in book.parts.get(key, []):
        written[name] = _fill(part, lang, params)
    return template.format(**written)


def has_message(key: str, lang: Lang) -> bool:
    return key in catalogue(lang).ids


def message(key: str, lang: Lang, **params: Any) -> str:
    """One explanation sentence in `lang`, filled from `params`; `key` is a fact key or a rule id."""
    for full in (f"fact:{key}", f"rule:{key}"):
        if has_message(full, lang):
            return _fill(full, lang, params)
    raise UnknownMessage(key)


def rule_statement(rule: Rule, lang: Lang) -> str:
    """What `rule` allows, in `lang`, with its own numbers and legal reference."""
    key = f"rule:{rule.id}"
    reference = reference_text(rule.id, rule.reference, lang)
    if not has_message(key, lang):
        return f"{rule.title or rule.id} ({reference})"
    return _fill(key, lang, {**rule.params(), "reference": reference})


def finding_text(finding: str, lang: Lang) -> str:
    """A rule's finding (a violation's message) in `lang`: in English the rule's own sentence; otherwise the
    catalogue's `finding:<key>` entry, filled from the finding's parameters (`rules.base.Said`)."""
    key = getattr(finding, "key", None)
    if lang == "en" or key is None or not has_message(f"finding:{key}", lang):
        return str(finding)
    return _fill(f"finding:{key}", lang, getattr(finding, "params", {}))


def request_kind(kind: str, lang: Lang) -> str:
    return catalogue(lang).translations.gettext(f"request:{kind}")


def days_apart(count: int, lang: Lang) -> str:
    return _fill("fact:days-apart", lang, {"n": count})


def frame_text(key: str, lang: str, **params: Any) -> str:
    """A heading, label or sentence of a report page's frame (`frame:<key>`) in `lang` (English for a language
    the catalogues lack), its numbers and dates written the reader's way; plural entries follow their count."""
    chosen: Lang = lang if lang in LANGS else "en"
    return _fill(f"frame:{key}", chosen, params)


def reference_text(rule: str, reference: str, lang: str) -> str:
    """A rule's reference in `lang`: legal citations stay as they are, the words around them are translated
    (`reference:<rule id>`). A reference the catalogue does not know as the rule's (a setting changed it) is
    shown as written."""
    chosen: Lang = lang if lang in LANGS else "en"
    key = f"reference:{rule}"
    if chosen == "en" or not has_message(key, chosen) or not has_message(key, "en"):
        return reference
    if catalogue("en").translations.gettext(key) != reference:
        return reference
    return catalogue(chosen).translations.gettext(key)


def term_name(term: str, lang: str) -> str:
    """An objective term's name for people (`term:<id>`: a soft rule's id or a built-in term such as
    `coverage_under`); the id itself where the catalogue has none. JSON keeps the ids."""
    chosen: Lang = lang if lang in LANGS else "en"
    key = f"term:{term}"
    return catalogue(chosen).translations.gettext(key) if has_message(key, chosen) else term


def criterion_text(words: str, part: str, lang: str, english: str) -> str:
    """One part (label, unit, target, source) of a crew cycle's year criterion in `lang`
    (`criterion:<words>:<part>`; `english` is analyse.rotation's own wording, shown where the catalogue lacks
    the entry)."""
    chosen: Lang = lang if lang in LANGS else "en"
    key = f"criterion:{words}:{part}"
    return catalogue(chosen).translations.gettext(key) if english and has_message(key, chosen) else english


def entry_text(key: str, lang: str, **params: Any) -> str:
    """Any catalogue entry by its full id (`reading:week-civil`), filled as `frame_text` fills a frame entry."""
    chosen: Lang = lang if lang in LANGS else "en"
    return _fill(key, chosen, params)
