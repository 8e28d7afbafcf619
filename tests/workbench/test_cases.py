"""The scenario cases beside the rules (rules/*.cases.yaml), one test each, and the runner itself.

A failing case names its file and case (`10-time.cases.yaml::zero-hours-with-a-plan`) and
says, in plain words, each thing the rule base concluded differently.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from advise.advisor import Advisor
from advise.rulebase.loading import INVARIANTS_FILE
from advise.workbench.cases import Case, load_cases, run_cases
from advise.errors import RuleBookError
from advise.rulebase.loading import load_rulebook
from advise.sheet.facts import load_fact_sheet

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
EXAMPLES = ROOT / "examples"

# The identifiers of shared/contract/report.md that the knowledge base must raise.
CONTRACT_WARNINGS = ("time_shortfall", "no_objective", "visibility_only", "organic_reach", "visual_costs",
                     "contest_costs", "community_needs_time", "no_editorial_line", "hidden_costs")
CONTRACT_RECOMMENDATIONS = ("define_objectives", "free_tools", "community_practices", "participation",
                            "start_with_one")
VERDICTS = ("not_yet", "minimal_presence", "launch_gradually", "launch")

_RULEBOOK = load_rulebook(RULES)
CASES = load_cases(RULES, _RULEBOOK)


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor(RULES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(advisor: Advisor, case: Case) -> None:
    [outcome] = run_cases(advisor, [case])
    assert outcome.passed, outcome.describe()


# ---------------------------------------------------------------- coverage of the cases


def test_every_rule_file_has_its_cases_file() -> None:
    rule_files = [p for p in RULES.glob("*.yaml") if p.name not in ("vocabulary.yaml", INVARIANTS_FILE)
                  and not p.name.endswith(".cases.yaml")]
    assert rule_files
    for path in rule_files:
        assert path.with_name(path.stem + ".cases.yaml").is_file(), f"{path.name} has no cases file"


@pytest.mark.parametrize("item", [("warnings", i) for i in CONTRACT_WARNINGS]
                         + [("recommendations", i) for i in CONTRACT_RECOMMENDATIONS],
                         ids=lambda item: item[1])
def test_each_contract_identifier_has_a_case_raising_it_and_one_not(item: tuple[str, str]) -> None:
    kind, identifier = item
    raised = [case.id for case in CASES if identifier in getattr(case.expect, kind)]
    absent = [case.id for case in CASES if identifier in getattr(case.expect, "no_" + kind)]
    assert len(raised) >= 1 and len(absent) >= 1, (identifier, raised, absent)


def test_every_verdict_and_every_example_sheet_is_covered() -> None:
    assert {case.expect.verdict for case in CASES} >= set(VERDICTS)
    # The cases carry the example sheets inline (a copy of the rules works anywhere): each
    # example's answers must be those of some case, so the two stay in step.
    used = [case.sheet.facts for case in CASES]
    for sheet in EXAMPLES.glob("*.yaml"):
        assert load_fact_sheet(sheet).facts in used, \
            f"no case runs {sheet.name} (or its inline copy in rules/*.cases.yaml differs from it)"


def test_every_rule_fires_in_some_case_and_stays_silent_in_another(advisor: Advisor) -> None:
    outcomes = run_cases(advisor, CASES)
    fired_somewhere: set[str] = set()
    silent_somewhere: set[str] = set()
    for outcome in outcomes:
        fired = set(outcome.result.trace.fired_rules())
        fired_somewhere |= fired
        silent_somewhere |= {rule.id for rule in advisor.rulebook.rules} - fired
    rule_ids = {rule.id for rule in advisor.rulebook.rules}
    # hours-available, profiles-in-time and profiles-time-allows hold for every sheet.
    always = {"hours-available", "profiles-in-time", "profiles-time-allows"}
    assert rule_ids - fired_somewhere == set()
    assert rule_ids - silent_somewhere == always


@pytest.mark.parametrize("sheet", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_the_report_contract_holds_for_every_example(advisor: Advisor, sheet: Path) -> None:
    facts = advisor.run_file(sheet).facts
    assert facts["verdict"] in VERDICTS
    assert isinstance(facts["max_profiles"], int) and facts["max_profiles"] >= 0
    assert len(facts["platforms"]) <= facts["max_profiles"]
    assert facts["weekly_hours_available"] == facts["resources.weekly_hours"]
    assert facts["weekly_hours_needed"] >= 0


def test_the_example_sheets_are_commented_at_the_top() -> None:
    for sheet in EXAMPLES.glob("*.yaml"):
        assert sheet.read_text(encoding="utf-8").startswith("# "), sheet.name


# ---------------------------------------------------------------- the runner


def write(tmp_path: Path, text: str, name: str = "a.cases.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


BASE = """\
    base:
      business: {name: Test, size: pme, audience: b2c}
      resources: {weekly_hours: 10, monthly_budget: 200, graphic_skills: true}
      objectives: [sales]
      content: {editorial_ideas: true, can_reply_within_a_day: true, audience_participation: true}
      profiles: {planned: [facebook]}
