"""How the findings of `advise rules check` read: the message of each, and how a finding and
a whole check report read, as text and as JSON, in French and English.

The registry of check codes (code, name, severity, what / why / how to fix) is in
advise.workbench.checkcodes; the analyses that produce the findings are in
advise.workbench.checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, register_messages
from ..rulebase.model import RuleBook
from .checkcodes import SEVERITY_WORDS, BY_NAME, CHECKS, ERROR, WARNING, Check

__all__ = ["BY_NAME", "CHECKS", "ERROR", "WARNING", "Check", "CheckReport", "Finding", "finding"]


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
    "check-explain-tip": {
        "en": "to read why a finding matters: advise rules check --explain {code}",
        "fr": "pour lire pourquoi un constat compte : advise rules check --explain {code}",
    },
    "check-cases-skipped": {
        "en": "cases not run, as the rule base has errors (A501 needs them)",
        "fr": "cas non exécutés, car la base de règles a des erreurs (A501 en a besoin)",
    },
})

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
        text = f"{head}{self.check.code} {SEVERITY_WORDS[lang][self.severity]}{_COLON[lang]} {problem.message(lang)}"
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
            "why": self.check.why[lang],
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
        if self.findings:
            lines.append(Problem("check-explain-tip", {"code": self.findings[0].code}).message(lang))
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


