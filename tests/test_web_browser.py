"""The whole story in a real browser (Playwright driving Debian's Chromium, headless) on the KOS plant:
the planner opens the roster, turns a cell into an 11 h-rest violation and sees it flagged, publishes;
the works council approves; an employee sees only her own data.

The KOS roster is the one `roulement plan` produced (tests/data/kos-roster.csv.gz, see tests/data/README.md):
planning KOS takes longer than a test may on a shared machine. It is parsed against today's KOS scenario and
must pass the checker with no violation, so a stale file fails here rather than misleading.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time

from roulement import service
from roulement.check import check_roster
from roulement.formats.roster_csv import parse_roster
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.web.views import cycle_view
from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
KOS_ROSTER = Path(__file__).parent / "data" / "kos-roster.csv.gz"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rest_breaking_cell(scenario: Scenario, roster: Roster) -> tuple[str, dt.date]:
    """Someone who works an afternoon (to 21:00) and is free and present the next day: a morning (05:00)
    there leaves 8 h of rest."""
    cells = roster.by_employee_date()
    for a in roster.sorted():
        following = a.date + dt.timedelta(days=1)
        if (a.shift == "A" and following <= scenario.horizon.end and (a.employee, following) not in cells
                and not scenario.employee(a.employee).absent_on(following)
                and scenario.post(a.post) in scenario.eligible_posts(scenario.employee(a.employee))):
            return a.employee, following
    raise AssertionError("the KOS roster has no afternoon followed by a free day")


def pick_date(page: Any, selector: str, day: dt.date) -> None:
    """Type a date into a page's date picker as a French reader does (dd/mm/yyyy); the form keeps it as ISO."""
    shown = page.locator(f"{selector} + input")
    shown.fill(day.strftime("%d/%m/%Y"))
    shown.press("Enter")
    assert page.locator(selector).input_value() == day.isoformat()


