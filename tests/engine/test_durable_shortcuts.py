"""What advise's action loop leaves out of durable's own (edge 16 in advise.engine.durable),
and why it changes nothing: update_state when no pattern can match the state fact, the
reading of the batch end's firing; and the facts shared by every sheet (compiler.keyed_fact)."""

from __future__ import annotations

import random
from typing import Any

import pytest

import advise.engine.compiler as compiler
import advise.engine.durable as engine_module
import advise.engine.durable_json as durable_json
from advise.advisor import Advisor
from advise.engine import inference
from advise.engine.compiler import encode_fact, fact_key, keyed_fact
from advise.kept import TwoGenerations
from advise.engine.durable import END_RULE, Engine, _state_fact_may_match
from advise.sheet.facts import fact_sheet_from_mapping, load_fact_sheet

from conftest import EXAMPLES, bench_generate

generate = bench_generate()

CATCH_ALL = {"all": [{"m": {"t": "fact"}}], "pri": 9999, "run": "$ignore"}
SMALL = {"all": [{"m": {"$and": [{"t": "fact"}, {"$lte": {"value": 10}}]}}], "run": "small"}


def sheets() -> list[Any]:
    rng = random.Random(17)
    found = [load_fact_sheet(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
    return found + [fact_sheet_from_mapping(generate.sheet(rng, index)) for index in range(40)]


class Counting:
    """durable's C engine, counting the calls advise makes by name."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: dict[str, int] = {}
        self.real = engine_module._rules_engine
        monkeypatch.setattr(engine_module, "_rules_engine", self)

    def __getattr__(self, name: str) -> Any:
        function = getattr(self.real, name)

        def counted(*args: Any) -> Any:
            self.calls[name] = self.calls.get(name, 0) + 1
            return function(*args)

        return counted


@pytest.mark.parametrize("rules,may_match", [
    ({"small": SMALL, "$catch-all": CATCH_ALL}, False),
    ({"loose": {"all": [{"m": {"$nex": {"type": 1}}}], "run": "loose"}}, True),
    ({"by-sid": {"all": [{"m": {"sid": "s1"}}], "run": "by-sid"}}, True),
    ({"typed-later": {"all": [{"m": {"$and": [{"value": 1}, {"t": "fact"}]}}], "run": "x"}}, True),
    ({"not-text": {"all": [{"m": {"t": 1}}], "run": "x"}}, True),
    ({"grouped": {"all": [{"g$any": [{"a": {"t": "fact"}}, {"b": {"$and": [{"t": "stage"}, {"stage": 1}]}}]}],
                  "run": "x"}}, False),
    ({"grouped": {"all": [{"g$all": [{"a": {"t": "fact"}}, {"b": {"id": "sid-s1"}}]}], "run": "x"}}, True),
    ({"any-top": {"any": [{"a": {"t": "fact"}}, {"b": {"sid": "s1"}}], "run": "x"}}, True),
], ids=["typed", "loose", "on the sid", "type tested second", "type not a text", "typed group", "group on the id",
        "top-level any"])
def test_only_patterns_that_first_test_a_type_leave_the_state_fact_unseen(rules: dict, may_match: bool) -> None:
    assert _state_fact_may_match(rules) is may_match


def test_the_rule_base_runs_without_update_state_and_fires_as_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real rule base: every pattern tests a type first, so update_state is never called;
    an advisor forced to call it (as durable's own loop does) gives the same traces."""
    with_updates = Advisor(None)
    with_updates.engine._host._state_matched = {name: True for name in with_updates.engine._host._state_matched}
    without = Advisor(None)
    counting = Counting(monkeypatch)
    for sheet in sheets():
        before = counting.calls.get("update_state", 0)
        trace = without.run(sheet).trace
        assert counting.calls.get("update_state", 0) == before
        assert with_updates.run(sheet).trace == trace
    assert counting.calls["update_state"] > 0  # the forced advisor did call it


def test_a_state_deleted_inside_the_loop_is_made_anew_by_update_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """At the firing bound an action deletes the sheet's state while durable still has
    firings for it: the loop then calls update_state again, which makes the state anew
    (completing an action on a deleted state crashes durable)."""
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}}, firing_bound=2)
    assert not engine._host._state_matched["test"]
    counting = Counting(monkeypatch)
    for _ in range(3):
        with pytest.raises(Exception, match="bound of 2"):
            with engine.session() as session:
                session.assert_facts([{"id": str(n), "t": "fact", "value": 1} for n in range(6)])
    assert counting.calls.get("update_state", 0) >= 3
    with engine.session() as session:
        assert [a.rule for a in session.assert_facts([{"id": "a", "t": "fact", "value": 1}])] == ["small"]


def test_the_batch_ends_firing_is_known_by_its_text_and_read_when_it_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    texts: list[str] = []
    read = engine_module._read
    monkeypatch.setattr(engine_module, "_read", lambda text: texts.append(text) or read(text))
    advisor = Advisor(None)
    runs = [advisor.run(sheet).trace for sheet in sheets()[:10]]
    assert texts and not [text for text in texts if END_RULE in text]
    written = durable_json.batch_text

    def other_end(*args: Any) -> durable_json.Batch:  # as if durable wrote the end's firing otherwise
        batch = written(*args)
        batch.end = batch.end.replace(":{", ": {", 1)
        return batch

    monkeypatch.setattr(engine_module, "batch_text", other_end)
    texts.clear()
    assert [advisor.run(sheet).trace for sheet in sheets()[:10]] == runs
    assert [text for text in texts if text.startswith('{"' + END_RULE)]  # read, as any other firing


