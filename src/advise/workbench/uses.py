"""`advise rules uses NAME`: which rules read a sheet field, a derived fact or a table
value, which show it in their texts, and which conclude it.

A rule *reads* a name when a condition tests it or a computation uses it: changing its
value can change the advice. It *shows* it when only its explanation text prints it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Problem, did_you_mean, register_messages
from ..rulebase.model import RuleBook
from ..rulebase.usage import COMPUTATION, CONDITION, NEGATED, TEXT, resolve, rule_reads

register_messages({
    "uses-unknown": {
        "en": "'{name}' is neither a sheet field, a derived fact nor a table value of this rule base",
        "fr": "« {name} » n'est ni un champ de la fiche, ni un fait déduit, ni une valeur de table de cette base",
    },
})

_WORDS = {
    "en": {"sheet": "the owner's answer (a field of the fact sheet)",
           "derived": "a derived fact (concluded by the rules)",
           "table": "a table value", "read": "read by", "shown": "shown in the text of",
           "concluded": "concluded by", "none": "none",
           "nobody_concludes_sheet": "none: the owner answers it",
           CONDITION: "condition", NEGATED: "condition (not)", COMPUTATION: "computation",
           "default": "default when no rule concludes it"},
    "fr": {"sheet": "la réponse du dirigeant (un champ de la fiche)",
           "derived": "un fait déduit (conclu par les règles)",
           "table": "une valeur de table", "read": "lu par", "shown": "montré dans le texte de",
           "concluded": "conclu par", "none": "aucune",
           "nobody_concludes_sheet": "aucune : c'est le dirigeant qui répond",
           CONDITION: "condition", NEGATED: "condition (not)", COMPUTATION: "calcul",
           "default": "valeur par défaut quand aucune règle ne le conclut"},
}


@dataclass(frozen=True)
class RuleUse:
    rule: str
    where: str  # file:line
    how: tuple[str, ...]  # condition, negated, computation, text; or the conclusion


@dataclass(frozen=True)
class NameUses:
    name: str
    kind: str  # sheet | derived | table
    label: str
    value: Any  # a table value's value, or a derived fact's default
    where: str | None  # where it is declared
    readers: tuple[RuleUse, ...]
    shown_by: tuple[RuleUse, ...]
    concluders: tuple[RuleUse, ...]

    def as_dict(self) -> dict[str, Any]:
        def rows(uses: tuple[RuleUse, ...]) -> list[dict[str, Any]]:
            return [{"rule": use.rule, "where": use.where, "how": list(use.how)} for use in uses]

        return {"name": self.name, "kind": self.kind, "label": self.label, "value": self.value,
                "declared": self.where, "read_by": rows(self.readers), "shown_by": rows(self.shown_by),
                "concluded_by": rows(self.concluders)}


def uses_of(rulebook: RuleBook, name: str, lang: str = "en") -> list[NameUses]:
    """The uses of every fact or table value `name` stands for (a family or a table: each
    member). Raises InputError for a name the rule base does not know."""
    names = resolve(rulebook, name)
    if not names:
        known = [*rulebook.facts, *rulebook.vocabulary.families, *rulebook.tables,
                 *(entry.name for table in rulebook.tables.values() for entry in table.entries.values())]
        raise InputError(Problem("uses-unknown", {"name": name}, field="NAME", **did_you_mean(name, known)))
    reads = {rule.id: rule_reads(rulebook, rule) for rule in rulebook.rules}
    found = []
    for member in names:
        readers, shown = [], []
        for rule in rulebook.rules:
            hows = reads[rule.id].get(member, set())
            where = f"{rule.file}:{rule.line}" if rule.line else rule.file
            read = tuple(how for how in (CONDITION, NEGATED, COMPUTATION) if how in hows)
            if read:
                readers.append(RuleUse(rule.id, where, read))
            if TEXT in hows:
                shown.append(RuleUse(rule.id, where, (TEXT,)))
        concluders = []
        for rule in rulebook.rules:
            for conclusion in rule.then:
                if conclusion.fact == member:
                    value = conclusion.expression.text if conclusion.expression is not None else conclusion.value
                    line = conclusion.line or rule.line
                    concluders.append(RuleUse(rule.id, f"{rule.file}:{line}" if line else rule.file,
                                              (f"{conclusion.kind}: {_text(value)}",)))
        fact = rulebook.facts.get(member)
        if fact is not None:
            kind = "derived" if fact.derived else "sheet"
            label = fact.label.get(lang, member) if fact.label else member
            value = fact.default if fact.has_default else None
            where = f"{fact.file}:{fact.line}" if fact.file and fact.line else fact.file
        else:
            entry = rulebook.table_value(member)
            assert entry is not None
            kind, value = "table", entry.value
            label = entry.label.get(lang, member) if entry.label else member
            where = f"{entry.file}:{entry.line}" if entry.line else entry.file
        found.append(NameUses(member, kind, label, value, where, tuple(readers), tuple(shown), tuple(concluders)))
    return found


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def format_uses(found: list[NameUses], lang: str = "en", fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps([entry.as_dict() for entry in found], ensure_ascii=False, indent=2) + "\n"
    words = _WORDS[lang]
    colon = " :" if lang == "fr" else ":"
    blocks = []
    for entry in found:
        head = f"{entry.name}: {words[entry.kind]}" if lang == "en" else f"{entry.name} : {words[entry.kind]}"
        lines = [head, f"  « {entry.label} »" if lang == "fr" else f"  \"{entry.label}\""]
        if entry.kind == "table":
            lines.append(f"  = {_text(entry.value)}" + (f"  ({entry.where})" if entry.where else ""))
        elif entry.value is not None:
            lines.append(f"  {words['default']}{colon} {_text(entry.value)}")
        for key, uses in (("read", entry.readers), ("shown", entry.shown_by), ("concluded", entry.concluders)):
            if not uses:
                empty = words["nobody_concludes_sheet"] if key == "concluded" and entry.kind == "sheet" else words["none"]
                if key != "shown":
                    lines.append(f"  {words[key]}{colon} {empty}")
                continue
            lines.append(f"  {words[key]}{colon}")
            for use in uses:
                how = "" if use.how == (TEXT,) else " — " + ", ".join(words.get(h, h) for h in use.how)
                lines.append(f"    {use.rule} ({use.where}){how}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


__all__ = ["uses_of", "format_uses", "NameUses", "RuleUse"]
