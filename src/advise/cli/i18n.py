"""The command line's own words in the user's language: every --help text, usage line,
usage error and prompt, advise's and click's alike.

The language is `--lang` when the command line has one, else $ADVISE_LANG, else English.
The locale (LANG, LC_ALL) does not count: advise's output is a deliverable (a report
handed to a client, JSON read by a tool, a log in CI), so its language is chosen by the
consultant, explicitly and reproducibly, never by how a machine happens to be set up;
and one switch, ADVISE_LANG, then gives French everywhere: help, messages, reports.

The words come from a gettext catalogue, src/advise/cli/locale/fr/LC_MESSAGES/advise.po,
compiled to advise.mo beside it and read with the standard library (Babel, which writes
both, is a tool for maintainers: advise.cli.catalogue). English is the msgid itself.
Help texts stay English in the code; each command, option and argument is given its
translated texts just before click parses or shows it (`localize`). click reads its own
strings through gettext too ("Usage:", "Show this message and exit.", "Missing
argument"): `install` points the gettext functions of click's modules to this catalogue.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import inspect
import os
import sys
from functools import cache
from pathlib import Path
from typing import Iterator, Sequence

import click

LANGS = ("en", "fr")
DOMAIN = "advise"
LOCALE_DIR = Path(__file__).with_name("locale")
# click's modules that read their messages through gettext (tests/cli/test_i18n.py checks
# this list against click's sources). _winconsole only runs on Windows; _termui_impl is
# patched when loaded (pager, editor, progress bar: advise uses none of them).
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
                 "click.shell_completion", "click.termui", "click.types", "click.utils", "click._termui_impl")
# click creates the --help option itself, once per command, in the language of the
# moment: its msgid is fixed here rather than read back from it.
HELP_OPTION_MSGID = "Show this message and exit."

_active = "en"


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue of a language; English is the msgids themselves."""
    if lang == "en":
        return _gettext.NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as file:  # shipped in the wheel and in git: missing means a broken install
        return _gettext.GNUTranslations(file)


def gettext(message: str) -> str:
    return translations(_active).gettext(message) if message else message


# A help text's msgid is its cleaned text with click's no-rewrap mark (a backspace
# character alone on a line) written `\\b`, so that the .po file shows it plainly.
def help_msgid(text: str) -> str:
    return inspect.cleandoc(text).replace("\b", "\\b")


def help_text(msgid: str) -> str:
    return gettext(msgid).replace("\\b", "\b")


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_active).ngettext(singular, plural, count)


def active() -> str:
    return _active


def activate(lang: str) -> None:
    global _active
    _active = lang if lang in LANGS else "en"


@contextlib.contextmanager
def english() -> Iterator[None]:
    """English while importing a command module: click computes some words when a command is
    declared (a path's kind, the --version help), and those must be the msgids."""
    global _active
    saved, _active = _active, "en"
    try:
        yield
    finally:
        _active = saved


def choose(args: Sequence[str]) -> str:
    """The language asked for: the command line's --lang (before any `--`), else
    $ADVISE_LANG, else English. A value that is not a language is left to click to refuse."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args) and args[index + 1] in LANGS:
            return args[index + 1]
        if arg.startswith("--lang=") and arg.partition("=")[2] in LANGS:
            return arg.partition("=")[2]
    env = os.environ.get("ADVISE_LANG", "")
    return env if env in LANGS else "en"


def install() -> None:
    """Point click's gettext functions to advise's catalogue (idempotent)."""
    for name in CLICK_MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


# ---------------------------------------------------------------- commands in a language

_COMMAND_TEXTS = ("help", "short_help", "epilog", "options_metavar", "subcommand_metavar")


def _metavar(param: click.Parameter, ctx: click.Context) -> str:
    if len(inspect.signature(param.make_metavar).parameters) == 0:  # click < 8.2
        return param.make_metavar()  # type: ignore[call-arg]
    return param.make_metavar(ctx)


def _is_choice(metavar: str) -> bool:
    return "|" in metavar


def msgids(command: click.Command, ctx: click.Context) -> dict[tuple[int, str], str]:
    """The English texts of a command and of its parameters, read once (in English) and
    kept on the objects, so that a command can be put in any language and back."""
    found: dict[tuple[int, str], str] = {}
    stored = command.__dict__.get("_advise_msgids")
    if stored is None:
        stored = {}
        with english():
            for attr in _COMMAND_TEXTS:
                if isinstance(getattr(command, attr, None), str) and getattr(command, attr).strip():
                    stored[attr] = help_msgid(getattr(command, attr))
            for param in command.params:
                texts = {}
                if getattr(param, "help", None):
                    texts["help"] = help_msgid(param.help)  # type: ignore[attr-defined]
                metavar = _metavar(param, ctx)
                if metavar and not _is_choice(metavar) and not getattr(param, "is_flag", False):
                    texts["metavar"] = metavar
                param.__dict__["_advise_msgids"] = texts
                param.__dict__["_advise_metavar"] = param.metavar
        command.__dict__["_advise_msgids"] = stored
    found.update(((id(command), attr), text) for attr, text in stored.items())
    for param in command.params:
        found.update(((id(param), attr), text) for attr, text in param.__dict__["_advise_msgids"].items())
    return found


def localize(command: click.Command, ctx: click.Context | None = None, *, subcommands: bool = True) -> None:
    """Give a command, its parameters and (unless told not to) its subcommands their texts
    in the active language (English: the texts they were declared with)."""
    ctx = ctx or click.Context(command)
    if command.__dict__.get("_advise_lang", "en") != _active:
        msgids(command, ctx)
        for attr, text in command.__dict__["_advise_msgids"].items():
            setattr(command, attr, help_text(text))
        for param in command.params:
            texts = param.__dict__["_advise_msgids"]
            if "help" in texts:
                param.help = help_text(texts["help"])  # type: ignore[attr-defined]
            if "metavar" in texts:
                param.metavar = param.__dict__["_advise_metavar"] if _active == "en" else gettext(texts["metavar"])
        help_option = command.__dict__.get("_help_option")  # click >= 8.2 keeps the one it made
        if help_option is not None:
            help_option.help = gettext(HELP_OPTION_MSGID)
        command.__dict__["_advise_lang"] = _active
    if subcommands and isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                localize(sub)
