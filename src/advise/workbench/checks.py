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
from pathlib import Path
from typing import Any

from ..engine.compiler import stratify
from ..errors import AdviseError, RuleBookError
from ..rulebase.loading import load_rulebook
from ..rulebase.model import Condition, Conclusion, Rule, RuleBook
from ..rulebase.usage import Usage, usage
from ..sheet.facts import SHEET_FIELDS
from . import feasibility, textchecks
from .catalogue import CHECKS, ERROR, CheckReport, Finding, finding
from .docs import Phrases
from .feasibility import ABSENT, NEVER, Analysis, Requirement

# What the report shows besides the rules' own conclusions (advise.explain.report): reading these
# in a template counts as rendering them.
REPORTED_FACTS = ("business.name", "verdict", "max_profiles", "platforms", "weekly_hours_available",
                  "weekly_hours_needed")
TODO = re.compile(r"\bTODO\b")


# ---------------------------------------------------------------- entry point


def check_rules(rules_dir: str | Path, *, cases: bool = True, invariants: bool = True) -> CheckReport:
    """Load and verify the rule base in `rules_dir`; never raises for a broken rule base."""
    directory = Path(rules_dir)
    try:
        rulebook = load_rulebook(directory)
    except RuleBookError as error:
        findings = [Finding(CHECKS["A001"], problem) for problem in error.problems]
        return CheckReport(directory, findings, None)
    return check_rulebook(rulebook, cases=cases, invariants=invariants)


def check_rulebook(rulebook: RuleBook, *, cases: bool = True, invariants: bool = True) -> CheckReport:
    analysis = feasibility.analyse(rulebook)
    uses = usage(rulebook)
    findings: list[Finding] = []
    findings += _cycles(rulebook)
    findings += _never_fire(rulebook, analysis)
    findings += _always_true(rulebook, analysis)
    findings += _redundant(analysis)
    findings += _conflicts(rulebook, analysis)
    findings += _unused(rulebook, uses, analysis)
    findings += _texts(rulebook)
    findings += textchecks.names_in_texts(rulebook)
    findings += textchecks.table_value_types(rulebook)
    if invariants and not any(f.severity == ERROR for f in findings):
        findings += _invariants(rulebook)
    report = CheckReport(rulebook.directory, findings, rulebook)
    if cases:
        if any(f.severity == ERROR for f in findings):
            report.cases_skipped = "the rule base has errors"
        else:
            _coverage(rulebook, report)
    report.findings = sorted(report.findings, key=Finding.sort_key)
    return report


# ---------------------------------------------------------------- invariants


def _invariants(rulebook: RuleBook) -> list[Finding]:
    """rules/invariants.yaml: problems in the file (A702), invariants a sheet breaks (A701)."""
    from .invariant_search import findings as invariant_findings

    problems, broken = invariant_findings(rulebook)
    return [Finding(CHECKS["A702"], problem) for problem in problems] + \
        [Finding(CHECKS["A701"], problem) for problem in broken]


# ---------------------------------------------------------------- never fires


def _cycles(rulebook: RuleBook) -> list[Finding]:
    try:
        stratify(rulebook)
    except RuleBookError as error:  # stratify raises for circles of rules only
        return [Finding(CHECKS["A301"], problem) for problem in error.problems]
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
                          "fr": f"que seules concluent des règles qui ne peuvent jamais s'appliquer ({names})"}
            else:
                reason = {"en": "no rule concludes", "fr": "qu'aucune règle ne conclut"}
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
    return (conclusion.kind, conclusion.fact, "expr" if conclusion.expression is not None else "const", value)


def _condition_key(condition: Condition) -> tuple:
    return (condition.fact, condition.op, condition.operand, condition.negated)


def _requirement_key(requirement: Requirement) -> tuple:
    conditions = frozenset(_condition_key(c) for c in requirement.conditions)
    choices = frozenset(frozenset(frozenset(_condition_key(c) for c in alternative) for alternative in group)
                        for group in requirement.choices)
    return (conditions, choices)


def _where(rule: Rule) -> str:
    return f"{rule.file}:{rule.line}" if rule.line else rule.file


def _redundant(analysis: Analysis) -> list[Finding]:
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


def _conflicts(rulebook: RuleBook, analysis: Analysis) -> list[Finding]:
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
    runner = _SampleRunner(rulebook)
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
                sheet = runner.sample(example)
                if runner.conflicts(sheet, {first.id, second.id}):
                    shown = _sheet_text(sheet)
                    findings.append(finding("A204", "check-confirmed-conflict", {**params, "example": shown}, **where))
                elif first_conclusion.expression is None and second_conclusion.expression is None:
                    # in each language: "is absent", "any sheet" are words of the message's own
                    shown = {lang: _example(p, example, rulebook) for lang, p in phrases.items()}
                    findings.append(finding("A203", "check-conflict", {**params, "example": shown}, **where))
    return findings


class _SampleRunner:
    """Runs sample sheets through the rule base, compiled once, to confirm a conflict."""

    def __init__(self, rulebook: RuleBook):
        self.rulebook = rulebook
        self._program: Any = None
        self._engine: Any = None
        self.broken = False

    def sample(self, example: dict[str, Any]) -> dict[str, Any]:
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
        from ..engine.compiler import STAGE, compile_rulebook
        from ..engine.durable import Engine
        from ..engine.inference import infer
        from ..errors import ConflictError
        from ..sheet.facts import fact_sheet_from_mapping

        if self.broken:
            return False
        try:
            if self._program is None:
                self._program = compile_rulebook(self.rulebook)
                self._engine = Engine(self._program.definition, end_type=STAGE)
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
    report.findings += textchecks.case_findings(rulebook, results)
    for rule in coverage(rulebook, results).uncovered:
        original = rulebook.rule(rule.rule)
        report.findings.append(finding("A501", "check-not-covered", {"cases": len(results)},
                                       file=original.file, line=original.line, rule=original.id))
