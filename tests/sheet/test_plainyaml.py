"""The reader of plain block documents (advise.sheet.plainyaml): whatever it reads, it reads as
libyaml's events and PyYAML's pure-Python parser do; whatever else it leaves to them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from advise.errors import FactSheetError
from advise.sheet import plainyaml, yamlload
from advise.sheet.template import render_sheet

from conftest import EXAMPLES, ROOT, random_edits

PROJECT_YAML = sorted(path for folder in ("rules", "explanations", "examples", "tests")
                      for path in (ROOT / folder).rglob("*.y*ml"))


def references(text: str) -> list[object]:
    """What PyYAML's pure-Python parser gives (data and marks, else its problems or error), and
    what libyaml's events give (or None when they leave the text to PyYAML)."""
    found: list[object] = []
    try:
        composed = yamlload._compose(yamlload._Loader, text, "f.yaml")
    except Exception as error:  # noqa: BLE001 - compared below
        composed = type(error).__name__
    found.append((repr(composed[0]), composed[1].marks) if isinstance(composed, tuple) else composed)
    if yamlload._CParser is not None and not yamlload._libyaml_differs(text):
        try:
            events = yamlload._read_events(text)
        except Exception:  # noqa: BLE001 - libyaml's error, or left to PyYAML
            events = None
        found.append((repr(events[0]), events[1].marks) if events is not None else None)
    return found


def plain(text: str) -> tuple[str, dict] | None:
    read = plainyaml.read_plain_block(text)
    return None if read is None else (repr(read[0]), read[1])


def assert_read_as_the_parsers_read(text: str) -> bool:
    """True if the plain reader read `text` (then as both references), False if it left it."""
    ours = plain(text)
    if ours is None:
        return False
    for reference in references(text):
        assert ours == reference, text
    return True


def generated_sheet(rng: random.Random) -> str:
    """A sheet in the shapes people write: comments, blank lines, quotes, both list styles."""
    words = ["visibility", "sales", "community", "facebook", "x", "linkedin", "yes", "no", "~", "null", "true"]
    lines = ["# A sheet", "version: 1", f"lang: {rng.choice(['fr', 'en', 'de'])}", ""]
    names = ["Chez Léa", '"Café: le #1"', "C# & co", "12:30", "Pixel & Code", "'L''Atelier'"]
    lines += ["business:", "  name: " + rng.choice(names)
              + rng.choice(["", "  # its name", "   "]), f"  size: {rng.choice(['tpe', 'pme', '0x1f', '010'])}",
              "  local: " + rng.choice(["true", "false", "yes", "'no'", ""])]
    lines += ["resources:", f"  weekly_hours: {rng.choice(['4', '2.5', '-1', '1e3', '.inf', '1_000', '1:30'])}"]
    lines += [f"objectives: [{', '.join(rng.sample(words, rng.randint(0, 3)))}]"]
    indent = rng.choice(["", "  ", "    "])
    lines += ["profiles:", "  planned:"] + [f"  {indent}- {word}" for word in rng.sample(words, rng.randint(0, 3))]
    lines += ["  existing:" + rng.choice(["", "  # none yet"])]
    return "\n".join(lines) + rng.choice(["\n", "", "\n\n"])


def test_the_project_files_and_the_sheets_people_write_read_as_the_parsers_read_them() -> None:
    for path in PROJECT_YAML:
        assert_read_as_the_parsers_read(path.read_text(encoding="utf-8"))
    rng = random.Random(16)
    assert sum(assert_read_as_the_parsers_read(generated_sheet(rng)) for _ in range(300)) > 150


