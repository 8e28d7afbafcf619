"""Forward chaining: agreement, priority and conflict, sums, defaults, errors, and the trace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from advise.advisor import Advisor
from advise.errors import ConflictError, RuleRunError
from advise.rulebase.model import RuleBook
from advise.engine.trace import Trace
from advise.sheet.facts import load_fact_sheet

from conftest import EXAMPLES, RULES, RuleBase, rule, sheet_facts


def line_of(path: Path, text: str) -> int:
    [number] = [index for index, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    return number


# --- several rules concluding one fact ---------------------------------------------------


def test_conflicting_conclusions_of_equal_priority_name_both_rules(rulebase: RuleBase) -> None:
    path = rulebase.rules(
        "a.yaml",
        rule("level-low-when-local", when=[{"business.local": True}], then={"set": {"level": "low"}}),
        rule("level-high-with-time", when=[{"resources.weekly_hours": {"gt": 1}}], then={"set": {"level": "high"}}),
    )
    with pytest.raises(ConflictError) as caught:
        rulebase.run()
    [problem] = caught.value.problems
    assert problem.code == "rule-conflict"
    assert problem.params == {"fact": "level", "first": "level-low-when-local", "first_value": "'low'",
                              "second": "level-high-with-time", "second_value": "'high'"}
    assert (problem.rule, problem.file, problem.line) == ("level-low-when-local", str(path),
                                                          line_of(path, "id: level-low-when-local"))
    message = problem.message("en")
    assert "level-low-when-local" in message and "level-high-with-time" in message
    assert "priorit" in problem.message("fr")
    assert isinstance(caught.value, RuleRunError) and caught.value.exit_code == 2  # the rule base is wrong


def test_a_conflict_is_found_whichever_rule_fires_first(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("agree-one", when=[{"business.local": True}], then={"set": {"score": 2}}),
        rule("agree-two", when=[{"business.audience": "b2c"}], then={"set": {"score": 2}}),
        rule("disagree", when=[{"objectives": {"contains": "sales"}}], then={"set": {"score": 3}}),
    )
    with pytest.raises(ConflictError) as caught:
        rulebase.run()
    params = caught.value.problems[0].params
    assert {params["first"], params["second"]} == {"agree-one", "disagree"}
    # ... and no conflict when the disagreeing rule does not fire.
    assert rulebase.run(objectives=[]).facts["score"] == 2


def test_the_higher_priority_wins_and_the_trace_shows_the_overruled_rule(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("level-high", when=[{"resources.weekly_hours": {"gt": 1}}], then={"set": {"level": "high"}}),
        rule("level-low-first", when=[{"business.local": True}], then={"set": {"level": "low"}}, priority=10),
        rule("level-medium", when=[{"business.audience": "b2c"}], then={"set": {"level": "medium"}}, priority=5),
    )
    trace = rulebase.run()
    assert trace.facts["level"] == "low"
    winner, loser, other = trace.fired("level-low-first"), trace.fired("level-high"), trace.fired("level-medium")
    assert winner and loser and other
    assert winner.overruled == {}
    assert loser.overruled == {"level": "level-low-first"}
    assert other.overruled == {"level": "level-low-first"}
    assert loser.concluded == {"level": "high"}  # what it said is kept in the trace
    derivation = trace.derivations["level"]
    assert derivation.steps == (winner.step,)
    assert sorted(derivation.overruled_steps) == sorted((loser.step, other.step))


def test_a_lower_priority_rule_agreeing_with_the_winner_is_not_overruled(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("low-strong", when=[{"business.local": True}], then={"set": {"level": "low"}}, priority=10),
        rule("low-weak", when=[{"business.audience": "b2c"}], then={"set": {"level": "low"}}),
        rule("high-weak", when=[{"resources.weekly_hours": {"gt": 1}}], then={"set": {"level": "high"}}),
    )
    trace = rulebase.run()
    assert trace.facts["level"] == "low"
    assert trace.fired("low-weak").overruled == {}
    assert trace.fired("high-weak").overruled == {"level": "low-strong"}
    assert set(trace.derivations["level"].steps) == {trace.fired("low-strong").step, trace.fired("low-weak").step}


def test_agreeing_rules_are_all_in_the_derivation(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("high-local", when=[{"business.local": True}], then={"set": {"level": "high", "score": 1}}),
        rule("high-b2c", when=[{"business.audience": "b2c"}], then={"set": {"level": "high"}}),
        rule("list-a", then={"set": {"shortlist": "['facebook', 'x']"}}),
        rule("list-b", then={"set": {"shortlist": ["facebook", "x"]}}),
    )
    trace = rulebase.run()
    assert trace.facts["level"] == "high"
    assert trace.derivations["level"].steps == (trace.fired("high-local").step, trace.fired("high-b2c").step)
    assert trace.derivations["level"].overruled_steps == ()
    assert trace.facts["shortlist"] == ("facebook", "x")
    assert len(trace.derivations["shortlist"].steps) == 2


# --- add -------------------------------------------------------------------------------------


def test_add_sums_the_points_of_every_rule_that_fires(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("local", when=[{"business.local": True}], then={"add": {"fit.facebook": 2, "fit.x": 0.5}}),
        rule("b2c", when=[{"business.audience": "b2c"}], then={"add": {"fit.facebook": 3}}),
        rule("b2b", when=[{"business.audience": "b2b"}], then={"add": {"fit.facebook": 100}}),
        rule("from-hours", then={"add": {"fit.facebook": "resources.weekly_hours / 4"}}),
        rule("ranked", then={"set": {"shortlist": "positive(fit)"}}),
    )
    trace = rulebase.run(**{"resources.weekly_hours": 2})
    assert trace.facts["fit.facebook"] == 5.5
    assert trace.facts["fit.x"] == 0.5
    assert trace.facts["fit.instagram"] == 0  # the family's default: no rule added to it
    assert trace.derivations["fit.instagram"].default
    assert trace.derivations["fit.facebook"].steps == tuple(
        trace.fired(rule_id).step for rule_id in ("local", "b2c", "from-hours"))
    assert trace.facts["shortlist"] == ("facebook", "x")
    assert trace.fired("ranked").read["fit"]["facebook"] == 5.5


def test_set_on_a_family_member_compares_instead_of_summing(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("three", when=[{"business.local": True}], then={"set": {"fit.linkedin": 3}}),
        rule("also-three", when=[{"business.audience": "b2c"}], then={"set": {"fit.linkedin": 3}}),
        rule("four", when=[{"business.audience": "b2b"}], then={"set": {"fit.linkedin": 4}}),
    )
    trace = rulebase.run()
    assert trace.facts["fit.linkedin"] == 3  # two rules agreeing on 3, not 6
    with pytest.raises(ConflictError):
        rulebase.run(**{"business.audience": "b2b"}, **{"business.local": True})


# --- defaults and waiting ---------------------------------------------------------------------


def test_a_derived_fact_no_rule_concludes_takes_its_default(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("bonus-zero", when=[{"bonus": 0}], then={"set": {"flag": True}}),
        rule("no-warning", when=[{"warnings.no_objective": False}], then={"set": {"level": "low"}}),
    )
    trace = rulebase.run()
    assert trace.facts["bonus"] == 0 and trace.derivations["bonus"].default
    assert trace.facts["warnings.no_objective"] is False
    assert trace.fired_rules() == ("bonus-zero", "no-warning")


def test_the_default_applies_when_the_rules_concluding_the_fact_do_not_fire(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("bonus-for-b2b", when=[{"business.audience": "b2b"}], then={"set": {"bonus": 5}}),
        rule("no-bonus", when=[{"bonus": 0}], then={"set": {"flag": True}}),
        rule("bonus-points", then={"set": {"total_points": "bonus + 1"}}),
    )
    trace = rulebase.run()
    assert trace.facts["bonus"] == 0
    assert trace.derivations["bonus"].default
    assert trace.facts["flag"] is True and trace.facts["total_points"] == 1
    b2b = rulebase.run(**{"business.audience": "b2b"})
    assert b2b.facts["bonus"] == 5 and "flag" not in b2b.facts and b2b.facts["total_points"] == 6


def test_a_rule_computing_with_a_derived_fact_without_default_waits_for_it(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("score-when-local", when=[{"business.local": True}], then={"set": {"score": 4}}),
        rule("double", then={"set": {"total_points": "score * 2"}}),
        rule("either", when=[{"any": [{"score": {"gt": 1}}, {"business.audience": "b2c"}]}],
             then={"set": {"level": "'high' if score > 3 else 'low'"}}),
    )
    trace = rulebase.run()
    assert trace.facts["total_points"] == 8 and trace.facts["level"] == "high"
    assert trace.fired("double").matched == {"score": 4}
    not_local = rulebase.run(**{"business.local": False})
    assert "score" not in not_local.facts
    assert not_local.fired_rules() == ()  # no error: they waited, and nothing came
    assert "total_points" not in not_local.facts


# --- errors while computing -------------------------------------------------------------------


def run_error(rulebase: RuleBase, then: dict[str, Any], **changes: Any) -> tuple[RuleRunError, Path]:
    path = rulebase.rules("a.yaml", rule("score-four", then={"set": {"score": 4}}),
                          rule("computes", then=then))
    with pytest.raises(RuleRunError) as caught:
        rulebase.run(**changes)
    return caught.value, path


def test_a_division_by_zero_names_the_rule_its_file_and_line(rulebase: RuleBase) -> None:
    error, path = run_error(rulebase, {"set": {"total_points": "floor(score / (resources.weekly_hours - 4))"}})
    [problem] = error.problems
    assert (problem.code, problem.rule, problem.file) == ("rule-expression-failed", "computes", str(path))
    assert problem.line == line_of(path, "total_points:")
    assert problem.params["fact"] == "total_points"
    assert problem.message("en") == "the computation of 'total_points' failed: division by zero"
    assert "division par zéro" in problem.message("fr")
    assert error.exit_code == 2  # a broken rule is bad input, named by its file and line


@pytest.mark.parametrize(("then", "value"), [
    ({"set": {"total_points": "score / 3"}}, "1.3333333333333333"),  # an integer fact
    ({"set": {"flag": "score"}}, "4.0"),  # a truth value
    ({"set": {"level": "'lo' if score > 1 else 'high'"}}, "'lo'"),  # not one of its choices
    ({"set": {"shortlist": "['facebook', 'myspace']"}}, "['facebook', 'myspace']"),  # not a platform
    ({"set": {"total_points": "floor(score) > 2"}}, "True"),  # a truth value is not a number
    ({"set": {"bonus": "score * 1e308 * 10"}}, "inf"),  # not a finite number
])
def test_a_value_of_the_wrong_type_for_the_fact_names_the_rule(rulebase: RuleBase, then: dict, value: str) -> None:
    error, path = run_error(rulebase, then)
    [problem] = error.problems
    assert (problem.code, problem.rule, problem.file) == ("rule-bad-result", "computes", str(path))
    assert problem.params["value"] == value
    assert problem.line == line_of(path, f"{next(iter(then['set']))}:")


def test_a_value_of_the_wrong_type_is_said_with_the_fact_and_what_it_expects(rulebase: RuleBase) -> None:
    error, _ = run_error(rulebase, {"set": {"total_points": "score / 3"}})
    [problem] = error.problems
    assert problem.message("en") == "the rule computed 1.3333333333333333 for 'total_points', which expects a whole number"
    assert problem.message("fr") == ("la règle a calculé 1.3333333333333333 pour « total_points », qui attend "
                                     "un nombre entier")


@pytest.mark.parametrize(("then", "fact"), [({"set": {"bonus": "score * 1e308 * 10"}}, "bonus"),
                                             ({"set": {"flag": "score"}}, "flag")])
def test_only_a_whole_number_fact_is_said_to_expect_a_whole_number(rulebase: RuleBase, then: dict, fact: str) -> None:
    """A number that may have decimals, or a truth value, expects what its kind says."""
    error, _ = run_error(rulebase, then)
    [problem] = error.problems
    message = problem.message("en")
    assert f"for '{fact}', which expects " in message and "a whole number" not in message
    assert "un nombre entier" not in problem.message("fr")


@pytest.mark.parametrize("text", ["count(score)", "score + 'x'", "first(score, 2)", "floor(score / 0.0)",
                                  "round(score * 1e305 * 1e305)"])
def test_an_expression_failing_at_run_time_names_the_rule(rulebase: RuleBase, text: str) -> None:
    rulebase.rules("a.yaml", rule("score-four", then={"set": {"score": 4, "shortlist": ["x"]}}),
                   rule("computes", then={"set": {"total_points": text}}))
    with pytest.raises(RuleRunError) as caught:
        rulebase.run()
    assert caught.value.problems[0].code == "rule-expression-failed"
    assert caught.value.rule == "computes"


def test_integer_results_are_whole_numbers_and_numbers_are_rounded_stably(rulebase: RuleBase) -> None:
    rulebase.rules("a.yaml", rule("compute", then={"set": {"total_points": "6 / 3", "score": "0.1 + 0.2",
                                                           "bonus": "-0.0"}}))
    facts = rulebase.run().facts
    assert facts["total_points"] == 2 and type(facts["total_points"]) is int
    assert facts["score"] == 0.3
    assert str(facts["bonus"]) == "0.0"


# --- the trace ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor(RULES)


def sheet_sources(trace: Trace, book: RuleBook, name: str, path: tuple[str, ...] = ()) -> set[str]:
    """The sheet facts a fact rests on, walking derivations -> firings -> premises."""
    assert name not in path, f"the trace loops: {path + (name,)}"
    if name in trace.sheet:
        return {name}
    if name in book.tables or book.table_value(name) is not None:
        return set()  # knowledge from a table, with its own source
    if name in book.vocabulary.families:
        return set().union(*(sheet_sources(trace, book, member, path + (name,))
                             for member in book.vocabulary.families[name]))
    derivation = trace.derivations[name]
    if derivation.default:
        assert derivation.steps == ()
        return set()
    assert derivation.steps, name
    found: set[str] = set()
    for step in derivation.steps:
        firing = trace.firing(step)
        assert firing.step == step and name in firing.concluded
        assert trace.facts[name] == derivation.value
        for premise, value in firing.premises.items():
            if premise in trace.facts:
                expected = trace.facts[premise]
                assert value == (list(expected) if isinstance(value, list) else expected), premise
            found |= sheet_sources(trace, book, premise, path + (name,))
    return found


@pytest.mark.parametrize("example", ["fleuriste.yaml", "agence-b2b.yaml"])
def test_every_derived_fact_can_be_followed_back_to_the_sheet(advisor: Advisor, example: str) -> None:
    result = advisor.run_file(EXAMPLES / example)
    trace, book = result.trace, advisor.rulebook
    assert trace.firings
    assert set(trace.facts) == set(trace.sheet) | set(trace.derivations)
    for name, derivation in trace.derivations.items():
        assert derivation.value == trace.facts[name]
        sheet_sources(trace, book, name)
    # Steps are numbered in firing order, strata never go back.
    assert [firing.step for firing in trace.firings] == list(range(1, len(trace.firings) + 1))
    assert [firing.stratum for firing in trace.firings] == sorted(firing.stratum for firing in trace.firings)
    # The main conclusions rest on what the client said.
    assert "resources.weekly_hours" in sheet_sources(trace, book, "weekly_hours_available")
    assert sheet_sources(trace, book, "verdict")


def test_the_trace_records_what_each_rule_matched_read_and_required_absent(rulebase: RuleBase) -> None:
    rulebase.rules(
        "a.yaml",
        rule("score", when=[{"business.local": True}, {"not": {"business.audience": "b2b"}}],
             then={"set": {"score": "resources.weekly_hours + thresholds.hours_per_profile"}}),
    )
    trace = rulebase.run()
    firing = trace.fired("score")
    assert firing.matched == {"business.local": True}
    assert firing.read == {"resources.weekly_hours": 4.0, "thresholds.hours_per_profile": 2}
    assert firing.absent == ("business.audience",)
    assert firing.premises == {"business.local": True, "resources.weekly_hours": 4.0,
                               "thresholds.hours_per_profile": 2}
    assert trace.sheet["resources.weekly_hours"] == 4.0
    assert trace.strata == 1


def test_the_example_sheets_give_their_expected_verdicts(advisor: Advisor) -> None:
    assert advisor.run_file(EXAMPLES / "agence-b2b.yaml").facts["verdict"] == "not_yet"
    fleuriste = advisor.run_file(EXAMPLES / "fleuriste.yaml").trace
    assert fleuriste.facts["verdict"] == "launch_gradually"
    assert fleuriste.fired("verdict-launch").overruled == {"verdict": "verdict-launch-gradually"}


# ---------------------------------------------------------------- errors outside the expression checks


@pytest.mark.parametrize(("text", "reason"), [
    ("floor(score * 1e305 * 1e305)", "infinity"),  # OverflowError: an infinite number has no floor
    ("ceil(-score * 1e305 * 1e305)", "infinity"),
    ("floor(score * 1e305 * 1e305 - score * 1e305 * 1e305)", "NaN"),  # ValueError: inf - inf
])
def test_an_arithmetic_error_the_expression_checks_miss_still_names_the_rule(rulebase: RuleBase, text: str,
                                                                             reason: str) -> None:
    """Python's own arithmetic errors are not swallowed: the run stops on the rule that failed."""
    path = rulebase.rules("a.yaml", rule("score-four", then={"set": {"score": 4, "shortlist": ["x"]}}),
                          rule("computes", then={"set": {"total_points": text}}))
    with pytest.raises(RuleRunError) as caught:
        rulebase.run()
    [problem] = caught.value.problems
    assert (problem.code, problem.rule, problem.file) == ("rule-expression-failed", "computes", str(path))
    assert problem.params["fact"] == "total_points" and reason in problem.params["reason"]
    assert problem.line == line_of(path, "total_points:")


