"""The checks of `advise rules check` that look at what a client would read: names used in
the rules' texts, every text rendered in both languages on every case sheet, cases that fail
or crash, skeleton cases left with TODO, table values of the wrong type for their use, and
two conclusions of one report that tell the owner the same thing.

The catalogue (advise.workbench.catalogue) holds the codes; advise.workbench.checks calls
these functions with the rule book and, when the cases were run, their results.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterable, Sequence

import jinja2
from jinja2 import meta, nodes

from ..errors import AdviseError, closest
from ..rulebase.model import FILTER_NAMES, RuleBook
from ..rulebase.usage import resolve
from .catalogue import Finding, finding

TODO = re.compile(r"\bTODO\b")
LANGS = ("en", "fr")
# Names a text may use besides facts and tables: the report's language and Jinja's globals.
TEXT_GLOBALS = frozenset({"lang", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop"})
NUMERIC_UNITS = frozenset({"hours_per_week", "euros_per_month", "profiles", "points", "percent"})
SAME_ADVICE_RATIO = 0.85  # texts this alike say the same thing
_PARSER = jinja2.Environment(autoescape=False)
_PARSER.filters.update({name: str for name in FILTER_NAMES})


# ---------------------------------------------------------------- names in texts


def text_names(text: str) -> list[tuple[str, int]]:
    """The dotted names a Jinja text reads from its context, with their line in the text
    (loop variables and names the text sets itself are left out)."""
    try:
        tree = _PARSER.parse(text)
        free = meta.find_undeclared_variables(tree)
    except jinja2.TemplateError:
        return []  # loading reports syntax errors and unknown filters
    found: list[tuple[str, int]] = []

    def dotted(node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Name):
            return node.name if node.ctx == "load" else None
        if isinstance(node, nodes.Getattr):
            base = dotted(node.node)
            return f"{base}.{node.attr}" if base else None
        return None

    def visit(node: nodes.Node) -> None:
        if isinstance(node, (nodes.Name, nodes.Getattr)):
            name = dotted(node)
            if name is not None:
                if name.split(".")[0] in free and all(name != seen for seen, _ in found):
                    found.append((name, node.lineno))
                return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return found


def _known_names(rulebook: RuleBook) -> list[str]:
    names = [*rulebook.facts, *rulebook.vocabulary.families, *rulebook.tables]
    names += [entry.name for table in rulebook.tables.values() for entry in table.entries.values()]
    names += sorted({name.rsplit(".", 1)[0] for name in rulebook.facts if "." in name})
    return names


def unknown_name(rulebook: RuleBook, name: str) -> bool:
    """True when `name` reaches nothing a report's text can show."""
    if name.split(".")[0] in TEXT_GLOBALS or resolve(rulebook, name):
        return False
    parts = name.split(".")
    for end in range(len(parts) - 1, 0, -1):  # an attribute of a single value (a method): allowed
        prefix = ".".join(parts[:end])
        if resolve(rulebook, prefix):
            return resolve(rulebook, prefix) != (prefix,) or prefix in rulebook.tables
    return True


def names_in_texts(rulebook: RuleBook) -> list[Finding]:
    """A603: a name in a `because` text that is no fact, table or table value."""
    known = _known_names(rulebook)
    findings = []
    for rule in rulebook.rules:
        for lang in LANGS:
            text = rule.because.get(lang, "")
            for name, _line in text_names(text):
                if not unknown_name(rulebook, name):
                    continue
                suggestion = closest(name, known)
                params = {"name": name, "field": f"because.{lang}"}
                found = finding("A603", "check-unknown-text-name", params, file=rule.file, line=rule.line,
                                rule=rule.id, field=f"because.{lang}")
                if suggestion:
                    found = Finding(found.check, _with_hint(found.problem, suggestion))
                findings.append(found)
    return findings


def _with_hint(problem: Any, suggestion: str) -> Any:
    from ..records import replace

    return replace(problem, hint="hint-did-you-mean", hint_params={"suggestion": suggestion})


# ---------------------------------------------------------------- table values typed by their use


