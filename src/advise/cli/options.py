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
