"""The pages' words in English, French and German; the language comes from ?lang=, a cookie or the browser."""

from __future__ import annotations

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


def language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("roulement_lang")
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"
