"""What a rule's `because` text reads: the paths (name, key, key...) its words depend on,
when they depend on nothing else (advise.explain.because keeps the words per values read).

A property of the text alone, found from its parsed tree: the reader finds it while it
checks each text (advise.rulebase.reader), and the rule book keeps it (`text_reads`), so
that a run on a cached rule base (advise.engine.cache) does not parse every text again.
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2 import nodes

Reads = tuple[tuple[Any, ...], ...]

# Nodes whose value depends only on what they read: a text made of others (loops, calls,
# assignments, includes...) is rendered every time.
_PURE_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.Name, nodes.Getattr,
               nodes.Getitem, nodes.Filter, nodes.Test, nodes.CondExpr, nodes.If, nodes.Compare, nodes.Operand,
               nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.Concat, nodes.BinExpr, nodes.List,
               nodes.Tuple, nodes.Dict, nodes.Pair, nodes.Keyword, nodes.Slice)


def reads_of(environment: jinja2.Environment, text: str) -> Reads | None:
    """The paths (name, key, key...) a text reads, if its words depend on them alone; else None."""
    try:
        tree = environment.parse(text)
    except jinja2.TemplateError:
        return None  # rendered, and reported, as before
    return tree_reads(tree)


def tree_reads(tree: nodes.Template) -> Reads | None:
    """`reads_of` for a text already parsed (by an environment of advise.sandbox)."""
    paths: set[tuple[Any, ...]] = set()

    def visit(node: nodes.Node) -> bool:
        if not isinstance(node, _PURE_NODES):
            return False
        chain: list[Any] = []
        inner = node
        while isinstance(inner, nodes.Getattr) or (isinstance(inner, nodes.Getitem) and isinstance(inner.arg, nodes.Const)
                                                     and isinstance(inner.arg.value, (str, int))):
            chain.append(inner.attr if isinstance(inner, nodes.Getattr) else inner.arg.value)  # type: ignore[union-attr]
            inner = inner.node  # type: ignore[union-attr]
        if isinstance(inner, nodes.Name):
            if inner.ctx != "load":
                return False
            paths.add((inner.name, *reversed(chain)))
            return True
        if chain:
            return visit(inner)
        return all(visit(child) for child in node.iter_child_nodes())

    return tuple(sorted(paths, key=repr)) if visit(tree) else None
