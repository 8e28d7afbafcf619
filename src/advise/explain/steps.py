"""Reading a trace: the warnings raised, the firings in the report's reading order, the
steps a conclusion builds on, the networks a step is about."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from ..engine.trace import Firing, Trace
from ..kept import PerRuleBook
from ..rulebase.model import Rule, RuleBook
from ..rulebase.operators import LIST


def raised(trace: Trace, prefix: str) -> list[tuple[str, Any]]:
    """(id, derivation) of the warnings ("warnings.") or recommendations raised, in firing order."""
    found = [(name[len(prefix):], derivation) for name, derivation in trace.derivations.items()
             if name.startswith(prefix) and derivation.value is True and derivation.steps]
    return sorted(found, key=lambda pair: pair[1].steps[0])


def reading_order(rulebook: RuleBook, trace: Trace) -> list[Firing]:
    """Firings in the report's order: by theme (the rule base's order), then as they fired."""
    rank = _index(rulebook).rank
    # the firings are in step order (Trace.firing): a stable sort by theme alone keeps it
    return sorted(trace.firings, key=lambda firing: rank[firing.rule])


def step_numbers(trace: Trace) -> dict[int, int]:
    """The number a reader sees for each firing: its step in the trace, the same in the text,
    Markdown and HTML reports and in the JSON trace ("decided at step 20" is step 20 of the
    JSON). The reasoning is told by theme (reading_order), with these numbers."""
    return {firing.step: firing.step for firing in trace.firings}


def supporting_steps(trace: Trace, steps: Iterable[int], rulebook: RuleBook,
                     built_on: dict[int, tuple[int, ...]] | None = None) -> set[int]:
    """Every firing the given ones build on, transitively, through the derived facts they used.

    `built_on`: a dict to remember, per firing, the firings it builds on directly (reused
    across calls for one trace: a report asks for every step's support)."""
    if built_on is None:
        built_on = {}
    families = rulebook.vocabulary.families
    seen: set[int] = set()
    work = list(steps)
    while work:
        current = work.pop()
        direct = built_on.get(current)
        if direct is None:
            found: list[int] = []
            for name in trace.firing(current).premises:
                for member in families.get(name, (name,)):
                    derivation = trace.derivations.get(member)
                    if derivation is not None:
                        found.extend(derivation.steps)
            direct = built_on[current] = tuple(found)
        for step in direct:
            if step not in seen:
                seen.add(step)
                work.append(step)
    return seen


def support_closure(trace: Trace, rulebook: RuleBook,
                    premises: dict[int, dict[str, Any]] | None = None) -> dict[int, int]:
    """For every firing, the firings it builds on, transitively (as supporting_steps), as a
    bit set: bit `s` is set when it builds on step `s`. Computed once for all the firings of
    a trace; `premises`, each firing's premises if already at hand (else the names it matched,
    then those it read: the same names, without building its premises).

    The usual case is one pass in firing order, every firing building on earlier ones only:
    then what a fact adds to a bit set (the steps that concluded it and what they build on)
    is final once worked out, and each fact read by several firings is worked out once. A
    firing that builds on a later one, or on itself (points added up after it read them),
    needs the fixpoint (_support_fixpoint)."""
    families = rulebook.vocabulary.families
    derivations = trace.derivations
    reach: dict[int, int] = {}
    adds: dict[str, int] = {}  # fact -> its steps and what they build on
    for firing in trace.firings:
        mask = 0
        for names in ((premises[firing.step],) if premises is not None else
                      (firing.matched, firing.read) if firing.read else (firing.matched,)):
            for name in names:
                part = adds.get(name)
                if part is None:
                    part = 0
                    for member in families.get(name, (name,)):
                        derivation = derivations.get(member)
                        if derivation is not None:
                            for other in derivation.steps:
                                known = reach.get(other)
                                if known is None:  # a later firing (or itself): not known yet
                                    return _support_fixpoint(trace, rulebook, premises)
                                part |= (1 << other) | known
                    adds[name] = part
                mask |= part
        reach[firing.step] = mask
    return reach


def _support_fixpoint(trace: Trace, rulebook: RuleBook,
                      premises: dict[int, dict[str, Any]] | None = None) -> dict[int, int]:
    """support_closure, to a fixpoint: for a trace where a firing builds on a later one."""
    families = rulebook.vocabulary.families
    derivations = trace.derivations
    direct: list[tuple[int, tuple[int, ...]]] = []
    for firing in trace.firings:
        found: list[int] = []
        names = premises[firing.step] if premises is not None else (*firing.matched, *firing.read)
        for name in names:
            for member in families.get(name, (name,)):
                derivation = derivations.get(member)
                if derivation is not None:
                    found += derivation.steps
        direct.append((firing.step, tuple(dict.fromkeys(found))))
    reach = {step: 0 for step, _ in direct}
    changed = True
    while changed:
        changed = False
        for step, built_on in direct:
            mask = 0
            for other in built_on:
                mask |= (1 << other) | reach.get(other, 0)
            if mask != reach[step]:
                reach[step] = mask
                changed = True
    return reach


def steps_in(mask: int) -> list[int]:
    """The steps of a bit set (support_closure), in increasing order."""
    found = []
    while mask:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


@lru_cache(maxsize=2048)  # a batch's reports build on the same few sets of steps again and again
def steps_of(mask: int) -> tuple[int, ...]:
    """steps_in(mask), as a tuple: the support of a step as a report numbers it."""
    return tuple(steps_in(mask))


def platform_keys(rulebook: RuleBook, premises: dict[str, Any]) -> list[str]:
    """The networks a step is about: the items of its lists of networks, in their order."""
    lists = _index(rulebook).platform_lists
    keys: list[str] = []
    for name, value in premises.items():
        if name in lists:
            keys.extend(str(item) for item in value)
    return keys


def platform_tables(rulebook: RuleBook) -> dict[str, dict[str, Any]]:
    """The knowledge tables keyed by network, each with its values (to read, never to change)."""
    return _index(rulebook).platform_tables


def platform_lists(rulebook: RuleBook) -> frozenset[str]:
    """The facts that are lists of networks."""
    return _index(rulebook).platform_lists


def reference_names(rulebook: RuleBook) -> frozenset[str]:
    """The names a rule reads that are reference values: the knowledge tables and their values."""
    return _index(rulebook).references


def rule_index(rulebook: RuleBook) -> dict[str, Rule]:
    """Rule id -> the rule (as rulebook.rule finds it), for a report's many look-ups."""
    return _index(rulebook).rules


class _Index:
    """What the functions above read of a rule book, whatever the trace: worked out once."""

    __slots__ = ("rank", "platform_lists", "platform_tables", "references", "rules")

    def __init__(self, rulebook: RuleBook):  # kept per rule book: never holds it (advise.kept)
        self.rules: dict[str, Rule] = {}
        for rule in rulebook.rules:
            self.rules.setdefault(rule.id, rule)  # the first rule with an id, as rulebook.rule finds it
        # rule id -> its place in the reading order: (theme's order, theme id), as a number
        order = {theme.id: theme.order for theme in rulebook.vocabulary.themes.values()}
        themes = {rule.id: rule.theme for rule in rulebook.rules}
        places = sorted({(order.get(theme, len(order)), theme) for theme in themes.values()})
        place = {key: number for number, key in enumerate(places)}
        self.rank = {rule_id: place[(order.get(theme, len(order)), theme)] for rule_id, theme in themes.items()}
        # the facts that are lists of networks
        self.platform_lists = frozenset(name for name, fact in rulebook.facts.items()
                                        if fact.kind == LIST and fact.items == "platform")
        # the tables keyed by network, each with its values (table.values(), for reading only)
        self.platform_tables = {name: table.values() for name, table in rulebook.tables.items()
                                if table.keys == "platform"}
        self.references = frozenset(rulebook.tables).union(
            f"{name}.{key}" for name, table in rulebook.tables.items() for key in table.entries)


_INDEXES: PerRuleBook[_Index] = PerRuleBook(_Index)
_index = _INDEXES.get
