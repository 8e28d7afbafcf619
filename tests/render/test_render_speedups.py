"""The rendering speed-ups give what the slower code they stand for gives, and keep every bound.

The sandbox calls plain functions, macros and plain bound methods without Jinja's generic
`Context.call`: a method marked unsafe, or asking for the environment, still goes the long
way. t() is made once per format and language and remembers its texts: a renderer given
other messages uses them. The no-break spaces of an HTML or Markdown report are added piece
by piece, remembered: the same text as one regular expression over the whole report.
"""

from __future__ import annotations

import html
import random
import re
from typing import Any

import jinja2
import pytest
from markupsafe import Markup
from hypothesis import given, settings
from hypothesis import strategies as st

from advise.explain.wording import typography
from advise.kept import TwoGenerations
from advise.records import replace
from advise.render import renderer as render
from advise.render.renderer import Renderer
from advise.sandbox import REPORT_LIMITS, BoundedEnvironment, RenderLimit, SecurityError, allow_methods

from conftest import ROOT


class _Helper:
    """A helper object a template may call methods of (as TextLayout's wrap and bullet)."""

    def pad(self, text: str, width: int) -> str:
        return text + "." * width

    @jinja2.pass_environment
    def sandboxed(self, environment: Any) -> str:
        return f"sandboxed={environment.sandboxed}"

    def forbidden(self) -> str:
        return "ran"

    forbidden.unsafe_callable = True  # type: ignore[attr-defined]

    def changes(self) -> str:
        return "ran"

    changes.alters_data = True  # type: ignore[attr-defined]


allow_methods(_Helper, "pad", "sandboxed", "forbidden", "changes")


def _render(source: str, **variables: Any) -> str:
    environment = BoundedEnvironment(limits=REPORT_LIMITS)
    return environment.render(environment.from_string(source), variables)


def test_a_plain_method_is_called_with_its_arguments_and_its_sizes_bounded() -> None:
    assert _render("{{ h.pad('x', 3) }}|{{ h.pad(text='y', width=2) }}", h=_Helper()) == "x...|y.."
    with pytest.raises(RenderLimit, match="the argument of pad"):
        _render("{{ h.pad('x', 10 ** 6) }}", h=_Helper())
    with pytest.raises(RenderLimit, match="the argument of pad"):
        _render("{{ h.pad('x', width=10 ** 6) }}", h=_Helper())
    with pytest.raises(RenderLimit, match="the argument of pad"):
        _render("{{ h.pad('x', -10 ** 6) }}", h=_Helper())
    with pytest.raises(RenderLimit, match="the argument of pad"):
        _render("{{ h.pad('x', 1e7) }}", h=_Helper())
    assert _render("{{ h.pad('x', True) }}", h=_Helper()) == "x."  # a yes/no is not a size


def test_a_method_asking_for_the_environment_gets_it() -> None:
    assert _render("{{ h.sandboxed() }}", h=_Helper()) == "sandboxed=True"


@pytest.mark.parametrize("method", ["forbidden", "changes"])
def test_a_method_marked_unsafe_is_still_refused(method: str) -> None:
    with pytest.raises(SecurityError, match="not safely callable"):
        _render("{{ h.%s() }}" % method, h=_Helper())


def test_calls_in_a_loop_are_still_charged() -> None:
    environment = BoundedEnvironment(limits=replace(REPORT_LIMITS, steps=2_000))
    template = environment.from_string("{% for i in range(5000) %}{{ h.pad('', 0) }}{% endfor %}")
    with pytest.raises(RenderLimit, match="too much work"):
        environment.render(template, {"h": _Helper()})


_SCOPES = """\
{%- macro m(a, b=2) %}[{{ a }}{{ b }}{{ kwargs | dictsort | join(",") }}]{% endmacro -%}
{%- for x in [1, 2] %}{% set y = x * 10 %}{{ seen() }}{{ keys(a=x) }}{{ m(x) }}{{ m(x, k=y) }}{{ 'ab'.upper() }}
{%- for z in [3] %}{% set w = z %}{{ seen() }}{{ keys(z) }}{% endfor %}{% endfor %}
{{ seen() }}{{ keys() }}{% call(v) m(1) %}{{ v }}{% endcall %}
{%- block b %}{% set y = 7 %}{{ seen() }}{{ keys(y=y) }}{% endblock %}"""


