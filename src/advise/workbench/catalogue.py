"""The catalogue of `advise rules check` findings: each check's stable code, name, severity,
what it finds and what to do about it, in French and English (one registry, as ruff's);
and how a finding and a whole check report read, as text and as JSON.

The analyses that produce the findings are in advise.workbench.checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, Severity, register_messages
from ..rulebase.model import RuleBook

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class Check:
    """One kind of finding: a stable code, a name, a severity and what to do about it."""

    code: str
    name: str
    severity: Severity
    title: dict[str, str]
    fix: dict[str, str]


_CHECKS = [
    Check("A001", "invalid-rule-base", ERROR,
          {"en": "a rule file, table or the vocabulary does not load",
           "fr": "un fichier de règles, une table ou le vocabulaire ne se charge pas"},
          {"en": "correct the file at the line shown; every problem is listed at once",
           "fr": "corrigez le fichier à la ligne indiquée ; tous les problèmes sont listés d'un coup"}),
    Check("A002", "invalid-case-file", ERROR,
          {"en": "a case file does not load", "fr": "un fichier de cas ne se charge pas"},
          {"en": "correct the case file at the line shown (see docs/writing-rules.md, \"Cases\")",
           "fr": "corrigez le fichier de cas à la ligne indiquée (voir docs/fr/ecrire-des-regles.md, « Les cas »)"}),
    Check("A101", "contradictory-conditions", ERROR,
          {"en": "conditions that cannot hold together", "fr": "des conditions qui ne peuvent pas être remplies ensemble"},
          {"en": "correct the thresholds, or split the rule into several rules",
           "fr": "corrigez les seuils, ou découpez la règle en plusieurs règles"}),
    Check("A102", "impossible-value", ERROR,
          {"en": "a condition no possible value of the fact meets",
           "fr": "une condition qu'aucune valeur possible du fait ne remplit"},
          {"en": "compare with a value inside the fact's range",
           "fr": "comparez à une valeur dans les limites du fait"}),
    Check("A103", "reads-unconcluded-fact", ERROR,
          {"en": "a rule needs a derived fact that nothing concludes",
           "fr": "une règle a besoin d'un fait déduit que rien ne conclut"},
          {"en": "write the rule that concludes it, give the fact a default in vocabulary.yaml, or test "
                 "'present: false' if its absence is what you mean",
           "fr": "écrivez la règle qui le conclut, donnez au fait une valeur par défaut dans vocabulary.yaml, ou "
                 "testez « present: false » si c'est son absence que vous visez"}),
    Check("A104", "value-never-concluded", ERROR,
          {"en": "a rule tests a derived fact for a value no rule concludes",
           "fr": "une règle teste un fait déduit pour une valeur qu'aucune règle ne conclut"},
          {"en": "test one of the values the rules conclude, or write the rule that concludes this one",
           "fr": "testez l'une des valeurs que les règles concluent, ou écrivez la règle qui conclut celle-ci"}),
    Check("A105", "condition-always-true", WARNING,
          {"en": "a condition every possible value meets", "fr": "une condition que toute valeur possible remplit"},
          {"en": "remove the condition, or correct its threshold if it was meant to exclude something",
           "fr": "supprimez la condition, ou corrigez son seuil si elle devait exclure quelque chose"}),
    Check("A106", "table-value-type", ERROR,
          {"en": "a table value whose type does not fit its use (a number written as text)",
           "fr": "une valeur de table dont le type ne convient pas à son usage (un nombre écrit comme du texte)"},
          {"en": "write the number without quotes (value: 0.7, not value: \"0.7\")",
           "fr": "écrivez le nombre sans guillemets (value: 0.7, et non value: \"0.7\")"}),
    Check("A201", "duplicate-rule", WARNING,
          {"en": "a rule that repeats another", "fr": "une règle qui en répète une autre"},
          {"en": "keep one of the two rules (merge their sources if they differ)",
           "fr": "gardez une seule des deux règles (réunissez leurs sources si elles diffèrent)"}),
    Check("A202", "shadowed-rule", WARNING,
          {"en": "a rule whose conclusions another rule always draws when it fires",
           "fr": "une règle dont une autre tire toujours les conclusions quand elle s'applique"},
          {"en": "remove this rule, or make it conclude something of its own",
           "fr": "supprimez cette règle, ou faites-lui conclure quelque chose de propre"}),
    Check("A203", "possible-conflict", WARNING,
          {"en": "two rules that may conclude different values for one fact",
           "fr": "deux règles qui peuvent conclure des valeurs différentes pour un même fait"},
          {"en": "make their conditions exclusive, or give the one that should win a higher priority; "
                 "otherwise a sheet like this one stops with a conflict error",
           "fr": "rendez leurs conditions exclusives, ou donnez une priorité plus haute à celle qui doit l'emporter ; "
                 "sinon une fiche comme celle-ci s'arrête sur une erreur de conflit"}),
    Check("A204", "conflict", ERROR,
          {"en": "two rules that conclude different values for one fact on a sample sheet",
           "fr": "deux règles qui concluent des valeurs différentes pour un même fait sur une fiche d'exemple"},
          {"en": "make their conditions exclusive, or give the one that should win a higher priority: "
                 "as they are, this sheet stops with a conflict error",
           "fr": "rendez leurs conditions exclusives, ou donnez une priorité plus haute à celle qui doit l'emporter : "
                 "en l'état, cette fiche s'arrête sur une erreur de conflit"}),
    Check("A206", "repeated-advice", WARNING,
          {"en": "two conclusions of one report that tell the owner the same thing",
           "fr": "deux conclusions d'un même rapport qui disent la même chose au dirigeant"},
          {"en": "keep one of them, or make their conditions exclusive so that one report says it once",
           "fr": "gardez-en une, ou rendez leurs conditions exclusives pour qu'un rapport ne le dise qu'une fois"}),
    Check("A301", "rule-cycle", ERROR,
          {"en": "rules that depend on each other in a circle", "fr": "des règles qui dépendent les unes des autres en cercle"},
          {"en": "break the circle: one of these rules must not read what the others conclude "
                 "(a 'not' condition counts as reading)",
           "fr": "cassez le cercle : l'une de ces règles ne doit pas lire ce que concluent les autres "
                 "(une condition « not » compte comme une lecture)"}),
    Check("A401", "sheet-fact-unused", WARNING,
          {"en": "a field of the fact sheet no rule reads", "fr": "un champ de la fiche qu'aucune règle ne lit"},
          {"en": "write the rule that uses this answer; until then it changes nothing in the advice",
           "fr": "écrivez la règle qui utilise cette réponse ; d'ici là elle ne change rien au conseil"}),
    Check("A402", "conclusion-unused", WARNING,
          {"en": "a derived fact nothing reads or shows", "fr": "un fait déduit que rien ne lit ni ne montre"},
          {"en": "use it in a rule or an explanation text, or stop concluding it",
           "fr": "utilisez-le dans une règle ou un texte d'explication, ou cessez de le conclure"}),
    Check("A403", "fact-never-concluded", WARNING,
          {"en": "a derived fact declared but never concluded", "fr": "un fait déduit déclaré mais jamais conclu"},
          {"en": "write the rule that concludes it, or remove it from vocabulary.yaml",
           "fr": "écrivez la règle qui le conclut, ou retirez-le de vocabulary.yaml"}),
    Check("A404", "table-value-unused", WARNING,
          {"en": "a table value no rule reads", "fr": "une valeur de table qu'aucune règle ne lit"},
          {"en": "use it in a rule, or remove it from the table",
           "fr": "utilisez-la dans une règle, ou retirez-la de la table"}),
    Check("A405", "warning-never-raised", WARNING,
          {"en": "a warning declared but raised by no rule", "fr": "un point d'attention déclaré mais émis par aucune règle"},
          {"en": "write the rule that raises it (then: warn:), or remove it from vocabulary.yaml",
           "fr": "écrivez la règle qui l'émet (then: warn:), ou retirez-le de vocabulary.yaml"}),
    Check("A406", "recommendation-never-raised", WARNING,
          {"en": "a recommendation declared but made by no rule",
           "fr": "une recommandation déclarée mais faite par aucune règle"},
          {"en": "write the rule that makes it (then: recommend:), or remove it from vocabulary.yaml",
           "fr": "écrivez la règle qui la fait (then: recommend:), ou retirez-la de vocabulary.yaml"}),
    Check("A407", "verdict-never-concluded", WARNING,
          {"en": "a verdict no rule concludes", "fr": "un verdict qu'aucune règle ne conclut"},
          {"en": "write the rule that concludes it (then: set: {verdict: ...}), or remove it from vocabulary.yaml",
           "fr": "écrivez la règle qui le conclut (then: set: {verdict: ...}), ou retirez-le de vocabulary.yaml"}),
    Check("A501", "rule-not-covered", WARNING,
          {"en": "a rule no case fires", "fr": "une règle qu'aucun cas ne déclenche"},
          {"en": "add a case where it fires (and one where it stays silent) to the cases file beside the rules; "
                 "`advise rules new` shows the format",
           "fr": "ajoutez un cas où elle se déclenche (et un où elle reste muette) au fichier de cas à côté des "
                 "règles ; `advise rules new` en montre le format"}),
    Check("A502", "case-fails", ERROR,
          {"en": "a case whose expectations the rules do not meet",
           "fr": "un cas dont les règles ne remplissent pas les attentes"},
          {"en": "run `advise test` to see expected against actual, then correct the rule or the case",
           "fr": "lancez `advise test` pour voir l'attendu face au résultat, puis corrigez la règle ou le cas"}),
    Check("A503", "case-crashes", ERROR,
          {"en": "a case whose sheet stops the rules with an error (a conflict, a failed computation)",
           "fr": "un cas dont la fiche arrête les règles sur une erreur (un conflit, un calcul en échec)"},
          {"en": "correct the rule named: a client's sheet like this one would get no report",
           "fr": "corrigez la règle nommée : la fiche d'un client comme celle-ci n'aurait pas de rapport"}),
    Check("A601", "placeholder-text", WARNING,
          {"en": "a text still holds a TODO placeholder", "fr": "un texte contient encore un TODO à remplacer"},
          {"en": "replace each TODO with the real text", "fr": "remplacez chaque TODO par le vrai texte"}),
    Check("A602", "untranslated-text", WARNING,
          {"en": "a text is the same in French and English", "fr": "un texte est identique en français et en anglais"},
          {"en": "translate it: each reader sees only their own language",
           "fr": "traduisez-le : chaque lecteur ne voit que sa langue"}),
    Check("A603", "unknown-name-in-text", ERROR,
          {"en": "a text shows a name that is no fact, table or table value",
           "fr": "un texte affiche un nom qui n'est ni un fait, ni une table, ni une valeur de table"},
          {"en": "correct the name (`advise rules uses NAME` tells what a name is); the report would fail on it",
           "fr": "corrigez le nom (`advise rules uses NOM` dit ce qu'est un nom) ; le rapport échouerait dessus"}),
    Check("A604", "text-fails", ERROR,
          {"en": "a text that does not render on a case's sheet",
           "fr": "un texte qui ne s'affiche pas sur la fiche d'un cas"},
          {"en": "correct the text, or guard it ({% if fact is defined %}); a client with this sheet would get "
                 "no report",
           "fr": "corrigez le texte, ou protégez-le ({% if fait is defined %}) ; un client avec cette fiche "
                 "n'aurait pas de rapport"}),
    Check("A605", "placeholder-case", WARNING,
          {"en": "a case still holds a TODO placeholder", "fr": "un cas contient encore un TODO à remplacer"},
          {"en": "describe the situation the case stands for, and give its sheet the answers it needs",
           "fr": "décrivez la situation que le cas représente, et donnez à sa fiche les réponses utiles"}),
    Check("A701", "invariant-broken", ERROR,
          {"en": "a sheet breaks an invariant of rules/invariants.yaml",
           "fr": "une fiche met en défaut un invariant de rules/invariants.yaml"},
          {"en": "run the sheet shown (advise FILE --all), see which rule decides against the invariant, and correct "
                 "that rule; change the invariant only if it no longer says what the advice must keep",
           "fr": "lancez la fiche montrée (advise FICHE --all), voyez quelle règle décide contre l'invariant, et "
                 "corrigez cette règle ; ne changez l'invariant que s'il ne dit plus ce que le conseil doit garantir"}),
    Check("A702", "invalid-invariant", ERROR,
          {"en": "an invariant of rules/invariants.yaml cannot be read",
           "fr": "un invariant de rules/invariants.yaml ne peut pas être lu"},
          {"en": "correct it at the line shown (the file's header describes the format)",
           "fr": "corrigez-le à la ligne indiquée (l'en-tête du fichier en décrit le format)"}),
]
CHECKS: dict[str, Check] = {check.code: check for check in _CHECKS}
BY_NAME: dict[str, Check] = {check.name: check for check in _CHECKS}

register_messages({
    "check-impossible": {
        "en": "'{fact}' {phrase_en}, but it can only be {range}: the rule can never fire",
        "fr": "« {fact} » {phrase_fr}, mais il ne peut valoir que {range} : la règle ne peut jamais s'appliquer",
    },
    "check-never-concluded": {
        "en": "the rule needs '{fact}', which {reason_en} and which has no default: the rule can never fire",
        "fr": "la règle a besoin de « {fact} », {reason_fr} et qui n'a pas de valeur par défaut : "
              "la règle ne peut jamais s'appliquer",
    },
    "check-value-never-concluded": {
        "en": "'{fact}' {phrase_en}, but the rules only ever conclude {values}: the rule can never fire",
        "fr": "« {fact} » {phrase_fr}, mais les règles ne concluent jamais que {values} : "
              "la règle ne peut jamais s'appliquer",
    },
    "check-contradictory": {
        "en": "the conditions on '{fact}' cannot all hold: it {phrases_en}",
        "fr": "les conditions sur « {fact} » ne peuvent pas toutes être remplies : il {phrases_fr}",
    },
    "check-contradictory-any": {
        "en": "none of the alternatives of 'any' can hold together with the rule's other conditions",
        "fr": "aucune des possibilités de « any » ne peut être remplie en même temps que les autres conditions",
    },
    "check-always-true": {
        "en": "'{fact}' {phrase_en} whatever the sheet: every possible value ({range}) meets this condition",
        "fr": "« {fact} » {phrase_fr} quelle que soit la fiche : toute valeur possible ({range}) remplit cette condition",
    },
    "check-duplicate": {
        "en": "this rule fires exactly when {other} ({where}) fires, and concludes the same",
        "fr": "cette règle s'applique exactement quand {other} ({where}) s'applique, et conclut la même chose",
    },
    "check-shadowed": {
        "en": "whenever this rule fires, {other} ({where}) fires too and concludes the same: this rule adds nothing",
        "fr": "chaque fois que cette règle s'applique, {other} ({where}) s'applique aussi et conclut la même chose : "
              "cette règle n'apporte rien",
    },
    "check-conflict": {
        "en": "this rule and {other} ({where}) can both fire on one sheet, with the same priority {priority}, and "
              "conclude different values for '{fact}' ({value} / {other_value}); for example when {example}",
        "fr": "cette règle et {other} ({where}) peuvent s'appliquer à la même fiche, avec la même priorité "
              "{priority}, et concluent des valeurs différentes pour « {fact} » ({value} / {other_value}) ; "
              "par exemple quand {example}",
    },
    "check-confirmed-conflict": {
        "en": "this rule and {other} ({where}) both fired on a sample sheet and concluded different values for "
              "'{fact}' ({value} / {other_value}), with the same priority {priority}; the sheet: {example}",
        "fr": "cette règle et {other} ({where}) se sont appliquées toutes deux à une fiche d'exemple et ont conclu "
              "des valeurs différentes pour « {fact} » ({value} / {other_value}), avec la même priorité {priority} ; "
              "la fiche : {example}",
    },
    "check-sheet-fact-unused": {
        "en": "no rule reads the sheet's '{fact}'{mention_en}: the owner's answer changes nothing in the advice",
        "fr": "aucune règle ne lit le champ « {fact} » de la fiche{mention_fr} : la réponse du dirigeant ne change "
              "rien au conseil",
    },
    "check-conclusion-unused": {
        "en": "nothing reads '{fact}', concluded by {rules}: no rule tests or computes with it, no explanation "
              "text shows it, and the report's summary leaves it out",
        "fr": "rien ne lit « {fact} », conclu par {rules} : aucune règle ne le teste ni ne calcule avec, aucun "
              "texte d'explication ne le montre, et le résumé du rapport ne l'inclut pas",
    },
    "check-fact-never-concluded": {
        "en": "the derived fact '{fact}' is declared but no rule concludes it",
        "fr": "le fait déduit « {fact} » est déclaré mais aucune règle ne le conclut",
    },
    "check-table-value-unused": {
        "en": "no rule reads the table value '{name}' ({value})",
        "fr": "aucune règle ne lit la valeur de table « {name} » ({value})",
    },
    "check-warning-never-raised": {
        "en": "the warning '{id}' is declared but no rule raises it",
        "fr": "le point d'attention « {id} » est déclaré mais aucune règle ne l'émet",
    },
    "check-recommendation-never-raised": {
        "en": "the recommendation '{id}' is declared but no rule makes it",
        "fr": "la recommandation « {id} » est déclarée mais aucune règle ne la fait",
    },
    "check-verdict-never-concluded": {
        "en": "the verdict '{id}' is declared but no rule concludes it",
        "fr": "le verdict « {id} » est déclaré mais aucune règle ne le conclut",
    },
    "check-not-covered": {
        "en": "no case fires this rule ({cases} {cases:case|cases} run)",
        "fr": "aucun cas ne déclenche cette règle ({cases} cas {cases:exécuté|exécutés})",
    },
    "check-placeholder": {
        "en": "still a placeholder (TODO) in: {fields}",
        "fr": "encore un texte provisoire (TODO) dans : {fields}",
    },
    "check-untranslated": {
        "en": "the French and English versions of '{field}' are the same text",
        "fr": "les versions française et anglaise de « {field} » sont le même texte",
    },
    "check-table-value-type": {
        "en": "the table value '{name}' is {value}, text, but {why_en}: it must be a number",
        "fr": "la valeur de table « {name} » vaut {value}, du texte, mais {why_fr} : ce doit être un nombre",
    },
    "check-repeated-advice": {
        "en": "this rule and {first_rule} tell the owner the same thing in one report ({first} and {second}, "
              "{percent} % alike; case {case})",
        "fr": "cette règle et {first_rule} disent la même chose au dirigeant dans un même rapport ({first} et "
              "{second}, semblables à {percent} % ; cas {case})",
    },
    "check-case-fails": {
        "en": "the case '{case}' fails ({count} {count:mismatch|mismatches}): {first}",
        "fr": "le cas « {case} » échoue ({count} {count:écart|écarts}) : {first_fr}",
    },
    "check-case-crashes": {
        "en": "the case '{case}' stops with an error at {place}: {reason}",
        "fr": "le cas « {case} » s'arrête sur une erreur en {place} : {reason_fr}",
    },
    "check-unknown-text-name": {
        "en": "{field} shows '{name}', which is no fact, table or table value",
        "fr": "{field} affiche « {name} », qui n'est ni un fait, ni une table, ni une valeur de table",
    },
    "check-text-fails": {
        "en": "the text in '{lang}' does not render on the sheet of the case '{case}' ({where}): {reason}",
        "fr": "le texte en « {lang} » ne s'affiche pas sur la fiche du cas « {case} » ({where}) : {reason}",
    },
    "check-placeholder-case": {
        "en": "the case '{case}' is still a skeleton (TODO) in: {fields}",
        "fr": "le cas « {case} » est encore un squelette (TODO) dans : {fields}",
    },
    "check-summary": {
        "en": "{rules} {rules:rule|rules} checked: {errors} {errors:error|errors}, {warnings} {warnings:warning|warnings}",
        "fr": "{rules} {rules:règle vérifiée|règles vérifiées} : {errors} {errors:erreur|erreurs}, {warnings} {warnings:avertissement|avertissements}",
    },
    "check-summary-cases": {
        "en": "{rules} {rules:rule|rules} checked, {cases} {cases:case|cases} run: {errors} {errors:error|errors}, {warnings} {warnings:warning|warnings}",
        "fr": "{rules} {rules:règle vérifiée|règles vérifiées}, {cases} cas {cases:exécuté|exécutés} : {errors} {errors:erreur|erreurs}, {warnings} {warnings:avertissement|avertissements}",
    },
    "check-summary-broken": {
        "en": "the rule base does not load: {errors} {errors:error|errors}",
        "fr": "la base de règles ne se charge pas : {errors} {errors:erreur|erreurs}",
    },
    "check-cases-skipped": {
        "en": "cases not run, as the rule base has errors (A501 needs them)",
        "fr": "cas non exécutés, car la base de règles a des erreurs (A501 en a besoin)",
    },
})

_SEVERITY_WORDS = {"en": {ERROR: "error", WARNING: "warning"}, "fr": {ERROR: "erreur", WARNING: "avertissement"}}
_FIX_LABEL = {"en": "what to do:", "fr": "à faire :"}
_HINT_LABEL = {"en": "hint:", "fr": "conseil :"}
_COLON = {"en": ":", "fr": " :"}


@dataclass(frozen=True)
class Finding:
    """One thing the verifier found: its check, and the problem (message, place, hint)."""

    check: Check
    problem: Problem

    @property
    def code(self) -> str:
        return self.check.code

    @property
    def severity(self) -> str:
        return self.check.severity

    def format(self, lang: str = "en") -> str:
        problem = self.problem
        location = problem.location()
        head = f"{location}: " if location else ""
        text = f"{head}{self.check.code} {_SEVERITY_WORDS[lang][self.severity]}{_COLON[lang]} {problem.message(lang)}"
        hint = problem.hint_text(lang)
        if hint:
            text += f"\n  {_HINT_LABEL[lang]} {hint}"
        text += f"\n  {_FIX_LABEL[lang]} {self.check.fix[lang]}"
        return text

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        problem = self.problem
        data = {
            "code": self.check.code,
            "name": self.check.name,
            "severity": self.severity,
            "file": problem.file,
            "line": problem.line,
            "rule": problem.rule,
            "field": problem.field,
            "message": problem.message(lang),
            "hint": problem.hint_text(lang),
            "fix": self.check.fix[lang],
        }
        return {key: value for key, value in data.items() if value is not None}

    def sort_key(self) -> tuple:
        problem = self.problem
        return (problem.file or "", problem.line if problem.line is not None else 10**9, problem.rule or "",
                self.check.code, problem.message("en"))


@dataclass
class CheckReport:
    rules_dir: Path
    findings: list[Finding]
    rulebook: RuleBook | None
    cases_run: int | None = None  # None: the cases were not run
    cases_skipped: str | None = None  # why the cases were not run (the text output says it in words)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == WARNING]

    @property
    def exit_code(self) -> int:
        return 2 if self.errors else 0

    def summary(self, lang: str = "en") -> str:
        if self.rulebook is None:
            return Problem("check-summary-broken", {"errors": len(self.errors)}).message(lang)
        code = "check-summary" if self.cases_run is None else "check-summary-cases"
        return Problem(code, {"rules": len(self.rulebook.rules), "errors": len(self.errors),
                              "warnings": len(self.warnings), "cases": self.cases_run}).message(lang)

    def format(self, lang: str = "en") -> str:
        lines = [finding.format(lang) for finding in self.findings]
        if self.cases_skipped:
            lines.append(Problem("check-cases-skipped").message(lang))
        lines.append(self.summary(lang))
        return "\n".join(lines) + "\n"

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "rules_dir": str(self.rules_dir),
            "rules": len(self.rulebook.rules) if self.rulebook else None,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "cases_run": self.cases_run,
            "findings": [finding.as_dict(lang) for finding in self.findings],
        }


def finding(code: str, message: str, params: dict[str, Any] | None = None, *, file: str | None = None,
            line: int | None = None, rule: str | None = None, field: str | None = None) -> Finding:
    return Finding(CHECKS[code], Problem(message, params or {}, file=file, line=line, rule=rule, field=field,
                                         severity=CHECKS[code].severity))


