"""Predict a run with some sheet answers changed, in Python, from the trace of the run as written.

A prediction, never an answer: advise.explain.counterfactual uses it to choose which
changes to verify, and runs the real engine (advise.engine.inference) on every hint it
shows. It is cheap because only the rules that read a fact that changed are decided again;
every other rule keeps its firing, and what it concluded, from the trace.

The semantics are the compiled program's (advise.engine.compiler), stratum by stratum: a
rule fires when each of its positive conditions holds on a fact present, one alternative
of each `any` holds, no negated condition matches a fact, and the derived facts its
computations need are present (`computed_from`). What the rules of a stratum conclude is
settled as the inference settles it (advise.engine.inference.resolve: sum for `add`,
agreement or priority for `set`), and a fact of that stratum no rule concluded takes its
default, or is absent. Whatever it cannot decide as the engine would (a computation that
fails, a conflict, a comparison of values of different types, a negation inside `any`) makes
the prediction None: only the real run can tell.
"""

from __future__ import annotations

from typing import Any

from ..errors import AdviseError
from ..rulebase.model import Condition, Group
from ..rulebase.operators import OPERATORS
from .compiler import Program, computed_from
from .inference import conclude, resolve
from .trace import Trace

_ABSENT = object()
_MAX_PLANS = 4096  # Predictor._plans kept at once


class _Undecided(Exception):
    """The prediction cannot decide this as the engine would."""


class _Shape:
    """One rule's conditions, as the compiler splits them, each as _test gives it. (A plain
    class: a dataclass costs about 0.5 ms to create, in every process that gives hints.)"""

    __slots__ = ("positives", "alternatives", "negations", "decidable")

    def __init__(self, positives: tuple[_Test, ...], alternatives: tuple[tuple[tuple[_Test, ...], ...], ...],
                 negations: tuple[_Test, ...], decidable: bool) -> None:
        self.positives = positives  # must all hold (top level, `all` groups, computed_from)
        self.alternatives = alternatives  # each `any`: one alternative must hold
        self.negations = negations  # must match no fact
        self.decidable = decidable  # False: a negation inside `any`, which the prediction does not decide


