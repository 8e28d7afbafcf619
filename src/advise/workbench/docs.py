"""Rules in plain language: `advise rules show`, `advise rules list`, and docs/rules.md.

Everything here is generated from the rule book: conditions read through the operators'
own phrases (advise.rulebase.operators), conclusions through the vocabulary's titles, in French or
English. Nothing is written by hand, so the reference never drifts from the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..explain.wording import count_items, format_number, make_filters
from ..rulebase.expressions import FUNCTIONS
from ..rulebase.model import Condition, Conclusion, Group, Rule, RuleBook
from ..rulebase.operators import OPERATORS
from ..rulebase.usage import template_names, usage

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "when": "When", "then": "Then", "because": "Because", "source": "Source", "sources": "Sources",
        "priority": "priority", "theme": "theme", "file": "file", "always": "always (the rule has no condition)",
        "all_hold": "all of these hold:", "one_of": "one of these holds:", "all_of": "all of:", "and": "and",
        "cases": "Cases", "no_cases": "no case fires this rule",
        "fires": "fires", "silent": "silent", "expects_fire": "expects it to fire", "expects_silent": "expects it silent",
        "notes": "Notes", "true": "true", "false": "false",
        "set": "sets {subject} to {value}", "compute": "computes {subject} = {expression}",
        "add": "adds {value} to {subject}", "warn": "raises the warning {id}: “{title}”",
        "recommend": "recommends {id}: “{title}”",
        "rule": "rule", "title": "title", "location": "location", "id": "id", "meaning": "meaning",
        "raised_by": "raised by", "concluded_by": "concluded by", "read_by": "read by", "type": "type",
        "value": "value", "unit": "unit", "key": "key", "nothing": "none", ":": ":",
    },
    "fr": {
        "when": "Quand", "then": "Alors", "because": "Parce que", "source": "Source", "sources": "Sources",
        "priority": "priorité", "theme": "thème", "file": "fichier", "always": "toujours (la règle n'a pas de condition)",
        "all_hold": "toutes ces conditions sont remplies :", "one_of": "l'une de ces conditions est remplie :",
        "all_of": "à la fois :", "and": "et",
        "cases": "Cas", "no_cases": "aucun cas ne déclenche cette règle",
        "fires": "se déclenche", "silent": "reste muette", "expects_fire": "attend qu'elle se déclenche",
        "expects_silent": "attend qu'elle reste muette",
        "notes": "Notes", "true": "vrai", "false": "faux",
        "set": "fixe {subject} à {value}", "compute": "calcule {subject} = {expression}",
        "add": "ajoute {value} à {subject}", "warn": "émet le point d'attention {id} : « {title} »",
        "recommend": "recommande {id} : « {title} »",
        "rule": "règle", "title": "titre", "location": "emplacement", "id": "identifiant", "meaning": "sens",
        "raised_by": "émise par", "concluded_by": "conclu par", "read_by": "lu par", "type": "type",
        "value": "valeur", "unit": "unité", "key": "clé", "nothing": "aucune", ":": " :",
    },
}


def _plain(text: str) -> str:
    return text


def _code(text: str) -> str:
    return f"`{text}`"


class Phrases:
    """Plain-language phrases for one rule book in one language; `code` marks identifiers."""

    def __init__(self, rulebook: RuleBook, lang: str, *, code: Callable[[str], str] = _plain):
        self.rulebook = rulebook
        self.lang = lang
        self.words = WORDS[lang]
        self.code = code
        self.filters = make_filters(rulebook.vocabulary, lang)

    # -- facts and values

    def label(self, name: str) -> str:
        fact = self.rulebook.facts.get(name)
        if fact is not None and fact.label:
            label = fact.label.get(self.lang) or name
            if fact.family:
                label += f" ({self.filters['platform'](name.rsplit('.', 1)[1])})"
            return label
        entry = self.rulebook.table_value(name)
        if entry is not None and entry.label:
            return entry.label.get(self.lang) or name
        table = self.rulebook.tables.get(name)  # a whole table, read with its key: its title
        if table is not None and table.title:
            return table.title.get(self.lang) or name
        return name

    def subject(self, name: str) -> str:
        label = self.label(name)
        return self.code(name) if label == name else f"{label} ({self.code(name)})"

    def value(self, value: Any, fact: str | None = None) -> str:
        if isinstance(value, bool):
            return self.words["true"] if value else self.words["false"]
        if isinstance(value, (int, float)):
            fact_type = self.rulebook.facts.get(fact) if fact else None
            return self.filters["unit"](value, fact_type.unit if fact_type else "none")
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(self.value(item, None) for item in value) + "]"
        if fact == "verdict" and value in self.rulebook.vocabulary.verdicts:
            title = self.rulebook.vocabulary.verdicts[value]["title"].get(self.lang, value)
            return f"{self.code(str(value))} ({title})"
        return self.code(str(value))

    # -- conditions

    def condition(self, condition: Condition, *, with_label: bool = True) -> str:
        negated = condition.negated
        if condition.op == "empty" and condition.operand is False:
            negated = not negated
        operator = OPERATORS[condition.op]
        phrase = (operator.negated_reads if negated else operator.reads)[self.lang]
        subject = self.subject(condition.fact) if with_label else self.code(condition.fact)
        return f"{subject} {phrase.format(operand=self.operand(condition))}"

    def operand(self, condition: Condition) -> str:
        if condition.op in ("present", "empty"):
            return ""
        if condition.op in ("size_eq", "size_gt", "size_lt"):
            return count_items(condition.operand, self.lang)
        operand = condition.operand
        if isinstance(operand, (list, tuple)):
            text = ", ".join(self.value(item, condition.fact) for item in operand)
        else:
            text = self.value(operand, condition.fact)
        if condition.operand_ref:
            text = f"{self.code(condition.operand_ref)} ({text})"
        return text

    def when(self, rule: Rule) -> list[tuple[int, str]]:
        """Indented lines (depth, text) saying what must hold."""
        if not rule.when.items:
            return [(0, self.words["always"])]
        lines: list[tuple[int, str]] = [(0, self.words["all_hold"] if len(rule.when.items) > 1 else "")]
        for item in rule.when.items:
            if isinstance(item, Group):
                lines.append((1, self.words["one_of"]))
                for alternative in item.items:
                    if isinstance(alternative, Group):
                        inner = f" {self.words['and']} ".join(self.condition(c) for c in alternative.conditions())
                        lines.append((2, inner))
                    else:
                        lines.append((2, self.condition(alternative)))
            else:
                lines.append((1, self.condition(item)))
        if not lines[0][1]:
            lines = [(0, text) for _, text in lines[1:]]
        return lines

    # -- conclusions

    def conclusion(self, conclusion: Conclusion) -> str:
        vocabulary = self.rulebook.vocabulary
        if conclusion.kind in ("warn", "recommend"):
            item_id = conclusion.fact.split(".", 1)[1]
            section = vocabulary.warnings if conclusion.kind == "warn" else vocabulary.recommendations
            title = section.get(item_id, {}).get("title", {}).get(self.lang, item_id)
            return self.words[conclusion.kind].format(id=self.code(item_id), title=title)
        subject = self.subject(conclusion.fact)
        if conclusion.expression is not None:
            return self.words["compute"].format(subject=subject, expression=self.code(conclusion.expression.text))
        if conclusion.kind == "add":
            return self.words["add"].format(subject=subject, value=self.value(conclusion.value, conclusion.fact))
        return self.words["set"].format(subject=subject, value=self.value(conclusion.value, conclusion.fact))

    def because_outline(self, rule: Rule) -> str:
        """The because text with each {{ value }} shown as [what it is], for reading without a sheet."""
        text = rule.because.get(self.lang, "")

        def placeholder(match: re.Match[str]) -> str:
            names = template_names("{{" + match.group(1) + "}}")
            return f"[{self.label(names[0])}]" if names else "[…]"

        text = re.sub(r"\{\{(.*?)\}\}", placeholder, text, flags=re.S)
        return re.sub(r"\{%.*?%\}", "", text, flags=re.S)


# ---------------------------------------------------------------- one rule


@dataclass(frozen=True)
class CaseLink:
    """A case that covers a rule: it fires the rule, or expects it to fire or stay silent."""

    name: str
    file: str
    line: int | None
    fired: bool
    expects: str | None = None  # "fires" | "silent" | None


def relative_file(rulebook: RuleBook, file: str) -> str:
    """A rule's file as `rules/<path>`, whatever folder the rule base was loaded from."""
    path = Path(file)
    try:
        inside = path.resolve().relative_to(rulebook.directory.resolve()).as_posix()
    except ValueError:
        return file
    return f"{rulebook.directory.name}/{inside}"


