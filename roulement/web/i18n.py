"""The pages' words in English, French and German; the language comes from ?lang=, a cookie or the browser.
Dates, times and numbers are shaped by Babel's CLDR data for the language (`locale_data`), in the site's zone."""

from __future__ import annotations

from functools import cache
from typing import Any

from babel.dates import get_date_format, get_day_names, get_month_names, get_time_format
from babel.numbers import get_decimal_symbol, get_group_symbol
from fastapi import Request

LANGUAGES = ("en", "fr", "de")

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "title": "roulement", "login": "Sign in", "logout": "Sign out", "username": "User name",
        "password": "Password", "planner": "Planning", "employee": "My schedule", "council": "Works council",
        "admin": "Accounts", "scenarios": "Scenarios", "import": "Import a scenario (YAML)",
        "import_table": "Replace from CSV or XLSX",
        "import_example": "Load the built-in plant", "solve": "Plan", "time_limit": "Time limit (s)",
        "cancel": "Cancel", "rosters": "Rosters", "open": "Open", "version": "Version",
        "people": "People", "absences": "Absences", "add_absence": "Add absence", "save": "Save",
        "publish": "Publish this version", "published": "Published", "download": "Download",
        "violations": "Violations", "caused": "Caused by your change", "resolved": "Resolved by your change",
        "coverage": "Coverage", "shortfall": "Shortfall", "off": "off", "progress": "Progress",
        "objective": "Best objective", "bound": "Bound", "elapsed": "Elapsed", "status": "Status",
        "my_schedule": "My shifts", "team_roster": "My team's published roster", "requests": "My requests",
        "request_day_off": "Ask for a day off", "request_swap": "Ask to swap with", "date": "Date",
        "note": "Note", "send": "Send", "withdraw": "Withdraw", "declarations": "Needs I declare",
        "declarations_help": "Only the purpose is stored, never household details. It gives you the legal "
                             "priority for day posts: no night shifts from the next plan on. You can withdraw at "
                             "any time.",
        "declare": "Declare", "feed": "Calendar feed", "feed_new": "Create a new private link",
        "feed_revoke": "Revoke my link", "publications": "Versions put before the council",
        "approve": "Approve", "reject": "Reject", "comment": "Comment", "report": "Report",
        "accounts": "Accounts", "add_account": "Add an account", "role": "Role", "employee_id": "Employee id",
        "active": "Active", "conflict": "Someone else changed this roster: reload to see their change.",
        "no_publication": "Nothing published yet.", "requests_all": "Employees' requests",
        "accept": "Accept", "refuse": "Refuse", "history": "Change history", "language": "Language",
        "purpose.child_under_12_day_post": "Child under 12 with no other carer (day-post priority)",
        "purpose.dependent_relative_care": "Care of a dependent relative (day-post priority)",
        "purpose.family_obligations": "Imperative family obligations",
    },
    "fr": {
        "title": "roulement", "login": "Se connecter", "logout": "Se déconnecter", "username": "Identifiant",
        "password": "Mot de passe", "planner": "Planification", "employee": "Mon planning",
        "council": "CSE", "admin": "Comptes", "scenarios": "Scénarios",
        "import": "Importer un scénario (YAML)",
        "import_table": "Remplacer depuis un CSV ou XLSX", "import_example": "Charger l'usine intégrée",
        "solve": "Planifier", "time_limit": "Durée max (s)", "cancel": "Annuler", "rosters": "Plannings",
        "open": "Ouvrir", "version": "Version", "people": "Salariés", "absences": "Absences",
        "add_absence": "Ajouter une absence", "save": "Enregistrer", "publish": "Publier cette version",
        "published": "Publié", "download": "Télécharger", "violations": "Infractions",
        "caused": "Causées par votre modification", "resolved": "Levées par votre modification",
        "coverage": "Couverture", "shortfall": "Manque", "off": "repos", "progress": "Avancement",
        "objective": "Meilleur objectif", "bound": "Borne", "elapsed": "Écoulé", "status": "État",
        "my_schedule": "Mes postes", "team_roster": "Planning publié de mon équipe",
        "requests": "Mes demandes", "request_day_off": "Demander un jour de repos",
        "request_swap": "Demander un échange avec", "date": "Date", "note": "Note", "send": "Envoyer",
        "withdraw": "Retirer", "declarations": "Besoins déclarés",
        "declarations_help": "Seule la finalité est enregistrée, jamais le détail du foyer. Elle vous donne "
                             "la priorité légale pour un poste de jour : plus de nuits à partir du prochain "
                             "planning. Retrait possible à tout moment.",
        "declare": "Déclarer", "feed": "Agenda (iCalendar)", "feed_new": "Créer un nouveau lien privé",
        "feed_revoke": "Révoquer mon lien", "publications": "Versions soumises au CSE",
        "approve": "Approuver", "reject": "Rejeter", "comment": "Commentaire", "report": "Rapport",
        "accounts": "Comptes", "add_account": "Ajouter un compte", "role": "Rôle",
        "employee_id": "Matricule", "active": "Actif",
        "conflict": "Quelqu'un d'autre a modifié ce planning : rechargez pour voir sa modification.",
        "no_publication": "Rien n'est encore publié.", "requests_all": "Demandes des salariés",
        "accept": "Accepter", "refuse": "Refuser", "history": "Historique", "language": "Langue",
        "purpose.child_under_12_day_post": "Enfant de moins de 12 ans sans autre garde (priorité poste de jour)",
        "purpose.dependent_relative_care": "Proche dépendant à charge (priorité poste de jour)",
        "purpose.family_obligations": "Obligations familiales impérieuses",
    },
    "de": {
        "title": "roulement", "login": "Anmelden", "logout": "Abmelden", "username": "Benutzername",
        "password": "Passwort", "planner": "Planung", "employee": "Mein Schichtplan", "council": "Betriebsrat",
        "admin": "Konten", "scenarios": "Szenarien", "import": "Szenario importieren (YAML)",
        "import_table": "Aus CSV oder XLSX ersetzen",
        "import_example": "Eingebautes Werk laden", "solve": "Planen", "time_limit": "Zeitlimit (s)",
        "cancel": "Abbrechen", "rosters": "Schichtpläne", "open": "Öffnen", "version": "Version",
        "people": "Beschäftigte", "absences": "Abwesenheiten", "add_absence": "Abwesenheit hinzufügen",
        "save": "Speichern", "publish": "Diese Version veröffentlichen", "published": "Veröffentlicht",
        "download": "Herunterladen", "violations": "Verstöße", "caused": "Durch Ihre Änderung verursacht",
        "resolved": "Durch Ihre Änderung behoben", "coverage": "Besetzung", "shortfall": "Unterbesetzung",
        "off": "frei", "progress": "Fortschritt", "objective": "Bestes Ziel", "bound": "Schranke",
        "elapsed": "Vergangen", "status": "Status", "my_schedule": "Meine Schichten",
        "team_roster": "Veröffentlichter Plan meines Teams", "requests": "Meine Anträge",
        "request_day_off": "Freien Tag beantragen", "request_swap": "Tausch beantragen mit", "date": "Datum",
        "note": "Notiz", "send": "Senden", "withdraw": "Zurückziehen", "declarations": "Erklärte Bedarfe",
        "declarations_help": "Gespeichert wird nur der Zweck, nie Angaben zum Haushalt. Sie gibt Ihnen den "
                             "gesetzlichen Vorrang für einen Tagesarbeitsplatz: ab dem nächsten Dienstplan keine "
                             "Nachtschichten. Jederzeit widerrufbar.",
        "declare": "Erklären", "feed": "Kalender-Abo", "feed_new": "Neuen privaten Link erzeugen",
        "feed_revoke": "Meinen Link widerrufen", "publications": "Dem Betriebsrat vorgelegte Versionen",
        "approve": "Zustimmen", "reject": "Ablehnen", "comment": "Kommentar", "report": "Bericht",
        "accounts": "Konten", "add_account": "Konto anlegen", "role": "Rolle", "employee_id": "Personalnummer",
        "active": "Aktiv",
        "conflict": "Jemand anderes hat diesen Plan geändert: neu laden, um die Änderung zu sehen.",
        "no_publication": "Noch nichts veröffentlicht.", "requests_all": "Anträge der Beschäftigten",
        "accept": "Annehmen", "refuse": "Ablehnen", "history": "Änderungsverlauf", "language": "Sprache",
        "purpose.child_under_12_day_post": "Kind unter 12 ohne andere Betreuung (Vorrang Tagschicht, §6(4) ArbZG)",
        "purpose.dependent_relative_care": "Pflege eines Angehörigen (Vorrang Tagschicht, §6(4) ArbZG)",
        "purpose.family_obligations": "Zwingende familiäre Pflichten",
    },
}


