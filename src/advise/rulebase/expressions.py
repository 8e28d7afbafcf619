"""Computed conclusions: `max_profiles: floor(weekly_hours_available / thresholds.hours_per_profile)`.

A small, safe expression language parsed with Python's `ast` and checked at load time:
numbers, text, true/false, fact names and table values (dotted), + - * / //, comparisons,
and/or/not, `a if condition else b`, [lists], and the functions in FUNCTIONS. Nothing else
is accepted (no attributes of objects, no calls other than these, no power operator, at
most MAX_DEPTH levels of nesting: an expression always finishes quickly, and never
exhausts the stack).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from typing import Any, Callable

from ..errors import register_messages
from ..records import Record

register_messages({
    "expr-too-deep": {
        "en": "the expression nests more than {limit} levels deep; split it into several rules",
        "fr": "l'expression imbrique plus de {limit} niveaux ; découpez-la en plusieurs règles",
    },
})

# Deeper than this, parsing or evaluating could exhaust Python's stack: refused at load.
MAX_DEPTH = 50


class ExpressionError(Exception):
    """A problem in an expression; `code` and `params` feed errors.Problem."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}")


def _number(value: Any) -> float | int:
    kind = value.__class__
    if kind is float or kind is int:  # the usual case, without the tests below
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExpressionError("expr-not-number", value=repr(value))
    return value


def _floor(x: Any) -> int:
    return math.floor(_number(x))


def _ceil(x: Any) -> int:
    return math.ceil(_number(x))


def _round(x: Any, digits: Any = 0) -> float | int:
    """Half away from zero, as people round by hand (2.5 -> 3, 2.675 -> 2.68), not half to even."""
    value = _number(x)
    places = int(_number(digits))
    if not math.isfinite(value):
        raise ExpressionError("expr-not-number", value=repr(value))
    places = max(-400, min(400, places))
    # The number as written (repr), as digits and a power of ten, rounded in integers: what
    # Decimal(repr(value)).quantize(10 ** -places, ROUND_HALF_UP) gives, without importing
    # decimal (about 1 ms of every start; tests/rulebase/test_expressions.py compares them).
    sign, digits, exponent = _written(value)
    if exponent < -places:
        unit = 10 ** (-places - exponent)
        digits, rest = divmod(digits, unit)
        if 2 * rest >= unit:
            digits += 1
        exponent = -places
    result = float(f"{sign}{digits}e{exponent}")  # correctly rounded, as float(Decimal) is
    return int(result) if places <= 0 else result


def _written(value: int | float) -> tuple[str, int, int]:
    """(sign, digits, exponent) with value == sign digits * 10 ** exponent, as repr writes it."""
    text = repr(value)
    sign = "-" if text.startswith("-") else ""
    mantissa, _, power = text.lstrip("-").partition("e")
    whole, _, fraction = mantissa.partition(".")
    return sign, int(whole + fraction), int(power or 0) - len(fraction)


def _count(items: Any) -> int:
    return len(_sequence(items))