def location(rule: Rule) -> str:
    return f"{rule.file}:{rule.line}" if rule.line else rule.file


def show_rule(rulebook: RuleBook, rule: Rule, lang: str, cases: Sequence[CaseLink] | None = None) -> str:
    """`advise rules show ID`: the rule in plain words, as terminal text."""
    phrases = Phrases(rulebook, lang)
    words = phrases.words
    colon = words[":"]
    theme = rulebook.vocabulary.themes.get(rule.theme)
    theme_title = theme.title.get(lang, rule.theme) if theme else rule.theme
    out = [f"{rule.id}: {rule.title.get(lang, '')}",
           f"  {words['theme']}{colon} {rule.theme} ({theme_title})   {words['file']}{colon} {location(rule)}   "
           f"{words['priority']}{colon} {rule.priority}", ""]
    when = phrases.when(rule)
    if len(when) == 1 and when[0][0] == 0:
        out.append(f"{words['when']}{colon} {when[0][1]}")
    else:
        out.append(f"{words['when']}{colon}")
        out += ["  " + "  " * depth + ("- " if depth else "") + text for depth, text in when]
    out.append(f"{words['then']}{colon}")
    out += [f"  - {phrases.conclusion(conclusion)}" for conclusion in rule.then]
    out.append(f"{words['because']}{colon}")
    out += ["  " + line for line in rule.because.get(lang, "").splitlines()]
    out.append(f"{words['sources'] if len(rule.source) > 1 else words['source']}{colon}")
    out += [f"  - {source}" for source in rule.sources_in(lang)]
    if rule.notes:
        out.append(f"{words['notes']}{colon}")
        out += ["  " + line for line in rule.notes.splitlines()]
    if cases is not None:
        out.append(f"{words['cases']}{colon}")
        if not cases:
            out.append(f"  {words['no_cases']}")
        for case in cases:
            where = f"{case.file}:{case.line}" if case.line else case.file
            status = words["fires"] if case.fired else words["silent"]
            expects = f", {words['expects_' + ('fire' if case.expects == 'fires' else 'silent')]}" if case.expects else ""
            out.append(f"  - {case.name} ({where}): {status}{expects}")
    return "\n".join(out) + "\n"


