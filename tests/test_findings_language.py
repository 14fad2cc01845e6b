"""The rules' findings (violation messages) in the reader's language: a French or German report of a roster
with violations shows no English finding (issue 17), from the Babel catalogues' `finding:<key>` entries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import roulement.rules
from roulement.formats.roster_csv import roster_to_csv
from roulement.formats.scenario_yaml import save_scenario
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.html import render_html
from roulement.report.messages import Lang, catalogue, finding_text, frame_text, has_message
from roulement.rules.people import CATEGORIES
from roulement.service import audit
from tests.factory import day, person, roster, scenario

# Words of the rules' English sentences that no French or German finding contains.
ENGLISH = re.compile(r"\b(works|rests|between|more than|less than|fewer than|people|in a row|while|without|"
                     r"the|of|and|with|has|holds|week|days?|needs|asked|after|on site)\b")
# Keys the rules build at run time (category, night worker, window), beside the literal ones in their source.
DYNAMIC = [f"fair-share-{category}" for category in CATEGORIES] + [
    f"{kind}{night}" for kind in ("period-over", "periods-over", "day-over", "24h-over") for night in ("", "-night")]


def finding_keys() -> set[str]:
    folder = Path(roulement.rules.__file__).parent
    literal = {key for path in folder.glob("*.py")
               for key in re.findall(r'Said\(\s*"([^"]+)"', path.read_text(encoding="utf-8"))}
    return literal | set(DYNAMIC)


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_finding_has_its_words_in_french_and_german(lang: Lang) -> None:
    keys = finding_keys()
    assert len(keys) >= 40
    assert sorted(key for key in keys if not has_message(f"finding:{key}", lang)) == []


def unlawful() -> tuple[Scenario, Roster]:
    """A plant and a roster breaking many rules at once: short rest, two shifts a day, work while absent, a
    post short, a night by someone unfit for nights, too many days in a week and in a row."""
    plant = scenario(days=14, demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}], employees=[
        person("e1", contract={"weekly_hours": 35}),
        person("e2", absences=[{"start": day(3).isoformat(), "end": day(4).isoformat()}]),
        person("e3", night_eligible=False),
    ])
    rows: list[tuple[str, int, str]] = [("e1", d, "M") for d in range(0, 9)]
    rows += [("e1", 0, "A"), ("e2", 3, "A"), ("e2", 4, "N"), ("e2", 5, "M"), ("e3", 6, "N")]
    return plant, roster(*rows)


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_a_report_of_an_unlawful_roster_shows_no_english_finding(lang: Lang, tmp_path: Path) -> None:
    plant, rows = unlawful()
    report = audit(plant, rows).report
    rules = {v["rule"] for v in report["violations"]}
    assert len(report["violations"]) >= 6 and len(rules) >= 5, rules
    for violation in report["violations"]:
        text = violation["text"][lang]
        assert text != violation["message"] and not ENGLISH.search(text), (violation["rule"], text)
        assert violation["text"]["en"] == violation["message"]  # English is the rule's own sentence
    page = render_html(plant, rows, report, lang=lang)
    table = page[page.index(f"<h2>{frame_text('violations', lang)}</h2>"):]
    cells = re.findall(r"<td class='left'>([^<]*)</td></tr>", table)
    assert cells and not any(ENGLISH.search(cell) for cell in cells), cells


def test_check_prints_the_findings_in_the_language_asked(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from roulement.cli import app

    plant, rows = unlawful()
    save_scenario(plant, tmp_path / "plant.yaml")
    (tmp_path / "roster.csv").write_text(roster_to_csv(plant, rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "plant.yaml"), str(tmp_path / "roster.csv"),
                                      "--lang", "fr"], env={"COLUMNS": "300"})
    assert result.exit_code == 1, result.output
    assert "se repose" in result.output and "rests " not in result.output


def test_a_finding_keeps_its_english_sentence_and_reads_its_numbers_the_readers_way() -> None:
    plant, rows = unlawful()
    violation = next(v for v in audit(plant, rows).checked.violations if v.rule == "fr.daily-rest")
    assert str(violation.message).startswith("rests ")
    assert finding_text(violation.message, "de").startswith("ruht ")
    assert "janv. 2026" in finding_text(violation.message, "fr")


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_the_report_pages_frame_is_in_the_readers_language(lang: Lang) -> None:
    """Headings, labels, the verdict and the footer: none of the English frame's words on a French or German
    page (names, rule ids and the scenario's own shift names aside)."""
    plant, rows = unlawful()
    report = audit(plant, rows).report
    page = render_html(plant, rows, report, lang=lang)
    assert f"<html lang='{lang}'>" in page
    text = " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S)).split())
    # Data, not frame: rule ids, the rules' references and the objective's term names (people.fair-share).
    names = {v["rule"] for v in report["violations"]} | {v["reference"] for v in report["violations"]}
    for name in sorted(names | set(report["objective"]["terms"]), key=len, reverse=True):
        text = text.replace(name, "")
    english = catalogue("en")
    frame = sorted(key for key in english.ids if key.startswith("frame:"))
    assert len(frame) >= 60
    own = catalogue(lang)
    words = {english.translations.gettext(key) for key in frame if key not in english.plural_by}
    words -= {own.translations.gettext(key) for key in frame}
    shown = [w for w in words
             if len(w) >= 4 and "{" not in w and re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    assert shown == [], shown
    assert frame_text("violations", lang) in text and frame_text("per_person", lang) in text
