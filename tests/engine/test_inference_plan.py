"""What a run reads and concludes through its program's plan (advise.engine.inference._Plan)
is what the general paths give: the checks of computed values (compiler.normalise), the
reading of facts, families and tables (inference._lookup), the facts handed to durable
(compiler.keyed_fact of each)."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from advise.advisor import Advisor
from advise.engine import inference
from advise.engine.compiler import keyed_fact, normalise
from advise.errors import RuleRunError
from advise.rulebase import expressions
from advise.rulebase.model import FactType
from advise.sheet.facts import fact_sheet_from_mapping, load_fact_sheet

from conftest import EXAMPLES, bench_generate


class Text(str):
    pass


VALUES: list[Any] = [
    0, 1, -7, 3, 2**53 + 1, 2**63 - 1, 2**63, -2**63, -2**63 - 1, 10**30, 0.0, -0.0, 1.5, 2.0, -3.0, 1e-7, 1e16,
    1e300, math.inf, -math.inf, math.nan, True, False, None, "", "a", "facebook", Text("facebook"), [], (),
    ["facebook"], ("facebook", "instagram"), ["facebook", "x"], [Text("facebook")], ["a", 1], ("a", None),
    {"a": 1}, object(),
]
FACTS = [
    FactType("n", "number"), FactType("i", "number", integer=True), FactType("b", "bool"),
    FactType("t", "text"), FactType("c", "text", choices=("facebook", "instagram")),
    FactType("l", "list"), FactType("p", "list", choices=("facebook", "instagram")),
]


def _normalised(fact: FactType, value: Any) -> tuple[str, Any]:
    try:
        result = normalise(fact, value, "r", "f.yaml", 3)
    except RuleRunError as error:
        return "error", error.problems[0].code
    except (OverflowError, ValueError) as error:
        return "raised", type(error)
    return type(result).__name__, result


@pytest.mark.parametrize("fact", FACTS, ids=lambda fact: fact.name)
def test_a_computed_value_is_checked_as_normalise_checks_it(fact: FactType) -> None:
    """The check kept for each conclusion gives normalise's value (same type), or leaves it to
    normalise, which words the error."""
    check = inference._CHECKS[inference._check_kind(fact)]
    for value in VALUES:
        checked = check(fact, value)
        got = _normalised(fact, value) if checked is inference._MISSING else (type(checked).__name__, checked)
        expected = _normalised(fact, value)
        assert repr(got) == repr(expected), (fact.name, value)


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor(None)


def _stores(advisor: Advisor) -> list[dict[str, Any]]:
    generate = bench_generate()
    rng = random.Random(5)
    sheets = [load_fact_sheet(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
    sheets += [fact_sheet_from_mapping(generate.sheet(rng, index)) for index in range(30)]
    return [advisor.run(sheet).trace.facts for sheet in sheets]


def test_an_expression_reads_what_lookup_finds(advisor: Advisor) -> None:
    """Every fact, family, table and table value, and names nothing holds, read through the
    plan's reader as through _lookup (a tuple read as a list), in the final facts of varied
    runs and in a store holding only part of them; each reading is noted."""
    rulebook = advisor.rulebook
    plan = inference.plan_of(advisor.program)
    names = set(rulebook.facts) | set(rulebook.vocabulary.families) | set(rulebook.tables)
    names |= {f"{name}.{key}" for name, table in rulebook.tables.items() for key in table.entries}
    names |= {"nothing", "fit.nothing", "thresholds", "thresholds.nothing"}
    assert plan.tabled and plan.tables and plan.members
    for facts in _stores(advisor):
        for store in (facts, dict(list(facts.items())[::2]), {}):
            read: dict[str, Any] = {}
            lookup = plan.reader(store, read)
            for name in sorted(names):
                try:
                    expected = inference._lookup(rulebook, store, name)
                except expressions.ExpressionError as error:
                    with pytest.raises(expressions.ExpressionError) as raised:
                        lookup(name)
                    assert raised.value.code == error.code
                    continue
                got = lookup(name)
                assert got == expected and type(got) is type(expected), name
                assert read[name] is got
            if store:
                first = plan.reader(store, {})
                assert first("platform_hours") is not first("platform_hours")  # a table: a mapping of its own


def test_the_facts_given_to_durable_are_the_keyed_fact_of_each_tested_in_name_order(advisor: Advisor) -> None:
    plan = inference.plan_of(advisor.program)
    for facts in _stores(advisor):
        shuffled = list(facts.items())
        random.Random(len(shuffled)).shuffle(shuffled)
        store: dict[str, Any] = {}
        pending, keys = plan.stored(store, dict(shuffled))
        assert store == facts and list(store) == sorted(facts)
        named = [(name, facts[name]) for name in sorted(facts) if plan.tested is None or name in plan.tested]
        expected = [keyed_fact(name, value) for name, value in named]
        assert pending == [fact for fact, _ in expected] and keys == [key for _, key in expected]
