"""The search for a sheet that breaks an invariant of rules/invariants.yaml (see
advise.workbench.invariants for the file, and for how the search goes)."""

from __future__ import annotations

import itertools
import json
import random
from typing import Any, Callable, Iterable

from ..advisor import Advisor, Result
from ..errors import Problem
from ..rulebase.model import RuleBook
from ..sheet.facts import SHEET_FIELDS, FactSheetError, fact_sheet_from_mapping
from .invariants import (SEED, Breach, Invariant, applies, kept_by, lookup, rank_of, shown_value, read_invariants,
                         sheet_text)

BASE_SHEETS = 200  # sheets drawn; on each, a derived number's computation is replayed at every value
VERDICT_SHEETS = 60  # of these, the first are also run where a rule nearby changes its mind
EXTRA_SHEETS = 0  # sheets drawn for the other invariants only
SHRINK_TRIES = 400  # sheets tried at most while shrinking one counterexample
STEPS = {"hours_per_week": 0.5, "euros_per_month": 1.0}
TOP = {"resources.weekly_hours": 40.0, "resources.monthly_budget": 2000.0}  # beyond the thresholds, enough

# ---------------------------------------------------------------- the search


class _Runner:
    def __init__(self, rulebook: RuleBook):
        self.rulebook = rulebook
        self.advisor = Advisor(rulebook.directory)
        self.runs = 0
        self._memo: dict[str, Result | None] = {}

    def run(self, sheet: dict[str, Any]) -> Result | None:
        key = json.dumps(sheet, sort_keys=True)
        if key in self._memo:
            return self._memo[key]
        try:
            loaded = fact_sheet_from_mapping(sheet)
        except FactSheetError:
            self._memo[key] = None
            return None
        self.runs += 1
        result = self.advisor.run(loaded)
        self._memo[key] = result
        return result


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    sheet: dict[str, Any] = {}
    for name, value in flat.items():
        head, _, tail = name.partition(".")
        if tail:
            sheet.setdefault(head, {})[tail] = value
        else:
            sheet[head] = value
    return sheet


def numeric_points(rulebook: RuleBook, name: str) -> list[float]:
    """The values of a number of the sheet worth trying: around every threshold it meets."""
    from . import feasibility

    spec = SHEET_FIELDS[name]
    unit = rulebook.vocabulary.facts[name].unit
    step = STEPS.get(unit, 1.0)
    low, high = spec.range if spec.range else (0.0, None)
    top = float(high) if high is not None else TOP.get(name, 1000.0)
    top = min(top, TOP.get(name, top))
    marks: set[float] = {0.0, top}
    # the feasibility analysis's points: every region the rules' conditions cut the number into
    conditions = [condition for rule in rulebook.rules for condition in rule.conditions if condition.fact == name]
    for point in feasibility.candidates(feasibility.sheet_domain(name), conditions):
        if isinstance(point, (int, float)) and not isinstance(point, bool):
            marks.add(float(point))
    for table in rulebook.tables.values():
        costs = [entry.value for entry in table.entries.values()
                 if isinstance(entry.value, (int, float)) and not isinstance(entry.value, bool)
                 and (entry.unit or table.unit) == unit]
        marks.update(float(value) for value in costs)
        if table.keys == "platform" and table.unit == unit:  # what the profiles take together
            for size in range(2, len(costs) + 1):
                for combination in itertools.combinations(costs, size):
                    marks.add(float(sum(combination)))
    points: set[float] = set()
    for mark in marks:
        for value in (mark - step, mark, mark + step):
            if low <= value <= top:
                points.add(round(value, 6))
    return sorted(points)


def _draw(rng: random.Random, points: dict[str, list[float]]) -> dict[str, Any]:
    """A random sheet, as dotted facts."""
    flat: dict[str, Any] = {"business.name": "Search"}
    for name, spec in SHEET_FIELDS.items():
        if name == "business.name":
            continue
        if spec.type == "bool":
            flat[name] = rng.random() < 0.5
        elif spec.type == "choice":
            flat[name] = rng.choice(spec.choices)
        elif spec.type == "list":  # long lists too: the order of many networks is where ranks bite
            size = rng.randint(0, len(spec.choices))
            flat[name] = rng.sample(list(spec.choices), size)
        elif spec.type == "number":
            flat[name] = rng.choice(points[name])
    return flat


