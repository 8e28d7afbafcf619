"""The one list of tests a rule condition may apply to a fact.

Each operator knows which kinds of fact it applies to, how to check its operand, how to
compile to a durable_rules pattern on the fact's `value`, how to evaluate in Python
(for "why not" and counterfactuals, never to decide which rules fire), and how to read
in French and English.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import did_you_mean
from ..records import Record

# Kinds of fact (see advise.rulebase.model.FactType.kind).
NUMBER, BOOL, TEXT, LIST = "number", "bool", "text", "list"


class Operator(Record):
    def __init__(self,
                 name: str,
                 kinds: tuple[str, ...],  # kinds of fact it applies to
                 operand: str,  # "scalar" | "number" | "item" | "items" | "scalars" | "bool" | "count"
                 evaluate: Callable[[Any, Any], bool],
                 pattern: Callable[[Any], dict],  # operand -> durable test on the fact (besides its name)
                 reads: dict[str, str],  # lang -> phrase, formatted with {operand}
                 negated_reads: dict[str, str]) -> None:  # lang -> phrase for "it is not the case that ..."
        self.__dict__.update(name=name, kinds=kinds, operand=operand, evaluate=evaluate, pattern=pattern, reads=reads,
                             negated_reads=negated_reads)


def _value(test: dict) -> dict:
    return test


def _any_of(values: list, make: Callable[[Any], dict]) -> dict:
    tests = [make(value) for value in values]
    return tests[0] if len(tests) == 1 else {"$or": tests}


def _all_of(values: list, make: Callable[[Any], dict]) -> dict:
    tests = [make(value) for value in values]
    return tests[0] if len(tests) == 1 else {"$and": tests}


def _contains(item: Any) -> dict:
    return {"$iany": {"value": {"$i": item}}}


OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in [
        Operator(
            "eq", (NUMBER, BOOL, TEXT), "scalar",
            lambda value, operand: value == operand,
            lambda operand: {"value": operand},
            {"en": "is {operand}", "fr": "vaut {operand}"},
            {"en": "is not {operand}", "fr": "ne vaut pas {operand}"},
        ),
        Operator(
            "ne", (NUMBER, BOOL, TEXT), "scalar",
            lambda value, operand: value != operand,
            lambda operand: {"$neq": {"value": operand}},
            {"en": "is not {operand}", "fr": "ne vaut pas {operand}"},
            {"en": "is {operand}", "fr": "vaut {operand}"},
        ),
        Operator(
            "lt", (NUMBER,), "number",
            lambda value, operand: value < operand,
            lambda operand: {"$lt": {"value": operand}},
            {"en": "is less than {operand}", "fr": "est inférieur à {operand}"},
            {"en": "is at least {operand}", "fr": "est d'au moins {operand}"},
        ),
        Operator(
            "le", (NUMBER,), "number",
            lambda value, operand: value <= operand,
            lambda operand: {"$lte": {"value": operand}},
            {"en": "is at most {operand}", "fr": "est d'au plus {operand}"},
            {"en": "is more than {operand}", "fr": "est supérieur à {operand}"},
        ),
        Operator(
            "gt", (NUMBER,), "number",
            lambda value, operand: value > operand,
            lambda operand: {"$gt": {"value": operand}},
            {"en": "is more than {operand}", "fr": "est supérieur à {operand}"},
            {"en": "is at most {operand}", "fr": "est d'au plus {operand}"},
        ),
        Operator(
            "ge", (NUMBER,), "number",
            lambda value, operand: value >= operand,
            lambda operand: {"$gte": {"value": operand}},
            {"en": "is at least {operand}", "fr": "est d'au moins {operand}"},
            {"en": "is less than {operand}", "fr": "est inférieur à {operand}"},
        ),
        Operator(
            "in", (NUMBER, TEXT), "scalars",
            lambda value, operand: value in operand,
            lambda operand: _any_of(operand, lambda item: {"value": item}),
            {"en": "is one of {operand}", "fr": "est l'un de {operand}"},
            {"en": "is none of {operand}", "fr": "n'est aucun de {operand}"},
        ),
        Operator(
            "not_in", (NUMBER, TEXT), "scalars",
            lambda value, operand: value not in operand,
            lambda operand: _all_of(operand, lambda item: {"$neq": {"value": item}}),
            {"en": "is none of {operand}", "fr": "n'est aucun de {operand}"},
            {"en": "is one of {operand}", "fr": "est l'un de {operand}"},
        ),
        Operator(
            "contains", (LIST,), "item",
            lambda value, operand: operand in value,
            _contains,
            {"en": "includes {operand}", "fr": "comprend {operand}"},
            {"en": "does not include {operand}", "fr": "ne comprend pas {operand}"},
        ),
        Operator(
            "contains_any", (LIST,), "items",
            lambda value, operand: any(item in value for item in operand),
            lambda operand: _any_of(operand, _contains),
            {"en": "includes at least one of {operand}", "fr": "comprend au moins l'un de {operand}"},
            {"en": "includes none of {operand}", "fr": "ne comprend aucun de {operand}"},
        ),
        Operator(
            "only", (LIST,), "item",
            lambda value, operand: list(value) == [operand],
            lambda operand: {"$and": [{"count": 1}, _contains(operand)]},
            {"en": "is {operand} and nothing else", "fr": "se limite à {operand}"},
            {"en": "is not {operand} alone", "fr": "ne se limite pas à {operand}"},
        ),
        Operator(
            "empty", (LIST,), "bool",
            lambda value, operand: (len(value) == 0) == operand,
            lambda operand: {"count": 0} if operand else {"$gt": {"count": 0}},
            {"en": "is empty", "fr": "est vide"},
            {"en": "is not empty", "fr": "n'est pas vide"},
        ),
        Operator(
            "size_eq", (LIST,), "count",
            lambda value, operand: len(value) == operand,
            lambda operand: {"count": operand},
            {"en": "has {operand}", "fr": "compte {operand}"},
            {"en": "does not have {operand}", "fr": "ne compte pas {operand}"},
        ),
        Operator(
            "size_gt", (LIST,), "count",
            lambda value, operand: len(value) > operand,
            lambda operand: {"$gt": {"count": operand}},
            {"en": "has more than {operand}", "fr": "compte plus de {operand}"},
            {"en": "has at most {operand}", "fr": "compte au plus {operand}"},
        ),
        Operator(
            "size_lt", (LIST,), "count",
            lambda value, operand: len(value) < operand,
            lambda operand: {"$lt": {"count": operand}},
            {"en": "has fewer than {operand}", "fr": "compte moins de {operand}"},
            {"en": "has at least {operand}", "fr": "compte au moins {operand}"},
        ),
        Operator(
            "present", (NUMBER, BOOL, TEXT, LIST), "bool",
            # Only meaningful for derived facts: is it concluded at all? (see compiler)
            lambda value, operand: operand,
            lambda operand: {},
            {"en": "has been concluded", "fr": "a été établi"},
            {"en": "has not been concluded", "fr": "n'a pas été établi"},
        ),
    ]
}

# The opposite of each numeric comparison, for counterfactual reasoning.
NUMERIC_OPPOSITES = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt"}

# How the same tests are spelt elsewhere (durable/Mongo, SQL, Python, plain words): the
# suggestion for an unknown operator, where spelling similarity alone would guess wrong
# (`gte` is as close to `gt` as to `ge`).
SYNONYMS = {
    "gte": "ge", "lte": "le", "neq": "ne", "nin": "not_in", "notin": "not_in", "not in": "not_in",
    ">": "gt", ">=": "ge", "<": "lt", "<=": "le", "=": "eq", "==": "eq", "!=": "ne", "<>": "ne",
    "equals": "eq", "is": "eq", "is_not": "ne", "includes": "contains", "has": "contains",
    "any_of": "contains_any", "one_of": "in", "none_of": "not_in", "exists": "present", "size": "size_eq",
}


def operator_hint(name: str) -> dict[str, Any]:
    """Keyword arguments for the Problem of an unknown operator: its likely meaning here."""
    meant = SYNONYMS.get(name.strip().lstrip("$").lower())
    if meant is not None:
        return {"hint": "hint-did-you-mean", "hint_params": {"suggestion": meant}}
    return did_you_mean(name, OPERATORS)
