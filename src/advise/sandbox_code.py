"""How the code of a template rendered in advise's sandbox (advise.sandbox) is written.

* `Rewrite`: every `for` iterates through the filter LOOP_FILTER and every `~` goes through
  SIZED_FILTER, so loops and joined texts are bounded (names a template cannot write, so
  they cannot be overridden or avoided).
* `ScopedCalls`: Jinja's code generator, but a call passes the variables its loop or block
  sets by position to `BoundedEnvironment.scoped_call`.
"""

from __future__ import annotations

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.visitor import NodeTransformer

LOOP_FILTER = "advise:loop"
SIZED_FILTER = "advise:sized"


class Rewrite(NodeTransformer):
    """Loops go through LOOP_FILTER, `~` through SIZED_FILTER."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, LOOP_FILTER, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(node, SIZED_FILTER, [], [], None, None, lineno=node.lineno)


class ScopedCalls(CodeGenerator):
    """Jinja's code, but a call in a loop or block passes the variables they set by position
    (`scoped_call`), not as keywords `_loop_vars=` and `_block_vars=`. Only a callable that takes
    the context reads them; a report's calls (a few hundred, most in loops) never do."""

    @optimizeconst
    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if self.environment.is_async:
            return super().visit_Call(node, frame, forward_caller)  # type: ignore[no-any-return]
        self.write("environment.scoped_call(context, " + ("_loop_vars, " if frame.loop_frame else "None, ")
                   + ("_block_vars, " if frame.block_frame else "None, "))
        self.visit(node.node, frame)
        self.signature(node, frame, {"caller": "caller"} if forward_caller else None)
        self.write(")")
        return None
