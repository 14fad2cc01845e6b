"""Messages in French, German and English, keyed by rule id or explanation kind, filled from parameters.

Every rule statement ends with its legal reference, so a works council or a Betriebsrat can look it up.
`message(key, lang, **params)` formats one; `rule_statement(rule, lang)` states a rule with its own numbers.
"""

from __future__ import annotations

from typing import Any, Literal

from roulement.rules.base import Rule

Lang = Literal["en", "fr", "de"]
LANGS: tuple[Lang, ...] = ("en", "fr", "de")

# Rule statements: what the rule allows, with its parameters. `{reference}` is the rule's legal reference.
RULES: dict[str, dict[Lang, str]] = {
    "core.one-shift-per-day": {
        "en": "a person works at most one shift a day",
        "fr": "une personne travaille au plus un poste par jour",
        "de": "eine Person arbeitet höchstens eine Schicht pro Tag",
    },
    "core.qualification": {
        "en": "each post is held by someone with every skill it needs ({reference})",
        "fr": "chaque poste est tenu par une personne qui a toutes les compétences requises ({reference})",
        "de": "jeder Arbeitsplatz wird von jemandem mit allen nötigen Qualifikationen besetzt ({reference})",
    },
    "core.absence": {
        "en": "nobody works during a declared absence",
        "fr": "personne ne travaille pendant une absence déclarée",
        "de": "niemand arbeitet während einer gemeldeten Abwesenheit",
    },
    "core.night-eligibility": {
        "en": "only people fit for night work work nights ({reference})",
        "fr": "seules les personnes aptes au travail de nuit travaillent la nuit ({reference})",
        "de": "nur nachtarbeitstaugliche Personen arbeiten nachts ({reference})",
    },
    "core.coverage": {
        "en": "every post gets at least its minimum staffing ({reference})",
        "fr": "chaque poste reçoit au moins son effectif minimum ({reference})",
        "de": "jeder Arbeitsplatz erhält mindestens seine Mindestbesetzung ({reference})",
    },
    "core.safety-minimum": {
        "en": "safety-critical skills are on site at all times ({reference})",
        "fr": "les compétences de sécurité sont présentes sur site en permanence ({reference})",
        "de": "sicherheitskritische Qualifikationen sind jederzeit vor Ort ({reference})",
    },
    "core.requests": {
        "en": "employees' requests are honoured where possible",
        "fr": "les demandes des salariés sont satisfaites si possible",
        "de": "Wünsche der Beschäftigten werden nach Möglichkeit erfüllt",
    },
    "daily-rest": {
        "en": "at least {min_hours:g} h of rest between two shifts ({reference})",
        "fr": "au moins {min_hours:g} h de repos entre deux postes ({reference})",
        "de": "mindestens {min_hours:g} Std. Ruhezeit zwischen zwei Schichten ({reference})",
    },
    "daily-max": {
        "en": "at most {max_hours:g} h of work a day ({reference})",
        "fr": "au plus {max_hours:g} h de travail par jour ({reference})",
        "de": "höchstens {max_hours:g} Std. Arbeit pro Tag ({reference})",
    },
    "night-daily-max": {
        "en": "night workers work at most {max_hours:g} h a day ({reference})",
        "fr": "les travailleurs de nuit travaillent au plus {max_hours:g} h par jour ({reference})",
        "de": "Nachtarbeitnehmer arbeiten höchstens {max_hours:g} Std. pro Tag ({reference})",
    },
    "weekly-max": {
        "en": "at most {max_hours:g} h of work in any week ({reference})",
        "fr": "au plus {max_hours:g} h de travail sur une même semaine ({reference})",
        "de": "höchstens {max_hours:g} Std. Arbeit in einer Woche ({reference})",
    },
    "weekly-average": {
        "en": "at most {max_hours:g} h a week on average over {window_weeks} weeks ({reference})",
        "fr": "au plus {max_hours:g} h par semaine en moyenne sur {window_weeks} semaines ({reference})",
        "de": "höchstens {max_hours:g} Std. pro Woche im Durchschnitt über {window_weeks} Wochen ({reference})",
    },
    "night-weekly-average": {
        "en": "night workers may work at most {max_hours:g} h a week on average over {window_weeks} weeks "
              "({reference})",
        "fr": "les travailleurs de nuit ne peuvent dépasser {max_hours:g} h par semaine en moyenne sur "
              "{window_weeks} semaines ({reference})",
        "de": "Nachtarbeitnehmer dürfen im Durchschnitt über {window_weeks} Wochen höchstens {max_hours:g} Std. "
              "pro Woche arbeiten ({reference})",
    },
    "max-days-per-week": {
        "en": "at most {max_days} working days a week ({reference})",
        "fr": "au plus {max_days} jours de travail par semaine ({reference})",
        "de": "höchstens {max_days} Arbeitstage pro Woche ({reference})",
    },
    "weekly-rest": {
        "en": "a weekly rest of at least {min_hours:g} h in a row ({reference})",
        "fr": "un repos hebdomadaire d'au moins {min_hours:g} h consécutives ({reference})",
        "de": "eine wöchentliche Ruhezeit von mindestens {min_hours:g} Std. am Stück ({reference})",
    },
    "break": {
        "en": "a break on every long shift ({reference})",
        "fr": "une pause sur chaque poste long ({reference})",
        "de": "eine Pause in jeder langen Schicht ({reference})",
    },
    "free-sundays": {
        "en": "at least {per_year} free Sundays a year, pro rata ({reference})",
        "fr": "au moins {per_year} dimanches libres par an, au prorata ({reference})",
        "de": "mindestens {per_year} beschäftigungsfreie Sonntage im Jahr, anteilig ({reference})",
    },
    "substitute-rest-days": {
        "en": "each Sunday worked earns a work-free weekday within {window_days} days that include it, each "
              "weekday public holiday worked one within {holiday_window_days} days ({reference})",
        "fr": "chaque dimanche travaillé donne droit à un jour ouvrable non travaillé dans une période de "
              "{window_days} jours qui l'inclut, chaque jour férié travaillé en semaine dans une période de "
              "{holiday_window_days} jours ({reference})",
        "de": "jeder Sonntag mit Beschäftigung gibt einen Ersatzruhetag an einem Werktag innerhalb eines ihn "
              "einschließenden Zeitraums von {window_days} Tagen, jeder Feiertag an einem Werktag innerhalb von "
              "{holiday_window_days} Tagen ({reference})",
    },
    "plant.max-consecutive-nights": {
        "en": "at most {max_nights} night shifts in a row ({reference})",
        "fr": "au plus {max_nights} nuits d'affilée ({reference})",
        "de": "höchstens {max_nights} Nachtschichten hintereinander ({reference})",
    },
    "plant.forward-rotation": {
        "en": "shifts rotate forwards: early, late, night ({reference})",
        "fr": "les postes tournent vers l'avant : matin, après-midi, nuit ({reference})",
        "de": "Schichten rotieren vorwärts: Früh, Spät, Nacht ({reference})",
    },
    "plant.forbidden-successions": {
        "en": "some shifts may not follow others on the next day ({reference})",
        "fr": "certains postes ne peuvent suivre certains autres le lendemain ({reference})",
        "de": "bestimmte Schichten dürfen am Folgetag nicht auf andere folgen ({reference})",
    },
    "contract.hours": {
        "en": "worked hours stay within each contract's bounds ({reference})",
        "fr": "les heures travaillées restent dans les bornes du contrat ({reference})",
        "de": "die Arbeitsstunden bleiben im Rahmen des Arbeitsvertrags ({reference})",
    },
    "contract.max-shifts": {
        "en": "no more shifts of a type than the contract allows ({reference})",
        "fr": "pas plus de postes d'un type que le contrat ne le permet ({reference})",
        "de": "nicht mehr Schichten einer Art als der Vertrag erlaubt ({reference})",
    },
    "contract.consecutive-days": {
        "en": "runs of working days and days off within the contract's limits ({reference})",
        "fr": "séries de jours travaillés et de repos dans les limites du contrat ({reference})",
        "de": "Folgen von Arbeits- und freien Tagen in den Grenzen des Vertrags ({reference})",
    },
    "contract.max-weekends": {
        "en": "no more weekends worked than the contract allows ({reference})",
        "fr": "pas plus de week-ends travaillés que le contrat ne le permet ({reference})",
        "de": "nicht mehr Arbeitswochenenden als der Vertrag erlaubt ({reference})",
    },
    "replan.keep-published": {
        "en": "changes to the published roster are kept few, near-term ones fewest ({reference})",
        "fr": "les modifications du planning publié restent rares, surtout à court terme ({reference})",
        "de": "Änderungen am veröffentlichten Dienstplan bleiben wenige, kurzfristige am wenigsten ({reference})",
    },
}

