"""Words people read in French and German reports (issue 15): rule references, objective terms, the crew cycle's
year (criteria and readings) and the rotation page show no English; times are in the site's zone. Ids stay in
report.json."""

from __future__ import annotations

import gzip
import html
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from roulement import service
from roulement.analyse.cycle_following import cycle_evaluation
from roulement.analyse.rotation import judge_year
from roulement.formats.roster_csv import parse_roster
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.audience import Audience, for_audience
from roulement.report.html import render_html
from roulement.report.messages import (
    Lang,
    catalogue,
    criterion_text,
    frame_text,
    has_message,
    reference_text,
    term_name,
)
from roulement.report.rotation_page import PageOption, render_rotation_page
from roulement.rules.follow_cycle import CYCLE_TERM
from roulement.rules.packs import all_rules
from roulement.rules.replan import CHANGES_TERM, KeepPublished

KOS_ROSTER = Path(__file__).parent / "data" / "kos-roster.csv.gz"
# English words of the references, terms, criteria and page frames that no French or German text of them holds.
ENGLISH = re.compile(r"\b(employee|employees|plant|site rule|model|guidance|household|equal|treatment|published|"
                     r"roster|contract|fairness|requests|demand|study|handbook|measures|wish|better|least|after|"
                     r"block|fitness|priority|declared|notice|changes|continuous|shifts?|crews?|weeks?(?!-end)|year|"
                     r"longest|shortest|free|average|hours|backward|forward|stretch|wait|evaluation|rests on|"
                     r"civil|default|the|of|and|with|per|few|as|short|yes|no|aim|criterion|value|"
                     r"Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b")
BUILT_IN_TERMS = ("coverage_under", "coverage_over", "coverage_shortfall", "contract_hours", "requests", CHANGES_TERM,
                  CYCLE_TERM)


def every_rule() -> list[Any]:
    return [*all_rules(), KeepPublished(Roster([]), None)]  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_reference_with_words_is_in_french_and_german_and_still_the_rules_own(lang: Lang) -> None:
    worded = [rule for rule in every_rule() if ENGLISH.search(rule.reference)]
    assert len(worded) >= 20
    for rule in worded:
        key = f"reference:{rule.id}"
        assert has_message(key, lang) and has_message(key, "en"), rule.id
        # The English entry is the rule's reference as written: a changed reference fails here, not silently.
        assert catalogue("en").translations.gettext(key) == rule.reference, rule.id
        said = reference_text(rule.id, rule.reference, lang)
        assert said != rule.reference or rule.id == "people.day-post-priority", (rule.id, said)
        assert not ENGLISH.search(said), (rule.id, said)
    # A reference a setting changed is shown as written, never another rule's words.
    assert reference_text("core.absence", "works agreement of 2026", lang) == "works agreement of 2026"


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_every_objective_term_has_a_name_for_people(lang: Lang) -> None:
    for term in [*BUILT_IN_TERMS, *(rule.id for rule in every_rule())]:
        assert has_message(f"term:{term}", lang), term
        name = term_name(term, lang)
        assert name != term and "_" not in name and "." not in name, (term, name)
        if lang != "en":
            assert not ENGLISH.search(name), (term, name)


@cache
def kos_council_report(name: str) -> tuple[Scenario, Roster, dict[str, Any]]:
    """The council's report of the stored KOS roster (on KOS-DE: its law), with the cycle's year."""
    kos = service.example(name)
    roster = parse_roster(gzip.decompress(KOS_ROSTER.read_bytes()).decode(), kos, str(KOS_ROSTER))
    report = service.audit(kos, roster).report
    report["rotation"]["evaluation"] = cycle_evaluation(kos)
    report["generated"] = "2026-12-01T11:26:51+00:00"
    return for_audience(kos, roster, report, Audience.COUNCIL)


def visible(page: str) -> str:
    """The text a reader sees: no style, no tags, no attributes."""
    text = re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


