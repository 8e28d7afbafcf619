"""What the durable_rules adapter tells its caller, and the work it asks of durable: each
error names its cause in words a maintainer can act on, the firings carry their facts
under the rule's own aliases, and closing a sheet costs no needless call to durable.

Hand-written definitions, as in test_durable.py (its edges are numbered as in
advise.engine.durable)."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

import pytest

import advise.engine.durable as engine_module
from advise.engine.durable import CLOSE_RULE, Engine, check_definition
from advise.errors import CycleError, EngineError


CATCH_ALL = {"all": [{"m": {"t": "fact"}}], "pri": 9999, "run": "$ignore"}
SMALL = {"all": [{"m": {"$and": [{"t": "fact"}, {"$lte": {"value": 10}}]}}], "run": "small"}


def fact(fact_id: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {"id": fact_id, "t": "fact", "value": value, **extra}


def run(engine: Engine, *facts: dict[str, Any]) -> list[str]:
    with engine.session() as session:
        return [activation.rule for activation in session.assert_facts(list(facts))]


# --- errors in the definition, said in words ---------------------------------------------


def test_an_engine_given_two_rulesets_says_it_expects_one() -> None:
    with pytest.raises(EngineError) as caught:
        Engine({"a": {"small": SMALL}, "b": {"small": SMALL}})
    assert caught.value.codes == ["engine-bad-definition"]
    assert caught.value.problems[0].message("en") == (
        "the compiled ruleset has a shape the engine cannot run safely: exactly one ruleset expected")


def test_a_rule_named_like_the_engines_own_says_so() -> None:
    with pytest.raises(EngineError) as caught:
        Engine({"test": {CLOSE_RULE: {"all": [{"m": {"t": "x"}}], "run": "x"}}})
    assert caught.value.codes == ["engine-bad-definition"]
    assert caught.value.problems[0].message("en").endswith("'$advise-close' is the engine's own rule")


def test_a_definition_durable_refuses_at_registration_is_an_engine_failure_in_its_words() -> None:
    with pytest.raises(EngineError) as caught:
        Engine({"test": {"r": {"all": [{"m": {"$foo": {"x": 1}}}], "run": "r"}}}, check=False)
    assert caught.value.codes == ["engine-failed"]
    assert caught.value.problems[0].message("en") == (
        "the rule engine failed: Could not create ruleset, error code: 202")


@pytest.mark.parametrize("batched", ["count", "cap"])
def test_a_rule_firing_once_for_many_facts_is_refused(batched: str) -> None:
    """durable hands such a firing its facts as a list bound to no alias: the firing would
    carry none of them."""
    with pytest.raises(EngineError) as caught:
        check_definition({"test": {"r": {"all": [{"m": {"t": "fact"}}], batched: 2, "run": "r"}}})
    [problem] = caught.value.problems
    assert problem.rule == "r"
    assert problem.params["reason"] == f"'{batched}' is not supported: each firing must bind its facts to aliases"


# --- errors while a sheet runs -------------------------------------------------------------


def test_a_closed_session_says_which_and_why() -> None:
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})
    with engine.session() as session:
        session.assert_facts([fact("a", 1)])
    with pytest.raises(EngineError) as caught:
        session.assert_facts([fact("b", 2)])
    assert caught.value.codes == ["engine-failed"]
    assert caught.value.problems[0].message("en") == f"the rule engine failed: session {session.sid} is closed"


def test_an_error_of_durables_own_blames_no_fact(monkeypatch: pytest.MonkeyPatch) -> None:
    """A TypeError or ValueError raised inside durable, while every fact encodes, is an
    engine failure in durable's words, not a refused fact."""
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})

    def fails(*args: Any) -> None:
        raise ValueError("durable's own words")

    monkeypatch.setattr(engine._host, "assert_facts", fails)
    with pytest.raises(EngineError) as caught:
        with engine.session() as session:
            session.assert_facts([fact("a", 1, name="business.local")])
    assert caught.value.codes == ["engine-failed"]
    assert caught.value.problems[0].message("en") == "the rule engine failed: durable's own words"


# --- the firing bound (edge 9) ---------------------------------------------------------------


def test_a_sheet_firing_exactly_the_bound_runs_and_one_more_firing_stops_it() -> None:
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}}, firing_bound=3)
    with engine.session() as session:
        assert [a.rule for a in session.assert_facts([fact(n, 1) for n in "abc"])] == ["small"] * 3
    with pytest.raises(CycleError) as caught:
        with engine.session() as session:
            session.assert_facts([fact(n, 1) for n in "abcd"])
    assert caught.value.problems[0].message("en") == (
        "rules kept firing past the bound of 3 firings for one sheet (a cycle); most frequent: small (4x)")


def test_a_cycle_names_the_five_busiest_rules_most_frequent_first_then_by_name() -> None:
    """Rules of equal count come by name, whatever order they fired in (here b6 first)."""
    rules: dict[str, dict] = {f"b{i}": {"all": [{"m": {"$and": [{"t": "fact"}, {"value": i}]}}], "run": f"b{i}"}
                              for i in (6, 5, 4, 3, 2, 1)}
    # Checked shapes only: durable_rules 2.0.28 can segfault on a runaway unchecked definition
    # (seen in CI); here `spin` fires once per fact and the fillers push it past the bound.
    spin = {"all": [{"m": {"$and": [{"t": "fact"}, {"$lte": {"value": 100}}]}}], "run": "spin"}
    engine = Engine({"test": {**rules, "spin": spin, "$catch-all": CATCH_ALL}}, firing_bound=30)
    fillers = [fact(f"f{n}", 50) for n in range(20)]
    with pytest.raises(CycleError) as caught:
        run(engine, *[fact(str(i), i) for i in (6, 5, 4, 3, 2, 1)], *fillers)
    assert caught.value.rule == "spin"
    assert re.search(r"most frequent: spin \(\d+x\), b1 \(1x\), b2 \(1x\), b3 \(1x\), b4 \(1x\)$",
                     caught.value.problems[0].message("en"))