@jinja2.pass_context
def _seen(context: Any) -> str:
    """What a callable taking the context sees of the variables a loop or block sets."""
    return "<%s>" % ",".join(f"{name}={context.get(name)}" for name in ("x", "y", "w") if name in context)


@pytest.mark.parametrize("autoescape", [False, True])
def test_a_call_in_a_loop_or_block_behaves_as_jinjas_call(autoescape: bool) -> None:
    # advise's code passes the variables a loop or block sets by position (scoped_call); a plain
    # callable never sees them, one taking the context does, as with Jinja's own code.
    from jinja2.compiler import CodeGenerator

    class _JinjasCode(BoundedEnvironment):
        code_generator_class = CodeGenerator

    helpers = {"seen": _seen, "keys": lambda *args, **kwargs: f"{args}{sorted(kwargs)}"}
    ours = BoundedEnvironment(limits=REPORT_LIMITS, autoescape=autoescape, globals_=helpers)
    jinjas = _JinjasCode(limits=REPORT_LIMITS, autoescape=autoescape, globals_=helpers)
    assert "scoped_call(context, _loop_vars, None, " in ours.compile(_SCOPES, raw=True)
    assert "_loop_vars=" not in ours.compile(_SCOPES, raw=True)
    text = ours.render(ours.from_string(_SCOPES), {})
    assert text == jinjas.render(jinjas.from_string(_SCOPES), {})
    text = html.unescape(text)
    assert text.startswith("<y=10>()['a'][12][12('k', 10)]AB<w=3>(3,)[]<y=20>()['a']")  # the loop's own `set`s
    assert text.endswith("<>()[][12('caller', <Macro anonymous>)]<y=7>()['y']")  # then the block's
    with pytest.raises(SecurityError, match="not safely callable"):  # and what is refused still is
        ours.render(ours.from_string("{% for x in [1] %}{{ h.forbidden() }}{% endfor %}"), {"h": _Helper()})


class _Items(list):  # type: ignore[type-arg]
    """A list that is not exactly a list: its loop takes the general path, turn by turn."""


def _fewest_steps(source: str, **variables: Any) -> int:
    """The smallest step budget within which `source` renders (bisection)."""
    low, high = 0, 100_000
    while low < high:
        middle = (low + high) // 2
        environment = BoundedEnvironment(limits=replace(REPORT_LIMITS, steps=middle))
        try:
            environment.render(environment.from_string(source), variables)
        except RenderLimit:
            low = middle + 1
        else:
            high = middle
    return low


@pytest.mark.parametrize("size", [0, 1, 2, 63, 64, 65, 130, 1000])
def test_a_loop_over_a_list_costs_what_the_same_loop_turn_by_turn_costs(size: int) -> None:
    items = [f"item {n}" for n in range(size)]
    for source in ("{% for x in items %}{{ x }},{% endfor %}",
                   "{% for x in items if x.endswith('1') %}{{ loop.index }}{% else %}none{% endfor %}"):
        slow = _fewest_steps(source, items=_Items(items))
        assert _fewest_steps(source, items=items) == slow
        assert _fewest_steps(source, items=tuple(items)) == slow
        assert _render(source, items=items) == _render(source, items=_Items(items)) == _render(source, items=tuple(items))


def test_a_loop_over_too_long_a_list_is_still_refused() -> None:
    with pytest.raises(RenderLimit, match="a list of 100,001 items is too long"):
        _render("{% for x in items %}{% endfor %}", items=[0] * 100_001)
    environment = BoundedEnvironment(limits=replace(REPORT_LIMITS, steps=5_000))
    with pytest.raises(RenderLimit, match="too much work"):
        environment.render(environment.from_string("{% for x in items %}{% endfor %}"), {"items": [0] * 6_000})


