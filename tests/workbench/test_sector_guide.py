"""The guide's worked example "add a sector" (section 12 of docs/writing-rules.md and of its
French twin) runs as written: a rule base declares a trade of its own, sheets may then name
it, its rule fires, and --how follows the advice down to business.sector."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from advise.cli.main import main

from conftest import EXAMPLES, ROOT, RULES

GUIDES = {  # guide -> (language, its copy of the rules, how a block names its file, how it adds to one)
    "docs/writing-rules.md": ("en", "my-rules", r"# file: (\S+)", r'# add under "(\w+):" in (\S+)'),
    "docs/fr/ecrire-des-regles.md": ("fr", "mes-regles", r"# fichier\s*: (\S+)", r"# à ajouter sous « (\w+): » dans (\S+)"),
}


def _section(text: str) -> str:
    return text[text.index("\n## 12. "):text.index("\n## 13. ")]


def _plain(text: str) -> str:
    """French output puts no-break spaces where the guide's code blocks show plain ones."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _blocks(text: str, kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", text, re.S)


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_adding_a_sector_works_as_the_guide_shows(guide: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lang, rules, file_mark, add_mark = GUIDES[guide]
    section = _section((ROOT / guide).read_text(encoding="utf-8"))
    shutil.copytree(RULES, tmp_path / rules)
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ADVISE_LANG", lang)
    runner = CliRunner()
    written = []
    for block in _blocks(section, "yaml"):
        first, _, body = block.partition("\n")
        if match := re.match(file_mark, first):
            Path(match.group(1)).write_text(body, encoding="utf-8")
            written.append(match.group(1))
        elif match := re.match(add_mark, first):
            path = Path(match.group(2))
            text, count = re.subn(rf"^{match.group(1)}:.*\n", lambda m: m.group(0) + body,
                                  path.read_text(encoding="utf-8"), count=1, flags=re.M)
            assert count == 1
            path.write_text(text, encoding="utf-8")
    assert written == [f"{rules}/56-transport.yaml", f"{rules}/56-transport.cases.yaml", "taxi.yaml"]

    refused = runner.invoke(main, ["taxi.yaml"])  # the shipped rules do not know the sector
    assert refused.exit_code == 2
    [shown_error] = _blocks(section, "text")[0].splitlines()[1:]
    assert _plain(shown_error) in _plain(refused.output)

    outputs = []
    for line in _blocks(section, "sh")[0].splitlines():
        result = runner.invoke(main, line.split()[1:])
        assert result.exit_code == 0, (line, result.output)
        outputs.append(result.output)
    check, test, how = outputs
    done = {"en": ("0 errors, 0 warnings", "2 passed, 0 failed"),
            "fr": ("0 erreur, 0 avertissement", "2 réussis, 0 en échec")}[lang]
    assert check.rstrip().endswith(done[0]) and test.rstrip().endswith(done[1])
    printed = [_plain(line.strip()) for line in how.splitlines()]
    for line in _blocks(section, "text")[1].splitlines():
        if line.strip() and line.strip() != "...":
            pattern = re.sub(r"\\d+", r"\\d+", re.escape(_plain(line.strip())))  # step numbers move as rules are added
            assert any(re.fullmatch(pattern, p) for p in printed), line
