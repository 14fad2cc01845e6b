"""Which rules are in force for a scenario: the packs it names, with its per-rule settings applied."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from roulement.model.scenario import Jurisdiction, RuleMode, Scenario
from roulement.rules.base import ParameterError, Rule
from roulement.rules.contract import (
    BalancedShifts,
    ConsecutiveDays,
    ContractHours,
    MaxShiftsPerType,
    MaxWeekends,
)
from roulement.rules.core import (
    Absences,
    Coverage,
    NightEligibility,
    OneShiftPerDay,
    Qualification,
    Requests,
    SafetyMinimums,
)
from roulement.rules.de import german_rules
from roulement.rules.follow_cycle import FollowCycle, PoolShares
from roulement.rules.fr import french_rules
from roulement.rules.people import people_rules
from roulement.rules.plant import (
    ForbiddenSuccessions,
    ForwardRotation,
    MaxConsecutiveNights,
    NoEarlyAfterLate,
    RestAfterNightBlock,
    site_rest,
)


class RuleSettingError(ValueError):
    """A rule setting in the scenario names an unknown rule or parameter; `location` points at it."""

    def __init__(self, location: tuple[str | int, ...], message: str, code: str = "rule_setting",
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.location = location
        self.code = code
        self.params = params or {}


PACKS: dict[str, Callable[[], list[Rule]]] = {
    "core": lambda: [OneShiftPerDay(), Qualification(), Absences(), NightEligibility(), Coverage(),
                     SafetyMinimums(), Requests()],
    "FR": french_rules,
    "DE": german_rules,
    "plant": lambda: [MaxConsecutiveNights(), ForwardRotation(), ForbiddenSuccessions(), RestAfterNightBlock(),
                      NoEarlyAfterLate(), site_rest()],
    "contract": lambda: [ContractHours(), MaxShiftsPerType(), ConsecutiveDays(), MaxWeekends(), BalancedShifts()],
    "people": people_rules,
}


def default_packs(scenario: Scenario) -> list[str]:
    law = "FR" if scenario.site.jurisdiction is Jurisdiction.FR else "DE"
    return ["core", law, "plant", "contract", "people"]


def all_rules() -> list[Rule]:
    """Every rule roulement knows, for documentation."""
    return [*(rule for factory in PACKS.values() for rule in factory()), FollowCycle(), PoolShares()]


def build_rules(scenario: Scenario, ignore: frozenset[str] = frozenset()) -> list[Rule]:
    """The rules in force, configured; rules set to `off` are left out, and so are the `ignore`d packs
    (settings for their rules are then skipped, so a scenario plans the same with a pack ignored)."""
    packs = [pack for pack in scenario.rules.packs or default_packs(scenario) if pack not in ignore]
    ignored_ids = {rule.id for pack in ignore if pack in PACKS for rule in PACKS[pack]()}
    rules = [rule for pack in packs for rule in PACKS[pack]()]
    if scenario.rotation is not None:
        # Plan by exception: with a published cycle, every deviation from it is priced.
        rules += [FollowCycle(), PoolShares()]
    by_id = {rule.id: rule for rule in rules}
    for rule_id, setting in scenario.rules.settings.items():
        location: tuple[str | int, ...] = ("rules", "settings", rule_id)
        rule = by_id.get(rule_id)
        if rule is None and rule_id in ignored_ids:
            continue
        if rule is None:
            known = ", ".join(sorted(by_id))
            raise RuleSettingError(location, f"no rule {rule_id!r} in the packs in force ({known})", "unknown_rule",
                                   {"value": rule_id, "known": known})
        if setting.mode is not None and setting.mode not in rule.modes:
            allowed = ", ".join(sorted(mode.value for mode in rule.modes))
            raise RuleSettingError((*location, "mode"), f"rule {rule_id} can only be {allowed}", "rule_mode",
                                   {"rule": rule_id, "modes": sorted(mode.value for mode in rule.modes)})
        try:
            rule.configure(setting.mode, setting.weight, setting.params)
        except ParameterError as error:
            raise RuleSettingError((*location, "params"), str(error), error.code, error.params) from error
        except ValueError as error:
            raise RuleSettingError((*location, "params"), str(error)) from error
    return [rule for rule in rules if rule.mode is not RuleMode.OFF]
