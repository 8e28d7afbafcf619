"""Odd numbers: durable_rules refuses a number written with an exponent (error 204) and, in a
batch, drops the fact without a word. Every valid number must reach the engine, every rule
whose conditions hold must fire, and a fact the engine still refuses is an internal error
that names it, never a silent drop (edge 15 in advise.engine.durable)."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import advise.engine.durable as engine_module
import advise.engine.durable_json as durable_json
from advise.advisor import Advisor
from advise.engine.durable import Engine
from advise.errors import EngineError
from advise.explain.words import Words
from advise.explain.whynot import Evaluator
from advise.sheet.facts import fact_sheet_from_mapping

from conftest import cutting

CATCH_ALL = {"all": [{"m": {"t": "fact"}}], "pri": 9999, "run": "$ignore"}
CONSTANTS = [0, 1e-05, -1e-05, 0.5, 2, 1e16, 3.5e20, 10**18, 1.7976931348623157e308, 5e-324]
COMPARE = {"$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b, "$gt": lambda a, b: a > b,
           "$gte": lambda a, b: a >= b, "$neq": lambda a, b: a != b}


def comparing_engine(constants: list[float] = CONSTANTS) -> Engine:
    rules: dict[str, dict] = {"$catch-all": CATCH_ALL}
    for index, constant in enumerate(constants):
        for op in COMPARE:
            rules[f"{op[1:]}-{index}"] = {"all": [{"m": {"$and": [{"t": "fact"}, {op: {"value": constant}}]}}],
                                          "run": f"{op[1:]}-{index}"}
        rules[f"eq-{index}"] = {"all": [{"m": {"$and": [{"t": "fact"}, {"value": constant}]}}],
                                "run": f"eq-{index}"}
    return Engine({"numbers": rules})


ENGINE = comparing_engine()
EXACT_MIXED = 2**53  # an integer compares exactly with a float up to here (edge 17)
numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-EXACT_MIXED, max_value=EXACT_MIXED),
    st.sampled_from([0.0, -0.0, 1e-05, 1e-4, 9.99e-05, 5e-324, 2.2250738585072014e-308, 1e15, 1e16, 1e17,
                     1.7976931348623157e308, 0.1, 1e22, 123456789.123]),
)


@settings(max_examples=300, deadline=None)
@given(numbers)
@example(1e-05)
@example(1e16)
def test_every_number_reaches_the_engine_and_compares_as_in_python(value: float) -> None:
    with ENGINE.session() as session:
        activations = session.assert_facts([{"id": "f", "t": "fact", "value": value}])
    fired = {activation.rule for activation in activations}
    expected = {f"{op[1:]}-{index}" for index, constant in enumerate(CONSTANTS)
                for op, compare in COMPARE.items() if compare(value, constant)}
    expected |= {f"eq-{index}" for index, constant in enumerate(CONSTANTS) if value == constant}
    assert fired == expected
    for activation in activations:  # handed back exactly as asserted
        assert activation.bindings["m"]["value"] == value


@pytest.mark.parametrize("value", [2**63 - 1, 10**18 + 1, -(2**63), 10**17 + 3])
def test_integers_beyond_2_53_compare_with_floats_by_sign_and_size(value: int) -> None:
    """Past 2**53 an integer meets the float constants as a double (edge 17): order against
    constants far from it is still Python's, as the property test above checks below 2**53."""
    fired, expected = fired_with(ENGINE, CONSTANTS, value)
    far = {f"{op[1:]}-{index}" for index, constant in enumerate(CONSTANTS)
           for op in COMPARE if isinstance(constant, int) or abs(abs(constant) - abs(value)) > 2**12}
    assert fired & far == expected & far


def test_an_integer_past_2_53_can_equal_a_float_it_differs_from() -> None:
    """durable's mixed comparison is in doubles (edge 17): 9,999,999,999,999,999 equals 1e16 for
    durable and not for Python. If durable ever compares exactly, this test says so."""
    one_e16 = CONSTANTS.index(1e16)
    fired, expected = fired_with(ENGINE, CONSTANTS, 9_999_999_999_999_999)
    assert f"eq-{one_e16}" in fired and f"eq-{one_e16}" not in expected
    assert f"lt-{one_e16}" in expected and f"lt-{one_e16}" not in fired
    assert fired - {f"eq-{one_e16}", f"gte-{one_e16}", f"lte-{one_e16}"} \
        == expected - {f"lt-{one_e16}", f"lte-{one_e16}", f"neq-{one_e16}"}


