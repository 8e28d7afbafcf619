"""Rule book -> durable definition: strata, cycles, priorities, safe shapes, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from advise.engine.compiler import (
    CATCH_ALL_PRI,
    STAGE,
    compile_rulebook,
    dependencies,
    encode_fact,
    fact_pattern,
)
from advise.engine import durable_limits
from advise.engine.durable import Engine, check_definition
from advise.errors import RuleBookError
from advise.rulebase.operators import BOOL, LIST, NUMBER, OPERATORS, TEXT
from advise.rulebase.loading import load_rulebook
from advise.rulebase.model import Condition, RuleBook

from conftest import RULES, RuleBase, rule


@pytest.fixture(scope="module")
def real_book() -> RuleBook:
    return load_rulebook(RULES)


def line_of(path: Path, text: str) -> int:
    """1-based number of the line of `path` that contains `text`."""
    [number] = [index for index, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    return number


def cycle_error(rulebase: RuleBase) -> RuleBookError:
    book = rulebase.load()  # the rule files themselves are valid ...
    with pytest.raises(RuleBookError) as caught:
        compile_rulebook(book)  # ... the circle is found when ordering them
    return caught.value


# --- stratification -------------------------------------------------------------------


def assert_stratified(program: Any) -> None:
    """Every rule runs after every rule concluding a fact it reads; concluders share a stratum."""
    book = program.rulebook
    stratum = {rule_id: compiled.stratum for rule_id, compiled in program.rules.items()}
    concluders = book.concluders()
    for name, rules in concluders.items():
        assert {stratum[r.id] for r in rules} == {program.fact_level[name]}, name
    for rule_id, reads in dependencies(book).items():
        for name in reads:
            for concluder in concluders.get(name, []):
                assert stratum[rule_id] > stratum[concluder.id], (rule_id, name, concluder.id)
    assert [list(ids) for ids in program.strata[1:]] == [
        [r for r in program.rules if stratum[r] == k] for k in range(1, len(program.strata))]
    assert program.strata[0] == ()  # stratum 0: the sheet's facts


def test_the_real_rule_base_is_stratified(real_book: RuleBook) -> None:
    program = compile_rulebook(real_book)
    assert_stratified(program)
    assert len(program.strata) > 2


def test_a_rule_reading_a_derived_fact_runs_after_every_rule_concluding_it(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("flag-from-level", when=[{"level": "high"}], then={"set": {"flag": True}}),
        rule("level-from-score", when=[{"score": {"gt": 3}}], then={"set": {"level": "high"}}),
        rule("score-from-sheet", then={"set": {"score": "resources.weekly_hours"}}),
        rule("level-from-sheet", when=[{"business.local": True}], then={"set": {"level": "low"}}),
        rule("points-from-fit", then={"set": {"total_points": "floor(total(fit, ['facebook', 'x']))"}}),
        rule("fit-facebook", when=[{"business.local": True}], then={"add": {"fit.facebook": 2}}),
        rule("fit-x-later", when=[{"score": {"gt": 1}}], then={"add": {"fit.x": 1}}),
    )
    program = rulebase.program()
    assert_stratified(program)
    stratum = {rule_id: compiled.stratum for rule_id, compiled in program.rules.items()}
    assert stratum["score-from-sheet"] == 1
    # level-from-sheet could run at once, but it concludes `level` with level-from-score:
    # they share a stratum, so that their values are compared together.
    assert stratum["level-from-sheet"] == stratum["level-from-score"] == 2
    assert stratum["flag-from-level"] == 3
    # Reading the family `fit` waits for every rule adding to any of its members.
    assert stratum["fit-x-later"] == 2
    assert stratum["points-from-fit"] == 3
    assert program.fact_level == {"score": 1, "level": 2, "flag": 3, "total_points": 3, "fit.facebook": 1,
                                  "fit.x": 2}


def test_negated_conditions_count_as_reads(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("no-flag", when=[{"not": {"flag": True}}], then={"set": {"level": "low"}}),
        rule("flag", when=[{"business.local": True}], then={"set": {"flag": True}}),
    )
    program = rulebase.program()
    assert program.rules["flag"].stratum == 1
    assert program.rules["no-flag"].stratum == 2


def test_every_rule_waits_for_its_stage_and_tests_absence_after_it(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("flag", when=[{"business.local": True}], then={"set": {"flag": True}}),
        rule("mixed", when=[{"not": {"flag": True}}, {"any": [{"business.local": True}, {"objectives": {"empty": True}}]},
                            {"resources.weekly_hours": {"gt": 1}}], then={"set": {"level": "low"}}),
        rule("only-negation", when=[{"not": {"business.local": True}}], then={"set": {"score": 1}}),
    )
    program = rulebase.program()
    for rule_id, compiled in program.rules.items():
        for variant in compiled.variants:
            patterns = program.definition["advise"][variant]["all"]
            aliases = [next(iter(entry)) for entry in patterns]
            stage = aliases.index("stage")
            assert patterns[stage]["stage"] == {"$and": [{"t": STAGE}, {"stage": compiled.stratum}]}
            assert not aliases[0].endswith("$not")  # a rule starting with $not never fires (#94)
            assert all(alias.endswith("$not") for alias in aliases[stage + 1:])
            assert not any(alias.endswith("$not") for alias in aliases[:stage])
    # One durable rule per alternative of `any`: durable's own $any fires 2^n - 1 times.
    assert program.rules["mixed"].variants == ("mixed", "mixed#1")
    definition = program.definition["advise"]
    assert [next(iter(entry)) for entry in definition["mixed"]["all"]] == ["c0", "c1", "stage", "c3$not"]
    assert [next(iter(entry)) for entry in definition["mixed#1"]["all"]] == ["c0", "c2", "stage", "c3$not"]
    assert {definition[name]["run"] for name in program.rules["mixed"].variants} == {"mixed"}


# --- cycles ----------------------------------------------------------------------------


def test_two_rules_reading_each_others_conclusion_are_a_cycle(rulebase: RuleBase) -> None:
    path = rulebase.rules(
        "a.yaml",
        rule("score-from-level", when=[{"level": "high"}], then={"set": {"score": 1}}),
        rule("level-from-score", when=[{"score": {"gt": 0}}], then={"set": {"level": "high"}}),
    )
    error = cycle_error(rulebase)
    [problem] = error.problems
    first_line = line_of(path, "id: score-from-level")
    second_line = line_of(path, "id: level-from-score")
    assert problem.code == "rule-cycle"
    assert (problem.file, problem.line, problem.rule) == (str(path), first_line, "score-from-level")
    assert problem.message("en") == (
        "these rules depend on each other in a circle, so none can be decided first: "
        f"score-from-level ({path}:{first_line}), level-from-score ({path}:{second_line}) "
        "(level-from-score reads score, concluded by score-from-level; "
        "score-from-level reads level, concluded by level-from-score)")
    assert problem.message("fr").endswith(
        "(level-from-score lit score, conclu par score-from-level ; "
        "score-from-level lit level, conclu par level-from-score)")
    assert error.exit_code == 2


def test_a_cycle_across_files_names_each_rules_file(rulebase: RuleBase) -> None:
    first = rulebase.rules("a.yaml", rule("score-from-level", when=[{"level": "high"}], then={"set": {"score": 1}}))
    second = rulebase.rules("sub/b.yaml", rule("level-from-score", when=[{"score": {"gt": 0}}],
                                               then={"set": {"level": "high"}}))
    [problem] = cycle_error(rulebase).problems
    assert (problem.file, problem.rule) == (str(first), "score-from-level")
    assert f"level-from-score ({second}:" in problem.message("en")


def test_a_three_rule_cycle(rulebase: RuleBase) -> None:
    path = rulebase.rules(
        "a.yaml",
        rule("unrelated", then={"set": {"total_points": 1}}),
        rule("one", when=[{"flag": True}], then={"set": {"score": 1}}),
        rule("two", when=[{"score": 1}], then={"set": {"level": "low"}}),
        rule("three", when=[{"level": "low"}], then={"set": {"flag": True}}),
    )
    [problem] = cycle_error(rulebase).problems
    assert (problem.rule, problem.line) == ("one", line_of(path, "id: one"))
    message = problem.message("en")
    for rule_id in ("one", "two", "three"):
        assert f"{rule_id} ({path}:{line_of(path, 'id: ' + rule_id)})" in message
    assert "unrelated" not in message


def test_a_rule_reading_its_own_conclusion_is_a_cycle(rulebase: RuleBase) -> None:
    path = rulebase.rules("a.yaml", rule("grow", then={"set": {"score": "score + 1"}}))
    [problem] = cycle_error(rulebase).problems
    assert (problem.code, problem.rule, problem.file, problem.line) == ("rule-cycle", "grow", str(path),
                                                                       line_of(path, "id: grow"))
    assert "grow reads score, concluded by grow" in problem.message("en")


def test_a_cycle_through_rules_concluding_the_same_fact(rulebase: RuleBase) -> None:
    # score-a and score-b share a stratum (both conclude score); level reads score;
    # score-a reads level: no order satisfies all three.
    rulebase.rules(
        "a.yaml",
        rule("score-a", when=[{"level": "high"}], then={"set": {"score": 1}}),
        rule("level", then={"set": {"level": "'high' if score > 0 else 'low'"}}),
        rule("score-b", then={"set": {"score": 2}}),
    )
    [problem] = cycle_error(rulebase).problems
    message = problem.message("en")
    for rule_id in ("score-a", "score-b", "level"):
        assert f"{rule_id} (" in message
    assert "score-a and score-b both conclude score" in message


def test_a_rule_reading_what_a_rule_it_shares_a_conclusion_with_concludes_is_a_cycle(rulebase: RuleBase) -> None:
    # Both conclude `level`, so they share a stratum; level-too reads `score`, which
    # score-and-level concludes, so it must come later: both rules and both reasons are named.
    path = rulebase.rules(
        "a.yaml",
        rule("score-and-level", when=[{"business.local": True}], then={"set": {"score": 1, "level": "high"}}),
        rule("level-too", when=[{"score": {"gt": 0}}], then={"set": {"level": "low"}}),
    )
    [problem] = cycle_error(rulebase).problems
    assert (problem.rule, problem.file, problem.line) == ("score-and-level", str(path),
                                                          line_of(path, "id: score-and-level"))
    assert problem.message("en") == (
        "these rules depend on each other in a circle, so none can be decided first: "
        f"score-and-level ({path}:{line_of(path, 'id: score-and-level')}), "
        f"level-too ({path}:{line_of(path, 'id: level-too')}) "
        "(level-too reads score, concluded by score-and-level; score-and-level and level-too both conclude level)")


def test_a_cycle_is_found_among_rules_that_only_share_conclusions_or_read_defaults(rulebase: RuleBase) -> None:
    # Rules concluding one fact without reading each other are no circle, and a derived fact
    # with a default that no rule concludes is read from its default: neither hides the cycle.
    rulebase.rules(
        "a.yaml",
        rule("aa-low", when=[{"business.local": True}], then={"set": {"final_level": "low"}}),
        rule("aa-high", when=[{"business.local": False}], then={"set": {"final_level": "high"}}),
        rule("ab-bonus", when=[{"bonus": 0}], then={"set": {"total_points": 1}}),
        rule("score-from-flag", when=[{"flag": True}], then={"set": {"score": 1}}),
        rule("flag-from-score", when=[{"score": 1}], then={"set": {"flag": True}}),
    )
    [problem] = cycle_error(rulebase).problems
    assert problem.rule == "score-from-flag"
    assert "aa-" not in problem.message("en") and "ab-bonus" not in problem.message("en")


def test_a_cycle_downstream_of_other_rules_names_only_its_own_rules(rulebase: RuleBase) -> None:
    # a-start feeds the circle b-level <-> c-flag without being part of it.
    rulebase.rules(
        "a.yaml",
        rule("a-start", when=[{"business.local": True}], then={"set": {"score": 1}}),
        rule("b-level", when=[{"score": 1}, {"flag": True}], then={"set": {"level": "low"}}),
        rule("c-flag", when=[{"level": "low"}], then={"set": {"flag": True}}),
    )
    [problem] = cycle_error(rulebase).problems
    message = problem.message("en")
    assert problem.rule == "b-level" and "c-flag (" in message
    assert "a-start (" not in message


def test_two_cycles_one_feeding_the_other_are_both_reported(rulebase: RuleBase) -> None:
    # The circle a1 <-> a2 is found first; the circle b1 <-> b2 feeds it (a1 reads
    # final_level, which b1 concludes). Each circle is reported with its own rules only.
    rulebase.rules(
        "a.yaml",
        rule("a1", when=[{"score": 1}, {"final_level": "low"}], then={"set": {"level": "low"}}),
        rule("a2", when=[{"level": "low"}], then={"set": {"score": 1}}),
        rule("b1", when=[{"total_points": 1}], then={"set": {"final_level": "low", "flag": True}}),
        rule("b2", when=[{"flag": True}], then={"set": {"total_points": 1}}),
    )
    problems = cycle_error(rulebase).problems
    assert sorted(problem.rule for problem in problems) == ["a1", "b1"]
    for problem in problems:
        message = problem.message("en")
        ours, theirs = (("a1 (", "a2 ("), ("b1 (", "b2 (")) if problem.rule == "a1" else (("b1 (", "b2 ("), ("a1 (", "a2 ("))
        assert all(name in message for name in ours) and not any(name in message for name in theirs)


def test_cycles_reached_after_rules_already_visited_are_reported(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("a-one", when=[{"flag": True}], then={"set": {"score": 1}}),
        rule("a-two", when=[{"score": 1}], then={"set": {"flag": True}}),
        rule("b-grow", then={"set": {"total_points": "total_points + 1"}}),
    )
    assert sorted(problem.rule for problem in cycle_error(rulebase).problems) == ["a-one", "b-grow"]


def test_every_cycle_is_reported_at_once(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("score-from-level", when=[{"level": "high"}], then={"set": {"score": 1}}),
        rule("level-from-score", when=[{"score": {"gt": 0}}], then={"set": {"level": "high"}}),
        rule("grow", then={"set": {"total_points": "total_points + 1"}}),
    )
    problems = cycle_error(rulebase).problems
    assert sorted(problem.rule for problem in problems) == ["grow", "score-from-level"]


def test_rules_concluding_the_same_fact_without_reading_each_other_are_no_cycle(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("low", when=[{"business.local": True}], then={"set": {"level": "low"}}),
        rule("high", when=[{"business.local": False}], then={"set": {"level": "high"}}),
        rule("flag", when=[{"level": "low"}], then={"set": {"flag": True}}),
    )
    assert rulebase.program().rules["flag"].stratum == 2


def test_the_advisor_refuses_a_rule_base_with_a_cycle(rulebase: RuleBase) -> None:
    rulebase.rules("a.yaml", rule("grow", then={"set": {"score": "score + 1"}}))
    with pytest.raises(RuleBookError) as caught:
        rulebase.advisor()
    assert caught.value.codes == ["rule-cycle"]


# --- rules that could never fire --------------------------------------------------------


def test_a_rule_requiring_a_fact_no_rule_concludes_is_refused(rulebase: RuleBase) -> None:
    path = rulebase.write("a.yaml", """\
