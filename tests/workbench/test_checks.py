"""`advise rules check`: every finding on a small rule base made to show it, and none on a
clean one. The shipped rule base must have no error."""

from __future__ import annotations

import re

import pytest
import yaml

from advise.workbench import feasibility
from advise.workbench.catalogue import CHECKS, ERROR, WARNING
from advise.workbench.checks import check_rules
from advise.errors import MESSAGES
from advise.rulebase.model import Condition

from conftest import RULES, RuleBase, rule


def codes(report, code: str) -> list:
    return [finding for finding in report.findings if finding.code == code]


def by_rule(report, code: str) -> dict[str, object]:
    return {finding.problem.rule: finding for finding in codes(report, code)}


# ---------------------------------------------------------------- the registry


def test_codes_are_stable_and_each_has_both_languages() -> None:
    # A code never changes meaning: this list only grows.
    assert {code: check.name for code, check in CHECKS.items()} == {
        "A001": "invalid-rule-base", "A002": "invalid-case-file", "A101": "contradictory-conditions",
        "A102": "impossible-value", "A103": "reads-unconcluded-fact", "A104": "value-never-concluded",
        "A105": "condition-always-true", "A201": "duplicate-rule", "A202": "shadowed-rule",
        "A203": "possible-conflict", "A204": "conflict", "A301": "rule-cycle", "A401": "sheet-fact-unused",
        "A402": "conclusion-unused", "A403": "fact-never-concluded", "A404": "table-value-unused",
        "A405": "warning-never-raised", "A406": "recommendation-never-raised", "A407": "verdict-never-concluded",
        "A501": "rule-not-covered", "A601": "placeholder-text", "A602": "untranslated-text",
        "A106": "table-value-type", "A206": "repeated-advice", "A502": "case-fails", "A503": "case-crashes",
        "A603": "unknown-name-in-text", "A604": "text-fails", "A605": "placeholder-case",
        "A701": "invariant-broken", "A702": "invalid-invariant"}
    for check in CHECKS.values():
        assert re.fullmatch(r"A\d{3}", check.code)
        assert check.severity in (ERROR, WARNING)
        assert check.title["en"] and check.title["fr"] and check.fix["en"] and check.fix["fr"]
    for code, texts in MESSAGES.items():
        if code.startswith("check-"):
            assert set(texts) == {"en", "fr"}, code


# ---------------------------------------------------------------- rules that can never fire


@pytest.fixture
def broken(rulebase: RuleBase):
    rulebase.rules(
        "10-x.yaml",
        rule("too-many-hours", when=[{"resources.weekly_hours": {"gt": 168}}]),
        rule("negative-budget", when=[{"resources.monthly_budget": {"lt": 0}}]),
        rule("hours-contradict", when=[{"resources.weekly_hours": {"gt": 5}}, {"resources.weekly_hours": {"lt": 3}}]),
        rule("list-contradicts", when=[{"objectives": {"empty": True}}, {"objectives": {"contains": "sales"}}]),
        rule("reads-nothing", when=[{"score": {"gt": 1}}], then={"set": {"bonus": 1}}),
        rule("level-low", when=[{"resources.weekly_hours": {"lt": 4}}], then={"set": {"level": "low"}}),
        rule("wants-medium", when=[{"level": "medium"}], then={"set": {"flag": True}}),
        rule("any-dead", when=[{"business.local": True}, {"any": [
            {"business.local": False},
            {"all": [{"resources.weekly_hours": {"lt": 1}}, {"resources.weekly_hours": {"gt": 2}}]}]}]),
        rule("needs-dead-conclusion", when=[{"total_points": {"gt": 0}}], then={"set": {"final_level": "high"}}),
        rule("dead-feeder", when=[{"resources.weekly_hours": {"gt": 200}}], then={"set": {"total_points": 3}}),
        rule("alive", when=[{"resources.weekly_hours": {"gt": 1}}, {"objectives": {"contains": "sales"}}]),
    )
    return check_rules(rulebase.root, cases=False)