def test_t_is_made_once_and_follows_the_messages() -> None:
    renderer = Renderer(ROOT / "explanations")
    t = renderer.words("text", "fr")
    assert renderer.words("text", "fr") is t
    assert t("colon") == typography(renderer.messages["colon"]["fr"], "fr")
    assert t("colon") == t("colon")
    renderer.messages = {**renderer.messages, "colon": {"en": " -> ", "fr": " => "}}
    assert renderer.words("text", "fr")("colon") == " => "
    with pytest.raises(jinja2.TemplateRuntimeError, match="unknown message 'no_such_key'"):
        renderer.words("text", "fr")("no_such_key")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_t_gives_what_the_message_and_its_parameters_give(fmt: str, lang: str) -> None:
    renderer = Renderer(ROOT / "explanations")
    t = renderer.words(fmt, lang)
    for key, texts in renderer.messages.items():
        text = texts[lang]
        if isinstance(text, dict):
            for count, form in ((1, "one"), (5, "other")):
                expected = typography(text[form], lang).replace("{count}", str(count))
                if fmt == "html":
                    assert str(t(key, count=count)) == str(jinja2.utils.markupsafe.escape(
                        typography(text[form], lang))).replace("{count}", str(count))
                else:
                    assert t(key, count=count) == expected
        else:
            expected = typography(text, lang)
            if fmt == "html":
                expected = str(jinja2.utils.markupsafe.escape(expected))
            assert str(t(key)) == expected
            assert str(t(key)) == expected  # remembered: the same again


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_t_in_html_escapes_its_values_as_markups_replace_does(lang: str) -> None:
    renderer = Renderer(ROOT / "explanations")
    t, messages = renderer.words("html", lang), renderer.messages
    escape = jinja2.utils.markupsafe.escape
    values = ["<b>bold</b> & 'quotes' \"too\"", Markup("<em>kept</em>"), 3, 2.5, "{value}", "{n}", "", None, "é « x »"]
    for key in ("given_by", "takes_hours", "action_because", "hint_more_verdict"):
        names = re.findall(r"\{(\w+)\}", messages[key][lang])
        for first in values:
            for second in values:
                params = dict(zip(names, [first, second, first]))
                # the code this replaces: Markup.replace, one name after the other
                expected = escape(typography(messages[key][lang], lang))
                for name, value in params.items():
                    expected = Markup(expected.replace("{" + name + "}", escape(value)))
                assert t(key, **params) == expected and type(t(key, **params)) is Markup


def _typeset_reference(text: str, fmt: str, lang: str) -> str:
    """The code the piecewise typesetting replaces."""
    if fmt == "markdown":
        return "\n".join(typography(line, lang) for line in text.split("\n"))
    return re.sub(render._HTML_TEXT, lambda match: match.group(1) or typography(match.group(2), lang), text,
                  flags=re.DOTALL)


_PIECES = ["<p>", "</p>", "<style>a { b: c; } p > q {}</style>", "<a href='x y'>", "10 000", "5 h", "3 %",
           " : ", " ; ", " !", "« ", " »", "<", ">", " ", "\n", "x", "s. d.", "12 k€", "word", "<b >"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.sampled_from(["en", "fr"]),
       st.sampled_from(["html", "markdown"]))
def test_typesetting_piece_by_piece_gives_the_whole_reports_text(parts: list[str], lang: str, fmt: str) -> None:
    text = "".join(parts)
    assert render.typeset(text, fmt, lang) == _typeset_reference(text, fmt, lang)
    assert render.typeset(text, fmt, lang) == _typeset_reference(text, fmt, lang)  # remembered


def test_typesetting_the_shipped_reports_gives_the_same_text() -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "tests" / "golden").rglob("*"))
             if path.is_file() and path.suffix in (".html", ".md")]
    assert texts
    for text in texts:
        for lang in ("en", "fr"):
            for fmt in ("html", "markdown"):
                assert render.typeset(text, fmt, lang) == _typeset_reference(text, fmt, lang)


def test_the_typesetting_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "_TYPESET", TwoGenerations(50))
    generator = random.Random(16)
    for _ in range(500):
        line = f"{generator.randrange(10 ** 6)} h : « x »"
        assert render.typeset(line, "markdown", "fr") == typography(line, "fr")
        assert len(render._TYPESET.newer) <= 50
    assert re.search(r"\d", next(iter(render._TYPESET.newer))[0])


