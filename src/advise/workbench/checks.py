"""`advise rules check`: the rule base verified as a whole, as Drools' verifier does.

Loading already refuses what is wrong in one place (syntax, unknown facts, operators, ids,
missing translations and sources). This module looks at the rules together: rules that
can never fire, rules that repeat or shadow others, rules that may conclude different
values for one fact, circles of rules, facts and table values nothing reads, warnings and
recommendations nothing raises, rules no case covers, texts left as placeholders.

Each finding has a stable code (`CHECKS`), a severity, a place (file, line, rule) and
says what to do, in French and English. Errors mean the rule base is wrong (exit 2);
warnings mean it deserves a look (exit 0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.compiler import stratify
from ..errors import AdviseError, Problem, RuleBookError, register_messages
from ..rulebase.rulebook import Condition, Conclusion, Rule, RuleBook, load_rulebook
from ..rulebase.usage import Usage, usage
from ..sheet.facts import SHEET_FIELDS
from . import feasibility
from .docs import Phrases
from .feasibility import ABSENT, NEVER, Analysis, Requirement

ERROR, WARNING = "error", "warning"
# What the report shows besides the rules' own conclusions (advise.explain.report): reading these
# in a template counts as rendering them.
REPORTED_FACTS = ("business.name", "verdict", "max_profiles", "platforms", "weekly_hours_available",
                  "weekly_hours_needed")
TODO = re.compile(r"\bTODO\b")


@dataclass(frozen=True)
class Check:
    """One kind of finding: a stable code, a name, a severity and what to do about it."""

    code: str
    name: str
    severity: str
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
          {"en": "a warning declared but raised by no rule", "fr": "une alerte déclarée mais émise par aucune règle"},
          {"en": "write the rule that raises it (then: warn:), or remove it from vocabulary.yaml",
           "fr": "écrivez la règle qui l'émet (then: warn:), ou retirez-la de vocabulary.yaml"}),
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
    Check("A601", "placeholder-text", WARNING,
          {"en": "a text still holds a TODO placeholder", "fr": "un texte contient encore un TODO à remplacer"},
          {"en": "replace each TODO with the real text", "fr": "remplacez chaque TODO par le vrai texte"}),
    Check("A602", "untranslated-text", WARNING,
          {"en": "a text is the same in French and English", "fr": "un texte est identique en français et en anglais"},
          {"en": "translate it: each reader sees only their own language",
           "fr": "traduisez-le : chaque lecteur ne voit que sa langue"}),
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
        "fr": "la règle a besoin de « {fact} », que {reason_fr} et qui n'a pas de valeur par défaut : "
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
        "fr": "l'alerte « {id} » est déclarée mais aucune règle ne l'émet",
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
        "en": "no case fires this rule ({cases} case(s) run)",
        "fr": "aucun cas ne déclenche cette règle ({cases} cas exécuté(s))",
    },
    "check-placeholder": {
        "en": "still a placeholder (TODO) in: {fields}",
        "fr": "encore un texte provisoire (TODO) dans : {fields}",
    },
    "check-untranslated": {
        "en": "the French and English versions of '{field}' are the same text",
        "fr": "les versions française et anglaise de « {field} » sont le même texte",
    },
    "check-summary": {
        "en": "{rules} rule(s) checked: {errors} error(s), {warnings} warning(s)",
        "fr": "{rules} règle(s) vérifiée(s) : {errors} erreur(s), {warnings} avertissement(s)",
    },
    "check-summary-cases": {
        "en": "{rules} rule(s) checked, {cases} case(s) run: {errors} error(s), {warnings} warning(s)",
        "fr": "{rules} règle(s) vérifiée(s), {cases} cas exécuté(s) : {errors} erreur(s), {warnings} avertissement(s)",
    },
    "check-summary-broken": {
        "en": "the rule base does not load: {errors} error(s)",
        "fr": "la base de règles ne se charge pas : {errors} erreur(s)",
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


# ---------------------------------------------------------------- entry point


def check_rules(rules_dir: str | Path, *, cases: bool = True) -> CheckReport:
    """Load and verify the rule base in `rules_dir`; never raises for a broken rule base."""
    directory = Path(rules_dir)
    try:
        rulebook = load_rulebook(directory)
    except RuleBookError as error:
        findings = [Finding(CHECKS["A001"], problem) for problem in error.problems]
        return CheckReport(directory, findings, None)
    return check_rulebook(rulebook, cases=cases)


def check_rulebook(rulebook: RuleBook, *, cases: bool = True) -> CheckReport:
    analysis = feasibility.analyse(rulebook)
    uses = usage(rulebook)
    findings: list[Finding] = []
    findings += _cycles(rulebook)
    findings += _never_fire(rulebook, analysis)
    findings += _always_true(rulebook, analysis)
    findings += _redundant(rulebook, analysis)
    findings += _conflicts(rulebook, analysis)
    findings += _unused(rulebook, uses, analysis)
    findings += _texts(rulebook)
    report = CheckReport(rulebook.directory, findings, rulebook)
    if cases:
        if any(f.severity == ERROR for f in findings):
            report.cases_skipped = "the rule base has errors"
        else:
            _coverage(rulebook, report)
    report.findings = sorted(report.findings, key=Finding.sort_key)
    return report


# ---------------------------------------------------------------- never fires


def _cycles(rulebook: RuleBook) -> list[Finding]:
    try:
        stratify(rulebook)
    except RuleBookError as error:
        return [Finding(CHECKS["A301" if problem.code == "rule-cycle" else "A001"], problem)
                for problem in error.problems]
    return []


def _phrases(rulebook: RuleBook) -> dict[str, Phrases]:
    return {lang: Phrases(rulebook, lang) for lang in ("en", "fr")}


def _never_fire(rulebook: RuleBook, analysis: Analysis) -> list[Finding]:
    phrases = _phrases(rulebook)
    concluders = rulebook.concluders()
    findings: list[Finding] = []
    for rule in rulebook.rules:
        if rule.id not in analysis.dead:
            continue
        domains = analysis.dead[rule.id]
        requirement = analysis.requirements[rule.id]
        found = _single_condition_findings(rule, requirement, domains, phrases, concluders, analysis)
        if not found:
            found = _contradiction_findings(rule, requirement, domains, phrases)
        if not found:
            found = [finding("A101", "check-contradictory-any", file=rule.file, line=rule.line, rule=rule.id)]
        findings += found
    return findings


def _single_condition_findings(rule: Rule, requirement: Requirement, domains: dict, phrases: dict[str, Phrases],
                               concluders: dict[str, list[Rule]], analysis: Analysis) -> list[Finding]:
    findings: list[Finding] = []
    reported: set[str] = set()
    for condition in requirement.conditions:
        domain = domains.get(condition.fact)
        if domain is None or feasibility.fact_witness(domain, [condition]) is not None:
            continue
        where = {"file": rule.file, "line": condition.line or rule.line, "rule": rule.id}
        fact = analysis.rulebook.facts[condition.fact]
        if domain.presence == NEVER and not condition.negated:
            if condition.fact in reported:
                continue
            reported.add(condition.fact)
            if concluders.get(condition.fact):
                names = ", ".join(r.id for r in concluders[condition.fact])
                reason = {"en": f"only rules that can never fire conclude ({names})",
                          "fr": f"seules concluent des règles qui ne peuvent jamais s'appliquer ({names})"}
            else:
                reason = {"en": "no rule concludes", "fr": "aucune règle ne conclut"}
            findings.append(finding("A103", "check-never-concluded", {
                "fact": condition.fact, "reason_en": reason["en"], "reason_fr": reason["fr"]}, **where))
            continue
        params = {"fact": condition.fact, "phrase_en": _phrase(phrases["en"], condition),
                  "phrase_fr": _phrase(phrases["fr"], condition)}
        if fact.derived and domain.values is not None and not fact.family:
            findings.append(finding("A104", "check-value-never-concluded",
                                    {**params, "values": domain.describe()}, **where))
        else:
            findings.append(finding("A102", "check-impossible", {**params, "range": domain.describe()}, **where))
    return findings


def _phrase(phrases: Phrases, condition: Condition) -> str:
    """What a condition asks of its fact, without the fact's name: 'is more than 168 h/week'."""
    text = phrases.condition(condition, with_label=False)
    return text[len(condition.fact):].strip()


