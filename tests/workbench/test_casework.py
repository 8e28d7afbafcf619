"""`advise test`: running the cases beside a rule base, telling each failure with its trace,
and the rule coverage (which rules the cases fire, which none does)."""

from __future__ import annotations

import textwrap

from advise.workbench.casework import (cases_covering, coverage, format_coverage, format_results, results_json,
                                       rules_dir_for, run_rule_cases)

from conftest import RuleBase, rule

CASES = textwrap.dedent("""\
    base:
      business: {name: Test, size: tpe, audience: b2c, local: true}
      resources: {weekly_hours: 4, monthly_budget: 100}
      objectives: [sales]
    cases:
      - name: local-shop
        expect:
          facts: {flag: true}
          fires: [local-flag]
          silent: [many-hours]
      - name: wrong-on-purpose
        sheet:
          business: {local: false}
        expect:
          facts: {flag: true}
""")


def small_base(rulebase: RuleBase) -> RuleBase:
    rulebase.rules("10-x.yaml",
                   rule("local-flag", when=[{"business.local": True}], then={"set": {"flag": True}}),
                   rule("many-hours", when=[{"resources.weekly_hours": {"gt": 100}}], then={"set": {"score": 1}}))
    rulebase.write("10-x.cases.yaml", CASES)
    return rulebase


def test_cases_run_and_a_failure_is_told_with_its_trace(rulebase: RuleBase) -> None:
    advisor = small_base(rulebase).advisor()
    cases, results = run_rule_cases(advisor)
    assert [case.name for case in cases] == ["local-shop", "wrong-on-purpose"]
    assert [outcome.passed for outcome in results] == [True, False]
    text = format_results(results, "en")
    assert f"FAIL {rulebase.root / '10-x.cases.yaml'}:11 wrong-on-purpose" in text
    assert "  - 'flag' is not concluded, expected true\n  trace (rules fired, in order):\n" in text
    assert text.rstrip().endswith("1 passed, 1 failed")
    assert "ok " not in text and "ok " in format_results(results, "en", verbose=True)
    assert format_results(results, "fr").rstrip().endswith("1 réussi, 1 en échec")
    data = results_json(results)
    assert data[0]["passed"] and data[0]["fired"] == ["local-flag"]
    assert not data[1]["passed"] and data[1]["mismatches"][0]["what"] == "flag"


def test_coverage_names_the_rules_no_case_fires(rulebase: RuleBase) -> None:
    advisor = small_base(rulebase).advisor()
    _, results = run_rule_cases(advisor)
    report = coverage(advisor.rulebook, results)
    assert [rule.rule for rule in report.covered] == ["local-flag"]
    assert [rule.rule for rule in report.uncovered] == ["many-hours"]
    assert report.percent == 50.0 and report.cases == 2
    text = format_coverage(report, "fr")
    assert text.startswith("Couverture des règles : 1 règles sur 2 déclenchées par au moins un des 2 cas (50 %)")
    assert f"  - many-hours ({rulebase.root / '10-x.yaml'}:" in text
    assert report.as_dict()["uncovered"] == ["many-hours"]


def test_rules_show_links_the_cases_that_fire_or_name_a_rule(rulebase: RuleBase) -> None:
    advisor = small_base(rulebase).advisor()
    cases, results = run_rule_cases(advisor)
    links = cases_covering(advisor.rulebook, "many-hours", cases, results)
    assert [(link["name"], link["fired"], link["expects"]) for link in links] == [("local-shop", False, "silent")]


def test_the_rule_base_of_a_cases_path_is_found_upwards(rulebase: RuleBase) -> None:
    small_base(rulebase)
    assert rules_dir_for(rulebase.root / "10-x.cases.yaml") == rulebase.root
    assert rules_dir_for(rulebase.root) == rulebase.root
    assert rules_dir_for(rulebase.root.parent) is None


def test_a_folder_without_cases_gives_no_case(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("local-flag", when=[{"business.local": True}], then={"set": {"flag": True}}))
    assert run_rule_cases(rulebase.advisor()) == ([], [])
