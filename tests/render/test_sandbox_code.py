"""The sandbox's code generator (advise.sandbox_code.ScopedCalls) writes what Jinja's own writes,
with fewer steps: the same text, the same errors, every bound kept.

It relies on Jinja 3.1's code generator (visit_Output and its output helpers): the first test
fails loudly if another Jinja changes them, before the others compare any text.
"""

from __future__ import annotations

import inspect
from typing import Any

import jinja2
import pytest
from jinja2.compiler import CodeGenerator

from advise.records import replace
from advise.sandbox import REPORT_LIMITS, BoundedEnvironment, RenderLimit
from advise.sandbox_code import ScopedCalls


class _JinjasCode(BoundedEnvironment):
    """The same sandbox, with Jinja's own code generator."""

    code_generator_class = CodeGenerator


def test_the_parts_of_jinja_the_code_generator_relies_on_are_there() -> None:
    # Jinja 3.1: if one of these changes, ScopedCalls must be looked at again (not a timing test:
    # a statement of what it overrides and calls).
    for name, parameters in {"_output_child_pre": ["self", "node", "frame", "finalize"],
                             "_output_child_post": ["self", "node", "frame", "finalize"],
                             "_output_child_to_const": ["self", "node", "frame", "finalize"],
                             "_output_const_repr": ["self", "group"],
                             "_make_finalize": ["self"],
                             "visit_Output": ["self", "node", "frame"],
                             "visit_Call": ["self", "node", "frame", "forward_caller"]}.items():
        assert list(inspect.signature(getattr(CodeGenerator, name)).parameters) == parameters, name
    assert CodeGenerator._FinalizeInfo._fields == ("const", "src")
    source = inspect.getsource(CodeGenerator._output_child_pre) + inspect.getsource(CodeGenerator._output_child_post)
    assert "finalize.src" in source
    environment = BoundedEnvironment(limits=REPORT_LIMITS)
    code = environment.compile("{{ f(x) }}\n{{ x | upper }}!{{ x }}", raw=True)
    assert "yield environment.concat((" in code  # a value and the text after it: one piece
    assert "environment.finalize(environment.scoped_call(" not in code  # a call's value is checked once
    assert "str(environment.finalize((undefined(name=" in code  # any other value as before
    joined = environment.compile("{{ x ~ y }}{% set z = x ~ 1 %}", raw=True)
    assert "environment.joined((" in joined and "str_join((" not in joined  # `~`: joined and checked in one call
    escaped = BoundedEnvironment(limits=REPORT_LIMITS, autoescape=True).compile("{{ x ~ y }}", raw=True)
    assert "markup_join((" in escaped and "environment.joined" not in escaped  # autoescaped: Jinja's own


_SOURCES = [
    "plain text, no value",
    "{{ x }}",
    "a{{ x }}b{{ y }}c\n",
    "{{ f(x) }}\n{{ f(y) }}\n",
    "{{ x | upper }} and {{ x ~ y }}: {{ items | join(', ') }}.",
    "{% for i in items %}\n  - {{ i }} ({{ loop.index }}/{{ loop.length }})\n{% else %}none{% endfor %}\n",
    "{% macro m(a, b=2) %}[{{ a }}|{{ b }}]\n{% endmacro %}{{ m(1) }}{{ m(x, b=y) }}\n{{ m(3) }} end",
    "{% macro w(a) %}<{{ caller(a) }}>{% endmacro %}{% call(v) w(x) %}{{ v }}!{% endcall %}\n",
    "{% set n = namespace(s='') %}{% for i in items %}{% set n.s = n.s ~ i %}{% endfor %}{{ n.s }}\n",
    "{% if x %}<b>{{ x }}</b>{% else %}{{ y }}{% endif %}{{ '<' ~ x ~ '>' }}",
    "{{ 1 + 2 }} {{ 'a' * 3 }} {{ 7 // 2 }} {{ none }} {{ true }} {{ 3.5 }} {{ [1, 2] }} {{ {'k': 1} }}",
    "{{ f(x) }}{{ f(y) }}{{ 'const' }}{{ x }}",
    "{% filter upper %}in {{ x }} filter{% endfilter %}\n{{ gen() | list }}",
    "{% block b %}block {{ x }}\n{% endblock %}after {{ y }}",
    "{% raw %}{{ not a value }}{% endraw %}{{ x }}",
    "{{ x ~ y ~ none ~ 2.5 ~ true ~ items ~ '' }}|{% set s = y ~ x %}{{ s ~ s }}|{{ f(x ~ y) ~ (x ~ 1) | upper }}",
    "{% macro m(a) %}{{ a ~ '!' }}{% set b = a ~ a %}{{ b }}{% endmacro %}{{ m(x) ~ m(y) }}{% for i in items %}{{ i ~ loop.index }}{% endfor %}",
    "{% autoescape true %}{{ x ~ y }}{% endautoescape %}{% autoescape false %}{{ x ~ y }}{% endautoescape %}{{ x ~ y }}",
]