def _items(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ExpressionError("expr-not-list", value=repr(value))


def _sequence(value: Any) -> list | tuple:
    """`value` itself where _items would copy it: for reading only."""
    if isinstance(value, (list, tuple)):
        return value
    raise ExpressionError("expr-not-list", value=repr(value))


def _scores(table: Any) -> Mapping[str, Any]:
    if isinstance(table, Mapping):
        return table
    raise ExpressionError("expr-not-table", value=repr(table))


def _total(table: Any, keys: Any) -> float | int:
    """Sum of the table's values for these keys (a key missing from the table counts 0)."""
    scores = _scores(table)
    return sum(_number(scores.get(key, 0)) for key in _sequence(keys))


def _rank(keys: Any, table: Any) -> list:
    """Keys sorted by their value in the table, highest first; ties keep the given order."""
    scores = _scores(table)
    items = _sequence(keys)
    return sorted(items, key=lambda key: -_number(scores.get(key, 0)))


def _positive(table: Any) -> list:
    """The keys whose value is above zero, highest first; ties in the table's order."""
    scores = _scores(table)
    return _rank([key for key, value in scores.items() if _number(value) > 0], scores)


def _affordable(keys: Any, costs: Any, budget: Any) -> list:
    """Going down the list, keep each key whose cost still fits in what is left."""
    table = _scores(costs)
    left = _number(budget)
    kept = []
    for key in _sequence(keys):
        cost = _number(table.get(key, 0))
        if cost <= left:
            kept.append(key)
            left -= cost
    return kept


def _how_many_fit(keys: Any, costs: Any, budget: Any) -> int:
    """The most items of the list whose costs fit together in the budget (cheapest first).

    Unlike `affordable`, which follows the list's order, this never falls when the budget
    grows: more hours always keep at least as many profiles alive.
    """
    table = _scores(costs)
    left = _number(budget)
    fitted = 0
    for cost in sorted(_number(table.get(key, 0)) for key in _sequence(keys)):
        if cost > left:
            break
        left -= cost
        fitted += 1
    return fitted


def _within(keys: Any, kept: Any) -> list:
    kept_items = _sequence(kept)
    return [key for key in _sequence(keys) if key in kept_items]


def _first(keys: Any, n: Any) -> list:
    return _items(keys)[: max(0, int(_number(n)))]


def _union(*lists: Any) -> list:
    seen: list = []
    for items in lists:
        for item in _sequence(items):
            if item not in seen:
                seen.append(item)
    return seen


def _without(keys: Any, removed: Any) -> list:
    removed_items = _sequence(removed)
    return [key for key in _sequence(keys) if key not in removed_items]


def _min(*values: Any) -> Any:
    return min(_number(value) for value in values)


def _max(*values: Any) -> Any:
    return max(_number(value) for value in values)


class Function(Record):
    def __init__(self,
                 call: Callable[..., Any],
                 arity: tuple[int, int],  # min, max number of arguments
                 help: dict[str, str]) -> None:
        self.__dict__.update(call=call, arity=arity, help=help)


FUNCTIONS: dict[str, Function] = {
    "floor": Function(_floor, (1, 1), {"en": "round down to a whole number", "fr": "arrondi à l'entier inférieur"}),
    "ceil": Function(_ceil, (1, 1), {"en": "round up to a whole number", "fr": "arrondi à l'entier supérieur"}),
    "round": Function(_round, (1, 2), {"en": "round (to n decimals)", "fr": "arrondi (à n décimales)"}),
    "min": Function(_min, (2, 8), {"en": "the smallest of the numbers", "fr": "le plus petit des nombres"}),
    "max": Function(_max, (2, 8), {"en": "the largest of the numbers", "fr": "le plus grand des nombres"}),
    "count": Function(_count, (1, 1), {"en": "how many items a list has", "fr": "nombre d'éléments d'une liste"}),
    "total": Function(_total, (2, 2), {"en": "sum of a table's values for the items of a list", "fr": "somme des valeurs d'une table pour les éléments d'une liste"}),
    "rank": Function(_rank, (2, 2), {"en": "the list sorted by a table's values, highest first", "fr": "la liste triée selon les valeurs d'une table, la plus forte d'abord"}),
    "positive": Function(_positive, (1, 1), {"en": "the keys of a table whose value is above zero, highest first", "fr": "les clés d'une table dont la valeur est positive, la plus forte d'abord"}),
    "affordable": Function(_affordable, (3, 3), {"en": "the items of a list whose costs fit, one after the other, in a budget", "fr": "les éléments d'une liste dont les coûts tiennent, l'un après l'autre, dans un budget"}),
    "how_many_fit": Function(_how_many_fit, (3, 3), {"en": "how many items of a list, at most, fit together in a budget (cheapest first)", "fr": "combien d'éléments d'une liste, au plus, tiennent ensemble dans un budget (les moins coûteux d'abord)"}),
    "first": Function(_first, (2, 2), {"en": "the first n items of a list", "fr": "les n premiers éléments d'une liste"}),
    "union": Function(_union, (2, 4), {"en": "the items of several lists, each once, in order", "fr": "les éléments de plusieurs listes, chacun une fois, dans l'ordre"}),
    "within": Function(_within, (2, 2), {"en": "the items of a list that are also in another", "fr": "les éléments d'une liste présents aussi dans une autre"}),
    "without": Function(_without, (2, 2), {"en": "the items of a list that are not in another", "fr": "les éléments d'une liste absents d'une autre"}),
}

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: _number(a) + _number(b),
    ast.Sub: lambda a, b: _number(a) - _number(b),
    ast.Mult: lambda a, b: _number(a) * _number(b),
    ast.Div: lambda a, b: _number(a) / _number(b),
    ast.FloorDiv: lambda a, b: _number(a) // _number(b),
}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.In: lambda a, b: a in _sequence(b),
    ast.NotIn: lambda a, b: a not in _sequence(b),
}
_CONSTANT_NAMES = {"true": True, "false": False, "True": True, "False": False}

