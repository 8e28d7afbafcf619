"""Attacks through a rule file's texts: a rule pack can produce text from the facts, nothing else.

Each test writes one hostile `because` text into a copy of the shipped rules and checks
that `advise rules check` refuses it (exit 2, naming the file, line and rule), and that
a text that only turns hostile for some sheets is stopped when a report is written: within
a second, with an error naming the rule, exit 2, and nothing executed.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner

from advise.advisor import Advisor
from advise.cli.main import main
from advise.errors import RuleBookError
from advise.explain.report import build_report
from advise.sandbox import RULE_TEXT_LIMITS, BoundedEnvironment

ROOT = Path(__file__).resolve().parents[2]
RULE_FILE = "30-objectives.yaml"
ANCHOR = 'en: "Visibility is your only objective.'
SHEET = """\
version: 1
lang: en
business: {name: Test, size: tpe, audience: b2c, local: true, ecommerce: false, visual_products: true}
resources: {weekly_hours: 4, monthly_budget: 100, graphic_skills: true}
objectives: [visibility]
content: {editorial_ideas: true, can_reply_within_a_day: true, contests_planned: false, audience_participation: false}
profiles: {planned: [instagram], existing: []}
"""

# Texts refused when the rule base loads (`rules check`, and every run).
UNSAFE = {
    "popen through cycler": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "popen through a string's class": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "underscore by subscript": "{{ resources['__class__'] }}",
    "underscore through attr": "{{ resources | attr('__class__') }}",
    "jinja globals": "{{ lipsum(5) }}{{ joiner() }}",
    "range of a billion": "{% for i in range(10**9) %}x{% endfor %}",
    "a billion characters": "{{ 'x' * 10**9 }}",
    "recursive macro": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "exponential macro": "{% macro f(n) %}{% if n < 60 %}{{ f(n + 1) }}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(0) }}",
    "nested loops": "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
    "wide format": "{{ '%999999999d' | format(1) }}",
    "wide center": "{{ 'x' | center(999999999) }}",
    "doubling": "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "a list that changes": "{% set l = [] %}{{ l.append(1) }}",
    "str.format reaching attributes": "{{ '{0.__class__}'.format(1) }}",
    "nesting": "{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}",
    "extends inside a macro (only compiling finds it)": "{% macro f(n) %}{% extends 'x' %}{% endmacro %}",
}
# Texts that pass the check on sample values but run away for this sheet (weekly_hours 4).
RUNAWAY = {
    "range of a billion": "{% if resources.weekly_hours > 3 %}{% for i in range(10**9) %}x{% endfor %}{% endif %}",
    "a billion characters": "{% if resources.weekly_hours > 3 %}{{ 'x' * 10**9 }}{% endif %}",
    "recursive macro": "{% macro f(n) %}{% if resources.weekly_hours > 3 %}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(0) }}",
    "exponential macro": "{% macro f(n) %}{% if n < (resources.weekly_hours - 3) * 60 %}{{ f(n + 1) }}{{ f(n + 1) }}"
                         "{% endif %}{% endmacro %}{{ f(0) }}",
}


def hostile_rules(tmp_path: Path, text: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / RULE_FILE
    source = path.read_text(encoding="utf-8")
    assert ANCHOR in source
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(source.replace(ANCHOR, f'en: "{escaped} Visibility is your only objective.', 1), encoding="utf-8")
    return rules


def rule_line(rules: Path) -> int:
    lines = (rules / RULE_FILE).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if "id: visibility-only" in line)


def text_line(rules: Path) -> int:
    lines = (rules / RULE_FILE).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if "Visibility is your only objective." in line)


@pytest.mark.parametrize("text", list(UNSAFE.values()), ids=list(UNSAFE))
def test_rules_check_refuses_an_unsafe_text(tmp_path: Path, text: str) -> None:
    rules = hostile_rules(tmp_path, text)
    with pytest.raises(RuleBookError) as caught:
        Advisor(rules)
    problem = next(p for p in caught.value.problems if p.code in ("template-unsafe", "template-name",
                                                                   "template-syntax"))
    assert problem.rule == "visibility-only" and problem.file.endswith(RULE_FILE)
    assert problem.line == text_line(rules)

    result = CliRunner().invoke(main, ["rules", "check", str(rules)])
    assert result.exit_code == 2
    assert re.search(rf"{RULE_FILE}:{text_line(rules)} \[visibility-only\] because\.en: A001 error", result.output)


@pytest.mark.parametrize("text", list(UNSAFE.values()), ids=list(UNSAFE))
def test_the_sandbox_ends_each_unsafe_text_within_a_second(text: str) -> None:
    environment = BoundedEnvironment(limits=RULE_TEXT_LIMITS, undefined=jinja2.StrictUndefined)
    started = time.process_time()  # CPU time: the work the text makes, whatever the machine's load
    with pytest.raises(jinja2.TemplateError):
        environment.render(environment.from_string(text), {"resources": {"weekly_hours": 4}})
    assert time.process_time() - started < 1.0


def test_the_shell_command_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    rules = hostile_rules(tmp_path, "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}" % marker)
    sheet = tmp_path / "client.yaml"
    sheet.write_text(SHEET, encoding="utf-8")
    result = CliRunner().invoke(main, [str(sheet), "--rules", str(rules)])
    assert result.exit_code == 2
    assert "visibility-only" in result.output
    assert not marker.exists()


@pytest.mark.parametrize("text", list(RUNAWAY.values()), ids=list(RUNAWAY))
def test_a_text_running_away_for_one_sheet_stops_within_a_second(tmp_path: Path, text: str) -> None:
    rules = hostile_rules(tmp_path, text)
    advisor = Advisor(rules)  # sample values do not trigger it: the check lets it through
    sheet = tmp_path / "client.yaml"
    sheet.write_text(SHEET, encoding="utf-8")
    result = advisor.run_file(sheet)
    started = time.process_time()
    with pytest.raises(RuleBookError) as caught:
        build_report(result, "en")
    assert time.process_time() - started < 1.0
    problem = caught.value.problems[0]
    assert (problem.code, problem.rule, problem.file, problem.line) == \
        ("because-unsafe", "visibility-only", str(rules / RULE_FILE), rule_line(rules))

    cli = CliRunner().invoke(main, [str(sheet), "--rules", str(rules)])
    assert cli.exit_code == 2
    assert f"{RULE_FILE}:{rule_line(rules)} [visibility-only]" in cli.output


def test_report_templates_folder_is_sandboxed_and_bounded(tmp_path: Path) -> None:
    """A templates folder (--templates) is someone else's too: same sandbox, report-sized bounds."""
    sheet = tmp_path / "client.yaml"
    sheet.write_text(SHEET, encoding="utf-8")
    for text in ("{{ report.__class__ }}", "{{ cycler.__init__.__globals__ }}", "{{ 'x' * 10**9 }}",
                 "{% for i in range(10**9) %}x{% endfor %}",
                 "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"):
        templates = tmp_path / "templates"
        shutil.rmtree(templates, ignore_errors=True)
        shutil.copytree(ROOT / "explanations", templates)
        (templates / "report.txt.j2").write_text(text, encoding="utf-8")
        started = time.process_time()
        result = CliRunner().invoke(main, [str(sheet), "--templates", str(templates), "--no-hints"])
        assert time.process_time() - started < 5.0  # the run; the template itself stops within a second
        assert result.exit_code == 2, (text, result.output)
        assert "report.txt.j2" in result.output