def _variables() -> dict[str, Any]:
    return {"x": "<x&>", "y": 42, "items": ["a", "<b>", "c"], "f": lambda value: f"f({value})",
            "gen": lambda: (n for n in range(3))}


@pytest.mark.parametrize("autoescape", [False, True])
@pytest.mark.parametrize("source", _SOURCES)
def test_a_template_gives_what_jinjas_own_code_gives(source: str, autoescape: bool) -> None:
    ours = BoundedEnvironment(limits=REPORT_LIMITS, autoescape=autoescape)
    jinjas = _JinjasCode(limits=REPORT_LIMITS, autoescape=autoescape)
    assert ours.render(ours.from_string(source), _variables()) == jinjas.render(jinjas.from_string(source), _variables())


def test_templates_that_extend_and_include_give_what_jinjas_own_code_gives() -> None:
    templates = {"base": "head {{ x }}\n{% block body %}base body{% endblock %}\nfoot {{ y }}\n",
                 "child": "{% extends 'base' %}{% block body %}child {{ x }}\n{{ super() }}{% endblock %}ignored {{ x }}",
                 "outer": "{% include 'child' %}{% from 'macros' import m %}{{ m(x) }}\n",
                 "macros": "{% macro m(a) %}({{ a }}){% endmacro %}"}
    texts = []
    for kind in (BoundedEnvironment, _JinjasCode):
        environment = kind(limits=REPORT_LIMITS, loader=jinja2.DictLoader(templates), keep_trailing_newline=True)
        texts.append(environment.render(environment.get_template("outer"), _variables()))
    assert texts[0] == texts[1] == "head <x&>\nchild <x&>\nbase body\nfoot 42\n(<x&>)\n"


@pytest.mark.parametrize("source", ["{{ x }}", "{{ f(x) }}", "{{ x ~ x }}", "{{ x | upper }}"])
def test_an_undefined_value_is_the_same_error(source: str) -> None:
    for kind in (BoundedEnvironment, _JinjasCode):
        environment = kind(limits=REPORT_LIMITS, undefined=jinja2.StrictUndefined)
        with pytest.raises(jinja2.UndefinedError):
            environment.render(environment.from_string(source), {"f": lambda value: value})


def test_a_call_or_filter_output_is_still_bounded() -> None:
    small = replace(REPORT_LIMITS, text=1_000)
    environment = BoundedEnvironment(limits=small)
    for source in ("{{ f() }}\n", "{{ x | upper }}\n", "{{ x ~ '' }}\n", "a{{ f() }}b"):
        with pytest.raises(RenderLimit, match="too long|longer than"):
            environment.render(environment.from_string(source), {"f": lambda: "y" * 1_001, "x": "y" * 1_001})
    # A template that repeats a value up to the limit: refused as the whole text grows past it,
    # whether the values and the text around them are one piece or several.
    for source in ("{{ f() }}\n" * 3, "{{ f() }}{{ f() }}{{ f() }}", "{% for i in range(3) %}{{ f() }}\n{% endfor %}"):
        with pytest.raises(RenderLimit, match="longer than 1,000"):
            environment.render(environment.from_string(source), {"f": lambda: "y" * 400})
    # A call giving an iterator: bounded as it is read, as before.
    with pytest.raises(RenderLimit):
        environment.render(environment.from_string("{{ f() | list }}"), {"f": lambda: iter(range(10**6))})


@pytest.mark.parametrize("source", ["{{ x ~ y }}", "{% set s = x ~ x ~ x %}", "{% for i in range(50) %}{{ x ~ i ~ y }}{% endfor %}",
                                    "{{ (x * 40) ~ (x * 40) }}", "{% macro m(a) %}{{ a ~ a }}{% endmacro %}{{ m(x) }}"])
def test_joining_costs_the_steps_it_cost(source: str) -> None:
    # `~` (BoundedEnvironment.joined) charges what str_join, then the SIZED_FILTER, charged.
    import advise.sandbox as sandbox

    class _SeparateJoin(ScopedCalls):
        visit_Filter = CodeGenerator.visit_Filter

    class _SeparateJoinCode(BoundedEnvironment):
        code_generator_class = _SeparateJoin

    left = []
    for kind in (BoundedEnvironment, _SeparateJoinCode):
        environment = kind(limits=REPORT_LIMITS)
        environment.render(environment.from_string(source + "{{ left() }}"),
                           {"x": "<x&>", "y": 42, "left": lambda: left.append(sandbox._local.budget.left) or ""})
    assert left[0] == left[1] < REPORT_LIMITS.steps


def test_outputs_still_cost_steps() -> None:
    # Each call and each piece of output costs steps: a loop of calls and outputs stops in a
    # budget a loop without them fits in.
    source = "{% for i in range(400) %}{{ f(i) }}\n{% endfor %}"
    environment = BoundedEnvironment(limits=replace(REPORT_LIMITS, steps=1_000))
    with pytest.raises(RenderLimit, match="too much work"):
        environment.render(environment.from_string(source), {"f": str})
    environment.render(environment.from_string("{% for i in range(400) %}{% endfor %}"), {})
