"""durable_rules' fixed-size tables: the compiler splits crowded nodes so that large rule
bases fit, and refuses clearly (RuleBookError naming the rules) what would not, instead of
letting durable hang at registration or fail when a sheet arrives."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from advise.engine import durable_limits
from advise.engine.compiler import RULESET
from advise.engine.durable import Engine
from advise.errors import EngineError, RuleBookError

from conftest import RuleBase, bench_generate, rule, within

CATCH_ALL = {"all": [{"m": {"t": "fact"}}, {"never": {"t": "never"}}], "run": "$ignore"}


def fact_rule(name: str, *tests: dict) -> dict:
    return {"all": [{"c0": {"$and": [{"t": "fact"}, {"name": name}, *tests]}}]}


def definition(rules: dict[str, dict]) -> dict[str, dict]:
    """Each rule runs the action named like it."""
    return {RULESET: {**{rule_id: dict(body, run=rule_id) for rule_id, body in rules.items()},
                      "$catch-all": CATCH_ALL}}


def fired(engine: Engine, *facts: dict) -> list[str]:
    with engine.session() as session:
        return sorted(a.rule for a in session.assert_facts(list(facts)))


def test_more_than_512_distinct_tests_under_one_node_is_found_not_registered() -> None:
    raw = definition({f"r{i}": fact_rule("hours", {"value": i}) for i in range(600)})
    problems = durable_limits.check(raw)
    assert [p.code for p in problems] == ["durable-limit"]
    assert "distinct tests under one test" in problems[0].message("en")
    # Split, the same rules register at once and each still fires alone.
    fitted = durable_limits.fit(copy.deepcopy(raw))
    assert durable_limits.check(fitted) == []
    engine = within(30, lambda: Engine(fitted, check=False))
    assert fired(engine, {"id": "f", "t": "fact", "name": "hours", "value": 599}) == ["r599"]
    assert fired(engine, {"id": "f", "t": "fact", "name": "hours", "value": 3}) == ["r3"]


def test_300_rules_sharing_one_pattern_fail_in_durable_but_fit_once_split() -> None:
    raw = definition({f"r{i}": fact_rule("local", {"value": True}) for i in range(300)})
    problems = durable_limits.check(raw)
    assert problems and "identical in many rules" in problems[0].message("en")
    with pytest.raises(EngineError, match="108"):
        Engine(copy.deepcopy(raw), check=False)
    fitted = durable_limits.fit(copy.deepcopy(raw))
    assert durable_limits.check(fitted) == []
    engine = Engine(fitted, check=False)
    assert len(fired(engine, {"id": "f", "t": "fact", "name": "local", "value": True})) == 300


def test_many_contains_tests_on_one_list_overflow_durable_stack_unless_split() -> None:
    raw = definition({f"r{i}": fact_rule("objectives", {"$iany": {"value": {"$i": "sales"}}}) for i in range(80)})
    assert any("at once" in p.message("en") for p in durable_limits.check(raw))
    with pytest.raises(EngineError):  # error 303 when the fact arrives
        fired(Engine(copy.deepcopy(raw), check=False), {"id": "f", "t": "fact", "name": "objectives",
                                                         "value": ["sales"]})
    fitted = durable_limits.fit(copy.deepcopy(raw))
    assert durable_limits.check(fitted) == []
    engine = Engine(fitted, check=False)
    assert len(fired(engine, {"id": "f", "t": "fact", "name": "objectives", "value": ["sales", "x"]})) == 80
    assert fired(engine, {"id": "f", "t": "fact", "name": "objectives", "value": ["x"]}) == []


def test_more_than_4096_rules_is_refused() -> None:
    raw = definition({f"r{i}": fact_rule(f"f{i % 300}", {"value": i}) for i in range(4100)})
    problems = durable_limits.check(durable_limits.fit(raw))
    assert any("rules in one ruleset" in p.message("en") for p in problems)


def test_the_compiler_refuses_what_cannot_fit_with_the_rules_named(rulebase: RuleBase,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    rulebase.rules("a.yaml", *[rule(f"hours-{i}", when=[{"resources.weekly_hours": {"gt": i}}],
                                    then={"set": {"flag": True}}) for i in range(30)])
    monkeypatch.setattr(durable_limits, "MAX_RULES", 20)
    with pytest.raises(RuleBookError) as caught:
        rulebase.program()
    problem = caught.value.problems[0]
    assert problem.code == "durable-limit" and problem.file and problem.file.endswith("a.yaml")
    assert problem.line is not None and problem.rule == "hours-0"


def test_a_rule_with_alternatives_is_named_as_the_consultant_wrote_it(rulebase: RuleBase,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def either(i: int) -> list[dict]:
        return [{"any": [{"resources.weekly_hours": {"gt": i}}, {"resources.monthly_budget": {"gt": i}}]}]

    rulebase.rules("a.yaml", *[rule(f"either-{i}", when=either(i), then={"set": {"flag": True}}) for i in range(12)])
    monkeypatch.setattr(durable_limits, "MAX_RULES", 20)  # 24 variants, plus the compiler's own
    with pytest.raises(RuleBookError) as caught:
        rulebase.program()
    problem = caught.value.problems[0]
    assert problem.code == "durable-limit" and problem.rule == "either-0"
    assert "#" not in problem.message("en") and "either-0, either-1" in problem.message("en")


def test_a_crowded_rule_base_compiles_and_gives_the_same_answers(rulebase: RuleBase) -> None:
    # 300 rules on one condition, 40 `contains` on one list, 40 thresholds on one number.
    rules = [rule(f"same-{i}", when=[{"business.local": True}], then={"set": {"flag": True}}) for i in range(300)]
    rules += [rule(f"sales-{i}", when=[{"objectives": {"contains": "sales"}}], then={"set": {"flag": True}})
              for i in range(40)]
    rules += [rule(f"above-{i}", when=[{"resources.monthly_budget": {"gt": i * 10}}], then={"set": {"flag": True}})
              for i in range(40)]
    rulebase.rules("a.yaml", *rules)
    trace = rulebase.run(**{"business.local": True, "objectives": ["sales"], "resources.monthly_budget": 95})
    names = trace.fired_rules()
    assert len(names) == 300 + 40 + 10
    assert rulebase.run(**{"business.local": False, "objectives": [], "resources.monthly_budget": 0}).fired_rules() == ()


@pytest.mark.slow
def test_a_generated_rule_base_of_2000_rules_fits_and_runs(tmp_path: Any) -> None:
    import random

    from advise.advisor import Advisor
    from advise.sheet.facts import fact_sheet_from_mapping

    generate = bench_generate()

    folder = generate.rule_base(tmp_path / "rules", 2000)
    advisor = within(120, lambda: Advisor(folder))
    assert len(advisor.rulebook.rules) == 2000
    usage = durable_limits.usage(advisor.program.definition)
    assert all(used <= size for used, size in usage.values()), usage
    rng = random.Random(3)
    for index in range(3):
        trace = advisor.run(fact_sheet_from_mapping(generate.sheet(rng, index))).trace
        assert trace.firings
