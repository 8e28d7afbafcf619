"""The speed-ups give the same answers as the slower code they stand for.

Each fast path is compared with the reference it replaces: libyaml's parser with PyYAML's
pure-Python one (advise.sheet.yamlload), the `wordwrap` filter with Jinja's, the glossary finder
with one regular expression per form, the bytecode cache with compiling afresh, the rule
index with a scan, the replay's memo with computing afresh, the lazy commands with
registering them all.
"""

from __future__ import annotations

import os
import pickle
import random
import re
import stat
import textwrap
from pathlib import Path
from typing import Any

import click
import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import yaml
from click.testing import CliRunner

from advise.engine import cache as advise_cache
from advise.engine import inference
from advise.explain import because, counterfactual
from advise.rulebase import expressions
from advise.render import renderer as render
from advise.render import text_layout
from advise.sheet import yamlload
from advise.advisor import Advisor, default_templates_dir
from advise.errors import FactSheetError
from advise.explain.report import build_report
from advise.records import replace
from advise.sheet.facts import apply_overrides, load_fact_sheet

from conftest import EXAMPLES, ROOT, random_edits

YAML_FILES = sorted(path for folder in ("rules", "explanations", "examples", "tests") for path in (ROOT / folder).rglob("*.y*ml"))


# ---------------------------------------------------------------- YAML: libyaml and PyYAML agree


def _both(text: str) -> tuple[object, object]:
    """What each parser gives: (data, marks), or the problems / the exception; libyaml's
    reader gives None for what it leaves to the pure-Python parser."""
    results = []
    for read in (yamlload._read_events, lambda text: yamlload._compose(yamlload._Loader, text, "f.yaml")):
        try:
            found = read(text)
        except yamlload._NotForLibyaml:
            found = None
        except Exception as error:  # noqa: BLE001 - compared below
            found = type(error).__name__
        if isinstance(found, tuple):
            found = (repr(found[0]), found[1]._marks)
        results.append(found)
    return results[0], results[1]


needs_libyaml = pytest.mark.skipif(yamlload._CParser is None, reason="PyYAML without libyaml")


@needs_libyaml
@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_libyaml_reads_the_project_files_as_pyyaml_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    fast, reference = _both(text)
    assert not isinstance(reference, str), f"the pure-Python parser fails on a project file: {reference}"
    if fast is not None:  # None: handed to the pure-Python parser, which decides alone
        assert not isinstance(fast, str), f"libyaml fails on a project file: {fast}"  # two crashes never agree
        assert fast == reference


@needs_libyaml
@pytest.mark.parametrize("text", [
    "a: 1\n\tb: 2\n", "a: b \t|\n", "a: |#\n  x\n", "a: [is it?]\n", "{a: b?}\n", "a: ! x\n- !\n",
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: x\ufeffy\n", "a: x\x85b: y\n", "a: x\u2028y\n", "- ? x\n",
    "%YAML 1.1\n---\na: 1\n", "a: 1\n---\nb: 2\n", "", "# only a comment\n", "1: a\n", "yes: a\n", "a: 1\na: 2\n",
    "[a, {b: c}]: d\n", "a: \"\\x1b[31m\"\n", "x\u202ey: 1\n", "a: [x, y?]\n", "a: [b: c]\n", "~\n", "''\n",
])
def test_where_libyaml_differs_the_pure_python_parser_decides(text: str) -> None:
    def outcome(fast: bool, monkeypatch: pytest.MonkeyPatch) -> object:
        if not fast:
            monkeypatch.setattr(yamlload, "_CParser", None)
        try:
            data, positions = yamlload.load_yaml_text(text, filename="f.yaml", error=FactSheetError)
        except FactSheetError as error:
            return [(p.code, p.params, p.line, p.column) for p in error.problems]
        return repr(data), positions._marks

    with pytest.MonkeyPatch.context() as patch:
        fast = outcome(True, patch)
    with pytest.MonkeyPatch.context() as patch:
        reference = outcome(False, patch)
    assert fast == reference


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\t\ufeff\x85\u2028\u2029|>-+09#a \n:é\u2027\u202a")), max_size=40))
def test_the_texts_left_to_the_pure_python_parser_are_those_the_one_expression_finds(text: str) -> None:
    reference = re.compile("[\t\ufeff\x85\u2028\u2029]|[|>][-+0-9]*#")
    assert yamlload._libyaml_differs(text) == (reference.search(text) is not None)