def search(rulebook: RuleBook, invariants: Iterable[Invariant], *, seed: int = SEED,
           base_sheets: int = BASE_SHEETS, extra_sheets: int = EXTRA_SHEETS) -> list[Breach]:
    """Every invariant broken by some sheet of the search, each with its smallest sheet."""
    from ..explain.counterfactual import numeric_candidates, replayed
    from . import feasibility

    invariants = list(invariants)
    runner = _Runner(rulebook)
    numbers = [name for name, spec in SHEET_FIELDS.items() if spec.type == "number" and name in rulebook.vocabulary.facts]
    points = {name: numeric_points(rulebook, name) for name in numbers}
    rng = random.Random(seed)
    broken: dict[str, Breach] = {}
    plain = [inv for inv in invariants if inv.kind != "monotonic"]
    monotonic = [inv for inv in invariants if inv.kind == "monotonic"]
    applying: dict[str, list[dict[str, Any]]] = {inv.id: [] for inv in plain}  # sheets where `when` holds

    def check_plain(flat: dict[str, Any], result: Result) -> None:
        get = lookup(rulebook, result)
        for invariant in plain:
            if invariant.id in broken:
                continue
            if not kept_by(invariant, get):
                broken[invariant.id] = _shrink_plain(runner, invariant, flat, points)
            elif applies(invariant, get) and len(applying[invariant.id]) < 6:
                applying[invariant.id].append(flat)

    def run(flat: dict[str, Any]) -> Result | None:
        result = runner.run(_nest(flat))
        if result is not None:
            check_plain(flat, result)
        return result

    # 1. Random sheets, each checked against every invariant that holds or forbids; for a
    #    derived number that must not fall, its computation is replayed at every value.
    fields = list(dict.fromkeys(inv.field for inv in monotonic if inv.field))
    drawn: list[tuple[dict[str, Any], Result]] = []
    for index in range(base_sheets + extra_sheets):
        flat = _draw(rng, points)
        result = run(flat)
        if result is None or index >= base_sheets or not fields:
            continue
        # a derived number that must not fall: its computation replayed at every value
        # proposes where it falls; two real runs confirm it
        for invariant in monotonic:
            if invariant.id in broken or invariant.order or invariant.field is None:
                continue
            values = points[invariant.field]
            proposed = replayed(result, invariant.fact, invariant.field, values)  # type: ignore[arg-type]
            best = None
            for i, j in itertools.combinations(range(len(values)), 2):
                a, b = proposed[i], proposed[j]
                if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b < a:
                    if best is None or values[j] - values[i] < best[1] - best[0]:
                        best = (values[i], values[j])
            if best is not None:
                runs = []
                for value in best:
                    changed = dict(flat, **{invariant.field: value})
                    other = run(changed)
                    if other is not None:
                        runs.append((value, changed, other))
                pair = _falls(rulebook, invariant, runs)
                if pair is not None:
                    broken[invariant.id] = _shrink_monotonic(runner, invariant, pair, points)
        drawn.append((flat, result))
    # 2. For an ordered fact (the verdict), a fall needs a good value below: the sheets with
    #    the best values are run again where a rule nearby changes its mind, above their value
    #    (the counterfactual search's candidates, from the rules' thresholds).
    ordered = [inv for inv in monotonic if inv.order]
    if ordered:
        def best_first(entry: tuple[dict[str, Any], Result]) -> float:
            get = lookup(rulebook, entry[1])
            return -max(rank_of(inv, get(inv.fact)) for inv in ordered)  # type: ignore[arg-type]

        drawn.sort(key=best_first)  # stable: the seeded order among equals
    for flat, result in drawn[:VERDICT_SHEETS] if ordered else []:
        nearby = numeric_candidates(result)
        for field_name in fields:
            x0 = flat[field_name]
            values = nearby.get(field_name, [])
            chosen = [v for v in values if v > x0][:2]
            runs = [(x0, flat, result)]
            for value in chosen:
                changed = dict(flat, **{field_name: value})
                other = run(changed)
                if other is not None:
                    runs.append((value, changed, other))
            runs.sort(key=lambda entry: entry[0])
            for invariant in ordered:
                if invariant.field == field_name and invariant.id not in broken:
                    pair = _falls(rulebook, invariant, runs)
                    if pair is not None:
                        broken[invariant.id] = _shrink_monotonic(runner, invariant, pair, points)
    # 3. Forbidden warnings, forced: on sheets where the invariant applies, give the answers
    #    that make each rule raising a forbidden warning fire (a witness of the feasibility
    #    analysis), one rule at a time; the verdict must move.
    analysis = feasibility.analyse(rulebook)
    for invariant in plain:
        if invariant.kind != "absent_warnings" or invariant.id in broken:
            continue
        for item in invariant.absent:
            for rule in rulebook.rules:
                if f"warnings.{item}" not in rule.concludes() or rule.id in analysis.dead:
                    continue
                found = feasibility.witness(analysis.requirements[rule.id], analysis.domains) or {}
                forced = {name: (list(value) if isinstance(value, tuple) else value) for name, value in found.items()
                          if name in SHEET_FIELDS and name in points or (name in SHEET_FIELDS
                                                                          and SHEET_FIELDS[name].type != "number")}
                for base in list(applying[invariant.id]):
                    if invariant.id in broken:
                        break
                    run(dict(base, **{k: v for k, v in forced.items() if _valid(k, v)}))
    return [broken[inv.id] for inv in invariants if inv.id in broken]


