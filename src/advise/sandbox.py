"""The only Jinja environment in which advise renders a template it did not write itself.

A rule file's `because` texts and a templates folder (`--templates`) are data from
someone else: a rule pack copied from a colleague must never run code, exhaust memory
or hang. So every such template renders in `BoundedEnvironment`, built on Jinja's
`ImmutableSandboxedEnvironment`:

* No attribute starting with `_`, no module, class or function reached through an
  attribute: a template reads data (the facts, the report) and calls only the filters
  and helpers advise hands in, plus a short list of harmless methods of text, lists and
  mappings. Lists and mappings cannot be changed. Jinja's own globals (`cycler`,
  `joiner`, `lipsum`, `dict`) are not there; `range` and `namespace` are, bounded.
* Rendering is bounded by `Limits`: a budget of steps (each loop turn, call, operator,
  filter and piece of output costs one, plus one per 64 characters or items it makes),
  a size for any one text or list, and a size for the arguments that make text grow
  (`'x' * n`, `center(n)`, `'%9999d'`...). Operations that would make a value too
  large are refused before they run; recursion that goes too deep stops too. Every
  breach raises `RenderLimit` (a Jinja `SecurityError`), which callers report as bad
  input naming the template.

Loops and `~` are bounded by rewriting the parsed template (advise.sandbox_code, which also
empties the macros a render made once it is over: `release_macros`).
"""

from __future__ import annotations

import functools
import re
import threading
import types
from collections.abc import Iterator, Mapping
from typing import Any, Callable

import jinja2
from jinja2 import nodes
from jinja2.runtime import Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, SecurityError
from jinja2.utils import Namespace
from markupsafe import Markup

from .records import Record
from .sandbox_code import (BUILTIN_FILTERS, LOOP_FILTER, SAFE_METHODS, SIZED_FILTER, EveryName as _EveryName, Rewrite,
                           GROWS_BY_ARGUMENT, ScopedCalls, VALUE_ARGUMENTS, mutating_names, release_macros)


class RenderLimit(SecurityError):
    """A template went past its bounds: too much work, too large a value, too deep."""


class Limits(Record):  # a record, not a dataclass: building one cost every start ~0.5 ms
    """steps: work budget of one rendering; text: characters in any one text, the output
    included; items: items in any one list, mapping or range; argument: a number that
    makes text grow (a width, a repeat count)."""

    def __init__(self, steps: int, text: int, items: int, argument: int) -> None:
        self.__dict__.update(steps=steps, text=text, items=items, argument=argument)


# A `because` text is a sentence or two: the shipped ones take at most about 25 steps;
# the bounds end a runaway text in a small part of a second, even on a busy machine.
RULE_TEXT_LIMITS = Limits(steps=20_000, text=100_000, items=10_000, argument=10_000)
# A whole report: the largest shipped one (HTML, every hint and --all) takes about 11,000.
REPORT_LIMITS = Limits(steps=500_000, text=10_000_000, items=100_000, argument=10_000)

_BITS = 4096  # the largest integer a template may compute, in bits


def allow_methods(kind: type, *names: str) -> None:
    """Let templates call these methods of advise's own helper objects (e.g. TextLayout.wrap)."""
    SAFE_METHODS[kind] = SAFE_METHODS.get(kind, frozenset()) | frozenset(names)
    _HELPERS.add(kind)


_HELPERS: set[type] = set()  # their numeric arguments are sizes: bounded like a width
_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?")
_SAFE_ATTRIBUTES: dict[tuple[type, type, str, type], bool] = {}
_MUTATING = mutating_names()  # the names the immutable sandbox refuses (see advise.sandbox_code)


class _Budget:
    """What is left of one rendering's work budget. Every operation a template does costs
    from it: the charge is written out where it happens (`budget.left -= n`, then
    `_spent(budget)` below zero), as these run a few thousand times a report."""

    __slots__ = ("left", "limits", "text", "items")

    def __init__(self, limits: Limits):
        self.limits = limits
        self.left = limits.steps
        self.text = limits.text
        self.items = limits.items


