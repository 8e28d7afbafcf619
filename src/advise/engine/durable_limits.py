"""Keep a compiled ruleset inside durable_rules' fixed-size tables, or refuse it clearly.

durable_rules 2.0.28 builds a Rete network whose tables have fixed sizes (src/rules/rete.h,
rules.h, events.c of its sources); past them it fails, and at one of them it hangs:

| table | size | past it |
| --- | --- | --- |
| rules (actions) in a ruleset | 4096 | error 106 at registration |
| distinct tests under one node (hash set) | 512 | registration never returns (full table, endless probe) |
| absence tests and `$or` links under one node | 128 | error 107 at registration |
| joins fed by one node (patterns ending there) | 256 | error 108 at registration |
| nodes pending while one fact is matched (stack) | 64 | error 303 when that fact is asserted |

Each pattern of a rule is a chain of tests (`t`, `b`, `name`, then the operator's test);
identical chains are shared by every rule that uses them, `$iany` tests never are. So a
common condition (`business.local: true` in 300 rules), or many rules of one stratum (all
waiting on the same stage fact), overflow the 256 joins of one node; and many `contains`
tests on one list overflow the stack when a sheet's list holds the item.

`fit` rewrites patterns so that they share less: it adds an always-true test
(`id != "~N"`, no fact has such an id) that splits a crowded node into several. `check`
then simulates the network as durable builds it and returns a Problem for each table that
would still overflow, naming the rules, so that the compiler refuses the rule base instead
of durable hanging or failing later.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from ..errors import Problem, register_messages

register_messages({
    "durable-limit": {
        "en": "the rule base is too large for the rule engine: {what} ({count}, at most {limit}); rules involved: {rules}",
        "fr": "la base de règles est trop grande pour le moteur : {what} ({count}, au plus {limit}) ; règles en cause : {rules}",
    },
})

MAX_RULES = 4096
MAX_CHILDREN = 512  # the 513th distinct test under one node hangs registration
MAX_LINKS = 128
MAX_JOINS = 256
MAX_STACK = 64

# Headroom kept below each table size, and how crowded a node may get before `fit` splits it.
SAFE_CHILDREN = MAX_CHILDREN - 12
SAFE_STACK = MAX_STACK - 4
SPLIT_JOINS = 192
SPLIT_MATCHES = 12  # tests under one node that one fact may pass at once

_COMPARISONS = {"$lt", "$lte", "$gt", "$gte", "$neq"}
_ARRAY = {"$iany", "$iall"}


class _Node:
    """One alpha node as durable builds it."""

    __slots__ = ("children", "private", "links", "joins", "rules", "exclusive")

    def __init__(self, exclusive: bool = False) -> None:
        self.children: dict[tuple, _Node] = {}  # shared tests, by (op, property, value)
        self.private: list[_Node] = []  # tests never shared ($iany, $iall)
        self.links: list[_Node] = []  # `$or` forward nodes (and absence tests)
        self.joins: list[str] = []  # rules whose pattern ends here
        self.rules: set[str] = set()  # rules whose patterns pass here
        self.exclusive = exclusive  # an equality test: of its siblings on one property, one matches at most

    def hashed(self) -> int:
        return len(self.children) + len(self.private)

    def matches_at_once(self) -> int:
        """How many children one fact may pass at once, at most."""
        equal_properties = {key[1] for key, child in self.children.items() if child.exclusive}
        others = sum(1 for child in self.children.values() if not child.exclusive)
        return len(equal_properties) + others + len(self.private) + len(self.links)


def _value_key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, sort_keys=True)


def _test_key(test: dict) -> tuple:
    (key, value), = test.items()
    if key in _COMPARISONS:
        (prop, operand), = value.items()
        return (key, prop, _value_key(operand))
    return ("$eq", key, _value_key(value))


class _Network:
    """The alpha network of a ruleset, built pattern by pattern like durable's createAlpha."""

    def __init__(self) -> None:
        self.root = _Node()
        self.spreaders = 0

    def add(self, test: Any, parent: _Node, rule: str) -> _Node:
        if not isinstance(test, dict) or len(test) != 1:
            raise ValueError(f"unexpected test {test!r}")
        (key, value), = test.items()
        if key == "$and":
            node = parent
            for inner in value:
                node = self.add(inner, node, rule)
            return node
        if key == "$or":
            forward = _Node()
            forward.rules.add(rule)
            for inner in value:
                end = self.add(inner, parent, rule)
                end.links.append(forward)
            return forward
        if key in _ARRAY:
            node = _Node()
            node.rules.add(rule)
            parent.private.append(node)
            return node
        if key in ("$nex", "$ex", "$mt", "$imt"):
            raise ValueError(f"test {key} is not produced by the compiler")
        test_key = _test_key(test)
        node = parent.children.get(test_key)
        if node is None:
            node = parent.children[test_key] = _Node(exclusive=test_key[0] == "$eq")
        node.rules.add(rule)
        return node

    def end(self, pattern: Any, rule: str) -> _Node:
        node = self.add(pattern, self.root, rule)
        node.joins.append(rule)
        return node


