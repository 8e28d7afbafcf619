"""advise's own action loop (edge 16 in advise.engine.durable) gives what durable's own loop
gives: the same firings in the same order, the same cycles stopped at the same count, the
same errors, on the real rule base and on hand-written definitions."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import durable.engine as durable_engine
import pytest

import advise.engine.durable as engine_module
from advise.engine.durable_json import Batch, to_json
from advise.advisor import Advisor
from advise.engine.durable import Engine
from advise.errors import AdviseError, CycleError
from advise.sheet.facts import fact_sheet_from_mapping, load_fact_sheet

from conftest import EXAMPLES, bench_generate, within

generate = bench_generate()

CATCH_ALL = {"all": [{"m": {"t": "fact"}}], "pri": 9999, "run": "$ignore"}
LOOSE: dict[str, dict] = {"test": {
    "loose": {"all": [{"m": {"$nex": {"type": 1}}}], "run": "loose"},
    "small": {"all": [{"m": {"$and": [{"t": "fact"}, {"$lte": {"value": 10}}]}}], "run": "small"},
    "$catch-all": CATCH_ALL,
}}


class DurablesJson:
    """The `json` module as durable.engine sees it here: what it writes is written as advise
    writes it (edge 15), a batch's text as advise made it."""

    @staticmethod
    def dumps(value: Any, **_: Any) -> str:
        return value.text if isinstance(value, Batch) else to_json(value)

    loads = staticmethod(json.loads)
    JSONDecodeError = json.JSONDecodeError


class DurablesHost(durable_engine.Host):
    """durable's own Host, registration and action loop (durable.engine, which advise does
    not use) in place of advise's _Host: actions from the engine's table, no timer threads
    (edge 2), JSON written as advise writes it (edge 15)."""

    def __init__(self, definition: dict, actions: dict[str, Any], text: str | None = None) -> None:
        self._actions = actions  # before Host.__init__, which asks for them
        super().__init__()
        self.register_rulesets(definition)

    def get_action(self, action_name: str) -> Any:
        return self._actions[action_name]

    def _run(self) -> None:  # no dispatch or timer threads
        return None


@pytest.fixture
def durables_loop(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Makes the engines built inside the `with` registered and run by durable's own Host."""
    class Within:
        def __enter__(self) -> None:
            monkeypatch.setattr(engine_module, "_Host", DurablesHost)
            monkeypatch.setattr(durable_engine, "json", DurablesJson)

        def __exit__(self, *exc: Any) -> None:
            monkeypatch.undo()

    return Within()


def _outcome(run: Any) -> Any:
    try:
        return run()
    except AdviseError as error:
        return type(error).__name__, [problem.message("en") for problem in error.problems]


def test_the_real_rule_base_fires_as_with_durables_loop(durables_loop: Any) -> None:
    ours = Advisor(None)
    with durables_loop:
        theirs = Advisor(None)
    rng = random.Random(16)
    sheets = [load_fact_sheet(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
    sheets += [fact_sheet_from_mapping(generate.sheet(rng, index)) for index in range(60)]
    for sheet in sheets:
        mine = ours.run(sheet).trace
        with durables_loop:
            reference = theirs.run(sheet).trace
        assert mine == reference
        assert [firing.rule for firing in mine.firings] == [firing.rule for firing in reference.firings]


@pytest.mark.parametrize("bound", [1, 5, 50])
def test_a_cycle_stops_at_the_same_count_and_leaves_the_engine_usable(durables_loop: Any, bound: int) -> None:
    def cycle(engine: Engine) -> Any:
        results = []
        for value in (1, 20, 1):
            with engine.session() as session:
                results.append(_outcome(lambda: [a.rule for a in session.assert_facts(
                    [{"id": "a", "t": "fact", "value": value}])]))
        return results

    ours = within(30, lambda: cycle(Engine(copy.deepcopy(LOOSE), check=False, firing_bound=bound)))
    with durables_loop:
        theirs = within(30, lambda: cycle(Engine(copy.deepcopy(LOOSE), check=False, firing_bound=bound)))
    assert ours == theirs
    assert ours[0][0] == "CycleError"


def test_sheets_past_the_live_limit_run_after_cycles(durables_loop: Any) -> None:
    engine = Engine(copy.deepcopy(LOOSE), check=False, firing_bound=3)
    for _ in range(1100):  # each stopped sheet's state is deleted: more than durable's 1024
        with pytest.raises(CycleError), engine.session() as session:
            session.assert_facts([{"id": "a", "t": "fact", "value": 1}])


def test_an_action_that_raises_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should an action ever raise past advise's own wrapper, the loop stops with it (durable's
    loop would swallow it, edge 1), and the engine is usable for the next sheet."""
    definition = {"test": {"small": LOOSE["test"]["small"], "$catch-all": CATCH_ALL}}
    engine = Engine(definition)
    real = engine._host._run_by_rule["test"]["small"]
    calls = []

    def failing(firing: Any) -> None:
        calls.append(firing)
        raise OSError("disk")

    monkeypatch.setitem(engine._host._run_by_rule["test"], "small", failing)
    with pytest.raises(Exception) as caught, engine.session() as session:
        session.assert_facts([{"id": "a", "t": "fact", "value": 1}, {"id": "b", "t": "fact", "value": 2}])
    assert "disk" in str(caught.value) and calls
    monkeypatch.setitem(engine._host._run_by_rule["test"], "small", real)
    with engine.session() as session:
        assert [a.rule for a in session.assert_facts([{"id": "a", "t": "fact", "value": 1}])] == ["small"]


def test_the_engines_own_batch_end_rule_name_is_reserved() -> None:
    with pytest.raises(AdviseError) as caught:
        Engine({"test": {engine_module.END_RULE: {"all": [{"m": {"t": "fact"}}], "run": "x"}}})
    assert "engine's own rule" in str(caught.value)


def test_the_batch_end_is_neither_reported_nor_counted() -> None:
    """The engine's own firing at the end of every batch is not a firing of the rule base:
    not in the activations, not counted by the firing bound."""
    definition = {"test": {"small": LOOSE["test"]["small"], "$catch-all": CATCH_ALL}}
    engine = Engine(definition, firing_bound=2)
    with engine.session() as session:
        assert [a.rule for a in session.assert_facts([{"id": "a", "t": "fact", "value": 1},
                                                      {"id": "b", "t": "fact", "value": 2}])] == ["small", "small"]
        assert session.assert_facts([{"id": "c", "t": "fact", "value": 20}]) == []


def test_the_loop_reads_durables_json_as_json_loads_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """advise's loop reads what durable hands back with the C scanner at once (`_read`): the
    same values as json.loads, for every text of a real run and for texts durable does not write."""
    import json

    texts: list[str] = []
    read = engine_module._read
    monkeypatch.setattr(engine_module, "_read", lambda text: texts.append(text) or read(text))
    advisor = Advisor(None)
    for path in sorted(EXAMPLES.glob("*.yaml"))[:4]:
        advisor.run(load_fact_sheet(path))
    assert len(texts) > 20
    odd = [' {"a": 1}', '{"a": [1.0e-05, "é\\u00e9", null, true]}\n', "[]", '"x"', "12"]
    for text in texts + odd:
        assert repr(read(text)) == repr(json.loads(text))
    for broken in ('{"a": 1} x', "", "{", '{"a": 1}{"b": 2}'):
        with pytest.raises(json.JSONDecodeError) as ours:
            read(broken)
        with pytest.raises(json.JSONDecodeError) as theirs:
            json.loads(broken)
        assert str(ours.value) == str(theirs.value)
