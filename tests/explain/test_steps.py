"""Reading a trace (advise.explain.steps): what is worked out once per rule book or per trace
gives what the plain definitions give, on the examples and on traces built by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from advise.advisor import Advisor
from advise.engine.trace import Derivation, Firing, Trace
from advise.explain.steps import (platform_keys, reading_order, reference_names, rule_index, steps_in, steps_of,
                                  support_closure, supporting_steps)
from advise.rulebase.operators import LIST
from advise.sheet.facts import load_fact_sheet

from conftest import bench_generate

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def _plain_reading_order(rulebook, trace):  # type: ignore[no-untyped-def]
    order = {theme.id: theme.order for theme in rulebook.vocabulary.themes.values()}
    rules = {rule.id: rule for rule in rulebook.rules}
    return sorted(trace.firings, key=lambda firing: (order.get(rules[firing.rule].theme, len(order)),
                                                     rules[firing.rule].theme, firing.step))


def _plain_platform_keys(rulebook, premises):  # type: ignore[no-untyped-def]
    keys = []
    for name, value in premises.items():
        fact = rulebook.facts.get(name)
        if fact is not None and fact.kind == LIST and fact.items == "platform":
            keys.extend(str(item) for item in value)
    return keys


def test_the_reading_order_and_the_networks_of_a_step_are_those_of_their_definitions(advisor: Advisor) -> None:
    for path in EXAMPLES:
        result = advisor.run(load_fact_sheet(path))
        rulebook, trace = result.rulebook, result.trace
        assert reading_order(rulebook, trace) == _plain_reading_order(rulebook, trace), path.name
        for firing in trace.firings:
            assert platform_keys(rulebook, firing.premises) == _plain_platform_keys(rulebook, firing.premises)
            assert rule_index(rulebook)[firing.rule] is rulebook.rule(firing.rule)


def test_the_reading_order_puts_a_theme_the_vocabulary_does_not_list_last(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES[0]))
    rulebook = result.rulebook
    rules = list(rulebook.rules)
    first_theme = min(rulebook.vocabulary.themes.values(), key=lambda theme: theme.order).id
    # the last rule of the book gets a theme of its own, then the first rule's theme is told first
    stray = rules[-1].__class__(**{**{name: getattr(rules[-1], name) for name in rules[-1].FIELDS},
                                   "theme": "zz-unlisted"})
    other = rulebook.__class__(**{**{name: getattr(rulebook, name) for name in rulebook.FIELDS},
                                  "rules": tuple(rules[:-1]) + (stray,)})
    firings = tuple(Firing(step, rule.id, 0, {}, {}, {}) for step, rule in enumerate(
        [stray] + [rule for rule in rules[:-1] if rule.theme == first_theme][:2], 1))
    trace = Trace({}, firings, {}, {}, 1)
    ordered = reading_order(other, trace)
    assert ordered == _plain_reading_order(other, trace)
    assert [firing.rule for firing in ordered][-1] == stray.id


def test_support_found_at_once_is_the_walk_of_each_step_even_when_a_step_builds_on_a_later_one(
        advisor: Advisor) -> None:
    rulebook = advisor.run(load_fact_sheet(EXAMPLES[0])).rulebook
    rule = rulebook.rules[0].id
    # step 1 reads b, which step 3 concluded; step 2 reads a (step 1); step 3 reads c (step 2);
    # step 4 reads a and d (nobody concluded d); step 5 reads e, which it concluded itself
    firings = (Firing(1, rule, 0, {"b": 1}, {}, {"a": 1}), Firing(2, rule, 0, {"a": 1}, {}, {"c": 1}),
               Firing(3, rule, 0, {"c": 1}, {}, {"b": 1}), Firing(4, rule, 0, {"a": 1}, {"d": 2}, {}),
               Firing(5, rule, 0, {"e": 1}, {}, {"e": 1}))
    derivations = {name: Derivation(name, 1, steps) for name, steps in
                   (("a", (1,)), ("c", (2,)), ("b", (3,)), ("e", (5,)))}
    trace = Trace({}, firings, {"a": 1, "b": 1, "c": 1, "d": 2, "e": 1}, derivations, 1)
    reach = support_closure(trace, rulebook)
    for firing in firings:
        assert set(steps_in(reach[firing.step])) == supporting_steps(trace, [firing.step], rulebook), firing.step
    assert steps_in(reach[4]) == [1, 2, 3]
    assert steps_in(reach[5]) == [5]
    # in firing order, each building on earlier steps only: the same as the walk
    for path in EXAMPLES:
        result = advisor.run(load_fact_sheet(path))
        reach = support_closure(result.trace, result.rulebook)
        for firing in result.trace.firings:
            assert set(steps_in(reach[firing.step])) == supporting_steps(result.trace, [firing.step], result.rulebook)


def test_support_in_one_pass_is_the_fixpoints_on_varied_sheets(advisor: Advisor, tmp_path: Path) -> None:
    """The one pass (each fact's part worked out once) gives what the fixpoint gives, on
    generated sheets and the examples; and a trace where a step builds on a later one gives
    the fixpoint's too (the pass hands it over)."""
    from advise.explain.steps import _support_fixpoint

    write_sheets = bench_generate().write_sheets
    for path in write_sheets(tmp_path, 80, seed=5) + EXAMPLES:
        result = advisor.run(load_fact_sheet(path))
        premises = {firing.step: firing.premises for firing in result.trace.firings}
        expected = _support_fixpoint(result.trace, result.rulebook)
        assert support_closure(result.trace, result.rulebook, premises) == expected, path
        assert support_closure(result.trace, result.rulebook) == expected, path
    rule = result.rulebook.rules[0].id
    firings = (Firing(1, rule, 0, {"a": 1}, {}, {"a": 1}), Firing(2, rule, 0, {"a": 1}, {"b": 2}, {}))
    trace = Trace({}, firings, {"a": 1}, {"a": Derivation("a", 1, (1,))}, 1)
    assert support_closure(trace, result.rulebook) == _support_fixpoint(trace, result.rulebook) == {1: 2, 2: 2}


def test_reference_names_are_the_tables_and_each_of_their_values(advisor: Advisor) -> None:
    rulebook = advisor.run(load_fact_sheet(EXAMPLES[0])).rulebook
    names = reference_names(rulebook)
    assert set(rulebook.tables) <= names
    for name in names - set(rulebook.tables):
        assert rulebook.table_value(name) is not None, name
    assert len(names) == len(rulebook.tables) + sum(len(table.entries) for table in rulebook.tables.values())
    assert not names & set(rulebook.facts)


def test_the_steps_of_a_bit_set_are_its_set_bits_in_order_however_often_asked() -> None:
    import random

    rng = random.Random(16)
    masks = [0, 1, 2, 3, 1 << 70, (1 << 70) | 5] + [rng.getrandbits(rng.randrange(1, 90)) for _ in range(300)]
    for mask in masks + masks:
        expected = tuple(bit for bit in range(mask.bit_length()) if mask >> bit & 1)
        assert steps_of(mask) == tuple(steps_in(mask)) == expected