@needs_libyaml
def test_libyaml_agrees_on_mutated_documents() -> None:
    """Random edits of real files: whatever libyaml accepts, PyYAML reads the same way."""
    rng = random.Random(6)
    seeds = [path.read_text(encoding="utf-8")[:2000] for path in YAML_FILES if path.parent.name == "examples"]
    seeds += [yaml.safe_dump({"a": [1, "b c", {"d": None}], "e": "f?g"}, default_flow_style=flow)
              for flow in (None, True, False)]
    pieces = list("?:-,[]{}#'\"\n \\|>!&*%@`\r\t") + ["? ", ": ", "- ", "\n  ", "\n- ", "---", "...", "é"]
    accepted = 0
    for text in random_edits(rng, seeds, pieces, 1500):
        if yamlload._libyaml_differs(text):
            continue
        fast, reference = _both(text)
        if fast is None or isinstance(fast, str):
            continue
        accepted += 1
        assert fast == reference, text
    assert accepted > 300


def test_without_libyaml_the_pure_python_parser_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [yamlload.load_yaml(path, error=FactSheetError) for path in YAML_FILES[:12]]
    monkeypatch.setattr(yamlload, "_CParser", None)
    for path, (data, positions) in zip(YAML_FILES[:12], expected):
        again, again_positions = yamlload.load_yaml(path, error=FactSheetError)
        assert again == data and again_positions._marks == positions._marks


# ---------------------------------------------------------------- wordwrap


def test_single_spaced_lines_wrap_as_textwrap_wraps_them() -> None:
    rng = random.Random(8)
    words = ["a", "mot", "peut-être", "x" * 9, "x" * 30, "é", "10\u00a0h", "—", "--", "a--b", ",", "«\u00a0x\u00a0»",
             "\u2003", "\u00a0", "x\u00a0", "\u202fy", "well-known", "_", "\x1c"]
    fast = 0
    for _ in range(3000):
        line = rng.choice(["", " "]) + " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        width = rng.choice([1, 2, 5, 9, 10, 30, 79, 85])
        for long_words in (True, False):
            for hyphens in (True, False):
                expected = textwrap.wrap(line, width, expand_tabs=False, replace_whitespace=False,
                                         break_long_words=long_words, break_on_hyphens=hyphens)
                assert text_layout.wrap_line(line, width, long_words, hyphens) == expected, (line, width)
                if not line.startswith(" ") and (not hyphens or "-" not in line):
                    lines = text_layout._single_spaced(line, width, keep_long=not long_words)
                    assert lines is None or lines == expected, (line, width)
                    fast += lines is not None and len(line) > width
    assert fast > 300  # the single-spaced way was taken, and checked


def test_wordwrap_filter_gives_jinjas_text() -> None:
    rng = random.Random(3)
    pieces = ["a", "mot", "peut-être", "c'est-à-dire", "--", "-", " ", "  ", "\u00a0", "\t", "x" * 14, "é",
              "well-known", "a-b-c", "—", ",", ".", "10\u00a0h", " - ", "\u2003", "\n", "\n\n"]
    environment = jinja2.Environment()
    jinja = environment.filters["wordwrap"]
    for _ in range(600):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 50)))
        for width in (1, 4, 9, 30, 79):
            for long_words in (True, False):
                for hyphens in (True, False):
                    assert text_layout.wordwrap(environment, text, width, long_words, None, hyphens) == \
                        jinja(environment, text, width, long_words, None, hyphens), (text, width)
    with pytest.raises(ValueError):
        text_layout.wordwrap(environment, "a b", 0)
    assert textwrap.wrap("a b", width=3) == text_layout.wrap_line("a b", 3)