def _contradiction_findings(rule: Rule, requirement: Requirement, domains: dict,
                            phrases: dict[str, Phrases]) -> list[Finding]:
    by_fact: dict[str, list[Condition]] = {}
    for condition in requirement.conditions:
        by_fact.setdefault(condition.fact, []).append(condition)
    findings = []
    for fact, conditions in by_fact.items():
        domain = domains.get(fact)
        if domain is None or feasibility.fact_witness(domain, conditions) is not None:
            continue
        joined = {lang: f" {'and' if lang == 'en' else 'et'} ".join(_phrase(p, c) for c in conditions)
                  for lang, p in phrases.items()}
        findings.append(finding("A101", "check-contradictory", {
            "fact": fact, "phrases_en": joined["en"], "phrases_fr": joined["fr"]},
            file=rule.file, line=conditions[0].line or rule.line, rule=rule.id))
    return findings


def _always_true(rulebook: RuleBook, analysis: Analysis) -> list[Finding]:
    phrases = _phrases(rulebook)
    findings = []
    for rule in analysis.live:
        for item in rule.when.items:
            if not isinstance(item, Condition):
                continue
            domain = analysis.domains.get(item.fact)
            if domain is None or not feasibility.always_holds(domain, item):
                continue
            findings.append(finding("A105", "check-always-true", {
                "fact": item.fact, "phrase_en": _phrase(phrases["en"], item), "phrase_fr": _phrase(phrases["fr"], item),
                "range": domain.describe()}, file=rule.file, line=item.line or rule.line, rule=rule.id))
    return findings