# Rule ids whose statement is shared by the same rule under another law (fr.daily-rest, de.daily-rest, ...).
RULE_KINDS: dict[str, str] = {
    "fr.daily-rest": "daily-rest", "de.daily-rest": "daily-rest",
    "fr.daily-max": "daily-max", "de.daily-max": "daily-max",
    "fr.night-daily-max": "night-daily-max", "de.night-daily-max": "night-daily-max",
    "fr.weekly-max": "weekly-max",
    "fr.weekly-average": "weekly-average", "de.average-hours": "weekly-average",
    "fr.night-weekly-average": "night-weekly-average", "de.night-average-hours": "night-weekly-average",
    "fr.max-days-per-week": "max-days-per-week",
    "fr.weekly-rest": "weekly-rest",
    "fr.break": "break", "de.breaks": "break",
    "de.free-sundays": "free-sundays",
    "de.substitute-rest-day": "substitute-rest-days",
}

# Explanation sentences.
FACTS: dict[str, dict[Lang, str]] = {
    "post-needs": {
        "en": "post {post} needs {count} {people} on shift {shift} on {days} of the {horizon} days",
        "fr": "le poste {post} demande {count} {people} en {shift} sur {days} des {horizon} jours",
        "de": "der Arbeitsplatz {post} braucht {count} {people} in Schicht {shift} an {days} der {horizon} Tage",
    },
    "post-needs-every": {
        "en": "post {post} needs {count} {people} on shift {shift} every day",
        "fr": "le poste {post} demande {count} {people} en {shift} chaque jour",
        "de": "der Arbeitsplatz {post} braucht jeden Tag {count} {people} in Schicht {shift}",
    },
    "safety-needs": {
        "en": "at least {count} people with skill {skill} must be on site at all times ({reference})",
        "fr": "au moins {count} personnes ayant la compétence {skill} doivent être sur site en permanence "
              "({reference})",
        "de": "mindestens {count} Personen mit der Qualifikation {skill} müssen jederzeit vor Ort sein ({reference})",
    },
    "holders": {
        "en": "{count} people hold the skills {skills}",
        "fr": "{count} personnes ont les compétences {skills}",
        "de": "{count} Personen haben die Qualifikationen {skills}",
    },
    "holders-night": {
        "en": "{count} people hold the skills {skills}, {night} of them fit for nights",
        "fr": "{count} personnes ont les compétences {skills}, dont {night} aptes à la nuit",
        "de": "{count} Personen haben die Qualifikationen {skills}, davon {night} nachtarbeitstauglich",
    },
    "needed": {
        "en": "at least {needed} are needed",
        "fr": "il en faut au moins {needed}",
        "de": "es werden mindestens {needed} gebraucht",
    },
    "rule": {"en": "{statement}", "fr": "{statement}", "de": "{statement}"},
    "infeasible": {
        "en": "The plant cannot be covered within the law",
        "fr": "L'usine ne peut pas être couverte dans le respect de la loi",
        "de": "Die Anlage kann nicht im Rahmen des Gesetzes besetzt werden",
    },
    "works": {
        "en": "{employee} works shift {shift} ({start}–{end}) on post {post} on {date}",
        "fr": "{employee} travaille en {shift} ({start}–{end}) au poste {post} le {date}",
        "de": "{employee} arbeitet am {date} Schicht {shift} ({start}–{end}) am Arbeitsplatz {post}",
    },
    "off": {
        "en": "{employee} does not work on {date}",
        "fr": "{employee} ne travaille pas le {date}",
        "de": "{employee} arbeitet am {date} nicht",
    },
    "absent": {
        "en": "{employee} is absent on {date} ({kind})",
        "fr": "{employee} est absent(e) le {date} ({kind})",
        "de": "{employee} ist am {date} abwesend ({kind})",
    },
    "not-night-eligible": {
        "en": "{employee} is not fit for night work, so shift {shift} is ruled out ({reference})",
        "fr": "{employee} n'est pas apte au travail de nuit, le poste {shift} est exclu ({reference})",
        "de": "{employee} ist nicht nachtarbeitstauglich, Schicht {shift} scheidet aus ({reference})",
    },
    "needed-on-post": {
        "en": "without {employee}, post {post} would have {left} of the {required} people it needs on shift "
              "{shift}",
        "fr": "sans {employee}, le poste {post} aurait {left} des {required} personnes requises en {shift}",
        "de": "ohne {employee} hätte der Arbeitsplatz {post} in Schicht {shift} {left} der {required} nötigen "
              "Personen",
    },
    "spare-on-post": {
        "en": "post {post} has {assigned} people on shift {shift} for a minimum of {required}",
        "fr": "le poste {post} a {assigned} personnes en {shift} pour un minimum de {required}",
        "de": "der Arbeitsplatz {post} hat in Schicht {shift} {assigned} Personen bei einem Minimum von {required}",
    },
    "post-full": {
        "en": "post {post} already has {assigned} people on shift {shift} (wanted: {preferred})",
        "fr": "le poste {post} a déjà {assigned} personnes en {shift} (souhaité : {preferred})",
        "de": "der Arbeitsplatz {post} hat in Schicht {shift} schon {assigned} Personen (gewünscht: {preferred})",
    },
    "would-break": {
        "en": "working shift {shift} would break: {rules}",
        "fr": "travailler en {shift} enfreindrait : {rules}",
        "de": "Schicht {shift} zu arbeiten verstieße gegen: {rules}",
    },
    "could-work": {
        "en": "no hard rule stops {employee} working shift {shift} on post {post}, which has {assigned} of the "
              "{preferred} wanted: the roster's costs chose otherwise",
        "fr": "aucune règle impérative n'empêche {employee} de travailler en {shift} au poste {post}, qui a "
              "{assigned} des {preferred} souhaités : les coûts du planning en ont décidé autrement",
        "de": "keine zwingende Regel hindert {employee} an Schicht {shift} am Arbeitsplatz {post}, der {assigned} "
              "der {preferred} gewünschten hat: die Kosten des Dienstplans entschieden anders",
    },
    "no-post": {
        "en": "no post {employee} is qualified for needs anyone on {date}",
        "fr": "aucun poste pour lequel {employee} est qualifié(e) n'a de besoin le {date}",
        "de": "kein Arbeitsplatz, für den {employee} qualifiziert ist, braucht am {date} jemanden",
    },
    "request-granted": {
        "en": "the request ({kind} on {date}) is granted",
        "fr": "la demande ({kind} le {date}) est accordée",
        "de": "der Wunsch ({kind} am {date}) ist erfüllt",
    },
    "request-refused": {
        "en": "the request ({kind} on {date}) is refused",
        "fr": "la demande ({kind} le {date}) est refusée",
        "de": "der Wunsch ({kind} am {date}) ist abgelehnt",
    },
    "grant-cost": {
        "en": "granting it changes the roster's cost by {delta:+,} ({terms}) and changes {changes} shifts of "
              "{people} people",
        "fr": "l'accorder change le coût du planning de {delta:+,} ({terms}) et modifie {changes} postes de "
              "{people} personnes",
        "de": "ihn zu erfüllen ändert die Kosten des Dienstplans um {delta:+,} ({terms}) und ändert {changes} "
              "Schichten von {people} Personen",
    },
    "grant-impossible": {
        "en": "granting it is impossible within the law ({status} in {seconds:g} s)",
        "fr": "l'accorder est impossible dans le respect de la loi ({status} en {seconds:g} s)",
        "de": "ihn zu erfüllen ist im Rahmen des Gesetzes unmöglich ({status} in {seconds:g} s)",
    },
    "grant-unknown": {
        "en": "no roster granting it was found in {seconds:g} s",
        "fr": "aucun planning l'accordant n'a été trouvé en {seconds:g} s",
        "de": "in {seconds:g} s wurde kein Dienstplan gefunden, der ihn erfüllt",
    },
    "grant-short": {
        "en": "granting it would leave posts {shortfall} person-shifts short",
        "fr": "l'accorder laisserait {shortfall} postes-personnes non couverts",
        "de": "ihn zu erfüllen ließe {shortfall} Personenschichten unbesetzt",
    },
    "household-apart-off": {
        "en": "{employee} is off on {date} while {partner} works: not the day off together their household asked "
              "for (roulement explain-household shows how close they could be)",
        "fr": "{employee} est de repos le {date} pendant que {partner} travaille : pas le jour de repos commun "
              "demandé par leur foyer (roulement explain-household montre ce qui serait possible)",
        "de": "{employee} hat am {date} frei, während {partner} arbeitet: nicht der gemeinsame freie Tag, den "
              "ihr Haushalt wünscht (roulement explain-household zeigt, was möglich wäre)",
    },
    "household-apart-working": {
        "en": "{employee} works on {date} while {partner} is off: not the day off together their household asked "
              "for (roulement explain-household shows how close they could be)",
        "fr": "{employee} travaille le {date} pendant que {partner} est de repos : pas le jour de repos commun "
              "demandé par leur foyer (roulement explain-household montre ce qui serait possible)",
        "de": "{employee} arbeitet am {date}, während {partner} frei hat: nicht der gemeinsame freie Tag, den "
              "ihr Haushalt wünscht (roulement explain-household zeigt, was möglich wäre)",
    },
    "together-roster": {
        "en": "{household} ({members}): {got} of {possible} days off together in this roster, {apart}",
        "fr": "{household} ({members}) : {got} jours de repos communs sur {possible} possibles dans ce planning, "
              "{apart}",
        "de": "{household} ({members}): {got} von {possible} freien Tagen gemeinsam in diesem Dienstplan, "
              "{apart}",
    },
    "together-trial": {
        "en": "planned alone, with at least {nights} nights and {sundays} Sundays: {apart} at best "
              "({got} of {possible} days off together, {share:.0%}), {proof}",
        "fr": "planifiés seuls, avec au moins {nights} nuits et {sundays} dimanches : {apart} au "
              "mieux ({got} jours de repos communs sur {possible}, {share:.0%}), {proof}",
        "de": "allein geplant, mit mindestens {nights} Nächten und {sundays} Sonntagen: bestenfalls {apart} "
              "({got} von {possible} freien Tagen gemeinsam, {share:.0%}), {proof}",
    },
    "together-none": {
        "en": "planned alone, with at least {nights} nights and {sundays} Sundays: no roster found in {seconds:g} s "
              "(none can be closer than {bound} days apart)",
        "fr": "planifiés seuls, avec au moins {nights} nuits et {sundays} dimanches : aucun planning trouvé en "
              "{seconds:g} s (aucun ne peut faire moins de {bound} jours décalés)",
        "de": "allein geplant, mit mindestens {nights} Nächten und {sundays} Sonntagen: kein Dienstplan in "
              "{seconds:g} s gefunden (keiner kann unter {bound} getrennten Tagen liegen)",
    },
    "together-proven": {"en": "proven the fewest", "fr": "minimum prouvé", "de": "als Minimum bewiesen"},
    "together-found": {
        "en": "best found in {seconds:g} s; none can be closer than {bound}",
        "fr": "meilleur trouvé en {seconds:g} s ; aucun ne peut faire moins de {bound}",
        "de": "bestes in {seconds:g} s gefunden; keiner kann unter {bound} liegen",
    },
    "together-fair": {
        "en": "the floors of their fair shares of nights and Sundays among peers",
        "fr": "les planchers de leur juste part de nuits et de dimanches entre pairs",
        "de": "die Untergrenzen ihres fairen Anteils an Nächten und Sonntagen unter Gleichgestellten",
    },
}

