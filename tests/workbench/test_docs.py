"""The authoring guide and the rule reference stay true: docs/rules.md is what the rules
generate, the guide's tables are what the code generates, and the guide's worked example
works as written, from a copy of the rule base to a report."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from advise.cli.main import main
from advise.rulebase.loading import load_rulebook
from advise.workbench.docs import GENERATED, Phrases, refresh_generated, rules_markdown

from conftest import EXAMPLES, ROOT, RULES

DOCS = ROOT / "docs"
GUIDE = DOCS / "writing-rules.md"


def test_docs_rules_md_is_up_to_date() -> None:
    expected = rules_markdown(load_rulebook(RULES), "en")
    actual = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run  advise rules docs -o docs/rules.md"


def test_the_guide_tables_are_up_to_date() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for name in GENERATED:
        assert f"<!-- BEGIN GENERATED: {name} -->" in text, name
    assert refresh_generated(text) == text, "run  python -m advise.workbench.docs docs/writing-rules.md"


def test_the_guide_names_the_shipped_schemas_and_commands() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for path in re.findall(r"src/advise/workbench/schemas/[a-z-]+\.schema\.json", text):
        assert (ROOT / path).is_file(), path
    for command in ("rules new", "rules check", "advise test", "rules show", "rules graph", "rules docs"):
        assert command in text


def _blocks(text: str) -> list[tuple[str, str]]:
    return [(block.partition("\n")[0], block.partition("\n")[2]) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def test_the_worked_example_works_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(RULES, tmp_path / "my-rules")
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    written = []
    for first, body in _blocks(GUIDE.read_text(encoding="utf-8")):
        if match := re.match(r"# file: (\S+)", first):
            (tmp_path / match.group(1)).write_text(body, encoding="utf-8")
            written.append(match.group(1))
        elif match := re.match(r'# add under "(\w+):" in (\S+)', first):
            path = tmp_path / match.group(2)
            text, count = re.subn(rf"^{match.group(1)}:.*\n", lambda m: m.group(0) + body, path.read_text(encoding="utf-8"),
                                  count=1, flags=re.M)
            assert count == 1
            path.write_text(text, encoding="utf-8")
    assert "my-rules/60-audience.yaml" in written and "atelier.yaml" in written
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    check = runner.invoke(main, ["rules", "check", "--rules", "my-rules"])
    assert check.exit_code == 0, check.output
    assert " 0 errors" in check.output
    test = runner.invoke(main, ["test", "my-rules/60-audience.cases.yaml"])
    assert test.exit_code == 0, test.output
    assert test.output.rstrip().endswith("3 passed, 0 failed")
    show = runner.invoke(main, ["rules", "show", "b2b-plans-tiktok", "--rules", "my-rules"])
    assert show.exit_code == 0 and "b2b-with-tiktok" in show.output
    report = runner.invoke(main, ["atelier.yaml", "--rules", "my-rules", "--lang", "en", "--for", "consultant"])
    assert report.exit_code == 0, report.output
    assert "TikTok rarely reaches business buyers" in report.output
    assert "b2b-plans-tiktok" in report.output and "Médiamétrie" in report.output
    french = runner.invoke(main, ["atelier.yaml", "--rules", "my-rules", "--lang", "fr"])
    assert "TikTok touche rarement les acheteurs professionnels" in french.output


def test_plain_language_of_conditions() -> None:
    rulebook = load_rulebook(RULES)
    rule = rulebook.rule("visibility-only")
    assert Phrases(rulebook, "en").condition(rule.conditions[0]) == "objectives is visibility and nothing else"
    assert Phrases(rulebook, "fr").condition(rule.conditions[0]) == "objectifs (objectives) se limite à visibility"