def fired_with(engine: Engine, constants: list[float], value: float) -> tuple[set[str], set[str]]:
    """The rules that fired for `value`, and those that should have (as Python compares)."""
    with engine.session() as session:
        fired = {a.rule for a in session.assert_facts([{"id": "f", "t": "fact", "value": value}])}
    expected = {f"{op[1:]}-{index}" for index, constant in enumerate(constants)
                for op, compare in COMPARE.items() if compare(value, constant)}
    return fired, expected | {f"eq-{index}" for index, constant in enumerate(constants) if value == constant}


INT64_EDGES = [2**63 - 1, -(2**63) + 1, 10**18]


@pytest.mark.parametrize("value", [2**63 - 1, 2**63 - 2, -(2**63), -(2**63) + 1, 10**18 + 1, 10**18 - 1])
def test_integers_of_64_bits_compare_exactly(value: int) -> None:
    """Within 64 bits an integer stays an integer: 10**18 + 1 is above 10**18 (as floats
    they are equal), -2**63 below -2**63 + 1."""
    fired, expected = fired_with(comparing_engine(INT64_EDGES), INT64_EDGES, value)
    assert fired == expected


def test_huge_integers_go_as_floats() -> None:
    with ENGINE.session() as session:
        fired = {a.rule for a in session.assert_facts([{"id": "f", "t": "fact", "value": 10**30}])}
    assert "gt-6" in fired and "lt-8" in fired  # > 3.5e20, < the largest float


@pytest.mark.parametrize("value", [math.nan, math.inf, {1, 2}, "\ud800", object()],
                         ids=["nan", "inf", "a set", "a lone surrogate", "an object"])
def test_a_fact_the_engine_cannot_take_is_an_internal_error_naming_it(value: Any) -> None:
    with ENGINE.session() as session, pytest.raises(EngineError) as caught:
        session.assert_facts([{"id": "fine", "t": "fact", "name": "fine", "value": 1},
                              {"id": "odd", "t": "fact", "name": "resources.odd", "value": value}])
    assert caught.value.exit_code == 1
    assert caught.value.problems[0].code == "engine-fact-refused"
    assert "resources.odd" in str(caught.value)


def dropping(monkeypatch: pytest.MonkeyPatch, fact_id: str) -> None:
    """Makes durable drop, as it does a fact it refuses, the fact `fact_id` and every fact
    after it in a batch (the fact that ends the batch included): the text it is handed stops
    before that fact, which must not be the first (durable then reads nothing at all, and
    hands back a state it never created)."""
    def cut(text: str) -> str:
        at = text.find(json.dumps({"id": fact_id})[:-1] + ",")
        assert at > 1, "the dropped fact must not be the first of the batch"
        return text[:at].rstrip(", ") + "]"

    cutting(monkeypatch, cut)


@pytest.mark.parametrize("value", [1e-05, 2.5, 2**40, "Chez « Léa » : 50 % d'avis", ["instagram", "tiktok"],
                                   True, 3, "instagram", None],
                         ids=["a small number", "a decimal", "a big integer", "free text", "a list",
                              "a boolean", "a small integer", "a name", "nothing"])
def test_a_fact_durable_itself_refuses_is_never_dropped(monkeypatch: pytest.MonkeyPatch, value: Any) -> None:
    """Should durable ever drop a fact of a batch without a word (as it does with error 204),
    the run stops with an internal error naming the fact, whatever its value.

    The drop is simulated at the text durable reads: making durable really refuse a number
    (Python's repr, as before the fix) crashes the process on Python 3.12 (a segfault in
    durable's do_actions), which is one more reason the encoding must never let it happen."""
    engine = comparing_engine()
    dropping(monkeypatch, "odd")
    with engine.session() as session, pytest.raises(EngineError) as caught:
        session.assert_facts([{"id": "fine", "t": "fact", "name": "fine", "value": 1},
                              {"id": "odd", "t": "fact", "name": "resources.weekly_hours", "local": True, "people": 3,
                               "value": value},
                              {"id": "after", "t": "fact", "name": "after", "value": 2}])
    assert caught.value.exit_code == 1
    assert caught.value.problems[0].code == "engine-fact-refused"
    message = caught.value.problems[0].message("en")
    assert message.startswith(f"the rule engine refused the fact 'resources.weekly_hours' ({repr(value)[:60]}")
    assert message.endswith("): not stored (durable gave no reason)")