# ---------------------------------------------------------------- assertion order


# Sheets on which durable_rules 2.0.28 itself answers differently when the same facts arrive
# in another order (found by tests/test_fuzz_sheets.py): only the canonical order of
# inference._assert makes their reports the same whatever the order of the sheet's keys.
ORDER_SENSITIVE = [
    {"business": {"name": "Shop", "size": "tpe", "audience": "b2c"},
     "resources": {"weekly_hours": -0.0, "monthly_budget": 10**18}, "objectives": []},
    {"business": {"name": "Shop", "size": "tpe", "audience": "b2c"},
     "resources": {"weekly_hours": -0.0, "monthly_budget": 1e308}, "objectives": []},
]


@pytest.mark.parametrize("mapping", ORDER_SENSITIVE + [None], ids=["huge-budget", "largest-float", "examples"])
def test_facts_in_any_order_give_the_same_trace(advisor: Advisor, mapping: dict | None) -> None:
    import random

    import yaml

    from advise.engine.inference import infer
    from advise.sheet.facts import fact_sheet_from_mapping

    mappings = [mapping] if mapping else [yaml.safe_load(path.read_text(encoding="utf-8"))
                                          for path in sorted(EXAMPLES.glob("*.yaml"))[:8]]
    for data in mappings:
        facts = fact_sheet_from_mapping(data).facts
        names = sorted(facts)
        orders = [names, names[::-1], *(random.Random(seed).sample(names, len(names)) for seed in range(3))]
        traces = [infer(advisor.program, advisor.engine, {name: facts[name] for name in order}) for order in orders]
        first = traces[0]
        for trace in traces[1:]:
            assert trace.facts == first.facts
            assert [(f.step, f.rule, f.concluded) for f in trace.firings] == \
                [(f.step, f.rule, f.concluded) for f in first.firings]