# ---------------------------------------------------------------- redundancy and conflicts


def _conclusion_key(conclusion: Conclusion) -> tuple:
    value = conclusion.expression.text if conclusion.expression is not None else conclusion.value
    return (conclusion.kind, conclusion.fact, "expr" if conclusion.expression is not None else "const",
            tuple(value) if isinstance(value, list) else value)


def _condition_key(condition: Condition) -> tuple:
    return (condition.fact, condition.op, condition.operand, condition.negated)


def _requirement_key(requirement: Requirement) -> tuple:
    conditions = frozenset(_condition_key(c) for c in requirement.conditions)
    choices = frozenset(frozenset(frozenset(_condition_key(c) for c in alternative) for alternative in group)
                        for group in requirement.choices)
    return (conditions, choices)


def _where(rule: Rule) -> str:
    return f"{rule.file}:{rule.line}" if rule.line else rule.file


def _redundant(rulebook: RuleBook, analysis: Analysis) -> list[Finding]:
    live = analysis.live
    keys = {rule.id: frozenset(_conclusion_key(c) for c in rule.then) for rule in live}
    by_conclusion: dict[tuple, list[Rule]] = {}
    for rule in live:
        for key in keys[rule.id]:
            by_conclusion.setdefault(key, []).append(rule)
    findings = []
    reported: set[str] = set()
    for rule in live:
        first_key = min(keys[rule.id], key=repr)
        for other in by_conclusion[first_key]:
            if other.id == rule.id or rule.id in reported or not keys[rule.id] <= keys[other.id]:
                continue
            mine, theirs = analysis.requirements[rule.id], analysis.requirements[other.id]
            same_conclusions = keys[rule.id] == keys[other.id]
            identical = _requirement_key(mine) == _requirement_key(theirs)
            stronger = identical or feasibility.implies(mine, theirs, analysis.domains)
            if not stronger:
                continue
            equivalent = identical or feasibility.implies(theirs, mine, analysis.domains)
            if equivalent and same_conclusions:
                if other.order > rule.order:
                    continue  # reported on the later of the two
                findings.append(finding("A201", "check-duplicate", {"other": other.id, "where": _where(other)},
                                        file=rule.file, line=rule.line, rule=rule.id))
                reported.add(rule.id)
            elif not any(kind == "add" for kind, *_ in keys[rule.id]):
                if equivalent and rule.order < other.order:
                    continue  # the same conditions, fewer conclusions: reported on the later one only
                findings.append(finding("A202", "check-shadowed", {"other": other.id, "where": _where(other)},
                                        file=rule.file, line=rule.line, rule=rule.id))
                reported.add(rule.id)
    return findings


