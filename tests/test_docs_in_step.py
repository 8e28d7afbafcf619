"""The English and French documents stay in step.

Each English document has a French twin (TWINS). Their sections are matched (same heading
levels, in the same order) and, section by section, they must name the same code: the
commands and options of the CLI, the operators, the functions, the check codes, the
modules and the environment variables. The prose is free; what a reader can type is not.
A failure says what is missing, in which file, in which section, at which line.

The French guide is also held to what the English one is held to: its generated tables
are fresh, its worked example runs as written and prints what it shows, its links
resolve, and its prose uses French typography (scripts/french-typography fixes it).
"""

from __future__ import annotations

import difflib
import importlib.machinery
import importlib.util
import re
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from advise.cli.main import main
from advise.rulebase.expressions import FUNCTIONS
from advise.rulebase.operators import OPERATORS
from advise.rulebase.loading import load_rulebook
from advise.workbench.catalogue import CHECKS
from advise.workbench.docs import GENERATED, refresh_generated, rules_markdown

from conftest import EXAMPLES, ROOT, RULES

# English document -> its French twin. A new English document needs one (and a line here).
TWINS = {
    "README.md": "README.fr.md",
    "docs/writing-rules.md": "docs/fr/ecrire-des-regles.md",
    "docs/reports.md": "docs/fr/rapports.md",
    "docs/fact-sheet.md": "docs/fr/fiche.md",
    "docs/report-json.md": "docs/fr/rapport-json.md",
    "docs/architecture.md": "docs/fr/architecture.md",
    "docs/form-tools.md": "docs/fr/outils-de-formulaire.md",
}
# Generated from the rules in both languages (test_generated_rule_reference_is_fresh).
GENERATED_DOCS = {"docs/rules.md": "docs/fr/regles.md"}
FRENCH_GUIDE = ROOT / "docs/fr/ecrire-des-regles.md"


# ---------------------------------------------------------------- what a document names

@cache
def _cli() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The CLI's top-level commands, its `group sub` commands, and every option name."""
    top, nested, options = set(), set(), set()

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        for param in command.params:
            options.update(opt for opt in (*param.opts, *param.secondary_opts) if opt.startswith("--"))
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                (top if not path else nested).add(" ".join((*path, name)))
                walk(sub, (*path, name))

    walk(main, ())
    return frozenset(top), frozenset(nested), frozenset(options)