# ---------------------------------------------------------------- glossary


def test_case_safe_characters_match_case_aside_exactly_when_lowercased_equal() -> None:
    for code in range(0x3000):
        assert render._case_safe(chr(code)) == (chr(code) in render._CASE_SAFE)
        assert render._case_safe("Très bien : 3\u202fh — œuvre " + chr(code)) == (chr(code) in render._CASE_SAFE)
    for a in render._CASE_SAFE:
        assert len(a.lower()) == 1 and a.lower() in render._CASE_SAFE
        for b in render._CASE_SAFE:
            assert bool(re.fullmatch(re.escape(b), a, re.IGNORECASE)) == (a.lower() == b.lower()), (a, b)


def test_term_finder_finds_what_one_search_per_form_finds() -> None:
    forms = {"reach": ["reach", "organic reach"], "tpe": ["TPE / PME", "TPE"], "feed": ["fil d'actualité"],
             "boost": ["boost", "boosted post"], "sme": ["SMEs"], "s": ["sponsored posts"], "i": ["Image bank"]}
    finder = render._TermFinder(forms)
    rng = random.Random(4)
    words = ["reach", "REACH", "Reach-out", "organic", "tpe", "/", "pme", "TPE / PME", "Fil d'actualité",
             "boosted", "post", "smes", "SMEs.", "_reach", "ſponsored", "sponsored", "posts", "İmage", "image",
             "bank", "\u212a", "é", "\n", " ", ",", "«", "»"]
    for _ in range(800):
        text = "".join(rng.choice(words) + rng.choice(["", " ", " ", "-", "'"]) for _ in range(rng.randint(0, 14)))
        expected = [name for name, names in forms.items()
                    if any(re.search(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text, re.IGNORECASE)
                           for form in names)]
        assert finder.find(text) == expected, text


