"""How the code of a template rendered in advise's sandbox (advise.sandbox) is written.

* `Rewrite`: every `for` iterates through the filter LOOP_FILTER and every `~` goes through
  SIZED_FILTER, so loops and joined texts are bounded (names a template cannot write, so
  they cannot be overridden or avoided).
* `ScopedCalls`: Jinja's code generator, but a call passes the variables its loop or block
  sets by position to `BoundedEnvironment.scoped_call` (`positional_call` for arguments by
  position alone); a `~` outside autoescaping is joined
  and checked in one call (`BoundedEnvironment.joined`); a value output that a call or a filter
  gives is not checked a second time; and the top level of a template gives one piece for an
  output whose other parts are the template's own text.

* `release_macros`: once a render is over, the closures of the macros it made are emptied.

These rely on Jinja 3.1's code generator (visit_Call, visit_Output and the output helpers
they use): tests/render/test_sandbox_code.py fails loudly if another Jinja changes them.
`mutating_names` reads, from Jinja's sandbox, the names its immutable sandbox refuses. The
allow-lists (BUILTIN_FILTERS, SAFE_METHODS...) are here too, for advise.sandbox to check.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.runtime import Context, LoopContext, Macro
from jinja2 import sandbox as _jinja_sandbox
from jinja2.visitor import NodeTransformer

LOOP_FILTER = "advise:loop"
SIZED_FILTER = "advise:sized"

# Jinja's built-in filters a template may use (`random` is not deterministic; `safe`
# would let a text write HTML; `pprint`, `urlize`, `xmlattr`... serve no report).
BUILTIN_FILTERS = frozenset({
    "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
    "first", "float", "forceescape", "format", "groupby", "indent", "int", "items", "join", "last",
    "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round",
    "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title", "trim", "truncate",
    "unique", "upper", "wordcount", "wordwrap",
})
# Filters whose other arguments are values, not sizes.
VALUE_ARGUMENTS = frozenset({"format", "default", "d", "sum", "int", "float", "round", "replace"})

# The methods a template may call on plain values: none changes them or makes them grow
# beyond what their arguments allow (checked in BoundedEnvironment.scoped_call).
SAFE_METHODS: dict[type, frozenset[str]] = {
    str: frozenset({
        "capitalize", "casefold", "center", "count", "endswith", "find", "index", "isalnum", "isalpha",
        "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "join", "ljust",
        "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex",
        "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip",
        "swapcase", "title", "upper", "zfill",
    }),
    dict: frozenset({"get", "items", "keys", "values"}),
    list: frozenset({"count", "index"}),
    tuple: frozenset({"count", "index"}),
    LoopContext: frozenset({"cycle", "changed"}),
}
# str methods whose arguments are sizes.
GROWS_BY_ARGUMENT = frozenset({"center", "ljust", "rjust", "zfill"})


class Rewrite(NodeTransformer):
    """Loops go through LOOP_FILTER, `~` through SIZED_FILTER."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, LOOP_FILTER, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(node, SIZED_FILTER, [], [], None, None, lineno=node.lineno)


def _checked_already(node: nodes.Node) -> bool:
    """Whether the sandbox checks and charges the value of `node` before an output sees it:
    every call goes through BoundedEnvironment.scoped_call and every filter of a
    BoundedEnvironment is guarded (or is SIZED_FILTER, the check itself); both give back their
    value checked (advise.sandbox._checked), which the environment's finalize would do again."""
    return isinstance(node, (nodes.Call, nodes.Filter))


