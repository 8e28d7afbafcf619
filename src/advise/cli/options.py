"""The options several commands share, declared once, and the one reading of $ADVISE_LANG."""

from __future__ import annotations

import os
from typing import Any, Callable

import click

from ..errors import LANGS
from ..render.formats import FORMATS

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def env_lang() -> str:
    """$ADVISE_LANG when it names a language advise speaks, else en."""
    value = os.environ.get("ADVISE_LANG")
    return value if value in LANGS else "en"


def error_lang(lang: str | None) -> str:
    """The language of error messages: --lang when given, else $ADVISE_LANG, else en."""
    return lang if lang in LANGS else env_lang()


def rules_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--rules", "rules_dir", type=click.Path(path_type=str), default=None,
                        help="Rule base folder (default: the shipped rules/, or $ADVISE_RULES).")(function)


def templates_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--templates", "templates_dir", type=click.Path(path_type=str), default=None,
                        help="Report templates folder (default: the shipped explanations/, or "
                             "$ADVISE_TEMPLATES).")(function)


def lang_option(help: str = "Language of the output: en or fr (default: $ADVISE_LANG, else en).") -> Decorator:
    return click.option("--lang", type=click.Choice(LANGS), default=None, help=help)


def report_format_option(help: str) -> Decorator:
    """--format for commands that write reports: one of advise.render.formats.FORMATS."""
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help=help)


AUDIENCES = ("owner", "consultant")  # advise.explain.summary.AUDIENCES (tested equal)


def audience_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--for", "audience", type=click.Choice(AUDIENCES), default="owner", show_default=True,
                        help="Who reads the report: the owner (plain words) or the consultant (rule ids, step "
                             "references, sources in full, rules set aside). Same advice, same numbers.")(function)


def consultant_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--consultant", "consultant_file", type=click.Path(dir_okay=False, path_type=str),
                        default=None,
                        help="The consultant's profile that signs the report (default: $ADVISE_CONSULTANT, else "
                             "consultant.yaml in the working folder, if there is one).")(function)


def date_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--date", "report_day", metavar="YYYY-MM-DD", default=None,
                        help="The date printed on the report (default: $SOURCE_DATE_EPOCH, else today).")(function)


def signature_options(consultant_file: str | None, report_day: str | None) -> tuple[Any, Any]:
    """The consultant's profile (--consultant, $ADVISE_CONSULTANT or ./consultant.yaml; None
    when there is none) and the report's date (--date, $SOURCE_DATE_EPOCH or today)."""
    from ..errors import InputError, Problem
    from ..explain.summary import report_date
    from ..sheet.consultant import find_profile, load_consultant

    try:
        day = report_date(report_day)
    except (ValueError, OverflowError, OSError):
        field = "--date" if report_day else "SOURCE_DATE_EPOCH"
        value = report_day or os.environ.get("SOURCE_DATE_EPOCH", "")
        raise InputError(Problem("wrong-type", {"expected": "a date, YYYY-MM-DD" if report_day
                                                else "a number of seconds since 1970",
                                                "found": repr(value[:40])}, field=field)) from None
    path = find_profile(consultant_file)
    return (load_consultant(path) if path else None), day
