"""Invariants of the rule base, and the search for a sheet that breaks one.

`rules/invariants.yaml` declares what must hold for every fact sheet (its header says the
format): "more weekly hours never give a worse verdict", "a plain launch never stands
beside these warnings", "platforms is empty when the verdict animates nothing"... A
consultant who edits a rule must not break one without knowing, so `advise rules check`
looks for a counterexample:

1. The space of sheets is sampled with a fixed seed (the same rule base always gives the
   same findings). True/false answers, choices and lists are drawn at random; numbers are
   drawn from the values where the rules can change their mind: every threshold a rule
   compares a sheet number with (the feasibility analysis of advise.workbench.feasibility
   gives them, table references resolved), every table value in the number's unit, the
   sums of the per-network hours (what `affordable` and `how_many_fit` compare with), and
   a step on either side of each.
2. Every run is checked against every `holds` / `absent_warnings` invariant. For a
   `monotonic` one, the sampled sheet is run again at every sampled value of its number,
   from low to high, and the fact must never get worse.
3. A sheet that breaks an invariant is shrunk: list items removed, answers set back to
   their defaults, numbers lowered, as long as it still breaks it. The smallest sheet is
   reported (finding A701) with the rules that concluded the facts involved.

Problems in the file itself are findings too (A702), each with its line. This module
reads the file and judges one run; advise.workbench.invariant_search does the search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..advisor import Result
from ..errors import InputError, Problem, did_you_mean, register_messages
from ..rulebase import expressions
from ..rulebase.loading import INVARIANTS_FILE
from ..rulebase.model import RuleBook
from ..sheet.facts import SHEET_FIELDS
from ..sheet.yamlload import Positions, describe, load_yaml

SEED = 20261128
KEYS = ("id", "title", "source", "when", "holds", "absent_warnings", "monotonic", "notes")
KINDS = ("holds", "absent_warnings", "monotonic")

register_messages({
    "invariant-shape": {
        "en": "an invariant needs exactly one of holds, absent_warnings or monotonic",
        "fr": "un invariant demande exactement un de holds, absent_warnings ou monotonic",
    },
    "invariant-field": {
        "en": "'{value}' is not a number of the fact sheet",
        "fr": "« {value} » n'est pas un nombre de la fiche",
    },
    "invariant-name": {
        "en": "'{name}' is neither a fact nor a table value of the rule base",
        "fr": "« {name} » n'est ni un fait ni une valeur de table de la base de règles",
    },
    "invariant-expression": {
        "en": "the expression cannot be read: {reason}",
        "fr": "l'expression ne peut pas être lue : {reason}",
    },
    "invariant-order": {
        "en": "'{value}' is not a value the fact can take",
        "fr": "« {value} » n'est pas une valeur que le fait peut prendre",
    },
    "invariant-broken": {
        "en": "invariant {id} (“{title_en}”) does not hold: {detail_en}. Smallest sheet that breaks it: {sheet}. "
              "Rules involved: {rules}",
        "fr": "l'invariant {id} (« {title_fr} ») n'est pas tenu : {detail_fr}. Plus petite fiche qui le met en "
              "défaut : {sheet}. Règles en cause : {rules}",
    },
    "invariant-monotonic-detail": {
        "en": "with {field} = {low}, {fact} is {before}; with {field} = {high}, it is {after}",
        "fr": "avec {field} = {low}, {fact} vaut {before} ; avec {field} = {high}, il vaut {after}",
    },
    "invariant-holds-detail": {
        "en": "{facts}",
        "fr": "{facts}",
    },
    "invariant-run-failed": {
        "en": "the advisor failed on a sheet of the search: {reason}",
        "fr": "le conseiller a échoué sur une fiche de la recherche : {reason}",
    },
})


class _Unreadable(Exception):
    pass


@dataclass(frozen=True)
class Invariant:
    id: str
    title: dict[str, str]
    line: int | None
    kind: str  # holds | absent_warnings | monotonic
    when: expressions.Expression | None = None
    holds: expressions.Expression | None = None
    absent: tuple[str, ...] = ()
    field: str | None = None  # monotonic: the sheet's number
    fact: str | None = None  # monotonic: the fact that must not get worse
    order: tuple[tuple[str, ...], ...] = ()  # monotonic: values worst first, a tuple = equal rank

    def names(self) -> tuple[str, ...]:
        found: list[str] = []
        for expression in (self.when, self.holds):
            if expression is not None:
                found.extend(expression.names)
        found.extend(f"warnings.{item}" for item in self.absent)
        if self.fact:
            found.append(self.fact)
        return tuple(dict.fromkeys(found))


@dataclass
class InvariantFile:
    path: str
    invariants: list[Invariant] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Breach:
    invariant: Invariant
    sheet: dict[str, Any]  # nested mapping, as a sheet file would hold it
    detail: Problem
    rules: tuple[str, ...]


# ---------------------------------------------------------------- reading the file


def read_invariants(rulebook: RuleBook) -> InvariantFile | None:
    """The rule base's invariants, or None when it has no invariants file."""
    path = Path(rulebook.directory) / INVARIANTS_FILE
    if not path.exists():
        return None
    shown = str(path)
    found = InvariantFile(shown)
    try:
        data, positions = load_yaml(path, error=InputError, display_name=shown)
    except InputError as error:
        found.problems.extend(error.problems)
        return found
    if not isinstance(data, dict) or not isinstance(data.get("invariants"), list):
        found.problems.append(Problem("not-a-list", {"found": describe(data)}, file=shown, line=1,
                                      field="invariants"))
        return found
    seen: set[str] = set()
    for index, entry in enumerate(data["invariants"]):
        line = positions.line(("invariants", index))
        try:
            invariant = _read_one(rulebook, entry, index, positions, shown)
        except _Unreadable as problem:
            found.problems.append(problem.args[0])
            continue
        if invariant.id in seen:
            found.problems.append(Problem("duplicate-id", {"id": invariant.id}, file=shown, line=line,
                                          field=f"invariants[{index}].id"))
            continue
        seen.add(invariant.id)
        found.invariants.append(invariant)
    return found


