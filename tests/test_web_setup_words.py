"""The set-up page's words (issue 15): a refused save's reasons in the reader's language with the field named, every
reason the scenario model can give worded in French and German, demand's days typed in the reader's words."""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from roulement.examples.kos import kos
from roulement.formats.scenario_yaml import validation_problems
from roulement.model.problems import Problem
from roulement.model.references import KINDS
from roulement.model.scenario import Scenario
from roulement.web.i18n import words
from roulement.web.problems import worded
from tests.conftest import Site

ROOT = Path(__file__).resolve().parent.parent / "roulement"


def saver(site: Site, lang: str) -> Any:
    client = site.client("paula")
    client.cookies.set("roulement_lang", lang)
    url = f"/api/scenarios/{site.scenario_id}"

    def save(section: str, items: Any, version: int | None = None) -> Any:
        current = client.get(url).json()["version"] if version is None else version
        return client.put(f"{url}/{section}", json={"version": current, "items": items})

    return save


@pytest.mark.parametrize(("lang", "sentence"), [
    ("fr", "un souhait « pas ce poste » doit nommer un poste"),
    ("de", "ein Wunsch „nicht diese Schicht“ braucht eine Schicht"),
    ("en", "a “not this shift” request needs a shift"),
])
def test_a_refused_save_answers_in_the_readers_language_with_the_field_named(site: Site, lang: str,
                                                                               sentence: str) -> None:
    save = saver(site, lang)
    refused = save("requests", [{"employee": "e1", "kind": "shift_off", "date": "2026-01-07"}])
    assert refused.status_code == 422
    body = refused.json()
    assert body["field"] == "requests[0].shift"
    assert body["detail"] == f"requests[0].shift: {sentence}"
    assert body["problems"] == [{"field": "requests[0].shift", "type": "request_needs_shift", "message": sentence}]


def test_pydantics_own_refusals_and_the_stores_are_worded_too(site: Site) -> None:
    fr, de = saver(site, "fr"), saver(site, "de")
    weight = fr("requests", [{"employee": "e1", "kind": "day_off", "date": "2026-01-07", "weight": -1}]).json()
    assert weight["detail"] == "requests[0].weight: doit être au moins 0"
    minimum = de("demand", [{"post": "line", "shifts": ["M"], "min": "viele"}]).json()
    assert minimum["detail"] == "demand[0].min: muss eine ganze Zahl sein" and minimum["field"] == "demand[0].min"
    outside = fr("requests", [{"employee": "e1", "kind": "day_off", "date": "2027-06-01"}]).json()
    assert outside["detail"] == "requests[0].date: le 01/06/2027 est hors de la période planifiée"
    nobody = de("absences", [{"employee": "zz", "start": "2026-01-07", "end": "2026-01-07"}]).json()
    assert nobody["detail"] == "absences[0].employee: keine Beschäftigten „zz“ in diesem Betrieb"
    skill = fr("posts", [{"id": "line", "skills": ["soudure"]}]).json()
    assert skill["detail"].startswith("posts[0].skills[0]: compétence inconnue « soudure » (connues : ")
    stale = fr("skills", [{"id": "op"}], version=0)
    assert stale.status_code == 409
    assert stale.json()["detail"] == ("version: le site en est à la version 1, votre modification portait sur la "
                                      "version 0 ; rechargez et recommencez")
    # The body itself (FastAPI's validation of the request) is worded the same way.
    client = site.client("paula")
    client.cookies.set("roulement_lang", "de")
    no_version = client.put(f"/api/scenarios/{site.scenario_id}/skills", json={"items": []}).json()
    assert no_version["detail"] == "version: fehlt (Pflichtangabe)" and no_version["field"] == "version"


def test_demand_days_are_typed_in_the_readers_words_and_stored_as_the_formats_codes(site: Site) -> None:
    url = f"/api/scenarios/{site.scenario_id}"
    client = site.client("paula")

    def stored_days() -> list[Any]:
        return [d.get("days", "all") for d in client.get(url).json()["data"]["demand"]]

    row = {"post": "line", "shifts": ["M", "A", "N"], "min": 1}
    fr, de = saver(site, "fr"), saver(site, "de")
    saved = fr("demand", [dict(row, days="semaine"), dict(row, days="sam, Dim.")])
    assert saved.status_code == 200, saved.text
    assert stored_days() == ["weekdays", ["sat", "sun"]]
    assert de("demand", [dict(row, days="werktags"), dict(row, days=["Sa", "sonntag"])]).status_code == 200
    assert stored_days() == ["weekdays", ["sat", "sun"]]
    assert de("demand", [dict(row, days="alle")]).status_code == 200 and stored_days() == ["all"]
    # The format's own words are read on every page.
    assert fr("demand", [dict(row, days="mon tue wed thu fri"), dict(row, days="weekends")]).status_code == 200
    assert stored_days() == [["mon", "tue", "wed", "thu", "fri"], "weekends"]
    version = client.get(url).json()["version"]
    refused = fr("demand", [row, dict(row, days="lun lundy")])
    assert refused.status_code == 422 and refused.json()["field"] == "demand[1].days"
    assert refused.json()["detail"] == ("demand[1].days: « lundy » n'est pas un jour (au choix : tous, semaine, "
                                        "week-end, lun, mar, mer, jeu, ven, sam, dim)")
    german = de("demand", [dict(row, days="Montag, Feiertag")]).json()
    assert german["detail"].startswith("demand[0].days: „Feiertag“ ist kein Tag (zur Wahl: alle, werktags")
    # A reader's word in another reader's language is not guessed at.
    assert fr("demand", [dict(row, days="werktags")]).status_code == 422
    assert client.get(url).json()["version"] == version


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node[:1]) if isinstance(node, list) else []
    for key, child in children:
        yield from _paths(child, (*path, key))