# ---------------------------------------------------------------- what a conflict shows, sums, lists


@pytest.mark.parametrize(("first", "second", "shown"), [
    (["facebook", "x"], ["instagram"], ("[facebook, x]", "[instagram]")),  # lists as the rule file writes them
    (2, 3.5, ("2.0", "3.5")),  # numbers as numbers (score is a decimal number), not quoted
])
def test_a_conflict_shows_both_values_as_a_consultant_wrote_them(rulebase: RuleBase, first: Any, second: Any,
                                                                   shown: tuple[str, str]) -> None:
    fact = "shortlist" if isinstance(first, list) else "score"
    rulebase.rules("a.yaml", rule("one", then={"set": {fact: first}}), rule("two", then={"set": {fact: second}}))
    with pytest.raises(ConflictError) as caught:
        rulebase.run()
    params = caught.value.problems[0].params
    assert (params["first_value"], params["second_value"]) == shown


def test_a_sum_of_nothing_but_negative_zeros_is_zero(rulebase: RuleBase) -> None:
    """-0.0 would print as "-0" in a report: sums are normalised to +0.0."""
    import math

    rulebase.rules("a.yaml", rule("minus-zero", then={"add": {"fit.x": "-0.0"}}),
                   rule("minus-zero-too", then={"add": {"fit.x": "0.0 * -1"}}))
    value = rulebase.run().facts["fit.x"]
    assert value == 0 and math.copysign(1.0, value) == 1.0