def test_a_threshold_outside_the_range_of_the_fact(broken) -> None:
    found = by_rule(broken, "A102")
    assert set(found) >= {"too-many-hours", "negative-budget", "dead-feeder"}
    message = found["too-many-hours"].problem.message("en")
    assert "resources.weekly_hours" in message and "168" in message and "0..168" in message
    assert "168" in found["too-many-hours"].problem.message("fr")
    assert found["too-many-hours"].problem.line == 9  # the line of the condition
    assert found["negative-budget"].severity == ERROR


def test_contradictory_conditions_on_one_fact(broken) -> None:
    found = by_rule(broken, "A101")
    assert {"hours-contradict", "list-contradicts", "any-dead"} <= set(found)
    assert "more than 5" in found["hours-contradict"].problem.message("en")
    assert "less than 3" in found["hours-contradict"].problem.message("en")
    assert "any" in found["any-dead"].problem.message("en")


def test_a_derived_fact_nothing_concludes_and_a_value_no_rule_concludes(broken) -> None:
    assert "score" in by_rule(broken, "A103")["reads-nothing"].problem.message("en")
    assert "low" in by_rule(broken, "A104")["wants-medium"].problem.message("en")
    # a fact concluded only by a rule that can never fire is never concluded either
    message = by_rule(broken, "A103")["needs-dead-conclusion"].problem.message("en")
    assert "dead-feeder" in message


def test_errors_exit_2_and_a_rule_that_can_fire_is_not_reported(broken) -> None:
    assert broken.exit_code == 2
    dead = {f.problem.rule for f in broken.findings if f.code in ("A101", "A102", "A103", "A104")}
    assert "alive" not in dead and "level-low" not in dead


def test_a_condition_every_value_meets(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("always", when=[{"resources.weekly_hours": {"ge": 0}},
                                                     {"objectives": {"size_lt": 7}}]))
    report = check_rules(rulebase.root, cases=False)
    found = codes(report, "A105")
    assert len(found) == 2 and all(f.severity == WARNING for f in found)
    assert not report.errors


# ---------------------------------------------------------------- duplicates, shadows, conflicts


def test_duplicate_shadowed_and_conflicting_rules(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        rule("level-low", when=[{"resources.weekly_hours": {"lt": 4}}], then={"set": {"level": "low"}}),
        rule("level-high", when=[{"resources.weekly_hours": {"gt": 2}}], then={"set": {"level": "high"}}),
        rule("level-high-again", when=[{"resources.weekly_hours": {"gt": 2}}], then={"set": {"level": "high"}}),
        rule("level-high-narrow", when=[{"resources.weekly_hours": {"gt": 10}}], then={"set": {"level": "high"}}),
        rule("level-medium-later", priority=5, when=[{"resources.weekly_hours": {"gt": 3}}],
             then={"set": {"level": "medium"}}),
    )
    report = check_rules(rulebase.root, cases=False)
    assert "level-high" in by_rule(report, "A201")["level-high-again"].problem.message("en")
    assert "level-high" in by_rule(report, "A202")["level-high-narrow"].problem.message("en")
    # level-low and level-high both hold at 3 hours: a sample sheet shows the conflict
    conflicts = {f.problem.rule: f for f in codes(report, "A204")}
    assert "level-high" in conflicts
    message = conflicts["level-high"].problem.message("en")
    assert "level-low" in message and "resources.weekly_hours" in message
    assert "concluded different values for 'level' (high / low)" in message and "resources.weekly_hours: 3" in message
    assert "se sont appliquées toutes deux à une fiche d'exemple" in conflicts["level-high"].problem.message("fr")
    # a different priority settles it: no finding for level-medium-later
    assert all("level-medium-later" not in f.format() for f in codes(report, "A203") + codes(report, "A204"))


def test_exclusive_conditions_are_no_conflict(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        rule("level-low", when=[{"resources.weekly_hours": {"lt": 4}}], then={"set": {"level": "low"}}),
        rule("level-high", when=[{"resources.weekly_hours": {"ge": 4}}], then={"set": {"level": "high"}}),
        rule("local", when=[{"business.local": True}], then={"set": {"final_level": "low"}}),
        rule("not-local", when=[{"not": {"business.local": True}}], then={"set": {"final_level": "high"}}),
    )
    report = check_rules(rulebase.root, cases=False)
    assert not codes(report, "A203") and not codes(report, "A204")