class ScopedCalls(CodeGenerator):
    """Jinja's code, but a call in a loop or block passes the variables they set by position
    (`scoped_call`), not as keywords `_loop_vars=` and `_block_vars=`. Only a callable that takes
    the context reads them; a report's calls (a few hundred, most in loops) never do.

    And two things every output did for nothing: a call's or a filter's value, checked and
    charged by the sandbox, went through finalize (the same check) again; at the top level,
    `{{ wrap(x, 2) }}` and the line break after it were two pieces for the renderer to take
    and charge, where they are one (the template's own text joined to one value: as bounded
    as the value alone, see BoundedEnvironment.render)."""

    @optimizeconst
    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if self.environment.is_async:
            return super().visit_Call(node, frame, forward_caller)  # type: ignore[no-any-return]
        # A call with arguments by position alone (most: wrap(x, 3), t("key"), a macro's) takes
        # positional_call, which builds no dictionary of keywords.
        positional = not (node.kwargs or node.dyn_args or node.dyn_kwargs or forward_caller)
        self.write("environment." + ("positional_call" if positional else "scoped_call") + "(context, "
                   + ("_loop_vars, " if frame.loop_frame else "None, ") + ("_block_vars, " if frame.block_frame else "None, "))
        self.visit(node.node, frame)
        self.signature(node, frame, {"caller": "caller"} if forward_caller else None)
        self.write(")")
        return None

    @optimizeconst
    def visit_Filter(self, node: nodes.Filter, frame: Frame) -> None:
        # `a ~ b ~ c` outside autoescaping: one call that joins the pieces as Jinja's str_join
        # does and checks the text (BoundedEnvironment.joined), instead of str_join, then the
        # SIZED_FILTER's check (a report has ~185 of them).
        if node.name == SIZED_FILTER and isinstance(node.node, nodes.Concat) and not node.args and not node.kwargs \
                and node.dyn_args is None and node.dyn_kwargs is None and not frame.eval_ctx.volatile \
                and not frame.eval_ctx.autoescape and not self.environment.is_async:
            self.write("environment.joined((")
            for piece in node.node.nodes:
                self.visit(piece, frame)
                self.write(", ")
            self.write("))")
            return
        super().visit_Filter(node, frame)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if _checked_already(node) and not self.environment.is_async:
            finalize = finalize._replace(src=None)
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if _checked_already(node) and not self.environment.is_async:
            finalize = finalize._replace(src=None)
        super()._output_child_post(node, frame, finalize)

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.buffer is not None or frame.require_output_check or self.environment.is_async:
            return super().visit_Output(node, frame)
        finalize = self._make_finalize()
        body: list[Any] = []  # as Jinja's visit_Output: lists of constant text, and expressions
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        if len(body) < 2:
            return super().visit_Output(node, frame)
        # One piece for each value, with the template's text around it (the text before the first
        # value goes with it): a piece is never more than one checked value and the template's text.
        groups: list[list[Any]] = []
        for item in body:
            if not groups or (not isinstance(item, list) and any(not isinstance(done, list) for done in groups[-1])):
                groups.append([])
            groups[-1].append(item)
        for group in groups:
            if len(group) == 1:
                self._output_item(group[0], frame, finalize, "yield ")
                continue
            self.writeline("yield environment.concat((")
            self.indent()
            for item in group:
                self._output_item(item, frame, finalize, "")
                self.write(",")
            self.outdent()
            self.writeline("))")
        return None

    def _output_item(self, item: Any, frame: Frame, finalize: Any, before: str) -> None:
        if isinstance(item, list):
            self.writeline(before + self._output_const_repr(item))
            return
        self.writeline(before, item)
        self._output_child_pre(item, frame, finalize)
        self.visit(item, frame)
        self._output_child_post(item, frame, finalize)


# The names Jinja's immutable sandbox refuses on a mutable set, mapping, sequence or deque
# (jinja2.sandbox.modifies_known_mutable): for any other name it asks nothing more than the
# sandbox does, and advise.sandbox's is_safe_attribute skips its isinstance checks against the
# ABCs (slow the first time for each class: some 0.2 ms of a report). Unknown (another Jinja):
# every name.
class EveryName:
    def __contains__(self, name: object) -> bool:
        return True


def mutating_names() -> frozenset[str] | EveryName:
    try:
        return frozenset().union(*(names for _, names in _jinja_sandbox._mutable_spec))  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return EveryName()


def release_macros(context: Any) -> None:
    """Empty the closures of the macros a render made for itself, its own and those it
    imported `with context` (Jinja's Macro keeps its function in `_func`): each closure holds
    the template's other macros and a context holding them and the render's variables, the
    whole report; a cycle that only Python's cycle collector would free. A text report left
    some 650 objects so: collections took 160-220 ms of a 1,000-sheet text batch's worker, 21-28 after.
    Only a macro whose context holds this render's variables is emptied: a macro imported
    without context comes from a module Jinja keeps for every render and every thread, and
    is left whole. The render is over: nothing calls the emptied macros again."""
    closures = [closure for value in context.vars.values() if isinstance(value, Macro)
                for closure in (getattr(getattr(value, "_func", None), "__closure__", None),) if closure]
    if not closures:
        return
    own = next((name for name in context.parent if name not in context.environment.globals), None)
    if own is None:
        return  # nothing of the render's own in any context: nothing to free
    # A macro whose closure holds a context with the render's variable is this render's; so are
    # the others made with it (by the same run of their template: they share its cells).
    made = {id(cell) for closure in closures if any(_holds(cell, own) for cell in closure) for cell in closure}
    for closure in closures:
        if not made.isdisjoint(map(id, closure)):
            for cell in closure:
                try:
                    del cell.cell_contents
                except ValueError:  # emptied already: a cell the template's macros share
                    pass


def _holds(cell: Any, name: str) -> bool:
    """Whether `cell` holds a context in which the render's variable `name` is."""
    try:
        value = cell.cell_contents
    except ValueError:
        return False
    return isinstance(value, Context) and name in value.parent