BAD_VALUES: list[Any] = ["x", "", -1, 10**13, 1.5, True, None, [], {}, "2026-02-30", "25:00", "a b", "z" * 70,
                         [1], ["p"] * 9, {"zz": 1}]


def refusals_of_every_field() -> list[Problem]:
    """Every field of a KOS plant (each place in the scenario, households, rotation and rules included) given each
    of a battery of wrong values, and every field left out: what the model answers."""
    data = kos().model_dump(mode="json")  # every field, defaults included
    data["employees"] = data["employees"][:3]
    found: dict[str, Problem] = {}
    for path in list(_paths(data))[1:]:
        for bad in [*BAD_VALUES, KeyError]:
            changed = copy.deepcopy(data)
            parent = changed
            for key in path[:-1]:
                parent = parent[key]
            if bad is KeyError:
                del parent[path[-1]]
            else:
                parent[path[-1]] = bad
            try:
                Scenario.model_validate(changed)
            except ValidationError as error:
                for problem in validation_problems(error):
                    found.setdefault(problem.code, problem)
    return list(found.values())


def test_every_refusal_the_model_gives_is_worded_in_french_and_german() -> None:
    problems = refusals_of_every_field()
    codes = {p.code for p in problems}
    # The battery reaches pydantic's types and the model's own codes alike.
    assert {"missing", "extra_forbidden", "int_parsing", "greater_than_equal", "string_pattern_mismatch",
            "time_format", "request_takes_no_shift", "cycle_row_length"} <= codes
    for problem in problems:
        for lang in ("fr", "de"):
            assert f"problem.{problem.code}" in words(lang).words, (lang, problem.code)
            text = worded(lang, problem.code, problem.params, problem.message)
            assert text != problem.message and "{" not in text, (lang, problem)