def _read_one(rulebook: RuleBook, entry: Any, index: int, positions: Positions, file: str) -> Invariant:
    where = f"invariants[{index}]"

    def line(*path: Any) -> int | None:
        return positions.line(("invariants", index, *path)) or positions.line(("invariants", index))

    def fail(code: str, at: str = "", **params: Any) -> _Unreadable:
        return _Unreadable(Problem(code, params, file=file, line=line(*(at.split(".") if at else ())),
                                   field=f"{where}.{at}" if at else where))

    if not isinstance(entry, dict):
        raise fail("not-a-mapping", found=describe(entry))
    unknown = [key for key in entry if key not in KEYS]
    if unknown:
        raise _Unreadable(Problem("unknown-key", {"key": unknown[0]}, file=file, line=line(unknown[0]),
                                  field=f"{where}.{unknown[0]}", hint="did-you-mean" if did_you_mean(str(unknown[0]), KEYS) else None,
                                  hint_params={"name": did_you_mean(str(unknown[0]), KEYS)}))
    invariant_id = entry.get("id")
    if not isinstance(invariant_id, str) or not invariant_id:
        raise fail("missing-field", "id", name="id")
    title = entry.get("title")
    if not isinstance(title, dict) or not all(isinstance(title.get(lang), str) for lang in ("en", "fr")):
        raise fail("missing-field", "title", name="title")
    if "source" not in entry:
        raise fail("missing-field", "source", name="source")
    kinds = [kind for kind in KINDS if kind in entry]
    if len(kinds) != 1:
        raise fail("invariant-shape")
    kind = kinds[0]

    def expression(key: str) -> expressions.Expression | None:
        text = entry.get(key)
        if text is None:
            return None
        if not isinstance(text, str):
            raise fail("invariant-expression", key, reason=describe(text))
        try:
            parsed = expressions.parse(text)
        except expressions.ExpressionError as error:
            raise fail("invariant-expression", key, reason=f"{error.code} {error.params}") from None
        for name in parsed.names:
            if not _known(rulebook, name):
                raise fail("invariant-name", key, name=name)
        return parsed

    when = expression("when")
    if kind == "holds":
        return Invariant(invariant_id, title, line(), kind, when=when, holds=expression("holds"))
    if kind == "absent_warnings":
        items = entry["absent_warnings"]
        if not isinstance(items, list) or not items:
            raise fail("not-a-list", "absent_warnings", found=describe(items))
        for item in items:
            if item not in rulebook.vocabulary.warnings:
                raise fail("invariant-name", "absent_warnings", name=f"warnings.{item}")
        return Invariant(invariant_id, title, line(), kind, when=when, absent=tuple(items))
    spec = entry["monotonic"]
    if not isinstance(spec, dict):
        raise fail("not-a-mapping", "monotonic", found=describe(spec))
    field_name, fact = spec.get("field"), spec.get("fact")
    if field_name not in SHEET_FIELDS or SHEET_FIELDS[field_name].type != "number":
        raise fail("invariant-field", "monotonic.field", value=field_name)
    if not isinstance(fact, str) or not _known(rulebook, fact):
        raise fail("invariant-name", "monotonic.fact", name=fact)
    order: list[tuple[str, ...]] = []
    for rank in spec.get("order") or []:
        values = tuple(rank) if isinstance(rank, list) else (rank,)
        for value in values:
            if fact == "verdict" and value not in rulebook.vocabulary.verdicts:
                raise fail("invariant-order", "monotonic.order", value=value)
        order.append(values)
    return Invariant(invariant_id, title, line(), kind, when=when, field=field_name, fact=fact, order=tuple(order))


