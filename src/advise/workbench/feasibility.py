"""Which values each fact can take, and whether a rule's conditions can hold together.

The static reasoning behind `advise rules check` (rules that can never fire, rules that
duplicate or shadow others, rules that may conclude different values for one fact) and
behind the interview (a question is asked only if a rule that can still fire reads it).
It never runs the engine; it reads the rule book.

The model, sound for "can never fire" claims (it over-approximates what can happen):

* Every fact has a `Domain`: the values it can take and whether it can be absent.
  Sheet facts take the contract's values (`resources.weekly_hours` in 0..168) and are
  always present. A derived fact concluded only by constants takes those constants (and
  its default); computed by an expression, any value of its type; a family member
  (`fit.linkedin`) lies between its default plus the negative and the positive points
  added to it. A derived fact without default that no rule (that can fire) concludes is
  never present.
* Facts are treated as independent: a set of conditions is satisfiable when, fact by
  fact, some value of the domain (or the fact's absence) satisfies the conditions on it.
  Values are searched among finitely many candidates that cover every case (each
  constant, points between and beyond them, every subset of a list's items).
* A rule whose conditions cannot hold never fires, so it concludes nothing: domains are
  recomputed without such rules until nothing changes (`analyse`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..engine.compiler import computed_from
from ..rulebase.model import Condition, Group, Rule, RuleBook
from ..rulebase.operators import BOOL, LIST, NUMBER, OPERATORS, TEXT
from ..sheet.facts import SHEET_FIELDS

ALWAYS, MAYBE, NEVER = "always", "maybe", "never"
ABSENT = object()  # a witness value: the fact is not there
_OTHER = "\x00other"  # a text unlike every constant the conditions name
MAX_COMBINATIONS = 4096  # alternatives of `any` groups tried per question; past it, assume it can hold
MAX_LIST_ITEMS = 10  # lists over more possible items than this are not enumerated


@dataclass(frozen=True)
class Domain:
    """What one fact can be: its values (finite, or bounded for numbers) and its presence."""

    fact: str
    kind: str  # number | bool | text | list
    presence: str  # always | maybe | never
    values: tuple[Any, ...] | None = None  # every possible value, when finitely many are known
    low: float = -math.inf  # numbers: inclusive bounds
    high: float = math.inf
    integer: bool = False
    items: tuple[str, ...] = ()  # text: its choices; list: the items it may hold (empty: any text)
    origin: str = "sheet"  # sheet | constants | computed | points | default | none

    def describe(self) -> str:
        """The possible values in a few words, for a finding's message (English and French alike)."""
        if self.values is not None:
            return ", ".join(_show(value) for value in self.values) or "-"
        if self.kind == NUMBER:
            if self.high == math.inf:
                return f">= {_show(self.low)}" if self.low != -math.inf else "any number"
            return f"{_show(self.low)}..{_show(self.high)}"
        if self.kind == LIST and self.items:
            return "subsets of " + ", ".join(self.items)
        if self.items:
            return ", ".join(self.items)
        return self.kind


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    return str(value)


# ---------------------------------------------------------------- domains


def sheet_domain(name: str, choices: tuple[str, ...] = ()) -> Domain:
    """`choices`: the rule base's list when it extends the sheet's (business.sector)."""
    spec = SHEET_FIELDS[name]
    if spec.type == "number":
        low, high = spec.range or (-math.inf, None)
        return Domain(name, NUMBER, ALWAYS, low=float(low), high=math.inf if high is None else float(high))
    if spec.type == "bool":
        return Domain(name, BOOL, ALWAYS, values=(False, True))
    if spec.type == "choice":
        values = tuple(choices or spec.choices)
        return Domain(name, TEXT, ALWAYS, values=values, items=values)
    if spec.type == "list":
        return Domain(name, LIST, ALWAYS, items=tuple(spec.choices))
    return Domain(name, TEXT, ALWAYS)


def domains(rulebook: RuleBook, live: Iterable[Rule] | None = None,
            known: Mapping[str, Any] | None = None) -> dict[str, Domain]:
    """The domain of every fact, given the rules that can fire (`live`, default all) and the
    sheet values already known (`known`, for the interview)."""
    live_rules = tuple(rulebook.rules if live is None else live)
    concluders: dict[str, list[Rule]] = {}
    for rule in live_rules:
        for name in rule.concludes():
            concluders.setdefault(name, []).append(rule)
    result: dict[str, Domain] = {}
    for name, fact in rulebook.facts.items():
        if not fact.derived:
            if known is not None and name in known:
                value = known[name]
                value = tuple(value) if isinstance(value, list) else value
                base = sheet_domain(name, fact.choices) if name in SHEET_FIELDS else Domain(name, fact.kind, ALWAYS)
                result[name] = Domain(name, base.kind, ALWAYS, values=(value,), items=base.items, origin="sheet")
            elif name in SHEET_FIELDS:
                result[name] = sheet_domain(name, fact.choices)
            else:
                result[name] = Domain(name, fact.kind, ALWAYS, items=fact.choices)
            continue
        result[name] = _derived_domain(rulebook, name, concluders.get(name, []))
    return result