class Predictor:
    """The index of one compiled program: who reads what, and each rule's conditions."""

    def __init__(self, program: Program, index: dict[str, Any] | None = None):
        """`index`: what `index()` gave for this program (kept in the cache with it, see
        advise.advisor): taken as it is instead of computed again (about 1 ms)."""
        self.program = program
        # (stratum, the rules of it to decide again) -> (the facts they conclude, sorted; the
        # positions of the rules that conclude one): the same few sets come back at every prediction
        self._plans: dict[tuple[int, frozenset[str]], tuple[tuple[str, ...], frozenset[str], tuple[int, ...]]] = {}
        self._before: tuple[Trace, dict[str, Any]] | None = None  # the last trace read, and its firings
        if index is not None:
            self._restore(index)
            return
        rulebook = program.rulebook
        families = rulebook.vocabulary.families
        self.shapes: dict[str, _Shape] = {}
        self.readers: dict[str, set[str]] = {}
        self.concludes: dict[str, tuple[str, ...]] = {}
        self.adds: dict[str, tuple[str, ...]] = {}
        for rule_id, compiled in program.rules.items():
            rule = compiled.rule
            positives: list[Condition] = []
            negations: list[Condition] = []
            alternatives: list[tuple[tuple[Condition, ...], ...]] = []
            decidable = True
            for item in rule.when.items:
                if isinstance(item, Group) and item.kind == "any":
                    options = tuple(tuple(sub.conditions()) if isinstance(sub, Group) else (sub,) for sub in item.items)
                    decidable = decidable and not any(c.negated for option in options for c in option)
                    alternatives.append(options)
                else:
                    for condition in (item.conditions() if isinstance(item, Group) else (item,)):
                        (negations if condition.negated else positives).append(condition)
            positives.extend(computed_from(rulebook, rule))
            self.shapes[rule_id] = _Shape(tuple(map(_test, positives)),
                                          tuple(tuple(tuple(map(_test, option)) for option in options)
                                                for options in alternatives),
                                          tuple(map(_test, negations)), decidable)
            for name in rule.reads():
                for fact in families.get(name, (name,)):
                    self.readers.setdefault(fact, set()).add(rule_id)
            self.concludes[rule_id] = rule.concludes()
            self.adds[rule_id] = tuple(c.fact for c in rule.then if c.kind == "add")
        # fact -> stratum -> the rules of that stratum that read it (the strata a change reaches)
        self.readers_at: dict[str, dict[int, set[str]]] = {}
        for fact, rule_ids in self.readers.items():
            for rule_id in rule_ids:
                self.readers_at.setdefault(fact, {}).setdefault(program.rules[rule_id].stratum, set()).add(rule_id)
        # stratum -> fact -> the positions, in that stratum, of the rules that conclude it
        self.concluders: list[dict[str, tuple[int, ...]]] = []
        for rules in program.strata:
            by_fact: dict[str, list[int]] = {}
            for position, rule_id in enumerate(rules):
                for name in self.concludes[rule_id]:
                    by_fact.setdefault(name, []).append(position)
            self.concluders.append({name: tuple(positions) for name, positions in by_fact.items()})
        # fact -> (the stratum that concludes it, its default), for the facts with a default
        self.defaults: dict[str, tuple[int, Any]] = {
            name: (level, fact_type.default) for name, level in program.fact_level.items()
            if (fact_type := rulebook.facts[name]).has_default}
        # rule -> what it concludes, for the rules whose conclusions are all constants (no
        # computation): the same whatever the facts, as conclude() would give it
        self.constants: dict[str, dict[str, Any]] = {}
        for rule_id, compiled in program.rules.items():
            if all(conclusion.expression is None for conclusion in compiled.rule.then):
                try:
                    self.constants[rule_id] = conclude(program, rule_id, {})[0]  # reads no fact
                except AdviseError:
                    pass  # conclude() raises it again at each prediction: undecided

    _INDEX = ("readers", "concludes", "adds", "readers_at", "concluders", "defaults", "constants")

    def index(self) -> dict[str, Any]:
        """What __init__ computed from the program, as plain data (no function, no class of
        advise's: loading it imports nothing): each test without its operator's function."""
        found = {name: getattr(self, name) for name in self._INDEX}
        found["shapes"] = {rule_id: (tuple(test[:5] for test in shape.positives),
                                     tuple(tuple(tuple(test[:5] for test in option) for option in options)
                                           for options in shape.alternatives),
                                     tuple(test[:5] for test in shape.negations), shape.decidable)
                           for rule_id, shape in self.shapes.items()}
        return found

    def _restore(self, index: dict[str, Any]) -> None:
        for name in self._INDEX:
            setattr(self, name, index[name])

        def test(plain: tuple[Any, ...]) -> _Test:
            operator = OPERATORS.get(plain[1])
            return (*plain, operator.evaluate if operator is not None else None)  # as _test makes it

        self.shapes = {rule_id: _Shape(tuple(map(test, positives)),
                                       tuple(tuple(tuple(map(test, option)) for option in options)
                                             for options in alternatives),
                                       tuple(map(test, negations)), decidable)
                       for rule_id, (positives, alternatives, negations, decidable) in index["shapes"].items()}

    def facts(self, trace: Trace, changes: dict[str, Any]) -> dict[str, Any] | None:
        """The facts of a run on the sheet of `trace` with `changes` applied; None if undecided."""
        try:
            return self._facts(trace, changes)
        except (_Undecided, AdviseError, ArithmeticError, TypeError, ValueError):
            return None

    def _firings(self, trace: Trace) -> dict[str, Any]:
        """rule -> what it concluded in `trace` (kept for the next call: the same trace is asked many times)."""
        last = self._before
        if last is not None and last[0] is trace:
            return last[1]
        before = {firing.rule: firing.concluded for firing in trace.firings}
        self._before = (trace, before)
        return before

    def _facts(self, trace: Trace, changes: dict[str, Any]) -> dict[str, Any]:
        program, rulebook = self.program, self.program.rulebook
        store = dict(trace.facts)
        # stratum -> the rules of that stratum that read a fact that changed
        pending: dict[int, set[str]] = {}

        def changed(name: str) -> None:
            for stratum, rule_ids in self.readers_at.get(name, {}).items():
                pending.setdefault(stratum, set()).update(rule_ids)

        for name, value in changes.items():
            if store.get(name, _ABSENT) != value:
                store[name] = value
                changed(name)
        if not pending:
            return store
        before = self._firings(trace)
        defaults = self.defaults
        for stratum in range(1, len(program.strata)):
            affected = pending.get(stratum)
            if not affected:
                continue
            rules = program.strata[stratum]
            key = (stratum, frozenset(affected))
            plan = self._plans.get(key)
            if plan is None:
                if len(self._plans) >= _MAX_PLANS:
                    self._plans.clear()  # a bound on memory for a long-lived server
                concluders = self.concluders[stratum]
                names = {name for rule_id in affected for name in self.concludes[rule_id]}
                plan = self._plans[key] = (tuple(sorted(names)), frozenset(names), tuple(sorted(
                    {position for name in names for position in concluders.get(name, ())})))
            ordered, redo, positions = plan
            proposals: dict[str, list[tuple[int, Any, str]]] = {}
            added: set[str] = set()
            constants = self.constants
            for position in positions:
                rule_id = rules[position]
                if rule_id in affected:
                    if not self._fires(rule_id, store):
                        continue
                    concluded = constants.get(rule_id)
                    if concluded is None:
                        concluded = conclude(program, rule_id, store)[0]
                else:
                    concluded = before.get(rule_id)
                    if concluded is None:
                        continue
                for name, value in concluded.items():
                    if name in redo:
                        proposals.setdefault(name, []).append((position, value, rule_id))
                added.update(name for name in self.adds[rule_id] if name in redo)
            # one rule concluded it: nothing to settle (resolve's own first case, without its Derivation)
            settled: dict[str, Any] = {}
            contested: dict[str, list[tuple[int, Any, str]]] = {}
            for name, entries in proposals.items():
                if len(entries) == 1 and name not in added:
                    settled[name] = entries[0][1]
                else:
                    contested[name] = entries
            if contested:
                settled.update(resolve(rulebook, contested, {}, added)[0])
            for name in ordered:
                if name in settled:
                    value = settled[name]
                elif (default := defaults.get(name)) is not None and default[0] == stratum:
                    value = default[1]
                else:
                    value = _ABSENT
                if store.get(name, _ABSENT) != value:
                    changed(name)
                    if value is _ABSENT:
                        del store[name]
                    else:
                        store[name] = value
        return store

    def _fires(self, rule_id: str, store: dict[str, Any]) -> bool:
        """Loops rather than all()/any() of generators (the hot path of a prediction), in the same
        order and stopping at the same test: which test raises _Undecided stays the same."""
        shape = self.shapes[rule_id]
        if not shape.decidable:
            raise _Undecided(rule_id)
        for test in shape.positives:
            if not _holds(test, store):
                return False
        for options in shape.alternatives:
            for option in options:
                for test in option:
                    if not _holds(test, store):
                        break
                else:
                    break  # this alternative holds
            else:
                return False
        for test in shape.negations:
            if _holds(test, store):
                return False
        return True