PEOPLE: dict[Lang, tuple[str, str]] = {"en": ("person", "people"), "fr": ("personne", "personnes"),
                                       "de": ("Person", "Personen")}
REQUEST_KINDS: dict[str, dict[Lang, str]] = {
    "day_off": {"en": "day off", "fr": "jour de repos", "de": "freier Tag"},
    "day_on": {"en": "day on", "fr": "jour travaillé", "de": "Arbeitstag"},
    "shift_on": {"en": "shift wanted", "fr": "poste souhaité", "de": "Wunschschicht"},
    "shift_off": {"en": "shift not wanted", "fr": "poste non souhaité", "de": "unerwünschte Schicht"},
}


DAYS_APART: dict[Lang, tuple[str, str]] = {"en": ("{n} day apart", "{n} days apart"),
                                            "fr": ("{n} jour décalé", "{n} jours décalés"),
                                            "de": ("{n} Tag getrennt", "{n} Tage getrennt")}


def days_apart(count: int, lang: Lang) -> str:
    return DAYS_APART[lang][0 if count == 1 else 1].format(n=count)


class UnknownMessage(KeyError):
    pass


def message(key: str, lang: Lang, **params: Any) -> str:
    """One explanation sentence in `lang`, filled from `params`."""
    templates = FACTS.get(key) or RULES.get(key)
    if templates is None:
        raise UnknownMessage(key)
    if "count" in params and "people" not in params and isinstance(params["count"], int):
        params["people"] = PEOPLE[lang][0 if params["count"] == 1 else 1]
    return templates[lang].format(**params)


def rule_statement(rule: Rule, lang: Lang) -> str:
    """What `rule` allows, in `lang`, with its own numbers and legal reference."""
    key = rule.id if rule.id in RULES else RULE_KINDS.get(rule.id, "")
    params = {**rule.params(), "reference": rule.reference}
    if key not in RULES:
        return f"{rule.title or rule.id} ({rule.reference})"
    return RULES[key][lang].format(**params)
