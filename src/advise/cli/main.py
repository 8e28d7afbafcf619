"""The command line: parse, call the library, translate errors, print. Nothing else.

`advise facts.yaml` is short for `advise run facts.yaml`.
"""

from __future__ import annotations

from ..collecting import keep_large_blocks, long_lived_imports, one_sheet

# What these imports make lives as long as the process: made without garbage collections
# (advise.collecting), after malloc is set to keep the large blocks freed meanwhile.
keep_large_blocks()
with long_lived_imports():
    import atexit
    import contextlib
    import gc
    import importlib
    import os
    import sys
    import threading
    from typing import Any, Iterator

    import click

    from ..errors import InputError, Problem, register_messages
    from ..version import __version__
    from . import i18n
    from .options import (audience_option, consultant_option, date_option, lang_option, report_format_option,
                          rules_option, signature_options, templates_option)
    from .reporting import EXIT_READER_GONE, report_errors

i18n.install()

# Start-up time matters (one `advise facts.yaml` is one process): each command imports
# what it needs when it runs, and the other command families are imported only when
# asked for (LAZY_COMMANDS).
# Command name -> the module whose register(group) adds it.
LAZY_COMMANDS = {"rules": "workbench", "test": "workbench", "init": "workbench",
                 "interview": "workbench", "replay": "workbench", "batch": "batch",
                 "serve": "serve"}

register_messages({
    "options-exclusive": {
        "en": "these options ask for different answers, give one at a time: {options}",
        "fr": "ces options demandent des réponses différentes, donnez-en une à la fois : {options}",
    },
})


def _end_without_collecting() -> None:
    """When the process ends, Python's last garbage collections walk every object still alive
    (the rule base, the compiled templates, the modules) looking for cycles: about 12 ms of
    one `advise facts.yaml`, for memory the end of the process gives back anyway. Frozen
    (gc.freeze), they are left out of those walks; objects are still freed as usual, the
    standard streams flushed, atexit functions run. Once per process, whoever calls `main`."""
    if not _ENDING:
        _ENDING.append(True)
        atexit.register(gc.freeze)  # runs before Python's own end (and after later-registered functions)


_ENDING: list[bool] = []


def _end_at_once(code: Any) -> None:
    """End the process the command line ran in now, as Python would, but without taking
    apart every object still alive (the modules, the rule base, the templates): after the
    exit functions, Python's own ending spends some 4 ms of one `advise facts.yaml` freeing
    memory that the end of the process gives back anyway. The standard streams are flushed
    and the exit functions run (atexit) as Python runs them; the status is the one given.
    Python ends the process itself when other threads are running, for a status that is
    not a number (it prints it), or if the streams cannot be flushed (it reports that)."""
    if threading.active_count() != 1 or not (code is None or isinstance(code, int)):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # e.g. the reader of a pipe went away: left to Python's own ending
        return
    atexit._run_exitfuncs()
    status = 0 if code is None else code
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # what an exit function wrote could not be: as Python, status 120
        status = status or 120
    os._exit(status & 0xFF)


@contextlib.contextmanager
def _long_lived() -> Iterator[bool]:
    """What a run builds first lives as long as the process: the modules, the rule base, the
    templates. Built without garbage collections (which would walk it again and again), then
    frozen (gc.freeze) so that later ones leave it out: about 5 ms of one `advise facts.yaml`.
    Only the first time in a process (it gives True then): one that runs the command line many
    times (the tests) would otherwise freeze its own garbage each time."""
    if _FROZEN or not gc.isenabled():
        yield False
        return
    _FROZEN.append(True)
    gc.disable()
    try:
        yield True
    finally:
        gc.freeze()
        gc.enable()


_FROZEN: list[bool] = []


class DefaultGroup(click.Group):
    """A group whose first argument, when it is not a command, goes to `run`; the commands of
    LAZY_COMMANDS are added when first asked for."""

    default_command = "run"

    def main(self, *args: Any, **kwargs: Any) -> Any:
        _end_without_collecting()
        if args or kwargs.get("args") is not None or not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        try:  # the process's own command line (the `advise` script, python -m advise)
            return super().main(*args, **kwargs)
        except SystemExit as stop:
            if stop.code == 1 and isinstance(sys.stdout, click.utils.PacifyFlushWrapper):
                # click's own output (--help, --version) met a reader that went away: click
                # says 1, which is advise's internal error; the commands say 141 (report_errors)
                stop.code = EXIT_READER_GONE
            _end_at_once(stop.code)
            raise

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # The language of the help, the usage errors and the prompts: advise.cli.i18n.
        i18n.activate(i18n.choose(args))
        i18n.localize(self, ctx, subcommands=False)
        if args and args[0] not in self.commands and args[0] not in LAZY_COMMANDS \
                and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            self.load(LAZY_COMMANDS[cmd_name])
        command = self.commands.get(cmd_name)
        if command is not None:
            i18n.localize(command)
        return command

    def load(self, module: str) -> None:
        with i18n.english():  # what click words while declaring commands must stay the msgids
            importlib.import_module(f"{__package__}.{module}").register(self)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="advise")
def main() -> None:
    """Tell a small business whether and how to launch on social networks, and show why.

    \b
    Examples:
      advise examples/fleuriste.yaml
      advise examples/fleuriste.yaml --format html -o fleuriste.html
      advise examples/agence-b2b.yaml --format json --lang fr
    """