def _valid(name: str, value: Any) -> bool:
    spec = SHEET_FIELDS[name]
    if spec.type == "number":
        low, high = spec.range if spec.range else (0.0, None)
        return isinstance(value, (int, float)) and low <= value and (high is None or value <= high)
    if spec.type == "bool":
        return isinstance(value, bool)
    if spec.type == "choice":
        return value in spec.choices
    if spec.type == "list":
        return isinstance(value, list) and all(item in spec.choices for item in value)
    return True


def _falls(rulebook: RuleBook, invariant: Invariant, runs: list[tuple[float, dict[str, Any], Result]]
           ) -> tuple[dict[str, Any], float, float] | None:
    """A value of the number, and a higher one, where the fact gets worse; with the sheet."""
    best: tuple[float, float, dict[str, Any]] | None = None
    for (low, flat, result), (high, _, later) in itertools.combinations(runs, 2):
        get_low, get_high = lookup(rulebook, result), lookup(rulebook, later)
        if not (applies(invariant, get_low) and applies(invariant, get_high)):
            continue
        if rank_of(invariant, get_high(invariant.fact)) < rank_of(invariant, get_low(invariant.fact)):  # type: ignore[arg-type]
            if best is None or high - low < best[1] - best[0]:
                best = (low, high, flat)
    if best is None:
        return None
    return best[2], best[0], best[1]


# ---------------------------------------------------------------- shrinking


def _simpler(flat: dict[str, Any], points: dict[str, list[float]], keep: Iterable[str] = ()) -> Iterable[dict[str, Any]]:
    """Sheets one step simpler than `flat`: an item fewer, an answer back to its default, a
    smaller number."""
    keep = set(keep)
    for name, spec in SHEET_FIELDS.items():
        if name in keep or name not in flat or name == "business.name":
            continue
        value = flat[name]
        if spec.type == "list":
            for index in range(len(value)):
                yield dict(flat, **{name: value[:index] + value[index + 1:]})
        elif spec.type == "bool" and value is not bool(spec.default):
            yield dict(flat, **{name: bool(spec.default)})
        elif spec.type == "choice":
            first = spec.default if spec.default is not None else spec.choices[0]
            if value != first:
                yield dict(flat, **{name: first})
        elif spec.type == "number":
            for candidate in points.get(name, []):
                if candidate >= value:
                    break
                yield dict(flat, **{name: candidate})


def _size(flat: dict[str, Any]) -> tuple:
    items = sum(len(v) for v in flat.values() if isinstance(v, list))
    answers = sum(1 for v in flat.values() if v is True)
    numbers = sum(float(v) for v in flat.values() if isinstance(v, (int, float)) and not isinstance(v, bool))
    return items, answers, numbers


def _shrink(breaks: Callable[[dict[str, Any]], bool], flat: dict[str, Any], points: dict[str, list[float]],
            keep: Iterable[str] = ()) -> dict[str, Any]:
    """Simplify while the sheet still breaks the invariant (a bounded, greedy delta debugging)."""
    current, tries, changed = flat, 0, True
    while changed and tries < SHRINK_TRIES:
        changed = False
        for candidate in _simpler(current, points, keep):
            if tries >= SHRINK_TRIES:
                break
            if _size(candidate) >= _size(current) and candidate.get("business.size") == current.get("business.size") \
                    and candidate.get("business.audience") == current.get("business.audience") \
                    and candidate.get("business.sector") == current.get("business.sector"):
                continue
            tries += 1
            if breaks(candidate):
                current, changed = candidate, True
                break
    return current


def _rules_for(result: Result, names: Iterable[str]) -> list[str]:
    trace = result.trace
    found: list[str] = []
    for name in names:
        derivation = trace.derivations.get(name)
        if derivation is None:
            continue
        for step in (*derivation.steps, *derivation.overruled_steps):
            found.append(trace.firing(step).rule)
    return found