def test_a_keyed_fact_is_the_fact_encode_fact_makes_shared_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiler, "_kept_facts", TwoGenerations(5))
    rng = random.Random(5)
    for _ in range(200):
        name = rng.choice(["a", "b.c", "d"])
        value = rng.choice([True, 1, 1.0, 0.0, -0.0, "1", ["x", "y"], ("x", "y"), 2.5, None, [1]])
        fact, key = keyed_fact(name, value)
        assert fact == encode_fact(name, value) and key == fact_key(name, value)
        assert [type(item) for item in fact.values()] == [type(item) for item in encode_fact(name, value).values()]
        if key is not None:
            assert keyed_fact(name, value)[0] is fact
        assert len(compiler._kept_facts) <= 2 * 5  # two generations


def test_a_run_gives_durable_the_keyed_fact_of_each_fact_in_name_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run's plan (inference._Plan.stored, used for every batch) gives keyed_fact's facts and
    keys, the same shared fact for a key, in name order, through both generations of the store."""
    monkeypatch.setattr(compiler, "_kept_facts", TwoGenerations(5))
    plan = inference._Plan(Advisor(None).program)
    plan.tested = None  # every fact goes to durable
    rng = random.Random(6)
    for _ in range(200):
        facts = {rng.choice(["a", "b.c", "d", "e"]):
                 rng.choice([True, False, 1, 0, 1.0, 0.0, -0.0, "1", "", ["x", "y"], ("x",), 2.5, None, [1], 2**70])
                 for _ in range(rng.randrange(6))}
        store: dict[str, Any] = {}
        pending, keys = plan.stored(store, facts)
        named = sorted(facts.items())
        assert store == facts and keys == [fact_key(name, value) for name, value in named]
        assert pending == [encode_fact(name, value) for name, value in named]
        for fact, (name, value) in zip(pending, named):
            assert [type(item) for item in fact.values()] == [type(item) for item in encode_fact(name, value).values()]
            if fact_key(name, value) is not None:
                assert keyed_fact(name, value)[0] is fact
        assert len(compiler._kept_facts) <= 2 * 5


# --- a sheet's state cleared for the next one -------------------------------------------------


def test_sheets_in_sequence_share_one_cleared_state_and_fire_as_with_fresh_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each session retracts what it asserted, the last first, and the next one uses the same
    state: the same traces as with every state deleted and made anew, a failing sheet between."""
    cleared, fresh = Advisor(None), Advisor(None)
    fresh.engine._clear = lambda sid, sent: False  # type: ignore[method-assign]
    counting = Counting(monkeypatch)
    sids = set()
    for sheet in sheets():
        trace = cleared.run(sheet).trace
        sids.add(cleared.engine._free[-1])
        assert fresh.run(sheet).trace == trace
        assert cleared.engine._host.get_facts(cleared.engine.ruleset, cleared.engine._free[-1]) == []
    assert len(sids) == 1 and len(cleared.engine._free) == 1
    assert counting.calls["delete_state"] == len(sheets())  # the fresh advisor's only


def test_a_sheet_whose_call_went_wrong_is_deleted_and_its_state_not_used_again(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})
    with engine.session() as session:
        session.assert_facts([{"id": "a", "t": "fact", "value": 1}])
    [kept] = engine._free
    real = engine_module._bound_facts

    def broken(closure: Any) -> Any:
        raise RuntimeError("broken")

    monkeypatch.setattr(engine_module, "_bound_facts", broken)
    with pytest.raises(Exception, match="broken"):
        with engine.session() as session:
            assert session.sid == kept
            session.assert_facts([{"id": "a", "t": "fact", "value": 1}])
    assert engine._free == []  # deleted, not kept
    monkeypatch.setattr(engine_module, "_bound_facts", real)
    with engine.session() as session:
        assert session.sid != kept
        assert [a.rule for a in session.assert_facts([{"id": "a", "t": "fact", "value": 1}])] == ["small"]


def test_a_state_not_as_new_after_retracting_is_deleted(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})
    monkeypatch.setattr(engine._host, "retract_all", lambda *args: False)
    deleted = []
    delete = engine._host.delete_state
    monkeypatch.setattr(engine._host, "delete_state", lambda *args: deleted.append(args) or delete(*args))
    for _ in range(3):
        with engine.session() as session:
            assert [a.rule for a in session.assert_facts([{"id": "a", "t": "fact", "value": 1}])] == ["small"]
    assert len(deleted) == 3 and engine._free == []


def test_open_sessions_never_share_a_state_and_each_is_cleared() -> None:
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})
    with engine.session() as one, engine.session() as two:
        assert one.sid != two.sid
        assert [a.rule for a in one.assert_facts([{"id": "a", "t": "fact", "value": 1}])] == ["small"]
        assert [a.rule for a in two.assert_facts([{"id": "a", "t": "fact", "value": 2}])] == ["small"]
    assert sorted(engine._free) == sorted([one.sid, two.sid])
    for sid in engine._free:
        assert engine._host.get_facts(engine.ruleset, sid) == []
    with engine.session() as three:
        assert three.sid in (one.sid, two.sid)
        assert [a.rule for a in three.assert_facts([{"id": "a", "t": "fact", "value": 3}])] == ["small"]
