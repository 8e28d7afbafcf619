"""Nothing passes `advise rules check` that fails a client (issue 12): names in texts,
texts rendered on every case sheet in both languages, failing and crashing cases, table
values typed by their use, list items named, skeleton cases, advice said twice."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from advise.cli.main import main
from advise.errors import RuleBookError
from advise.rulebase.loading import load_rulebook
from advise.workbench.checks import check_rules

import pytest

from conftest import RuleBase, rule

BASE = """\
base:
  business: {name: Test, size: tpe, audience: b2c}
  resources: {weekly_hours: 4, monthly_budget: 100}
  objectives: [sales]
cases:
"""


def codes(report, code: str):
    return [finding for finding in report.findings if finding.code == code]


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def cases(rulebase: RuleBase, text: str) -> None:
    rulebase.write("10-x.cases.yaml", BASE + textwrap.indent(textwrap.dedent(text), "  "))


FIRES = """\
- name: it-fires
  expect: {fires: [shows-hours]}
"""


# ---------------------------------------------------------------- names in texts


def test_a_misspelt_sheet_field_in_a_text_is_an_error_with_its_place_and_the_right_name(rulebase: RuleBase) -> None:
    path = rulebase.rules("10-x.yaml", rule(
        "shows-hours", when=[{"resources.weekly_hours": {"gt": 1}}],
        because={"en": "You have {{ resources.weekly_hour | hours }}.", "fr": "Vous avez {{ resources.weekly_hours }} h."}))
    cases(rulebase, FIRES)
    report = check_rules(rulebase.root)
    [found] = codes(report, "A603")
    assert (found.problem.file, found.problem.rule, found.problem.field) == (str(path), "shows-hours", "because.en")
    assert "resources.weekly_hour'" in found.problem.message("en")
    assert found.problem.hint_text("en") == "did you mean 'resources.weekly_hours'?"
    assert report.exit_code == 2
    result = invoke("rules", "check", str(rulebase.root))
    assert result.exit_code == 2 and "A603" in result.output and f"{path}:" in result.output


def test_loop_variables_table_values_and_families_are_known(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule(
        "shows-hours", when=[{"resources.weekly_hours": {"gt": 1}}],
        because={"en": "{% for p in profiles.planned %}{{ p }} {{ platform_hours[p] }}{% endfor %} "
                       "{{ thresholds.hours_per_profile }} {{ fit.instagram }} {{ lang }}",
                 "fr": "{% set n = resources.weekly_hours %}{{ n }} {{ objectives | length }}"}))
    cases(rulebase, FIRES)
    assert not codes(check_rules(rulebase.root, cases=False), "A603")


# ---------------------------------------------------------------- texts rendered on the cases


def test_a_text_that_fails_in_one_language_on_a_case_sheet_is_an_error(rulebase: RuleBase) -> None:
    path = rulebase.rules("10-x.yaml", rule(
        "shows-hours", when=[{"resources.weekly_hours": {"gt": 1}}],
        # `score` is declared but nothing concludes it: the French text fails on every sheet
        because={"en": "You have {{ resources.weekly_hours }} hours.", "fr": "Score : {{ score }}."}))
    cases(rulebase, FIRES)
    report = check_rules(rulebase.root)
    [found] = codes(report, "A604")
    assert (found.problem.file, found.problem.line, found.problem.rule) == (str(path), 3, "shows-hours")
    message = found.problem.message("en")
    assert "'fr'" in message and "it-fires" in message and "score" in message
    assert report.exit_code == 2


# ---------------------------------------------------------------- failing and crashing cases


def test_a_failing_case_is_an_error_of_rules_check(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("shows-hours", when=[{"resources.weekly_hours": {"gt": 1}}]))
    cases(rulebase, FIRES + """\
- name: expects-too-much
  expect: {verdict: launch}
