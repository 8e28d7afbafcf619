"""The workbench commands through click's CliRunner: rules check/list/show/graph/new/docs,
test, init, interview. Each command has help with an example, `--rules` and `--lang`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from advise.cli.main import main
from advise.sheet.facts import SHEET_FIELDS, load_fact_sheet

from conftest import EXAMPLES, RULES, RuleBase, rule

COMMANDS = [["rules", "check"], ["rules", "list"], ["rules", "show"], ["rules", "graph"], ["rules", "new"],
            ["rules", "docs"], ["test"], ["init"], ["interview"]]


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the shipped rule base (with examples/ beside it, which some cases read)."""
    shutil.copytree(RULES, tmp_path / "rules")
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    return tmp_path / "rules"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example_and_the_common_options(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Examples:" in result.output and "advise " in result.output.split("Examples:")[1]
    assert "--rules" in result.output and "--lang" in result.output


def test_the_group_lists_the_commands() -> None:
    result = invoke("--help")
    for name in ("rules", "test", "init", "interview"):
        assert name in result.output
    assert "check" in invoke("rules", "--help").output


# ---------------------------------------------------------------- rules check


def test_check_the_shipped_rules() -> None:
    result = invoke("rules", "check")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_check_errors_exit_2_in_text_and_json(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("too-many-hours", when=[{"resources.weekly_hours": {"gt": 168}}]))
    result = invoke("rules", "check", str(rulebase.root), "--lang", "fr", "--no-cases")
    assert result.exit_code == 2
    assert "[too-many-hours]: A102 erreur :" in result.output and "à faire :" in result.output
    result = invoke("rules", "check", "--rules", str(rulebase.root), "--format", "json", "--no-cases")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["errors"] == 1
    assert any(f["code"] == "A102" and f["rule"] == "too-many-hours" for f in data["findings"])


def test_check_warnings_exit_0(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("todo", title={"en": "TODO", "fr": "TODO"}, when=[{"business.local": True}]))
    result = invoke("rules", "check", "--rules", str(rulebase.root))
    assert result.exit_code == 0, result.output
    assert "A601 warning" in result.output and "A501 warning" in result.output


def test_check_a_rule_base_that_does_not_load(tmp_path: Path) -> None:
    result = invoke("rules", "check", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "A001" in result.output
    assert "Traceback" not in result.output


def test_check_refuses_two_different_folders(tmp_path: Path) -> None:
    result = invoke("rules", "check", str(tmp_path / "a"), "--rules", str(tmp_path / "b"))
    assert result.exit_code == 2 and "RULES_DIR or --rules" in result.output


# ---------------------------------------------------------------- list, show, graph, docs


def test_list() -> None:
    result = invoke("rules", "list")
    assert result.exit_code == 0
    assert "visibility-only" in result.output and "rules/30-objectives.yaml:" in result.output
    rows = json.loads(invoke("rules", "list", "--format", "json", "--theme", "objectives", "--lang", "fr").stdout)
    assert rows and all(row["theme"] == "objectives" for row in rows)
    assert any(row["id"] == "visibility-only" and row["title"].startswith("La visibilité") for row in rows)


def test_show_in_both_languages_with_cases() -> None:
    result = invoke("rules", "show", "visibility-only")
    assert result.exit_code == 0, result.output
    text = result.output
    for part in ("visibility-only:", "When:", "objectives is visibility and nothing else", "Then:",
                 "raises the warning visibility_only", "Because:", "Source", "Cases:", "fires"):
        assert part in text, part
    text = invoke("rules", "show", "visibility-only", "--lang", "fr", "--no-cases").output
    assert "Quand :" in text and "se limite à visibility" in text and "Cas" not in text


def test_show_an_unknown_rule() -> None:
    result = invoke("rules", "show", "visibility-onli", "--no-cases")
    assert result.exit_code == 2 and "visibility-only" in result.output


def test_graph_in_mermaid_and_dot() -> None:
    mermaid = invoke("rules", "graph").output
    assert mermaid.startswith("flowchart LR")
    assert "f_objectives --> r_visibility_only" in mermaid
    assert "r_visibility_only --> f_warnings_visibility_only" in mermaid
    dot = invoke("rules", "graph", "--format", "dot").output
    assert dot.startswith("digraph rules {") and dot.rstrip().endswith("}")
    assert "f_objectives -> r_visibility_only;" in dot


def test_graph_marks_negations(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("not-local", when=[{"not": {"business.local": True}}]))
    out = invoke("rules", "graph", "--rules", str(rulebase.root)).output
    assert "f_business_local -. not .-> r_not_local" in out


def test_docs(tmp_path: Path) -> None:
    out = tmp_path / "rules.md"
    result = invoke("rules", "docs", "-o", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Rule reference") and "visibility-only" in text
    assert invoke("rules", "docs", "--lang", "fr").output.startswith("# Référence des règles")


# ---------------------------------------------------------------- rules new


def test_new_rule_appends_a_skeleton_that_loads_checks_and_passes(copy: Path) -> None:
    result = invoke("rules", "new", "budget/no-visual-budget", "--rules", str(copy))
    assert result.exit_code == 0, result.output
    assert "20-budget.yaml" in result.output
    text = (copy / "20-budget.yaml").read_text(encoding="utf-8")
    assert "- id: no-visual-budget" in text and text.count("TODO") >= 4
    check = invoke("rules", "check", str(copy))
    assert check.exit_code == 0, check.output
    assert "[no-visual-budget]: A601 warning" in check.output
    tested = invoke("test", str(copy / "20-budget.cases.yaml"))
    assert tested.exit_code == 0, tested.output
    again = invoke("rules", "new", "budget/no-visual-budget", "--rules", str(copy))
    assert again.exit_code == 2 and "already used" in again.output


def test_new_rule_in_a_theme_without_file_and_bad_targets(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("only", when=[{"business.local": True}]))
    result = invoke("rules", "new", "verdict/my-verdict", "--rules", str(rulebase.root), "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert "nouveau fichier" in result.output
    created = sorted(p.name for p in rulebase.root.glob("*verdict*"))
    assert len(created) == 2 and created[0].endswith("-verdict.cases.yaml")
    assert invoke("test", "--rules", str(rulebase.root)).exit_code == 0
    assert invoke("rules", "new", "verdikt/x", "--rules", str(rulebase.root)).exit_code == 2
    assert "verdict" in invoke("rules", "new", "verdikt/x", "--rules", str(rulebase.root)).output
    assert invoke("rules", "new", "verdict/Bad_Id", "--rules", str(rulebase.root)).exit_code == 2
    assert invoke("rules", "new", "no-slash", "--rules", str(rulebase.root)).exit_code == 2


# ---------------------------------------------------------------- advise test


def _cases(base: RuleBase, expect_verdict_rule: bool = True) -> None:
    base.rules("10-x.yaml", rule("local", when=[{"business.local": True}]),
               rule("never-local", when=[{"business.local": False}, {"business.size": "large"}]))
    base.write("10-x.cases.yaml", yaml.safe_dump({
        "base": {"business": {"name": "T", "size": "tpe", "audience": "b2c", "local": True},
                 "resources": {"weekly_hours": 3, "monthly_budget": 0}, "objectives": []},
        "cases": [{"name": "local", "expect": {"fires": ["local"]}},
                  {"name": "wrong", "sheet": {"business": {"local": False}},
                   "expect": {"fires": ["local"] if expect_verdict_rule else [], "facts": {"flag": True}}}]},
        sort_keys=False))


def test_test_reports_failures_with_expected_actual_and_trace(rulebase: RuleBase) -> None:
    _cases(rulebase)
    result = invoke("test", "--rules", str(rulebase.root))
    assert result.exit_code == 1
    out = result.output
    assert "FAIL" in out and "wrong" in out and "10-x.cases.yaml:" in out
    assert "the rule 'local' did not fire, expected it to fire" in out
    assert "'flag' is not concluded, expected true" in out
    assert "trace (rules fired, in order):" in out
    assert out.rstrip().endswith("1 passed, 1 failed")
    fr = invoke("test", "--rules", str(rulebase.root), "--lang", "fr").output
    assert "ÉCHEC" in fr and "1 réussi, 1 en échec" in fr


def test_test_a_single_file_finds_its_rule_base_and_coverage(rulebase: RuleBase) -> None:
    _cases(rulebase)
    result = invoke("test", str(rulebase.root / "10-x.cases.yaml"), "--coverage")
    assert result.exit_code == 1
    assert "Rule coverage: 1 of 2 rules" in result.output
    assert "Rules no case fires:" in result.output and "never-local" in result.output.split("no case fires:")[1]
    data = json.loads(invoke("test", str(rulebase.root), "--coverage", "--format", "json").stdout)
    assert data["failed"] == 1 and data["coverage"]["uncovered"] == ["never-local"]
    assert data["coverage"]["per_rule"][0] == {"rule": "local", "file": data["coverage"]["per_rule"][0]["file"],
                                               "line": data["coverage"]["per_rule"][0]["line"], "firings": 1,
                                               "cases": ["10-x.cases.yaml::local"]}


def test_test_invalid_case_file_exits_2(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("local", when=[{"business.local": True}]))
    rulebase.write("10-x.cases.yaml", "cases:\n  - name: x\n    sheet: {}\n    expect: {fires: [locl]}\n")
    result = invoke("test", "--rules", str(rulebase.root))
    assert result.exit_code == 2
    assert "did you mean 'local'" in result.output and "Traceback" not in result.output


def test_test_the_shipped_cases_pass_with_full_coverage() -> None:
    result = invoke("test", "--coverage", "-v")
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output and "Rule coverage:" in result.output


# ---------------------------------------------------------------- advise init


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_init_writes_a_commented_valid_sheet(tmp_path: Path, lang: str) -> None:
    target = tmp_path / "facts.yaml"
    result = invoke("init", str(target), "--lang", lang)
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    sheet = load_fact_sheet(target)
    assert sheet.lang == lang and set(sheet.facts) == set(SHEET_FIELDS)
    for name, spec in SHEET_FIELDS.items():
        key = name.rsplit(".", 1)[-1]
        assert f"{key}:" in text
        description = spec.description_en if lang == "en" else spec.description_fr
        assert description.split(":")[0][1:40] in text.replace("\n  #   ", " ").replace("\n#   ", " ")
    assert ("required" if lang == "en" else "obligatoire") in text
    assert invoke(str(target)).exit_code == 0  # advise FILE works on it


def test_init_never_overwrites_and_writes_to_stdout(tmp_path: Path) -> None:
    target = tmp_path / "facts.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = invoke("init", str(target))
    assert result.exit_code == 2 and "already exists" in result.output
    assert target.read_text(encoding="utf-8") == "mine\n"
    out = invoke("init", "-")
    assert out.exit_code == 0 and out.stdout.startswith("# Fact sheet for advise")
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


# ---------------------------------------------------------------- advise interview


ANSWERS = ["Chez Paul", "tpe", "b2c", "4", "20", "community, sales"]


def test_interview_writes_a_valid_sheet(tmp_path: Path) -> None:
    target = tmp_path / "paul.yaml"
    result = invoke("interview", "-o", str(target), input="\n".join(ANSWERS) + "\n" * 20)
    assert result.exit_code == 0, result.output
    sheet = load_fact_sheet(target)
    assert sheet.facts["business.name"] == "Chez Paul"
    assert sheet.facts["resources.weekly_hours"] == 4
    assert sheet.facts["objectives"] == ("community", "sales")
    assert sheet.lang == "en"
    assert invoke(str(target), "--format", "json").exit_code == 0


def test_interview_checks_each_answer_and_answers_why(tmp_path: Path) -> None:
    answers = ["Chez Paul", "tpe", "b2x", "b2c", "why", "lots", "200", "4", "20", "visibilty, sales", "visibility"]
    result = invoke("interview", input="\n".join(answers) + "\n" * 20)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "did you mean 'b2c'?" in out
    assert "Why this question:" in out and "hours-available" in out
    assert "'lots' is not a number" in out
    assert "200 is out of range" in out
    assert "did you mean 'visibility'?" in out
    sheet = yaml.safe_load(result.stdout)  # without -o, the sheet goes to stdout, the questions to stderr
    assert sheet["business"]["audience"] == "b2c" and sheet["objectives"] == ["visibility"]


def test_interview_in_french_skips_what_cannot_change_the_advice(tmp_path: Path) -> None:
    # No time at all: the rules about answering within a day can no longer apply.
    target = tmp_path / "sans-temps.yaml"
    answers = ["Chez Paul", "tpe", "b2c", "0", "0", "", "pourquoi"]
    result = invoke("interview", "-o", str(target), "--lang", "fr", input="\n".join(answers) + "\n" * 20)
    assert result.exit_code == 0, result.output
    assert "Quel est le nom de l'entreprise ?" in result.output
    sheet = load_fact_sheet(target)
    assert sheet.lang == "fr" and sheet.facts["objectives"] == ()
    text = target.read_text(encoding="utf-8")
    assert "Non demandé" in text


def test_interview_refuses_an_existing_file_before_asking(tmp_path: Path) -> None:
    target = tmp_path / "facts.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = invoke("interview", "-o", str(target), input="Chez Paul\n")
    assert result.exit_code == 2 and "already exists" in result.output
    assert "What is the name" not in result.output
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_test_without_any_case_file_says_so(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("local", when=[{"business.local": True}]))
    result = invoke("test", "--rules", str(rulebase.root))
    assert result.exit_code == 2 and "no case file" in result.output


def test_init_works_even_when_the_rule_base_does_not_load(tmp_path: Path) -> None:
    result = invoke("init", "-", "--rules", str(tmp_path / "nowhere"))
    assert result.exit_code == 0 and "read by the rules" not in result.output.lower()


def test_docs_check_mode(tmp_path: Path) -> None:
    out = tmp_path / "rules.md"
    assert invoke("rules", "docs", "-o", str(out), "--check").exit_code == 1
    assert invoke("rules", "docs", "-o", str(out)).exit_code == 0
    assert invoke("rules", "docs", "-o", str(out), "--check").exit_code == 0


def test_docs_check_without_a_file_is_a_usage_error_not_out_of_date() -> None:
    for args in ([], ["-o", "-"]):
        result = invoke("rules", "docs", "--check", *args)
        assert result.exit_code == 2, result.output
        assert "give it with -o FILE" in result.output and "out of date" not in result.output


def test_dash_output_is_the_terminal_for_docs_and_interview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    docs = invoke("rules", "docs", "-o", "-")
    assert docs.exit_code == 0 and docs.stdout.startswith("# Rule reference")
    interview = invoke("interview", "-o", "-", input="\n".join(ANSWERS) + "\n" * 20)
    assert interview.exit_code == 0, interview.output
    assert yaml.safe_load(interview.stdout)["business"]["name"] == "Chez Paul"
    assert not (tmp_path / "-").exists()


def test_batch_refuses_dash_as_its_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("batch", str(EXAMPLES / "fleuriste.yaml"), "-o", "-")
    assert result.exit_code == 2 and "-o needs a folder, not the terminal (-)" in result.output
    assert not (tmp_path / "-").exists()
    french = invoke("batch", str(EXAMPLES / "fleuriste.yaml"), "-o", "-", "--lang", "fr")
    assert french.exit_code == 2 and "pas le terminal (-)" in french.output


# ---------------------------------------------------------------- rules check --explain


def test_check_explain_shows_one_check_in_full_in_the_chosen_language(monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke("rules", "check", "--explain", "A203")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "A203 possible-conflict (warning)"
    for label in ("What it finds:", "Why it matters:", "What to do:"):
        assert label in lines
    assert "stops with a conflict error instead of giving a report" in " ".join(line.strip() for line in lines)
    french = invoke("rules", "check", "--explain", "possible-conflict", "--lang", "fr")
    assert french.exit_code == 0 and french.stdout.startswith("A203 possible-conflict (avertissement)\n")
    assert "Pourquoi c'est important\u00a0:" in french.stdout
    monkeypatch.setenv("ADVISE_LANG", "fr")
    assert invoke("rules", "check", "--explain", "a203").stdout == french.stdout


def test_check_explain_as_json_and_without_reading_any_rule_base(tmp_path: Path) -> None:
    result = invoke("rules", "check", str(tmp_path / "nowhere"), "--explain", "A202", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["code", "name", "severity", "what", "why", "fix"]
    assert data["code"] == "A202" and data["severity"] == "warning" and data["why"].startswith("It changes no advice")


def test_check_explain_an_unknown_code_exits_2_with_the_closest() -> None:
    result = invoke("rules", "check", "--explain", "A2O3")
    assert result.exit_code == 2 and not result.stdout
    assert "--explain: no check has the code or name 'A2O3'" in result.stderr
    assert "did you mean 'A203'?" in result.stderr and "Traceback" not in result.stderr
    french = invoke("rules", "check", "--explain", "Z999", "--lang", "fr")
    assert french.exit_code == 2 and "les codes sont A001, A002" in french.stderr


def test_check_findings_carry_why_in_json_and_the_text_ends_with_the_explain_tip(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("too-many-hours", when=[{"resources.weekly_hours": {"gt": 168}}]))
    data = json.loads(invoke("rules", "check", str(rulebase.root), "--no-cases", "--format", "json").stdout)
    found = next(f for f in data["findings"] if f["code"] == "A102")
    assert found["why"].startswith("No possible value of the fact meets it") and found["fix"]
    text = invoke("rules", "check", str(rulebase.root), "--no-cases").stdout.splitlines()
    tip = next(line for line in text if "--explain" in line)
    code = tip.rsplit(" ", 1)[1]
    assert text.index(tip) == len(text) - 2 and code in text[0]
    assert invoke("rules", "check", "--explain", code).exit_code == 0