# How refused syntax reads in an error message (else the node's class name).
_FORBIDDEN_OPERATORS: dict[type, str] = {
    ast.Pow: "** (power)", ast.Mod: "% (remainder)", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.Invert: "~", ast.Is: "is", ast.IsNot: "is not",
}
_FORBIDDEN_NODES: dict[type, str] = {
    ast.Attribute: "attributes of values", ast.Subscript: "[...] indexing", ast.Lambda: "lambda",
    ast.JoinedStr: "f-strings", ast.Dict: "{...} mappings", ast.Set: "{...} sets", ast.NamedExpr: ":=",
    ast.Starred: "* unpacking", ast.ListComp: "comprehensions", ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions", ast.GeneratorExp: "comprehensions", ast.Slice: "slices",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
}


def _dotted(node: ast.AST) -> str | None:
    """`resources.weekly_hours` -> 'resources.weekly_hours'; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


class Expression(Record):
    """A parsed, checked expression and the names it reads."""

    def __init__(self,
                 text: str,
                 tree: ast.expr,
                 names: tuple[str, ...]) -> None:  # dotted names, in order of first use
        self.__dict__.update(text=text, tree=tree, names=names)

    def evaluate(self, lookup: Callable[[str], Any]) -> Any:
        # Compiled on first use (_compile), kept in the instance's __dict__ but never pickled
        # (advise.engine.cache) nor compared: inference and the hints' searches evaluate
        # the same expressions thousands of times.
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self.__dict__["_compiled"] = _compile(self.tree)
        return compiled(lookup)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_compiled", None)
        return state


def parse(text: str) -> Expression:
    """Parse and check an expression. Raises ExpressionError."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise ExpressionError("expr-syntax", reason=error.msg, offset=error.offset or 0) from None
    except (RecursionError, MemoryError):  # `1+1+...` thousands of times: deeper than the parser goes
        raise ExpressionError("expr-too-deep", limit=MAX_DEPTH) from None
    names: list[str] = []
    _check(tree, names)
    return Expression(text=text.strip(), tree=tree, names=tuple(names))


def _check(node: ast.AST, names: list[str], depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise ExpressionError("expr-too-deep", limit=MAX_DEPTH)
    inner = depth + 1
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, (int, float, str, bool)) or node.value is None:
            raise ExpressionError("expr-forbidden", what=repr(node.value))
        return
    dotted = _dotted(node)
    if dotted is not None:
        if dotted not in _CONSTANT_NAMES and dotted not in names:
            names.append(dotted)
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left, names, inner)
        _check(node.right, names, inner)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        _check(node.operand, names, inner)
        return
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, names, inner)
        return
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        _check(node.left, names, inner)
        for comparator in node.comparators:
            _check(comparator, names, inner)
        return
    if isinstance(node, ast.IfExp):
        for part in (node.test, node.body, node.orelse):
            _check(part, names, inner)
        return
    if isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            _check(element, names, inner)
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = _dotted(node.func) or ast.unparse(node.func)
            raise ExpressionError("expr-unknown-function", name=name, choices=", ".join(sorted(FUNCTIONS)))
        if node.keywords:
            raise ExpressionError("expr-forbidden", what="name=value arguments")
        low, high = FUNCTIONS[node.func.id].arity
        if not low <= len(node.args) <= high:
            raise ExpressionError("expr-arity", name=node.func.id, low=low, high=high, found=len(node.args))
        for argument in node.args:
            _check(argument, names, inner)
        return
    if isinstance(node, (ast.BinOp, ast.UnaryOp)) and type(node.op) in _FORBIDDEN_OPERATORS:
        raise ExpressionError("expr-forbidden", what=_FORBIDDEN_OPERATORS[type(node.op)])
    if isinstance(node, ast.Compare):
        op = next(op for op in node.ops if type(op) not in _COMPARE)
        raise ExpressionError("expr-forbidden", what=_FORBIDDEN_OPERATORS.get(type(op), type(op).__name__))
    raise ExpressionError("expr-forbidden", what=_FORBIDDEN_NODES.get(type(node), type(node).__name__))