def test_a_list_fact_reads_as_a_list_in_expressions(rulebase: RuleBase) -> None:
    """Facts are stored as tuples (hashable, immutable); expressions see lists, so that a
    list fact joins a list written in the rule."""
    rulebase.rules("a.yaml", rule("short", then={"set": {"shortlist": ["facebook"]}}),
                   rule("longer", then={"set": {"final_level": "'high' if shortlist == ['facebook'] else 'low'"}}))
    assert rulebase.run().facts["final_level"] == "high"


def test_points_added_to_a_whole_number_fact_stay_a_whole_number(tmp_path: Path) -> None:
    from conftest import TEST_FACTS

    votes = "  votes:\n    type: integer\n    per: platform\n    default: 0\n    label: {en: votes, fr: votes}\n"
    rulebase = RuleBase(tmp_path / "rules", extra_facts=TEST_FACTS + votes)
    rulebase.rules("a.yaml", rule("two", then={"add": {"votes.facebook": 2}}),
                   rule("three", then={"add": {"votes.facebook": "1 + 2"}}))
    trace = rulebase.run()
    assert trace.facts["votes.facebook"] == 5 and type(trace.facts["votes.facebook"]) is int  # "5", never "5.0"
    derivation = trace.derivations["votes.facebook"]
    assert (derivation.fact, derivation.value, derivation.default) == ("votes.facebook", 5, False)
    assert derivation.steps == (trace.fired("two").step, trace.fired("three").step)