def _known(rulebook: RuleBook, name: str) -> bool:
    return (name in rulebook.vocabulary.facts or name in rulebook.vocabulary.families
            or name in rulebook.tables or rulebook.table_value(name) is not None)


# ---------------------------------------------------------------- evaluating one run


def lookup(rulebook: RuleBook, result: Result) -> Callable[[str], Any]:
    facts = result.trace.facts

    def get(name: str) -> Any:
        if name in facts:
            value = facts[name]
            return list(value) if isinstance(value, tuple) else value
        fact = rulebook.vocabulary.facts.get(name)
        if fact is not None:
            if fact.has_default:
                return list(fact.default) if isinstance(fact.default, tuple) else fact.default
            return [] if fact.kind == "list" else None
        if name in rulebook.tables:
            return rulebook.tables[name].values()
        entry = rulebook.table_value(name)
        return entry.value if entry is not None else None

    return get


def applies(invariant: Invariant, get: Callable[[str], Any]) -> bool:
    if invariant.when is None:
        return True
    try:
        return bool(invariant.when.evaluate(get))
    except (expressions.ExpressionError, TypeError, ValueError, ArithmeticError):
        return False


def kept_by(invariant: Invariant, get: Callable[[str], Any]) -> bool:
    """Whether a holds / absent_warnings invariant is kept by one run."""
    if not applies(invariant, get):
        return True
    if invariant.kind == "absent_warnings":
        return not any(get(f"warnings.{item}") for item in invariant.absent)
    try:
        return bool(invariant.holds.evaluate(get))  # type: ignore[union-attr]
    except (expressions.ExpressionError, TypeError, ValueError, ArithmeticError):
        return False  # a fact the invariant needs was never concluded: that breaks it too


def rank_of(invariant: Invariant, value: Any) -> float:
    if invariant.order:
        for index, values in enumerate(invariant.order):
            if value in values:
                return index
        return -1  # a value the order does not list: the worst
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return float("-inf")


def shown_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def sheet_text(sheet: dict[str, Any]) -> str:
    """A sheet on one line, as YAML flow: what a consultant pastes into a case or a file.
    Answers left at their default are left out."""

    def plain(value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def shown(section: str, key: str, value: Any) -> bool:
        spec = SHEET_FIELDS.get(f"{section}.{key}")
        if spec is None or spec.required:
            return True
        default = spec.default if spec.default is not None else ([] if spec.type == "list" else None)
        return not (value == default or (isinstance(default, tuple) and list(default) == value))

    parts = []
    for section, value in sheet.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{key}: {_flow(plain(v))}" for key, v in value.items() if shown(section, key, v))
            if inner:
                parts.append(f"{section}: {{{inner}}}")
        else:
            parts.append(f"{section}: {_flow(plain(value))}")
    return "{" + ", ".join(parts) + "}"


def _flow(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


__all__ = ["Invariant", "InvariantFile", "Breach", "read_invariants", "sheet_text", "SEED"]
