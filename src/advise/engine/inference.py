"""Forward chaining to a fixpoint, stratum by stratum, recording the trace.

durable_rules decides which rules fire (advise.engine.durable). This module feeds it facts in a
canonical order, computes what each fired rule concludes, settles agreement, priority
and conflict between rules concluding the same fact, and asserts the results, which
fire the rules of the next stratum.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConflictError, Problem, RuleRunError, register_messages
from ..rulebase import expressions
from ..rulebase.model import RuleBook
from .compiler import Program, encode_stage, keyed_fact, normalise, stage_key
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
    rulebook = program.rulebook
    store: dict[str, Any] = {}
    derivations: dict[str, Derivation] = {}
    firings: list[Firing] = []
    tested = program.tested_facts
    added_by = program.added
    constants = program.constants
    with engine.session() as session:
        initial = dict(sheet_facts)
        kept_defaults = program.default_derivations
        for name, default in program.initial_defaults:
            initial[name] = default
            derivations[name] = kept_defaults[name]
        pending, keys = _stored(store, initial, tested)
        for stratum in range(1, len(program.strata)):
            # The facts of the stratum before, then the stage fact that lets this stratum's
            # rules fire, in one call to durable (half as many calls as one for each).
            pending.append(encode_stage(stratum))
            keys.append(stage_key(stratum))
            activations = session.assert_facts(pending, keys)
            fired = _merge(activations, program, stratum)
            proposals: dict[str, list[tuple[int, Any, str]]] = {}
            added: set[str] = set()  # facts concluded by `add` (summed), not `set` (compared)
            stratum_firings: list[Firing] = []
            step = len(firings)
            for rule_id, matched, absent in fired:
                step += 1
                constant = constants.get(rule_id)
                if constant is not None:  # the same at every firing: computed once (Program.constants)
                    concluded, read = dict(constant), {}
                else:
                    concluded, read = conclude(program, rule_id, store)
                for name, value in concluded.items():
                    entry = (step, value, rule_id)
                    if name in proposals:
                        proposals[name].append(entry)
                    else:
                        proposals[name] = [entry]
                if added_by[rule_id]:
                    added.update(added_by[rule_id])
                stratum_firings.append(Firing(step, rule_id, stratum, matched, read, concluded, absent=absent))
            new_facts, overruled = resolve(rulebook, proposals, derivations, added)
            for name, default in program.defaults_at[stratum]:
                if name not in new_facts:
                    new_facts[name] = default
                    derivations[name] = kept_defaults[name]
            if overruled:
                for firing in stratum_firings:
                    lost = {fact: winner for (step, fact), winner in overruled.items() if step == firing.step}
                    firings.append(Firing(firing.step, firing.rule, firing.stratum, firing.matched, firing.read,
                                          firing.concluded, lost, firing.absent) if lost else firing)
            else:
                firings.extend(stratum_firings)
            pending, keys = _stored(store, new_facts, tested)
        if pending:  # the last stratum's facts: durable still checks every one (edge 15)
            activations = session.assert_facts(pending, keys)
            # Rules wait for their stage fact: asserting facts alone fires none (else: a compiler bug).
            assert not activations, [a.rule for a in activations]
    return Trace(sheet=dict(sheet_facts), firings=tuple(firings), facts=dict(store), derivations=derivations,
                 strata=len(program.strata) - 1)


def _stored(store: dict[str, Any], facts: dict[str, Any],
            tested: frozenset[str] | None) -> tuple[list[dict[str, Any]], list[tuple | None]]:
    """`facts` put in `store`, and encoded for durable in one canonical order (by name), so
    that firing order never depends on input order; with each its key (compiler.keyed_fact).
    `tested`: the facts some rule's pattern tests (Program.tested_facts), the only ones durable
    is given: the others (warnings raised, names no rule reads) would cost it work for nothing;
    the store, hence the trace and the report, keeps every fact."""
    encoded: list[dict[str, Any]] = []
    keys: list[tuple | None] = []
    for name in sorted(facts):
        value = store[name] = facts[name]
        if tested is None or name in tested:
            fact, key = keyed_fact(name, value)
            encoded.append(fact)
            keys.append(key)
    return encoded, keys


def _merge(activations: list[Activation], program: Program, stratum: int) -> list[tuple[str, dict, tuple]]:
    """One firing per rule: a rule with `any` may match several alternatives at once."""
    rules = program.rules
    merged: dict[str, dict[str, Any]] = {}
    for activation in activations:
        rule_id = activation.rule
        compiled = rules[rule_id]
        assert compiled.stratum == stratum, (rule_id, compiled.stratum, stratum)
        matched = merged.get(rule_id)
        if matched is None:
            matched = merged[rule_id] = {}
        aliases = compiled.aliases
        for alias, fact in activation.bindings.items():
            if alias in aliases and "name" in fact:
                value = fact["value"]
                matched[fact["name"]] = tuple(value) if isinstance(value, list) else value
    order = program.matched_order
    absent = program.absent
    # Each rule's facts in condition order (Program.matched_order)
    return [(rule_id, {name: matched[name] for name in order[rule_id] if name in matched}, absent[rule_id])
            for rule_id, matched in merged.items()]


def conclude(program: Program, rule_id: str, store: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the fired rule concludes from the facts in `store`, and what its computations read."""
    rulebook = program.rulebook
    rule = program.rules[rule_id].rule
    read: dict[str, Any] = {}
    families = rulebook.vocabulary.families

    def lookup(name: str) -> Any:
        if name in store and name not in families:  # most reads: _lookup's second case, inline
            value = store[name]
            if isinstance(value, tuple):
                value = list(value)
        else:
            value = _lookup(rulebook, store, name)
        read[name] = value
        return value

    concluded: dict[str, Any] = {}
    for conclusion in rule.then:
        if conclusion.expression is None:
            value = conclusion.value
        else:
            try:
                value = conclusion.expression.evaluate(lookup)
            except expressions.ExpressionError as error:
                reason = Problem(error.code, error.params)
                raise RuleRunError(Problem("rule-expression-failed", {
                    "fact": conclusion.fact, "reason": reason.message("en"), "reason_fr": reason.message("fr")},
                    file=rule.file, line=conclusion.line, rule=rule.id)) from None
            except (ArithmeticError, TypeError, ValueError) as error:
                raise RuleRunError(Problem("rule-expression-failed", {
                    "fact": conclusion.fact, "reason": str(error), "reason_fr": str(error)},
                    file=rule.file, line=conclusion.line, rule=rule.id)) from None
        # One conclusion per fact in a rule: `set` and `add` are mappings, never mixed (loading)
        concluded[conclusion.fact] = normalise(rulebook.facts[conclusion.fact], value, rule.id, rule.file,
                                               conclusion.line)
    return concluded, read


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
             derivations: dict[str, Derivation], added: set[str]) -> tuple[dict[str, Any], dict[tuple[int, str], str]]:
    """Settle each fact concluded in this stratum: sum for `add`, else agreement or priority."""
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
        top = max(rulebook.rule(rule_id).priority for _, _, rule_id in entries)
        winners = [(step, value, rule_id) for step, value, rule_id in entries
                   if rulebook.rule(rule_id).priority == top]
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
