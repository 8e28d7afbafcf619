"""The consultant's workbench on the command line: rules check/list/show/graph/new/docs,
test, init, interview.

Each command parses its options, makes one library call (advise.workbench.checks, casework,
ruledocs, rulegraph, scaffold, sheet_template, interview) and prints; errors go through
advise.cli.reporting.report_errors like every other command. Every command takes `--rules DIR`
(default: the shipped rules/, or $ADVISE_RULES) and `--lang en|fr`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import InputError, Problem, register_messages
from .options import env_lang, lang_option, rules_option
from .reporting import report_errors

register_messages({
    "unknown-rule": {"en": "no rule has the id '{id}'", "fr": "aucune règle n'a l'identifiant « {id} »"},
    "rules-dir-twice": {
        "en": "two rule folders given ({first} and {second}): give RULES_DIR or --rules, not both",
        "fr": "deux dossiers de règles donnés ({first} et {second}) : donnez RULES_DIR ou --rules, pas les deux",
    },
    "check-needs-file": {
        "en": "the reference is compared with a file: give it with -o FILE",
        "fr": "la référence est comparée à un fichier : donnez-le avec -o FICHIER",
    },
})

STANDARD_OUTPUT = "-"  # `-o -`: the terminal (the standard output), as for `advise FILE`


def _rules_dir(rules_dir: str | None) -> Path:
    """The rule folder given, else the default one, shown relative to here when inside it."""
    from ..advisor import default_rules_dir

    if rules_dir:
        return Path(rules_dir)
    folder = default_rules_dir()
    try:
        return folder.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return folder


def _rulebook(rules_dir: str | None) -> Any:
    from ..rulebase.loading import load_rulebook

    return load_rulebook(_rules_dir(rules_dir))


# ---------------------------------------------------------------- advise rules ...


@click.group("rules")
def rules_group() -> None:
    """Check, explore, document and grow the rule base.

    \b
    Examples:
      advise rules check
      advise rules list
      advise rules show time-shortfall --lang fr
      advise rules graph --format dot > rules.dot
      advise rules new budget/no-visual-budget --rules my-rules/
      advise rules docs -o docs/rules.md
    """


@rules_group.command("check")
@click.argument("rules_dir_arg", metavar="[RULES_DIR]", required=False, type=click.Path(path_type=str))
@rules_option
@lang_option()
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for tools.")
@click.option("--no-cases", is_flag=True, help="Do not run the cases (skips the coverage check, A501).")
@click.option("--explain", "explain", metavar="CODE", default=None,
              help="Check nothing; show one check in full: what it finds, why it matters, what to do.")
@report_errors
def check_command(rules_dir_arg: str | None, rules_dir: str | None, lang: str | None, fmt: str,
                  no_cases: bool, explain: str | None) -> None:
    """Verify the rule base as a whole: load errors, rules that can never fire, duplicates,
    possible conflicts, cycles, unused facts, rules no case covers, TODO texts.

    Each finding has a stable code (A001, A101, ...), a place and what to do; --explain
    CODE tells why it matters. Errors exit with status 2, warnings with 0.

    \b
    Examples:
      advise rules check
      advise rules check my-rules/ --lang fr
      advise rules check --format json
      advise rules check --explain A203
    """
    lang = lang or env_lang()
    if explain is not None:
        from ..workbench.checkcodes import explain_dict, explain_text, find_check

        check = find_check(explain)
        if fmt == "json":
            click.echo(json.dumps(explain_dict(check, lang), ensure_ascii=False, indent=2))
        else:
            click.echo(explain_text(check, lang), nl=False)
        return
    from ..workbench.checks import check_rules

    if rules_dir_arg and rules_dir and Path(rules_dir_arg) != Path(rules_dir):
        raise InputError(Problem("rules-dir-twice", {"first": rules_dir_arg, "second": rules_dir}))
    report = check_rules(_rules_dir(rules_dir_arg or rules_dir), cases=not no_cases)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(lang), ensure_ascii=False, indent=2))
    else:
        click.echo(report.format(lang), nl=False)
    sys.exit(report.exit_code)


@rules_group.command("list")
@rules_option
@lang_option()
@click.option("--theme", default=None, help="Only the rules of this theme.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for tools.")
@report_errors
def list_command(rules_dir: str | None, lang: str | None, theme: str | None, fmt: str) -> None:
    """List the rules: id, theme, title, file:line, in the order of the report.

    \b
    Examples:
      advise rules list
      advise rules list --theme budget --lang fr
    """
    from ..workbench.docs import format_rule_list, list_rules

    lang = lang or env_lang()
    rows = [row for row in list_rules(_rulebook(rules_dir), lang) if theme is None or row["theme"] == theme]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(format_rule_list(rows), nl=False)


@rules_group.command("show")
@click.argument("rule_id")
@rules_option
@lang_option()
@click.option("--no-cases", is_flag=True, help="Do not run the cases to find those that cover the rule.")
@report_errors
def show_command(rule_id: str, rules_dir: str | None, lang: str | None, no_cases: bool) -> None:
    """Show one rule in plain words: what it checks, what it concludes, why, its source,
    its priority, and the cases that cover it.

    \b
    Examples:
      advise rules show time-shortfall
      advise rules show visibility-only --lang fr
    """
    from ..errors import did_you_mean
    from ..workbench.docs import CaseLink, show_rule

    lang = lang or env_lang()
    if no_cases:
        rulebook = _rulebook(rules_dir)
        links = None
    else:
        from ..advisor import Advisor
        from ..workbench.casework import cases_covering, run_rule_cases

        from ..errors import RuleBookError

        advisor = Advisor(_rules_dir(rules_dir))
        rulebook = advisor.rulebook
        try:
            cases, results = run_rule_cases(advisor)
            links = [CaseLink(**link) for link in cases_covering(rulebook, rule_id, cases, results)]
        except RuleBookError as error:  # the rule is still worth showing; `advise test` tells the rest
            links = None
            click.echo(("cases not read: " if lang == "en" else "cas non lus : ") + error.problems[0].format(lang),
                       err=True)
    try:
        rule = rulebook.rule(rule_id)
    except KeyError:
        raise InputError(Problem("unknown-rule", {"id": rule_id}, field="ID",
                                 **did_you_mean(rule_id, [r.id for r in rulebook.rules]))) from None
    click.echo(show_rule(rulebook, rule, lang, links), nl=False)


@rules_group.command("graph")
@rules_option
@lang_option()
@click.option("--format", "fmt", type=click.Choice(("mermaid", "dot")), default="mermaid", show_default=True,
              help="Mermaid (renders in Markdown on GitHub) or Graphviz dot.")
@report_errors
def graph_command(rules_dir: str | None, lang: str | None, fmt: str) -> None:
    """Draw which rules feed which facts and conclusions, as Mermaid or Graphviz text.

    \b
    Examples:
      advise rules graph > rules.mmd
      advise rules graph --format dot | dot -Tsvg > rules.svg
    """
    from ..workbench.graph import graph

    click.echo(graph(_rulebook(rules_dir), fmt, lang or env_lang()), nl=False)


@rules_group.command("new")
@click.argument("target", metavar="THEME/ID")
@rules_option
@lang_option()
@report_errors
def new_command(target: str, rules_dir: str | None, lang: str | None) -> None:
    """Add a commented skeleton rule ID to the theme's rule file (or a new NN-THEME.yaml),
    and two cases beside it; refuses an id already used.

    The skeleton changes no advice until its TODOs are replaced; `advise rules check`
    lists them.

    \b
    Examples:
      advise rules new budget/no-visual-budget
      advise rules new community/slow-answers --rules my-rules/
    """
    from ..workbench.scaffold import new_rule

    lang = lang or env_lang()
    created = new_rule(_rules_dir(rules_dir), target, lang)
    if lang == "fr":
        click.echo(f"Règle {created.rule_id} ajoutée : {created.rule_file}:{created.rule_line}"
                   + (" (nouveau fichier)" if created.rule_file_created else ""))
        click.echo(f"Deux cas ajoutés : {created.cases_file}:{created.cases_line}"
                   + (" (nouveau fichier)" if created.cases_file_created else ""))
        click.echo("Remplacez chaque TODO, puis lancez : advise rules check ; advise test")
    else:
        click.echo(f"Added the rule {created.rule_id}: {created.rule_file}:{created.rule_line}"
                   + (" (new file)" if created.rule_file_created else ""))
        click.echo(f"Added two cases: {created.cases_file}:{created.cases_line}"
                   + (" (new file)" if created.cases_file_created else ""))
        click.echo("Replace every TODO, then run: advise rules check; advise test")


@rules_group.command("docs")
@rules_option
@lang_option()
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=str), default=None,
              help="Write to this file (atomically) instead of the terminal; `-o -`: the terminal.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit with status 1 if the file given with -o is not up to date.")
@report_errors
def docs_command(rules_dir: str | None, lang: str | None, output: str | None, check_only: bool) -> None:
    """Write the reference of every rule, warning, recommendation, verdict, derived fact
    and table, generated from the rule files (Markdown).

    \b
    Examples:
      advise rules docs -o docs/rules.md
      advise rules docs -o docs/rules.md --check
      advise rules docs --lang fr -o regles.md
    """
    from ..output import write_atomically
    from ..workbench.docs import rules_markdown

    lang = lang or env_lang()
    if output == STANDARD_OUTPUT:
        output = None
    if check_only and output is None:
        raise InputError(Problem("check-needs-file", field="--check"))
    text = rules_markdown(_rulebook(rules_dir), lang)
    if check_only:
        current = Path(output).read_text(encoding="utf-8") if Path(output).is_file() else None
        if current != text:
            command = f"advise rules docs --lang {lang} -o {output}"
            click.echo(f"{output}: out of date; run: {command}" if lang == "en"
                       else f"{output}\u00a0: pas à jour\u00a0; lancez\u00a0: {command}", err=True)
            sys.exit(1)
        return
    if output:
        write_atomically(output, text)
    else:
        click.echo(text, nl=False)


@rules_group.command("diff")
@click.argument("old_dir", metavar="OLD_DIR", type=click.Path(path_type=str))
@click.argument("new_dir", metavar="NEW_DIR", type=click.Path(path_type=str))
@click.argument("sheets", metavar="[SHEETS or folders...]", nargs=-1, type=click.Path(path_type=str))
@lang_option()
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "json")), default="text",
              show_default=True, help="text for people, markdown to paste, json for tools.")
@report_errors
def diff_command(old_dir: str, new_dir: str, sheets: tuple[str, ...], lang: str | None, fmt: str) -> None:
    """Run two rule bases on the same sheets and list, per sheet, what changes in the advice:
    verdict, profiles, warnings and recommendations raised or gone, hours.

    SHEETS are fact sheets or folders of them; by default, every case of both rule bases
    and the project's example sheets. Exit status: 0 nothing changes, 1 something does,
    2 bad input (a rule base or a sheet that does not load).

    \b
    Examples:
      advise rules diff rules/ my-rules/
      advise rules diff rules/ my-rules/ clients/ --format markdown > impact.md
      advise rules diff old-pack/ new-pack/ examples/fleuriste.yaml --format json
    """
    from ..workbench.diff import diff_rule_bases

    report = diff_rule_bases(old_dir, new_dir, sheets)
    click.echo(report.format(fmt, lang or env_lang()), nl=False)
    sys.exit(report.exit_code)


@rules_group.command("digest")
@click.argument("rules_dir_arg", metavar="[RULES_DIR]", required=False, type=click.Path(path_type=str))
@rules_option
@report_errors
def digest_command(rules_dir_arg: str | None, rules_dir: str | None) -> None:
    """Print the digest of the rule base: a short name of its content (rule files, tables,
    vocabulary), the same for every copy, that every report made with it carries.
    Comments and the order of files do not change it; any value, text or rule does.

    \b
    Examples:
      advise rules digest
      advise rules digest --rules my-rules/
    """
    if rules_dir_arg and rules_dir and Path(rules_dir_arg) != Path(rules_dir):
        raise InputError(Problem("rules-dir-twice", {"first": rules_dir_arg, "second": rules_dir}))
    click.echo(_rulebook(rules_dir_arg or rules_dir).digest)


@rules_group.command("uses")
@click.argument("name")
@rules_option
@lang_option()
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for tools.")
@report_errors
def uses_command(name: str, rules_dir: str | None, lang: str | None, fmt: str) -> None:
    """Which rules read NAME (a sheet field, a derived fact or a table value), which show
    it in their texts, and which conclude it, each with its file and line. A table or a
    family stands for each of its values.

    \b
    Examples:
      advise rules uses resources.weekly_hours
      advise rules uses weekly_hours_available
      advise rules uses thresholds.community_hours --lang fr
    """
    from ..workbench.uses import format_uses, uses_of

    lang = lang or env_lang()
    click.echo(format_uses(uses_of(_rulebook(rules_dir), name, lang), lang, fmt), nl=False)


# ---------------------------------------------------------------- advise replay


@click.command("replay")
@click.argument("report", metavar="REPORT.json", type=click.Path(dir_okay=False, path_type=str))
@rules_option
@click.option("--sheet", "sheet_file", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="The fact sheet, when the report does not carry it (made with --no-sheet).")
@lang_option()
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for tools.")
@report_errors
def replay_command(report: str, rules_dir: str | None, sheet_file: str | None, lang: str | None, fmt: str) -> None:
    """Run the answers stored in a JSON report again, and say whether the advice is
    unchanged; when it is not, show what changed. Also compares advise's version and the
    digests of the rules and answers with those the report records.

    Exit status: 0 unchanged, 1 changed, 2 bad input.

    \b
    Examples:
      advise examples/fleuriste.yaml --format json -o fleuriste.json
      advise replay fleuriste.json
      advise replay fleuriste.json --rules my-rules/
    """
    from ..workbench.replay import replay

    outcome = replay(report, _rules_dir(rules_dir), sheet_file=sheet_file)
    click.echo(outcome.format(fmt, lang or env_lang()), nl=False)
    sys.exit(outcome.exit_code)


# ---------------------------------------------------------------- advise test


@click.command("test")
@click.argument("path", required=False, type=click.Path(path_type=str))
@rules_option
@lang_option()
@click.option("--coverage", "show_coverage", is_flag=True,
              help="Also list, for the whole rule base, how many cases fire each rule and the rules none fires.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for tools.")
@click.option("-v", "--verbose", is_flag=True, help="List the cases that pass too.")
@report_errors
def test_command(path: str | None, rules_dir: str | None, lang: str | None, show_coverage: bool, fmt: str,
                 verbose: bool) -> None:
    """Run the scenario cases (*.cases.yaml) in PATH: a folder or one file (default: the
    rule folder). Without --rules, the rule base is the folder of PATH that holds
    vocabulary.yaml.

    Each failure names the case, shows expected against actual and the rules that fired.
    Exit status: 0 all passed, 1 a case failed, 2 a case file is invalid.

    \b
    Examples:
      advise test
      advise test rules/20-budget.cases.yaml
      advise test my-rules/ --coverage
    """
    from ..advisor import Advisor
    from ..workbench.casework import coverage, format_coverage, format_results, results_json, rules_dir_for

    lang = lang or env_lang()
    if rules_dir is None and path is not None:
        found = rules_dir_for(path)
        rules = found if found is not None else _rules_dir(None)
    else:
        rules = _rules_dir(rules_dir)
    advisor = Advisor(rules)
    from ..workbench.cases import load_cases, run_cases

    results = run_cases(advisor, load_cases(path if path is not None else advisor.rules_dir, advisor.rulebook))
    report = coverage(advisor.rulebook, results) if show_coverage else None
    failed = sum(1 for outcome in results if not outcome.passed)
    if fmt == "json":
        data: dict[str, Any] = {"passed": len(results) - failed, "failed": failed,
                                "cases": results_json(results, lang)}
        if report is not None:
            data["coverage"] = report.as_dict()
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(format_results(results, lang, verbose=verbose), nl=False)
        if report is not None:
            click.echo("")
            click.echo(format_coverage(report, lang), nl=False)
    sys.exit(1 if failed else 0)


# ---------------------------------------------------------------- advise init


@click.command("init")
@click.argument("file", required=False, default="facts.yaml", type=click.Path(dir_okay=False, path_type=str))
@rules_option
@lang_option()
@report_errors
def init_command(file: str, rules_dir: str | None, lang: str | None) -> None:
    """Write a commented fact sheet with every field of the contract, its meaning, its
    allowed values and an example value (default FILE: facts.yaml; - for the terminal).
    Never overwrites an existing file.

    \b
    Examples:
      advise init
      advise init boulangerie.yaml --lang fr
      advise init - > sheet.yaml
    """
    from ..output import write_new_file
    from ..rulebase.usage import usage
    from ..sheet.template import render_sheet

    from ..errors import RuleBookError

    lang = lang or env_lang()
    try:  # the rules only add "read by" notes: a broken rule base must not stop a blank sheet
        readers = usage(_rulebook(rules_dir)).readers
    except RuleBookError:
        readers = None
    text = render_sheet({}, lang, file="facts.yaml" if file == "-" else file, readers=readers,
                        examples=["business.name"])
    if file == "-":
        click.echo(text, nl=False)
        return
    write_new_file(file, text)
    click.echo(("Written: " if lang == "en" else "Écrit : ") + file, err=True)


# ---------------------------------------------------------------- advise interview


@click.command("interview")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=str), default=None,
              help="Write the fact sheet to this new file (never over an existing one); default (or `-o -`): the "
                   "terminal.")
@rules_option
@lang_option()
@report_errors
def interview_command(output: str | None, rules_dir: str | None, lang: str | None) -> None:
    """Ask the owner the questions of the fact sheet in the terminal, only those that can
    still change the advice, check each answer at once, and write a valid fact sheet.
    Type 'why' (or ?) at a question to see which rules need the answer.

    The questions go to the error stream, so `advise interview > sheet.yaml` works.

    \b
    Examples:
      advise interview -o boulangerie.yaml --lang fr
      advise interview > facts.yaml
    """
    from ..output import refuse_existing, write_new_file
    from ..workbench.interview import WHY_WORDS, Interview

    lang = lang or env_lang()
    if output == STANDARD_OUTPUT:
        output = None
    if output:
        refuse_existing(output, "--output")  # before asking anything
    interview = Interview(_rulebook(rules_dir), lang)
    tip = interview.words["why_tip"]
    click.echo(tip, err=True)
    while (question := interview.next_question()) is not None:
        click.echo("", err=True)
        click.echo(click.style(question.text, bold=True), err=True)
        click.echo(f"  ({question.values})", err=True)
        while True:
            kwargs: dict[str, Any] = {"err": True}
            if question.default is not None:
                kwargs.update(default=question.default, show_default=question.default != "")
            answer = click.prompt(question.field, **kwargs)
            if answer.strip().lower() in WHY_WORDS:
                click.echo(interview.why(question.field), err=True, nl=False)
                continue
            problems = interview.answer(question.field, answer)
            if not problems:
                break
            for problem in problems:
                click.echo("  " + problem.format(lang).replace("\n", "\n  "), err=True)
    if interview.skipped:
        click.echo("", err=True)
        click.echo(interview.words["skipped_head"], err=True)
        for name in interview.skipped:
            click.echo(f"  - {name}", err=True)
    text = interview.sheet_text(file=output or "facts.yaml")
    if output:
        write_new_file(output, text, option="--output")
        click.echo("", err=True)
        click.echo(("Written: " if lang == "en" else "Écrit : ") + output + "   "
                   + ("(next: advise " if lang == "en" else "(ensuite : advise ") + output + ")", err=True)
    else:
        click.echo(text, nl=False)


def register(group: click.Group) -> None:
    """Add this module's commands to the `advise` group."""
    for command in (rules_group, test_command, init_command, interview_command, replay_command):
        group.add_command(command)