@pytest.mark.parametrize("line_break_form", [False, True])
def test_term_finder_text_by_text_finds_what_it_finds_in_the_joined_texts(line_break_form: bool,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    forms = {"reach": ["reach", "organic reach"], "tpe": ["TPE / PME", "TPE"], "boost": ["boosted post"],
             "s": ["sponsored posts"], "i": ["Image bank"], "k": ["\u212aelvin"], "edge": ["-post"]}
    if line_break_form:
        forms["split"] = ["organic\nreach"]  # found only across two texts: the joined text decides
    monkeypatch.setattr(render._TermFinder, "_KEPT_MAX", 7)  # the texts go through both generations
    finder = render._TermFinder(forms)
    assert finder.by_text is not line_break_form
    assert ("split" in finder.find_all(["the organic", "reach of it"])) is line_break_form
    rng = random.Random(5)
    words = ["reach", "REACH", "organic", "tpe", "/", "pme", "TPE / PME", "boosted", "post", "-post", "_reach",
             "ſponsored", "sponsored", "posts", "İmage", "image", "bank", "kelvin", "\u212aelvin", "\n", " ", ","]
    pool = ["".join(rng.choice(words) + rng.choice(["", " ", "-"]) for _ in range(rng.randint(0, 8)))
            for _ in range(40)]
    for _ in range(300):
        texts = rng.sample(pool, rng.randint(0, 6))
        assert finder.find_all(texts) == finder.find("\n".join(texts)), texts
        assert len(finder._kept.newer) <= 7 and len(finder._kept.older) <= 7


def test_the_finders_word_bounds_are_the_patterns() -> None:
    # _whole_word stands for (?<!\w) and (?!\w): the same answer for any character either side.
    bounded = re.compile(r"(?<!\w)ab(?!\w)")
    for code in range(0x3000):
        for text, start in ((chr(code) + "ab", 1), ("ab" + chr(code), 0)):
            assert render._whole_word(text, start, start + 2) == bool(bounded.match(text, start)), hex(code)
    assert render._whole_word("ab", 0, 2)


# ---------------------------------------------------------------- templates' bytecode cache


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_the_bytecode_cache_changes_no_byte(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def report(cache: str | None) -> str:
        if cache is None:
            monkeypatch.setenv("ADVISE_NO_CACHE", "1")
        else:
            monkeypatch.delenv("ADVISE_NO_CACHE", raising=False)
            monkeypatch.setenv("ADVISE_CACHE_DIR", cache)
        monkeypatch.setattr(advise_cache, "_BYTECODE", [])
        because._BECAUSE.clear()
        sheet = load_fact_sheet(EXAMPLES / "fleuriste.yaml")
        result = Advisor(None).run(sheet)
        return render.Renderer(default_templates_dir()).render(build_report(result, "fr"), fmt)

    cache = tmp_path / "cache"
    fresh = report(None)
    assert report(str(cache)) == fresh  # compiles, and stores
    assert [name for name in os.listdir(cache) if name.startswith("jinja-")] or fmt == "json"  # JSON: no template
    assert report(str(cache)) == fresh  # from the cache
    assert stat.S_IMODE(cache.stat().st_mode) & 0o077 == 0
    entries = [cache / name for name in os.listdir(cache) if name.startswith(("jinja-", "because-"))]
    assert any(entry.name.startswith("because-") for entry in entries)  # the rule texts: one entry
    for index, entry in enumerate(entries):  # damaged entries are compiled afresh
        entry.write_bytes(entry.read_bytes()[: index % 40] + b"\x00garbage")
    assert report(str(cache)) == fresh
    assert report(str(cache)) == fresh  # from the entries written again


def test_a_rule_texts_damaged_code_is_compiled_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry of compiled rule texts that loads, but whose code for a text does not (cut,
    or not code at all), gives the same report: those texts are compiled again, and kept."""
    import marshal

    monkeypatch.delenv("ADVISE_NO_CACHE", raising=False)
    monkeypatch.setenv("ADVISE_CACHE_DIR", str(tmp_path / "cache"))

    def report() -> str:
        because._BECAUSE.clear()
        result = Advisor(None).run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
        return render.Renderer(default_templates_dir()).render(build_report(result, "en"), "text")

    fresh = report()
    (entry,) = (tmp_path / "cache").glob("because-*.pickle")
    codes = pickle.loads(entry.read_bytes())
    assert len(codes) > 10 and all(isinstance(code, bytes) for code in codes.values())
    damaged = {text: code[: len(code) // 2] if index % 2 else marshal.dumps(("not", "code"))
               for index, (text, code) in enumerate(codes.items())}
    entry.write_bytes(pickle.dumps(damaged))
    assert report() == fresh
    assert pickle.loads(entry.read_bytes()) == codes


def test_no_filter_is_run_when_a_text_is_compiled() -> None:
    """The bytecode of a rule text is kept by rule id, text and language, not by vocabulary:
    that holds only if no filter is folded into the code at compile time (Jinja's optimizer
    folds calls on constants). A label changed in the vocabulary must reach a text whose
    compiled code came from the cache."""
    from advise.sandbox import RULE_TEXT_LIMITS, BoundedEnvironment

    labels = {"facebook": "Facebook"}
    environment = BoundedEnvironment(limits=RULE_TEXT_LIMITS, filters={"platform": lambda key: labels[key]})
    code = environment.compile("{{ 'facebook' | platform }} / {{ 'x' | upper }}")
    template = environment.template_class.from_code(environment, code, environment.make_globals(None), None)
    assert environment.render(template, {}) == "Facebook / X"
    labels["facebook"] = "Page Facebook"
    assert environment.render(template, {}) == "Page Facebook / X"


def test_a_cache_folder_others_may_write_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv("ADVISE_CACHE_DIR", str(shared))
    monkeypatch.delenv("ADVISE_NO_CACHE", raising=False)
    monkeypatch.setattr(advise_cache, "_BYTECODE", [])
    assert advise_cache.bytecode_cache() is None


# ---------------------------------------------------------------- rule index, replay memo, lazy commands


def test_rule_index_finds_what_a_scan_finds_and_is_not_pickled() -> None:
    advisor = Advisor(None)
    book = advisor.rulebook
    for rule in book.rules:
        assert book.rule(rule.id) is next(r for r in book.rules if r.id == rule.id)
    with pytest.raises(KeyError):
        book.rule("no-such-rule")
    assert "_rule_index" not in pickle.loads(pickle.dumps(book)).__dict__
    fewer = replace(book, rules=book.rules[:1])
    with pytest.raises(KeyError):
        fewer.rule(book.rules[1].id)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.stem)
def test_replay_memo_gives_what_computing_afresh_gives(example: Path) -> None:
    result = Advisor(None).run(load_fact_sheet(example))
    shared = counterfactual._Replay(result)
    names = [name for name in result.rulebook.facts if result.rulebook.facts[name].derived]
    for fact in ("resources.weekly_hours", "resources.monthly_budget"):
        for x in (0, 0.5, 1.0, 2, 3.5, 7, 40, 250.0, 2000):
            for name in names:
                assert shared.value(name, fact, x) == counterfactual._Replay(result).value(name, fact, x)


CHANGED_TEXTS = ["0", "0.5", "6", "6.5", "12.25", "168", "168.5", "169", "-1", "1e-06", "2.5e-05", "1e+17", "1.5e+17",
                 "012", "0x10", "1_000", "123456789012345", "1234567890123456", "100000.123456", "7.0", ".5", "5.",
                 "true", "false", "yes", "nan", "inf", "1:30"]


@pytest.mark.parametrize("name", ["resources.weekly_hours", "resources.monthly_budget", "resources.graphic_skills"])
def test_a_candidate_value_is_the_one_apply_overrides_gives(name: str) -> None:
    """find_hints reads a candidate's value without building its sheet (only the runs need one)."""
    sheet = load_fact_sheet(EXAMPLES / "fleuriste.yaml")
    texts = CHANGED_TEXTS + [counterfactual._text(value) for value in
                             (0.5, 1.0, 3.0, 7.5, 99999.5, 100000.0, 1e-06, 123456.654321, 1e20, True, False)]
    for text in texts:
        try:
            expected = apply_overrides(sheet, [f"{name}={text}"]).facts[name]
        except FactSheetError:
            expected = FactSheetError
        try:
            found = counterfactual._change(sheet, name, text)
        except FactSheetError:
            found = (name, FactSheetError, f"{name}={text}")
        assert found == (name, expected, f"{name}={text}"), text
        assert type(found[1]) is type(expected), text


def test_the_rule_base_index_is_built_once_and_follows_the_rule_base() -> None:
    advisor = Advisor(None)
    book = advisor.rulebook
    index = counterfactual._index(book)
    assert counterfactual._index(book) is index
    # what a scan of the rules finds
    read = {name for rule in book.rules for name in rule.reads()}
    assert index.flags == [name for name in counterfactual.SHEET_FIELDS if name in read and
                           counterfactual.SHEET_FIELDS[name].type == "bool" and name.startswith(counterfactual.ACTIONABLE)]
    assert {(c.fact, c.op, c.operand) for c in index.conditions} == {
        (c.fact, c.op, c.operand) for rule in book.rules for c in rule.conditions
        if book.facts.get(c.fact) is not None and book.facts[c.fact].kind == "number" and c.op in counterfactual.COMPARISONS}
    fewer = replace(book, rules=())
    assert counterfactual._index(fewer) is not index and counterfactual._index(fewer).flags == []
    assert counterfactual._index(fewer).conditions == []
    key = id(fewer)
    del fewer
    assert all(place != key for place, *_ in counterfactual._INDEXES.entries)  # gone with its rule base


# ---------------------------------------------------------------- expressions: compiled and interpreted agree


def _outcome(run: Any) -> Any:
    try:
        value = run()
    except expressions.ExpressionError as error:
        return ("error", error.code, error.params)
    except Exception as error:  # noqa: BLE001 - compared below
        return ("raised", type(error).__name__)
    return ("value", type(value).__name__, repr(value))


def _both_ways(expression: expressions.Expression, lookup: Any) -> tuple[Any, Any]:
    compiled = expressions._compile(expression.tree)
    return (_outcome(lambda: expressions._evaluate(expression.tree, lookup)), _outcome(lambda: compiled(lookup)))


def test_the_rule_base_computes_the_same_compiled_on_every_example() -> None:
    advisor = Advisor(None)
    found = [conclusion.expression for rule in advisor.rulebook.rules for conclusion in rule.then
             if conclusion.expression is not None]
    assert found
    for example in sorted(EXAMPLES.glob("*.yaml")):
        facts = advisor.run(load_fact_sheet(example)).trace.facts
        book = advisor.rulebook

        def lookup(name: str, facts: dict = facts) -> Any:
            return inference._lookup(book, facts, name)  # as the inference reads a name

        for expression in found:
            interpreted, compiled = _both_ways(expression, lookup)
            assert interpreted == compiled, (example.name, expression.text)


_LEAVES = st.sampled_from(["hours", "budget", "zero", "name", "planned", "fit", "missing", "true", "false", "0", "1",
                           "2.5", "-3", "'a'", "'instagram'", "[]", "['instagram', 'x']", "[1, 2]"])


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(["+", "-", "*", "/", "//", "<", "<=", ">", ">=", "==", "!=", "in", "not in", "and", "or"])
    calls = st.sampled_from(sorted(expressions.FUNCTIONS))
    return st.one_of(
        st.tuples(inner, binary, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, binary, inner, binary, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]} {t[3]} {t[4]})"),
        inner.map(lambda t: f"(not {t})"), inner.map(lambda t: f"(-{t})"), inner.map(lambda t: f"(+{t})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.tuples(calls, st.lists(inner, max_size=4)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_LEAVES, _grow, max_leaves=8))
def test_a_compiled_expression_computes_what_the_interpreter_computes(text: str) -> None:
    """The same value of the same type, or the same error, whatever the expression."""
    try:
        expression = expressions.parse(text)
    except expressions.ExpressionError:
        return
    values = {"hours": 6.5, "budget": 120, "zero": 0, "name": "fleuriste", "planned": ["instagram", "facebook"],
              "fit": {"instagram": 3, "facebook": 1.5, "x": 0}}

    def lookup(name: str) -> Any:
        if name not in values:
            raise expressions.ExpressionError("unknown-fact", name=name)
        value = values[name]
        return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value

    interpreted, compiled = _both_ways(expression, lookup)
    assert interpreted == compiled
    assert _outcome(lambda: expression.evaluate(lookup)) == interpreted


def test_a_compiled_expression_is_neither_pickled_nor_compared() -> None:
    expression = expressions.parse("floor(hours / 2) + 1")
    twin = expressions.parse("floor(hours / 2) + 1")
    assert expression.evaluate(lambda name: 7) == 4
    assert "_compiled" in expression.__dict__ and "_compiled" not in twin.__dict__
    copy = pickle.loads(pickle.dumps(expression))
    assert "_compiled" not in copy.__dict__ and copy.text == expression.text and copy.evaluate(lambda name: 9) == 5


def test_lazy_commands_are_the_registered_ones() -> None:
    import importlib

    from advise.cli import main as cli

    registered = {}
    for module in set(cli.LAZY_COMMANDS.values()):
        group = click.Group()
        importlib.import_module(f"advise.cli.{module}").register(group)
        registered.update(dict.fromkeys(group.commands, module))
    assert registered == cli.LAZY_COMMANDS
    formats = {name: list(next(param.type.choices for param in command.params if param.name == "fmt"))
               for name, command in (("run", cli.main.commands["run"]), ("batch", cli.main.get_command(None, "batch")))}
    assert formats == {"run": list(render.FORMATS), "batch": list(render.FORMATS)}
    help_text = CliRunner().invoke(cli.main, ["--help"]).output
    for name in cli.LAZY_COMMANDS:
        assert name in help_text


def _node_shape(node: object) -> object:
    """Everything of a composed node the reading may use, recursively."""
    marks = tuple((mark.line, mark.column, mark.index) for mark in (node.start_mark, node.end_mark))  # type: ignore[attr-defined]
    value = node.value  # type: ignore[attr-defined]
    if isinstance(value, list):
        value = [tuple(_node_shape(part) for part in item) if isinstance(item, tuple) else _node_shape(item)
                 for item in value]
    style = getattr(node, "style", None), getattr(node, "flow_style", None)
    return type(node).__name__, node.tag, value, marks, style  # type: ignore[attr-defined]


@needs_libyaml
def test_libyaml_events_read_as_libyaml_s_own_nodes_are_built() -> None:
    """yamlload reads libyaml's events straight into data and positions
    (advise.sheet.yamlload._read_events): the data and positions _Builder makes of the nodes
    libyaml's own composer (yaml.CSafeLoader) builds, on the project's files and on nested,
    flow and block documents; what it leaves to the pure-Python parser has something to
    refuse or report, or is one of the forms libyaml reads otherwise."""
    texts = [path.read_text(encoding="utf-8").removeprefix("\ufeff") for path in YAML_FILES]
    texts += ["a: [1, {b: [c, 2.5, null, true]}, []]\n", "- - - x\n    - y\n  - {}\n- ''\n", "x\n", "[]\n",
              "a:\n  b:\n    - 1\n    - 'two'\n    - \"th\\u00e9\"\n  c: |\n    block\n  d: >-\n    folded\n",
              "a: ~\nb: null\nc:\nd: 0x1f\ne: 1:30\nf: 010\ng: .inf\nh: -.nan\ni: 2026-11-29\nj: yes\nk: 1_000\n",
              "'quoted key': \"x\"\n\"2\": '3'\n? plain\n: value\n", "~\n", "''\n", "a: 99999999999999999999\n",
              "%YAML 1.1\n---\na: 1\n", "a: 1\n---\nb: 2\n", "", "# only a comment\n", "1: a\n", "yes: a\n",
              "a: 1\na: 2\n", "[a, {b: c}]: d\n", "a: \"\\x1b[31m\"\n", "a: \"\\u202e\"\n", "a: [x, y?]\n", "a: [b: c]\n"]
    read = left = 0
    for text in texts:
        if yamlload._libyaml_differs(text):
            continue
        try:
            ours = yamlload._read_events(text)
        except (yamlload._NotForLibyaml, yaml.YAMLError):
            left += 1  # (test_where_libyaml_differs_the_pure_python_parser_decides: the outcome is the same)
            continue
        assert ours is not None
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
        builder = yamlload._Builder("f.yaml", yaml.CSafeLoader(""))
        expected = builder.build(node, ())
        assert not builder.problems, text
        assert repr(ours[0]) == repr(expected) and ours[1]._marks == builder.marks, text[:200]
        read += 1
    assert read > len(YAML_FILES) // 2 and left >= 10


def test_a_plain_scalar_s_kept_value_is_the_one_made_afresh() -> None:
    """The values of plain scalars are kept by their text (advise.sheet.yamlload._PLAIN): a
    scalar read again, whether kept or not, gives what PyYAML's pure-Python reading gives."""
    words = ["true", "True", "yes", "no", "off", "~", "null", "", "0", "-0", "010", "0x1f", "0b1", "1:30", "1_000",
             "1e3", "1.5e-3", ".inf", "-.Inf", ".nan", "2026-11-29", "tpe", "<<", "=", "3.0", "+1", "99999999999999999999",
             "1.7976931348623157e309", "é", "a b"]
    for _ in range(2):  # afresh, then kept
        for word in words:
            text = f"a: {word}\n"
            reference = yamlload._compose(yamlload._Loader, text, "f.yaml")
            ours = yamlload._read_events(text) if yamlload._CParser is not None else reference
            assert repr(ours[0]) == repr(reference[0]), word  # type: ignore[index]
            assert type(ours[0]["a"]) is type(reference[0]["a"]), word  # type: ignore[index]


@needs_libyaml
@pytest.mark.parametrize("depth", [yamlload.MAX_DEPTH - 1, yamlload.MAX_DEPTH, yamlload.MAX_DEPTH + 1])
def test_nesting_at_the_limit_reads_alike_with_and_without_libyaml(depth: int) -> None:
    for text in ("[" * depth + "1" + "]" * depth + "\n", "[" * depth + "]" * depth + "\n"):
        outcomes = []
        for fast in (True, False):
            with pytest.MonkeyPatch.context() as patch:
                if not fast:
                    patch.setattr(yamlload, "_CParser", None)
                try:
                    data, positions = yamlload.load_yaml_text(text, filename="f.yaml", error=FactSheetError)
                    outcomes.append((repr(data), positions._marks))
                except FactSheetError as error:
                    outcomes.append([(p.code, p.line, p.column) for p in error.problems])
        assert outcomes[0] == outcomes[1], (depth, text)


def _texts_of(alphabet: list[str], seed: int, count: int = 5000, longest: int = 8) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, longest))) for _ in range(count)]