class _NoBudget:
    """The budget outside `BoundedEnvironment.render`: any charge, any limit, is refused."""

    __slots__ = ()

    def _refuse(self, *_: Any) -> Any:
        raise SecurityError("a template was rendered outside advise's bounds")

    left = limits = text = items = property(_refuse, _refuse)


class _Local(threading.local):
    budget: _Budget | _NoBudget = _NoBudget()  # each thread starts outside any rendering


_local = _Local()


def _budget() -> _Budget:
    return _local.budget  # type: ignore[return-value]


def _spent(budget: _Budget) -> None:
    raise RenderLimit(f"the template does too much work (more than {budget.limits.steps:,} steps): "
                      "a loop or a recursion that does not end soon enough")


def _charge(cost: int = 1) -> _Budget:
    budget = _local.budget
    budget.left -= cost
    if budget.left < 0:
        _spent(budget)  # type: ignore[arg-type]
    return budget  # type: ignore[return-value]


def _size(value: Any) -> int:
    if isinstance(value, (str, list, tuple, dict, set, frozenset, range)):
        return len(value)
    return 0


_STRINGS = frozenset({str, Markup})
# A Macro whose instance marks nothing (see BoundedEnvironment.call); Macro's own
# __call__ takes the evaluation context (jinja2.pass_eval_context).
_MACRO_MARKS = frozenset({"unsafe_callable", "alters_data", "__call__", "jinja_pass_arg"})
_SIZED = (list, tuple, dict, set, frozenset, range)
_SCALARS = frozenset({bool, float, type(None)})  # neither sized nor iterable: nothing to check
_FUNCTION, _METHOD = types.FunctionType, types.MethodType  # BoundedEnvironment.call compares each call's type