def test_the_typesetting_memory_keeps_what_every_report_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "_TYPESET", TwoGenerations(50))
    made: list[str] = []
    monkeypatch.setattr(render, "typography", lambda text, lang: made.append(text) or typography(text, lang))
    for n in range(500):
        for line in ("la même phrase : « x »", f"{n} h : « x »"):
            assert render.typeset(line, "markdown", "fr") == typography(line, "fr")
        assert len(render._TYPESET.newer) <= 50 and len(render._TYPESET.older) <= 50
    assert made.count("la même phrase : « x »") == 1 and len(made) == 501


def test_values_are_checked_whatever_their_type() -> None:
    """Text and lists are charged, numbers bounded, iterators bounded lazily; plain
    numbers, truth values and None pass as they are (checked first, as the commonest)."""
    helpers = {"big": lambda: 2 ** 5000, "flag": lambda: True, "nothing": lambda: None, "half": lambda: 0.5,
               "count": lambda n: iter(range(n)), "subclass": lambda: type("Big", (int,), {})(2 ** 5000)}
    environment = BoundedEnvironment(limits=replace(REPORT_LIMITS, items=100), globals_=helpers)

    def render(source: str) -> str:
        return environment.render(environment.from_string(source), {})

    assert render("{{ flag() }} {{ nothing() }} {{ half() }} {{ 7 | abs }}") == "True None 0.5 7"
    assert render("{{ count(3) | join(',') }}") == "0,1,2"
    for source in ("{{ big() }}", "{{ subclass() }}", "{{ count(10 ** 6) | list }}"):
        with pytest.raises(RenderLimit):
            render(source)


@pytest.mark.parametrize("autoescape", [False, True])
def test_a_macro_called_by_position_gives_what_jinjas_macro_call_gives(autoescape: bool) -> None:
    source = """\
{%- macro pair(a, b) %}[{{ a }}|{{ b }}]{% endmacro -%}
{%- macro defaults(a, b="B") %}[{{ a }}|{{ b }}]{% endmacro -%}
{%- macro rest(a) %}[{{ a }}|{{ varargs | join(",") }}|{{ kwargs | dictsort | join(",") }}]{% endmacro -%}
{%- macro wrapped(a) %}<{{ caller(a) }}>{% endmacro -%}
{{ pair("<x>", 1) }} {{ pair(a="<x>", b=2) }} {{ pair("<x>", b=3) }} {{ defaults("<x>") }} {{ defaults("<x>", "<y>") }}
{{ rest(1) }} {{ rest(1, 2, 3) }} {{ rest(1, k=4) }}
{% call(v) wrapped("<z>") %}{{ v }}!{% endcall %}
{% for i in range(2) %}{{ pair(i, loop.index) }}{% endfor %}"""
    sandboxed = BoundedEnvironment(limits=REPORT_LIMITS, autoescape=autoescape)
    plain = jinja2.Environment(autoescape=autoescape)
    assert sandboxed.render(sandboxed.from_string(source), {}) == plain.from_string(source).render()
    with pytest.raises(jinja2.TemplateRuntimeError, match="takes not more than 2 argument"):
        sandboxed.render(sandboxed.from_string(source + "{{ pair(1, 2, 3) }}"), {})
    with pytest.raises(jinja2.TemplateRuntimeError, match="no keyword argument .c."):
        sandboxed.render(sandboxed.from_string(source + "{{ pair(1, 2, c=3) }}"), {})


@pytest.mark.parametrize("mark", ["unsafe_callable", "alters_data"])
def test_a_macro_marked_unsafe_is_refused(mark: str) -> None:
    # The fast path takes a macro whose instance carries none of the marks; one that carries
    # one goes to the sandbox's own check, which refuses it.
    environment = BoundedEnvironment(limits=REPORT_LIMITS)
    module = environment.from_string("{% macro m() %}x{% endmacro %}").module
    macro = module.m
    assert environment.render(environment.from_string("{{ m() }}"), {"m": macro}) == "x"
    setattr(macro, mark, True)
    with pytest.raises(SecurityError, match="not safely callable"):
        environment.render(environment.from_string("{{ m() }}"), {"m": macro})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.integers(-5, 500), st.text(max_size=6)), max_size=5), st.sampled_from(["en", "fr"]))