def _evaluate(node: ast.AST, lookup: Callable[[str], Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    dotted = _dotted(node)
    if dotted is not None:
        if dotted in _CONSTANT_NAMES:
            return _CONSTANT_NAMES[dotted]
        return lookup(dotted)
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, lookup), _evaluate(node.right, lookup)
        try:
            return _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise ExpressionError("expr-division-by-zero") from None
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, lookup)
        if isinstance(node.op, ast.Not):
            return not value
        return -_number(value) if isinstance(node.op, ast.USub) else _number(value)
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            result: Any = True
            for value in node.values:
                result = _evaluate(value, lookup)
                if not result:
                    return result
            return result
        result = False
        for value in node.values:
            result = _evaluate(value, lookup)
            if result:
                return result
        return result
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, lookup)
        for op, comparator in zip(node.ops, node.comparators):
            right = _evaluate(comparator, lookup)
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError:
                raise ExpressionError("expr-compare", left=repr(left), right=repr(right)) from None
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return _evaluate(node.body if _evaluate(node.test, lookup) else node.orelse, lookup)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_evaluate(element, lookup) for element in node.elts]
    if isinstance(node, ast.Call):
        function = FUNCTIONS[node.func.id]  # type: ignore[union-attr]
        return function.call(*[_evaluate(argument, lookup) for argument in node.args])
    raise ExpressionError("expr-forbidden", what=type(node).__name__)


def _compile(node: ast.AST) -> Callable[[Callable[[str], Any]], Any]:
    """`node` as nested closures that compute what _evaluate computes, in the same order and with
    the same errors: names, operators and functions are resolved once, not at each evaluation.
    A node of another shape is left to _evaluate."""
    if isinstance(node, ast.Constant):
        constant = node.value
        return lambda lookup: constant
    dotted = _dotted(node)
    if dotted is not None:
        if dotted in _CONSTANT_NAMES:
            named = _CONSTANT_NAMES[dotted]
            return lambda lookup: named
        return lambda lookup: lookup(dotted)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right, operator = _compile(node.left), _compile(node.right), _BINARY[type(node.op)]

        def binary(lookup: Callable[[str], Any]) -> Any:
            a, b = left(lookup), right(lookup)
            try:
                return operator(a, b)
            except ZeroDivisionError:
                raise ExpressionError("expr-division-by-zero") from None
        return binary
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda lookup: not operand(lookup)
        if isinstance(node.op, ast.USub):
            return lambda lookup: -_number(operand(lookup))
        return lambda lookup: _number(operand(lookup))
    if isinstance(node, ast.BoolOp):
        values = tuple(_compile(value) for value in node.values)
        if isinstance(node.op, ast.And):
            def conjunction(lookup: Callable[[str], Any]) -> Any:
                result: Any = True
                for value in values:
                    result = value(lookup)
                    if not result:
                        return result
                return result
            return conjunction

        def disjunction(lookup: Callable[[str], Any]) -> Any:
            result: Any = False
            for value in values:
                result = value(lookup)
                if result:
                    return result
            return result
        return disjunction
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        first = _compile(node.left)
        links = tuple((_COMPARE[type(op)], _compile(comparator)) for op, comparator in zip(node.ops, node.comparators))

        def compare(lookup: Callable[[str], Any]) -> bool:
            left = first(lookup)
            for test, comparator in links:
                right = comparator(lookup)
                try:
                    if not test(left, right):
                        return False
                except TypeError:
                    raise ExpressionError("expr-compare", left=repr(left), right=repr(right)) from None
                left = right
            return True
        return compare
    if isinstance(node, ast.IfExp):
        test, body, orelse = _compile(node.test), _compile(node.body), _compile(node.orelse)
        return lambda lookup: body(lookup) if test(lookup) else orelse(lookup)
    if isinstance(node, (ast.List, ast.Tuple)):
        elements = tuple(_compile(element) for element in node.elts)
        return lambda lookup: [element(lookup) for element in elements]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        call, arguments = FUNCTIONS[node.func.id].call, tuple(_compile(argument) for argument in node.args)
        # The arguments computed left to right, as a list would; without building one for the
        # usual one to three (a comprehension is a function call of its own).
        if len(arguments) == 1:
            [only] = arguments
            return lambda lookup: call(only(lookup))
        if len(arguments) == 2:
            first, second = arguments
            return lambda lookup: call(first(lookup), second(lookup))
        if len(arguments) == 3:
            first, second, third = arguments
            return lambda lookup: call(first(lookup), second(lookup), third(lookup))
        return lambda lookup: call(*[argument(lookup) for argument in arguments])
    return lambda lookup: _evaluate(node, lookup)