"""


def problems_of(tmp_path: Path, text: str) -> list:
    with pytest.raises(RuleBookError) as caught:
        load_cases(write(tmp_path, text), _RULEBOOK)
    return caught.value.problems


def test_a_valid_file_loads_with_base_merged(tmp_path: Path) -> None:
    [case] = load_cases(write(tmp_path, BASE + """\
    cases:
      - name: more-hours
        sheet:
          resources: {weekly_hours: 3}
        expect: {verdict: launch}
    """), _RULEBOOK)
    assert case.name == "more-hours" and case.line == 8
    assert case.sheet.facts["resources.weekly_hours"] == 3
    assert case.sheet.facts["resources.monthly_budget"] == 200  # merged from base
    assert case.sheet.facts["profiles.planned"] == ("facebook",)
    assert case.id == "a.cases.yaml::more-hours"


def test_unknown_keys_are_errors_with_did_you_mean(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, BASE + """\
    cases:
      - name: typo
        sheeet: {}
        expect:
          verdicts: launch
          warning: [time_shortfall]
    """)
    found = {(p.code, p.params.get("key"), p.hint_params.get("suggestion"), p.line) for p in problems}
    assert ("unknown-key", "sheeet", "sheet", 9) in found
    assert ("unknown-key", "verdicts", "verdict", 11) in found
    assert ("unknown-key", "warning", "warnings", 12) in found
    assert all(p.file.endswith("a.cases.yaml") for p in problems)


def test_unknown_ids_and_facts_in_expectations_are_errors_with_their_line(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, BASE + """\
    cases:
      - name: unknown-things
        expect:
          verdict: launched
          facts: {max_profile: 1, platforms: [myspace], max_profiles: 1.5}
          fires: [time-shortfal]
          silent: [no-such-rule-at-all-here]
          warnings: [time_shortfal]
          no_recommendations: [start_with_two]
    """)
    by_code = {}
    for problem in problems:
        by_code.setdefault(problem.code, []).append(problem)
    assert by_code["case-unknown-verdict"][0].hint_params == {"suggestion": "launch"}
    assert by_code["case-unknown-verdict"][0].line == 10
    assert by_code["case-unknown-fact"][0].params["name"] == "max_profile"
    assert by_code["case-unknown-fact"][0].hint_params == {"suggestion": "max_profiles"}
    assert len(by_code["case-bad-fact-value"]) == 2  # myspace is no platform; 1.5 profiles
    assert [p.params["id"] for p in by_code["case-unknown-rule"]] == ["time-shortfal", "no-such-rule-at-all-here"]
    assert by_code["case-unknown-rule"][0].hint_params == {"suggestion": "time-shortfall"}
    assert by_code["case-unknown-rule"][0].line == 12
    assert by_code["case-unknown-warning"][0].hint_params == {"suggestion": "time_shortfall"}
    assert by_code["case-unknown-recommendation"][0].line == 15
    message = RuleBookError(problems).format("en")
    assert re.search(r"a\.cases\.yaml:12 .*unknown rule id 'time-shortfal'\n  hint: did you mean 'time-shortfall'\?",
                     message)
    assert "identifiant de règle inconnu" in RuleBookError(problems).format("fr")


def test_names_sheets_and_contradictions_are_checked(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, """\
    cases:
      - name: Not Kebab
        sheet: {business: {name: X, size: tpe, audience: b2c}, resources: {weekly_hours: 1, monthly_budget: 0}, objectives: []}
        expect: {verdict: launch}
      - name: twice
        sheet: {business: {name: X, size: tpe, audience: b2c}, resources: {weekly_hours: 1, monthly_budget: 0}, objectives: []}
        expect: {verdict: launch}
      - name: twice
        sheet: {business: {name: X, size: tpe, audience: b2c}, resources: {weekly_hours: 1, monthly_budget: 0}, objectives: []}
        expect: {verdict: launch}
      - name: no-sheet-at-all
        expect: {verdict: launch}
      - name: both-sheets
        sheet: {}
        sheet_file: ../examples/fleuriste.yaml
        expect: {verdict: launch}
      - name: missing-file
        sheet_file: nowhere.yaml
        expect: {verdict: launch}
      - name: bad-sheet
        sheet:
          business: {name: X, size: tpe, audience: b2x}
          resources: {weekly_hour: 1, monthly_budget: 0}
          objectives: []
        expect: {verdict: launch}
      - name: contradiction
        sheet: {business: {name: X, size: tpe, audience: b2c}, resources: {weekly_hours: 1, monthly_budget: 0}, objectives: []}
        expect: {warnings: [hidden_costs], no_warnings: [hidden_costs], fires: [no-objective], silent: [no-objective]}
      - name: expects-nothing
        sheet: {business: {name: X, size: tpe, audience: b2c}, resources: {weekly_hours: 1, monthly_budget: 0}, objectives: []}
        expect: {}
      - name: no-expect
        sheet: {business: {name: X, size: tpe, audience: b2c}, resources: {weekly_hours: 1, monthly_budget: 0}, objectives: []}
    """)
    codes = [(p.code, p.line) for p in problems]
    assert ("case-bad-name", 2) in codes
    assert ("case-duplicate-name", 8) in codes
    assert ("case-no-sheet", 11) in codes
    assert ("case-sheet-and-file", 15) in codes
    assert ("case-sheet-file-missing", 18) in codes
    bad_choice = next(p for p in problems if p.code == "bad-choice")
    assert bad_choice.line == 22 and bad_choice.field.endswith("sheet.business.audience")
    assert bad_choice.hint_params == {"suggestion": "b2c"}
    unknown = next(p for p in problems if p.code == "unknown-key" and p.params["key"] == "weekly_hour")
    assert unknown.line == 23 and unknown.hint_params == {"suggestion": "weekly_hours"}
    assert sorted(p.params["id"] for p in problems if p.code == "case-contradiction") == ["hidden_costs", "no-objective"]
    assert ("case-expects-nothing", 31) in codes
    assert ("missing-field", 32) in codes


def test_files_that_are_not_cases_files_are_refused(tmp_path: Path) -> None:
    assert [p.code for p in problems_of(tmp_path, "- a\n- b\n")] == ["not-a-mapping"]
    assert [p.code for p in problems_of(tmp_path, "base: {}\n")] == ["missing-field"]
    assert [p.code for p in problems_of(tmp_path, "cases: []\n")] == ["wrong-type"]
    assert [p.code for p in problems_of(tmp_path, "cases: [\n")] == ["yaml-syntax"]
    with pytest.raises(RuleBookError) as caught:
        load_cases(tmp_path / "missing.cases.yaml", _RULEBOOK)
    assert caught.value.codes == ["cases-missing"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RuleBookError) as caught:
        load_cases(empty, _RULEBOOK)
    assert caught.value.codes == ["cases-none"]


def test_the_rule_loader_ignores_cases_files(tmp_path: Path) -> None:
    book = load_rulebook(RULES)
    assert not any(name.endswith(".cases.yaml") for name in book.files)


def test_a_failing_case_reports_each_mismatch_in_plain_words(tmp_path: Path, advisor: Advisor) -> None:
    path = write(tmp_path, BASE + """\
    cases:
      - name: wrong-on-purpose
        sheet:
          resources: {weekly_hours: 0}
        expect:
          verdict: launch
          facts: {max_profiles: 2, platforms: [facebook], time_gap: 1.5, weekly_hours_needed: 1.5}
          fires: [verdict-launch]
          silent: [no-time-budget]
          warnings: [visibility_only]
          no_warnings: [time_shortfall]
          recommendations: [participation]
          no_recommendations: [fill_in_basics]
      - name: right
        expect: {verdict: launch}
    """)
    wrong, right = run_cases(advisor, load_cases(path, _RULEBOOK))
    assert right.passed and right.mismatches == ()
    assert not wrong.passed
    assert wrong.result is not None and wrong.result.facts["verdict"] == "minimal_presence"
    messages = [m.message("en") for m in wrong.mismatches]
    assert messages == [
        "the verdict is minimal_presence, expected launch",
        "'max_profiles' is 0, expected 2",
        "'platforms' is [], expected [facebook]",
        "the rule 'verdict-launch' did not fire, expected it to fire",
        "the rule 'no-time-budget' fired, expected it to stay silent",
        "the warning 'visibility_only' was not raised, expected it",
        "the warning 'time_shortfall' was raised, expected it not to be",
        "the recommendation 'participation' was not made, expected it",
        "the recommendation 'fill_in_basics' was made, expected it not to be",
    ]
    assert [m.kind for m in wrong.mismatches] == ["verdict", "fact", "fact", "fires", "silent", "warnings",
                                                  "no_warnings", "recommendations", "no_recommendations"]
    text = wrong.describe()
    assert text.startswith(f"{path}:8: wrong-on-purpose: 9 mismatch(es)")
    assert "the rule 'verdict-launch' did not fire" in text and "rules fired: hours-available" in text
    assert "le verdict est minimal_presence, attendu launch" in wrong.describe("fr")


def test_a_fact_that_is_not_concluded_is_a_mismatch(tmp_path: Path, advisor: Advisor) -> None:
    path = write(tmp_path, BASE + """\
    cases:
      - name: no-gap-without-plan
        sheet:
          profiles: {planned: []}
        expect:
          facts: {time_gap: 0}
    """)
    [outcome] = run_cases(advisor, load_cases(path, _RULEBOOK))
    assert not outcome.passed
    assert outcome.mismatches[0].message("en") == "'time_gap' is not concluded, expected 0"


def test_a_case_whose_run_fails_reports_the_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "tables").mkdir()
    for table in (RULES / "tables").glob("*.yaml"):
        (rules / "tables" / table.name).write_text(table.read_text(encoding="utf-8"), encoding="utf-8")
    (rules / "vocabulary.yaml").write_text((RULES / "vocabulary.yaml").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    (rules / "10-broken.yaml").write_text(textwrap.dedent("""\
        theme: time
        rules:
          - id: divide-by-zero
            title: {en: Divides, fr: Divise}
            then:
              set:
                weekly_hours_available: resources.weekly_hours / 0
            because: {en: Because., fr: Parce que.}
            source: Test
        """), encoding="utf-8")
    advisor = Advisor(rules)
    path = write(tmp_path, BASE + """\
    cases:
      - name: boom
        expect: {verdict: launch}
    """)
    [outcome] = run_cases(advisor, load_cases(path, advisor.rulebook))
    assert not outcome.passed and outcome.result is None and outcome.error is not None
    assert outcome.mismatches[0].kind == "run"
    assert "divide-by-zero" in outcome.mismatches[0].message("en")
    assert "division by zero" in outcome.describe()
