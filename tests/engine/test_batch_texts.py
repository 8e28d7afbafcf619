"""The JSON text of a batch (advise.engine.durable_json.batch_text): each fact written as
`_to_json` writes it with the sheet's id, the batch's end last; the text of a keyed fact
(advise.engine.compiler.fact_key) is kept with the engine, bounded, and reused. Whatever is
kept, durable reads exactly the text the facts themselves give."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import advise.engine.durable as engine_module
from advise.advisor import Advisor
from advise.engine.compiler import encode_fact, encode_stage, fact_key, stage_key
from advise.engine.durable import END_RULE, Engine, _to_json
from advise.engine.durable_json import batch_text
from advise.sheet.facts import load_fact_sheet

from conftest import EXAMPLES

CATCH_ALL = {"all": [{"m": {"t": "fact"}}], "pri": 9999, "run": "$ignore"}
SMALL = {"all": [{"m": {"$and": [{"t": "fact"}, {"$lte": {"value": 10}}]}}], "run": "small"}

values = st.one_of(
    st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(),
    st.sampled_from([0, 1, -0.0, 0.0, 1.0, True, False, 1e-05, 1e16, 2**64, -(2**63) - 1, "1", "\u00e9t\u00e9 \"x\""]),
    st.lists(st.text(max_size=5), max_size=3), st.lists(st.text(max_size=5), max_size=3).map(tuple),
    st.lists(st.one_of(st.integers(), st.booleans()), max_size=3),
)


def expected(sid: str, facts: list[dict], end: int) -> str:
    """The text durable read before texts were kept: the whole batch, each fact with the sheet's id."""
    return _to_json([dict(fact, sid=sid) for fact in facts] + [{"id": f"{END_RULE}:{end}", "t": END_RULE, "sid": sid}])


def text_of(engine: Engine, sid: str, facts: list[dict], keys: list | None) -> tuple[str, int]:
    end = next(engine._batch_ends)
    tail = ', "sid": ' + _to_json(sid) + "}"
    return batch_text(facts, keys, sid, tail, engine._texts, (f"{END_RULE}:{end}", END_RULE)).text, end


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b.c", "d\u00e9"]), values), max_size=6), st.text(max_size=4))
def test_the_text_of_a_batch_is_the_text_of_its_facts_kept_or_not(named: list[tuple[str, Any]], sid: str) -> None:
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})
    facts = [encode_fact(name, value) for name, value in named] + [encode_stage(len(named))]
    keys = [fact_key(name, value) for name, value in named] + [stage_key(len(named))]
    for given_keys in (None, keys, keys):  # written afresh, then kept, then reused
        text, end = text_of(engine, sid, facts, given_keys)
        assert text == expected(sid, facts, end)


@settings(max_examples=300, deadline=None)
@given(values, values)
def test_values_with_the_same_key_are_written_alike(first: Any, second: Any) -> None:
    """True == 1 == 1.0 and -0.0 == 0.0, but none is written like another: a key is shared
    only by facts whose texts are the same."""
    if fact_key("f", first) is not None and fact_key("f", first) == fact_key("f", second):
        assert _to_json(encode_fact("f", first)) == _to_json(encode_fact("f", second))


def test_kept_texts_are_bounded_and_stay_right_past_the_bound(monkeypatch: Any) -> None:
    monkeypatch.setattr(engine_module, "KEPT_TEXTS", 8)
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})
    rng = random.Random(3)
    for _ in range(40):
        named = [(f"f{rng.randrange(12)}", rng.choice([1, 2, True, "x", 2.5, ["a"]])) for _ in range(4)]
        facts = [encode_fact(name, value) for name, value in named]
        text, end = text_of(engine, "s1", facts, [fact_key(name, value) for name, value in named])
        assert text == expected("s1", facts, end)
        assert len(engine._texts) <= 2 * 8  # two generations


def test_facts_without_properties_or_with_their_own_sid_are_written_as_before() -> None:
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})
    facts = [{}, {"sid": "theirs", "id": "a", "t": "fact", "value": 1}, {"id": "b", "t": "fact", "value": 2}]
    for _ in range(2):
        text, end = text_of(engine, "s9", facts, ["k1", "k2", "k3"])
        assert text == expected("s9", facts, end)
    assert {*engine._texts.newer, *engine._texts.older} == {"k3"}  # the other two are never kept: their text holds the sheet's id


def test_a_refused_value_is_never_kept_and_is_named_every_time() -> None:
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})
    for _ in range(2):
        with engine.session() as session:
            try:
                session.assert_facts([encode_fact("x", float("nan"))], [("x", float, float("nan"))])
            except Exception as error:  # EngineError naming the fact
                assert "'x' (nan)" in str(error)
            else:
                raise AssertionError("a NaN was taken")
    assert len(engine._texts) == 0


def test_runs_with_kept_texts_fire_as_runs_writing_every_text() -> None:
    """The examples, each run three times on one advisor (texts kept from the first run and
    from the other sheets), against an advisor whose engine keeps nothing."""
    kept = Advisor(None)
    sheets = [load_fact_sheet(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
    fresh = Advisor(None)
    for sheet in sheets:
        fresh.engine._texts.clear()
        reference = fresh.run(sheet).trace
        for _ in range(3):
            assert kept.run(sheet).trace == reference
    assert len(kept.engine._texts)
