"""`advise rules new`: where the skeleton goes, that the result loads and its cases pass,
and that nothing changes when it cannot be added."""

from __future__ import annotations

import pytest
import yaml

from advise.advisor import Advisor
from advise.workbench.cases import load_cases, run_cases
from advise.workbench.checks import check_rules
from advise.errors import InputError, RuleBookError
from advise.workbench.scaffold import new_rule

from conftest import RuleBase, rule


def test_a_new_theme_file_is_numbered_among_the_others(rulebase: RuleBase) -> None:
    rulebase.rules("10-time.yaml", rule("a", when=[{"business.local": True}]), theme="time")
    rulebase.rules("90-verdict.yaml", rule("b", when=[{"business.local": False}], then={"set": {"verdict": "launch"}}),
                   theme="verdict")
    created = new_rule(rulebase.root, "budget/no-visual-budget")
    assert created.rule_file.name == "20-budget.yaml" and created.rule_file_created
    assert created.cases_file.name == "20-budget.cases.yaml" and created.cases_file_created
    rulebook = rulebase.load()
    assert rulebook.rule("no-visual-budget").theme == "budget"
    assert rulebook.rule("no-visual-budget").line == created.rule_line
    results = run_cases(Advisor(rulebase.root), load_cases(created.cases_file, rulebook))
    assert [r.passed for r in results] == [True, True]


def test_the_skeleton_changes_no_advice_and_check_flags_its_todos(rulebase: RuleBase) -> None:
    rulebase.rules("10-time.yaml", rule("a", when=[{"business.local": True}]))
    new_rule(rulebase.root, "time/my-rule")
    trace = rulebase.run()
    assert "my-rule" not in trace.fired_rules()
    report = check_rules(rulebase.root)
    assert not report.errors, report.format()
    assert [f.problem.rule for f in report.findings if f.code == "A601"] == ["my-rule"]


def test_a_french_consultant_gets_the_skeleton_commented_in_french(rulebase: RuleBase) -> None:
    rulebase.rules("10-time.yaml", rule("a", when=[{"business.local": True}]), theme="time")
    created = new_rule(rulebase.root, "budget/pas-de-budget-visuels", lang="fr")
    rules_text = created.rule_file.read_text(encoding="utf-8")
    cases_text = created.cases_file.read_text(encoding="utf-8")
    assert "# Le format est expliqué dans docs/fr/ecrire-des-regles.md." in rules_text
    assert "# Règles du thème « budget »" in rules_text and "Replace every TODO" not in rules_text
    assert "# TODO : les cas de la règle pas-de-budget-visuels" in cases_text and "Another business" not in cases_text
    rulebook = rulebase.load()
    assert rulebook.rule("pas-de-budget-visuels").line == created.rule_line
    assert [r.passed for r in run_cases(Advisor(rulebase.root), load_cases(created.cases_file, rulebook))] == [True, True]
    report = check_rules(rulebase.root)
    assert [f.problem.rule for f in report.findings if f.code == "A601"] == ["pas-de-budget-visuels"]


def test_appending_keeps_the_file_and_a_cases_file_without_base_gets_whole_sheets(rulebase: RuleBase) -> None:
    original = "# my comments stay\ntheme: time\nrules:\n    - id: a\n      title: {en: A, fr: A}\n" \
               "      when: [{business.local: true}]\n      then: {set: {flag: true}}\n" \
               "      because: {en: B, fr: B}\n      source: S\n"
    rulebase.write("10-time.yaml", original)
    rulebase.write("10-time.cases.yaml", yaml.safe_dump({"cases": [{"name": "one", "sheet": {
        "business": {"name": "T", "size": "tpe", "audience": "b2c", "local": True},
        "resources": {"weekly_hours": 3, "monthly_budget": 0}, "objectives": []}, "expect": {"fires": ["a"]}}]}))
    created = new_rule(rulebase.root, "time/second-rule")
    text = created.rule_file.read_text(encoding="utf-8")
    assert text.startswith(original) and "\n    - id: second-rule\n" in text  # the file's own indentation
    cases = load_cases(created.cases_file, rulebase.load())
    assert [case.name for case in cases] == ["one", "second-rule-fires", "second-rule-silent"]
    assert all(r.passed for r in run_cases(Advisor(rulebase.root), cases))


def test_refusals_leave_everything_as_it_was(rulebase: RuleBase) -> None:
    rulebase.rules("10-time.yaml", rule("a", when=[{"business.local": True}]))
    before = {p.name: p.read_text(encoding="utf-8") for p in rulebase.root.glob("*.yaml")}
    with pytest.raises(InputError) as error:
        new_rule(rulebase.root, "time/a")
    assert error.value.codes == ["new-id-taken"]
    with pytest.raises(InputError) as error:
        new_rule(rulebase.root, "tme/b")
    assert error.value.problems[0].hint_text("en") == "did you mean 'time'?"
    with pytest.raises(InputError):
        new_rule(rulebase.root, "time/B")
    # a file whose rules: list is not last: the skeleton would not land in it
    rulebase.write("10-time.yaml", before["10-time.yaml"].replace("theme: time\n", "") + "theme: time\n")
    broken_before = (rulebase.root / "10-time.yaml").read_text(encoding="utf-8")
    with pytest.raises(RuleBookError) as error:
        new_rule(rulebase.root, "time/b")
    assert error.value.codes == ["new-failed"] and "- id: b" in error.value.format("en")
    assert (rulebase.root / "10-time.yaml").read_text(encoding="utf-8") == broken_before
    assert not (rulebase.root / "10-time.cases.yaml").exists()