def test_a_long_value_is_quoted_in_a_bounded_form(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = comparing_engine()
    dropping(monkeypatch, "odd")

    def quoted(value: str) -> str:
        with engine.session() as session, pytest.raises(EngineError) as caught:
            session.assert_facts([{"id": "fine", "t": "fact", "name": "fine", "value": 1},
                                  {"id": "odd", "t": "fact", "name": "business.name", "value": value}])
        return caught.value.problems[0].params["value"]

    assert quoted("x " * 39) == repr("x " * 39)  # 80 characters with its quotes: whole
    assert quoted("x " * 39 + "x") == "'" + "x " * 29 + "x... (81 characters)"


def test_a_fact_durable_holds_no_state_for_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """When durable kept nothing of the sheet (it then refuses to read its state, error 309),
    the first fact of the batch is named."""
    engine = comparing_engine()
    dropping(monkeypatch, "second")

    def no_state(ruleset: str, sid: str) -> list[dict]:
        raise Exception("Could not get facts, error code: 309")

    monkeypatch.setattr(engine._host, "get_facts", no_state)
    with engine.session() as session, pytest.raises(EngineError) as caught:
        session.assert_facts([{"id": "first", "t": "fact", "name": "resources.weekly_hours", "value": 2.5},
                              {"id": "second", "t": "fact", "name": "resources.monthly_budget", "value": 100.5}])
    assert caught.value.problems[0].message("en") == (
        "the rule engine refused the fact 'resources.weekly_hours' (2.5): not stored (durable gave no reason)")


@pytest.mark.parametrize("refused,named", [
    ({"id": "odd", "t": "fact", "name": "resources.odd", "value": math.nan}, "'resources.odd' (nan)"),
    ({"id": "odd", "t": "fact", "value": math.inf}, "'odd' (inf)"),
    ({"id": "odd", "t": "fact", "name": "x", "score": math.nan}, "'x' ({'id': 'odd', 't': 'fact', 'name': 'x', "
                                                                 "'score': nan, 'sid': "),
], ids=["its name and value", "its id without a name", "the whole fact without a value"])
def test_a_refused_fact_is_named_with_its_value_and_the_reason(refused: dict, named: str) -> None:
    with ENGINE.session() as session, pytest.raises(EngineError) as caught:
        session.assert_facts([refused])
    message = caught.value.problems[0].message("en")
    assert message.startswith(f"the rule engine refused the fact {named}")
    # Python's own words: 3.12 and later add the value (": nan")
    assert re.search(r": Out of range float values are not JSON compliant(: -?(nan|inf))?$", message), message


def test_plain_facts_are_stored_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = comparing_engine()
    with engine.session() as session:
        session.assert_facts([{"id": "yes", "t": "fact", "name": "business.local", "value": True},
                              {"id": "count", "t": "fact", "name": "resources.people", "value": 3}])
        stored = {fact["id"] for fact in engine._host.get_facts(engine.ruleset, session.sid)}
    assert {"yes", "count"} <= stored


def test_a_batch_durable_took_whole_is_not_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a sheet's state back is most of its time in durable: a batch whose end
    durable reached (the engine's own rule fired on its last fact) is not read back,
    whatever its values; one that stopped short is."""
    engine = comparing_engine()
    reads = []
    stored_facts = engine._host.get_facts
    monkeypatch.setattr(engine._host, "get_facts", lambda *args: reads.append(args) or stored_facts(*args))
    values = [True, False, None, 2**31 - 1, -(2**31), 0, "a" * 200, "Az09_:.$-", "", 0.5, 1e-05, 2**40, 10**30,
              "Chez « Léa » : 50 % d'avis", ["instagram", "tiktok"], [], {"nested": [1.5]}]
    with engine.session() as session:
        session.assert_facts([{"id": f"p{index}", "t": "fact", "name": "business.local", "value": value}
                              for index, value in enumerate(values)])
        assert reads == []
        stored = {fact["id"] for fact in stored_facts(engine.ruleset, session.sid)}
        assert {f"p{index}" for index in range(len(values))} <= stored
    dropping(monkeypatch, "q")
    with engine.session() as session, pytest.raises(EngineError):
        session.assert_facts([{"id": "p", "t": "fact", "value": 1}, {"id": "q", "t": "fact", "value": 2}])
    assert len(reads) == 1


def test_a_batch_stored_whole_whose_end_was_not_reached_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = comparing_engine()
    cutting(monkeypatch, lambda text: json.dumps(json.loads(text)[:-1]))
    with engine.session() as session, pytest.raises(EngineError) as caught:
        session.assert_facts([{"id": "p", "t": "fact", "value": 1}])
    assert caught.value.problems[0].message("en") == (
        "the rule engine failed: the batch's end was never reached (durable gave no reason)")


# ---------------------------------------------------------------- the real rule base


ADVISOR = Advisor(None)
SHEET: dict[str, Any] = {
    "business": {"name": "Shop", "size": "tpe", "audience": "b2c", "local": True},
    "objectives": ["visibility", "community"],
    "profiles": {"planned": ["instagram", "facebook"]},
}
hours = st.one_of(st.floats(min_value=0, max_value=168), st.sampled_from(
    [0.00001, 5e-05, 1e-300, 5e-324, 2.49995, 4.99995, 167.99999, 1e-4]))
budgets = st.one_of(st.floats(min_value=0, max_value=1.7e308), st.integers(min_value=0, max_value=10**30),
                    st.sampled_from([1e16, 1e-05, 1e300, 10**16, 0.00001]))


def rules_that_held_but_did_not_fire(weekly_hours: float, monthly_budget: float) -> list[str]:
    sheet = {**SHEET, "resources": {"weekly_hours": weekly_hours, "monthly_budget": monthly_budget}}
    result = ADVISOR.run(fact_sheet_from_mapping(sheet))
    assert "verdict" in result.trace.facts
    evaluator = Evaluator(result, Words(result, "en"))
    return [rule.id for rule in result.rulebook.rules if evaluator.answer(rule).status == "held"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hours, budgets)
@example(0.00001, 100)
@example(3, 1e16)
@example(2.49995, 100)
def test_every_rule_whose_conditions_hold_fires_whatever_the_numbers(weekly_hours: float,
                                                                       monthly_budget: float) -> None:
    assert rules_that_held_but_did_not_fire(weekly_hours, monthly_budget) == []


def test_the_cases_of_the_issue() -> None:
    """weekly_hours 0.00001 had no verdict; a budget of 1e16 lost two steps; a gap of
    5e-05 h lost time_shortfall."""
    tiny = ADVISOR.run(fact_sheet_from_mapping({**SHEET, "resources": {"weekly_hours": 0.00001,
                                                                        "monthly_budget": 100}}))
    assert tiny.trace.facts["verdict"]
    rich = ADVISOR.run(fact_sheet_from_mapping({**SHEET, "resources": {"weekly_hours": 3, "monthly_budget": 1e16}}))
    usual = ADVISOR.run(fact_sheet_from_mapping({**SHEET, "resources": {"weekly_hours": 3, "monthly_budget": 1000}}))
    assert [f.rule for f in rich.trace.firings] == [f.rule for f in usual.trace.firings]
    needed = usual.trace.facts["weekly_hours_needed"]
    short = ADVISOR.run(fact_sheet_from_mapping({**SHEET, "resources": {"weekly_hours": needed - 5e-05,
                                                                         "monthly_budget": 100}}))
    assert short.trace.facts.get("warnings.time_shortfall") is True


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
              st.sampled_from(["1e-05", "x 9e9 ٣e", "1234567890123456789", "é1e+16", "E5"])),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(json_values)
@example({"value": 1e-05, "name": "a1e"})
@example([2**63, "1234567890123456789", 12345678901234567890])
def test_the_quick_search_for_numbers_to_rewrite_misses_none(value: Any) -> None:
    """The text durable reads is the one rewriting every number of json.dumps' text gives:
    the quick search (a digit before an exponent, 19 digits in a row) skips the rewriting
    only where it would change nothing."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    assert engine_module._to_json(value) == re.sub(durable_json._TOKEN, durable_json._rewrite, text)