# ---------------------------------------------------------------- what the trace keeps


def test_an_overruled_rule_keeps_what_it_matched_read_and_required_absent(rulebase: RuleBase) -> None:
    """The why-not answer shows a rule that lost on priority with its premises: they stay."""
    rulebase.rules(
        "a.yaml",
        rule("score-low", when=[{"business.local": True}, {"not": {"business.audience": "b2b"}}],
             then={"set": {"score": "resources.weekly_hours + 1"}}),
        rule("score-high", when=[{"business.audience": "b2c"}], then={"set": {"score": 100}}, priority=10),
    )
    trace = rulebase.run()
    loser = trace.fired("score-low")
    assert loser.overruled == {"score": "score-high"}
    assert loser.matched == {"business.local": True}
    assert loser.read == {"resources.weekly_hours": 4.0}
    assert loser.absent == ("business.audience",)
    assert loser.concluded == {"score": 5.0}


def test_every_derivation_names_its_fact_and_a_matched_fact_is_its_value(advisor: Advisor) -> None:
    """For programs reading the trace: a derivation (set, summed, overruled or a default)
    names its fact, and what a rule matched is the fact's value (lists as the trace keeps them)."""
    matched_lists = 0
    for path in sorted(EXAMPLES.glob("*.yaml")):
        trace = advisor.run_file(path).trace
        assert trace.derivations
        for name, derivation in trace.derivations.items():
            assert derivation.fact == name, (path.name, name)
        for firing in trace.firings:
            for name, value in firing.matched.items():
                assert value == trace.facts[name], (path.name, firing.rule, name)
                matched_lists += isinstance(value, tuple)
    assert matched_lists, "some rule matched a list fact"
    fleuriste = advisor.run_file(EXAMPLES / "fleuriste.yaml").trace
    assert any(derivation.default for derivation in fleuriste.derivations.values())
    assert any(derivation.overruled_steps for derivation in fleuriste.derivations.values())


