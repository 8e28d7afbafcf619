"""The French catalogue of the command line, for maintainers: gather its messages, merge
them into the .po file, compile the .mo file, check that nothing is missing.

    python -m advise.cli.catalogue update   # after adding or changing a help text
    python -m advise.cli.catalogue check    # what tests/cli/test_i18n.py checks

`update` gathers every text of every command, option and argument (read from the
commands themselves, so nothing has to be marked in the code) and every message click
reads through gettext (extracted from click's sources), merges them into
src/advise/cli/locale/fr/LC_MESSAGES/advise.po (new ones untranslated, changed ones
fuzzy) and compiles advise.mo from the translated ones. Write the missing msgstr in the
.po (French typography: a no-break space before : ; ? !), then run `update` again.

Uses Babel (a test dependency): advise itself reads the .mo with the standard library.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from . import i18n

# Messages of click's that advise users never meet: Windows-only ones.
CLICK_SKIPPED_FILES = ("_winconsole.py",)
_FIXED_DATE = datetime(2026, 11, 28, tzinfo=timezone.utc)  # a stable header: no churn in git


def po_path(lang: str = "fr") -> Path:
    return i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def mo_path(lang: str = "fr") -> Path:
    return i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"


def command_messages() -> list[str]:
    """Every text of advise's commands, options and arguments, in English, in tree order."""
    from .main import main

    found: list[str] = [i18n.HELP_OPTION_MSGID]

    def walk(command: click.Command) -> None:
        ctx = click.Context(command)
        found.extend(i18n.msgids(command, ctx).values())
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name))  # type: ignore[arg-type]

    with i18n.english():
        walk(main)
    return list(dict.fromkeys(text for text in found if text.strip()))


def click_messages() -> list[str | tuple[str, str]]:
    """Every message click reads through gettext (plurals as (singular, plural))."""
    from babel.messages.extract import extract_from_dir

    folder = Path(click.__file__).parent
    found: list[str | tuple[str, str]] = []
    for filename, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map=[("**.py", "python")], keywords={"_": None, "ngettext": (1, 2)}):
        if Path(filename).name not in CLICK_SKIPPED_FILES and message not in found and message:
            found.append(message)
    return found


def template():  # -> babel.messages.catalog.Catalog
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="advise", creation_date=_FIXED_DATE, revision_date=_FIXED_DATE,
                      msgid_bugs_address="", copyright_holder="", fuzzy=False)
    for message in [*command_messages(), *click_messages()]:
        catalog.add(message)
    return catalog


def read(lang: str = "fr"):  # -> babel.messages.catalog.Catalog
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as file:
        return read_po(file, locale=lang)


def update(lang: str = "fr") -> list[str]:
    """Merge the current messages into the .po file and compile the .mo; return the
    messages still without a translation."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    path = po_path(lang)
    catalog = read(lang) if path.exists() else Catalog(locale=lang, project="advise", fuzzy=False)
    catalog.update(template(), no_fuzzy_matching=False, update_header_comment=False)
    if lang == "fr":  # gettext's usual French plural (CLDR adds a form for millions no message needs)
        catalog._num_plurals, catalog._plural_expr = 2, "(n > 1)"
    catalog.project, catalog.version = "advise", ""
    catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = ""
    catalog.obsolete.clear()
    catalog.revision_date = catalog.creation_date = _FIXED_DATE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=100, no_location=True, omit_header=False, sort_output=False,
                 include_previous=False)
    with mo_path(lang).open("wb") as file:
        write_mo(file, catalog, use_fuzzy=False)
    return problems(lang)


def _translated(catalog) -> dict[object, object]:
    return {message.id: message.string for message in catalog
            if message.id and not message.fuzzy and all(message.string if isinstance(message.string, tuple)
                                                         else [message.string])}


def problems(lang: str = "fr") -> list[str]:
    """What is wrong with the catalogue: messages without a French text (new or changed
    help texts, new click messages), and a .mo that is not the .po compiled."""
    import gettext

    catalog = read(lang)
    translated = _translated(catalog)
    found = []
    for message in template():
        if message.id and message.id not in translated:
            first = (message.id[0] if isinstance(message.id, tuple) else message.id).split("\n")[0]
            state = "fuzzy (changed since it was translated)" if message.id in catalog and catalog[message.id].fuzzy \
                else "no translation"
            found.append(f"{state}: {first[:90]!r}")
    with mo_path(lang).open("rb") as file:
        compiled = gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for msgid, msgstr in translated.items():
        if isinstance(msgid, tuple):
            for index, text in enumerate(msgstr):  # type: ignore[arg-type]
                expected[(msgid[0], index)] = text
        else:
            expected[msgid] = msgstr  # type: ignore[assignment]
    compiled = {key: value for key, value in compiled.items() if key != ""}
    if compiled != expected:
        found.append(f"{mo_path(lang).name} is not {po_path(lang).name} compiled")
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        missing = update()
        print(f"{po_path()}: {len(missing)} message{'s' if len(missing) != 1 else ''} to translate", *missing, sep="\n  ")
        return 0
    if argv[:1] == ["check"]:
        found = problems()
        print(*found, sep="\n") if found else print("the French catalogue is complete")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
