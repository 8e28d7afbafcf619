"""The shapes of ruleset definition that crash or loop durable_rules, refused before one is
registered (edges 3, 8 and 9 of advise.engine.durable, whose `check_definition` imports this
module when it is called: a rule base's program is checked once, before the cache keeps it,
and a run on a kept one does not import it). Imports nothing of durable; its problems' code,
engine-bad-definition, is registered by advise.engine.durable."""

from __future__ import annotations

from typing import Any

from ..errors import EngineError, Problem

COMPARISONS = ("$lt", "$lte", "$gt", "$gte", "$neq")
MAX_PRI = 65535  # the largest `pri` a rule may have (durable reads it unsigned)


def check_definition(definition: dict[str, dict]) -> None:
    """Refuse the shapes that crash or loop durable (edges 3, 8, 9)."""
    problems = []
    for ruleset, rules in definition.items():
        for rule_id, body in rules.items():
            for reason in _rule_shape_problems(body):
                problems.append(Problem("engine-bad-definition", {"reason": reason}, rule=rule_id))
    if problems:
        raise EngineError(problems)


def _rule_shape_problems(body: dict) -> list[str]:
    problems = []
    pri = body.get("pri", 0)
    if isinstance(pri, bool) or not isinstance(pri, int) or not 0 <= pri <= MAX_PRI:
        problems.append(f"pri must be 0..{MAX_PRI} (durable reads it unsigned), found {pri!r}")
    if not isinstance(body.get("run"), str):  # an action's name, looked up in the Engine's table
        problems.append("no action")
    for batched in ("count", "cap"):  # one firing for many facts: durable then binds them to no alias
        if batched in body:
            problems.append(f"'{batched}' is not supported: each firing must bind its facts to aliases")
    patterns = [(key, value) for key in ("all", "any") for value in body.get(key, [])]
    if not patterns:
        problems.append("no pattern")
    for _, entry in patterns:
        for alias, pattern in entry.items():
            problems.extend(_pattern_problems(alias, pattern))
    return problems


def _pattern_problems(alias: str, pattern: Any) -> list[str]:
    if alias.endswith(("$any", "$all")):
        return [problem for entry in pattern for inner_alias, inner in entry.items()
                for problem in _pattern_problems(inner_alias, inner)]
    problems = []
    first = pattern["$and"][0] if isinstance(pattern, dict) and "$and" in pattern else pattern
    if not (isinstance(first, dict) and len(first) == 1 and not next(iter(first)).startswith("$")
            and not isinstance(next(iter(first.values())), dict)):
        problems.append(f"pattern '{alias}' must start with a positive test on a property (edge 9)")

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in COMPARISONS and isinstance(value, dict):
                    for operand in value.values():
                        if isinstance(operand, dict):  # another fact's property, or an expression
                            problems.append(f"pattern '{alias}' compares with another fact (edge 3)")
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(pattern)
    return problems