def _patterns(body: dict) -> Iterable[tuple[dict, str]]:
    """(the dict holding a pattern, its alias) for every pattern of a rule, nested groups too."""
    for key in ("all", "any"):
        for entry in body.get(key, []):
            yield from _entry_patterns(entry)


def _entry_patterns(entry: dict) -> Iterable[tuple[dict, str]]:
    for alias, value in entry.items():
        if alias.endswith(("$any", "$all")):
            for inner in value:
                yield from _entry_patterns(inner)
        else:
            yield entry, alias


def _spreader(number: int) -> dict:
    return {"$neq": {"id": f"~{number}"}}


def fit(definition: dict[str, dict]) -> dict[str, dict]:
    """The same rules with crowded nodes split (see the module docstring); patterns are
    rewritten in place, in definition order, so the result is deterministic."""
    for rules in definition.values():
        network = _Network()
        spreaders: dict[int, list[int]] = {}  # id(node) -> spreader numbers used under it
        counter = 0
        for rule_id, body in rules.items():
            for holder, alias in _patterns(body):
                pattern = holder[alias]
                tests = list(pattern["$and"]) if isinstance(pattern, dict) and "$and" in pattern else [pattern]
                node = network.root
                rewritten: list[Any] = []
                for test in tests:
                    crowded = _would_crowd(node, test)
                    if crowded:
                        counter, node, spreader = _split(network, node, spreaders, counter, rule_id)
                        rewritten.append(spreader)
                    node = network.add(test, node, rule_id)
                    rewritten.append(test)
                if len(node.joins) >= SPLIT_JOINS:
                    counter, node, spreader = _split(network, node, spreaders, counter, rule_id, joins=True)
                    rewritten.append(spreader)
                node.joins.append(rule_id)
                if rewritten != tests:
                    holder[alias] = {"$and": rewritten}
    return definition


def _would_crowd(node: _Node, test: Any) -> bool:
    """Would this test add one more child that a fact may pass together with many others?"""
    key = next(iter(test)) if isinstance(test, dict) and len(test) == 1 else None
    if key in _ARRAY:
        return len(node.private) + _non_exclusive(node) >= SPLIT_MATCHES
    if key == "$or":
        return _non_exclusive(node) + len(node.links) >= SPLIT_MATCHES or any(
            len(child.links) >= SPLIT_MATCHES for child in node.children.values())
    if key in _COMPARISONS:
        return _test_key(test) not in node.children and _non_exclusive(node) >= SPLIT_MATCHES
    if key is not None and key != "$and":
        return _test_key(test) not in node.children and node.hashed() >= SAFE_CHILDREN - SPLIT_MATCHES
    return False


def _non_exclusive(node: _Node) -> int:
    return sum(1 for child in node.children.values() if not child.exclusive) + len(node.private)


def _split(network: _Network, node: _Node, spreaders: dict[int, list[int]], counter: int, rule: str,
           *, joins: bool = False) -> tuple[int, _Node, dict]:
    """The spreader under `node` to use instead: the last one if it has room, else a new one."""
    used = spreaders.setdefault(id(node), [])
    if used:
        test = _spreader(used[-1])
        child = node.children[_test_key(test)]
        room = len(child.joins) < SPLIT_JOINS if joins else (
            _non_exclusive(child) + len(child.links) < SPLIT_MATCHES and child.hashed() < SAFE_CHILDREN - 1)
        if room:
            return counter, network.add(test, node, rule), test
    test = _spreader(counter)
    used.append(counter)
    return counter + 1, network.add(test, node, rule), test