@main.command()
@click.argument("facts", type=click.Path(dir_okay=True, path_type=str))
@report_format_option("Report format.")
@lang_option("Language of the report (default: the sheet's `lang`, else en).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=str), default=None,
              help="Write the report to this file (atomically) instead of the terminal; - for the "
                   "standard output.")
@rules_option
@templates_option
@click.option("--color/--no-color", default=None, help="Colours in the text report (default: on a terminal).")
@click.option("--how", "how_id", metavar="ID", default=None,
              help="Show how a conclusion was reached, down to the sheet: a warning, a recommendation, a derived "
                   "fact, a rule id or `verdict`.")
@click.option("--why-not", "why_not_id", metavar="ID", default=None,
              help="Show why something was not concluded: for each rule that could conclude it, the conditions "
                   "that held and those that failed. ID: a rule, a warning, a recommendation or a verdict value.")
@click.option("--all", "show_all", is_flag=True, default=False,
              help="Also list the warnings and recommendations that do not apply, each with why not.")
@click.option("--set", "assignments", metavar="FIELD=VALUE", multiple=True,
              help="Change an answer of the sheet and show what changes (repeatable), e.g. "
                   "--set resources.weekly_hours=6 --set objectives=[visibility,community].")
@click.option("--hints/--no-hints", default=True, show_default=True,
              help="Counterfactual hints: the smallest change to one answer that changes the verdict or a warning.")
@click.option("--no-sheet", "no_sheet", is_flag=True, default=False,
              help="Leave the owner's answers (`sheet`) out of the JSON report, for privacy; its digest stays.")
@audience_option
@consultant_option
@date_option
@report_errors
def run(facts: str, fmt: str, lang: str | None, output: str | None, rules_dir: str | None,
        templates_dir: str | None, color: bool | None, how_id: str | None, why_not_id: str | None,
        show_all: bool, assignments: tuple[str, ...], hints: bool, no_sheet: bool, audience: str,
        consultant_file: str | None, report_day: str | None) -> None:
    """Advise the business described by the fact sheet FACTS (YAML).

    \b
    Examples:
      advise run examples/fleuriste.yaml
      advise examples/fleuriste.yaml --lang en --format markdown -o report.md
      advise examples/fleuriste.yaml --format html -o report.html
      advise examples/fleuriste.yaml --for consultant --consultant consultant.yaml
      advise examples/fleuriste.yaml --how time_shortfall
      advise examples/fleuriste.yaml --why-not launch
      advise examples/fleuriste.yaml --all
      advise examples/fleuriste.yaml --set resources.weekly_hours=6 --set objectives=[visibility,community]
    """
    with _long_lived() as first:
        from ..advisor import Advisor, default_templates_dir
        from ..explain.report import build_report
        from ..render.renderer import Renderer
        from ..sheet.facts import load_fact_sheet

        _check_options(how_id, why_not_id, show_all)
        consultant, day = signature_options(consultant_file, report_day)
        sheet = load_fact_sheet(facts)  # at most a megabyte (advise.sheet.yamlload): bounded without collections
        advisor = Advisor(rules_dir, cache=True)
        renderer = Renderer(templates_dir or default_templates_dir())
    # The rest of the command (the sheet run six times with hints, the report worded and
    # rendered) runs without collections (a dozen, about 0.7 ms); the first command's
    # objects are frozen after it, as the end of the process would freeze them.
    with one_sheet(freeze=first, ending=True):
        report_lang = lang or sheet.lang or "en"
        changes = None
        if assignments:
            from ..explain.whatif import what_if

            result, changes = what_if(advisor, sheet, assignments)
        else:
            result = advisor.run(sheet)
        overrides = tuple(changes.facts) if changes is not None else ()
        to_stdout = output is None or output == "-"  # `-o -`: the standard output, as for most tools
        use_color = color if color is not None else (to_stdout and sys.stdout.isatty())
        use_color = use_color and fmt == "text"
        vocabulary = result.rulebook.vocabulary
        if how_id is not None:
            from ..explain.proof import how

            text = renderer.render_answer(how(result, how_id, report_lang, overrides=overrides), "how", fmt, vocabulary,
                                          color=use_color)
        elif why_not_id is not None:
            from ..explain.whynot import why_not

            answer = why_not(result, why_not_id, report_lang, overrides=overrides)
            text = renderer.render_answer(answer, "why-not", fmt, vocabulary, color=use_color)
        else:
            found_hints = None
            if hints:
                from ..explain.counterfactual import find_hints

                found_hints = find_hints(advisor, result)
            found_not_applied = None
            if show_all:
                from ..explain.whynot import not_applied

                found_not_applied = not_applied(result, report_lang, overrides=overrides)
            report = build_report(result, report_lang, hints=found_hints, what_if=changes,
                                  not_applied=found_not_applied, audience=audience, consultant=consultant, date=day,
                                  for_json=fmt == "json")
            if no_sheet:
                from ..records import replace

                report = replace(report, include_sheet=False)
            text = renderer.render(report, fmt, color=use_color)
        if not to_stdout:
            from ..output import write_atomically

            write_atomically(output, text, inputs=[facts])
        else:
            click.echo(text, nl=False, color=True if use_color else None)


def _check_options(how_id: str | None, why_not_id: str | None, show_all: bool) -> None:
    """--how, --why-not and --all each ask for a different answer: one at a time."""
    given = [name for name, value in (("--how", how_id), ("--why-not", why_not_id), ("--all", show_all)) if value]
    if len(given) > 1:
        raise InputError(Problem("options-exclusive", {"options": " ".join(given)}, field=given[1]))


__all__ = ["main", "DefaultGroup"]