def _checked(value: Any) -> Any:
    """`value`, charged for its size, if it is within the limits; iterators are bounded lazily."""
    kind = type(value)
    if kind in _STRINGS:  # most values: text, checked first
        budget = _local.budget
        if len(value) > budget.text:
            raise RenderLimit(f"a text of {len(value):,} characters is too long (at most {budget.text:,})")
        budget.left -= 1 + len(value) // 64
        if budget.left < 0:
            _spent(budget)  # type: ignore[arg-type]
    elif kind is int:  # then numbers, which cost nothing (and no ABC's isinstance below)
        if value.bit_length() > _BITS:
            raise RenderLimit(f"a number of {value.bit_length():,} bits is too large")
    elif kind in _SCALARS:
        pass
    elif isinstance(value, str):
        budget = _local.budget
        if len(value) > budget.text:
            raise RenderLimit(f"a text of {len(value):,} characters is too long (at most {budget.text:,})")
        _charge(1 + len(value) // 64)
    elif isinstance(value, _SIZED):
        budget = _local.budget
        if len(value) > budget.items:
            raise RenderLimit(f"a list of {len(value):,} items is too long (at most {budget.items:,})")
        _charge(1 + len(value) // 64)
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _BITS:
        raise RenderLimit(f"a number of {value.bit_length():,} bits is too large")
    elif isinstance(value, (types.GeneratorType, Iterator)) and not isinstance(value, (str, bytes)):
        return _bounded_iteration(value)
    return value


def _bounded_iteration(iterable: Any) -> Iterator[Any]:
    limit = _local.budget.items
    for count, item in enumerate(iterable, 1):
        if count > limit:
            raise RenderLimit(f"a loop over more than {limit:,} items is too long")
        budget = _local.budget  # the rendering consuming the items pays for them
        budget.left -= 1
        if budget.left < 0:
            _spent(budget)  # type: ignore[arg-type]
        yield item


def _check_argument(value: Any, what: str) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        limit = _local.budget.limits.argument
        if abs(value) > limit:
            raise RenderLimit(f"{what}: {value!r} is too large (at most {limit:,})")


def _check_printf(template: Any, values: Any) -> None:
    """`'%-12s' % x`, `'%-12s' | format(x)`: widths and precisions within the limit, none from `*`."""
    for match in _PRINTF_FIELD.finditer(str(template)):
        for part in match.groups():
            if part == "*":
                raise RenderLimit("a width or precision taken from the values ('*') is not allowed")
            if part is not None:
                _check_argument(int(part), "a width or precision")


def _projected_join(separator: Any, items: Any) -> None:
    limits = _budget().limits
    if isinstance(items, (list, tuple)):
        total = sum(len(str(item)) if isinstance(item, str) else 16 for item in items)
        total += len(str(separator)) * max(len(items) - 1, 0)
        if total > limits.text:
            raise RenderLimit(f"joining would make a text of {total:,} characters (at most {limits.text:,})")


def _projected_replace(text: Any, old: Any, new: Any) -> None:
    if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
        return
    limits = _budget().limits
    count = text.count(old) if old else len(text) + 1
    total = len(text) + count * (len(new) - len(old))
    if total > limits.text:
        raise RenderLimit(f"replacing would make a text of {total:,} characters (at most {limits.text:,})")


def _guard_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    skip = 1 + (1 if getattr(function, "jinja_pass_arg", None) is not None else 0)
    sizes = name not in VALUE_ARGUMENTS  # its other arguments are sizes: bounded
    projected = name in ("format", "join", "replace")
    what = f"the argument of the filter '{name}'"

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = _local.budget
        budget.left -= 1
        if budget.left < 0:
            _spent(budget)  # type: ignore[arg-type]
        if sizes and (kwargs or len(args) > skip):
            for argument in (*args[skip:], *kwargs.values()):
                _check_argument(argument, what)
        if not projected:
            return _checked(function(*args, **kwargs))
        value_args = args[skip - 1:]
        if name == "format" and value_args:
            _check_printf(value_args[0], value_args[1:])
        elif name == "join" and value_args:
            items = value_args[0]
            if not isinstance(items, (list, tuple)):
                items = list(_bounded_iteration(items))
                args = (*args[:skip - 1], items, *args[skip:])
            _projected_join(args[skip] if len(args) > skip else kwargs.get("d", ""), items)
        elif name == "replace" and len(value_args) >= 3:
            _projected_replace(str(value_args[0]), value_args[1], value_args[2])
        return _checked(function(*args, **kwargs))

    return guarded


# Jinja's own filters, guarded once for every environment (a report makes two: rule texts and
# templates): a guarded filter depends on its name and function alone.
_GUARDED_BUILTINS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {}


def _guarded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    if jinja2.filters.FILTERS.get(name) is not function:
        return _guard_filter(name, function)
    kept = _GUARDED_BUILTINS.get(name)
    if kept is None or kept[0] is not function:
        kept = _GUARDED_BUILTINS[name] = (function, _guard_filter(name, function))
    return kept[1]


def _loop(value: Any) -> Any:
    """Every `for` iterates through this (see _Rewrite).

    A list or tuple (most loops of a report: ~120 a report) is charged at once what
    _checked and then _bounded_iteration would charge it turn by turn, and is iterated as
    it is: a `for` runs to its end unless the rendering stops, and its length is known."""
    kind = type(value)
    if kind is list or kind is tuple:
        budget = _local.budget
        size = len(value)
        if size <= budget.items:  # else _checked below refuses it, with its message
            budget.left -= 1 + size // 64 + size
            if budget.left < 0:
                _spent(budget)  # type: ignore[arg-type]
            return value
    if isinstance(value, jinja2.Undefined):
        return value
    if isinstance(value, (list, tuple, str, range, set, frozenset)) or isinstance(value, Mapping):
        _checked(value)
    return _bounded_iteration(value)


_sized = _checked  # what `~` and every output go through (a name of its own, a frame less)


def _bounded_range(*args: int) -> range:
    for argument in args:
        if isinstance(argument, int) and argument.bit_length() > _BITS:
            raise RenderLimit("range() of a number too large")
    result = range(*args)
    _checked(result)
    return result


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with advise's allow-lists and bounds (see the module doc).

    `globals_`: the helpers advise hands in besides `range` and `namespace`; `filters`:
    advise's own filters (Jinja's allowed ones are added). Render only through `render`.
    """

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    code_generator_class = ScopedCalls

    def __init__(self, *, limits: Limits, filters: Mapping[str, Callable[..., Any]] | None = None,
                 globals_: Mapping[str, Any] | None = None, **options: Any):
        options.setdefault("finalize", _sized)
        super().__init__(**options)
        self.limits = limits
        self._safe_values: dict[str, dict[type, set[type]]] = {}  # getattr's: name -> object's type -> values'
        allowed = {name: function for name, function in self.filters.items() if name in BUILTIN_FILTERS}
        allowed.update(filters or {})
        self.filters = {name: _guarded(name, function) for name, function in allowed.items()}
        self.filters[LOOP_FILTER] = _loop
        self.filters[SIZED_FILTER] = _sized
        self.globals.clear()
        self.globals.update({"range": _bounded_range, "namespace": Namespace})
        self.globals.update(globals_ or {})

    # -- what a template may reach

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Every check below depends only on the types of obj and value and on the name: the
        # answer is remembered per (types, name), as a report asks the same a few hundred times.
        key = (type(self), type(obj), attr, type(value))
        known = _SAFE_ATTRIBUTES.get(key)
        if known is None:
            known = self._is_safe_attribute(obj, attr, value)
            if len(_SAFE_ATTRIBUTES) >= 4096:
                _SAFE_ATTRIBUTES.clear()
            _SAFE_ATTRIBUTES[key] = known
        return known

    def _is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr in _MUTATING:
            safe = super().is_safe_attribute(obj, attr, value)
        else:  # what the immutable sandbox adds (modifies_known_mutable) is false for any other name
            safe = SandboxedEnvironment.is_safe_attribute(self, obj, attr, value)
        if not safe:
            return False
        if isinstance(value, (types.ModuleType, type, types.CodeType, types.FrameType, types.FunctionType)):
            return False
        if isinstance(value, Macro):
            return True
        if callable(value):
            return any(isinstance(obj, kind) and attr in names for kind, names in SAFE_METHODS.items())
        return True

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is not among SAFE_METHODS: `format` (printf) is the filter

    # The four methods below run for every attribute, item, call and operator of a template:
    # the charge is written out in each, and Jinja's own steps too where they are short
    # (SandboxedEnvironment.getattr and .call, jinja2 3.1), to save calls, not checks.

    def getattr(self, obj: Any, attribute: str) -> Any:
        budget = _local.budget
        budget.left -= 1
        if budget.left < 0:
            _spent(budget)  # type: ignore[arg-type]
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                pass
        else:  # (wrap_str_format: always None here)
            by_owner = self._safe_values.get(attribute)  # (no tuple to build, as is_safe_attribute's key)
            if by_owner is not None:
                kinds = by_owner.get(type(obj))
                if kinds is not None and type(value) in kinds:
                    return value
            if not self.is_safe_attribute(obj, attribute, value):
                return self.unsafe_undefined(obj, attribute)
            if len(self._safe_values) >= 4096:  # bounded: memory stays flat
                self._safe_values = {}
            self._safe_values.setdefault(attribute, {}).setdefault(type(obj), set()).add(type(value))
            return value
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        budget = _local.budget
        budget.left -= 1
        if budget.left < 0:
            _spent(budget)  # type: ignore[arg-type]
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Jinja's own entry (code compiled elsewhere): the loop's and block's variables as keywords."""
        return __self.scoped_call(__context, kwargs.pop("_loop_vars", None), kwargs.pop("_block_vars", None),
                                  __obj, *args, **kwargs)

    def scoped_call(__self, __context: Any, __loop_vars: Any, __block_vars: Any, __obj: Any,  # noqa: N805
                    *args: Any, **kwargs: Any) -> Any:
        """A template's call (see advise.sandbox_code.ScopedCalls): `call` with the variables a loop or block sets
        given by position, not as keywords that every call of a loop would build and drop."""
        budget = _local.budget
        budget.left -= 1
        if budget.left < 0:
            _spent(budget)  # type: ignore[arg-type]
        kind = type(__obj)
        # What is_safe_callable and Context.call do, for the three kinds of callable a report
        # calls most, is only to look at marks (unsafe, alters_data, pass_*), attributes in
        # the function's __dict__ (a bound method reads them from its function); a Macro
        # takes the evaluation context. A template's macros and advise's plain functions are
        # bound to nothing: only methods need their owner looked at.
        if kind is _FUNCTION:
            plain = not __obj.__dict__
        elif kind is Macro:
            plain = __obj.__dict__.keys().isdisjoint(_MACRO_MARKS)  # looks up the 4 marks, not the ~10 keys
        else:
            owner = getattr(__obj, "__self__", None)
            if type(owner) in _HELPERS:  # TextLayout.wrap and the like: a number is a size
                for argument in (*args, *kwargs.values()):
                    _check_argument(argument, f"the argument of {getattr(__obj, '__name__', '')}()")
            elif owner is not None:
                name = getattr(__obj, "__name__", "")
                if isinstance(owner, str):
                    if name in GROWS_BY_ARGUMENT or name == "expandtabs":
                        for argument in (*args, *kwargs.values()):
                            _check_argument(argument, f"the argument of {name}()")
                    elif name == "join" and args:
                        items = args[0] if isinstance(args[0], (list, tuple)) else list(_bounded_iteration(args[0]))
                        _projected_join(owner, items)
                        args = (items, *args[1:])
                    elif name == "replace" and len(args) >= 2:
                        _projected_replace(owner, args[0], args[1])
            plain = kind is _METHOD and type(__obj.__func__) is _FUNCTION \
                and not __obj.__func__.__dict__
        if plain:
            try:
                result = __obj(*args, **kwargs) if kind is not Macro else __obj(__context.eval_ctx, *args, **kwargs)
            except StopIteration:
                result = __self.undefined("value was undefined because a callable raised a StopIteration exception")
        else:
            if not __self.is_safe_callable(__obj):
                raise SecurityError(f"{__obj!r} is not safely callable")
            if __loop_vars is not None:  # a pass_context callable sees them (jinja2.runtime.Context.call)
                kwargs["_loop_vars"] = __loop_vars
            if __block_vars is not None:
                kwargs["_block_vars"] = __block_vars
            result = __context.call(__obj, *args, **kwargs)
        if type(result) in _STRINGS:
            if len(result) > budget.text:
                return _checked(result)  # refused, with its message
            budget.left -= 1 + len(result) // 64
            if budget.left < 0:
                _spent(budget)  # type: ignore[arg-type]
            return result
        return _checked(result)

    def positional_call(__self, __context: Any, __loop_vars: Any, __block_vars: Any, __obj: Any,  # noqa: N805
                        *args: Any) -> Any:
        """scoped_call for arguments by position alone (most calls): what it does for a helper's plain
        method (wrap), a plain function (t) and a macro, without a dictionary of keywords; others go to it."""
        kind = type(__obj)
        if kind is _METHOD:
            function = __obj.__func__
            if type(__obj.__self__) not in _HELPERS or type(function) is not _FUNCTION or function.__dict__:
                return __self.scoped_call(__context, __loop_vars, __block_vars, __obj, *args)
        elif kind is _FUNCTION:
            if __obj.__dict__:
                return __self.scoped_call(__context, __loop_vars, __block_vars, __obj, *args)
        elif kind is not Macro or len(args) != __obj._argument_count or __obj.caller or __obj.catch_varargs \
                or __obj.catch_kwargs or __self.is_async or not __obj.__dict__.keys().isdisjoint(_MACRO_MARKS):
            return __self.scoped_call(__context, __loop_vars, __block_vars, __obj, *args)
        budget = _local.budget
        budget.left -= 1
        if budget.left < 0:
            _spent(budget)  # type: ignore[arg-type]
        try:
            if kind is _METHOD:  # a helper's numeric arguments are sizes, as in scoped_call
                for argument in args:
                    if type(argument) is not str and isinstance(argument, (int, float)) \
                            and abs(argument) > budget.limits.argument:
                        _check_argument(argument, f"the argument of {getattr(__obj, '__name__', '')}()")
                result = __obj(*args)
            elif kind is _FUNCTION:
                result = __obj(*args)
            else:
                result = __obj._func(*args)
                if __context.eval_ctx.autoescape:
                    result = Markup(result)
        except StopIteration:
            result = __self.undefined("value was undefined because a callable raised a StopIteration exception")
        if type(result) in _STRINGS:
            if len(result) > budget.text:
                return _checked(result)  # refused, with its message
            budget.left -= 1 + len(result) // 64
            if budget.left < 0:
                _spent(budget)  # type: ignore[arg-type]
            return result
        return _checked(result)

    @staticmethod
    def joined(pieces: tuple[Any, ...]) -> str:
        """`a ~ b ~ c` outside autoescaping (advise.sandbox_code.ScopedCalls): _sized(str_join(pieces)) in one
        call. Plain str pieces (most) joined as they are; any other (a number...) makes each go through str()."""
        for piece in pieces:
            if type(piece) is not str:
                text = "".join(map(str, pieces))
                break
        else:
            text = "".join(pieces)
        budget = _local.budget
        if len(text) > budget.text:
            return _checked(text)  # refused, with its message
        budget.left -= 1 + len(text) // 64
        if budget.left < 0:
            _spent(budget)  # type: ignore[arg-type]
        return text

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        budget = _local.budget
        budget.left -= 1
        if budget.left < 0:
            _spent(budget)  # type: ignore[arg-type]
        limits = self.limits
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) and not isinstance(count, bool):
                    limit = limits.text if isinstance(sequence, str) else limits.items
                    if len(sequence) * max(count, 0) > limit:
                        raise RenderLimit(f"repeating {len(sequence):,} items {count:,} times is too large "
                                          f"(at most {limit:,})")
            if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > _BITS:
                raise RenderLimit("a product of numbers too large")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1 \
                    and left.bit_length() * right > _BITS:
                raise RenderLimit(f"{left!r} ** {right!r} is too large")
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
                limit = limits.text if isinstance(left, str) else limits.items
                if len(left) + len(right) > limit:
                    raise RenderLimit(f"joining makes {len(left) + len(right):,} items (at most {limit:,})")
        elif operator == "%" and isinstance(left, str):
            _check_printf(left, right)
        return _checked(self.binop_table[operator](left, right))

    # -- parsing and rendering

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        try:
            tree = super()._parse(source, name, filename)
            return Rewrite().visit(tree)  # type: ignore[no-any-return]
        except RecursionError:
            raise jinja2.TemplateSyntaxError("the text nests too deeply", 1, name, filename) from None

    def render(self, template: jinja2.Template, variables: Mapping[str, Any], *, shared: bool = False) -> str:
        """`template` rendered with `variables`, within `self.limits`; RenderLimit past them.

        `shared`: the variables are the whole context already (see jinja2.Template.new_context)."""
        previous, context = _local.budget, template.new_context(dict(variables), shared=shared)
        budget = _local.budget = _Budget(self.limits)
        try:
            parts: list[str] = []
            keep, size, limit = parts.append, 0, self.limits.text  # (a report has ~200 parts)
            try:
                for part in template.root_render_func(context):
                    length = len(part)
                    size += length
                    if size > limit:
                        raise RenderLimit(f"the text is longer than {limit:,} characters")
                    budget.left -= 1 + length // 64
                    if budget.left < 0:
                        _spent(budget)
                    keep(part)
            except RecursionError:
                raise RenderLimit("a macro or an include calls itself too deeply") from None
            except MemoryError:
                raise RenderLimit("the template needs too much memory") from None
            except jinja2.TemplateError:
                raise
            except Exception as error:  # 1/0, 'a' - 1...: the text's fault, reported with its name
                raise jinja2.TemplateRuntimeError(f"{type(error).__name__}: {error}") from None
            return self.concat(parts)  # type: ignore[attr-defined,no-any-return]
        finally:
            _local.budget = previous
            release_macros(context)  # the report they hold is freed now, not by the cycle collector


def is_unsafe(error: BaseException) -> bool:
    """Whether a template error is the sandbox refusing something (bad input), not a slip."""
    return isinstance(error, SecurityError)


__all__ = ["BoundedEnvironment", "Limits", "RenderLimit", "REPORT_LIMITS", "RULE_TEXT_LIMITS", "SecurityError",
           "is_unsafe", "Markup"]