def _conflicts(rulebook: RuleBook, analysis: Analysis, *, confirm: bool = True) -> list[Finding]:
    """Pairs of rules setting one fact to different values, with the same priority, whose
    conditions can hold together. A sample sheet built from the example values is run:
    if the run stops on their conflict, that is an error (A204); otherwise, two different
    constants remain a possible conflict (A203), and a computation is given the benefit
    of the doubt (its value may well agree)."""
    phrases = _phrases(rulebook)
    setters: dict[str, list[tuple[Rule, Conclusion]]] = {}
    for rule in analysis.live:
        for conclusion in rule.then:
            if conclusion.kind == "set":
                setters.setdefault(conclusion.fact, []).append((rule, conclusion))
    runner = _SampleRunner(rulebook) if confirm else None
    findings = []
    for fact, entries in setters.items():
        for index, (first, first_conclusion) in enumerate(entries):
            for second, second_conclusion in entries[index + 1:]:
                if first.id == second.id or first.priority != second.priority:
                    continue
                if _conclusion_key(first_conclusion)[2:] == _conclusion_key(second_conclusion)[2:]:
                    continue  # the same value, or the same computation: they agree
                joint = analysis.requirements[first.id] + analysis.requirements[second.id]
                example = feasibility.witness(joint, analysis.domains)
                if example is None:
                    continue
                params = {"other": first.id, "where": _where(first), "priority": second.priority, "fact": fact,
                          "value": _value_text(second_conclusion), "other_value": _value_text(first_conclusion)}
                where = {"file": second.file, "line": second.line, "rule": second.id}
                sheet = runner.sample(example) if runner else None
                if runner and sheet is not None and runner.conflicts(sheet, {first.id, second.id}):
                    shown = _sheet_text(sheet)
                    findings.append(finding("A204", "check-confirmed-conflict", {**params, "example": shown}, **where))
                elif first_conclusion.expression is None and second_conclusion.expression is None:
                    shown = {lang: _example(p, example, rulebook) for lang, p in phrases.items()}
                    findings.append(finding("A203", "check-conflict", {
                        **params, "example": shown["en"], "example_en": shown["en"], "example_fr": shown["fr"]},
                        **where))
    return findings