def require_browser(chromium: str = CHROMIUM) -> None:
    """Skip (with the reason) unless Debian's Chromium and the playwright package are both here."""
    if not Path(chromium).exists():
        pytest.skip(f"{chromium} is absent (Debian packages chromium and chromium-driver; ./scripts/setup "
                    "installs them when run as root)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def test_without_chromium_the_browser_test_skips_and_says_why() -> None:
    with pytest.raises(pytest.skip.Exception, match="chromium-driver"):
        require_browser("/nonexistent/chromium")


@pytest.fixture
def served_kos(tmp_path: Path) -> Iterator[dict[str, Any]]:
    require_browser()
    import uvicorn

    from roulement.store import accounts, repository
    from roulement.web.app import create_app

    kos = service.example("kos")
    roster = parse_roster(gzip.decompress(KOS_ROSTER.read_bytes()).decode(), kos, str(KOS_ROSTER))
    assert check_roster(kos, roster).violations == [], "tests/data/kos-roster.csv.gz is stale: regenerate it"
    employee, date = _rest_breaking_cell(kos, roster)
    me, colleague = kos.employees[0].id, kos.employees[1].id

    app = create_app(f"sqlite:///{tmp_path / 'web.db'}", solver_workers=1)
    with app.state.backend.transaction() as session:
        for name, role, linked in [("paula", "planner", None), ("carla", "council", None),
                                   ("emma", "employee", me), ("erik", "employee", colleague),
                                   ("adam", "admin", None)]:
            accounts.add_user(session, name, role, PASSWORD, linked)
        scenario_id = repository.add_scenario(session, None, kos, "KOS").id
        roster_id = repository.add_roster(session, None, scenario_id, roster, "KOS December").id
        erik = accounts.authenticate(session, "erik", PASSWORD)
        assert erik is not None
        repository.add_request(session, erik, "day_off", kos.horizon.start, None, "erik's private note")
        repository.declare(session, erik, "child_under_12_day_post")
        # His declaration reaches the checker: each night he works in the roster is now a breach.
        opening = check_roster(repository.scenario_with_web_input(session, kos), roster).violations
    nights = [a for a in roster if a.employee == colleague and a.shift == "N"]
    assert nights and {(v.rule, v.employee) for v in opening} == {("people.day-post-priority", colleague)}
    assert len(opening) == len(nights)

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield {"base": f"http://127.0.0.1:{port}", "roster_id": roster_id, "scenario_id": scenario_id,
           "employee": employee, "date": date,
           "cycle": cycle_view(kos, roster),
           "kos": kos, "roster": roster, "me": me, "opening_violations": len(opening)}
    server.should_exit = True
    thread.join(10)
    app.state.backend.engine.dispose()


def test_planner_council_and_employee_in_a_real_browser(served_kos: dict[str, Any], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = served_kos["base"]
    profile = tmp_path / "chromium-profile"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, locale="en-US")
        try:
            page = browser.new_page()
            # Generous waits: the machine may be shared; a KOS cell edit runs the checker twice (~1 s idle).
            page.set_default_timeout(30_000)
            expect.set_options(timeout=30_000)

            def sign_in(username: str, lands_on: str) -> None:
                _sign_in(page, base, username, lands_on)

            # A demand file is previewed and can be cancelled: nothing saved.
            sign_in("paula", "/planner")
            kos_url = f"{base}/api/scenarios/{served_kos['scenario_id']}"
            version = page.request.get(kos_url).json()["version"]
            demand_file = tmp_path / "demand.csv"
            demand_file.write_text("post,shifts,days,min,preferred\n" + "".join(
                f"{post.id},M A N,all,1,2\n" for post in served_kos["kos"].posts))
            page.select_option("#table-kind", "demand")
            page.set_input_files("#table-file", str(demand_file))
            page.locator("#table-form button[type=submit]").click()
            expect(page.locator("#import-preview")).to_be_visible()
            expect(page.locator("#preview-summary")).to_contain_text("Added: ")
            expect(page.locator("#preview-table tr", has_text="M A N")).not_to_have_count(0)
            expect(page.locator("#preview-keep")).to_be_hidden()
            page.click("#preview-cancel")
            expect(page.locator("#import-preview")).to_be_hidden()
            assert page.request.get(kos_url).json()["version"] == version

            # The planner opens the KOS roster from the list.
            page.click(f"#rosters a[href='/roster/{served_kos['roster_id']}']")
            expect(page.locator("#roster-version")).to_have_text("1")
            expect(page.locator("#violation-count")).to_have_text(str(served_kos["opening_violations"]))
            expect(page.locator("#grid tr.heat").first).to_be_visible()
            # The rotation: each person's crew beside the name, the deviations from the cycle marked, the
            # month in one line.
            cycle = served_kos["cycle"]
            first = served_kos["kos"].employees[0]
            expect(page.locator(f"#grid td[data-employee='{first.id}']").first.locator("xpath=..").locator(
                ".crew-badge")).to_have_text(first.crew)
            deviating = sum(len(days) for days in cycle["deviations"].values())
            # Crew members' deviations are marked (a relief-pool shift is one by definition: only counted).
            marked = [(person, day, d) for person, days in cycle["deviations"].items() for day, d in days.items()
                      if d["kind"] != "pool"]
            assert marked
            expect(page.locator("#grid td.deviation")).to_have_count(len(marked))
            expect(page.locator("#cycle-line")).to_contain_text(f"{100 * cycle['cycle_share']:.1f} %")
            expect(page.locator("#cycle-line")).to_contain_text(f"{deviating:,} deviation")
            someone, day, deviation = marked[0]
            planned = deviation["planned"] or "off"
            expect(page.locator(f"#grid td[data-employee='{someone}'][data-date='{day}']")).to_have_attribute(
                "title", re.compile(f"deviation from the cycle: .*\\(cycle: {planned}\\)"))

            # Scrolled down and across, the dates (and the heat strip) stay at the top and the names at the left.
            wrap, kos = page.locator("#grid-wrap"), served_kos["kos"]
            a_date = page.locator("#grid thead tr.dates th").nth(20)
            a_name = page.locator("#grid tbody tr").nth(5).locator("td.name")
            date_box, name_box = a_date.bounding_box(), a_name.bounding_box()
            wrap.evaluate("w => { w.scrollTop = 2000; w.scrollLeft = 400; }")
            assert wrap.evaluate("w => w.scrollTop") > 1000 and wrap.evaluate("w => w.scrollLeft") > 100
            assert abs(a_date.bounding_box()["y"] - date_box["y"]) < 1  # type: ignore[index]
            assert a_date.bounding_box()["x"] < date_box["x"] - 100  # type: ignore[index]  # it scrolled across
            assert abs(a_name.bounding_box()["x"] - name_box["x"]) < 1  # type: ignore[index]
            assert a_name.bounding_box()["y"] < name_box["y"] - 1000  # type: ignore[index]  # and up
            wrap.evaluate("w => { w.scrollTop = 0; w.scrollLeft = 0; }")
            # Filters by name, team, crew, post and skill narrow the people shown; each can be combined.
            rows = page.locator("#grid tbody tr")
            teams = sorted({e.team for e in kos.employees if e.team})  # KOS has crews, not teams
            expect(page.locator("#filter-team option")).to_have_count(1 + len(teams))
            page.select_option("#filter-crew", first.crew)
            in_crew = [e for e in kos.employees if e.crew == first.crew]
            expect(rows).to_have_count(len(in_crew))
            skills = {s for e in in_crew for s in e.skills}
            skill = min(skills, key=lambda s: sum(s in e.skills for e in in_crew))  # held by the fewest
            page.select_option("#filter-skill", skill)  # combined with the crew
            expect(rows).to_have_count(sum(skill in e.skills for e in in_crew))
            page.select_option("#filter-crew", "")
            expect(rows).to_have_count(sum(skill in e.skills for e in kos.employees))
            page.select_option("#filter-skill", "")
            holders = {p.id: sum(p in kos.eligible_posts(e) for e in kos.employees) for p in kos.posts}
            narrow = min(holders, key=holders.__getitem__)
            assert 0 < holders[narrow] < len(kos.employees)
            page.select_option("#filter-post", narrow)
            expect(rows).to_have_count(holders[narrow])
            page.select_option("#filter-post", "")
            page.fill("#filter-name", first.name or first.id)
            expect(rows.first.locator("td.name")).to_contain_text(first.name or first.id)
            page.fill("#filter-name", "")
            expect(rows).to_have_count(len(kos.employees))

            # A morning after an afternoon: flagged by the checker, on the cell and in the list beside it.
            employee, date = served_kos["employee"], served_kos["date"].isoformat()
            name = served_kos["kos"].employee(employee).name
            cell = page.locator(f"#grid td[data-employee='{employee}'][data-date='{date}']")
            grid_top = page.locator("#grid-wrap").bounding_box()
            cell.click()
            page.select_option("#editor-shift", "M")
            page.click("#editor-apply")
            expect(page.locator("#caused li[data-rule='fr.daily-rest']").first).to_be_visible()
            expect(page.locator("#caused")).to_contain_text(name)
            expect(page.locator("#caused")).to_contain_text("rest between two shifts")
            expect(page.locator("#roster-version")).to_have_text("2")
            expect(cell).to_have_class(re.compile(r"\bflagged\b"))
            expect(cell.locator(".shift")).to_have_text("M")
            assert page.locator("#grid-wrap").bounding_box() == grid_top  # the grid did not move
            expect(page.locator("#history")).to_contain_text("changed a cell")

            # Publishing asks first, listing the violation and the change against nothing published yet.
            page.click("#publish")
            expect(page.locator("#confirm-violations li").first).to_contain_text(name)
            page.click("#confirm-publish")
            expect(page.locator("#notice")).to_contain_text("Published: #1")
            page.click("#logout")
            page.wait_for_url(f"{base}/login")

            # The works council approves it with a comment.
            sign_in("carla", "/council")
            row = page.locator("#publications tr", has_text="proposed")
            row.locator("input").fill("Consulted on 2 Dec; approved")
            row.get_by_role("button", name="Report").click()
            expect(page.locator("#report-fairness")).to_contain_text("Nights")
            row.get_by_role("button", name="Approve").click()
            expect(page.locator("#publications")).to_contain_text("approved")
            expect(page.locator("#publications")).to_contain_text("carla: Approve Consulted on 2 Dec; approved")
            page.click("#logout")
            page.wait_for_url(f"{base}/login")

            # The employee sees her own shifts, her team's names and shifts, and nobody else's requests.
            sign_in("emma", "/employee")
            me = served_kos["me"]
            own = [a for a in served_kos["roster"] if a.employee == me]
            expect(page.locator("#schedule tr")).to_have_count(len(own) + 1)
            expect(page.locator("#schedule-status")).to_contain_text("approved")
            expect(page.locator("#requests tr")).to_have_count(1)  # the header only
            expect(page.locator("#declarations tr")).to_have_count(1)
            assert "erik's private note" not in page.content()
            # The API refuses the planner's roster to her, whatever she types.
            response = page.request.get(f"{base}/api/rosters/{served_kos['roster_id']}")
            assert response.status == 403
        finally:
            browser.close()
    shutil.rmtree(profile, ignore_errors=True)


# --- Walks on a small plant, from an empty database ------------------------------------------------------

FRENCH_NAMES = ["Zoé Martin", "Hugo Bernard", "Léa Petit", "Jules Robert", "Chloé Durand", "Louis Moreau"]


def _walk_plant() -> Scenario:
    """Six operators, one week, a 3x8 line: plans in a couple of seconds."""
    from tests.factory import scenario

    return scenario(days=7, employees=[
        {"id": f"e{i}", "name": FRENCH_NAMES[i], "skills": ["op"], "team": "A" if i < 3 else "B",
         "contract": {"weekly_hours": 28, "tolerance_hours": 6}} for i in range(6)],
        demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}])