def test_a_failed_computation_reads_in_the_reports_language(rulebase: RuleBase) -> None:
    error, _ = run_error(rulebase, {"set": {"total_points": "count(score)"}})
    [problem] = error.problems
    assert problem.message("en") == "the computation of 'total_points' failed: expected a list, found 4.0"
    assert problem.message("fr") == "le calcul de « total_points » a échoué : liste attendue, trouvé 4.0"
    error, _ = run_error(rulebase, {"set": {"total_points": "floor(score * 1e305 * 1e305)"}})
    [problem] = error.problems  # Python's own words, in both languages: better than nothing
    assert problem.message("fr") == "le calcul de « total_points » a échoué : cannot convert float infinity to integer"


def test_points_that_cancel_out_sum_to_zero_never_minus_zero(rulebase: RuleBase) -> None:
    """0.1 - 0.4 + 0.3 is -5.6e-17 in floating point, -0.0 once rounded: shown "0", not "-0"."""
    import math

    rulebase.rules("a.yaml", rule("a-tenth", then={"add": {"fit.x": 0.1}}),
                   rule("b-minus", then={"add": {"fit.x": -0.4}}), rule("c-back", then={"add": {"fit.x": 0.3}}))
    trace = rulebase.run()
    raw = sum(trace.firing(step).concluded["fit.x"] for step in trace.derivations["fit.x"].steps)
    assert raw < 0  # the order the rules fired in does give a negative rounding error
    assert trace.facts["fit.x"] == 0 and math.copysign(1.0, trace.facts["fit.x"]) == 1.0


