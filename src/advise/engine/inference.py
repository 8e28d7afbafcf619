"""Forward chaining to a fixpoint, stratum by stratum, recording the trace.

durable_rules decides which rules fire (advise.engine.durable). This module feeds it facts in a
canonical order, computes what each fired rule concludes, settles agreement, priority
and conflict between rules concluding the same fact, and asserts the results, which
fire the rules of the next stratum.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import ConflictError, Problem, RuleRunError, register_messages
from ..rulebase import expressions
from ..rulebase.model import FactType, RuleBook
from ..rulebase.operators import LIST, NUMBER, TEXT
from . import compiler as _compiler
from .compiler import Program, encode_fact, encode_stage, keyed_fact, normalise, stage_key
from .durable import Activation, Engine
from .trace import Derivation, Firing, Trace

register_messages({
    "rule-conflict": {
        "en": "two rules conclude different values for '{fact}': {first} says {first_value}, {second} says {second_value}; "
              "give one of them a higher priority, or make their conditions exclusive",
        "fr": "deux règles concluent des valeurs différentes pour « {fact} » : {first} dit {first_value}, {second} dit "
              "{second_value} ; donnez à l'une une priorité plus haute, ou rendez leurs conditions exclusives",
    },
    "rule-expression-failed": {
        "en": "the computation of '{fact}' failed: {reason}",
        "fr": "le calcul de « {fact} » a échoué : {reason_fr}",
    },
})


def infer(program: Program, engine: Engine, sheet_facts: dict[str, Any]) -> Trace:
    plan = plan_of(program)
    store: dict[str, Any] = {}
    derivations: dict[str, Derivation] = {}
    firings: list[Firing] = []
    rulebook = program.rulebook
    stages = plan.stages
    with engine.session() as session:
        initial = dict(sheet_facts)
        kept_defaults = program.default_derivations
        for name, default in program.initial_defaults:
            initial[name] = default
            derivations[name] = kept_defaults[name]
        pending, keys = plan.stored(store, initial)
        for stratum in range(1, len(stages)):
            # The facts of the stratum before, then the stage fact that lets this stratum's
            # rules fire, in one call to durable (half as many calls as one for each).
            stage, key = stages[stratum]
            pending.append(stage)
            keys.append(key)
            activations = session.assert_facts(pending, keys)
            new_facts: dict[str, Any] = {}
            if activations:
                stratum_firings, proposals, added = plan.fire(activations, stratum, len(firings), store)
                new_facts, overruled = resolve(rulebook, proposals, derivations, added, plan.priorities)
                if overruled:
                    for firing in stratum_firings:
                        lost = {fact: winner for (step, fact), winner in overruled.items() if step == firing.step}
                        firings.append(Firing(firing.step, firing.rule, firing.stratum, firing.matched, firing.read,
                                              firing.concluded, lost, firing.absent) if lost else firing)
                else:
                    firings.extend(stratum_firings)
            for name, default in program.defaults_at[stratum]:
                if name not in new_facts:
                    new_facts[name] = default
                    derivations[name] = kept_defaults[name]
            pending, keys = plan.stored(store, new_facts)
        if pending:  # the last stratum's facts: durable still checks every one (edge 15)
            activations = session.assert_facts(pending, keys)
            # Rules wait for their stage fact: asserting facts alone fires none (else: a compiler bug).
            assert not activations, [a.rule for a in activations]
    return Trace(sheet=dict(sheet_facts), firings=tuple(firings), facts=store, derivations=derivations,
                 strata=len(program.strata) - 1)


_MISSING = object()


def plan_of(program: Program) -> _Plan:
    """The program's _Plan, made on first use and kept with it (in its __dict__, as its cached
    properties: pickled with it by advise's cache, so that a run on a kept rule base has it)."""
    plan = program.__dict__.get("_plan")
    if plan is None:
        plan = program.__dict__["_plan"] = _Plan(program)
    return plan