def table_value_types(rulebook: RuleBook) -> list[Finding]:
    """A106: a table value whose type does not fit how it is used: compared with a number,
    used in a computation, or given a unit of measure, yet written as text ("0.7")."""
    findings = []
    reported: set[str] = set()

    def report(entry: Any, why_en: str, why_fr: str, rule: str | None) -> None:
        if entry.name in reported:
            return
        reported.add(entry.name)
        findings.append(finding("A106", "check-table-value-type", {
            "name": entry.name, "value": repr(entry.value), "why_en": why_en, "why_fr": why_fr},
            file=entry.file, line=entry.line, field=entry.name))

    def is_text_number(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        try:
            float(value.replace(",", "."))
        except ValueError:
            return False
        return True

    for rule in rulebook.rules:
        for condition in rule.conditions:
            ref = condition.operand_ref
            entry = rulebook.table_value(ref) if ref else None
            fact = rulebook.facts.get(condition.fact)
            if entry is None or fact is None:
                continue
            number_expected = fact.kind == "number" or condition.op in ("lt", "le", "gt", "ge")
            if number_expected and not _is_number(entry.value):
                report(entry, f"rule {rule.id} compares it with the number '{condition.fact}'",
                       f"la règle {rule.id} le compare au nombre « {condition.fact} »", rule.id)
        for conclusion in rule.then:
            if conclusion.expression is None:
                continue
            for name in conclusion.expression.names:
                for member in resolve(rulebook, name):
                    entry = rulebook.table_value(member)
                    if entry is not None and is_text_number(entry.value):
                        report(entry, f"rule {rule.id} computes with it",
                               f"la règle {rule.id} calcule avec", rule.id)
    for table in rulebook.tables.values():
        for entry in table.entries.values():
            if entry.unit in NUMERIC_UNITS and not _is_number(entry.value):
                report(entry, f"its unit is {entry.unit}", f"son unité est {entry.unit}", None)
    return findings


def _is_number(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_is_number(inner) for inner in value.values())
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---------------------------------------------------------------- the cases


def case_findings(rulebook: RuleBook, results: Sequence[Any]) -> list[Finding]:
    """A502 a case that fails, A503 one that crashes, A604 a text that does not render on a
    case's sheet (in either language), A605 a skeleton case left with TODO, A206 two
    conclusions of one report that say the same thing."""
    from ..explain.report import build_report

    findings: list[Finding] = []
    seen_texts: set[tuple[str | None, str]] = set()
    seen_pairs: set[tuple[str, str]] = set()
    for outcome in results:
        case = outcome.case
        where = {"file": case.file, "line": case.line}
        placeholders = _case_placeholders(case)
        if placeholders:
            findings.append(finding("A605", "check-placeholder-case", {"case": case.name,
                                                                       "fields": ", ".join(placeholders)}, **where))
        if outcome.error is not None:
            problem = outcome.error.problems[0]
            findings.append(finding("A503", "check-case-crashes", {
                "case": case.name, "place": problem.location() or "-", "reason": problem.message("en"),
                "reason_fr": problem.message("fr")}, rule=problem.rule, **where))
            continue
        if not outcome.passed:
            findings.append(finding("A502", "check-case-fails", {
                "case": case.name, "count": len(outcome.mismatches),
                "first": outcome.mismatches[0].message("en"), "first_fr": outcome.mismatches[0].message("fr")},
                **where))
        if outcome.result is None:
            continue
        reports = {}
        for lang in LANGS:
            try:
                reports[lang] = build_report(outcome.result, lang)
            except AdviseError as error:
                problem = error.problems[0]
                key = (problem.rule, problem.message("en"))
                if key in seen_texts:
                    continue
                seen_texts.add(key)
                findings.append(finding("A604", "check-text-fails", {
                    "case": case.name, "where": f"{case.file}:{case.line}" if case.line else case.file,
                    "lang": lang, "reason": problem.params.get("reason", problem.message("en"))},
                    file=problem.file, line=problem.line, rule=problem.rule, field=f"because.{lang}"))
        if "en" in reports:
            findings += _repeated_advice(rulebook, reports["en"], case, seen_pairs)
    return findings


def _case_placeholders(case: Any) -> list[str]:
    fields = [f"description.{lang}" for lang, text in sorted(case.description.items()) if TODO.search(text)]
    fields += [f"sheet.{name}" for name, value in case.sheet.facts.items()
               if isinstance(value, str) and TODO.search(value)]
    return fields


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w%€]+", " ", text.lower()).split())


def _repeated_advice(rulebook: RuleBook, report: Any, case: Any, seen: set[tuple[str, str]]) -> list[Finding]:
    # What the report tells the owner to do: warnings, recommendations, and the action on
    # each profile already open (id, title, text, rule).
    items = [(item.id, item.title, item.text, item.rule) for item in (*report.warnings, *report.recommendations)]
    items += [(f"existing.{entry.platform}", f"{entry.action} {entry.platform}", entry.text, entry.rule)
              for entry in getattr(report, "existing", ())]
    findings = []
    for index, (first_id, first_title, first_text, first_rule) in enumerate(items):
        for second_id, second_title, second_text, second_rule in items[index + 1:]:
            if first_rule == second_rule:
                continue
            pair = tuple(sorted((first_id, second_id)))
            if pair in seen:
                continue
            same_title = _normal(first_title) == _normal(second_title)
            ratio = difflib.SequenceMatcher(None, _normal(first_text), _normal(second_text)).ratio()
            if not same_title and ratio < SAME_ADVICE_RATIO:
                continue
            seen.add(pair)  # type: ignore[arg-type]
            later = rulebook.rule(second_rule)
            findings.append(finding("A206", "check-repeated-advice", {
                "first": first_id, "first_rule": first_rule, "second": second_id, "case": case.name,
                "percent": round(ratio * 100)}, file=later.file, line=later.line, rule=later.id))
    return findings


__all__ = ["text_names", "unknown_name", "names_in_texts", "table_value_types", "case_findings"]