def test_lists_are_worded_as_babel_words_them(items: list[Any], lang: str) -> None:
    from babel.lists import format_list

    from advise.explain import wording

    texts = [str(item) for item in items]
    expected = format_list(texts, style="standard", locale=wording.locale(lang)) if texts else wording._NOTHING[lang]
    assert wording.join_and(items, lang) == expected
    assert wording.join_and(items, lang) == expected  # remembered: the same again


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab *_[]<>#|~&!`\\{}\n\r\u2028é ")), max_size=300))
def test_markdown_escaping_remembered_gives_what_escaping_gives(text: str) -> None:
    expected = re.sub(r"([\\`*_{}\[\]<>#|~&!])", r"\\\1", " ".join(text.splitlines()))
    assert render.escape_markdown(text) == expected
    assert render.escape_markdown(text) == expected  # remembered (when short): the same again
    assert render.escape_markdown(render.MarkdownText(text)) == expected


def test_the_markdown_escaping_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "_ESCAPED", {})
    for number in range(10_000):
        render.escape_markdown(f"value *{number}*")
        assert len(render._ESCAPED) <= 4096
    render.escape_markdown("x" * 10_000)
    assert "x" * 10_000 not in render._ESCAPED  # long texts are not kept



def test_attributes_are_judged_as_jinjas_immutable_sandbox_judges_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """BoundedEnvironment skips the immutable sandbox's checks against mutable containers for
    names no container method has (advise.sandbox._MUTATING): every answer is the one it
    gives when it asks the immutable sandbox about every name."""
    import collections
    import collections.abc

    from advise import sandbox
    from advise.explain.model import Premise

    class Shelf(collections.abc.MutableMapping):  # a mutable mapping of its own: the ABC decides
        def __getitem__(self, key: Any) -> Any:
            return key

        def __setitem__(self, key: Any, value: Any) -> None:
            pass

        def __delitem__(self, key: Any) -> None:
            pass

        def __iter__(self) -> Any:
            return iter(())

        def __len__(self) -> int:
            return 0

    environment = sandbox.BoundedEnvironment(limits=sandbox.REPORT_LIMITS)
    premise = Premise("a", "A", 1, "1", from_sheet=True)
    objects = [{}, [], set(), collections.deque(), Shelf(), "text", premise, (1,), frozenset(), 3, len, Shelf]
    names = sorted(sandbox._MUTATING) + ["keys", "items", "get", "index", "upper", "label", "value", "_private",
                                         "__class__", "mro", "name", "format", "count"]
    assert {"append", "pop", "update", "clear"} <= set(names)

    def answers() -> list[bool]:
        return [environment._is_safe_attribute(obj, name, getattr(obj, name, None)) for obj in objects for name in names]

    fast = answers()
    monkeypatch.setattr(sandbox, "_MUTATING", sandbox._EveryName())
    assert answers() == fast
    assert not all(fast) and any(fast)


def test_jinjas_filters_are_guarded_once_for_every_environment() -> None:
    """advise.sandbox._guarded: an environment's guarded Jinja filter is the one every other
    environment has (it depends on its name and function alone); a filter of advise's, or one
    given under a Jinja filter's name, is guarded for its environment, and all are bounded."""
    import jinja2.filters

    from advise import sandbox

    def mine(value: Any) -> str:
        return f"<{value}>"

    first = sandbox.BoundedEnvironment(limits=sandbox.REPORT_LIMITS, filters={"mine": mine})
    second = sandbox.BoundedEnvironment(limits=sandbox.REPORT_LIMITS, filters={"mine": mine, "upper": mine})
    assert first.filters["lower"] is second.filters["lower"] and first.filters["lower"].__wrapped__ is \
        jinja2.filters.FILTERS["lower"]
    assert first.filters["mine"] is not second.filters["mine"]
    assert second.filters["upper"].__wrapped__ is mine and first.filters["upper"] is not second.filters["upper"]
    template = "{{ 'a' | upper }}{{ 'B' | lower }}{{ 1 | mine }}"
    assert first.render(first.from_string(template), {}) == "Ab<1>"
    assert second.render(second.from_string(template), {}) == "<a>b<1>"
    with pytest.raises(sandbox.RenderLimit):
        first.render(first.from_string("{{ 'x' | center(10 ** 9) }}"), {})


