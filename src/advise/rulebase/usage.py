"""Who reads and who concludes what: the cross-references of a rule book.

A rule *reads* a fact when a condition tests it or a computation uses it (that changes the
advice), and *mentions* it when its `because` text shows it (that changes the wording
only). Table values count as read when a condition compares with them or a computation
uses them. Families (`fit`) stand for all their members (`fit.facebook`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import jinja2
from jinja2 import nodes

from .model import Rule, RuleBook

CONDITION, NEGATED, COMPUTATION, TEXT = "condition", "negated", "computation", "text"


@lru_cache(maxsize=4096)
def template_names(text: str) -> tuple[str, ...]:
    """Dotted names a Jinja text uses: `{{ resources.weekly_hours | hours }}` -> resources.weekly_hours."""
    try:
        tree = jinja2.Environment().parse(text)
    except jinja2.TemplateSyntaxError:
        return ()
    found: list[str] = []

    def dotted(node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Name):
            return node.name
        if isinstance(node, nodes.Getattr):
            base = dotted(node.node)
            return f"{base}.{node.attr}" if base else None
        return None

    def visit(node: nodes.Node) -> None:
        name = dotted(node)
        if name is not None:
            if name not in found:
                found.append(name)
            return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return tuple(found)


def resolve(rulebook: RuleBook, name: str) -> tuple[str, ...]:
    """The facts and table values (table.key) a name stands for."""
    facts = rulebook.facts
    if name in facts:
        return (name,)
    families = rulebook.vocabulary.families
    if name in families:
        return families[name]
    if name in rulebook.tables:
        return tuple(entry.name for entry in rulebook.tables[name].entries.values())
    if rulebook.table_value(name) is not None:
        return (name,)
    prefix = name + "."
    return tuple(fact for fact in facts if fact.startswith(prefix))


def rule_reads(rulebook: RuleBook, rule: Rule) -> dict[str, set[str]]:
    """Fact or table value -> how the rule uses it (condition, negated, computation, text)."""
    uses: dict[str, set[str]] = {}

    def add(names: Iterable[str], how: str) -> None:
        for name in names:
            uses.setdefault(name, set()).add(how)

    for condition in rule.conditions:
        add(resolve(rulebook, condition.fact), NEGATED if condition.negated else CONDITION)
        if condition.operand_ref:
            add((condition.operand_ref,), CONDITION)
    for conclusion in rule.then:
        if conclusion.expression is not None:
            for name in conclusion.expression.names:
                add(resolve(rulebook, name), COMPUTATION)
    for text in rule.because.values():
        for name in template_names(text):
            add(resolve(rulebook, name), TEXT)
    return uses


@dataclass(frozen=True)
class Usage:
    """For each fact or table value: the rules that read it, mention it, conclude it."""

    readers: dict[str, tuple[str, ...]]  # conditions and computations
    mentioners: dict[str, tuple[str, ...]]  # because texts
    concluders: dict[str, tuple[str, ...]]

    def read(self, name: str) -> bool:
        return bool(self.readers.get(name))

    def used(self, name: str) -> bool:
        return bool(self.readers.get(name) or self.mentioners.get(name))


def usage(rulebook: RuleBook) -> Usage:
    readers: dict[str, list[str]] = {}
    mentioners: dict[str, list[str]] = {}
    concluders: dict[str, list[str]] = {}
    for rule in rulebook.rules:
        for name, hows in rule_reads(rulebook, rule).items():
            if hows - {TEXT}:
                readers.setdefault(name, []).append(rule.id)
            if TEXT in hows:
                mentioners.setdefault(name, []).append(rule.id)
        for name in rule.concludes():
            concluders.setdefault(name, []).append(rule.id)
    return Usage({k: tuple(v) for k, v in readers.items()}, {k: tuple(v) for k, v in mentioners.items()},
                 {k: tuple(v) for k, v in concluders.items()})