""")
    report = check_rules(rulebase.root)
    [found] = codes(report, "A502")
    assert "expects-too-much" in found.problem.message("en") and found.problem.line == 8
    assert found.problem.file.endswith("10-x.cases.yaml")
    assert report.exit_code == 2


def test_a_crashing_case_is_an_error_naming_the_rule(rulebase: RuleBase) -> None:
    path = rulebase.rules("10-x.yaml", rule(
        "shows-hours", when=[{"resources.weekly_hours": {"gt": 1}}],
        then={"set": {"score": "10 / (resources.weekly_hours - 4)"}}))
    cases(rulebase, FIRES)  # the base sheet has 4 hours: a division by zero
    report = check_rules(rulebase.root)
    [found] = codes(report, "A503")
    message = found.problem.message("en")
    assert "it-fires" in message and f"{path}:" in message and "division by zero" in message
    assert found.problem.rule == "shows-hours" and report.exit_code == 2


# ---------------------------------------------------------------- table values, list items


def quote_the_threshold(rulebase: RuleBase) -> tuple[Path, int]:
    table = rulebase.root / "tables" / "thresholds.yaml"
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace("  hours_per_profile:\n    value: 2\n", "  hours_per_profile:\n    value: \"0.7\"\n"),
                     encoding="utf-8")
    return table, table.read_text(encoding="utf-8").splitlines().index("  hours_per_profile:") + 1


def test_a_quoted_number_compared_with_a_number_is_an_error_at_the_table_line(rulebase: RuleBase) -> None:
    table, line = quote_the_threshold(rulebase)
    path = rulebase.rules("10-x.yaml", rule("shows-hours",
                                            when=[{"resources.weekly_hours": {"gt": "thresholds.hours_per_profile"}}]))
    report = check_rules(rulebase.root)
    [found] = report.errors
    assert (found.problem.file, found.problem.line) == (str(table), line)
    message = found.problem.message("en")
    assert "'0.7'" in message and "shows-hours" in message and f"{path}:" in message and "without quotes" in message


def test_a_quoted_number_in_a_computation_is_an_error_at_the_table_line(rulebase: RuleBase) -> None:
    table, line = quote_the_threshold(rulebase)
    rulebase.rules("10-x.yaml", rule("shows-hours", when=[{"resources.weekly_hours": {"gt": 1}}],
                                     then={"set": {"score": "thresholds.hours_per_profile * 2"}}))
    cases(rulebase, FIRES)
    report = check_rules(rulebase.root)
    [found] = codes(report, "A106")
    assert (found.problem.file, found.problem.line) == (str(table), line)
    assert "'0.7'" in found.problem.message("en") and "shows-hours" in found.problem.message("en")
    assert report.exit_code == 2


def test_a_list_condition_with_one_bad_item_names_the_item(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("b2b", when=[{"business.audience": {"in": ["b2b", 3, "bothh"]}}]))
    with pytest.raises(RuleBookError) as caught:
        load_rulebook(rulebase.root)
    messages = [problem.message("en") for problem in caught.value.problems]
    assert any("item 2" in m and "3" in m for m in messages), messages
    assert any("item 3" in m and "'bothh'" in m for m in messages), messages
    hints = [problem.hint_text("en") for problem in caught.value.problems]
    assert "did you mean 'both'?" in hints


# ---------------------------------------------------------------- skeletons, advice said twice


def test_skeleton_cases_from_rules_new_are_flagged_like_placeholder_texts(tmp_path: Path) -> None:
    from conftest import RULES
    import shutil

    shutil.copytree(RULES, tmp_path / "my-rules")
    assert invoke("rules", "new", "budget/no-print-budget", "--rules", str(tmp_path / "my-rules")).exit_code == 0
    report = check_rules(tmp_path / "my-rules")
    found = codes(report, "A605")
    assert {f.problem.params["case"] for f in found} == {"no-print-budget-fires", "no-print-budget-silent"}
    assert "description.en" in found[0].problem.message("en")
    assert all(f.severity == "warning" for f in found)


def test_two_conclusions_saying_the_same_thing_in_one_report(rulebase: RuleBase) -> None:
    text = {"en": "Open only Instagram, and post there twice a week.",
            "fr": "N'ouvrez qu'Instagram, et publiez-y deux fois par semaine."}
    rulebase.rules("10-x.yaml",
                   rule("shows-hours", when=[{"resources.weekly_hours": {"gt": 1}}],
                        then={"recommend": "start_with_one"}, because=text),
                   rule("also-says-it", when=[{"business.audience": "b2c"}],
                        then={"recommend": "free_tools"}, because=text))
    cases(rulebase, FIRES)
    report = check_rules(rulebase.root)
    [found] = codes(report, "A206")
    assert found.problem.rule == "also-says-it" and "shows-hours" in found.problem.message("en")
    assert found.severity == "warning"