def _codes_in_source() -> set[str]:
    """The codes our own code gives: `refused(CODE, …)`, `Problem(loc, CODE, …)` / `FieldError(loc, CODE, …)`,
    `ParameterError(CODE, …)`, `RuleSettingError(loc, msg, CODE, …)`, `TableProblem(line, CODE, …)` and
    `code=CODE` (the store's refusals)."""
    codes: set[str] = set()
    files = [*(ROOT / "model").glob("*.py"), ROOT / "rules" / "base.py", ROOT / "rules" / "packs.py",
             ROOT / "store" / "repository.py", ROOT / "store" / "accounts.py", ROOT / "formats" / "group_yaml.py",
             ROOT / "web" / "problems.py", ROOT / "web" / "routers" / "admin.py", ROOT / "formats" / "tables.py"]
    position = {"refused": 0, "ParameterError": 0, "Problem": 1, "FieldError": 1, "RuleSettingError": 2,
                "Refusal": 1, "TableProblem": 1}
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            arguments = [*node.args[position[name]:position[name] + 1]] if name in position else []
            arguments += [k.value for k in node.keywords if k.arg == "code"]
            for argument in arguments:
                choices = [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]
                codes |= {c.value for c in choices if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return codes | {f"unknown_{kind}" for kind in KINDS}


def test_every_code_of_our_own_has_french_and_german_words() -> None:
    codes = _codes_in_source()
    assert {"request_needs_shift", "unknown_skill", "absences_overlap", "unknown_rule_parameter", "stale_scenario",
            "unknown_day", "section_is_list"} <= codes
    missing = sorted(f"{lang}: {code}" for code in codes for lang in ("en", "fr", "de")
                     if f"problem.{code}" not in words(lang).words)
    assert not missing


def test_a_demand_file_takes_the_readers_day_words_too(site: Site) -> None:
    client = site.client("paula")
    client.cookies.set("roulement_lang", "de")
    url = f"/api/scenarios/{site.scenario_id}/demand/import"
    table = "post,shifts,days,min\nline,M A,werktags,1\nline,N,sa so,2\n"
    preview = client.post(url, json={"version": 1, "format": "csv", "content": table, "preview": True}).json()
    assert [d["days"] for d in preview["added"]] == ["weekdays", ["sat", "sun"]]
    wrong = client.post(url, json={"version": 1, "format": "csv", "content": table.replace("sa so", "sa feiertag"),
                                   "preview": True})
    assert wrong.status_code == 422 and wrong.json()["field"] == "demand[1].days"
    assert wrong.json()["detail"].startswith("demand[1].days: „feiertag“ ist kein Tag (zur Wahl: alle, werktags")
    assert wrong.json()["detail"].endswith("(Zeile 3 der Datei)")


def test_an_unknown_id_is_worded_too(site: Site) -> None:
    client = site.client("paula")
    client.cookies.set("roulement_lang", "de")
    missing = client.get("/api/rosters/999999")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "kein Schichtplan Nr. 999999" and missing.json()["field"] == "roster_id"
    english = site.client("paula").get("/api/scenarios/999999").json()
    assert english["detail"] == "no scenario 999999" and english["field"] == "scenario_id"


def test_a_scenario_upload_is_worded_with_its_line(site: Site) -> None:
    client = site.client("paula")
    client.cookies.set("roulement_lang", "fr")
    refused = client.post("/api/scenarios", json={"yaml": "site: {name: x, jurisdiction: XX}\n"}).json()
    assert refused["field"] == "yaml"
    assert "site.jurisdiction: doit être l'une de ces valeurs : FR, DE (ligne 1 du fichier)" in refused["detail"]
    assert "horizon: est obligatoire" in refused["detail"]


def test_a_code_the_catalogue_does_not_know_keeps_its_english_sentence() -> None:
    assert worded("fr", "no_such_code_anywhere", {}, "the English sentence") == "the English sentence"
    # An entry whose parameter the problem did not bring is not shown half-filled.
    assert worded("de", "unknown_skill", {"value": "x"}, "unknown skill 'x'") == "unknown skill 'x'"
    worded_de = worded("de", "unknown_skill", {"value": "x", "known": "op"}, "")
    assert worded_de == "unbekannte Qualifikation „x“ (bekannt: op)"


@pytest.mark.parametrize(("lang", "stale", "no_reason", "oneself", "outside"), [
    ("fr", "le planning en est à la version 1, votre modification portait sur la version 7",
     "un refus doit être motivé", "on ne peut pas échanger avec soi-même", "est hors de la période du"),
    ("de", "der Schichtplan ist bei Version 1, Ihre Änderung bezog sich auf Version 7",
     "eine Ablehnung braucht eine Begründung", "man kann nicht mit sich selbst tauschen",
     "liegt außerhalb des Zeitraums"),
])
def test_the_grid_the_council_and_the_employee_are_refused_in_their_language(
        site: Site, lang: str, stale: str, no_reason: str, oneself: str, outside: str) -> None:
    paula, carla, emma = site.client("paula"), site.client("carla"), site.client("emma")
    for client in (paula, carla, emma):
        client.cookies.set("roulement_lang", lang)
    cell = {"employee": "e2", "date": "2026-01-06", "shift": "M", "post": "line"}
    late = paula.put(f"/api/rosters/{site.roster_id}/cell", json={"version": 7, **cell})
    assert late.status_code == 409 and late.json()["field"] == "version" and stale in late.json()["detail"]
    far = paula.put(f"/api/rosters/{site.roster_id}/cell", json={"version": 1, **cell, "date": "2027-06-01"})
    assert far.status_code == 422 and far.json()["field"] == "date" and outside in far.json()["detail"]
    published = paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 1}).json()
    refused = carla.post(f"/api/publications/{published['id']}/decision", json={"decision": "reject"})
    assert refused.status_code == 422 and refused.json()["field"] == "comment"
    assert refused.json()["detail"] == f"comment: {no_reason}"
    me = emma.get("/api/me").json()["employee_id"]
    swap = emma.post("/api/me/requests", json={"kind": "swap", "date": "2026-01-07", "swap_with": me})
    assert swap.status_code == 422 and swap.json()["detail"] == f"swap_with: {oneself}"


@pytest.mark.parametrize(("lang", "label"), [("fr", "Télécharger\u00a0:"), ("de", "Herunterladen:"),
                                             ("en", "Download:")])
def test_the_roster_page_sets_its_colons_the_readers_way(site: Site, lang: str, label: str) -> None:
    client = site.client("paula")
    client.cookies.set("roulement_lang", lang)
    page = client.get(f"/roster/{site.roster_id}").text
    assert label in page and "{{" not in page
    assert ("\u00a0:" in page) == (lang == "fr")
