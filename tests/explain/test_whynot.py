"""Why not: each condition of each rule that could conclude something, held or failed, with values.

Small rule bases written by the tests (conftest.RuleBase) pin each case; the agreement test
runs the whole shipped rule base on the example sheets and variants of them, and checks
that the Python evaluation says "fired" exactly for the rules durable fired.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from advise.advisor import Advisor
from advise.cli.main import main
from advise.errors import InputError
from advise.sheet.facts import apply_overrides, fact_sheet_from_mapping, load_fact_sheet
from advise.render.renderer import Renderer
from advise.explain.whynot import not_applied, why_not

from conftest import EXAMPLES, ROOT, RuleBase, rule, sheet_mapping

TEMPLATES = ROOT / "explanations"


def run(rulebase: RuleBase, **changes: object):
    return rulebase.advisor().run(fact_sheet_from_mapping(sheet_mapping(**changes)))


def test_a_failed_condition_shows_the_value_and_the_threshold(rulebase: RuleBase) -> None:
    rulebase.rules("20-budget.yaml", rule(
        "budget-for-visuals", when=[{"objectives": {"contains": "sales"}},
                                    {"resources.monthly_budget": {"ge": 50}}],
        then={"recommend": "free_tools"}), theme="budget")
    result = run(rulebase, **{"resources.monthly_budget": 0})
    answer = why_not(result, "budget-for-visuals", "en")
    assert answer.kind == "rule" and not answer.concluded
    [rule_answer] = answer.rules
    assert rule_answer.status == "failed"
    held, failed = rule_answer.checks.items
    assert held.held and held.shown == "sales"
    assert not failed.held and failed.value == 0
    assert failed.requirement == "monthly budget is at least 50\u00a0EUR/month"
    assert failed.shown == "0\u00a0EUR/month"
    assert rule_answer.failed == [failed]
    text = Renderer(TEMPLATES).render_answer(answer, "why-not", "text", result.rulebook.vocabulary)
    assert "✗ monthly budget is at least 50\u00a0EUR/month — here: 0\u00a0EUR/month" in text
    assert "✓ objectives includes sales — here: sales" in text


def test_a_warning_lists_every_rule_that_could_raise_it(rulebase: RuleBase) -> None:
    rulebase.rules("20-budget.yaml",
                   rule("no-budget", when=[{"resources.monthly_budget": {"le": 0}}], then={"warn": "hidden_costs"}),
                   rule("tiny-budget", when=[{"resources.monthly_budget": {"lt": 10}},
                                             {"business.local": False}], then={"warn": "hidden_costs"}),
                   theme="budget")
    result = run(rulebase, **{"resources.monthly_budget": 5})
    answer = why_not(result, "hidden_costs", "fr")
    assert answer.kind == "warning" and not answer.concluded
    assert [a.rule for a in answer.rules] == ["no-budget", "tiny-budget"]
    assert all(a.status == "failed" for a in answer.rules)
    tiny = answer.rules[1]
    assert [c.held for c in tiny.checks.items] == [True, False]
    assert tiny.first_reason.fact == "business.local"
    assert tiny.first_reason.requirement == "clientèle locale vaut non"


def test_a_rule_overruled_by_priority_says_so(rulebase: RuleBase) -> None:
    rulebase.rules("10-level.yaml",
                   rule("level-low", when=[{"resources.weekly_hours": {"lt": 10}}], then={"set": {"level": "low"}}),
                   rule("level-high", priority=5, when=[{"business.local": True}],
                        then={"set": {"level": "high"}}))
    result = run(rulebase)
    answer = why_not(result, "level-low", "en")
    [loser] = answer.rules
    assert loser.status == "overruled"
    assert loser.winner == "level-high" and loser.winner_priority == 5 and loser.priority == 0
    assert loser.winner_value == "high"
    assert all(check.held for check in loser.checks.items)
    text = Renderer(TEMPLATES).render_answer(answer, "why-not", "text", result.rulebook.vocabulary)
    assert "set aside" in text and "level-high" in text


def test_held_conditions_but_a_computation_on_a_fact_nobody_concluded(rulebase: RuleBase) -> None:
    rulebase.rules("10-score.yaml",
                   rule("score-never", when=[{"resources.weekly_hours": {"gt": 100}}], then={"set": {"score": 1}}),
                   rule("points-from-score", when=[{"business.local": True}],
                        then={"set": {"total_points": "floor(score)"}}))
    result = run(rulebase)
    answer = why_not(result, "points-from-score", "en")
    [blocked] = answer.rules
    assert blocked.status == "blocked"
    assert [check.fact for check in blocked.missing] == ["score"]
    assert blocked.missing[0].concluders == ("score-never",)
    text = Renderer(TEMPLATES).render_answer(answer, "why-not", "text", result.rulebook.vocabulary)
    assert "which no rule concluded" in text


def test_a_condition_on_a_derived_fact_never_concluded(rulebase: RuleBase) -> None:
    rulebase.rules("10-score.yaml",
                   rule("score-never", when=[{"resources.weekly_hours": {"gt": 100}}], then={"set": {"score": 1}}),
                   rule("flag-on-score", when=[{"score": {"gt": 0}}], then={"set": {"flag": True}}))
    answer = why_not(run(rulebase), "flag", "en")
    [answer_rule] = answer.rules
    [check] = answer_rule.checks.items
    assert check.status == "missing" and check.concluders == ("score-never",)
    assert answer_rule.status == "failed"


def test_any_groups_and_negations(rulebase: RuleBase) -> None:
    rulebase.rules("10-flag.yaml", rule(
        "flag-either", when=[{"not": {"objectives": {"contains": "sales"}}},
                             {"any": [{"business.local": False}, {"resources.weekly_hours": {"gt": 10}}]}],
        then={"set": {"flag": True}}))
    answer = why_not(run(rulebase), "flag-either", "en")
    negation, group = answer.rules[0].checks.items
    assert negation.negated and not negation.held
    assert negation.requirement == "objectives does not include sales"
    assert group.kind == "any" and not group.held and len(group.items) == 2
    assert [c.fact for c in answer.rules[0].failed] == ["objectives", "business.local", "resources.weekly_hours"]
    for fmt in ("text", "markdown", "html"):
        text = Renderer(TEMPLATES).render_answer(answer, "why-not", fmt, run(rulebase).rulebook.vocabulary)
        assert "one of:" in text


def test_a_verdict_value_and_unknown_targets() -> None:
    advisor = Advisor()
    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    current = result.trace.facts["verdict"]
    others = [v for v in result.rulebook.vocabulary.verdicts if v != current]
    answer = why_not(result, others[0], "en")
    assert answer.kind == "verdict" and not answer.concluded and answer.current
    assert answer.rules, "some rule concludes every verdict"
    with pytest.raises(InputError) as raised:
        why_not(result, "time_shortfal", "en")
    assert raised.value.problems[0].hint_params == {"suggestion": "time_shortfall"}
    assert raised.value.problems[0].field == "--why-not"


def _variants() -> list[tuple[str, list[str]]]:
    return [
        ("fleuriste.yaml", []),
        ("agence-b2b.yaml", []),
        ("fleuriste.yaml", ["resources.weekly_hours=0", "resources.monthly_budget=0"]),
        ("fleuriste.yaml", ["objectives=[community]", "content.can_reply_within_a_day=false"]),
        ("agence-b2b.yaml", ["objectives=[visibility]", "profiles.planned=[linkedin, x, youtube]"]),
        ("agence-b2b.yaml", ["resources.weekly_hours=40", "business.ecommerce=true", "resources.graphic_skills=false"]),
    ]


@pytest.mark.parametrize("sheet, changes", _variants())
def test_the_python_evaluation_agrees_with_the_engine(sheet: str, changes: list[str]) -> None:
    """For every rule of the shipped base: 'fired' or 'overruled' exactly when durable fired it,
    and a rule that did not fire always has a failed condition or a missing input."""
    advisor = _shared_advisor()
    result = advisor.run(apply_overrides(load_fact_sheet(EXAMPLES / sheet), changes))
    fired = set(result.trace.fired_rules())
    for rule_obj in result.rulebook.rules:
        [answer] = why_not(result, rule_obj.id, "en").rules
        if rule_obj.id in fired:
            assert answer.status in ("fired", "overruled"), rule_obj.id
        else:
            assert answer.status in ("failed", "blocked"), (rule_obj.id, answer.status)
            assert answer.failed or answer.missing, rule_obj.id


_ADVISOR: list[Advisor] = []


def _shared_advisor() -> Advisor:
    if not _ADVISOR:
        _ADVISOR.append(Advisor())
    return _ADVISOR[0]


def test_not_applied_lists_every_item_not_raised_with_a_reason() -> None:
    result = _shared_advisor().run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    vocabulary = result.rulebook.vocabulary
    entries = not_applied(result, "en")
    raised = {name.split(".", 1)[1] for name, value in result.trace.facts.items()
              if name.startswith(("warnings.", "recommendations.")) and value is True}
    expected = [i for i in vocabulary.warnings if i not in raised] + \
               [i for i in vocabulary.recommendations if i not in raised]
    assert [entry.id for entry in entries] == expected
    for entry in entries:
        assert entry.reasons, entry.id
        assert all(reason.first_reason is not None for reason in entry.reasons), entry.id


def test_cli_why_not_in_every_format() -> None:
    runner = CliRunner()
    sheet = str(EXAMPLES / "fleuriste.yaml")
    result = runner.invoke(main, [sheet, "--why-not", "hidden_costs", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Why not: ") and "✗" in result.output
    result = runner.invoke(main, [sheet, "--why-not", "hidden_costs", "--format", "json"])
    data = json.loads(result.output)
    assert data["version"] == 1 and data["why_not"]["target"] == "hidden_costs"
    check = data["why_not"]["rules"][0]["failed"][0]
    assert {"fact", "op", "operand", "value", "held", "requirement", "actual"} <= set(check)
    result = runner.invoke(main, [sheet, "--why-not", "hidden_costs", "--format", "markdown"])
    assert result.exit_code == 0 and result.output.startswith("# ")
    result = runner.invoke(main, [sheet, "--why-not", "nothing_like_this"])
    assert result.exit_code == 2 and "--why-not" in result.output
    result = runner.invoke(main, [sheet, "--why-not", "launch", "--how", "verdict"])
    assert result.exit_code == 2


def test_cli_all_lists_what_does_not_apply(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [str(EXAMPLES / "fleuriste.yaml"), "--all", "--lang", "en", "--no-hints"])
    assert result.exit_code == 0, result.output
    assert "What does not apply, and why" in result.output
    data = json.loads(CliRunner().invoke(main, [str(EXAMPLES / "fleuriste.yaml"), "--all", "--format", "json",
                                                "--no-hints"]).output)
    assert data["not_applied"] and all(entry["reasons"] for entry in data["not_applied"])
    plain = json.loads(CliRunner().invoke(main, [str(EXAMPLES / "fleuriste.yaml"), "--format", "json",
                                                 "--no-hints"]).output)
    assert "not_applied" not in plain