class _Plan:
    """What a run reads of a program at every sheet and every firing, worked out once per
    program (plan_of): each rule's aliases, conclusions and what they need; the stage facts.
    Only data (it goes into advise's cache), never changed after it is made."""

    def __init__(self, program: Program) -> None:
        rulebook = program.rulebook
        self.tested = program.tested_facts
        self.stages = tuple((encode_stage(stratum), stage_key(stratum)) for stratum in range(len(program.strata)))
        constants, added, order, absent = program.constants, program.added, program.matched_order, program.absent
        # rule -> (its stratum, its aliases, its facts in condition order, the facts its `not`
        # conditions require absent, what it concludes when all constants, the facts it adds to)
        self.rules = {rule_id: (compiled.stratum, compiled.aliases, order[rule_id], absent[rule_id],
                                constants.get(rule_id), added[rule_id])
                      for rule_id, compiled in program.rules.items()}
        # rule -> the rule, and (fact, expression, constant, fact type, line, its type's check) for each conclusion
        self.then = {rule_id: (compiled.rule, tuple((conclusion.fact, conclusion.expression, conclusion.value,
                                                     rulebook.facts[conclusion.fact], conclusion.line,
                                                     _CHECKS[_check_kind(rulebook.facts[conclusion.fact])])
                                                    for conclusion in compiled.rule.then))
                     for rule_id, compiled in program.rules.items()}
        self.families = rulebook.vocabulary.families
        # family -> (member fact, its name in the family's mapping) for each member (_lookup)
        self.members = {family: tuple((member, member[len(family) + 1:]) for member in members)
                        for family, members in self.families.items()}
        # table value name -> its value, as _lookup finds it (a name no fact or family takes)
        families, facts = self.families, rulebook.facts
        self.tabled = {name: entry.value for table_name, table in rulebook.tables.items()
                       for key, entry in table.entries.items()
                       for name in (f"{table_name}.{key}",)
                       if name not in facts and name not in families and name not in rulebook.tables
                       and rulebook.table_value(name) is entry}
        # table name -> its values (what _lookup reads of a table no fact or family is named as)
        self.tables = {name: table.values() for name, table in rulebook.tables.items()
                       if name not in facts and name not in families}
        self.priorities = {rule_id: rulebook.rule(rule_id).priority for rule_id in program.rules}  # resolve
        self.rulebook = rulebook

    def stored(self, store: dict[str, Any], facts: dict[str, Any]) -> tuple[list[dict[str, Any]], list[tuple | None]]:
        """`facts` put in `store`, and encoded for durable in one canonical order (by name), so
        that firing order never depends on input order; with each its key (compiler.keyed_fact).
        Only the facts some rule's pattern tests (Program.tested_facts) are given to durable:
        the others (warnings raised, names no rule reads) would cost it work for nothing; the
        store, hence the trace and the report, keeps every fact."""
        tested = self.tested
        pending: list[dict[str, Any]] = []
        keys: list[tuple | None] = []
        kept = _compiler._kept_facts
        newer = kept.newer
        for name in sorted(facts):
            value = store[name] = facts[name]
            if tested is None or name in tested:  # compiler.keyed_fact, its usual cases inline
                kind = value.__class__
                if kind is str or kind is bool or kind is int or (kind is float and value):
                    key: tuple | None = (name, kind, value)  # as fact_key makes it
                    fact = newer.get(key)
                    if fact is None:
                        fact = kept.get(key, encode_fact, name, value)
                        newer = kept.newer  # a new generation, if the newer one was full
                else:
                    fact, key = keyed_fact(name, value)
                pending.append(fact)
                keys.append(key)
        return pending, keys

    def fire(self, activations: list[Activation], stratum: int, step: int, store: dict[str, Any]
             ) -> tuple[list[Firing], dict[str, list[tuple[int, Any, str]]], set[str]]:
        """The stratum's firings (one per rule: a rule with `any` may match several alternatives
        at once), numbered after `step`; what each concludes, by fact; the facts concluded by
        `add` (summed), not `set` (compared)."""
        rules = self.rules
        merged: dict[str, dict[str, Any]] = {}
        for activation in activations:
            rule_id = activation.rule
            matched = merged.get(rule_id)
            if matched is None:
                matched = merged[rule_id] = {}
            aliases = rules[rule_id][1]
            for alias, fact in activation.bindings.items():
                if alias in aliases and "name" in fact:
                    value = fact["value"]
                    matched[fact["name"]] = tuple(value) if value.__class__ is list else value
        proposals: dict[str, list[tuple[int, Any, str]]] = {}
        added: set[str] = set()
        stratum_firings: list[Firing] = []
        for rule_id, matched in merged.items():
            rule_stratum, _, order, absent, constant, adds = rules[rule_id]
            assert rule_stratum == stratum, (rule_id, rule_stratum, stratum)
            if len(matched) > 1:  # in condition order (Program.matched_order)
                matched = {name: matched[name] for name in order if name in matched}
            step += 1
            if constant is not None:  # the same at every firing: computed once (Program.constants)
                concluded, read = dict(constant), {}
            else:
                concluded, read = self.conclude(rule_id, store)
            for name, value in concluded.items():
                entry = (step, value, rule_id)
                if name in proposals:
                    proposals[name].append(entry)
                else:
                    proposals[name] = [entry]
            if adds:
                added.update(adds)
            stratum_firings.append(Firing(step, rule_id, stratum, matched, read, concluded, absent=absent))
        return stratum_firings, proposals, added

    def conclude(self, rule_id: str, store: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """What the fired rule concludes from the facts in `store`, and what its computations read."""
        rule, then = self.then[rule_id]
        read: dict[str, Any] = {}
        lookup = self.reader(store, read)
        concluded: dict[str, Any] = {}
        for fact, expression, value, fact_type, line, check in then:
            if expression is not None:
                try:
                    value = expression.evaluate(lookup)
                except expressions.ExpressionError as error:
                    reason = Problem(error.code, error.params)
                    raise RuleRunError(Problem("rule-expression-failed", {
                        "fact": fact, "reason": reason.message("en"), "reason_fr": reason.message("fr")},
                        file=rule.file, line=line, rule=rule.id)) from None
                except (ArithmeticError, TypeError, ValueError) as error:
                    raise RuleRunError(Problem("rule-expression-failed", {
                        "fact": fact, "reason": str(error), "reason_fr": str(error)},
                        file=rule.file, line=line, rule=rule.id)) from None
            # One conclusion per fact in a rule: `set` and `add` are mappings, never mixed (loading)
            checked = check(fact_type, value)
            concluded[fact] = checked if checked is not _MISSING else normalise(fact_type, value, rule.id, rule.file,
                                                                                 line)
        return concluded, read

    def reader(self, store: dict[str, Any], read: dict[str, Any]) -> Callable[[str], Any]:
        """What an expression reads of `store` by name (_lookup's answer, its usual cases first:
        the family, fact, table value or table, each found once for the program), each noted in `read`."""
        family_members, tabled, tables = self.members, self.tabled, self.tables

        def lookup(name: str) -> Any:
            members = family_members.get(name)
            if members is not None:
                value = {}
                for member, short in members:
                    if member in store:
                        value[short] = store[member]
            else:
                value = store.get(name, _MISSING)
                if value is _MISSING:
                    value = tabled.get(name, _MISSING)  # a table's value: the same for every sheet
                    if value is _MISSING:
                        whole = tables.get(name)  # a whole table: a mapping of its own for each reading
                        value = dict(whole) if whole is not None else _lookup(self.rulebook, store, name)
                elif value.__class__ is tuple:
                    value = list(value)
            read[name] = value
            return value

        return lookup


def _check_kind(fact: FactType) -> str:
    """Which of _CHECKS takes a value computed for `fact`."""
    if fact.kind == NUMBER:
        return "integer" if fact.integer else "number"
    return fact.kind if fact.kind in (LIST, TEXT) else "bool"


def _integer(fact: FactType, value: Any) -> Any:
    kind = value.__class__
    if kind is int and -_INT64 <= value < _INT64:
        return value
    if kind is float and value.is_integer():  # finite too
        return int(value)
    return _MISSING


def _number(fact: FactType, value: Any) -> Any:
    kind = value.__class__
    if kind is float and value - value == 0.0:  # finite
        return round(value, 6) + 0.0
    if kind is int and -_INT64 <= value < _INT64:
        return round(float(value), 6) + 0.0
    return _MISSING


def _listed(fact: FactType, value: Any) -> Any:
    kind, choices = value.__class__, fact.choices
    if kind is not tuple and kind is not list:
        return _MISSING
    for item in value:
        if item.__class__ is not str or (choices and item not in choices):
            return _MISSING
    return tuple(value)


def _text(fact: FactType, value: Any) -> Any:
    return value if value.__class__ is str and (not fact.choices or value in fact.choices) else _MISSING


def _truth(fact: FactType, value: Any) -> Any:
    return value if value.__class__ is bool else _MISSING


# What compiler.normalise gives for the usual values of each kind of fact, without its chain of
# tests; _MISSING for any other value (normalise decides, and words the error).
_INT64 = 2**63
_CHECKS = {"integer": _integer, "number": _number, LIST: _listed, TEXT: _text, "bool": _truth}


def conclude(program: Program, rule_id: str, store: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the fired rule concludes from the facts in `store`, and what its computations read."""
    return plan_of(program).conclude(rule_id, store)


def _lookup(rulebook: RuleBook, store: dict[str, Any], name: str) -> Any:
    if name in rulebook.vocabulary.families:
        prefix = name + "."
        return {member[len(prefix):]: store[member] for member in rulebook.vocabulary.families[name]
                if member in store}
    if name in store:
        value = store[name]
        return list(value) if isinstance(value, tuple) else value
    if name in rulebook.tables:
        return rulebook.tables[name].values()
    entry = rulebook.table_value(name)
    if entry is not None:
        return entry.value
    # The compiler makes a rule wait for the derived facts it computes with; reaching here
    # means a fact without default that no rule concluded for this sheet.
    raise expressions.ExpressionError("unknown-fact", name=name)


def resolve(rulebook: RuleBook, proposals: dict[str, list[tuple[int, Any, str]]],
             derivations: dict[str, Derivation], added: set[str], priorities: dict[str, int] | None = None
             ) -> tuple[dict[str, Any], dict[tuple[int, str], str]]:
    """Settle each fact concluded in this stratum: sum for `add`, else agreement or priority
    (`priorities`: each rule's, else asked of the rule book)."""
    new_facts: dict[str, Any] = {}
    overruled: dict[tuple[int, str], str] = {}
    for name in sorted(proposals):
        entries = proposals[name]
        if len(entries) == 1 and name not in added:  # one rule concluded it: nothing to settle
            step, value, _ = entries[0]
            new_facts[name] = value
            derivations[name] = Derivation(name, value, (step,))
            continue
        fact_type = rulebook.facts[name]
        if name in added:  # the rule book never mixes `set` and `add` on one fact
            total = round(sum(value for _, value, _ in entries), 6) + 0.0
            new_facts[name] = int(total) if fact_type.integer else total
            derivations[name] = Derivation(name, new_facts[name], tuple(step for step, _, _ in entries))
            continue
        priority = priorities.__getitem__ if priorities is not None else lambda rule_id: rulebook.rule(rule_id).priority
        top = max(priority(rule_id) for _, _, rule_id in entries)
        winners = [(step, value, rule_id) for step, value, rule_id in entries if priority(rule_id) == top]
        distinct = {value for _, value, _ in winners}  # normalised: lists are tuples
        if len(distinct) > 1:
            first = winners[0]
            second = next(entry for entry in winners if entry[1] != first[1])
            rule = rulebook.rule(first[2])
            raise ConflictError(Problem("rule-conflict", {
                "fact": name, "first": first[2], "first_value": _show(first[1]),
                "second": second[2], "second_value": _show(second[1])}, file=rule.file, line=rule.line,
                rule=first[2]))
        value = winners[0][1]
        new_facts[name] = value
        winner_rule = winners[0][2]
        losers = []
        for step, other, rule_id in entries:
            if other != value:
                overruled[(step, name)] = winner_rule
                losers.append(step)
        derivations[name] = Derivation(name, value, tuple(step for step, other, _ in entries
                                                          if other == value),
                                       overruled_steps=tuple(losers))
    return new_facts, overruled


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(str, value)) + "]"
    return repr(value) if isinstance(value, str) else str(value)