class _SampleRunner:
    """Runs sample sheets through the rule base, compiled once, to confirm a conflict."""

    def __init__(self, rulebook: RuleBook):
        self.rulebook = rulebook
        self._program: Any = None
        self._engine: Any = None
        self.broken = False

    def sample(self, example: dict[str, Any]) -> dict[str, Any] | None:
        """A whole sheet: the example's sheet values, the template's example values elsewhere."""
        from ..sheet.template import example_value

        facts: dict[str, Any] = {}
        for name in SHEET_FIELDS:
            value = example.get(name, ABSENT)
            if value is ABSENT or value == feasibility._OTHER:
                value = example_value(name, "en")
            elif isinstance(value, tuple):
                value = [item for item in value if item != feasibility._OTHER]
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            facts[name] = value
        return facts

    def conflicts(self, facts: dict[str, Any], rules: set[str]) -> bool:
        from ..engine.compiler import compile_rulebook
        from ..engine.durable import Engine
        from ..engine.inference import infer
        from ..errors import ConflictError
        from ..sheet.facts import fact_sheet_from_mapping

        if self.broken:
            return False
        try:
            if self._program is None:
                self._program = compile_rulebook(self.rulebook)
                self._engine = Engine(self._program.definition)
            mapping: dict[str, Any] = {}
            for name, value in facts.items():
                _put(mapping, name, value)
            sheet = fact_sheet_from_mapping(mapping, filename="<sample>")
            infer(self._program, self._engine, sheet.facts)
        except ConflictError as error:
            problem = error.problems[0]
            return {problem.params.get("first"), problem.params.get("second")} == rules
        except AdviseError:
            self.broken = self._program is None
            return False
        return False