def test_computed_numbers_keep_six_decimals(rulebase: RuleBase) -> None:
    rulebase.rules("a.yaml", rule("third", then={"set": {"score": "1 / 3", "bonus": "2 / 3"}}))
    facts = rulebase.run().facts
    assert (facts["score"], facts["bonus"]) == (0.333333, 0.666667)


# --- what durable is given ---------------------------------------------------------------


def test_durable_holds_only_the_facts_a_pattern_tests_and_the_trace_keeps_every_one() -> None:
    from advise.engine import durable
    from advise.engine.compiler import tested_facts
    from advise.sheet.facts import load_fact_sheet

    advisor = Advisor(None)
    program = advisor.program
    tested = program.tested_facts
    aliased = {condition.fact for compiled in program.rules.values() for condition in compiled.aliases.values()}
    assert tested == aliased  # every fact a condition tests, and only those
    held: list[set[str]] = []
    close = durable.Session.close

    def look_then_close(session: durable.Session) -> None:
        held.append({fact.get("name") for fact in advisor.engine._host.get_facts(program.ruleset, session.sid)
                     if fact.get("t") == "fact"})
        close(session)

    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    durable.Session.close = look_then_close  # type: ignore[method-assign]
    try:
        again = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    finally:
        durable.Session.close = close  # type: ignore[method-assign]
    untested = {name for name in result.trace.facts if name not in tested}
    assert "business.name" in untested and any(name.startswith("warnings.") for name in untested)
    assert held == [{name for name in result.trace.facts if name in tested}]
    assert again.trace == result.trace and untested <= set(again.trace.facts)
    # a pattern on facts that does not name its fact: durable must be given every fact
    loose = {"r": {"x": {"all": [{"m": {"t": "fact"}}, {"s": {"$and": [{"t": "stage"}, {"stage": 1}]}}], "run": "x"}}}
    assert tested_facts(loose) is None
    named = {"r": {"x": {"all": [{"m": {"$and": [{"t": "fact"}, {"name": "a"}, {"value": 1}]}},
                                 {"n$not": {"$and": [{"t": "fact"}, {"name": "b"}]}}], "run": "x"}}}
    assert tested_facts(named) == {"a", "b"}