# Words the pages need beyond the first catalogue: statuses, kinds, table headers, the grid, the council's
# report, publishing, requests and the admin page. Every key exists in all three languages (a test checks).
MORE: dict[str, dict[str, str]] = {
    "en": {
        "name": "Name", "kind": "Kind", "shift": "Shift", "post": "Post", "team": "Team", "skills": "Skills",
        "employees_count": "People", "start": "Start", "days": "Days", "updated": "Updated", "by": "By",
        "action": "Action", "entity": "Subject", "at": "When", "swap_with": "Swap with", "decisions": "Decisions",
        "published_at": "Published", "before": "Before", "after": "After", "against": "Compared with version",
        "first_publication": "First version put before the council: every cell is new.",
        "diff_added": "Cells added", "diff_removed": "Cells removed", "diff_changed": "Cells changed",
        "confirm_publish_title": "Publish this version?", "confirm_publish": "Publish",
        "no_violations": "No violation: the checker finds every rule kept.", "changes": "Changes",
        "consent_required": "The works council's consent is required: employees will see this version once it "
                            "is approved.",
        "consent_not_required": "This site shows proposed versions to employees at once.",
        "status.proposed": "proposed", "status.approved": "approved", "status.rejected": "rejected",
        "status.open": "open", "status.accepted": "accepted", "status.refused": "refused",
        "status.withdrawn": "withdrawn", "status.running": "running", "status.done": "done",
        "status.cancelled": "cancelled", "status.failed": "failed",
        "kind.day_off": "day off", "kind.swap": "swap",
        "role.planner": "planner", "role.employee": "employee", "role.council": "works council",
        "role.admin": "admin", "lock": "Lock", "unlock": "Unlock", "reset_password": "Set a new password",
        "change_role": "Change role", "change_password": "Change my password", "current_password":
        "Current password", "new_password": "New password", "password_changed": "Your password is changed.",
        "older": "Older entries", "hours": "Hours", "target": "target", "nights": "Nights", "sundays": "Sundays",
        "weekend": "Weekend", "holiday": "Public holiday", "filter": "Filter", "all": "all", "crew": "Crew",
        "search": "Search by name", "min": "min", "preferred": "preferred", "assigned": "assigned",
        "coverage_legend": "Coverage per post: red below the minimum, amber below the preferred level, green "
                           "at or above it.",
        "clear": "Clear (day off)", "close": "Close", "apply": "Apply",
        "law": "Law", "fairness": "Fairness", "people_aggregate": "People", "rule": "Rule", "count": "Count",
        "measure": "Measure", "minimum": "Minimum", "median": "Median", "maximum": "Maximum", "mean": "Mean",
        "measure.hours": "Hours worked", "measure.shifts": "Shifts", "measure.nights": "Nights",
        "measure.sundays": "Sundays", "measure.weekend_days": "Weekend days",
        "measure.public_holidays": "Public holidays worked", "no_violation_short": "none",
        "coverage_complete": "Minimum cover everywhere", "yes": "yes", "no": "no",
        "declarations_count": "Active declarations (day-post priority)", "site": "Site", "horizon": "Horizon",
        "absence_kind": "Kind of absence", "absence.holiday": "holiday", "absence.sick": "sick leave",
        "absence.training": "training", "absence.other": "other", "page": "Page", "previous": "Previous",
        "next": "Next", "of": "of", "cost": "Cost of granting", "colleague": "Colleague",
        "not_honoured": "Accepted but not honoured", "honoured": "honoured", "settings": "Site settings",
        "consent_setting": "Employees see only versions the works council approved (BetrVG §87, CSE)",
        "report_for": "Report on version", "violations_total": "Violations", "hours_short": "h",
        "requests_filter_status": "Status", "requests_filter_kind": "Kind", "result": "Result",
    },
    "fr": {
        "name": "Nom", "kind": "Type", "shift": "Poste", "post": "Emploi", "team": "Équipe",
        "skills": "Compétences", "employees_count": "Salariés", "start": "Début", "days": "Jours",
        "updated": "Modifié", "by": "Par", "action": "Action", "entity": "Objet", "at": "Quand",
        "swap_with": "Échange avec", "decisions": "Décisions", "published_at": "Publié le", "before": "Avant",
        "after": "Après", "against": "Comparé à la version",
        "first_publication": "Première version soumise au CSE : toutes les cases sont nouvelles.",
        "diff_added": "Cases ajoutées", "diff_removed": "Cases retirées", "diff_changed": "Cases modifiées",
        "confirm_publish_title": "Publier cette version ?", "confirm_publish": "Publier",
        "no_violations": "Aucune infraction : le contrôle trouve toutes les règles respectées.",
        "changes": "Changements",
        "consent_required": "L'avis du CSE est requis : les salariés verront cette version une fois approuvée.",
        "consent_not_required": "Ce site montre tout de suite les versions proposées aux salariés.",
        "status.proposed": "proposée", "status.approved": "approuvée", "status.rejected": "rejetée",
        "status.open": "ouverte", "status.accepted": "acceptée", "status.refused": "refusée",
        "status.withdrawn": "retirée", "status.running": "en cours", "status.done": "terminé",
        "status.cancelled": "annulé", "status.failed": "échoué",
        "kind.day_off": "jour de repos", "kind.swap": "échange",
        "role.planner": "planificateur", "role.employee": "salarié", "role.council": "CSE",
        "role.admin": "administrateur", "lock": "Verrouiller", "unlock": "Déverrouiller",
        "reset_password": "Définir un nouveau mot de passe", "change_role": "Changer le rôle",
        "change_password": "Changer mon mot de passe", "current_password": "Mot de passe actuel",
        "new_password": "Nouveau mot de passe", "password_changed": "Votre mot de passe est changé.",
        "older": "Entrées plus anciennes", "hours": "Heures", "target": "cible", "nights": "Nuits",
        "sundays": "Dimanches", "weekend": "Week-end", "holiday": "Jour férié", "filter": "Filtrer",
        "all": "tous", "crew": "Équipe de roulement", "search": "Chercher un nom", "min": "min",
        "preferred": "souhaité", "assigned": "affectés",
        "coverage_legend": "Couverture par emploi : rouge sous le minimum, orange sous le niveau souhaité, vert "
                           "au niveau ou au-dessus.",
        "clear": "Effacer (repos)", "close": "Fermer", "apply": "Appliquer",
        "law": "Droit", "fairness": "Équité", "people_aggregate": "Salariés", "rule": "Règle",
        "count": "Nombre", "measure": "Mesure", "minimum": "Minimum", "median": "Médiane", "maximum": "Maximum",
        "mean": "Moyenne", "measure.hours": "Heures travaillées", "measure.shifts": "Postes",
        "measure.nights": "Nuits", "measure.sundays": "Dimanches", "measure.weekend_days": "Jours de week-end",
        "measure.public_holidays": "Jours fériés travaillés", "no_violation_short": "aucune",
        "coverage_complete": "Effectif minimum partout", "yes": "oui", "no": "non",
        "declarations_count": "Déclarations actives (priorité poste de jour)", "site": "Site",
        "horizon": "Période", "absence_kind": "Type d'absence", "absence.holiday": "congés",
        "absence.sick": "maladie", "absence.training": "formation", "absence.other": "autre", "page": "Page",
        "previous": "Précédent", "next": "Suivant", "of": "sur", "cost": "Coût de l'accord",
        "colleague": "Collègue", "not_honoured": "Acceptée mais non tenue", "honoured": "tenue",
        "settings": "Réglages du site",
        "consent_setting": "Les salariés ne voient que les versions approuvées par le CSE (consultation du CSE)",
        "report_for": "Rapport sur la version", "violations_total": "Infractions", "hours_short": "h",
        "requests_filter_status": "État", "requests_filter_kind": "Type", "result": "Résultat",
    },
    "de": {
        "name": "Name", "kind": "Art", "shift": "Schicht", "post": "Arbeitsplatz", "team": "Team",
        "skills": "Qualifikationen", "employees_count": "Beschäftigte", "start": "Beginn", "days": "Tage",
        "updated": "Geändert", "by": "Von", "action": "Aktion", "entity": "Gegenstand", "at": "Wann",
        "swap_with": "Tausch mit", "decisions": "Entscheidungen", "published_at": "Veröffentlicht",
        "before": "Vorher", "after": "Nachher", "against": "Verglichen mit Version",
        "first_publication": "Erste dem Betriebsrat vorgelegte Version: jede Zelle ist neu.",
        "diff_added": "Zellen hinzugefügt", "diff_removed": "Zellen entfernt", "diff_changed": "Zellen geändert",
        "confirm_publish_title": "Diese Version veröffentlichen?", "confirm_publish": "Veröffentlichen",
        "no_violations": "Kein Verstoß: die Prüfung findet alle Regeln eingehalten.", "changes": "Änderungen",
        "consent_required": "Die Zustimmung des Betriebsrats ist nötig: die Beschäftigten sehen diese Version, "
                            "sobald sie genehmigt ist.",
        "consent_not_required": "Dieser Standort zeigt vorgeschlagene Versionen sofort den Beschäftigten.",
        "status.proposed": "vorgeschlagen", "status.approved": "genehmigt", "status.rejected": "abgelehnt",
        "status.open": "offen", "status.accepted": "angenommen", "status.refused": "abgelehnt",
        "status.withdrawn": "zurückgezogen", "status.running": "läuft", "status.done": "fertig",
        "status.cancelled": "abgebrochen", "status.failed": "fehlgeschlagen",
        "kind.day_off": "freier Tag", "kind.swap": "Tausch",
        "role.planner": "Planer", "role.employee": "Beschäftigte(r)", "role.council": "Betriebsrat",
        "role.admin": "Administrator", "lock": "Sperren", "unlock": "Entsperren",
        "reset_password": "Neues Passwort setzen", "change_role": "Rolle ändern",
        "change_password": "Mein Passwort ändern", "current_password": "Aktuelles Passwort",
        "new_password": "Neues Passwort", "password_changed": "Ihr Passwort ist geändert.",
        "older": "Ältere Einträge", "hours": "Stunden", "target": "Soll", "nights": "Nächte",
        "sundays": "Sonntage", "weekend": "Wochenende", "holiday": "Feiertag", "filter": "Filtern",
        "all": "alle", "crew": "Schichtgruppe", "search": "Nach Namen suchen", "min": "min",
        "preferred": "gewünscht", "assigned": "besetzt",
        "coverage_legend": "Besetzung je Arbeitsplatz: rot unter dem Minimum, gelb unter dem Wunschniveau, grün "
                           "auf oder über ihm.",
        "clear": "Leeren (frei)", "close": "Schließen", "apply": "Übernehmen",
        "law": "Recht", "fairness": "Gerechtigkeit", "people_aggregate": "Beschäftigte", "rule": "Regel",
        "count": "Anzahl", "measure": "Kennzahl", "minimum": "Minimum", "median": "Median", "maximum": "Maximum",
        "mean": "Mittelwert", "measure.hours": "Arbeitsstunden", "measure.shifts": "Schichten",
        "measure.nights": "Nächte", "measure.sundays": "Sonntage", "measure.weekend_days": "Wochenendtage",
        "measure.public_holidays": "Gearbeitete Feiertage", "no_violation_short": "keine",
        "coverage_complete": "Mindestbesetzung überall", "yes": "ja", "no": "nein",
        "declarations_count": "Aktive Erklärungen (Vorrang Tagschicht)", "site": "Standort",
        "horizon": "Zeitraum", "absence_kind": "Art der Abwesenheit", "absence.holiday": "Urlaub",
        "absence.sick": "Krankheit", "absence.training": "Schulung", "absence.other": "Sonstiges", "page": "Seite",
        "previous": "Zurück", "next": "Weiter", "of": "von", "cost": "Kosten der Gewährung",
        "colleague": "Kollege/Kollegin", "not_honoured": "Angenommen, aber nicht erfüllt", "honoured": "erfüllt",
        "settings": "Standort-Einstellungen",
        "consent_setting": "Beschäftigte sehen nur vom Betriebsrat genehmigte Versionen (BetrVG §87)",
        "report_for": "Bericht zur Version", "violations_total": "Verstöße", "hours_short": "Std.",
        "requests_filter_status": "Status", "requests_filter_kind": "Art", "result": "Ergebnis",
    },
}
for _lang, _words in MORE.items():
    CATALOGUE[_lang].update(_words)


@cache
def locale_data(lang: str) -> dict[str, Any]:
    """CLDR patterns and names from Babel, for the page's script to shape dates, times and numbers."""
    return {
        "lang": lang,
        "date_short": get_date_format("short", locale=lang).pattern,
        "date_medium": get_date_format("medium", locale=lang).pattern,
        "time_short": get_time_format("short", locale=lang).pattern,
        # Monday first, as Python's weekday()
        "days_abbr": [get_day_names("abbreviated", locale=lang)[d] for d in range(7)],
        "days_wide": [get_day_names("wide", locale=lang)[d] for d in range(7)],
        "months_abbr": [get_month_names("abbreviated", locale=lang)[m] for m in range(1, 13)],
        "decimal": get_decimal_symbol(lang),
        "group": get_group_symbol(lang),
    }


def language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("roulement_lang")
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"
