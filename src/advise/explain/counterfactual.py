"""Counterfactual hints: the smallest change to ONE answer of the sheet that changes the advice.

For the verdict, for each warning and for the recommended profiles, the report can say
"with 6 h a week more (9 h in all), this warning goes" or "if someone in the business
could make visuals, ...". How the candidates are found, and why they are never guessed:

1. Candidate values come from the rules' thresholds. For each number of the sheet (weekly
   hours, monthly budget), every numeric condition of the rule base is examined: the ones
   on that number itself, and the ones on derived facts computed from it (`time_gap > 0`,
   `max_profiles: 0`). To carry a threshold back through the computations, the
   expressions of the rules that concluded each derived fact in this run are replayed
   with the number changed (`_Replay`, cheap Python); the nearest values above and below
   the current one where the condition flips are found by a doubling search then
   bisection, and rounded to a readable step (half an hour, one euro). Values where a
   whole number or a list of networks the rules computed changes (one more profile the
   time allows) are candidates too. Each true/false answer a rule reads gives one
   candidate: its opposite.
2. The outcome of each candidate is predicted in Python from this run's trace
   (advise.engine.prediction: only the rules that read a fact that changed are decided
   again), and the hints are chosen on those predictions.
3. Each change a chosen hint shows is then verified by running the real Advisor on the
   sheet with that one answer changed (advise.sheet.facts.apply_overrides: the same
   validation as the sheet). When the run disagrees with the prediction, the real outcome
   replaces it and the hints are chosen again, so the next candidate comes forward; this
   repeats until every hint shown stands on a real run. A candidate the prediction cannot
   decide is run at once. Only verified outcomes are shown; the replay and the prediction
   only propose. `Hints.reruns` counts the real runs (about 2.5 a report over the example
   sheets, where verifying every candidate took about 13).
4. For each target, the hint kept per answer is the smallest change that gives another
   outcome; numbers (time, budget) come before true/false answers.

A hint must name a change a business would make, for a real reason. So the edge between
nothing and something is no lever: a condition that compares a sheet number with zero
itself (`monthly_budget <= 0`) gives no candidate ("with 1 EUR a month more" is no advice
under a warning about a yearly cost), and no hint takes a number down to zero ("with 40 h
less, 0 h in all"). A hint never buys the point it clears with a worse verdict, and
verdict hints only go up the ladder: a worse verdict is never something to aim for.

Only answers the owner can act on are changed: resources and content (ACTIONABLE). What
the business is (its audience, whether it is local) is not a lever, and "if you sold
things that do not photograph well" is no advice. For the verdict, a hint moves it up the
ladder of the vocabulary's verdicts (listed from the most cautious to the boldest; the
first two, not yet and minimal presence, are equally cautious).

The candidates are bounded (at most MAX_CANDIDATES per number, one per true/false answer),
and one Advisor (one compiled rule base, one engine, one predictor) serves every run. With a
right prediction, the hints are exactly those of verifying every candidate (the tests hold
them to it); a wrong one costs runs, never a wrong hint.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from ..advisor import Advisor, Result
from ..kept import PerRuleBook
from ..rulebase import expressions
from ..rulebase.model import Condition, RuleBook
from ..rulebase.operators import BOOL, LIST, NUMBER, OPERATORS
from ..sheet.facts import SHEET_FIELDS, FactSheet, apply_overrides
from .answers import Hint, Hints, Outcome

MAX_CANDIDATES = 12  # per number of the sheet
MAX_HINTS = 3  # per target
UPPER_BOUND = 100_000.0  # for numbers the sheet does not bound above (the budget)
STEPS = {"hours_per_week": 0.5, "euros_per_month": 1.0}  # readable granularity of a change, per unit
COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in")
ACTIONABLE = ("resources.", "content.")  # the sheet's sections whose answers hints may change


class _Unknown(Exception):
    """The replay cannot compute this value (a fact no rule concluded, a failed computation)."""


_FAILED = object()  # in _Replay's memo: computing this item raised _Unknown
# The kinds of _Replay._plan
_VALUE, _FAMILY, _DERIVED, _UNKNOWN = object(), object(), object(), object()


class _Replay:
    """Recomputes derived facts with one sheet answer changed, from this run's derivations."""

    def __init__(self, result: Result):
        self.rulebook: RuleBook = result.rulebook
        self.trace = result.trace
        # (fact, x) -> item -> (its value, or _FAILED; whether computing it read `fact`).
        # The searches ask for the same values many times (every condition, every probe):
        # each is computed once per changed answer and value.
        self._memos: dict[tuple[str, type, Any], dict[str, tuple[Any, bool]]] = {}
        # fact -> item -> the same, for the items whose computation did not read `fact`: the
        # same for every x (what they read, branches included, does not depend on it).
        self._constants: dict[str, dict[str, tuple[Any, bool]]] = {}
        # item -> how to compute it in this run (_plan): the same for every fact and x
        self._plans: dict[str, tuple] = {}

    def value(self, name: str, fact: str, x: Any) -> tuple[Any, bool]:
        """The value of `name` if the sheet's `fact` were `x`; and whether it depends on `fact`."""
        if name == fact:  # the conditions on the sheet's number itself
            return x, True
        key = (fact, type(x), x)
        memo = self._memos.get(key)
        if memo is None:
            memo = self._memos[key] = {}
        constants = self._constants.get(fact)
        if constants is None:
            constants = self._constants[fact] = {}
        known = memo.get(name) or constants.get(name)  # asked before: the searches ask again and again
        if known is not None:
            return (None if known[0] is _FAILED else known[0]), known[1]
        plans = self._plans
        touched = False

        def get(item: str) -> Any:
            nonlocal touched
            if item == fact:
                touched = True
                return x
            entry = memo.get(item) or constants.get(item)
            if entry is None:
                outer, touched = touched, False
                try:
                    plan = plans.get(item)
                    if plan is None:
                        plan = plans[item] = self._plan(item)
                    value = compute(plan)
                except _Unknown:
                    memo[item] = (_FAILED, touched)
                    if not touched:
                        constants[item] = memo[item]
                    touched = touched or outer
                    raise
                entry = memo[item] = (value, touched)
                if not touched:
                    constants[item] = entry
                touched = touched or outer
            elif entry[1]:
                touched = True
            if entry[0] is _FAILED:
                raise _Unknown(item)
            return entry[0]

        def compute(plan: tuple) -> Any:
            kind = plan[0]
            if kind is _VALUE:
                return plan[1]
            if kind is _FAMILY:
                return {short: get(member) for short, member in plan[1]}
            if kind is _UNKNOWN:
                raise _Unknown(plan[1])
            _, item, parts, family, fact_type = plan  # _DERIVED
            values = []
            for expression, constant in parts:
                if expression is None:
                    values.append(list(constant) if isinstance(constant, tuple) else constant)
                else:
                    try:
                        values.append(expression.evaluate(get))
                    except (expressions.ExpressionError, ArithmeticError, TypeError, ValueError):
                        raise _Unknown(item) from None
            if family:
                return sum(values)
            value = values[0]
            if fact_type.kind == NUMBER and isinstance(value, (int, float)) and not isinstance(value, bool):
                return int(value) if fact_type.integer and float(value).is_integer() else round(float(value), 6)
            return value

        try:
            found = get(name)
        except _Unknown:
            return None, touched
        return found, touched

    def _plan(self, item: str) -> tuple:
        """How `item` is computed in this run: a value that no change of the sheet moves (a
        table, a sheet answer, a default), a family's members, the expressions of the rules that
        concluded it, or unknown."""
        rulebook, trace = self.rulebook, self.trace
        families = rulebook.vocabulary.families
        if item in families:
            prefix = item + "."
            return (_FAMILY, tuple((member[len(prefix):], member) for member in families[item]
                                   if member in trace.facts))
        if item in rulebook.tables:
            return (_VALUE, rulebook.tables[item].values())
        entry = rulebook.table_value(item)
        if entry is not None:
            return (_VALUE, entry.value)
        fact_type = rulebook.facts.get(item)
        if fact_type is None:
            return (_UNKNOWN, item)
        if not fact_type.derived:
            value = trace.facts[item]
            return (_VALUE, list(value) if isinstance(value, tuple) else value)
        derivation = trace.derivations.get(item)
        if derivation is None:
            return (_UNKNOWN, item)
        if derivation.default or not derivation.steps:
            value = trace.facts.get(item, fact_type.default)
            return (_VALUE, list(value) if isinstance(value, tuple) else value)
        parts = []
        for step in derivation.steps if fact_type.family else derivation.steps[:1]:
            rule = rulebook.rule(trace.firing(step).rule)
            parts.extend((conclusion.expression, conclusion.value) for conclusion in rule.then
                         if conclusion.fact == item)
        if not parts:
            return (_UNKNOWN, item)
        return (_DERIVED, item, tuple(parts), bool(fact_type.family), fact_type)


