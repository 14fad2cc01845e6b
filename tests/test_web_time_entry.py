"""Times of day on the set-up page are typed as 24-hour HH:MM in every language, whatever the browser's own
language (a native time field shows AM/PM in a German page on an English browser); the server names the field
of a time it cannot read (issue 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import roulement.web
from tests.conftest import Site

SHIFTS = [{"id": "M", "name": "Matin", "start": "05:00", "end": "13:00"},
          {"id": "A", "name": "Après-midi", "start": "13:00", "end": "21:00"},
          {"id": "N", "name": "Nuit", "start": "21:00", "end": "05:00"}]


def _save_shifts(site: Site, shifts: list[dict[str, Any]]) -> Any:
    paula = site.client("paula")
    url = f"/api/scenarios/{site.scenario_id}"
    return paula.put(f"{url}/shifts", json={"version": paula.get(url).json()["version"], "items": shifts})


@pytest.mark.parametrize("typed", ["25:00", "5h", "17:60", "5 PM"])
def test_a_time_the_server_cannot_read_is_refused_naming_the_field(site: Site, typed: str) -> None:
    shifts = [dict(SHIFTS[0], start=typed), *SHIFTS[1:]]
    answer = _save_shifts(site, shifts)
    assert answer.status_code == 422, answer.text
    assert "shifts[0].start" in answer.json()["detail"]


def test_a_24_hour_time_is_saved(site: Site) -> None:
    shifts = [dict(SHIFTS[0], start="05:30", end="13:30"), *SHIFTS[1:]]
    assert _save_shifts(site, shifts).status_code == 200
    saved = site.client("paula").get(f"/api/scenarios/{site.scenario_id}").json()["data"]["shifts"]
    assert str(saved[0]["start"]).startswith("05:30") and str(saved[0]["end"]).startswith("13:30")


def test_the_set_up_page_types_times_as_text_with_a_24_hour_pattern() -> None:
    script = (Path(roulement.web.__file__).parent / "static" / "app.js").read_text(encoding="utf-8")
    # No native time field (its AM/PM follows the browser, not the page); a text field with the HH:MM pattern.
    assert '|| column.type === "time" ? "text" : column.type' in script
    assert 'pattern: "([01][0-9]|2[0-3]):[0-5][0-9]"' in script