def test_a_possible_conflict_when_the_sample_sheet_does_not_show_it(rulebase: RuleBase) -> None:
    # Different constants, conditions not exclusive as far as the verifier can tell, but
    # the sample sheet never reaches the second rule (score is computed): a warning.
    rulebase.rules(
        "10-x.yaml",
        rule("score", then={"set": {"score": "resources.weekly_hours * 2"}}),
        rule("level-low", when=[{"score": {"lt": 10}}], then={"set": {"level": "low"}}),
        rule("level-high", when=[{"resources.weekly_hours": {"gt": 100}}], then={"set": {"level": "high"}}),
    )
    report = check_rules(rulebase.root, cases=False)
    found = codes(report, "A203")
    assert [f.problem.rule for f in found] == ["level-high"]
    assert found[0].severity == WARNING and "example" in found[0].problem.message("en")
    assert "resources.weekly_hours = 134, score = 9" in found[0].problem.message("en")
    assert found[0].problem.message("fr").endswith(
        "concluent des valeurs différentes pour « level » (high / low) ; par exemple quand "
        "resources.weekly_hours = 134, score = 9")


def test_cycles_are_findings(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        rule("a", when=[{"flag": True}], then={"set": {"level": "low"}}),
        rule("b", when=[{"level": "low"}], then={"set": {"flag": True}}),
    )
    report = check_rules(rulebase.root, cases=False)
    [cycle] = codes(report, "A301")
    assert cycle.severity == ERROR and "a" in cycle.problem.message("en") and "b" in cycle.problem.message("en")
    assert report.exit_code == 2


# ---------------------------------------------------------------- unused things and texts


def test_unused_facts_tables_warnings_and_verdicts(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("only-rule", when=[{"resources.weekly_hours": {"gt": 1}}],
                                     then={"set": {"score": 1}, "warn": "no_objective"}))
    report = check_rules(rulebase.root, cases=False)
    unused_sheet = {f.problem.field for f in codes(report, "A401")}
    assert "content.contests_planned" in unused_sheet and "resources.weekly_hours" not in unused_sheet
    assert "business.name" not in unused_sheet  # the report shows it
    assert any(f.problem.line for f in codes(report, "A401"))
    assert "score" in by_rule(report, "A402")["only-rule"].problem.message("en")
    never = {f.problem.params["fact"] for f in codes(report, "A403")}
    assert {"bonus", "level", "verdict"} <= never
    assert any(f.problem.params["name"] == "thresholds.hours_per_profile" for f in codes(report, "A404"))
    raised = {f.problem.params["id"] for f in codes(report, "A405")}
    assert "no_objective" not in raised and "time_shortfall" in raised
    assert codes(report, "A406") and {f.problem.params["id"] for f in codes(report, "A407")} >= {"launch"}
    assert not report.errors and report.exit_code == 0


def test_placeholder_and_untranslated_texts(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        rule("todo", title={"en": "TODO: name it", "fr": "TODO : nommez-la"}),
        rule("same", when=[{"business.local": True}],
             because={"en": "Exactly the same words in both.", "fr": "Exactly the same words in both."}),
    )
    report = check_rules(rulebase.root, cases=False)
    assert "title.en" in by_rule(report, "A601")["todo"].problem.message("en")
    assert by_rule(report, "A602")["same"].problem.params["field"] == "because"


# ---------------------------------------------------------------- load errors, cases


def test_a_broken_rule_base_is_reported_not_raised(rulebase: RuleBase) -> None:
    rulebase.write("10-x.yaml", "theme: time\nrules:\n  - id: x\n    title: {en: X, fr: X}\n"
                                "    when: [{resources.weekly_hour: {lt: 2}}]\n    then: {warn: no_objective}\n"
                                "    because: {en: B, fr: B}\n    source: S\n")
    report = check_rules(rulebase.root)
    assert report.rulebook is None and report.exit_code == 2
    [finding] = report.findings
    assert finding.code == "A001" and finding.problem.line == 5
    assert "weekly_hours" in finding.format("en")  # the loader's "did you mean"