class _Index:
    """What the searches read from the rule base itself, the same for every sheet: built once
    per rule base (_index), where every report used to scan every rule again."""

    def __init__(self, rulebook: RuleBook):
        self.conditions: list[Condition] = []  # on numbers, one per (fact, comparison, operand)
        seen: set[tuple] = set()
        read: set[str] = set()
        for rule in rulebook.rules:
            for condition in rule.conditions:
                fact_type = rulebook.facts.get(condition.fact)
                if fact_type is None or fact_type.kind != NUMBER or condition.op not in COMPARISONS:
                    continue
                key = (condition.fact, condition.op, condition.operand)
                if key not in seen:
                    seen.add(key)
                    self.conditions.append(condition)
            read.update(rule.reads())
        # derived whole numbers and lists (how many profiles, which networks), which change in steps
        self.stepped = [name for name, fact_type in rulebook.facts.items() if fact_type.derived
                        and ((fact_type.kind == NUMBER and fact_type.integer) or fact_type.kind == LIST)]
        self.flags = [name for name, spec in SHEET_FIELDS.items() if spec.type == "bool" and name in read
                      and name.startswith(ACTIONABLE) and rulebook.facts[name].kind == BOOL]
        self.raised = {key: [name for name in rulebook.facts if name.startswith(key)]
                       for key in ("warnings.", "recommendations.")}


