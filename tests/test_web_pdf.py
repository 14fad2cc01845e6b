"""Printable rosters per team for the notice board: a PDF page per team, in the site's language."""

from __future__ import annotations

import base64
import re
import zlib

from roulement.web.roster_pdf import roster_pdf, site_language, teams_of
from tests.conftest import Site, small_plant, small_roster


def pdf_pages(body: bytes) -> list[str]:
    """The text each page draws: reportlab's content streams (ASCII85, then deflated), their (strings) in
    WinAnsi."""
    assert body.startswith(b"%PDF-")
    pages = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\n?endstream", body, re.S):
        try:
            content = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue
        if b" Tj" not in content and b"TJ" not in content:
            continue
        strings = re.findall(rb"\(((?:\\.|[^\\)])*)\)", content)
        pages.append(" ".join(_unescape(s) for s in strings))
    return pages


def _unescape(raw: bytes) -> str:
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i] == 0x5C:  # backslash: an octal code or an escaped character
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8))
                i += 1 + len(octal.group())
                continue
            out.append(raw[i + 1])
            i += 2
            continue
        out.append(raw[i])
        i += 1
    return out.decode("cp1252")


def test_each_team_gets_its_own_page_with_its_people_and_their_shifts_in_the_sites_language() -> None:
    plant, roster = small_plant(), small_roster()
    assert site_language(plant) == "fr"
    pages = pdf_pages(roster_pdf(plant, roster, "fr", "Semaine 2", 3))
    assert len(pages) == 2
    first, second = pages
    assert "Planning — Équipe A" in first and "Planning — Équipe B" in second
    assert "Person 0" in first and "Person 3" not in first
    assert "Person 3" in second and "Person 0" not in second
    assert "lun." in first and "dim." in first  # Babel's French day names
    assert "version 3" in first and "Semaine 2" in first
    # Person 4 works nights on Monday, Wednesday, Friday and Sunday (the hand-made week): four N on B's page.
    assert second.split("Person 4", 1)[1].split("Person 5", 1)[0].split().count("N") == 4


def test_german_and_one_team_only() -> None:
    pages = pdf_pages(roster_pdf(small_plant(), small_roster(), "de", "Woche 2", 1, team="B"))
    assert len(pages) == 1
    assert "Dienstplan — Team B" in pages[0] and "Mo." in pages[0] and "Person 0" not in pages[0]


def test_the_planner_downloads_the_pdf_per_team_and_an_unknown_team_is_named(site: Site) -> None:
    paula = site.client("paula")
    whole = paula.get(f"/api/rosters/{site.roster_id}/roster.pdf")
    assert whole.status_code == 200 and whole.headers["content-type"] == "application/pdf"
    assert len(pdf_pages(whole.content)) == 2
    assert "Planning" in pdf_pages(whole.content)[0]  # a French site prints in French
    one = paula.get(f"/api/rosters/{site.roster_id}/roster.pdf?team=A&lang=en")
    assert one.status_code == 200 and 'filename="roster-1-A.pdf"' in one.headers["content-disposition"]
    assert "Roster — Team A" in pdf_pages(one.content)[0]
    missing = paula.get(f"/api/rosters/{site.roster_id}/roster.pdf?team=Z")
    assert missing.status_code == 404 and missing.json()["field"] == "team"
    assert site.client("emma").get(f"/api/rosters/{site.roster_id}/roster.pdf").status_code == 403


def test_a_plant_without_teams_that_runs_a_rotation_prints_a_page_per_crew() -> None:
    from tests.test_web_grid import _rotating_plant, _the_cycle

    plant = _rotating_plant()
    assert teams_of(plant) == ["A", "B", "pool"]
    pages = pdf_pages(roster_pdf(plant, _the_cycle(plant), "en", "Week 2", 1))
    assert [page.split(" Test plant")[0] for page in pages] == ["Roster — Alpha", "Roster — B", "Roster — Relief"]
    assert "a0" in pages[0] and "b0" not in pages[0]
