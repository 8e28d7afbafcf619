"""A rule's `because` text is worded once per values it reads (advise.explain.because): the
next sheet with the same values gets the same words without a rendering, a sheet with other
values gets its own, and a text that turns hostile for some values is still stopped on the
sheet that makes it so, whatever was kept before."""

from __future__ import annotations

from typing import Any

import pytest

from advise.advisor import Advisor
from advise.errors import RuleBookError
from advise.explain.because import Because, reads_of, values_read
from advise.records import replace
from advise.rulebase.model import Rule


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def rule_saying(advisor: Advisor, text: str) -> Rule:
    rule = advisor.rulebook.rules[0]
    return replace(rule, because={"en": text, "fr": text})


def context(**resources: Any) -> dict[str, Any]:
    return {"resources": resources, "business": {"name": "Test"}}


def test_each_sheet_gets_the_words_of_its_own_values(advisor: Advisor) -> None:
    because = Because(advisor.rulebook, "en")
    rule = rule_saying(advisor, "{{ resources.weekly_hours | hours }} a week for {{ business.name }}")
    assert because.render(rule, context(weekly_hours=4)) == "4\u00a0h a week for Test"
    assert because.render(rule, context(weekly_hours=2.5)) == "2.5\u00a0h a week for Test"
    assert because.render(rule, context(weekly_hours=4)) == "4\u00a0h a week for Test"
    assert len(because.texts) == 2  # one per values read


def test_values_that_are_equal_but_read_differently_are_kept_apart(advisor: Advisor) -> None:
    because = Because(advisor.rulebook, "en")
    rule = rule_saying(advisor, "[{{ resources.x }}]")
    shown = [because.render(rule, context(x=value)) for value in (1, 1.0, True, 0.0, -0.0, [1], (1,))]
    assert shown == ["[1]", "[1.0]", "[True]", "[0.0]", "[-0.0]", "[[1]]", "[(1,)]"]


def test_a_text_that_loops_calls_or_assigns_is_rendered_every_time(advisor: Advisor) -> None:
    environment = Because(advisor.rulebook, "en").environment
    assert reads_of(environment, "{{ resources.weekly_hours | hours }} and {{ lang }}") == (
        ("lang",), ("resources", "weekly_hours"))
    for text in ("{% for p in profiles.planned %}{{ p }}{% endfor %}", "{{ range(3) | list }}",
                 "{% set x = resources %}{{ x.weekly_hours }}", "{{ 'a'.upper() }}",
                 "{% macro m() %}x{% endmacro %}{{ m() }}"):
        assert reads_of(environment, text) is None, text
    because = Because(advisor.rulebook, "en")
    rule = rule_saying(advisor, "{% for h in [resources.weekly_hours] %}{{ h }}{% endfor %}")
    because.render(rule, context(weekly_hours=4))
    assert len(because.texts) == 0


def test_what_cannot_be_a_key_is_rendered(advisor: Advisor) -> None:
    reads = (("resources", "weekly_hours"),)
    assert values_read(reads, {"resources": {"weekly_hours": object()}}) is None
    assert values_read(reads, {}) is None  # a name the sheet does not give: rendered, and reported
    assert values_read((("resources", "items"),), {"resources": {"items": 1}}) is None  # the mapping's method
    assert values_read(reads, {"resources": {}}) is not None  # absent: the rendering decides, every time alike


def test_a_text_that_turns_hostile_for_some_values_is_stopped_on_that_sheet(advisor: Advisor) -> None:
    because = Because(advisor.rulebook, "en")
    rule = rule_saying(advisor, "{% if resources.weekly_hours > 3 %}{{ 'x' * 10**9 }}{% endif %}ok")
    for hours in (1, 2, 3, 1, 2):
        assert because.render(rule, context(weekly_hours=hours)) == "ok"
    for _ in range(2):  # refused each time, never kept
        with pytest.raises(RuleBookError, match="too large"):
            because.render(rule, context(weekly_hours=4))


# What a text reads is found once, while the rule book is read (advise.rulebase.textreads),
# and kept with it (and with the cached rule base): a run does not parse the texts again.

VARIED_TEXTS = ("plain words", "{{ resources.weekly_hours | hours }} and {{ lang }}",
                "{% if resources.weekly_hours > 3 %}{{ business.name }}{% else %}{{ business['name'] }}{% endif %}",
                "{{ profiles.planned | platforms }} {{ (resources.weekly_hours * 2) | hours }} {{ [1, 2][0] }}",
                "{% for p in profiles.planned %}{{ p }}{% endfor %}", "{{ range(3) | list }}",
                "{% set x = resources %}{{ x.weekly_hours }}", "{{ 'a'.upper() }}", "{{ a ~ b }}",
                "{% macro m() %}x{% endmacro %}{{ m() }}", "{{ unclosed", "{% if %}")