def _shrink_plain(runner: _Runner, invariant: Invariant, flat: dict[str, Any],
                  points: dict[str, list[float]]) -> Breach:
    rulebook = runner.rulebook

    def breaks(candidate: dict[str, Any]) -> bool:
        result = runner.run(_nest(candidate))
        return result is not None and not kept_by(invariant, lookup(rulebook, result))

    smallest = _shrink(breaks, flat, points)
    result = runner.run(_nest(smallest))
    assert result is not None
    get = lookup(rulebook, result)
    names = [name for name in invariant.names() if rulebook.table_value(name) is None and name not in rulebook.tables]
    if invariant.kind == "absent_warnings":  # only the forbidden warnings that were raised
        names = [name for name in names if not name.startswith("warnings.") or get(name)]
    shown = "; ".join(f"{name} = {shown_value(get(name))}" for name in names)
    return Breach(invariant, _nest(smallest), Problem("invariant-holds-detail", {"facts": shown}),
                  tuple(dict.fromkeys(_rules_for(result, invariant.names()))))


def _shrink_monotonic(runner: _Runner, invariant: Invariant, pair: tuple[dict[str, Any], float, float],
                      points: dict[str, list[float]]) -> Breach:
    from ..explain.counterfactual import replayed

    rulebook = runner.rulebook
    field_name, fact = invariant.field, invariant.fact
    assert field_name is not None and fact is not None
    flat, low, high = pair
    state = {"low": low, "high": high}

    def falls(candidate: dict[str, Any], low_value: float, high_value: float) -> bool:
        below = runner.run(_nest(dict(candidate, **{field_name: low_value})))
        above = runner.run(_nest(dict(candidate, **{field_name: high_value})))
        if below is None or above is None:
            return False
        get_low, get_high = lookup(rulebook, below), lookup(rulebook, above)
        if not (applies(invariant, get_low) and applies(invariant, get_high)):
            return False
        return rank_of(invariant, get_high(fact)) < rank_of(invariant, get_low(fact))

    def breaks(candidate: dict[str, Any]) -> bool:
        if falls(candidate, state["low"], state["high"]):
            return True
        if invariant.order:
            return False
        # the simpler sheet may fall elsewhere: its computation replayed proposes where
        result = runner.run(_nest(dict(candidate, **{field_name: state["low"]})))
        if result is None:
            return False
        values = points[field_name]
        proposed = replayed(result, fact, field_name, values)
        for i, j in itertools.combinations(range(len(values)), 2):
            a, b = proposed[i], proposed[j]
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b < a \
                    and falls(candidate, values[i], values[j]):
                state["low"], state["high"] = values[i], values[j]
                return True
        return False

    smallest = _shrink(breaks, flat, points, keep=(field_name,))
    # the closest pair of values that still shows it
    for candidate in points[field_name]:
        if state["low"] < candidate < state["high"] and falls(smallest, state["low"], candidate):
            state["high"] = candidate
            break
    below = runner.run(_nest(dict(smallest, **{field_name: state["low"]})))
    above = runner.run(_nest(dict(smallest, **{field_name: state["high"]})))
    assert below is not None and above is not None
    detail = Problem("invariant-monotonic-detail", {
        "field": field_name, "low": shown_value(state["low"]), "high": shown_value(state["high"]), "fact": fact,
        "before": shown_value(lookup(rulebook, below)(fact)), "after": shown_value(lookup(rulebook, above)(fact))})
    rules = _rules_for(below, [fact]) + _rules_for(above, [fact])
    return Breach(invariant, _nest(dict(smallest, **{field_name: state["low"]})), detail, tuple(dict.fromkeys(rules)))


def findings(rulebook: RuleBook) -> tuple[list[Problem], list[Problem]]:
    """(problems of the invariants file, invariants broken), as Problems for the checker."""
    found = read_invariants(rulebook)
    if found is None:
        return [], []
    if found.problems:
        return list(found.problems), []
    broken = []
    for breach in search(rulebook, found.invariants):
        invariant = breach.invariant
        broken.append(Problem("invariant-broken", {
            "id": invariant.id, "title_en": invariant.title["en"], "title_fr": invariant.title["fr"],
            "detail_en": breach.detail.message("en"), "detail_fr": breach.detail.message("fr"),
            "sheet": sheet_text(breach.sheet), "rules": ", ".join(breach.rules) or "-"},
            file=found.path, line=invariant.line, field=invariant.id))
    return [], broken


__all__ = ["findings", "search", "numeric_points"]