@pytest.fixture
def served_empty(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The app on an empty database with one account per role (made from the command line's functions)."""
    require_browser()
    import uvicorn

    from roulement.store import accounts
    from roulement.web.app import create_app

    app = create_app(f"sqlite:///{tmp_path / 'walk.db'}", solver_workers=1)
    with app.state.backend.transaction() as session:
        for name, role, linked in [("paula", "planner", None), ("carla", "council", None),
                                   ("emma", "employee", "e0"), ("adam", "admin", None)]:
            accounts.add_user(session, name, role, PASSWORD, linked)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield {"base": f"http://127.0.0.1:{port}", "app": app, "tmp": tmp_path}
    server.should_exit = True
    thread.join(10)
    app.state.backend.engine.dispose()


# Words of the English catalogue that French or German pages must never show (those spelt alike, such as
# "Version" or "Date", are left out), and the marks of raw JSON.
def _english_only(lang: str = "fr") -> list[str]:
    from roulement.web.i18n import CATALOGUE, PLURALS

    own = " ".join(CATALOGUE[lang].values())
    words = {text for key, text in CATALOGUE["en"].items()
             if text != CATALOGUE[lang][key] and len(text) >= 4 and text not in own and not key.startswith("purpose.")}
    # Plural entries: the English noun phrase around the count ("deviations", "open requests").
    for forms in PLURALS["en"].values():
        for form in forms.values():
            phrase = form.replace("{n}", "").strip()
            if len(phrase) >= 4 and phrase not in " ".join(" ".join(f.values()) for f in PLURALS[lang].values()):
                words.add(phrase)
    return sorted(words)


def _sign_in(page: Any, base: str, username: str, lands_on: str, lang: str | None = None,
             judge: bool = True) -> None:
    """Sign in from the login page (in `lang`, whose words are judged there when `judge`)."""
    page.goto(f"{base}/login" if lang is None else f"{base}/login?lang={lang}")
    if lang is not None and judge:
        _assert_language(page, "sign-in", lang)
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-button")
    page.wait_for_url(f"{base}{lands_on}")


def _sign_out(page: Any, base: str) -> None:
    from playwright.sync_api import expect

    page.click("#logout")
    # A read still in flight when the session ends answers 401 and sends the page to /login a second time, which
    # aborts the first navigation (ERR_ABORTED in wait_for_url, once in a full run): wait for where it ends up.
    expect(page).to_have_url(f"{base}/login")


def _assert_language(page: Any, where: str, lang: str) -> None:
    # What the page shows and what it says on hover or to a screen reader: tooltips, placeholders, labels, options
    # (the error's tooltip is the API's name for the refused field, by design).
    text = page.evaluate("""() => [document.title, document.body.innerText,
        ...[...document.querySelectorAll('[title]:not(#error),[placeholder],[aria-label]')].flatMap(
            (e) => [e.title, e.placeholder, e.getAttribute('aria-label')]),
        ...[...document.querySelectorAll('option')].map((o) => o.textContent)].filter(Boolean).join('\\n')""")
    text = text.replace("Code du travail", "")  # the French law's name
    # Rule ids (`people.day-post-priority`, a violation's tooltip) are codes, as shift and post codes are.
    text = re.sub(r"(?<![\w.-])[a-z]+(?:\.[a-z0-9-]+)+(?![\w-])", "", text)
    found = [word for word in _english_only(lang) if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
    assert not found, (where, lang, found)
    assert not re.search(r'[{\[]\s*"|":\s', text), (where, "raw JSON on the page")


def _assert_french(page: Any, where: str) -> None:
    _assert_language(page, where, "fr")


def _assert_refused(page: Any, field: str, lang: str, *shown: str) -> None:
    """A refused save on the set-up page: the error names the field in the reader's words (`shown`, e.g. the table,
    row and column), the API's name for it (`requests[0].shift`) as its tooltip, and speaks the page's language."""
    from playwright.sync_api import expect

    error = page.locator("#error")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("title", re.compile(rf"(^|, ){re.escape(field)}(,|$)"))
    for text in shown:
        expect(error).to_contain_text(text)
    assert field not in error.inner_text(), error.inner_text()
    _assert_language(page, f"refused {field}", lang)


# Words each language's pages show, to know the page is the one asked for (and loaded).
SPOKEN = {"fr": {"report": "Rapport", "nights": "Nuits", "approve": "Approuver", "proposed": "proposée",
                 "approved": "approuvée"},
          "de": {"report": "Bericht", "nights": "Nächte", "approve": "Zustimmen", "proposed": "vorgeschlagen",
                 "approved": "genehmigt"}}


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_the_kos_pages_speak_french_and_german(served_kos: dict[str, Any], lang: str, tmp_path: Path) -> None:
    """Every page of the big plant in French and in German: no English label, no raw JSON. Screenshots of the
    grid, the set-up page and the council's report are left in the test's folder, to be looked at."""
    from playwright.sync_api import expect, sync_playwright

    from roulement.web.i18n import CATALOGUE

    base, words = served_kos["base"], SPOKEN[lang]
    assert words["approved"] == CATALOGUE[lang]["status.approved"]
    assert words["proposed"] == CATALOGUE[lang]["status.proposed"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            # The browser's own zone is New York: the pages must show instants in the plant's zone all the same.
            context = browser.new_context(locale={"fr": "fr-FR", "de": "de-DE"}[lang], timezone_id="America/New_York",
                                          viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.set_default_timeout(60_000)
            expect.set_options(timeout=60_000)

            def sign_in(username: str, lands_on: str) -> None:
                _sign_in(page, base, username, lands_on, lang)

            def sign_out() -> None:
                _sign_out(page, base)

            sign_in("paula", "/planner")
            expect(page.locator(f"#rosters a[href='/roster/{served_kos['roster_id']}']")).to_be_visible()
            _assert_language(page, "planner", lang)
            # Instants in the site's zone and the language's format: 10:00 UTC on 1 July is 12:00 in Paris.
            instant = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)
            local = instant.astimezone(ZoneInfo(served_kos["kos"].site.timezone))
            assert local.hour == 12
            expected = f"{format_date(local, 'short', locale=lang)} {format_time(local, 'short', locale=lang)}"
            assert page.evaluate("formatInstant('2026-07-01T10:00:00+00:00')") == expected
            page.goto(f"{base}/setup/{served_kos['scenario_id']}")
            expect(page.locator("#table-posts input[data-key='id']").first).not_to_have_value("")
            _assert_language(page, "plant set-up", lang)
            page.screenshot(path=str(tmp_path / f"setup-{lang}.png"))
            # The fields added last: childcare windows, a rule's parameters, the posts the crews staff.
            # Days in the page's language ("tous", "alle"), stored as the scenario's word ("all").
            expect(page.locator("#table-households tr[data-row='0'] [data-key='childcare.windows']")).to_have_value(
                f"{CATALOGUE[lang]['day_word.all']} 00:00-00:00")
            expect(page.locator("#table-rotation [data-key='posts']")).to_be_visible()
            rules = page.locator("#table-rules tr[data-row]")
            night = next(rules.nth(i) for i in range(rules.count())
                         if rules.nth(i).locator("[data-key='id']").input_value() == "fr.night-daily-max")
            params = night.locator("[data-key='params']")
            expect(params).to_have_value("max_hours=9")
            # Demand's days in the page's words; a word that is no day is refused, the field named in those words.
            days = page.locator("#table-demand tr[data-row='0'] [data-key='days']")
            expect(days).to_have_value(CATALOGUE[lang]["day_word.all"])
            days.fill("lundy")
            page.click(".save-section[data-section='demand']")

            def bare(key: str) -> str:  # a label without its parenthesis, as the page names a field
                return re.sub(r"\s*\(.*\)\s*$", "", CATALOGUE[lang][key])

            _assert_refused(page, "demand[0].days", lang, f"{bare('section.demand')}, "
                            f"{CATALOGUE[lang]['setup.row'].format(n=1)}, {CATALOGUE[lang]['col.days']}", "lundy",
                            CATALOGUE[lang]["day_word.weekdays"])
            page.locator("#error").scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / f"setup-refused-{lang}.png"))
            params.fill("max_hourz=9")
            page.click(".save-section[data-section='rules']")
            _assert_refused(page, "rules.settings.fr.night-daily-max.params", lang,
                            f"{bare('section.rules')}, fr.night-daily-max, {bare('col.params')}", "max_hourz")
            params.fill("max_hours=9")
            page.click(".save-section[data-section='rules']")
            # Saving re-validates the whole plant and reloads its 289 people: slow on a loaded machine.
            # Either answer, whichever shows first (both are in the page, hidden until the save has answered).
            expect(page.locator("#setup-saved:visible, #error:visible")).to_have_count(1, timeout=120_000)
            assert page.locator("#error").is_hidden(), page.locator("#error").inner_text()
            expect(page.locator("#setup-saved")).to_be_visible(timeout=120_000)
            page.goto(f"{base}/roster/{served_kos['roster_id']}")
            expect(page.locator("#roster-version")).to_have_text("1")
            expect(page.locator("#grid tr.heat").first).to_be_visible()
            _assert_language(page, "roster grid", lang)
            page.screenshot(path=str(tmp_path / f"grid-{lang}.png"))
            page.click("#publish")
            expect(page.locator("#confirm-violations li").first).to_be_visible()
            _assert_language(page, "publish confirmation", lang)
            page.click("#confirm-publish")
            expect(page.locator("#notice")).to_contain_text("#1")
            sign_out()

            sign_in("carla", "/council")
            row = page.locator("#publications tr", has_text=words["proposed"])
            row.get_by_role("button", name=words["report"]).click()
            expect(page.locator("#report-fairness")).to_contain_text(words["nights"])
            _assert_language(page, "council report", lang)
            page.screenshot(path=str(tmp_path / f"council-{lang}.png"), full_page=True)
            row.get_by_role("button", name=words["approve"]).click()
            expect(page.locator("#publications")).to_contain_text(words["approved"])
            _assert_language(page, "council, after approving", lang)
            sign_out()

            sign_in("emma", "/employee")
            expect(page.locator("#schedule-status")).to_contain_text(words["approved"])
            _assert_language(page, "employee", lang)
            sign_out()
            sign_in("adam", "/admin")
            expect(page.locator("#audit tr").nth(1)).to_be_visible()
            _assert_language(page, "admin", lang)
            context.close()
        finally:
            browser.close()


def test_walks_set_up_and_plan_day_off_and_approval_in_french(served_empty: dict[str, Any]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = served_empty["base"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="fr-FR")
            page = context.new_page()
            page.set_default_timeout(60_000)
            expect.set_options(timeout=60_000)

            def sign_in(username: str, lands_on: str) -> None:
                _sign_in(page, base, username, lands_on, "fr", judge=False)

            def sign_out() -> None:
                _sign_out(page, base)

            # 1. From an empty database, the planner sets up a small plant in the browser and plans it.
            sign_in("paula", "/planner")
            _assert_french(page, "planner, empty")
            page.fill("#blank-name", "Usine d'essai")
            page.select_option("#blank-law", "FR")
            # Date pickers speak the page's language: typed and shown as 05/01/2026, a French calendar.
            start = _walk_plant().horizon.start
            pick_date(page, "#blank-start", start)
            page.locator("#blank-start + input").click()
            expect(page.locator(".flatpickr-calendar.open")).to_contain_text("lun")
            expect(page.locator(".flatpickr-calendar.open .flatpickr-monthDropdown-months")).to_contain_text(
                "janvier")
            page.keyboard.press("Escape")
            page.click("#blank-form button[type=submit]")
            page.wait_for_url(re.compile(r".*/setup/\d+$"))
            expect(page.locator("#table-posts input[data-key='id']")).to_have_value("post-1")

            def field(section: str, row: int, key: str) -> Any:
                return page.locator(f"#table-{section} tr[data-row='{row}'] [data-key='{key}']")

            def save(section: str) -> None:
                page.click(f".save-section[data-section='{section}']")
                expect(page.locator("#setup-saved")).to_be_visible()
                expect(page.locator("#error")).to_be_hidden()

            page.click(".add-row[data-section='skills']")
            field("skills", 0, "id").fill("op")
            save("skills")
            field("posts", 0, "skills").fill("ligne")  # an unknown skill: refused, the field named
            page.click(".save-section[data-section='posts']")
            _assert_refused(page, "posts[0].skills[0]", "fr",
                            "Emplois, ligne 1, Compétences : compétence inconnue « ligne »")
            field("posts", 0, "skills").fill("op")
            save("posts")
            page.click(".add-row[data-section='demand']")
            field("demand", 0, "post").fill("post-1")
            field("demand", 0, "shifts").fill("M A N")
            save("demand")
            for index, name in enumerate(FRENCH_NAMES):
                page.click(".add-row[data-section='employees']")
                field("employees", index, "id").fill(f"e{index}")
                field("employees", index, "name").fill(name)
                field("employees", index, "skills").fill("op")
                field("employees", index, "contract.weekly_hours").fill("28")
                field("employees", index, "contract.tolerance_hours").fill("6")
            # The rest of a contract: days in a row, weekends, shifts by type; a wrong one is named.
            field("employees", 0, "contract.max_consecutive_days").fill("0")
            page.click(".save-section[data-section='employees']")
            _assert_refused(page, "employees[0].contract.max_consecutive_days", "fr",
                            "Salariés et contrats, ligne 1, Jours d'affilée max. : doit être au moins 1")
            field("employees", 0, "contract.max_consecutive_days").fill("6")
            field("employees", 0, "contract.min_consecutive_days_off").fill("1")
            field("employees", 0, "contract.max_weekends").fill("1")
            field("employees", 0, "contract.max_shifts").fill("N=7")
            save("employees")
            setup_id = page.url.rsplit("/", 1)[-1]
            contract = page.request.get(f"{base}/api/scenarios/{setup_id}").json()["data"]["employees"][0]["contract"]
            assert (contract["max_consecutive_days"], contract["min_consecutive_days_off"], contract["max_weekends"],
                    contract["max_shifts"]) == (6, 1, 1, {"N": 7})
            field("horizon", 0, "days").fill("7")
            save("horizon")
            # An absence, in the one table of everyone's absences: a person by name, dates in French.
            page.click(".add-row[data-section='absences']")
            field("absences", 0, "employee").fill(FRENCH_NAMES[5])  # a name alone picks the person
            pick_date(page, "#table-absences tr[data-row='0'] [data-key='start']", start + dt.timedelta(days=6))
            pick_date(page, "#table-absences tr[data-row='0'] [data-key='end']", start + dt.timedelta(days=5))
            field("absences", 0, "kind").select_option("training")
            page.click(".save-section[data-section='absences']")
            _assert_refused(page, "absences[0].end", "fr", "Absences, ligne 1, Fin : l'absence finit")
            pick_date(page, "#table-absences tr[data-row='0'] [data-key='end']", start + dt.timedelta(days=6))
            save("absences")
            expect(page.locator("#table-absences tr[data-row='0'] [data-key='start'] + input")).to_have_value(
                (start + dt.timedelta(days=6)).strftime("%d/%m/%Y"))
            # A contract's hard bounds over the week, typed in hours (stored in minutes), and its hours-target
            # switch: a minimum above the maximum is refused, the field named.
            field("employees", 1, "contract.min_minutes").fill("30")
            field("employees", 1, "contract.max_minutes").fill("22.5")
            page.click(".save-section[data-section='employees']")
            _assert_refused(page, "employees[1].contract.min_minutes", "fr",
                            "Salariés et contrats, ligne 2, Heures min. : le minimum d'heures dépasse le maximum")
            field("employees", 1, "contract.min_minutes").fill("15")
            field("employees", 2, "contract.hours_target").uncheck()
            save("employees")
            people = page.request.get(f"{base}/api/scenarios/{setup_id}").json()["data"]["employees"]
            assert (people[1]["contract"]["min_minutes"], people[1]["contract"]["max_minutes"]) == (900, 1350)
            assert people[2]["contract"]["hours_target"] is False and people[0]["contract"]["min_minutes"] is None
            expect(field("employees", 1, "contract.max_minutes")).to_have_value("22.5")
            # Requests (the wishes the solver weighs): a person by name, the kind in French, a date, the shift.
            page.click(".add-row[data-section='requests']")
            field("requests", 0, "employee").fill(f"e3 · {FRENCH_NAMES[3]}")  # as the page's list offers it
            field("requests", 0, "kind").select_option(label="pas ce poste")
            pick_date(page, "#table-requests tr[data-row='0'] [data-key='date']", start + dt.timedelta(days=2))
            page.click(".save-section[data-section='requests']")
            _assert_refused(page, "requests[0].shift", "fr",  # "not this shift" names no shift
                            "Souhaits, ligne 1, Poste : un souhait « pas ce poste » doit nommer un poste")
            page.screenshot(path=str(served_empty["tmp"] / "walk-refused-fr.png"))
            field("requests", 0, "shift").select_option("N")
            field("requests", 0, "weight").fill("5")
            page.click(".add-row[data-section='requests']")
            field("requests", 1, "employee").fill(FRENCH_NAMES[4])
            pick_date(page, "#table-requests tr[data-row='1'] [data-key='date']", start + dt.timedelta(days=3))
            save("requests")
            people = page.request.get(f"{base}/api/scenarios/{setup_id}").json()["data"]["employees"]
            assert people[3]["requests"] == [{"kind": "shift_off", "date": (start + dt.timedelta(days=2)).isoformat(),
                                              "shift": "N", "weight": 5}]
            assert people[4]["requests"] == [{"kind": "day_off", "date": (start + dt.timedelta(days=3)).isoformat(),
                                              "shift": None, "weight": 1}]
            # A household with childcare, and its outside caregiver (saved with the households); a caregiver's time
            # that does not read is refused, the field named.
            page.click(".add-row[data-section='households']")
            field("households", 0, "id").fill("foyer-1")
            field("households", 0, "members").fill("e2 e3")
            field("households", 0, "declaration.declared_by").fill("e2")
            field("households", 0, "childcare.windows").fill("semaine 07:30-08:30; sam,dim 09:00-10:00")
            field("households", 0, "childcare.mode").select_option("soft")
            page.click(".add-row[data-section='households_caregivers']")
            expect(field("households_caregivers", 0, "household")).to_have_value("foyer-1")
            field("households_caregivers", 0, "label").fill("crèche")
            field("households_caregivers", 0, "available").fill("semaine 7h-18:00")
            page.click(".save-section[data-section='households']")
            _assert_refused(page, "households[0].childcare.caregivers[0].available[0].start", "fr",
                            "Foyers, ligne 1, Garde d'enfant : autres gardiens, ligne 1, Disponible : l'heure « 7h »")
            field("households_caregivers", 0, "available").fill("semaine 07:00-18:00")
            save("households")
            data = page.request.get(f"{base}/api/scenarios/{setup_id}").json()["data"]
            childcare = data["households"][0]["childcare"]
            assert childcare["caregivers"] == [{"label": "crèche", "available": [
                {"days": "weekdays", "start": "07:00:00", "end": "18:00:00"}]}] and childcare["mode"] == "soft"
            assert childcare["windows"][1]["days"] == ["sat", "sun"]  # typed in French, stored as the format's words
            expect(field("households_caregivers", 0, "available")).to_have_value("semaine 07:00-18:00")
            expect(field("households", 0, "childcare.windows")).to_have_value(
                "semaine 07:30-08:30; sam,dim 09:00-10:00")
            _assert_french(page, "plant set-up")
            page.screenshot(path=str(served_empty["tmp"] / "walk-setup-fr.png"), full_page=True)
            page.goto(f"{base}/planner")
            expect(page.locator("#scenarios")).to_contain_text("Usine d'essai")
            page.fill("#time-limit", "5")
            page.locator("#scenarios").get_by_role("button", name="Planifier").click()
            page.click("#job-roster")
            expect(page.locator("#violation-count")).to_have_text("0")
            expect(page.locator("#grid td.cell")).to_have_count(6 * 7)
            _assert_french(page, "roster")
            roster_url = page.url

            # 2. Version 1 goes before the council, which approves it.
            page.click("#publish")
            expect(page.locator("#confirm-no-violations")).to_be_visible()
            _assert_french(page, "publish confirmation")
            page.click("#confirm-publish")
            expect(page.locator("#notice")).to_contain_text("#1")
            sign_out()
            sign_in("carla", "/council")
            row = page.locator("#publications tr", has_text="proposée")
            row.get_by_role("button", name="Rapport").click()
            expect(page.locator("#report-fairness")).to_contain_text("Nuits")
            _assert_french(page, "council report")
            row.get_by_role("button", name="Approuver").click()
            expect(page.locator("#publications")).to_contain_text("approuvée")
            sign_out()

            # 3. Version 2 (Zoé off on the first day) is proposed: Zoé still sees the approved version 1.
            sign_in("paula", "/planner")
            page.goto(roster_url)
            first_day = _walk_plant().horizon.start.isoformat()
            cell = page.locator(f"#grid td[data-employee='e0'][data-date='{first_day}']")
            worked_first_day = cell.locator(".shift").inner_text() != ""
            cell.click()
            if worked_first_day:
                page.click("#editor-clear")
            else:
                page.select_option("#editor-shift", "M")
                page.click("#editor-apply")
            expect(page.locator("#roster-version")).to_have_text("2")
            # Copy a cell and paste it on another (then undo it): each is an edit of its own.
            source = page.locator("#grid td.cell", has=page.locator(".shift", has_text=re.compile(".+"))).first
            target = page.locator(f"#grid td[data-employee='e5'][data-date='{first_day}']")
            source.hover()
            page.keyboard.press("Control+c")
            expect(page.locator("#notice")).to_contain_text("Copié")
            target.hover()
            page.keyboard.press("Control+v")
            expect(page.locator("#roster-version")).to_have_text("3")
            expect(target.locator(".shift")).to_have_text(source.locator(".shift").inner_text())
            page.click("#undo")
            expect(page.locator("#roster-version")).to_have_text("4")
            page.click("#publish")
            page.click("#confirm-publish")
            expect(page.locator("#notice")).to_contain_text("#2")
            sign_out()
            sign_in("emma", "/employee")
            expect(page.locator("#schedule-status")).to_contain_text("#1")
            expect(page.locator("#schedule-status")).to_contain_text("approuvée")
            _assert_french(page, "employee")

            # 4. Zoé asks for a day off on a day she works; the planner accepts it; the roster answers.
            # A day she works in both versions (version 2 changed the first day only).
            shown = page.locator("#schedule tr td:first-child").all_inner_texts()
            day = next(d for d in _walk_plant().horizon.dates()[1:]
                       if any(text.endswith(d.strftime("%d/%m/%Y")) for text in shown))
            page.select_option("#request-kind", "day_off")
            pick_date(page, "#request-date", day)
            page.fill("#request-note", "rendez-vous")
            page.click("#request-form button[type=submit]")
            expect(page.locator("#requests")).to_contain_text("ouverte")
            sign_out()
            sign_in("paula", "/planner")
            inbox = page.locator("#requests tr", has_text="Zoé Martin")
            expect(inbox).to_contain_text("jour de repos")
            inbox.get_by_role("button", name="Accepter").click()
            # A local re-plan runs; the planner sees its outcome, and the roster has the day freed.
            expect(page.locator("#notice-planner")).to_contain_text("tenue (Version 5)")
            _assert_french(page, "planner, after the re-plan")
            expect(page.locator("#requests")).not_to_contain_text("Zoé Martin")  # the inbox shows open ones
            page.goto(roster_url)
            expect(page.locator("#roster-version")).to_have_text("5")
            answered = page.locator(f"#grid td[data-employee='e0'][data-date='{day.isoformat()}']")
            expect(answered.locator(".shift")).to_have_text("")
            expect(answered).not_to_have_class(re.compile(r"\bunhonoured\b"))
            _assert_french(page, "roster after the re-plan")
            page.screenshot(path=str(served_empty["tmp"] / "walk-roster-fr.png"))
            sign_out()

            # The admin's page: accounts and the audit trail, in French too.
            sign_in("adam", "/admin")
            expect(page.locator("#audit")).to_contain_text("s'est connecté")
            _assert_french(page, "admin")
            context.close()
        finally:
            browser.close()