# --- what is computed once per rule base ------------------------------------------------------


def test_a_rule_that_computes_nothing_concludes_at_each_firing_what_conclude_gives(advisor: Advisor) -> None:
    """Program.constants: what each rule that computes nothing concludes, normalised once,
    is what conclude() gives (values and their types), and every firing has a copy of its own."""
    from advise.engine.inference import conclude

    program = advisor.program
    computing = {rule_id for rule_id, compiled in program.rules.items()
                 if any(conclusion.expression is not None for conclusion in compiled.rule.then)}
    assert computing and set(program.constants) == set(program.rules) - computing
    for rule_id, concluded in program.constants.items():
        assert repr(concluded) == repr(conclude(program, rule_id, {})[0]), rule_id
    sheet = load_fact_sheet(EXAMPLES / "fleuriste.yaml")
    first, second = advisor.run(sheet).trace, advisor.run(sheet).trace
    kept = {id(concluded) for concluded in program.constants.values()}
    constant_firings = [(one, other) for one, other in zip(first.firings, second.firings)
                        if one.rule in program.constants]
    assert constant_firings
    for one, other in constant_firings:
        assert one.concluded == other.concluded and one.concluded is not other.concluded
        assert id(one.concluded) not in kept and one.read == {}


def test_a_constant_that_does_not_fit_its_fact_still_fails_when_its_rule_fires(rulebase: RuleBase) -> None:
    """The loader refuses such a constant; should one reach the inference all the same, it is
    not computed in advance: the firing names the rule and the line, as for a computed value."""
    from advise.engine.compiler import compile_rulebook
    from advise.engine.durable import Engine
    from advise.engine.inference import infer
    from advise.records import replace

    path = rulebase.rules("a.yaml", rule("points", then={"set": {"total_points": 3}}))
    book = rulebase.load()
    [bad] = [item for item in book.rules if item.id == "points"]
    [conclusion] = bad.then
    broken = replace(bad, then=(replace(conclusion, value=1.5),))
    book = replace(book, rules=tuple(broken if item.id == "points" else item for item in book.rules))
    program = compile_rulebook(book)
    assert "points" not in program.constants
    with pytest.raises(RuleRunError) as caught:
        infer(program, Engine(program.definition), sheet_facts())
    [problem] = caught.value.problems
    assert (problem.code, problem.rule, problem.line) == ("rule-bad-result", "points", line_of(path, "total_points:"))
    assert problem.params["value"] == "1.5"


def test_what_a_rule_reads_is_what_lookup_reads_the_facts_and_tables(advisor: Advisor) -> None:
    """conclude() reads a fact of the store at once, and everything else through _lookup:
    the same values, of the same types, and the same conclusions as reading everything
    through _lookup, for every rule that computes, on every example."""
    from advise.engine import inference

    program = advisor.program
    book = program.rulebook
    computing = [rule_id for rule_id, compiled in program.rules.items()
                 if any(conclusion.expression is not None for conclusion in compiled.rule.then)]
    for example in sorted(EXAMPLES.glob("*.yaml")):
        trace = advisor.run(load_fact_sheet(example)).trace
        for rule_id in computing:
            firing = trace.fired(rule_id)
            if firing is None:
                continue
            store = {name: value for name, value in trace.facts.items()
                     if name in trace.sheet or trace.derivations.get(name) is None
                     or all(step < firing.step for step in trace.derivations[name].steps)}
            concluded, read = inference.conclude(program, rule_id, store)
            assert repr((concluded, read)) == repr((firing.concluded, firing.read)), (example.name, rule_id)
            through = {name: inference._lookup(book, store, name) for name in read}
            assert repr(through) == repr(read), (example.name, rule_id)