@pytest.mark.parametrize(("name", "lang"), [("kos", "fr"), ("kos", "de")])
def test_the_cycle_year_in_a_council_report_is_in_the_readers_language(name: str, lang: Lang) -> None:
    scenario, roster, report = kos_council_report(name)
    evaluation = report["rotation"]["evaluation"]
    assert len(evaluation["criteria"]) == 9 and evaluation["readings"]
    page = render_html(scenario, roster, report, lang=lang)
    heading = page.index(f"<h3>{frame_text('cycle_year', lang)}</h3>")
    year = visible(page[heading:page.index("</table>", heading)])
    for criterion in evaluation["criteria"]:
        for part in ("label", "target"):  # the report's table has no source column (rotation.html has)
            shown = criterion_text(criterion["words"], part, lang, criterion[part])
            assert shown in year and (shown != criterion[part] or not ENGLISH.search(shown)), (part, shown)
    assert not ENGLISH.search(year), ENGLISH.findall(year)
    for english in evaluation["readings"].values():
        assert english not in page
    # The objective's terms by name (the id only in the cell's title), the report's time in the site's zone.
    terms = page[page.index("<table>"):page.index("</table>")]
    assert len(report["objective"]["terms"]) >= 3
    for term in report["objective"]["terms"]:
        assert f">{term}<" not in terms and f">{html.escape(term_name(term, lang))}<" in terms, term
    # The council's household totals are named in the reader's words too.
    people = page.index(f"<h2>{frame_text('people', lang)}</h2>")
    totals = visible(page[people:page.index("</table>", people)])
    assert frame_text("hh.shared_days_off_asked", lang) in totals and not ENGLISH.search(totals), totals
    footer = visible(page[page.rindex("<p class='sub'>"):])
    assert "12:26:51" in footer and "T11:26" not in footer and "+00:00" not in footer, footer


def test_the_cycle_year_keeps_its_english_words_and_ids_in_the_json() -> None:
    _, _, report = kos_council_report("kos")
    criterion = report["rotation"]["evaluation"]["criteria"][0]
    assert criterion["key"] == "hours" and criterion["words"] == "hours.fr"
    assert criterion["label"] == "Average hours per worked week"
    # The catalogue's English is analyse.rotation's own wording, so the two cannot drift apart.
    for item in report["rotation"]["evaluation"]["criteria"]:
        for part in ("label", "unit", "target", "source"):
            if item[part]:
                assert criterion_text(item["words"], part, "en", "") == "" or \
                    catalogue("en").translations.gettext(f"criterion:{item['words']}:{part}") == item[part]


@pytest.mark.parametrize(("name", "lang"), [("kos", "fr"), ("kos", "de"), ("kos-de", "de")])
def test_the_rotation_page_is_in_the_readers_language(name: str, lang: Lang) -> None:
    scenario = service.example(name)
    judged = judge_year(scenario)
    page = render_rotation_page(scenario, [PageOption("5", scenario.rotation, judged, None, {"crews": "5",
                                                                                            "offered": "yes"})],
                                "title", lang)
    shown = visible(page)
    # Crew and shift names are the plant's own data (KOS names its crews and shifts in French).
    for own in [*(c.name or "" for c in scenario.rotation.crews), *(s.name for s in scenario.shifts)]:  # type: ignore[union-attr]
        shown = shown.replace(own, " ")
    assert not ENGLISH.search(shown), ENGLISH.findall(shown)
    assert f'lang="{lang}"' in page
    # Each crew's year: a row per month (Babel's month names), a cell per day.
    assert page.count("<tr><th>") >= 13 * len(scenario.rotation.crews)  # type: ignore[union-attr]
    assert {"fr": "déc. 2026", "de": "Dez. 2026"}[lang] in page and "Dec 2026" not in page


@pytest.mark.parametrize(("lang", "said"), [("fr", "effectif au-dessus du niveau souhaité +1\u202f200"),
                                            ("de", "Vertragsstunden -3"), ("en", "requests not honoured +5")])
def test_the_cost_of_granting_names_its_terms_in_the_readers_language(lang: Lang, said: str) -> None:
    from roulement.report.messages import message

    text = message("grant-cost", lang, delta=1202, terms={"coverage_over": 1200, "contract.hours": -3,
                                                          "requests": 5}, changes=2, people=1, shifts="2")
    assert said in text, text
    assert "coverage_over" not in text and "contract.hours" not in text


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_a_reports_dates_and_time_are_written_the_readers_way_in_the_sites_zone(lang: Lang) -> None:
    from tests.test_findings_language import unlawful

    plant, rows = unlawful()
    report = service.audit(plant, rows).report
    report["generated"] = "2026-07-01T22:30:00+00:00"  # summer: Paris is UTC+2, so the 2nd at 00:30
    shown = visible(render_html(plant, rows, report, lang=lang))
    assert not re.search(r"\d{4}-\d\d-\d\d", shown), re.findall(r"\d{4}-\d\d-\d\d.{0,20}", shown)[:5]
    assert {"fr": "2 juil. 2026, 00:30:00", "de": "02.07.2026, 00:30:00"}[lang] in shown
    assert {"fr": "heure d’été d’Europe centrale", "de": "Mitteleuropäische Sommerzeit"}[lang] in shown