_INDEXES: PerRuleBook[_Index] = PerRuleBook(_Index)  # what the searches read of each rule base
_index = _INDEXES.get


def replayed(result: Result, name: str, fact: str, values: list[float]) -> list[Any]:
    """The value `name` would take with the sheet's `fact` at each of `values`, by replaying
    this run's computations (cheap; a proposal only: other rules may fire at other values)."""
    replay = _Replay(result)
    return [replay.value(name, fact, value)[0] for value in values]


def _nearest_flip(predicate: Callable[[float], Any], x0: float, low: float, high: float, step: float,
                  direction: int) -> float | None:
    """The nearest readable value from x0 in `direction` where `predicate` differs from its value
    at x0 (a doubling search, then bisection, then rounding to a multiple of `step`)."""
    p0 = predicate(x0)
    if p0 is None:
        return None
    previous, distance = x0, step
    while True:
        x = min(high, max(low, x0 + direction * distance))
        if x == previous:
            return None
        p = predicate(x)
        if p is None:
            return None
        if p != p0:
            break
        previous, distance = x, distance * 2
    inside, outside = previous, x  # predicate(inside) == p0 != predicate(outside)
    for _ in range(60):
        if abs(outside - inside) <= step / 64:
            break
        middle = (inside + outside) / 2
        p = predicate(middle)
        if p is None:
            break
        if p == p0:
            inside = middle
        else:
            outside = middle
    rounded = (math.ceil(outside / step - 1e-9) if direction > 0 else math.floor(outside / step + 1e-9)) * step
    for candidate in (rounded, outside):
        candidate = round(min(high, max(low, candidate)), 6)
        if candidate != x0:
            p = predicate(candidate)
            if p is not None and p != p0:
                return candidate
    return None


def _rank(fact: str) -> tuple[int, int]:
    """Numbers first (time, budget), then true/false answers; each in the sheet's order."""
    group = 0 if SHEET_FIELDS[fact].type == "number" else 1
    return group, list(SHEET_FIELDS).index(fact)


def _distance(before: Any, after: Any) -> float:
    if isinstance(before, bool):
        return 0.0
    return abs(after - before)


