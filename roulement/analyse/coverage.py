"""Who holds each demanded post on each shift, against its levels."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from roulement.model.demand import demand_slots
from roulement.model.roster import Timeline


@dataclass(frozen=True)
class CoverageRow:
    date: str
    shift: str
    post: str
    required: int
    preferred: int
    assigned: int

    @property
    def short(self) -> int:
        return max(self.required - self.assigned, 0)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def coverage_rows(timeline: Timeline) -> list[CoverageRow]:
    dates = timeline.calendar.dates
    return [
        CoverageRow(dates[slot.day].isoformat(), slot.shift, slot.post, slot.min, slot.preferred,
                    len(timeline.by_slot.get((slot.day, slot.shift, slot.post), [])))
        for slot in demand_slots(timeline.scenario)
    ]