def _derived_domain(rulebook: RuleBook, name: str, rules: list[Rule]) -> Domain:
    fact = rulebook.facts[name]
    items = tuple(fact.choices)
    if rules:
        unconditional = any(not rule.conditions and not computed_from(rulebook, rule) for rule in rules)
        presence = ALWAYS if fact.has_default or unconditional else MAYBE
    else:
        presence = ALWAYS if fact.has_default else NEVER
    conclusions = [c for rule in rules for c in rule.then if c.fact == name]
    if fact.family:
        default = fact.default if isinstance(fact.default, (int, float)) and not isinstance(fact.default, bool) else 0
        if all(c.expression is None for c in conclusions):
            per_rule = [sum(c.value for c in rule.then if c.fact == name) for rule in rules]
            low = default + sum(points for points in per_rule if points < 0)
            high = default + sum(points for points in per_rule if points > 0)
            return Domain(name, NUMBER, presence, low=float(low), high=float(high), integer=fact.integer,
                          origin="points")
        return Domain(name, NUMBER, presence, integer=fact.integer, origin="computed")
    if any(c.expression is not None for c in conclusions):
        return Domain(name, fact.kind, presence, integer=fact.integer, items=items, origin="computed")
    values: list[Any] = []
    for conclusion in conclusions:
        value = tuple(conclusion.value) if isinstance(conclusion.value, list) else conclusion.value
        if value not in values:
            values.append(value)
    if fact.has_default:
        default = tuple(fact.default) if isinstance(fact.default, list) else fact.default
        if default not in values:
            values.append(default)
    origin = "constants" if conclusions else ("default" if fact.has_default else "none")
    return Domain(name, fact.kind, presence, values=tuple(values), integer=fact.integer, items=items,
                  origin=origin)


# ---------------------------------------------------------------- single conditions


def holds(condition: Condition, value: Any) -> bool:
    """Whether the condition holds for this value of its fact (ABSENT: the fact is not there)."""
    if value is ABSENT:
        return condition.negated
    if condition.op == "present":
        result = True
    else:
        try:
            result = bool(OPERATORS[condition.op].evaluate(value, condition.operand))
        except TypeError:
            result = False
    return not result if condition.negated else result


def negate(condition: Condition) -> Condition:
    return Condition(condition.fact, condition.op, condition.operand, not condition.negated,
                     condition.operand_ref, condition.line)


def candidates(domain: Domain, conditions: Iterable[Condition]) -> list[Any]:
    """Values of the domain among which one satisfies the conditions, if any value does."""
    conditions = list(conditions)
    if domain.values is not None:
        return list(domain.values)
    if domain.kind == NUMBER:
        return _number_candidates(domain, conditions)
    if domain.kind == BOOL:
        return [False, True]
    if domain.kind == TEXT:
        if domain.items:
            return list(domain.items)
        constants: list[Any] = []
        for condition in conditions:
            for value in _operands(condition):
                if isinstance(value, str) and value not in constants:
                    constants.append(value)
        return constants + [_OTHER]
    # a list: every subset of the items it may hold, in a canonical order
    universe = list(domain.items)
    if not universe:
        for condition in conditions:
            for value in _operands(condition):
                if isinstance(value, str) and value not in universe:
                    universe.append(value)
        universe.append(_OTHER)
    if len(universe) > MAX_LIST_ITEMS:
        universe = universe[:MAX_LIST_ITEMS]
    subsets: list[tuple[str, ...]] = []
    for size in range(len(universe) + 1):
        subsets.extend(itertools.combinations(universe, size))
    return subsets


def _operands(condition: Condition) -> list[Any]:
    operand = condition.operand
    if isinstance(operand, (list, tuple)):
        return list(operand)
    return [operand]


def _number_candidates(domain: Domain, conditions: list[Condition]) -> list[float]:
    """Points that meet every region the conditions cut the number line into.

    Conditions compare with constants, so the values satisfying them form intervals whose
    ends are constants or the domain's bounds: each such point, a point between two
    consecutive ones and a point beyond the extremes cover them all; for whole numbers,
    the first whole number after each of them does.
    """
    critical: set[float] = set()
    for condition in conditions:
        if condition.op in ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"):
            for value in _operands(condition):
                if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                    critical.add(float(value))
    for bound in (domain.low, domain.high):
        if math.isfinite(bound):
            critical.add(bound)
    points = sorted(critical) or [0.0]
    found: set[float] = set(points)
    found.update((points[0] - 1, points[-1] + 1))
    for left, right in zip(points, points[1:]):
        found.add((left + right) / 2)
    if domain.integer:
        whole = {float(math.floor(p) + 1) for p in found} | {float(math.ceil(p) - 1) for p in found}
        found = {p for p in found if p.is_integer()} | whole
    return sorted(p for p in found if domain.low <= p <= domain.high)