def test_every_figure_of_a_design_has_a_name_in_every_language() -> None:
    import roulement.service.rotation as design
    from roulement.report.rotation_page import FIGURE_KEYS

    source = Path(design.__file__).read_text(encoding="utf-8")
    body = source[source.index("def design_figures"):source.index("def rotation_yaml")]
    keys = set(re.findall(r'figures\["([^"]+)"\]', body)) | set(re.findall(r'^\s+"([a-z ]+)": ', body, re.M))
    assert len(keys) >= 10 and keys <= set(FIGURE_KEYS), keys - set(FIGURE_KEYS)
    for lang in ("en", "fr", "de"):
        assert all(has_message(f"frame:{entry}", lang) for entry in FIGURE_KEYS.values())


@pytest.mark.parametrize(("lang", "cost", "bound"), [("en", "12,345", "12,002"), ("fr", "12\u202f345", "12\u202f002"),
                                                     ("de", "12.345", "12.002")])
def test_the_summary_cards_and_a_partial_bound_are_written_the_readers_way(lang: Lang, cost: str,
                                                                          bound: str) -> None:
    from tests.test_findings_language import unlawful

    plant, rows = unlawful()
    report = service.audit(plant, rows).report
    report["objective"]["total"] = 12345
    report["objective"]["terms"]["fair-share-nights"] = 145
    report["solver"] = {"status": "FEASIBLE", "wall_time": 1.0, "bound": 12001.4, "bound_covered_cost": 12200,
                        "bound_kind": "terms that decompose by person (excludes fair-share-nights)",
                        "bound_excludes": ["fair-share-nights"]}
    page = render_html(plant, rows, report, lang=lang)
    start = page.index("<div class='cards'>")
    cards = visible(page[start:page.index("<p class=", start)])
    assert cost in cards and bound in cards and "12345" not in cards, cards
    said = visible(page[page.index("<p class='sub'>"):])
    # Which terms the bound covers is said in the reader's words, the rule it leaves out by its name.
    assert frame_text("bound_kind_partial", lang, rules=term_name("fair-share-nights", lang)) in said
    assert lang == "en" or "decompose" not in said
    # The gap on the terms it covers: (12,200 - 12,002) / 12,200, the bound 12,001.4 rounded up (whole costs).
    assert {"en": "1.6%", "fr": "1,6\u00a0%", "de": "1,6\u00a0%"}[lang] in said and bound in said, said
    # Rules left out that cost nothing in this roster (hard limits, say) are counted, not listed: a bound that
    # leaves out seventeen rules stays one readable sentence.
    report["solver"]["bound_excludes"] = ["fair-share-nights", "fr.daily-rest", "fr.weekly-rest"]
    page = render_html(plant, rows, report, lang=lang)
    said = visible(page[page.index("<p class='sub'>"):page.index("</p>", page.index("<p class='sub'>"))])
    assert frame_text("bound_kind_partial_both", lang, n=2, rules=term_name("fair-share-nights", lang)) in said
    assert term_name("fr.daily-rest", lang) not in said
    report["objective"]["terms"]["fair-share-nights"] = 0
    page = render_html(plant, rows, report, lang=lang)
    said = visible(page[page.index("<p class='sub'>"):page.index("</p>", page.index("<p class='sub'>"))])
    assert frame_text("bound_kind_partial_free", lang, n=3) in said and term_name("fair-share-nights", lang) not in said
    report["solver"]["bound_excludes"] = []
    whole = visible(render_html(plant, rows, report, lang=lang))
    assert frame_text("bound_kind_whole", lang) in whole


def test_the_terminal_bound_line_names_the_costly_rules_left_out_and_counts_the_others() -> None:
    from roulement.report.bound import describe

    solver = {"bound": 99.2, "bound_covered_cost": 120, "bound_kind": "terms that decompose by person",
              "bound_excludes": ["people.fair-share", "fr.daily-rest", "fr.weekly-rest"]}
    line = describe(solver, 500, {"people.fair-share": 7, "fr.daily-rest": 0})
    # The bound 99.2 proves 100 (whole costs); the gap (120 - 100) / 120 is on the covered terms.
    assert line == ("cost 120 on the terms that decompose by person (leaving out people.fair-share; and 2 other "
                    "rules at no cost in this roster), at most 16.7 % above the best possible (lower bound 100)")
    alone = describe({**solver, "bound_excludes": ["fr.daily-rest"]}, 500, {})
    assert alone is not None and "(leaving out 1 rule at no cost in this roster)" in alone
    # Without the objective's terms, every rule left out is named.
    unknown = describe(solver, 500)
    assert unknown is not None and "(leaving out people.fair-share, fr.daily-rest, fr.weekly-rest)" in unknown