def test_every_example_sheet_and_the_init_template_are_read_plainly() -> None:
    """The sheets consultants start from take the fast way (with their comments, quoted names
    and lists of both styles)."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.yaml"))]
    texts += [render_sheet({}, lang, examples=["business.name"]) for lang in ("en", "fr")]  # advise init
    for text in texts:
        assert assert_read_as_the_parsers_read(text), text[:300]


@pytest.mark.parametrize("text", [
    "a: 1\n\tb: 2\n", "a: 1\r\nb: 2\r\n", "a: \x1b[31m\n", "a: x\u202ey\n", "a: x\x85b\n", "a: x\u2028y\n",
    "a: \ufeffx\n", "a: x\ud800\n", "# \x07\na: 1\n",  # what is not printable
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: ! x\n", "a: {b: c}\n", "a: |\n  x\n", "a: >-\n  x\n",
    "a: b\n  c\n", "a: \"b\\tc\"\n", "a: 'it''s'\n", "a: \"b\n  c\"\n", "a: [b,\n  c]\n", "a: [b, {c: d}]\n",
    "a: ['b']\n", "a: [b, , c]\n", "a: [is it?]\n", "a: 1\na: 2\n", "yes: 1\n", "1: a\n", "null: a\n",
    "'a': 1\n", "a b: 1\n", "a : 1\n", "a:b\n", "a:#b\n", "a: b: c\n", "a: b:\n", "a: - b\n", "a: ? b\n",
    "a: :b\n", "%YAML 1.1\n---\na: 1\n", "---\na: 1\n", "a: 1\n---\nb: 2\n", "a: 1\n...\n", "", "\n\n",
    "# only a comment\n", "- a\n- b\n", "x\n", " a: 1\n", "a:\n  - b\n  c: 1\n", "a:\n  b: 1\n c: 2\n",
    "a: 1\n- b\n", "a:\n- b\n-\n", "a:\n  -\n    b: c\n", "a:\n  - b: c\n", "a:\n  - - b\n", "a: \"b\" c\n",
    "a: \"b\"#c\n", "a: [b]c\n", "a: b\n  # c\n  d\n",
    "".join(f"{' ' * 2 * level}k{level}:\n" for level in range(12)) + " " * 24 + "v: 1\n",
    "a" * 257 + ": 1\n", "a" * 1025 + ": 1\n", "b:\n  " + "é" * 1030 + ": 1\n",  # keys YAML may find too long
])
def test_what_it_does_not_read_is_left_to_the_parsers(text: str) -> None:
    assert plainyaml.read_plain_block(text) is None
    try:  # and the reading as a whole says what it said before
        yamlload.load_yaml_text(text, filename="f.yaml", error=FactSheetError)
    except FactSheetError:
        pass


@pytest.mark.parametrize("text", [
    "a: 1\n", "a:\n", "a:\nb: 2\n", "a: ~\nb: null\nc: \n", "a: 'x # y: z'  # c\nb: \"x: #y\"\n", "a: ''\nb: \"\"\n",
    "a: C#\nb: 12:30\nc: 010\nd: 0b1\ne: -1\nf: -x\ng: -.inf\nh: 2026-11-29\ni: <<\nj: a  b\n", "a: [ ]\nb: []\n",
    "a: [ b ,c,  d ]  # words\n", "a: [yes, null, True]\n", "a:\n- b\n- c\nd: e\n", "a:\n    -   b\n    - c\n",
    "\n# c\n\na:   # c\n  # c\n  b:\n    c: 1\n\n  d: [e]\nf: g\n", "a: b # c\n", "a: b   \n", "é: ü\n",
    "a:\n  b:\n  - c\n  d:\n", "a: 'b\\c'\n", "a: b ]\n", "a: \"[b]\"\n", "a: True\nb: 99999999999999999999\n",
    "a" * 256 + ": 1\n", "a: " + "b" * 3000 + "\n", "a: [" + ", ".join(["x"] * 800) + "]\n",
    "a:\n" + ("- " + "y" * 2000 + "\n") * 3,
])
def test_what_it_reads_it_reads_as_the_parsers_do(text: str) -> None:
    assert assert_read_as_the_parsers_read(text)


def test_random_edits_of_sheets_read_as_the_parsers_read_them() -> None:
    """Random edits of real sheets: whatever the plain reader still reads, it reads as both
    parsers do (and what it gives up, they decide)."""
    rng = random.Random(29)
    seeds = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.yaml"))]
    seeds += [generated_sheet(rng) for _ in range(20)] + [render_sheet({}, "en", examples=["business.name"])[:3000]]
    pieces = list("?:-,[]{}#'\"\n \\|>!&*%@`\r\t~") + [
        "? ", ": ", "- ", "\n  ", "\n- ", "---", "...", "é", "  ", "\n    ", " #", "yes", "0x1", "1:2", "''", "[a, b]"]
    read = 0
    for text in random_edits(rng, seeds, pieces, 3000):
        read += assert_read_as_the_parsers_read(text)
    assert read > 300


SCALARS = ["a", "tpe", "Chez Léa", "C# & co", "12:30", "http://x.fr", "-1", "-x", "1e3", "0x1f", "010", ".inf", "~",
           "null", "yes", "No", "True", "2026-11-29", "=", "<<", "a  b", "a\\b", "'q'", "'it''s'", "\"x: #y\"", "\"\"",
           "''", "[]", "[ a , b ]", "[yes, null]", "[1]", "b # c", "b #", "b   ", "#c", "", "- a", "?a", ":a", "a:",
           "a: b", "&x a", "*x", "!x a", "|", ">", "%a", "@a", "`a", "{a: b}", "\"a\\tb\"", "é" * 300]
KEYS = ["a", "b", "name", "é", "yes", "null", "1", "a b", "a_b", "A", "k" * 256, "k" * 257, "k" * 1025, "'q'"]


def random_document(rng: random.Random, depth: int = 0, indent: str = "") -> list[str]:
    """The lines of a block mapping of random keys, scalars, lists and mappings; mostly
    plain, now and then something the plain reader must leave to the parsers."""
    lines: list[str] = []
    for _ in range(rng.randint(1, 4)):
        key = rng.choice(KEYS)
        shape = rng.random()
        if rng.random() < 0.2:
            lines.append(indent + rng.choice(["", "# a comment", "  # indented comment", " "]))
        if shape < 0.55 or depth >= 3:
            lines.append(f"{indent}{key}: {rng.choice(SCALARS)}".rstrip() + rng.choice(["", "", " # c", "  "]))
        elif shape < 0.8:
            items = indent + rng.choice(["", "  ", "    "])
            lines.append(f"{indent}{key}:" + rng.choice(["", " # list"]))
            lines += [f"{items}-{rng.choice([' ', '  '])}{rng.choice(SCALARS)}".rstrip() for _ in range(rng.randint(0, 3))]
        else:
            lines.append(f"{indent}{key}:")
            lines += random_document(rng, depth + 1, indent + rng.choice(["  ", "    ", " "]))
    return lines


def test_random_documents_read_as_the_parsers_read_them() -> None:
    rng = random.Random(20)
    read = 0
    for _ in range(3000):
        read += assert_read_as_the_parsers_read("\n".join(random_document(rng)) + rng.choice(["\n", ""]))
    assert read > 200


def test_a_sheet_read_plainly_loads_as_it_did(tmp_path: Path) -> None:
    """Through load_yaml: the same data and positions with the plain reader and without it."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        fast = yamlload.load_yaml(path, error=FactSheetError)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(yamlload, "read_plain_block", lambda text: None)
            slow = yamlload.load_yaml(path, error=FactSheetError)
        assert repr(fast[0]) == repr(slow[0]) and fast[1].marks == slow[1].marks


def test_a_path_resolver_leaves_every_text_to_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml.resolver.Resolver, "yaml_path_resolvers", {("x",): None})
    assert plainyaml.read_plain_block("a: 1\n") is None