theme: time
rules:
  - id: needs-score
    title: {en: t, fr: t}
    when:
      - business.local: true
      - score: {gt: 3}
    then:
      set:
        flag: true
    because: {en: b, fr: b}
    source: s
  - id: computes-with-level
    title: {en: t, fr: t}
    then:
      set:
        total_points: "count(shortlist) + 1"
    because: {en: b, fr: b}
    source: s
""")
    with pytest.raises(RuleBookError) as caught:
        rulebase.program()
    problems = [(p.code, p.rule, p.file, p.line, p.params["name"]) for p in caught.value.problems]
    assert problems == [
        ("rule-reads-unconcluded", "needs-score", str(path), 7, "score"),
        ("rule-reads-unconcluded", "computes-with-level", str(path), 17, "shortlist"),
    ]
    assert "can never fire" in caught.value.problems[0].message("en")


def test_a_rule_reading_an_unconcluded_fact_twice_is_reported_once(rulebase: RuleBase) -> None:
    rulebase.rules("a.yaml", rule("score-between", when=[{"score": {"gt": 3}}, {"score": {"lt": 9}}]))
    with pytest.raises(RuleBookError) as caught:
        rulebase.program()
    assert [(p.code, p.rule) for p in caught.value.problems] == [("rule-reads-unconcluded", "score-between")]


def test_a_rule_computing_with_a_derived_fact_waits_until_it_is_concluded(rulebase: RuleBase) -> None:
    # score has no default: the rules computing with it fire only once a rule concluded it,
    # even when they only test its absence ("not above 5") or conclude a constant first.
    rulebase.rules(
        "a.yaml",
        rule("score-when-local", when=[{"business.local": True}], then={"set": {"score": 2}}),
        rule("points-unless-high", when=[{"not": {"score": {"gt": 5}}}], then={"set": {"total_points": "score + 1"}}),
        rule("flag-and-level", then={"set": {"flag": True, "level": "'low' if score < 3 else 'high'"}}),
    )
    trace = rulebase.run(**{"business.local": True})
    assert set(trace.fired_rules()) == {"score-when-local", "points-unless-high", "flag-and-level"}
    assert (trace.facts["total_points"], trace.facts["level"]) == (3, "low")
    assert rulebase.run(**{"business.local": False}).fired_rules() == ()


def test_absence_of_a_fact_no_rule_concludes_is_fine(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("no-score", when=[{"not": {"score": {"gt": 3}}}], then={"set": {"flag": True}}),
        rule("score-absent", when=[{"score": {"present": False}}], then={"set": {"level": "low"}}),
        rule("either", when=[{"any": [{"shortlist": {"empty": False}}, {"business.local": True}]}],
             then={"set": {"total_points": 1}}),
        rule("with-default", when=[{"bonus": 0}], then={"set": {"final_level": "low"}}),
    )
    trace = rulebase.run()
    assert set(trace.fired_rules()) == {"no-score", "score-absent", "either", "with-default"}


# --- priorities, shapes -------------------------------------------------------------------


def test_declared_priority_maps_to_pri_highest_first(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("p0", then={"set": {"level": "low"}}),
        rule("p30", then={"set": {"level": "low"}}, priority=30),
        rule("p1000", then={"set": {"level": "low"}}, priority=1000),
    )
    definition = rulebase.program().definition["advise"]
    assert {rule_id: definition[rule_id]["pri"] for rule_id in ("p0", "p30", "p1000")} == {
        "p0": 1000, "p30": 970, "p1000": 0}
    assert definition["$catch-all-facts"]["pri"] == definition["$catch-all-stages"]["pri"] == CATCH_ALL_PRI


def test_the_real_compiled_rule_base_passes_the_engines_checks(real_book: RuleBook) -> None:
    program = compile_rulebook(real_book)
    check_definition(program.definition)
    Engine(program.definition)


def test_every_operator_and_combination_compiles_to_a_safe_shape(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("all-ops", when=[
            {"resources.weekly_hours": {"gt": 1, "ge": 1, "lt": 100, "le": 100, "ne": 3, "in": [4, 5], "not_in": [7]}},
            {"business.audience": {"eq": "b2c", "in": ["b2c", "both"], "not_in": ["b2b"], "ne": "b2b"}},
            {"business.local": True},
            {"objectives": {"contains": "sales", "contains_any": ["sales", "community"], "only": "sales",
                            "empty": False, "size_eq": 1, "size_gt": 0, "size_lt": 3}},
            {"resources.monthly_budget": "thresholds.hours_per_profile"},
            {"any": [{"business.ecommerce": True}, {"all": [{"business.size": "tpe"}, {"profiles.planned": {"empty": False}}]}]},
            {"not": {"business.visual_products": True}},
        ], then={"set": {"score": 1}}),
        rule("on-derived", when=[{"score": {"present": True}}, {"not": {"flag": {"present": True}}}],
             then={"set": {"level": "low"}}),
    )
    program = rulebase.program()
    check_definition(program.definition)
    assert rulebase.run(**{"resources.monthly_budget": 2}).fired_rules() == ("all-ops", "on-derived")


def test_several_tests_on_one_fact_all_apply(rulebase: RuleBase) -> None:
    rulebase.rules("a.yaml", rule("between", when=[{"resources.weekly_hours": {"gt": 1, "lt": 10}}]),
                   rule("also-between", when=[{"resources.weekly_hours": {"gt": 1}},
                                              {"resources.weekly_hours": {"lt": 10}}], then={"set": {"score": 1}}))
    assert rulebase.run(**{"resources.weekly_hours": 4}).fired_rules() == ("between", "also-between")
    assert rulebase.run(**{"resources.weekly_hours": 12}).fired_rules() == ()
    assert rulebase.run(**{"resources.weekly_hours": 0.5}).fired_rules() == ()


def test_a_test_and_a_negated_test_on_the_same_fact(rulebase: RuleBase) -> None:
    rulebase.rules("a.yaml", rule("some-but-not-many", when=[{"resources.weekly_hours": {"gt": 1}},
                                                             {"not": {"resources.weekly_hours": {"gt": 5}}}]))
    assert rulebase.run(**{"resources.weekly_hours": 4}).fired_rules() == ("some-but-not-many",)
    assert rulebase.run(**{"resources.weekly_hours": 7}).fired_rules() == ()
    assert rulebase.run(**{"resources.weekly_hours": 1}).fired_rules() == ()


def test_a_fact_tested_both_alone_and_in_an_alternative(rulebase: RuleBase) -> None:
    # Two tests of one fact in separate places of the rule both bind that same fact.
    rulebase.rules("a.yaml", rule("some-hours-and-few-or-local", when=[
        {"resources.weekly_hours": {"gt": 1}},
        {"any": [{"resources.weekly_hours": {"lt": 10}}, {"business.local": True}]}]))
    assert rulebase.run(**{"resources.weekly_hours": 4, "business.local": False}).fired_rules() == (
        "some-hours-and-few-or-local",)
    assert rulebase.run(**{"resources.weekly_hours": 12, "business.local": False}).fired_rules() == ()


FOURTEEN_TRUE = [
    {"business.local": True}, {"business.ecommerce": True}, {"business.visual_products": True},
    {"resources.graphic_skills": True}, {"content.editorial_ideas": True}, {"content.can_reply_within_a_day": True},
    {"content.contests_planned": True}, {"content.audience_participation": True},
    {"resources.weekly_hours": {"gt": 0}}, {"resources.monthly_budget": {"gt": 0}}, {"objectives": {"empty": False}},
    {"profiles.planned": {"empty": False}}, {"business.size": "tpe"}, {"business.audience": "b2c"},
]
ALL_TRUE = {"business.ecommerce": True, "business.visual_products": True, "resources.graphic_skills": True,
            "content.editorial_ideas": True, "content.can_reply_within_a_day": True,
            "content.contests_planned": True, "content.audience_participation": True}


def test_a_rule_with_many_alternatives_that_all_hold_fires_once(rulebase: RuleBase) -> None:
    # durable's own $any fires once per subset of alternatives that hold: 2^14 - 1 here.
    rulebase.rules("a.yaml", rule("any-of-fourteen", when=[{"any": FOURTEEN_TRUE}]))
    trace = rulebase.run(**ALL_TRUE)
    assert trace.fired_rules() == ("any-of-fourteen",)
    assert len(trace.firings[0].matched) == 14


def test_a_rule_joining_too_many_facts_is_refused_before_it_runs(rulebase: RuleBase) -> None:
    path = rulebase.rules("a.yaml", rule("fifteen", when=FOURTEEN_TRUE + [{"profiles.existing": {"empty": True}}]),
                          rule("sixteen", when=FOURTEEN_TRUE + [{"profiles.existing": {"empty": True}},
                                                                {"business.name": {"ne": "x"}}],
                               then={"set": {"score": 1}}))
    with pytest.raises(RuleBookError) as caught:
        rulebase.program()
    [problem] = caught.value.problems
    assert (problem.code, problem.rule, problem.file, problem.line) == (
        "rule-too-many-facts", "sixteen", str(path), line_of(path, "id: sixteen"))
    assert problem.params == {"count": 16, "limit": 15}


def test_a_rule_at_the_join_limit_runs(rulebase: RuleBase) -> None:
    rulebase.rules("a.yaml", rule("fifteen", when=FOURTEEN_TRUE + [{"profiles.existing": {"empty": True}}]))
    assert rulebase.run(**ALL_TRUE).fired_rules() == ("fifteen",)


def test_too_many_combinations_of_alternatives_are_refused(rulebase: RuleBase) -> None:
    group = {"any": FOURTEEN_TRUE[:5]}
    path = rulebase.rules("a.yaml", rule("combinations", when=[group, group, group]))
    with pytest.raises(RuleBookError) as caught:
        rulebase.program()
    [problem] = caught.value.problems
    assert (problem.code, problem.rule, problem.params) == ("rule-too-many-alternatives", "combinations",
                                                            {"count": 125, "limit": 64})
    assert (problem.file, problem.line) == (str(path), line_of(path, "id: combinations"))


def test_a_rule_with_as_many_combinations_as_allowed_runs(rulebase: RuleBase) -> None:
    # Six `any` of two alternatives: 2^6 = 64 combinations, the limit, all holding: one firing.
    groups = [{"any": FOURTEEN_TRUE[2 * k:2 * k + 2]} for k in range(6)]
    rulebase.rules("a.yaml", rule("sixty-four", when=groups))
    assert len(rulebase.program().rules["sixty-four"].variants) == 64
    assert rulebase.run(**ALL_TRUE).fired_rules() == ("sixty-four",)


def test_negated_conditions_do_not_count_in_the_join_limit(rulebase: RuleBase) -> None:
    rulebase.rules("a.yaml", rule("fifteen-and-a-negation", when=FOURTEEN_TRUE + [
        {"profiles.existing": {"empty": True}}, {"not": {"business.name": "Closed"}}]))
    assert rulebase.run(**ALL_TRUE).fired_rules() == ("fifteen-and-a-negation",)


def test_a_rule_too_large_for_the_engine_is_named_with_its_file_and_line_even_through_an_alternative(
        rulebase: RuleBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # `either` runs as one durable rule per alternative; the one testing business.ecommerce
    # shares that condition with `sells-online`: the crowded condition still points at the file.
    path = rulebase.rules(
        "a.yaml",
        rule("either", when=[{"any": [{"business.local": True}, {"business.ecommerce": True}]}]),
        rule("sells-online", when=[{"business.ecommerce": True}], then={"set": {"score": 1}}),
    )
    monkeypatch.setattr(durable_limits, "MAX_JOINS", 1)
    with pytest.raises(RuleBookError) as caught:
        rulebase.program()
    named = [problem for problem in caught.value.problems if problem.rule]
    assert named and {problem.code for problem in caught.value.problems} == {"durable-limit"}
    # the alternative's own problem names the rule as written, never its variant `either#1`
    assert any(problem.rule == "either" for problem in named)
    for problem in named:
        assert "#" not in problem.rule and "#" not in problem.message("en")
        assert (problem.file, problem.line) == (str(path), line_of(path, f"id: {problem.rule}"))


def test_facts_are_encoded_with_a_unique_id_and_lists_with_their_size() -> None:
    assert encode_fact("objectives", ("sales", "community")) | {"b": 0} == {
        "id": "fact:objectives", "t": "fact", "b": 0, "name": "objectives", "value": ["sales", "community"],
        "count": 2}
    assert encode_fact("score", 2.5)["id"] != encode_fact("scores", 2.5)["id"]
    assert "count" not in encode_fact("score", 2.5)


# --- every operator's pattern agrees with its Python meaning --------------------------------------

SAMPLES: dict[str, list[Any]] = {
    NUMBER: [-1, 0, 1, 1.5, 2, 2.0, 3, 1000000],
    TEXT: ["a", "b", "c", "", "10"],
    BOOL: [True, False],
    LIST: [[], ["a"], ["b"], ["a", "b"], ["b", "c"], ["c", "a", "b"]],
}
OPERANDS: dict[str, list[Any]] = {
    "eq": [0, 2, 1.5, "a", "", True, False], "ne": [0, 2, "a", True],
    "lt": [0, 1.5, 2], "le": [0, 1.5, 2], "gt": [0, 1.5, 2], "ge": [0, 1.5, 2],
    "in": [(1, 2), ("a", "b"), (0,)], "not_in": [(1, 2), ("a", "b"), (3,)],
    "contains": ["a", "c"], "contains_any": [("a", "c"), ("d",)], "only": ["a", "b"],
    "empty": [True, False], "size_eq": [0, 1, 2], "size_gt": [0, 1, 2], "size_lt": [1, 2, 3],
}


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, tuple):
        return kind_of(value[0])
    return TEXT


@pytest.mark.parametrize("op", sorted(OPERANDS))
def test_each_operators_pattern_matches_exactly_what_it_means(op: str) -> None:
    operator = OPERATORS[op]
    conditions = {}
    for operand in OPERANDS[op]:
        for kind in operator.kinds:
            if operator.operand in ("scalar", "scalars", "number") and kind != kind_of(operand):
                continue
            conditions[f"r{len(conditions)}"] = (Condition(kind, op, operand), kind)
    assert conditions
    definition = {rule_id: {"all": [{"c": fact_pattern(condition)}], "run": rule_id}
                  for rule_id, (condition, _) in conditions.items()}
    definition["$catch-all"] = {"all": [{"m": {"t": "fact"}}], "pri": 9999, "run": "$ignore"}
    engine = Engine({"ops": definition})
    for kind in {kind for _, kind in conditions.values()}:
        for value in SAMPLES[kind]:
            with engine.session() as session:
                fired = {a.rule for a in session.assert_facts([encode_fact(kind, value)])}
            expected = {rule_id for rule_id, (condition, fact_kind) in conditions.items()
                        if fact_kind == kind and operator.evaluate(value, condition.operand)}
            assert fired == expected, (op, kind, value)


def test_every_operator_reads_in_both_languages() -> None:
    for name, operator in OPERATORS.items():
        assert operator.reads.keys() == operator.negated_reads.keys() == {"en", "fr"}, name


# --- determinism -------------------------------------------------------------------------------


def write_files(rulebase: RuleBase, order: list[str]) -> None:
    files = {
        "10-a.yaml": [rule("score", then={"set": {"score": "resources.weekly_hours"}}),
                      rule("level", when=[{"score": {"gt": 2}}], then={"set": {"level": "high"}})],
        "sub/20-b.yaml": [rule("flag", when=[{"level": "high"}, {"not": {"business.local": True}}]),
                          rule("fit", when=[{"business.local": True}], then={"add": {"fit.x": 1}})],
        "30-c.yaml": [rule("level-low", when=[{"score": {"le": 2}}], then={"set": {"level": "low"}}),
                      rule("points", then={"set": {"total_points": "floor(score)"}})],
    }
    for name in order:
        rulebase.rules(name, *files[name])


def test_the_definition_does_not_depend_on_the_order_files_are_created(tmp_path: Path) -> None:
    orders = [["10-a.yaml", "sub/20-b.yaml", "30-c.yaml"], ["30-c.yaml", "sub/20-b.yaml", "10-a.yaml"],
              ["sub/20-b.yaml", "30-c.yaml", "10-a.yaml"]]
    outputs = set()
    for index, order in enumerate(orders):
        rulebase = RuleBase(tmp_path / f"rules{index}")
        write_files(rulebase, order)
        program = rulebase.program()
        outputs.add((json.dumps(program.definition), program.strata, tuple(program.fact_level.items())))
    assert len(outputs) == 1
    [(text, strata, _)] = outputs
    assert list(json.loads(text)["advise"])[:6] == ["score", "fit", "level", "level-low", "points", "flag"]
    assert strata[1:] == (("score", "fit"), ("level", "level-low", "points"), ("flag",))


def test_compiling_twice_gives_the_same_definition(real_book: RuleBook) -> None:
    assert json.dumps(compile_rulebook(real_book).definition) == json.dumps(compile_rulebook(real_book).definition)