def fact_witness(domain: Domain, conditions: list[Condition]) -> Any | None:
    """A value (or ABSENT) of the fact satisfying all the conditions on it; None if there is none."""
    if domain.presence != ALWAYS and all(c.negated for c in conditions):
        return ABSENT
    if domain.presence == NEVER:
        return None
    for value in candidates(domain, conditions):
        if all(holds(condition, value) for condition in conditions):
            return value
    return None


def always_holds(domain: Domain, condition: Condition) -> bool:
    """True when every possible value satisfies the condition (so it can be left out)."""
    if domain.presence != ALWAYS:
        return False
    return all(holds(condition, value) for value in candidates(domain, [condition]))


# ---------------------------------------------------------------- conjunctions and rules


@dataclass(frozen=True)
class Requirement:
    """What must hold for a rule to fire: conditions that all must hold, and groups of
    alternatives of which one must (each alternative a list of conditions)."""

    conditions: tuple[Condition, ...]
    choices: tuple[tuple[tuple[Condition, ...], ...], ...] = ()

    def __add__(self, other: "Requirement") -> "Requirement":
        return Requirement(self.conditions + other.conditions, self.choices + other.choices)


def requirement(rulebook: RuleBook, rule: Rule) -> Requirement:
    conditions: list[Condition] = []
    choices: list[tuple[tuple[Condition, ...], ...]] = []
    for item in rule.when.items:
        if isinstance(item, Group):
            alternatives = []
            for alternative in item.items:
                if isinstance(alternative, Group):
                    alternatives.append(tuple(alternative.conditions()))
                else:
                    alternatives.append((alternative,))
            choices.append(tuple(alternatives))
        else:
            conditions.append(item)
    conditions.extend(computed_from(rulebook, rule))
    return Requirement(tuple(conditions), tuple(choices))


def witness(requirement: Requirement, domains: Mapping[str, Domain]) -> dict[str, Any] | None:
    """Values of the facts (fact -> value or ABSENT) under which the requirement holds, or None."""
    combinations = itertools.product(*requirement.choices) if requirement.choices else iter([()])
    for count, chosen in enumerate(combinations):
        if count >= MAX_COMBINATIONS:
            return {}  # too many to try: assume it can hold, claim nothing
        conditions = list(requirement.conditions)
        for alternative in chosen:
            conditions.extend(alternative)
        found = _conjunction_witness(conditions, domains)
        if found is not None:
            return found
    return None


def _conjunction_witness(conditions: list[Condition], domains: Mapping[str, Domain]) -> dict[str, Any] | None:
    by_fact: dict[str, list[Condition]] = {}
    for condition in conditions:
        by_fact.setdefault(condition.fact, []).append(condition)
    values: dict[str, Any] = {}
    for fact, on_fact in by_fact.items():
        domain = domains.get(fact)
        if domain is None:
            continue  # unknown to the model: assume it can be anything
        value = fact_witness(domain, on_fact)
        if value is None:
            return None
        values[fact] = value
    return values


def satisfiable(requirement: Requirement, domains: Mapping[str, Domain]) -> bool:
    return witness(requirement, domains) is not None


def implies(stronger: Requirement, weaker: Requirement, domains: Mapping[str, Domain]) -> bool:
    """Whether `stronger` holding means `weaker` holds too (proved, else False).

    `weaker`'s groups of alternatives must appear as such in `stronger`; each of its plain
    conditions must be impossible to fail while `stronger` holds.
    """
    for group in weaker.choices:
        if group not in stronger.choices:
            return False
    for condition in weaker.conditions:
        if satisfiable(Requirement(stronger.conditions + (negate(condition),), stronger.choices), domains):
            return False
    return True


# ---------------------------------------------------------------- the whole rule base


@dataclass
class Analysis:
    """Which rules can fire, and the domains of the facts given those rules."""

    rulebook: RuleBook
    domains: dict[str, Domain]
    requirements: dict[str, Requirement]
    dead: dict[str, dict[str, Domain]] = field(default_factory=dict)  # rule id -> domains that killed it

    @property
    def live(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rulebook.rules if rule.id not in self.dead)


def analyse(rulebook: RuleBook, known: Mapping[str, Any] | None = None) -> Analysis:
    """Find the rules that can never fire, recomputing domains until nothing changes."""
    requirements = {rule.id: requirement(rulebook, rule) for rule in rulebook.rules}
    dead: dict[str, dict[str, Domain]] = {}
    live = list(rulebook.rules)
    while True:
        current = domains(rulebook, live, known)
        newly = [rule for rule in live if not satisfiable(requirements[rule.id], current)]
        if not newly:
            return Analysis(rulebook, current, requirements, dead)
        for rule in newly:
            dead[rule.id] = current
        live = [rule for rule in live if rule.id not in dead]