def test_a_surprising_number_is_what_the_expression_finds() -> None:
    """advise.sheet.yamlload._surprising_number: YAML 1.1's base 60, octal, hexadecimal and binary."""
    expression = re.compile(r":|^[-+]?0[0-9_]+$|^[-+]?0[xob]", re.IGNORECASE)
    alphabet = ["0", "0", "1", "7", "9", "_", "-", "+", ":", "x", "X", "o", "O", "b", "B", "e", ".", "\n", " ", "a",
                "\u0660", "\u212a", "٣"]
    texts = _texts_of(alphabet, 60) + [chr(code) for code in range(0x3000)] \
        + ["0" + chr(code) for code in range(0x3000)] + ["-0" + chr(code) + "1" for code in range(0x3000)]
    for text in texts + ["010\n", "0\n", "010\n\n", "+0b1", "1:30", "-0_1", "0.5", "0", "", "+", "-0"]:
        assert yamlload._surprising_number(text) == bool(expression.search(text)), repr(text)


def test_a_plain_number_is_what_the_expression_matches() -> None:
    """advise.explain.counterfactual._plain_number: a number as _text writes one."""
    expression = re.compile(r"(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?")
    alphabet = ["0", "1", "5", "9", "9", ".", "-", "+", "e", " ", "\n", "_", "\u0660", "٣", "²"]
    texts = _texts_of(alphabet, 44, longest=20) + [chr(code) for code in range(0x3000)] \
        + ["1" * size + "." + "2" * places for size in range(0, 18) for places in range(0, 18)]
    for text in texts + ["0", "0.5", "00", "01", "1.", ".5", "123456789012345", "1234567890123456", "1.5.5"]:
        assert counterfactual._plain_number(text) == bool(expression.fullmatch(text)), repr(text)