def test_what_the_reader_finds_a_text_reads_is_what_the_report_finds(advisor: Advisor) -> None:
    from advise.rulebase.reader import _TEMPLATE_PARSER
    from advise.rulebase.textreads import tree_reads

    texts = {text for rule in advisor.rulebook.rules for text in rule.because.values()}
    assert texts and set(advisor.rulebook.text_reads) == texts
    for lang in ("en", "fr"):
        environment = Because(advisor.rulebook, lang).environment
        for text in texts:
            assert advisor.rulebook.text_reads[text] == reads_of(environment, text), text
        for text in VARIED_TEXTS:
            try:
                found = tree_reads(_TEMPLATE_PARSER.parse(text))
            except Exception:  # noqa: BLE001 - the reader refuses it: the rule book does not load
                found = None
            assert found == reads_of(environment, text), text


def test_a_changed_text_is_never_given_the_reads_of_the_old_one(advisor: Advisor) -> None:
    """The reads are kept per text, not per rule: a rule given another text gets its own."""
    rule = advisor.rulebook.rules[0]
    assert rule.because["en"] in advisor.rulebook.text_reads
    because = Because(advisor.rulebook, "en")
    changed = rule_saying(advisor, "{{ resources.weekly_hours | hours }} for {{ business.name }}")
    assert because.render(changed, context(weekly_hours=4)) == "4\u00a0h for Test"
    assert because.render(changed, context(weekly_hours=5)) == "5\u00a0h for Test"
    assert because.reads[rule.id] == (("business", "name"), ("resources", "weekly_hours"))