def numeric_candidates(result: Result) -> dict[str, list[float]]:
    """Candidate values per number of the sheet, nearest first, from the rules' thresholds."""
    rulebook, trace = result.rulebook, result.trace
    replay = _Replay(result)
    index = _index(rulebook)
    conditions = index.conditions
    # Derived whole numbers and lists (how many profiles, which networks) change in steps too.
    stepped = [name for name in index.stepped if name in trace.facts]
    candidates: dict[str, list[float]] = {}
    for name, spec in SHEET_FIELDS.items():
        if spec.type != "number" or not name.startswith(ACTIONABLE):
            continue
        x0 = trace.facts.get(name)
        if not isinstance(x0, (int, float)) or isinstance(x0, bool):
            continue
        low, high = spec.range if spec.range else (0.0, None)
        high = float(high) if high is not None else max(UPPER_BOUND, x0 * 10)
        step = STEPS.get(rulebook.facts[name].unit, 1.0)
        found: set[float] = set()

        def probe(predicate: Callable[[float], Any]) -> None:
            for direction in (1, -1):
                value = _nearest_flip(predicate, float(x0), float(low), high, step, direction)
                if value is not None:
                    found.add(value)

        for condition in conditions:
            if condition.fact == name and condition.operand == 0:
                continue  # nothing against something: no lever (see the module docstring)
            _, depends = replay.value(condition.fact, name, x0)
            if not depends:
                continue
            evaluate = OPERATORS[condition.op].evaluate

            def holds(x: float, condition: Condition = condition, evaluate: Any = evaluate) -> Any:
                value, _ = replay.value(condition.fact, name, x)
                if value is None:
                    return None
                try:
                    return bool(evaluate(value, condition.operand))
                except TypeError:
                    return None

            probe(holds)
        for derived in stepped:
            _, depends = replay.value(derived, name, x0)
            if not depends:
                continue

            def computed(x: float, derived: str = derived) -> Any:
                value, _ = replay.value(derived, name, x)
                return tuple(value) if isinstance(value, list) else value

            probe(computed)
        found.discard(0.0)  # "with 40 h less (0 h in all)" is no advice
        ordered = sorted(found, key=lambda value: (abs(value - x0), value))
        candidates[name] = ordered[:MAX_CANDIDATES]
    return candidates


def bool_candidates(result: Result) -> list[str]:
    """The true/false answers of the sheet the owner can change and some rule reads."""
    return list(_index(result.rulebook).flags)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


Predict = Callable[[Result, str, Any], "Outcome | None"]


def predicted(advisor: Advisor, result: Result, name: str, value: Any, before: Outcome | None = None) -> Outcome | None:
    """The outcome of the run with the sheet's `name` at `value`, as advise.engine.prediction
    predicts it from this run's trace (None: only the real run can tell). `before`: Outcome.of(result)."""
    facts = advisor.predictor.facts(result.trace, {name: value})
    if facts is None:
        return None
    raised = {key: [item for item in names if facts.get(item) is True]
              for key, names in _index(result.rulebook).raised.items()}
    before = before if before is not None else Outcome.of(result)

    def ordered(key: str, known: tuple[str, ...]) -> tuple[str, ...]:
        items = [item[len(key):] for item in raised[key]]  # as they fired before, then the new ones
        return tuple([item for item in known if item in items] + sorted(item for item in items if item not in known))

    platforms = facts.get("platforms", ())
    return Outcome(verdict=facts.get("verdict"), max_profiles=facts.get("max_profiles"), platforms=tuple(platforms),
                   weekly_hours_available=facts.get("weekly_hours_available"),
                   weekly_hours_needed=facts.get("weekly_hours_needed"),
                   warnings=ordered("warnings.", before.warnings),
                   recommendations=ordered("recommendations.", before.recommendations))


def find_hints(advisor: Advisor, result: Result, *, max_hints: int = MAX_HINTS, predict: Predict | None = None) -> Hints:
    """The counterfactual hints for one run (see the module docstring). `predict` replaces the
    prediction of each candidate's outcome (tests give a wrong one: the hints shown stay verified)."""
    sheet = result.sheet
    before = Outcome.of(result)
    predict = predict if predict is not None else \
        lambda result, name, value: predicted(advisor, result, name, value, before)
    changes: list[tuple[str, Any, str]] = []  # the answer, its new value, the assignment that sets it
    for name, values in numeric_candidates(result).items():
        for value in values:
            changes.append(_change(sheet, name, _text(value)))
    for name in bool_candidates(result):
        changes.append(_change(sheet, name, _text(not sheet.facts[name])))
    verified: dict[int, Outcome] = {}  # candidate -> the outcome of its real run

    def verify(index: int) -> None:
        verified[index] = Outcome.of(advisor.run(apply_overrides(sheet, [changes[index][2]])))

    guessed: list[Outcome | None] = []
    for index, (name, value, _) in enumerate(changes):
        guessed.append(predict(result, name, value))
        if guessed[index] is None:
            verify(index)
    # Choose on the best knowledge (a real outcome where there is one, else the prediction);
    # run each chosen candidate not yet verified, and choose again, until every hint shown
    # stands on a real run. Each round runs at least one more candidate: it ends.
    while True:
        tried = [(name, value, verified[index] if index in verified else guessed[index])
                 for index, (name, value, _) in enumerate(changes)]
        hints, shown = _choose(result, tried, max_hints, before)
        pending = sorted(shown - verified.keys())
        if not pending:
            return Hints(hints.verdict, hints.platforms, hints.warnings, len(verified))
        for index in pending:
            verify(index)