def _join_reference(items: list[Any], lang: str) -> str:
    """advise.explain.wording._join as it was before its path for lists of str and int alone."""
    from markupsafe import escape

    from advise.explain import wording

    if any(isinstance(item, Markup) for item in items):
        parts = [str(escape(item)) for item in items]
        return Markup(wording._listed(tuple(parts), "standard", lang)) if parts \
            else Markup(escape(wording._NOTHING[lang]))
    texts = [str(item) for item in items]
    return wording._listed(tuple(texts), "standard", lang) if texts else wording._NOTHING[lang]


class _Name(str):
    def __str__(self) -> str:
        return "named " + str.__str__(self)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(-5, 50), st.sampled_from(["1", "a<b", "", "1.0", "True"]), st.booleans(),
                          st.sampled_from([1.0, 2.5, -0.0]), st.sampled_from([Markup("<a>1</a>"), _Name("x")])),
                max_size=4), st.sampled_from(["en", "fr"]))
def test_a_list_of_numbers_and_names_is_worded_as_any_list(items: list[Any], lang: str) -> None:
    # join_and remembers lists of str and int (step numbers, names) by their items: 1, True and
    # 1.0 are equal but not the same text, a Markup item is HTML, a str subclass has its own text.
    from advise.explain import wording

    for _ in range(2):
        shown = wording.join_and(items, lang)
        expected = _join_reference(items, lang)
        assert shown == expected and type(shown) is type(expected)
        assert wording.join_and(tuple(items), lang) == expected


class _Shown(str):
    """A text whose str() is not its characters: `~` writes str() of it, as Jinja does."""

    def __str__(self) -> str:
        return "shown"


@pytest.mark.parametrize("source", ["{{ a ~ b ~ ' = ' ~ c }}", "{{ a ~ n ~ b }}", "{{ s ~ a }}|{{ a ~ s }}",
                                    "{{ e ~ a }}", "{{ m ~ a ~ m }}", "{% set x = a ~ f ~ none ~ 2.5 %}{{ x }}",
                                    "{{ '' ~ '' }}", "{{ items ~ a }}"])
def test_joining_plain_texts_or_others_gives_what_jinjas_code_gives(source: str) -> None:
    # BoundedEnvironment.joined joins plain str pieces as they are, any other through str().
    import enum

    from jinja2.compiler import CodeGenerator

    class _JinjasCode(BoundedEnvironment):
        code_generator_class = CodeGenerator

    colour = enum.Enum("Colour", {"RED": "red"}, type=str)
    variables = {"a": "é<a>", "b": "", "c": "c" * 70, "n": 3, "s": _Shown("raw"), "e": colour.RED,
                 "m": Markup("<b>"), "f": 1.5, "items": ["x", 1]}
    ours, jinjas = BoundedEnvironment(limits=REPORT_LIMITS), _JinjasCode(limits=REPORT_LIMITS)
    assert ours.render(ours.from_string(source), variables) == jinjas.render(jinjas.from_string(source), variables)


@jinja2.pass_context
def _context_name(context: Any, name: str) -> str:
    return f"{name}={context.get(name)}"


class _Callable:
    def __call__(self, *args: Any) -> str:
        return f"called{args}"


def _stops() -> str:
    raise StopIteration


_POSITIONAL = """\
{%- macro pair(a, b) %}[{{ a }}|{{ b }}]{% endmacro -%}
{%- macro defaults(a, b="B") %}[{{ a }}|{{ b }}]{% endmacro -%}
{%- macro rest(a) %}[{{ a }}|{{ varargs | join(",") }}]{% endmacro -%}
{{ h.pad("<x>", 2) }} {{ f("<y>") }} {{ ctx("v") }} {{ obj(1, "2") }} {{ "<a>".upper() }} {{ ", ".join(items) }}
{{ pair("<x>", 1) }} {{ defaults("<x>") }} {{ rest(1, 2, 3) }} {{ stops() is undefined }} {{ len(items) }}
{% for i in items %}{% set v = i %}{{ h.pad(i, 1) }}{{ ctx("v") }}{{ pair(i, loop.index) }}{% endfor %}"""