def test_a_full_store_keeps_the_texts_asked_again(advisor: Advisor, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two generations of _TEXTS_KEPT texts (advise.kept.TwoGenerations): a text asked again
    stays, one asked once goes, and a text worded again reads the same."""
    import advise.explain.because as because_module

    monkeypatch.setattr(because_module, "_TEXTS_KEPT", 2)
    because = Because(advisor.rulebook, "en")
    rule = rule_saying(advisor, "{{ resources.weekly_hours | hours }}")
    rendered: list[str] = []
    render = because.environment.render

    def counted(*args: Any, **options: Any) -> Any:
        rendered.append("x")
        return render(*args, **options)

    monkeypatch.setattr(because.environment, "render", counted)
    for hours in (1, 2, 3, 1, 4, 5, 1, 6, 7, 1):  # 1 asked again and again: never worded again
        assert because.render(rule, context(weekly_hours=hours)) == f"{hours}\u00a0h"
        assert len(because.texts.newer) <= 2 and len(because.texts.older) <= 2
    assert len(rendered) == 7  # 1, 2, 3, 4, 5, 6, 7 once each
    assert because.render(rule, context(weekly_hours=2)) == "2\u00a0h"  # dropped: worded again, the same
    assert len(rendered) == 8


def test_the_parts_of_keys_kept_for_one_report_give_the_keys_found_afresh(advisor: Advisor) -> None:
    """The texts of one report read the same few values: each read's part of a key is found once
    (values_read's `parts`), and every key is the one found without them."""
    from pathlib import Path

    from advise.explain.because import fact_context
    from advise.sheet.facts import load_fact_sheet

    examples = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
    odd = {"resources": {"weekly_hours": object(), "items": 1}, "business": {}}
    odd_reads = ((("resources", "weekly_hours"),), (("resources", "items"),), (("business", "name"),),
                 (("nowhere",),), (("business", "name"), ("resources", "weekly_hours")))
    for path in examples[:6]:
        result = advisor.run(load_fact_sheet(path))
        variables = fact_context(result.trace.facts, result.rulebook)
        parts: dict[Any, Any] = {}
        for _ in range(2):
            for reads in advisor.rulebook.text_reads.values():
                if reads is not None:
                    assert values_read(reads, variables, parts) == values_read(reads, variables)
        assert parts
    parts = {}
    for reads in odd_reads + odd_reads:
        assert values_read(reads, odd, parts) == values_read(reads, odd)
    assert values_read(odd_reads[0], odd, parts) is None and values_read(odd_reads[2], odd, parts) is not None


def _plain_fact_context(trace_facts: dict[str, Any], rulebook: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for name in sorted(trace_facts):
        value = trace_facts[name]
        value = list(value) if isinstance(value, tuple) else value
        parts = name.split(".")
        node = context
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    for table_name, table in rulebook.tables.items():
        context[table_name] = table.values()
    return context


def test_the_context_of_the_texts_is_the_facts_nested_at_their_dots_whatever_came_before(advisor: Advisor) -> None:
    """The sorted, split names of a set of facts are worked out once (fact_context's plans):
    the context is the one made afresh, in the same order, for the same names in any order and
    for other values."""
    from advise.explain.because import fact_context

    cases = [{"b.y": 1, "a": (1, 2), "b.x": "v", "c.d.e": 2.5, "z": None},
             {"z": 0, "c.d.e": -0.0, "b.x": "w", "a": ("p",), "b.y": True},
             {"b.y": 1, "a": [], "b.x": "v", "c.d.e": 3, "z": None, "c.d.f": False},
             {}, {"only": 1},
             {"e.f.g.h": 1, "a.d": 2, "a.b.e": (3,), "a.b.c": 4, "e.f.i": 5, "b.": 7, "": 8, "e.f.j.k": None}]
    for facts in cases + cases:
        made = fact_context(facts, advisor.rulebook)
        plain = _plain_fact_context(facts, advisor.rulebook)
        assert made == plain
        assert repr(made) == repr(plain)  # the same order of keys, at every level


def test_a_list_of_names_is_a_key_as_its_items_would_be_one_by_one() -> None:
    """_frozen takes a list or tuple of plain str at once: the key each item would give alone,
    kept apart by the container's type; str subclasses, mixed lists and nested ones are frozen
    item by item as before."""
    from advise.explain.because import _MISSING, _frozen

    class Named(str):
        pass

    for value in (["facebook", "instagram"], ("facebook",), [], (), ["a", "a", ""], ["x"] * 64):
        assert _frozen(value) == (type(value), tuple(_frozen(item) for item in value))
    assert _frozen(["a"]) != _frozen(("a",))
    assert _frozen(["x"] * 65) is _MISSING  # too many items to be a key
    assert _frozen([Named("a")]) is _MISSING  # not a plain str: not a key
    assert _frozen(["a", 1]) == (list, ((str, "a"), (int, 1)))
    assert _frozen([["a"]]) == (list, ((list, ((str, "a"),)),))


def test_a_read_is_keyed_as_its_value_frozen_whole() -> None:
    """_read_part takes the usual values (texts, yes/no, numbers, none, lists of names) at once:
    the part _frozen gives the value; what _frozen cannot key is no part (rendered every time)."""
    from advise.explain.because import _MISSING, _frozen, _read_part

    class Named(str):
        pass

    values = ["tpe", "", Named("x"), True, False, 0, 1, -3, 10**30, None, 0.0, -0.0, 1.5, float("nan"),
              float("inf"), -float("inf"), 2.0, ["facebook", "x"], ("facebook",), [], (), ["a"] * 64,
              ["a"] * 65, [Named("a")], ["a", 1], [["a"]], {"a": 1, "b": [1.5]}, {1: "a"}, object(), {"a": object()}]
    for value in values:
        frozen = _frozen(value)
        for read, variables in ((("v",), {"v": value}), (("m", "v"), {"m": {"v": value}})):
            found = _read_part(read, variables)
            assert found == (None if frozen is _MISSING else frozen), value
            assert found is None or repr(found) == repr(frozen)  # -0.0 and 0.0, 1 and True apart
    assert _read_part(("m", "v"), {"m": {}}) is _MISSING  # absent: the rendering decides
    assert _read_part(("m", "items"), {"m": {"items": 1}}) is None  # the mapping's method
    assert _read_part(("nowhere",), {}) is None


def test_the_context_of_the_texts_nests_as_before_when_a_fact_is_also_a_mapping() -> None:
    """Names where a fact is also the path of other facts are nested step by step as before
    (the fact's own mapping takes the others); every other set of names at once."""
    from advise.explain.because import _Nesting, _context_plan, fact_context

    class Book:
        tables: dict[str, Any] = {}

    made = fact_context({"a": {"x": 1}, "a.b": 2, "c": (1,)}, Book())
    assert made == _plain_fact_context({"a": {"x": 1}, "a.b": 2, "c": (1,)}, Book()) == {"a": {"x": 1, "b": 2}, "c": [1]}
    assert not isinstance(_context_plan({"a": 1, "a.b": 2}), _Nesting)
    assert isinstance(_context_plan({"a.c": 1, "a.b": 2}), _Nesting)
    assert not isinstance(_context_plan({"only": 1}), _Nesting)


def test_the_tables_of_the_texts_are_the_rule_books_values_made_once(advisor: Advisor) -> None:
    """Each report's context reads the rule book's tables' values, made once per rule book."""
    from pathlib import Path

    from advise.explain.because import fact_context
    from advise.sheet.facts import load_fact_sheet

    examples = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
    contexts = [fact_context(advisor.run(load_fact_sheet(path)).trace.facts, advisor.rulebook) for path in examples[:2]]
    for name, table in advisor.rulebook.tables.items():
        assert contexts[0][name] == table.values()
        assert contexts[0][name] is contexts[1][name]