def _plain_number(text: str) -> bool:
    """Whether `text` is a number as _text writes one: what
    re.fullmatch(r"(0|[1-9][0-9]{0,14})(\\.[0-9]{1,15})?", text) tells, without compiling it."""
    whole, dot, fraction = text.partition(".")
    if not (whole == "0" or (len(whole) <= 15 and whole[:1] in "123456789" and whole != "" and _digits(whole))):
        return False
    return not dot or (len(fraction) <= 15 and fraction != "" and _digits(fraction))


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()  # an ASCII digit is 0-9


def _change(sheet: FactSheet, name: str, text: str) -> tuple[str, Any, str]:
    """(answer, the value `name=text` gives it, the assignment). The value is the one
    apply_overrides gives: for a plain decimal number its float, for true/false the boolean
    (in the answer's range: the candidates are); anything else goes through apply_overrides
    at once, which refuses it as the sheet would. The sheet itself is built for the runs only."""
    assignment = f"{name}={text}"
    spec = SHEET_FIELDS[name]
    if spec.type == "bool" and text in ("true", "false"):
        return name, text == "true", assignment
    if spec.type == "number" and _plain_number(text):
        value = float(text)
        low, high = spec.range or (-math.inf, None)
        if low <= value and (high is None or value <= high):
            return name, value, assignment
    return name, apply_overrides(sheet, [assignment]).facts[name], assignment


def _choose(result: Result, tried: list[tuple[str, Any, Outcome | None]], max_hints: int,
            before: Outcome) -> tuple[Hints, set[int]]:
    """The hints from these outcomes, and which candidates (indexes in `tried`) they show.
    `before`: Outcome.of(result)."""
    sheet = result.sheet
    origin: dict[int, int] = {}  # id(hint) -> its candidate

    def best(target: str, accept: Callable[[Outcome], bool]) -> list[Hint]:
        per_fact: dict[str, Hint] = {}
        chosen: dict[str, int] = {}
        for index, (name, value, outcome) in enumerate(tried):
            if outcome is None or not accept(outcome):
                continue
            hint = Hint(target, name, sheet.facts[name], value, outcome.verdict,
                        tuple(p for p in outcome.platforms if p not in before.platforms), outcome)
            current = per_fact.get(name)
            if current is None or (_distance(hint.before, hint.after), hint.after) < \
                    (_distance(current.before, current.after), current.after):
                per_fact[name], chosen[name] = hint, index
        origin.update((id(hint), chosen[name]) for name, hint in per_fact.items())  # hints alive: ids unique
        return sorted(per_fact.values(), key=lambda hint: (_rank(hint.fact), _distance(hint.before, hint.after)))

    ladder = list(result.rulebook.vocabulary.verdicts)  # from the most cautious to the boldest
    vocabulary = result.rulebook.vocabulary
    # the verdicts that animate nothing are equally cautious
    levels = {verdict: 0 if not vocabulary.animates(verdict) else position for position, verdict in enumerate(ladder)}

    def level(verdict: str | None) -> int:
        return levels.get(verdict, -1)  # type: ignore[arg-type]

    warnings = {item: tuple(best(f"warnings.{item}", lambda o, item=item: item not in o.warnings
                                 and level(o.verdict) >= level(before.verdict))[:max_hints])
                for item in before.warnings}
    verdict_hints: list[Hint] = []

    for verdict in sorted({o.verdict for _, _, o in tried if o is not None and o.verdict != before.verdict and o.verdict},
                          key=lambda v: -level(v)):
        if level(verdict) <= level(before.verdict):
            continue  # a worse verdict, or one as cautious, is nothing to aim for
        found = best("verdict", lambda o, verdict=verdict: o.verdict == verdict)
        if found:
            verdict_hints.append(found[0])
    platforms = best("platforms", lambda o: set(o.platforms) > set(before.platforms))[:max_hints]
    hints = Hints(tuple(verdict_hints[:max_hints]), tuple(platforms), warnings, 0)
    shown = {origin[id(hint)] for hint in (*hints.verdict, *hints.platforms)}
    shown.update(origin[id(hint)] for found in warnings.values() for hint in found)
    return hints, shown