class _NoPositional(BoundedEnvironment):
    """The sandbox, every call through scoped_call."""

    def positional_call(__self, __context: Any, __loop_vars: Any, __block_vars: Any, __obj: Any,  # noqa: N805
                        *args: Any) -> Any:
        return __self.scoped_call(__context, __loop_vars, __block_vars, __obj, *args)


@pytest.mark.parametrize("autoescape", [False, True])
def test_a_call_by_position_gives_and_costs_what_scoped_call_gives(autoescape: bool) -> None:
    # positional_call (arguments by position alone) takes helpers' plain methods, plain functions
    # and macros given all their arguments at once; every other callable goes to scoped_call.
    from advise import sandbox

    left = []
    variables = {"h": _Helper(), "f": lambda text: f"f({text})", "ctx": _context_name, "obj": _Callable(),
                 "items": ["<i>", "j"], "stops": _stops, "len": len, "v": "top",
                 "left": lambda: left.append(sandbox._local.budget.left) or ""}
    texts = []
    for kind in (BoundedEnvironment, _NoPositional):
        environment = kind(limits=REPORT_LIMITS, autoescape=autoescape)
        texts.append(environment.render(environment.from_string(_POSITIONAL + "{{ left() }}"), variables))
    assert "environment.positional_call(" in BoundedEnvironment(limits=REPORT_LIMITS).compile(_POSITIONAL, raw=True)
    assert texts[0] == texts[1]
    assert left[0] == left[1] < REPORT_LIMITS.steps
    text = html.unescape(texts[0])
    assert "<x>.. f(<y>) v=top called(1, '2') <A> <i>, j\n[<x>|1] [<x>|B] [1|2,3] True 2\n" in text
    assert "v=<i>" in text and "[j|2]" in text  # in the loop, a callable taking the context sees its `set`


def test_a_call_by_position_keeps_every_check() -> None:
    with pytest.raises(RenderLimit, match="the argument of pad"):
        _render("{% for i in [1] %}{{ h.pad('x', 10 ** 6) }}{% endfor %}", h=_Helper())
    with pytest.raises(RenderLimit, match="joining would make"):
        _render("{{ (('x' * 9000) ~ ',').join(items) }}", items=["a"] * 2000)
    for method in ("forbidden", "changes"):
        with pytest.raises(SecurityError, match="not safely callable"):
            _render("{{ h.%s() }}" % method, h=_Helper())
    marked = lambda: "ran"  # noqa: E731
    marked.unsafe_callable = True  # type: ignore[attr-defined]
    with pytest.raises(SecurityError, match="not safely callable"):
        _render("{{ f() }}", f=marked)
    with pytest.raises(jinja2.TemplateRuntimeError, match="takes not more than 2 argument"):
        _render("{% macro pair(a, b) %}{% endmacro %}{{ pair(1, 2, 3) }}")
    environment = BoundedEnvironment(limits=replace(REPORT_LIMITS, steps=1_000))
    with pytest.raises(RenderLimit, match="too much work"):
        environment.render(environment.from_string("{% for i in range(900) %}{{ f(i) }}{% endfor %}"), {"f": str})


def test_an_attribute_read_again_is_judged_again_by_its_value() -> None:
    # getattr remembers the value types found safe for a name and an object's type: a value of
    # another type is judged afresh (a function where a text was is refused), and the memory is bounded.
    import os

    class Box:
        pass

    box = Box()
    environment = BoundedEnvironment(limits=REPORT_LIMITS, undefined=jinja2.StrictUndefined)
    template = environment.from_string("{{ b.v }}")
    box.v = "text"  # type: ignore[attr-defined]
    assert environment.render(template, {"b": box}) == "text"
    box.v = os.getcwd  # type: ignore[attr-defined]
    with pytest.raises(SecurityError):
        environment.render(template, {"b": box})
    box.v = 3  # type: ignore[attr-defined]
    assert environment.render(template, {"b": box}) == "3"
    for number in range(4_200):
        setattr(box, f"a{number}", number)
    many = environment.from_string("".join("{{ b.a%d }}" % number for number in range(4_200)))
    assert environment.render(many, {"b": box}) == "".join(map(str, range(4_200)))
    assert len(environment._safe_values) <= 4096