def test_rules_no_case_fires_and_invalid_case_files(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("covered", when=[{"business.local": True}]),
                   rule("uncovered", when=[{"business.local": False}]))
    rulebase.write("10-x.cases.yaml", yaml.safe_dump({
        "base": {"business": {"name": "T", "size": "tpe", "audience": "b2c", "local": True},
                 "resources": {"weekly_hours": 3, "monthly_budget": 0}, "objectives": []},
        "cases": [{"name": "local", "expect": {"fires": ["covered"]}}]}))
    report = check_rules(rulebase.root)
    assert report.cases_run == 1
    assert [f.problem.rule for f in codes(report, "A501")] == ["uncovered"]
    rulebase.write("10-x.cases.yaml", "cases:\n  - name: x\n    expect: {fires: [nope]}\n")
    report = check_rules(rulebase.root)
    assert codes(report, "A002") and report.exit_code == 2


def test_output_formats(broken) -> None:
    text = broken.format("fr")
    assert "A102 erreur :" in text and "à faire :" in text and ("erreur" in text or "erreurs" in text)
    data = broken.as_dict("en")
    assert data["errors"] == len(broken.errors) and data["warnings"] == len(broken.warnings)
    first = data["findings"][0]
    assert {"code", "name", "severity", "file", "message", "fix"} <= set(first)


def test_the_shipped_rule_base_has_no_error() -> None:
    report = check_rules(RULES)
    assert not report.errors, report.format("en")
    assert report.cases_run and report.cases_run > 0


# ---------------------------------------------------------------- the reasoning underneath


def _domain(**kwargs):
    return feasibility.Domain("x", **kwargs)


@pytest.mark.parametrize("conditions, domain, satisfiable", [
    ([("gt", 5), ("lt", 6)], dict(kind="number", presence="always"), True),
    ([("gt", 5), ("lt", 6)], dict(kind="number", presence="always", integer=True), False),
    ([("ge", 5), ("le", 5), ("ne", 5)], dict(kind="number", presence="always"), False),
    ([("in", (1, 2)), ("not_in", (1,))], dict(kind="number", presence="always"), True),
    ([("gt", 168)], dict(kind="number", presence="always", low=0, high=168), False),
    ([("eq", "a"), ("ne", "a")], dict(kind="text", presence="always"), False),
    ([("ne", "a"), ("ne", "b")], dict(kind="text", presence="always"), True),
    ([("only", "x"), ("size_gt", 1)], dict(kind="list", presence="always", items=("x", "y")), False),
    ([("contains", "x"), ("contains", "y"), ("size_lt", 2)], dict(kind="list", presence="always", items=("x", "y")),
     False),
    ([("present", True)], dict(kind="number", presence="never"), False),
])
def test_fact_witness(conditions, domain, satisfiable) -> None:
    built = [Condition("x", op, operand) for op, operand in conditions]
    assert (feasibility.fact_witness(_domain(**domain), built) is not None) is satisfiable


def test_a_negation_holds_when_the_fact_may_be_absent() -> None:
    condition = Condition("x", "gt", 1, negated=True)
    assert feasibility.fact_witness(_domain(kind="number", presence="maybe"), [condition]) is feasibility.ABSENT
    assert feasibility.fact_witness(_domain(kind="number", presence="always", values=(5,)), [condition]) is None


def test_shipped_rules_reading_derived_facts_have_sensible_domains() -> None:
    from advise.rulebase.loading import load_rulebook

    rulebook = load_rulebook(RULES)
    domains = feasibility.analyse(rulebook).domains
    assert domains["resources.weekly_hours"].high == 168
    assert set(domains["verdict"].values or ()) <= set(rulebook.vocabulary.verdicts)
    assert domains["warnings.no_objective"].values == (True, False)
