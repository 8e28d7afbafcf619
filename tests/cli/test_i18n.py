"""The command line in French: every --help, usage line, usage error and click message,
with `--lang fr` or ADVISE_LANG=fr; English otherwise, whatever the locale says. The
French catalogue is complete and its compiled .mo is the .po."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
from pathlib import Path

import click
import click.core
import click.exceptions
import pytest
from click.testing import CliRunner

from advise.cli import catalogue, i18n
from advise.cli.main import main

from conftest import ROOT

NBSP = "\u00a0"


def _paths(command: click.Command = main, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            found += _paths(command.get_command(ctx, name), (*path, name))  # type: ignore[arg-type]
    return found


PATHS = _paths()


def invoke(args: list[str], env: dict[str, str] | None = None, input: str | None = None):
    # The locale says French to show it does not count; ADVISE_LANG is empty unless given.
    environment = {"ADVISE_LANG": "", "LANG": "fr_FR.UTF-8", "LANGUAGE": "fr", "LC_ALL": "fr_FR.UTF-8", **(env or {})}
    return CliRunner().invoke(main, args, env=environment, input=input, prog_name="advise")


def _english_sentences() -> list[str]:
    """The English help texts of sentence length: none may show in a French help."""
    return [text.split("\n")[0] for text in catalogue.command_messages() if len(text.split()) >= 4]


def test_the_commands_are_all_tested() -> None:
    assert ("rules", "check") in PATHS and ("run",) in PATHS and ("batch",) in PATHS and () in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "advise")
def test_every_help_is_french_with_advise_lang(path: tuple[str, ...]) -> None:
    result = invoke([*path, "--help"], env={"ADVISE_LANG": "fr"})
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(f"Utilisation{NBSP}: advise"), text
    assert f"Options{NBSP}:" in text and "Afficher ce message et quitter." in text
    assert "Exemples" in text
    english = [sentence for sentence in _english_sentences() if sentence in text]
    assert not english, f"English left in `advise {' '.join(path)} --help`: {english}"
    assert not re.search(r"\b(Usage|Show this message|Commands|default:)", text), text


@pytest.mark.parametrize("args", [["rules", "check", "--lang", "fr", "--help"], ["rules", "check", "--help", "--lang=fr"],
                                  ["test", "--lang", "fr", "-h"]])
def test_lang_fr_on_the_command_line_gives_a_french_help(args: list[str]) -> None:
    result = invoke(args)
    assert result.exit_code == 0
    assert result.output.startswith(f"Utilisation{NBSP}: advise"), result.output
    assert f"Langue de la sortie{NBSP}: en ou fr" in result.output


def test_the_main_help_lists_the_commands_in_french() -> None:
    text = invoke(["--help"], env={"ADVISE_LANG": "fr"}).output
    assert f"Utilisation{NBSP}: advise [OPTIONS] COMMANDE [ARGS]..." in text
    assert f"Commandes{NBSP}:" in text
    assert "rules      Vérifier, explorer, documenter et enrichir la base de règles." in text
    assert "Afficher la version et quitter." in text


def test_usage_errors_are_french() -> None:
    missing = invoke(["run"], env={"ADVISE_LANG": "fr"})
    assert missing.exit_code == 2
    assert missing.output == (f"Utilisation{NBSP}: advise run [OPTIONS] FICHE\n"
                              f"Essayez «{NBSP}advise run --help{NBSP}» pour l'aide.\n\n"
                              f"Erreur{NBSP}: Argument manquant 'FICHE'.\n")
    unknown = invoke(["rules", "check", "--lang", "fr", "--hlp"])
    assert unknown.exit_code == 2
    assert f"Erreur{NBSP}: L'option «{NBSP}--hlp{NBSP}» n'existe pas. Vouliez-vous dire '--help'{NBSP}?" in unknown.output
    bad_choice = invoke(["rules", "list", "--format", "pdf"], env={"ADVISE_LANG": "fr"})
    assert bad_choice.exit_code == 2
    assert f"Valeur invalide pour '--format'{NBSP}: «{NBSP}pdf{NBSP}» n'est pas l'une des valeurs" in bad_choice.output
    no_such_command = invoke(["rules", "lst"], env={"ADVISE_LANG": "fr"})
    assert f"La commande «{NBSP}lst{NBSP}» n'existe pas." in no_such_command.output


def test_a_bad_sheet_is_reported_in_french_typography(tmp_path: Path) -> None:
    sheet = tmp_path / "mauvaise.yaml"
    sheet.write_text("business:\n  name: Boulangerie\n  size: tpee\n", encoding="utf-8")
    result = invoke([str(sheet)], env={"ADVISE_LANG": "fr"})
    assert result.exit_code == 2
    assert result.output.startswith(f"Erreur{NBSP}: ")
    assert f"conseil{NBSP}: vouliez-vous dire « tpe » ?" in result.output


def test_prompts_are_french(tmp_path: Path) -> None:
    """click's own prompt words go through the catalogue too (advise's questions are its own)."""
    i18n.activate("fr")
    try:
        @click.command()
        def ask() -> None:
            click.prompt("heures", type=int, err=False)

        result = CliRunner().invoke(ask, input="beaucoup\n3\n")
    finally:
        i18n.activate("en")
    assert f"Erreur{NBSP}: «{NBSP}beaucoup{NBSP}» n'est pas un nombre valide." in result.output


def test_english_stays_english_whatever_the_locale_and_after_french() -> None:
    invoke(["rules", "check", "--help"], env={"ADVISE_LANG": "fr"})
    for path in [(), ("run",), ("rules", "check")]:
        result = invoke([*path, "--help"])
        assert result.output.startswith("Usage: advise"), result.output
        assert "Show this message and exit." in result.output and "Afficher" not in result.output
    error = invoke(["run"])
    assert "Error: Missing argument 'FACTS'." in error.output


def test_the_french_catalogue_is_complete_and_compiled() -> None:
    problems = catalogue.problems()
    assert not problems, ("the French catalogue of the command line (src/advise/cli/locale/fr/LC_MESSAGES/advise.po) "
                          "is not up to date: run  python -m advise.cli.catalogue update , write the missing msgstr "
                          "in French, and run it again.\n  " + "\n  ".join(problems))


def test_the_french_catalogue_uses_french_typography() -> None:
    loader = importlib.machinery.SourceFileLoader("french_typography", str(ROOT / "scripts/french-typography"))
    typography = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(typography)
    wrong = [text for message in catalogue.read() if message.id
             for text in (message.string if isinstance(message.string, tuple) else (message.string,))
             if typography.fix(text) != text]
    assert not wrong, ("a no-break space (\\u00a0) belongs before : ; ? ! and inside « » in advise.po:\n  "
                       + "\n  ".join(wrong))


def test_every_click_module_that_speaks_is_patched() -> None:
    folder = Path(click.__file__).parent
    speaking = {f"click.{path.stem}" for path in folder.glob("*.py")
                if re.search(r"^from gettext import", path.read_text(encoding="utf-8"), re.M)}
    assert speaking - {"click._winconsole"} <= set(i18n.CLICK_MODULES), sorted(speaking - set(i18n.CLICK_MODULES))
    assert click.core._ is i18n.gettext and click.exceptions.ngettext is i18n.ngettext


def test_the_language_is_chosen_by_lang_then_advise_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISE_LANG", "fr")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.choose(["run", "x.yaml"]) == "fr"
    assert i18n.choose(["run", "--lang", "en", "x.yaml"]) == "en"
    assert i18n.choose(["run", "--lang=en"]) == "en"
    assert i18n.choose(["run", "--", "--lang", "en"]) == "fr"
    monkeypatch.setenv("ADVISE_LANG", "de")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert i18n.choose(["run"]) == "en"