# A condition as _holds tests it: (fact, op, whether op is `present`, operand, its type, how to evaluate)
_Test = tuple[str, str, bool, Any, type, Any]


def _test(condition: Condition) -> _Test:
    operator = OPERATORS.get(condition.op)
    return (condition.fact, condition.op, condition.op == "present", condition.operand, type(condition.operand),
            operator.evaluate if operator is not None else None)


def _holds(test: _Test, store: dict[str, Any]) -> bool:
    """Does a fact in `store` match the condition's pattern (its negation aside)?"""
    fact, op, present, operand, operand_type, evaluate = test
    value = store.get(fact, _ABSENT)
    if value is _ABSENT:
        return False
    if present:
        return True
    if type(value) is not operand_type and not _comparable(value, operand):
        raise _Undecided(fact)
    if evaluate is None:
        evaluate = OPERATORS[op].evaluate
    return bool(evaluate(value, operand))


def _comparable(value: Any, operand: Any) -> bool:
    """Lists with their items and counts; numbers with numbers; texts and numbers with lists of them."""
    if isinstance(value, (list, tuple)):
        return True  # contains, only, empty, size_*
    if isinstance(value, bool) or isinstance(operand, bool):
        return False
    if isinstance(operand, (list, tuple)):
        kind = str if isinstance(value, str) else (int, float)
        return all(isinstance(item, kind) and not isinstance(item, bool) for item in operand)
    return isinstance(value, (int, float)) and isinstance(operand, (int, float))