def test_an_interrupt_inside_a_rule_stops_the_sheet_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in an action ends the sheet there: no further firing is read, even with more
    activations waiting."""
    reads = []

    def interrupted(closure: Any) -> list:
        reads.append(closure)
        raise KeyboardInterrupt

    monkeypatch.setattr(engine_module, "_bound_facts", interrupted)
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}}, firing_bound=200)
    with pytest.raises(KeyboardInterrupt):
        run(engine, *[fact(n, 1) for n in "abcde"])  # five activations of `small`
    assert len(reads) == 1


# --- what durable logs ---------------------------------------------------------------------


def test_durables_log_is_left_as_it_is_for_a_program_using_it(caplog: pytest.LogCaptureFixture) -> None:
    """advise's use of durable logs nothing (its Python layer, which logs, is not used); a
    program that also uses durable directly keeps durable's log, on any thread."""
    caplog.set_level(logging.DEBUG)
    engine = Engine({"test": {"small": SMALL}})
    with pytest.raises(EngineError):  # the unmatched fact: raised, not logged
        with engine.session() as session:
            session.assert_facts([fact("a", 20)])
    logging.getLogger("durable").warning("the program's own use of durable")
    elsewhere = threading.Thread(target=lambda: logging.getLogger("durable").warning("on a thread advise never ran on"))
    elsewhere.start()
    elsewhere.join()
    assert [record.getMessage() for record in caplog.records if record.name.startswith("durable")] == [
        "the program's own use of durable", "on a thread advise never ran on"]


# --- what firings carry (edge 10) ------------------------------------------------------------


def test_facts_matched_inside_nested_groups_are_bound_to_their_own_aliases() -> None:
    group = {"g$any": [{"a": {"t": "a"}}, {"h$all": [{"b": {"t": "b"}}, {"c": {"t": "c"}}]}]}
    engine = Engine({"test": {"g": {"all": [group], "run": "g"}, "$catch-all": {**CATCH_ALL, "all": [
        {"m": {"t": "never"}}]}}})
    with engine.session() as session:
        activations = session.assert_facts([{"id": "1", "t": "b"}, {"id": "2", "t": "c"}, {"id": "3", "t": "a"}])
    bound = [{alias: fact["id"] for alias, fact in activation.bindings.items()} for activation in activations]
    assert {"b": "1", "c": "2"} in bound and {"a": "3"} in bound
    assert all(set(one) in ({"a"}, {"b", "c"}, {"a", "b", "c"}) for one in bound)


def test_an_alias_named_like_a_fact_property_inside_a_group_still_binds_its_fact() -> None:
    """A group whose aliases are 'id' and 'x' is not taken for a fact."""
    group = {"g$all": [{"id": {"t": "a"}}, {"x": {"t": "b"}}]}
    engine = Engine({"test": {"g": {"all": [group], "run": "g"}, "$catch-all": {**CATCH_ALL, "all": [
        {"m": {"t": "never"}}]}}})
    with engine.session() as session:
        [activation] = session.assert_facts([{"id": "1", "t": "a"}, {"id": "2", "t": "b"}])
    assert {alias: fact["id"] for alias, fact in activation.bindings.items()} == {"id": "1", "x": "2"}


def test_a_matched_fact_without_an_id_or_a_type_is_bound_too() -> None:
    engine = Engine({"test": {"kind": {"all": [{"m": {"kind": "x"}}], "run": "kind"}}})
    with engine.session() as session:
        [activation] = session.assert_facts([{"kind": "x", "value": 1}])
    assert activation.bindings["m"]["value"] == 1


# --- the work asked of durable ----------------------------------------------------------------


class CountingHost:
    """Counts the calls an engine makes to its durable host, by name."""

    def __init__(self, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        for name in ("assert_facts", "delete_state", "get_facts", "retract_all"):
            real = getattr(engine._host, name)
            monkeypatch.setattr(engine._host, name, self._counted(name, real))

    def _counted(self, name: str, real: Any) -> Any:
        def counted(*args: Any) -> Any:
            self.calls.append(name)
            return real(*args)

        return counted


def test_a_session_that_asserted_nothing_asks_nothing_of_durable(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})
    host = CountingHost(engine, monkeypatch)
    with engine.session() as session:
        assert session.assert_facts([]) == []
    assert host.calls == []


@pytest.mark.parametrize("value,fired", [(1, ["small"]), (20, [])], ids=["a rule fired", "only the catch-all"])
def test_a_sheet_on_which_durable_ran_an_action_is_cleared_at_once(monkeypatch: pytest.MonkeyPatch,
                                                                   value: int, fired: list[str]) -> None:
    """Closing asserts the engine's own fact only when durable never ran an action for the
    sheet (edge 13): an ignored rule's firing counts as one. The state is cleared for the
    next sheet (its facts retracted), not deleted."""
    engine = Engine({"test": {"small": SMALL, "$catch-all": CATCH_ALL}})
    host = CountingHost(engine, monkeypatch)
    with engine.session() as session:
        assert [a.rule for a in session.assert_facts([fact("a", value, name="business.local")])] == fired
        assert [a.rule for a in session.assert_facts([fact("b", 30, name="business.local")])] == []
    assert host.calls == ["assert_facts", "assert_facts", "retract_all"]