def check(definition: dict[str, dict], locate: Callable[[str], tuple[str | None, int | None]] | None = None) -> list[Problem]:
    """A Problem for each durable table this definition would overflow (empty: it fits)."""
    problems: list[Problem] = []

    def problem(what: str, count: int, limit: int, rules: Iterable[str]) -> None:
        # a rule with alternatives (`any`) is registered as variants `id#1`, `id#2`: name the rule
        named = sorted({rule.split("#", 1)[0] for rule in rules if not rule.startswith("$")})
        first = named[0] if named else None
        file, line = locate(first) if locate and first else (None, None)
        shown = ", ".join(named[:8]) + (f" and {len(named) - 8} more" if len(named) > 8 else "")
        problems.append(Problem("durable-limit", {"what": what, "count": count, "limit": limit,
                                                  "rules": shown or "-"}, file=file, line=line, rule=first))

    for rules in definition.values():
        if len(rules) > MAX_RULES:
            problem("rules in one ruleset (the compiler adds 2)", len(rules), MAX_RULES, list(rules)[:8])
        network = _Network()
        for rule_id, body in rules.items():
            for holder, alias in _patterns(body):
                network.end(holder[alias], rule_id)
        seen: set[int] = set()

        def visit(node: _Node) -> int:
            """Checks every node below; returns the stack this node needs."""
            if id(node) in seen:
                return 0
            seen.add(id(node))
            if node.hashed() > SAFE_CHILDREN:
                problem("distinct tests under one test", node.hashed(), SAFE_CHILDREN,
                        {r for child in [*node.children.values(), *node.private] for r in child.rules})
            if len(node.links) > MAX_LINKS:
                problem("alternatives ('in', 'any') sharing one test", len(node.links), MAX_LINKS,
                        {r for link in node.links for r in link.rules})
            if len(node.joins) > MAX_JOINS:
                problem("conditions identical in many rules", len(node.joins), MAX_JOINS, node.joins)
            pushed = node.matches_at_once()
            deepest = 0
            for child in [*node.children.values(), *node.private, *node.links]:
                deepest = max(deepest, visit(child))
            return max(pushed, pushed - 1 + deepest) if deepest else pushed

        need = visit(network.root)
        if need > SAFE_STACK:
            crowded = max((n for n in _walk(network.root)), key=lambda n: n.matches_at_once())
            problem("tests one fact can pass at once", need, SAFE_STACK,
                    {r for child in [*crowded.children.values(), *crowded.private, *crowded.links]
                     for r in child.rules})
    return problems


def _walk(node: _Node) -> Iterable[_Node]:
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend([*current.children.values(), *current.private, *current.links])


def usage(definition: dict[str, dict]) -> dict[str, tuple[int, int]]:
    """The fullest of each durable table for this definition: name -> (used, size)."""
    used = {"rules": 0, "tests under one node": 0, "links under one node": 0, "joins on one node": 0,
            "stack": 0}
    for rules in definition.values():
        used["rules"] = max(used["rules"], len(rules))
        network = _Network()
        for rule_id, body in rules.items():
            for holder, alias in _patterns(body):
                network.end(holder[alias], rule_id)
        for node in _walk(network.root):
            used["tests under one node"] = max(used["tests under one node"], node.hashed())
            used["links under one node"] = max(used["links under one node"], len(node.links))
            used["joins on one node"] = max(used["joins on one node"], len(node.joins))

        def need(node: _Node) -> int:
            pushed = node.matches_at_once()
            deepest = max((need(child) for child in [*node.children.values(), *node.private, *node.links]),
                          default=0)
            return max(pushed, pushed - 1 + deepest) if deepest else pushed

        used["stack"] = max(used["stack"], need(network.root))
    sizes = {"rules": MAX_RULES, "tests under one node": MAX_CHILDREN, "links under one node": MAX_LINKS,
             "joins on one node": MAX_JOINS, "stack": MAX_STACK}
    return {name: (used[name], sizes[name]) for name in used}
