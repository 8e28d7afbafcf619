"""Error reporting for every command: an AdviseError becomes a clean message (every problem,
in the user's language) and its exit status; anything else is an internal error."""

from __future__ import annotations

import os
import sys
from typing import Any, Callable

import click

from ..errors import SHOWN_PROBLEMS, AdviseError, Problem, more_problems
from .options import error_lang

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_READER_GONE = 128 + 13  # as a program stopped by SIGPIPE: `advise facts.yaml | head` read enough


def _reader_gone() -> None:
    """The reader of the output went away (`| head`, `| true`): nothing is wrong with the
    sheet or with advise, so nothing is printed. The standard output is pointed at the null
    device, so that the final flush does not fail again and print Python's complaint."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # no file descriptor (a test runner's stream): nothing to flush
        pass
    sys.exit(EXIT_READER_GONE)


def report_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Every AdviseError becomes a clean message and its exit status; a reader of the output
    that went away ends the command quietly (status 141); anything else is an internal error
    (status 1), with the traceback only when ADVISE_DEBUG is set."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = error_lang(kwargs.get("lang"))
        try:
            return function(*args, **kwargs)
        except AdviseError as error:
            label = "Error:" if lang == "en" else "Erreur\u00a0:"
            shown = error.problems[:SHOWN_PROBLEMS]
            lines = ["  " + p.format(lang).replace("\n", "\n  ") for p in shown]
            if len(shown) < len(error.problems):
                lines.append("  " + more_problems(len(error.problems) - len(shown), lang))
            click.echo(f"{label} " + error.format(lang).replace("\n", "\n  ") if len(error.problems) == 1
                       else f"{label} {len(error.problems)} " + ("problems" if lang == "en" else "problèmes")
                       + "\n" + "\n".join(lines), err=True)
            sys.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            _reader_gone()
        except Exception as error:  # a bug: say so plainly
            if os.environ.get("ADVISE_DEBUG"):
                import traceback  # only here: 0.4 ms of every start otherwise

                traceback.print_exc()
            problem = Problem("internal", {"reason": f"{type(error).__name__}: {error}"})
            click.echo(("Error: " if lang == "en" else "Erreur\u00a0: ") + problem.message(lang), err=True)
            click.echo("Set ADVISE_DEBUG=1 to see the traceback." if lang == "en"
                       else "Définissez ADVISE_DEBUG=1 pour voir la trace.", err=True)
            sys.exit(EXIT_INTERNAL)

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper
