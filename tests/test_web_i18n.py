"""The pages' words come from gettext catalogues (web/locale/<lang>.po, read by Babel): every entry in all three
languages, translated, and plural entries with a form for each of the language's CLDR plural categories."""

from __future__ import annotations

from importlib import resources

from babel import Locale
from babel.messages.pofile import read_po

from roulement.web.i18n import CATALOGUE, LANGUAGES, PLURALS, words
from tests.conftest import Site


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with resources.files("roulement.web").joinpath("locale", f"{lang}.po").open("rb") as stream:
        return read_po(stream, locale=lang, domain="web")


def test_every_entry_is_in_all_three_languages_and_translated() -> None:
    ids = {lang: {entry.id if isinstance(entry.id, str) else entry.id[0] for entry in _catalog(lang) if entry.id}
           for lang in LANGUAGES}
    assert ids["en"] == ids["fr"] == ids["de"]
    for lang in LANGUAGES:
        for entry in _catalog(lang):
            if entry.id:
                strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
                assert all(strings), (lang, entry.id)
    assert set(CATALOGUE["en"]) == set(CATALOGUE["fr"]) == set(CATALOGUE["de"])
    assert CATALOGUE["fr"]["status.approved"] == "approuvée" and CATALOGUE["de"]["status.approved"] != "approved"


def test_plural_entries_cover_each_category_of_the_language() -> None:
    for lang in LANGUAGES:
        categories = set(Locale.parse(lang).plural_form.tags) | {"other"}
        for key, forms in PLURALS[lang].items():
            assert set(forms) == categories, (lang, key)
    assert words("fr").plural("n_people", 0) == "0 salarié"  # French: 0 and 1 are singular
    assert words("fr").plural("n_people", 1) == "1 salarié"
    assert words("fr").plural("n_people", 2) == "2 salariés"
    assert words("de").plural("n_violations", 1) == "1 Verstoß"
    assert words("de").plural("n_violations", 3) == "3 Verstöße"
    assert words("en").plural("n_deviations", 1234) == "1,234 deviations"


def test_the_report_download_speaks_the_readers_language(site: Site) -> None:
    paula = site.client("paula")
    for lang, heading in (("fr", "Par salarié"), ("de", "Je Person"), ("en", "Per person")):
        page = paula.get(f"/api/rosters/{site.roster_id}/report.html", headers={"Accept-Language": lang}).text
        assert f"<html lang='{lang}'>" in page and f"<h2>{heading}</h2>" in page
