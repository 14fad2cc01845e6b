"""Messages come from gettext catalogues read with Babel: every rule has its words in fr, de and en, plurals
follow each language's rule, and numbers and dates are written the reader's way."""

from __future__ import annotations

import datetime as dt
import inspect
import re

import pytest

import roulement.analyse.explain
import roulement.solve.replan  # noqa: F401  (defines a rule outside the packs)
from roulement.report.messages import (
    LANGS,
    Lang,
    catalogue,
    days_apart,
    has_message,
    message,
    reference_text,
    rule_statement,
)
from roulement.rules.base import Rule
from roulement.rules.packs import all_rules


def _rule_ids() -> set[str]:
    """Every rule id, read from the rule classes: the packs' instances, and classes no pack builds."""
    built = all_rules()
    ids = {rule.id for rule in built}
    kinds = {type(rule) for rule in built}
    pending = list(Rule.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls not in kinds and not inspect.isabstract(cls):
            ids.add(cls.id)
    return ids


def test_the_rule_ids_are_read_from_the_classes() -> None:
    ids = _rule_ids()
    assert {"fr.daily-max", "de.free-sundays", "plant.no-early-after-late", "people.fair-share",
            "replan.keep-published", "explain.granted"} <= ids and len(ids) >= 40


@pytest.mark.parametrize("lang", LANGS)
def test_every_rule_has_a_statement_in_each_language(lang: Lang) -> None:
    missing = sorted(rule_id for rule_id in _rule_ids() if not has_message(f"rule:{rule_id}", lang))
    assert missing == []
    for rule in all_rules():
        text = rule_statement(rule, lang)
        assert "{" not in text and text != f"{rule.title or rule.id} ({rule.reference})", text
        # A statement cites its reference (in its language's words) in every language or in none.
        cited = f"({reference_text(rule.id, rule.reference, lang)})"
        assert text.endswith(cited) == rule_statement(rule, "en").endswith(f"({rule.reference})")


def test_no_english_inside_french_or_german_statements() -> None:
    rule = next(r for r in all_rules() if r.id == "plant.no-early-after-late")
    assert rule_statement(rule, "fr").startswith("pas de poste du matin (avant 7 h) juste après un poste du soir")
    assert rule_statement(rule, "de").startswith("keine Frühschicht (Beginn vor 7 Uhr) direkt nach einer Spätschicht")
    for rule_id, french in (("plant.rest-after-nights", "au moins 48 h de repos après une série de nuits"),
                            ("plant.min-rest", "au moins 11 h de repos entre deux postes")):
        assert rule_statement(next(r for r in all_rules() if r.id == rule_id), "fr").startswith(french)


@pytest.mark.parametrize(("lang", "one", "two"), [
    ("de", "1 Person hat die Qualifikationen op", "2 Personen haben die Qualifikationen op"),
    ("fr", "1 personne a les compétences op", "2 personnes ont les compétences op"),
    ("en", "1 person holds the skills op", "2 people hold the skills op"),
])
def test_plurals_follow_each_language(lang: Lang, one: str, two: str) -> None:
    assert message("holders", lang, count=1, skills="op") == one
    assert message("holders", lang, count=2, skills="op") == two


def test_plural_rules_come_from_babel_not_from_a_table() -> None:
    # French singular covers 0 (CLDR: one is 0 and 1); German and English do not.
    assert message("spare-on-post", "fr", post="X", assigned=0, shift="N", required=1).startswith(
        "le poste X a 0 personne en N")
    assert "0 Personen" in message("spare-on-post", "de", post="X", assigned=0, shift="N", required=1)
    assert days_apart(1, "de") == "1 Tag getrennt" and days_apart(3, "de") == "3 Tage getrennt"
    assert re.search(r"nplurals=3", catalogue("fr").translations.info()["plural-forms"])


def test_numbers_and_dates_are_written_the_readers_way() -> None:
    params = {"delta": 12345, "terms": "t", "changes": 3, "people": 2}
    assert "+12,345" in message("grant-cost", "en", **params)
    assert "+12.345" in message("grant-cost", "de", **params)
    assert "+12\u202f345" in message("grant-cost", "fr", **params)
    works = {"employee": "rudi", "shift": "M", "start": "05:00", "end": "13:00", "post": "L1",
             "date": dt.date(2026, 12, 8)}
    assert "am 08.12.2026" in message("works", "de", **works)
    assert "le 8 déc. 2026" in message("works", "fr", **works)
    assert "on Dec 8, 2026" in message("works", "en", **works)
    assert "75\xa0%" in message("together-trial", "de", nights=2, sundays=1, apart="x", got=3, possible=4,
                             share=0.75, proof="p")


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", ["3 personnes ont les compétences op, dont 1 apte à la nuit",
            "modifie 1 poste de 2 personnes", "modifie 4 postes de 1 personne",
            "demande 2 personnes en N sur 1 jour sur 28"]),
    ("de", ["3 Personen haben die Qualifikationen op, davon 1 nachtarbeitstauglich",
            "ändert 1 Schicht von 2 Personen", "ändert 4 Schichten von 1 Person",
            "braucht 2 Personen in Schicht N an 1 von 28 Tagen"]),
    ("en", ["3 people hold the skills op, 1 of them fit for nights",
            "changes 1 shift of 2 people", "changes 4 shifts of 1 person",
            "needs 2 people on shift N on 1 day of 28"]),
])
def test_a_sentence_with_two_counts_pluralises_each_noun_from_its_own_count(lang: Lang, expected: list[str]) -> None:
    sentences = [message("holders-night", lang, count=3, skills="op", night=1),
                 message("grant-cost", lang, delta=5, terms="t", changes=1, people=2),
                 message("grant-cost", lang, delta=5, terms="t", changes=4, people=1),
                 message("post-needs", lang, post="P", count=2, shift="N", days=1, horizon=28)]
    for sentence, part in zip(sentences, expected, strict=True):
        assert part in sentence, sentence