def _put(mapping: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        mapping = mapping.setdefault(part, {})
    mapping[parts[-1]] = value


def _sheet_text(facts: dict[str, Any]) -> str:
    from ..sheet.template import yaml_value

    return ", ".join(f"{name}: {yaml_value(value)}" for name, value in facts.items())


def _value_text(conclusion: Conclusion) -> str:
    if conclusion.expression is not None:
        return conclusion.expression.text
    return feasibility._show(conclusion.value)


def _example(phrases: Phrases, example: dict[str, Any], rulebook: RuleBook) -> str:
    parts = []
    for name in sorted(example, key=lambda n: (rulebook.facts[n].derived if n in rulebook.facts else True, n)):
        value = example[name]
        if value is ABSENT:
            parts.append(f"{name} " + ("is absent" if phrases.lang == "en" else "est absent"))
        else:
            shown = feasibility._show(value) if value != feasibility._OTHER else "…"
            parts.append(f"{name} = {shown}")
    if not parts:
        return "any sheet" if phrases.lang == "en" else "n'importe quelle fiche"
    return ", ".join(parts)


# ---------------------------------------------------------------- unused things


def _unused(rulebook: RuleBook, uses: Usage, analysis: Analysis) -> list[Finding]:
    vocabulary = rulebook.vocabulary
    findings: list[Finding] = []
    sheet_lines = _sheet_label_lines(vocabulary.file)
    for name in SHEET_FIELDS:
        if uses.read(name) or name in REPORTED_FACTS:
            continue
        mentioned = bool(uses.mentioners.get(name))
        findings.append(finding("A401", "check-sheet-fact-unused", {
            "fact": name,
            "mention_en": " (explanation texts only show it)" if mentioned else "",
            "mention_fr": " (seuls des textes d'explication l'affichent)" if mentioned else ""},
            file=vocabulary.file, line=sheet_lines.get(name), field=name))
    families_done: set[str] = set()
    for name, fact in vocabulary.facts.items():
        if not fact.derived or name.startswith(("warnings.", "recommendations.")):
            continue
        members = vocabulary.families[fact.family] if fact.family else (name,)
        shown_name = f"{fact.family}.*" if fact.family else name
        if fact.family:
            if fact.family in families_done:
                continue
            families_done.add(fact.family)
        concluders = [r for m in members for r in uses.concluders.get(m, ())]
        live_concluders = [r for r in concluders if r not in analysis.dead]
        if not concluders:
            findings.append(finding("A403", "check-fact-never-concluded", {"fact": shown_name},
                                    file=vocabulary.file, line=fact.line))
            continue
        if any(uses.used(m) for m in members) or name in REPORTED_FACTS or not live_concluders:
            continue
        concluders = live_concluders
        first = rulebook.rule(concluders[0])
        line = next((c.line for c in first.then if c.fact in members and c.line), first.line)
        findings.append(finding("A402", "check-conclusion-unused", {
            "fact": shown_name, "rules": ", ".join(dict.fromkeys(concluders))},
            file=first.file, line=line, rule=first.id))
    for table in rulebook.tables.values():
        for entry in table.entries.values():
            if uses.used(entry.name):
                continue
            findings.append(finding("A404", "check-table-value-unused", {
                "name": entry.name, "value": feasibility._show(entry.value)}, file=entry.file, line=entry.line))
    for code, message, section, prefix in (
            ("A405", "check-warning-never-raised", vocabulary.warnings, "warnings."),
            ("A406", "check-recommendation-never-raised", vocabulary.recommendations, "recommendations.")):
        for item_id in section:
            if not uses.concluders.get(prefix + item_id):
                fact = vocabulary.facts.get(prefix + item_id)
                findings.append(finding(code, message, {"id": item_id}, file=vocabulary.file,
                                        line=fact.line if fact else None))
    verdict_values = [c for rule in rulebook.rules for c in rule.then if c.fact == "verdict"]
    if "verdict" in vocabulary.facts and all(c.expression is None for c in verdict_values):
        concluded = {c.value for c in verdict_values}
        for verdict in vocabulary.verdicts:
            if verdict not in concluded:
                findings.append(finding("A407", "check-verdict-never-concluded", {"id": verdict},
                                        file=vocabulary.file, line=vocabulary.facts["verdict"].line))
    return findings


def _sheet_label_lines(vocabulary_file: str) -> dict[str, int]:
    """Lines of the sheet fields' labels in vocabulary.yaml (the rule book keeps none)."""
    from ..sheet.yamlload import load_yaml

    try:
        data, positions = load_yaml(vocabulary_file, error=RuleBookError)
    except RuleBookError:
        return {}
    sheet = data.get("sheet") if isinstance(data, dict) else None
    if not isinstance(sheet, dict):
        return {}
    return {name: line for name in sheet if (line := positions.line(("sheet", name))) is not None}


# ---------------------------------------------------------------- texts


def _texts(rulebook: RuleBook) -> list[Finding]:
    findings = []
    for rule in rulebook.rules:
        placeholders = [f"title.{lang}" for lang, text in rule.title.items() if TODO.search(text)]
        placeholders += [f"because.{lang}" for lang, text in rule.because.items() if TODO.search(text)]
        placeholders += ["source" for source in rule.source[:1] if any(TODO.search(s) for s in rule.source)]
        if rule.notes and TODO.search(rule.notes):
            placeholders.append("notes")
        if placeholders:
            findings.append(finding("A601", "check-placeholder", {"fields": ", ".join(placeholders)},
                                    file=rule.file, line=rule.line, rule=rule.id))
        for name, texts in (("title", rule.title), ("because", rule.because)):
            en, fr = texts.get("en", ""), texts.get("fr", "")
            if en and en == fr and len(en) > 20 and not TODO.search(en):
                findings.append(finding("A602", "check-untranslated", {"field": name}, file=rule.file,
                                        line=rule.line, rule=rule.id))
    return findings


# ---------------------------------------------------------------- cases


def _coverage(rulebook: RuleBook, report: CheckReport) -> None:
    """Run the cases beside the rules; each rule no case fires is a warning (A501)."""
    from ..advisor import Advisor
    from .casework import coverage, run_rule_cases

    try:
        advisor = Advisor(rulebook.directory)
        _, results = run_rule_cases(advisor)
    except AdviseError as error:
        report.findings += [Finding(CHECKS["A002"], problem) for problem in error.problems]
        return
    report.cases_run = len(results)
    for rule in coverage(rulebook, results).uncovered:
        original = rulebook.rule(rule.rule)
        report.findings.append(finding("A501", "check-not-covered", {"cases": len(results)},
                                       file=original.file, line=original.line, rule=original.id))
