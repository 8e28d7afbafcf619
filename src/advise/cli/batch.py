"""`advise batch`: many fact sheets at once (the work is done by advise.batch)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from ..errors import InputError, Problem, register_messages
from .options import (audience_option, consultant_option, date_option, lang_option, report_format_option,
                      rules_option, signature_options, templates_option)
from .reporting import report_errors

register_messages({
    "batch-output-dash": {
        "en": "a batch writes a report per sheet and two summaries: -o needs a folder, not the terminal (-)",
        "fr": "un lot écrit un rapport par fiche et deux résumés : -o attend un dossier, pas le terminal (-)",
    },
})


def register(group: click.Group) -> None:
    """Add this module's commands to the `advise` group."""

    @group.command("batch")
    @click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=str))
    @click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
                  help="Folder for the reports and the summary (created if needed).")
    @report_format_option("Format of each report.")
    @lang_option("Language of the reports (default: each sheet's `lang`, else en).")
    @click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                  help="Processes working in parallel (default: the number of cores).")
    @rules_option
    @templates_option
    @click.option("--hints/--no-hints", default=False, show_default=True,
                  help="Counterfactual hints in each report, as `advise FILE` gives them (much slower).")
    @click.option("--no-sheet", "no_sheet", is_flag=True, default=False,
                  help="Leave the owner's answers (`sheet`) out of the JSON reports, for privacy; their digest stays.")
    @audience_option
    @consultant_option
    @date_option
    @report_errors
    def batch(sources: tuple[str, ...], out_dir: str, fmt: str, lang: str | None, jobs: int | None,
              rules_dir: str | None, templates_dir: str | None, hints: bool, no_sheet: bool, audience: str,
              consultant_file: str | None, report_day: str | None) -> None:
        """Advise every fact sheet in DIR_OR_FILES: one report each, plus summary.csv and summary.md.

        A folder stands for every *.yaml / *.yml file below it. A CSV or .xlsx file (a form
        tool's export) is one sheet per row, its columns named by the sheet's dotted paths
        (business.name, resources.weekly_hours, objectives, ...). A sheet that cannot be
        advised is listed in the summary with its error, and the others go on. Exit
        status: 2 if any sheet was refused as bad input, 1 if any failed with an internal
        error, else 0. Each report is the one `advise FILE --no-hints` gives (with --hints:
        the one `advise FILE` gives).

        \b
        Examples:
          advise batch clients/ -o reports/
          advise batch a.yaml b.yaml -o out --format json --jobs 2
          advise batch answers.csv -o reports/ --format html
        """
        from ..batch import OK, run_batch
        from ..batch_summary import counts_line

        if out_dir == "-":  # elsewhere `-o -` is the terminal; here it would be a folder named "-"
            raise InputError(Problem("batch-output-dash", field="--output"))
        consultant, day = signature_options(consultant_file, report_day)

        bar: Any = None
        show_bar = sys.stderr.isatty() and not os.environ.get("CI")

        def on_plan(total: int) -> None:
            nonlocal bar
            if show_bar and total > 1:
                bar = click.progressbar(length=total, label="Advising", file=sys.stderr, show_pos=True,
                                        show_eta=True)
                bar.__enter__()

        def progress(count: int) -> None:
            if bar is not None:
                bar.update(count)

        try:
            result = run_batch(sources, out_dir, fmt=fmt, lang=lang, jobs=jobs, rules_dir=rules_dir,
                               templates_dir=templates_dir, hints=hints, with_sheet=not no_sheet, audience=audience,
                               consultant=consultant, date=day, progress=progress, on_plan=on_plan)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        french = lang == "fr"
        for outcome in result.outcomes:
            if outcome.status != OK:
                shown = outcome.error if outcome.error.startswith(outcome.file) else f"{outcome.file}: {outcome.error}"
                click.echo(shown, err=True)
        counts = result.counts
        csv_path, md_path = result.summary_paths
        told = counts_line(len(result.outcomes), counts, "fr" if french else "en")
        if french:
            click.echo(f"règles : {result.rules_digest}")
            click.echo(f"{told} ; résumé : {md_path}, {csv_path}")
        else:
            click.echo(f"rules: {result.rules_digest}")
            click.echo(f"{told}; summary: {md_path}, {csv_path}")
        sys.exit(result.exit_code)
