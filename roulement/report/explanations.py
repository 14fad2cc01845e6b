"""Facts and conflicts found by `analyse.explain`, in words, in fr/de/en."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roulement.analyse.explain import Conflict, Fact
from roulement.report.messages import LANGS, REQUEST_KINDS, Lang, message, rule_statement


def fact_text(fact: Fact, lang: Lang = "en") -> str:
    params = dict(fact.params)
    if fact.rules:
        params["rules"] = "; ".join(rule_statement(rule, lang) for rule in fact.rules)
    if fact.request is not None:
        kind, shift = fact.request
        params["kind"] = REQUEST_KINDS[kind][lang] + (f" {shift}" if shift else "")
    return message(fact.key, lang, **params)


def facts_text(facts: list[Fact], lang: Lang = "en") -> list[str]:
    return [fact_text(fact, lang) for fact in facts]


@dataclass(frozen=True)
class Explanation:
    """A conflict as the reader sees it: its facts, then the statements of the rules in the way, one sentence."""

    conflict: Conflict

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.conflict.rules)

    @property
    def posts(self) -> tuple[str, ...]:
        return self.conflict.posts

    def text(self, lang: Lang = "en") -> str:
        parts = [fact_text(fact, lang) for fact in self.conflict.facts]
        parts += [rule_statement(rule, lang) for rule in self.conflict.rules]
        sentence = "; ".join(parts)
        return sentence[:1].upper() + sentence[1:] + "."

    def as_dict(self) -> dict[str, Any]:
        return {"rules": list(self.rules), "posts": list(self.posts),
                "text": {lang: self.text(lang) for lang in LANGS}}