def list_rules(rulebook: RuleBook, lang: str) -> list[dict[str, Any]]:
    """`advise rules list`: one row per rule, in the rule book's order."""
    return [{"id": rule.id, "theme": rule.theme, "title": rule.title.get(lang, ""), "file": rule.file,
             "line": rule.line, "priority": rule.priority} for rule in rulebook.rules]


def format_rule_list(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    width_id = max(len(row["id"]) for row in rows)
    width_theme = max(len(row["theme"]) for row in rows)
    lines = []
    for row in rows:
        where = f"{row['file']}:{row['line']}" if row["line"] else row["file"]
        lines.append(f"{row['id']:<{width_id}}  {row['theme']:<{width_theme}}  {row['title']}  ({where})")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- docs/rules.md

_DOC_TITLE = {"en": "Rule reference", "fr": "Référence des règles"}
_DOC_INTRO = {
    "en": ("Generated by `advise rules docs` from the rule files: do not edit this file, edit the rules and "
           "run `advise rules docs -o docs/rules.md`. A test fails when it is out of date.\n\n"
           "{rules} rules in {themes} themes, told in the order of the report. Each says what it checks, "
           "what it concludes, why (the text shown to the owner) and where the knowledge comes from."),
    "fr": ("Produit par `advise rules docs` à partir des fichiers de règles : ne modifiez pas ce fichier, modifiez "
           "les règles et lancez `advise rules docs --lang fr -o FICHIER`. Un test échoue s'il n'est plus à jour.\n\n"
           "{rules} règles en {themes} thèmes, dans l'ordre du rapport. Chacune dit ce qu'elle vérifie, "
           "ce qu'elle conclut, pourquoi (le texte montré au dirigeant) et d'où vient la connaissance."),
}
_SECTIONS = {
    "en": {"contents": "Contents", "warnings": "Warnings", "recommendations": "Recommendations",
           "verdicts": "Verdicts", "facts": "Derived facts", "tables": "Knowledge tables"},
    "fr": {"contents": "Sommaire", "warnings": "Points d'attention", "recommendations": "Recommandations",
           "verdicts": "Verdicts", "facts": "Faits déduits", "tables": "Tables de connaissances"},
}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _ids(ids: Iterable[str]) -> str:
    ids = list(ids)
    return ", ".join(f"[`{i}`](#{i})" for i in ids) if ids else "-"


def _anchor_heading(rule: Rule, lang: str) -> str:
    return f"### <a id=\"{rule.id}\"></a>`{rule.id}`: {rule.title.get(lang, '')}"


# Where the reference of each language lives (docs/rules.md, docs/fr/regles.md): the way back to
# the repository's root, for the links to the rule files.
_TO_ROOT = {"en": "../", "fr": "../../"}


def rules_markdown(rulebook: RuleBook, lang: str = "en") -> str:
    """docs/rules.md: every rule, warning, recommendation, verdict, derived fact and table."""
    phrases = Phrases(rulebook, lang, code=_code)
    words, sections = phrases.words, _SECTIONS[lang]
    vocabulary = rulebook.vocabulary
    uses = usage(rulebook)
    themes = sorted(vocabulary.themes.values(), key=lambda theme: theme.order)
    by_theme = {theme.id: [rule for rule in rulebook.rules if rule.theme == theme.id] for theme in themes}
    used_themes = [theme for theme in themes if by_theme[theme.id]]
    out = [f"# {_DOC_TITLE[lang]}", "",
           _DOC_INTRO[lang].format(rules=len(rulebook.rules), themes=len(used_themes)), "",
           f"## {sections['contents']}", "",
           f"| {words['rule']} | {words['theme']} | {words['title']} |", "| --- | --- | --- |"]
    for theme in used_themes:
        for rule in by_theme[theme.id]:
            out.append(f"| [`{rule.id}`](#{rule.id}) | {theme.id} | {_cell(rule.title.get(lang, ''))} |")
    out.append("")
    for theme in used_themes:
        out += [f"## {theme.title.get(lang, theme.id)}", ""]
        for rule in by_theme[theme.id]:
            out += _rule_markdown(rulebook, rule, phrases)
    out += _items_markdown(sections["warnings"], vocabulary.warnings, "warnings.", uses, words, lang)
    out += _items_markdown(sections["recommendations"], vocabulary.recommendations, "recommendations.", uses,
                           words, lang)
    out += [f"## {sections['verdicts']}", "", f"| {words['id']} | {words['title']} | {words['meaning']} | "
            f"{words['concluded_by']} |", "| --- | --- | --- | --- |"]
    verdict_rules: dict[str, list[str]] = {}
    for rule in rulebook.rules:
        for conclusion in rule.then:
            if conclusion.fact == "verdict" and conclusion.expression is None:
                verdict_rules.setdefault(str(conclusion.value), []).append(rule.id)
    for verdict, info in vocabulary.verdicts.items():
        out.append(f"| `{verdict}` | {_cell(info['title'].get(lang, ''))} | {_cell(info.get('meaning', {}).get(lang, ''))}"
                   f" | {_ids(verdict_rules.get(verdict, []))} |")
    out += ["", f"## {sections['facts']}", "",
            f"| {words['id']} | {words['type']} | {words['meaning']} | {words['concluded_by']} | {words['read_by']} |",
            "| --- | --- | --- | --- | --- |"]
    shown_families: set[str] = set()
    for name, fact in vocabulary.facts.items():
        if not fact.derived or name.startswith(("warnings.", "recommendations.")):
            continue
        if fact.family:
            if fact.family in shown_families:
                continue
            shown_families.add(fact.family)
            members = vocabulary.families[fact.family]
            concluded = dict.fromkeys(r for m in members for r in uses.concluders.get(m, ()))
            read = dict.fromkeys(r for m in members for r in uses.readers.get(m, ()))
            kind = f"{fact.describe_kind()}, per platform"
            out.append(f"| `{fact.family}.*` | {kind} | {_cell(fact.label.get(lang, ''))} | {_ids(concluded)} | "
                       f"{_ids(read)} |")
            continue
        kind = fact.describe_kind() + (f", default {phrases.value(fact.default, name)}" if fact.has_default else "")
        out.append(f"| `{name}` | {_cell(kind)} | {_cell(fact.label.get(lang, ''))} | "
                   f"{_ids(uses.concluders.get(name, ()))} | {_ids(uses.readers.get(name, ()))} |")
    out += ["", f"## {sections['tables']}", ""]
    for table in sorted(rulebook.tables.values(), key=lambda table: table.name):
        out += [f"### `{table.name}`: {table.title.get(lang, '')}", "",
                f"| {words['key']} | {words['value']} | {words['source']} | {words['read_by']} |",
                "| --- | --- | --- | --- |"]
        for entry in table.entries.values():
            value = phrases.filters["unit"](entry.value, entry.unit) if isinstance(entry.value, (int, float)) \
                else str(entry.value)
            readers = dict.fromkeys(uses.readers.get(entry.name, ()) + uses.mentioners.get(entry.name, ()))
            out.append(f"| `{entry.key}` | {_cell(value)} | {_cell(entry.source_in(lang))} | {_ids(readers)} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _rule_markdown(rulebook: RuleBook, rule: Rule, phrases: Phrases) -> list[str]:
    words = phrases.words
    file = relative_file(rulebook, rule.file)
    out = [_anchor_heading(rule, phrases.lang), "",
           f"*{words['file']} [{file}]({_TO_ROOT[phrases.lang]}{file}), {words['priority']} {rule.priority}*", ""]
    when = phrases.when(rule)
    if len(when) == 1 and when[0][0] == 0:
        out.append(f"**{words['when']}** {when[0][1]}")
    else:
        out.append(f"**{words['when']}** {when[0][1]}" if when[0][0] == 0 else f"**{words['when']}**")
        body = when[1:] if when[0][0] == 0 else when
        out += [""] + ["  " * max(depth - 1, 0) + f"- {text}" for depth, text in body]
    out += ["", f"**{words['then']}**", ""]
    out += [f"- {phrases.conclusion(conclusion)}" for conclusion in rule.then]
    out += ["", f"**{words['because']}**", ""]
    out += ["> " + line if line else ">" for line in rule.because.get(phrases.lang, "").splitlines()]
    out += ["", f"**{words['sources'] if len(rule.source) > 1 else words['source']}**", ""]
    out += [f"- {_cell(source)}" for source in rule.sources_in(phrases.lang)]
    out.append("")
    return out


def _items_markdown(heading: str, section: dict[str, dict[str, Any]], prefix: str, uses: Any,
                    words: dict[str, str], lang: str) -> list[str]:
    out = [f"## {heading}", "", f"| {words['id']} | {words['title']} | {words['raised_by']} |", "| --- | --- | --- |"]
    for item_id, info in section.items():
        out.append(f"| `{item_id}` | {_cell(info['title'].get(lang, ''))} | "
                   f"{_ids(uses.concluders.get(prefix + item_id, ()))} |")
    out.append("")
    return out


# ---------------------------------------------------------------- the authoring guide's tables

_KINDS = {"en": {"number": "number", "bool": "true/false", "text": "text", "list": "list"},
          "fr": {"number": "nombre", "bool": "vrai/faux", "text": "texte", "list": "liste"}}
_EXAMPLES = {
    "eq": "business.local: true", "ne": "business.audience: {ne: b2b}", "lt": "resources.weekly_hours: {lt: 2}",
    "le": "resources.monthly_budget: {le: 0}", "gt": "time_gap: {gt: 0}", "ge": "resources.weekly_hours: {ge: 4}",
    "in": "business.audience: {in: [b2b, both]}", "not_in": "business.size: {not_in: [large]}",
    "contains": "objectives: {contains: community}",
    "contains_any": "objectives: {contains_any: [sales, customer_service]}",
    "only": "objectives: {only: visibility}", "empty": "profiles.planned: {empty: false}",
    "size_eq": "profiles.planned: {size_eq: 1}", "size_gt": "profiles.planned: {size_gt: 2}",
    "size_lt": "objectives: {size_lt: 2}", "present": "max_profiles: {present: true}",
}


def operators_markdown(lang: str = "en") -> str:
    """The table of operators in docs/writing-rules.md, generated from advise.rulebase.operators."""
    head = {"en": "| operator | applies to | reads as | example |", "fr": "| opérateur | s'applique à | se lit | exemple |"}
    out = [head[lang], "| --- | --- | --- | --- |"]
    for name, operator in OPERATORS.items():
        kinds = ", ".join(_KINDS[lang][kind] for kind in operator.kinds)
        reads = operator.reads[lang].format(operand="X").strip()
        out.append(f"| `{name}` | {kinds} | {_cell(reads)} | `{_EXAMPLES.get(name, '')}` |")
    return "\n".join(out) + "\n"


def functions_markdown(lang: str = "en") -> str:
    """The table of functions in docs/writing-rules.md, generated from advise.rulebase.expressions."""
    head = {"en": "| function | values | what it gives |", "fr": "| fonction | valeurs | ce qu'elle donne |"}
    out = [head[lang], "| --- | --- | --- |"]
    for name, function in FUNCTIONS.items():
        low, high = function.arity
        count = str(low) if low == high else f"{low}-{high}"
        out.append(f"| `{name}` | {count} | {_cell(function.help[lang])} |")
    return "\n".join(out) + "\n"


_FIELD_HEAD = {"en": "| field | what it is | values |", "fr": "| champ | ce que c'est | valeurs |"}


def sheet_fields_markdown(lang: str = "en") -> str:
    """The table of the fact sheet's fields in docs/writing-rules.md, from advise.sheet.facts."""
    from ..sheet.facts import SHEET_FIELDS
    from ..sheet.template import allowed

    out = [_FIELD_HEAD[lang], "| --- | --- | --- |"]
    for name, spec in SHEET_FIELDS.items():
        description = spec.description_en if lang == "en" else spec.description_fr
        out.append(f"| `{name}` | {_cell(description)} | {_cell(allowed(spec, lang))} |")
    return "\n".join(out) + "\n"


_SEVERITIES = {"en": {}, "fr": {"error": "erreur", "warning": "avertissement"}}


def checks_markdown(lang: str = "en") -> str:
    """The table of `advise rules check` findings in docs/writing-rules.md, from the registry
    advise.workbench.checkcodes: what each finds, why it matters, what to do."""
    from .checkcodes import CHECKS

    head = {"en": "| code | name | severity | finds | why it matters | what to do |",
            "fr": "| code | nom | gravité | trouve | pourquoi c'est important | à faire |"}
    out = [head[lang], "| --- | --- | --- | --- | --- | --- |"]
    for check in CHECKS.values():
        severity = _SEVERITIES[lang].get(str(check.severity), str(check.severity))
        out.append(f"| {check.code} | `{check.name}` | {severity} | {_cell(check.title[lang])} | "
                   f"{_cell(check.why[lang])} | {_cell(check.fix[lang])} |")
    return "\n".join(out) + "\n"


GENERATED = {"operators": operators_markdown, "functions": functions_markdown, "sheet-fields": sheet_fields_markdown,
             "checks": checks_markdown}
_SECTION = re.compile(r"(<!-- BEGIN GENERATED: ([a-z-]+) -->\n)(.*?)(<!-- END GENERATED -->)", re.S)


def refresh_generated(text: str, lang: str = "en") -> str:
    """Regenerate the tables between `<!-- BEGIN GENERATED: name -->` and `<!-- END GENERATED -->`."""
    return _SECTION.sub(lambda m: m.group(1) + GENERATED[m.group(2)](lang) + m.group(4), text)


if __name__ == "__main__":  # python -m advise.workbench.docs docs/writing-rules.md: refresh its generated tables
    import sys

    for name in sys.argv[1:]:  # a document under a fr/ folder, or named *.fr.md, is French
        path = Path(name)
        lang = "fr" if "fr" in path.parent.parts or path.name.endswith(".fr.md") else "en"
        path.write_text(refresh_generated(path.read_text(encoding="utf-8"), lang), encoding="utf-8")
        print(path)
