"""A batch ending with a fact of the engine's `end_type` (the inference's stage facts) needs no
end fact of its own (edge 15 in advise.engine.durable): the engine's own LAST_RULE fires on it,
last. A fact durable drops is still never lost, and a run gives what it gave with end facts."""

from __future__ import annotations

import json
import random
import sys
from typing import Any, Callable

import pytest

import advise.engine.durable as engine_module
from advise.advisor import Advisor
from advise.engine.compiler import STAGE
from advise.engine.durable import END_RULE, LAST_RULE, Engine
from advise.errors import AdviseError, EngineError
from advise.sheet.facts import fact_sheet_from_mapping, load_fact_sheet

from conftest import EXAMPLES, bench_generate, cutting

generate = bench_generate()

CATCH_ALL = {"all": [{"m": {"t": "fact"}}], "pri": 9999, "run": "$ignore"}
STAGED: dict[str, dict] = {"test": {
    "small": {"all": [{"m": {"$and": [{"t": "fact"}, {"$lte": {"value": 10}}]}},
                      {"s": {"$and": [{"t": "stage"}, {"stage": 1}]}}], "run": "small"},
    "staged": {"all": [{"s": {"$and": [{"t": "stage"}, {"stage": 2}]}}], "run": "staged"},
    "$catch-all": CATCH_ALL,
    "$catch-stages": {"all": [{"m": {"t": "stage"}}], "pri": 9999, "run": "$ignore"},
}}


def sheets() -> list[Any]:
    rng = random.Random(18)
    found = [load_fact_sheet(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
    return found + [fact_sheet_from_mapping(generate.sheet(rng, index)) for index in range(60)]


def batches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the batches advise hands durable from now on."""
    texts: list[str] = []
    real = engine_module._rules_engine

    class Recording:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        @staticmethod
        def assert_facts(handle: int, text: str) -> Any:
            texts.append(text)
            return real.assert_facts(handle, text)

    monkeypatch.setattr(engine_module, "_rules_engine", Recording())
    return texts


def without(fact_id: str) -> Callable[[str], str]:
    """The batch as durable reads it when it drops `fact_id` and every fact after it."""
    def cut(text: str) -> str:
        at = text.find(json.dumps({"id": fact_id})[:-1] + ",")
        assert at > 1, "the dropped fact must not be the first of the batch"
        return text[:at].rstrip(", ") + "]"
    return cut


def test_a_run_ends_its_batches_with_their_stage_fact_and_gives_what_end_facts_gave(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fast = Advisor(None)
    plain = Advisor(None)
    plain.engine = Engine(plain.program.definition, check=False)  # an end fact after every batch
    texts = batches(monkeypatch)
    for sheet in sheets():
        texts.clear()
        trace = fast.run(sheet).trace
        assert texts and all(json.loads(text)[-1]["t"] == STAGE for text in texts)
        assert not [text for text in texts if END_RULE in text]
        texts.clear()
        assert plain.run(sheet).trace == trace
        assert all(json.loads(text)[-1]["t"] == END_RULE for text in texts)


def test_a_batch_whose_last_stage_fact_durable_drops_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(STAGED, end_type="stage")
    cutting(monkeypatch, without("stage:1"))
    with engine.session() as session, pytest.raises(EngineError) as caught:
        session.assert_facts([{"id": "a", "t": "fact", "value": 1}, {"id": "stage:1", "t": "stage", "stage": 1}])
    assert "stage:1" in caught.value.problems[0].message("en")


def test_a_stage_fact_that_is_not_the_last_does_not_end_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """LAST_RULE fires on every stage fact: only its firing on the batch's last fact ends it."""
    engine = Engine(STAGED, end_type="stage")
    facts = [{"id": "a", "t": "fact", "value": 1}, {"id": "stage:1", "t": "stage", "stage": 1},
             {"id": "b", "t": "fact", "value": 2}, {"id": "stage:2", "t": "stage", "stage": 2}]
    with engine.session() as session:
        assert sorted(a.rule for a in session.assert_facts(facts)) == ["small", "small", "staged"]
    cutting(monkeypatch, without("b"))  # durable took stage:1, which LAST_RULE matched, then nothing
    with engine.session() as session, pytest.raises(EngineError) as caught:
        session.assert_facts(facts)
    assert "'b'" in caught.value.problems[0].message("en")


def test_a_batch_not_ending_with_a_stage_fact_still_gets_its_end_fact(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(STAGED, end_type="stage")
    texts = batches(monkeypatch)
    with engine.session() as session:
        assert [a.rule for a in session.assert_facts([{"id": "stage:1", "t": "stage", "stage": 1},
                                                      {"id": "a", "t": "fact", "value": 1}])] == ["small"]
    assert json.loads(texts[0])[-1]["t"] == END_RULE


def test_the_engines_last_rule_name_is_reserved() -> None:
    with pytest.raises(AdviseError) as caught:
        Engine({"test": {LAST_RULE: {"all": [{"m": {"t": "fact"}}], "run": "x"}}})
    assert "engine's own rule" in str(caught.value)


def test_the_engines_own_rules_fire_last_with_the_lowest_priority_a_rule_may_have() -> None:
    from advise.engine.durable_shapes import MAX_PRI

    assert engine_module.OWN_PRI == MAX_PRI


def test_a_run_on_a_cached_rule_base_does_not_import_the_definition_checks(tmp_path: Any) -> None:
    """durable_shapes is for checking a definition (before the cache keeps it): not start-up work."""
    import os
    import subprocess

    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    probe = ("import sys; from advise.advisor import Advisor; from advise.sheet.facts import load_fact_sheet; "
             f"Advisor(cache=True).run(load_fact_sheet({str(sorted(EXAMPLES.glob('*.yaml'))[0])!r})); "
             "print('advise.engine.durable_shapes' in sys.modules)")
    env = {key: value for key, value in os.environ.items() if key != "ADVISE_NO_CACHE"}
    env["ADVISE_CACHE_DIR"] = str(folder)
    runs = [subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs == ["True\n", "False\n"]  # checked when the rule base was compiled, then kept