_SPAN = re.compile(r"(`+)(.+?)\1")
_FENCE = re.compile(r"^\s*```(\w*)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def code_names(code: str) -> set[str]:
    """The names of `code` (inline spans and fenced blocks, never output) that the two
    languages must share, each tagged with what it is."""
    top, nested, options = _cli()
    found: set[str] = set()
    for match in re.finditer(r"\badvise((?:[ \t]+[a-z][a-z-]*){1,2})", code):
        words = match.group(1).split()
        if " ".join(words[:2]) in nested:
            found.add(f"command `advise {' '.join(words[:2])}`")
        elif words[0] in top:
            found.add(f"command `advise {words[0]}`")
    for match in re.finditer(r"(?<![\w-])rules[ \t]+([a-z]+)\b", code):
        if f"rules {match.group(1)}" in nested:
            found.add(f"command `advise rules {match.group(1)}`")
    found |= {f"option `{opt}`" for opt in re.findall(r"(?<![\w-])--[a-z][a-z-]*", code) if opt in options}
    found |= {f"check code {code_}" for code_ in re.findall(r"\bA\d{3}\b", code) if code_ in CHECKS}
    found |= {f"environment variable {name}" for name in re.findall(r"\bADVISE_[A-Z_]+\b", code)}
    found |= {f"module {name}" for name in re.findall(r"\badvise(?:\.[a-z_]+)+", code)}
    found |= {f"module {path}" for path in re.findall(r"\bsrc/advise/[\w/.-]*\w", code)}
    found |= {f"test file {path}" for path in re.findall(r"\btests/[\w/]+\.py\b", code)}
    # Operators as YAML keys (`{lt: 2}`, `- only: x`, `lt:`) or named alone in a span;
    # functions as calls (`total(`) or named alone, or in a span listing names.
    for name in re.findall(r"(?:^|[{,\s`])([a-z_]+):", code, re.M):
        if name in OPERATORS:
            found.add(f"operator `{name}`")
    for span in re.findall(r"`([^`\n]+)`", code) + [code]:
        words = span.split() if re.fullmatch(r"[a-z_]+(?: [a-z_]+)*", span) else []
        for word in words:
            if word in OPERATORS:
                found.add(f"operator `{word}`")
            if word in FUNCTIONS:
                found.add(f"function `{word}`")
    for name in re.findall(r"\b([a-z_]+)\(", code):
        if name in FUNCTIONS:
            found.add(f"function `{name}`")
    return found


@dataclass
class Section:
    level: int
    title: str
    line: int
    names: set[str] = field(default_factory=set)

    def where(self, path: str) -> str:
        return f"{path}:{self.line} {'#' * self.level} {self.title}"


def sections(text: str) -> list[Section]:
    """The document's headings, each with the code names of its own text (up to the next
    heading), outside output blocks (```text): output is in the reader's language."""
    found = [Section(0, "(before the first heading)", 1)]
    fence: str | None = None
    code: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        # A span may run over a line break in a paragraph: `advise\ninterview`.
        spans = [" ".join(span.split()) for _, span in re.findall(r"(`+)([^`]+?)\1", "\n".join(prose))]
        found[-1].names |= code_names("\n".join([*code, *(f"`{span}`" for span in spans)]))
        code.clear()
        prose.clear()

    for number, line in enumerate(text.split("\n"), 1):
        if match := _FENCE.match(line):
            if fence is None:
                fence = match.group(1)
            else:
                fence = None
            continue
        if fence is not None:
            if fence != "text":
                code.append(line)
            continue
        if match := re.match(r"(#{1,6})\s+(.*)", line):
            flush()
            found.append(Section(len(match.group(1)), match.group(2).strip(), number))
            found[-1].names |= code_names(" ".join(f"`{s[1]}`" for s in _SPAN.findall(match.group(2))))
            continue
        prose.append(line)
    flush()
    return found


def differences(english_path: str, english: str, french_path: str, french: str) -> list[str]:
    """What one document names and its twin does not, section by section; sections with no
    counterpart are named with where the counterpart should go."""
    en, fr = sections(english), sections(french)
    key = lambda s: (s.level, frozenset(s.names))  # noqa: E731
    matcher = difflib.SequenceMatcher(None, [key(s) for s in en], [key(s) for s in fr], autojunk=False)
    pairs: dict[int, int] = {}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        matched = zip(range(i2 - i1), range(j2 - j1)) if op == "equal" else _align(en[i1:i2], fr[j1:j2])
        pairs.update((i1 + i, j1 + j) for i, j in matched)
    reverse = {j: i for i, j in pairs.items()}
    english_side, french_side = (en, english_path, "English"), (fr, french_path, "French")
    return (_unpaired(english_side, french_side, pairs) + _unpaired(french_side, english_side, reverse)
            + [problem for i, j in sorted(pairs.items())
               for problem in _names_missing(english_side, i, french_side, j) + _names_missing(french_side, j, english_side, i)])


Side = tuple[list[Section], str, str]


def _unpaired(side: Side, other: Side, pairs: dict[int, int]) -> list[str]:
    (sections_, path, _), (other_sections, other_path, other_language) = side, other
    problems = []
    for index, section in enumerate(sections_):
        if index not in pairs:
            previous = [pairs[k] for k in range(index) if k in pairs]
            after = other_sections[previous[-1]].where(other_path) if previous else "the start"
            problems.append(f"{section.where(path)}: no {other_language} counterpart in {other_path} "
                            f"(it would come after {after})")
    return problems


def _names_missing(side: Side, index: int, other: Side, other_index: int) -> list[str]:
    (sections_, path, _), (other_sections, other_path, other_language) = side, other
    section, counterpart = sections_[index], other_sections[other_index]
    return [f"{section.where(path)} names {name}; its {other_language} counterpart {counterpart.where(other_path)} does not"
            for name in sorted(section.names - counterpart.names)]


def _align(english: list[Section], french: list[Section]) -> list[tuple[int, int]]:
    """Pair sections of the same level, in order, sharing the most names (a small
    sequence alignment); the sections left over have no counterpart."""
    score = [[0] * (len(french) + 1) for _ in range(len(english) + 1)]
    for i in range(len(english) - 1, -1, -1):
        for j in range(len(french) - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if english[i].level == french[j].level:
                best = max(best, score[i + 1][j + 1] + 1 + 2 * len(english[i].names & french[j].names))
            score[i][j] = best
    pairs, i, j = [], 0, 0
    while i < len(english) and j < len(french):
        if english[i].level == french[j].level and \
                score[i][j] == score[i + 1][j + 1] + 1 + 2 * len(english[i].names & french[j].names):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


# ---------------------------------------------------------------- the tests

def _read(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def test_every_english_document_has_a_french_twin() -> None:
    english = {"README.md", *(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))}
    missing = sorted(english - set(TWINS) - set(GENERATED_DOCS))
    assert not missing, ("English documents without a French twin: " + ", ".join(missing)
                         + ". Write it in docs/fr/ and add the pair to TWINS in tests/test_docs_in_step.py")
    absent = [french for french in [*TWINS.values(), *GENERATED_DOCS.values()] if not (ROOT / french).is_file()]
    assert not absent, f"French twins missing: {absent}"


@pytest.mark.parametrize("english_path", sorted(TWINS))
def test_twins_have_the_same_sections_and_name_the_same_code(english_path: str) -> None:
    french_path = TWINS[english_path]
    problems = differences(english_path, _read(english_path), french_path, _read(french_path))
    assert not problems, (f"{english_path} and {french_path} are out of step ({len(problems)}):\n  "
                          + "\n  ".join(problems))


def test_the_comparison_finds_a_missing_section_and_a_missing_name() -> None:
    english = "# Guide\n\n## Serve\n\n`advise rules check --format json`\n\n## Batch\n\n`advise batch`, `total(a, b)`, A101\n"
    french = "# Guide\n\n## Lot\n\n`advise batch`, A101\n"
    problems = differences("en.md", english, "fr.md", french)
    assert "en.md:3 ## Serve: no French counterpart in fr.md (it would come after fr.md:1 # Guide)" in problems
    assert ("en.md:7 ## Batch names function `total`; its French counterpart fr.md:3 ## Lot does not") in problems
    assert len(problems) == 2, problems
    assert code_names("`advise rules check --format json`, `{only: x}`, ADVISE_LANG, advise.cli") == {
        "command `advise rules check`", "option `--format`", "operator `only`",
        "environment variable ADVISE_LANG", "module advise.cli"}


def _slug(heading: str) -> str:
    """The anchor a Markdown renderer (GitHub's) gives a heading."""
    text = re.sub(r"<[^>]+>", "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@pytest.mark.parametrize("path", sorted([*TWINS, *TWINS.values()]))
def test_links_resolve(path: str) -> None:
    source = ROOT / path
    broken = []
    prose = re.sub(r"```.*?```|`[^`]*`", "", _read(path), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", prose):
        if re.match(r"[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (source.parent / file_part).resolve() if file_part else source
        if not linked.is_file():
            broken.append(f"{target}: no file {linked.relative_to(ROOT) if linked.is_relative_to(ROOT) else linked}")
        elif anchor:
            text = linked.read_text(encoding="utf-8")
            anchors = {_slug(s.title) for s in sections(text)} | set(re.findall(r'<a id="([^"]+)"', text))
            if anchor not in anchors:
                broken.append(f"{target}: no heading with this anchor in {linked.relative_to(ROOT)}")
    assert not broken, f"{path}: broken links:\n  " + "\n  ".join(broken)


def _typography():
    loader = importlib.machinery.SourceFileLoader("french_typography", str(ROOT / "scripts/french-typography"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def test_french_prose_uses_french_typography() -> None:
    typography = _typography()
    problems = [p for path in TWINS.values() for p in typography.problems(ROOT / path)]
    assert not problems, ("a space that should not break before : ; ? ! % € », after «, or in 1 000; "
                          "run  scripts/french-typography " + " ".join(TWINS.values()) + "\n  " + "\n  ".join(problems))
    assert typography.fix("Ici : « oui » ; 55 % et 1 000 €, mais `a : b` et http://x") == \
        "Ici\u00a0: «\u00a0oui\u00a0»\u00a0; 55\u00a0% et 1\u00a0000\u00a0€, mais `a : b` et http://x"


def test_generated_rule_reference_is_fresh_in_both_languages() -> None:
    rulebook = load_rulebook(RULES)
    for (english, french) in GENERATED_DOCS.items():
        assert _read(english) == rules_markdown(rulebook, "en"), f"{english} is stale: run  advise rules docs -o {english}"
        assert _read(french) == rules_markdown(rulebook, "fr"), \
            f"{french} is stale: run  advise rules docs --lang fr -o {french}"


def test_the_french_guide_tables_are_up_to_date() -> None:
    text = FRENCH_GUIDE.read_text(encoding="utf-8")
    for name in GENERATED:
        assert f"<!-- BEGIN GENERATED: {name} -->" in text, name
    assert refresh_generated(text, "fr") == text, "run  python -m advise.workbench.docs docs/fr/ecrire-des-regles.md"


def _worked_example() -> str:
    text = FRENCH_GUIDE.read_text(encoding="utf-8")
    return text[text.index("\n## 11. "):text.index("\n## 12. ")]


def _blocks(text: str, kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", text, re.S)


# The guide shows what a case that fails prints, for a firm selling to both audiences.
FAILING_CASE = """\
base:
  business: {name: Atelier Dupont, size: tpe, audience: both}
  resources: {weekly_hours: 6, monthly_budget: 100, graphic_skills: true}
  objectives: [sales]
  content: {editorial_ideas: true, can_reply_within_a_day: true}
  profiles: {planned: [linkedin, tiktok]}
cases:
  - name: mixte-avec-tiktok
    expect:
      fires: [b2b-plans-tiktok]
"""


def test_the_french_worked_example_works_and_prints_what_it_shows(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(RULES, tmp_path / "mes-regles")
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    example = _worked_example()
    written = []
    for block in _blocks(example, "yaml"):
        first, _, body = block.partition("\n")
        if match := re.match(r"# fichier : (\S+)", first):
            (tmp_path / match.group(1)).write_text(body, encoding="utf-8")
            written.append(match.group(1))
        elif match := re.match(r"# à ajouter sous « (\w+): » dans (\S+)", first):
            path = tmp_path / match.group(2)
            text, count = re.subn(rf"^{match.group(1)}:.*\n", lambda m: m.group(0) + body,
                                  path.read_text(encoding="utf-8"), count=1, flags=re.M)
            assert count == 1
            path.write_text(text, encoding="utf-8")
    assert written == ["mes-regles/60-public.yaml", "mes-regles/60-public.cases.yaml", "atelier.yaml"]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ADVISE_LANG", "fr")
    runner = CliRunner()
    outputs = []
    for line in _blocks(example, "sh")[0].splitlines():
        if line.startswith("advise "):
            args = line.split("#")[0].split()[1:]
            result = runner.invoke(main, args)
            assert result.exit_code == 0, (line, result.output)
            outputs.append(result.output)
    check, test, show = outputs
    assert check.rstrip().endswith("0 erreur, 0 avertissement"), check
    assert test.rstrip().endswith("3 réussis, 0 en échec"), test
    (tmp_path / "mes-regles/61-x.cases.yaml").write_text(FAILING_CASE, encoding="utf-8")
    failing = runner.invoke(main, ["test", "mes-regles/61-x.cases.yaml", "--rules", "mes-regles"])
    assert failing.exit_code == 1, failing.output
    report = runner.invoke(main, ["atelier.yaml", "--rules", "mes-regles", "--for", "consultant"])
    assert report.exit_code == 0, report.output
    how = runner.invoke(main, ["atelier.yaml", "--rules", "mes-regles", "--how", "b2b_on_tiktok"])
    assert how.exit_code == 0 and "b2b-plans-tiktok" in how.output, how.output
    printed = {line.strip() for output in (check, test, show, failing.output, report.output) for line in output.splitlines()}
    shown = [line.strip() for block in _blocks(example, "text") for line in block.splitlines()
             if line.strip() and line.strip() != "..." and "[...]" not in line]
    assert len(shown) > 20
    # Step and line numbers move as rules are added: any number matches a number.
    missing = [line for line in shown if not any(re.fullmatch(re.sub(r"\\d+", r"\\d+", re.escape(line)), p) for p in printed)]
    assert not missing, "docs/fr/ecrire-des-regles.md, section 11, shows lines advise does not print:\n  " + "\n  ".join(missing)
