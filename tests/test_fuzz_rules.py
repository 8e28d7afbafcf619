"""Fuzzing the rule base: random and mutated rule files get a clean RuleBookError naming the
file (and the line, wherever the file has one), never another exception, a hang or a crash.
A mutation that leaves a valid rule base must still advise (or fail cleanly at run time)."""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advise.advisor import Advisor, default_templates_dir
from advise.errors import AdviseError, RuleBookError
from advise.explain.report import build_report
from advise.render.renderer import Renderer
from advise.sheet.facts import fact_sheet_from_mapping
from advise.rulebase.operators import OPERATORS

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
FILES = sorted(path.relative_to(RULES).as_posix() for path in RULES.rglob("*.yaml")
               if not path.name.endswith(".cases.yaml"))
ORIGINAL = {name: yaml.safe_load((RULES / name).read_text(encoding="utf-8")) for name in FILES}
SHEET = {
    "business": {"name": "Shop", "size": "tpe", "audience": "b2c", "local": True},
    "resources": {"weekly_hours": 3, "monthly_budget": 20},
    "objectives": ["visibility", "community"],
    "profiles": {"planned": ["facebook", "instagram"]},
}
SECONDS = 10.0
RENDERER = Renderer(default_templates_dir())

NAMES = sorted({*OPERATORS, "when", "then", "set", "add", "warn", "recommend", "any", "all", "not", "id",
                "because", "source", "priority", "title", "en", "fr", "type", "choices", "default",
                "business.size", "resources.weekly_hours", "objectives", "max_profiles", "verdict", "thresholds"})
leaf = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
                 st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20), st.sampled_from(NAMES),
                 st.sampled_from(["{{ x", "{% if %}", "{{ resources.weekly_hours }}", "floor(", "1/0", "a" * 300,
                                  "max_profiles + ", "thresholds.nope", "Bad Id", "x-", "0"]))
anything = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                        max_leaves=8)


@pytest.fixture(scope="module")
def workspace() -> Any:
    folder = Path(tempfile.mkdtemp(prefix="advise-fuzz-rules-"))
    shutil.copytree(RULES, folder / "rules")
    yield folder / "rules"
    shutil.rmtree(folder, ignore_errors=True)


def _check(rules: Path, touched: str) -> None:
    """Loading ends in an Advisor or a clean RuleBookError; an Advisor then advises cleanly."""
    started = time.perf_counter()
    try:
        advisor = Advisor(rules)
    except RuleBookError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file, problem
            if Path(problem.file).name == Path(touched).name and problem.code not in ("file-empty",):
                assert problem.line is not None, problem
        assert error.exit_code == 2
        return
    finally:
        assert time.perf_counter() - started < SECONDS
    try:
        result = advisor.run(fact_sheet_from_mapping(SHEET))
        report = build_report(result, "en")
        text = RENDERER.render(report, "text")
        data = json.loads(RENDERER.render(report, "json"))
    except AdviseError as error:  # e.g. two mutated rules now conclude different values
        assert error.problems and error.exit_code in (1, 2), error
        for problem in error.problems:
            assert problem.rule or problem.file, problem  # the rule (or file) at fault is named
        return
    # A rule base that loads and runs gives a whole report: a verdict the text shows.
    assert data["verdict"] and text.strip()


def _write(rules: Path, name: str, text: str) -> None:
    (rules / name).write_text(text, encoding="utf-8")


def _restore(rules: Path, name: str) -> None:
    shutil.copy(RULES / name, rules / name)


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, Any]:
    """A shipped file's data with one to three changes deep inside."""
    name = draw(st.sampled_from(FILES))
    data = copy.deepcopy(ORIGINAL[name])
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate(draw, data, depth=0)
    return name, data


def _mutate(draw: st.DrawFn, node: Any, depth: int) -> Any:
    containers = isinstance(node, (dict, list)) and node
    if containers and (depth < 2 or draw(st.integers(0, 3)) > 0):
        if isinstance(node, dict):
            key = draw(st.sampled_from(sorted(node, key=str)))
            action = draw(st.sampled_from(["descend", "descend", "descend", "drop", "rename", "retype"]))
            if action == "descend":
                node[key] = _mutate(draw, node[key], depth + 1)
            elif action == "drop":
                del node[key]
            elif action == "rename":
                new = draw(st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=10),
                                     st.just(str(key)[:-1] or "x"), st.just(str(key) + "s")))
                node = {(new if k == key else k): v for k, v in node.items()}
            else:
                node[key] = draw(anything)
            return node
        index = draw(st.integers(0, len(node) - 1))
        action = draw(st.sampled_from(["descend", "descend", "drop", "duplicate", "retype"]))
        if action == "descend":
            node[index] = _mutate(draw, node[index], depth + 1)
        elif action == "drop":
            del node[index]
        elif action == "duplicate":
            node.insert(index, copy.deepcopy(node[index]))
        else:
            node[index] = draw(anything)
        return node
    return draw(anything)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(mutations())
def test_mutated_rule_files_are_refused_cleanly_or_still_work(workspace: Path, mutation: tuple[str, Any]) -> None:
    name, data = mutation
    try:
        _write(workspace, name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        _check(workspace, name)
    finally:
        _restore(workspace, name)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), text=st.one_of(
    st.text(max_size=300),
    anything.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    st.sampled_from(["rules: [", "theme: x\nrules:\n  - &a {id: a}\n  - *a\n", "!!python/name:os.system", "\t",
                     "theme: time\nrules: {}\n", "rules:\n- id: x\n  when: [" + "[" * 200 + "\n"]),
))
def test_random_yaml_as_a_rule_file_is_refused_cleanly(workspace: Path, name: str, text: str) -> None:
    try:
        _write(workspace, name, text)
        _check(workspace, name)
    finally:
        _restore(workspace, name)


def test_shipped_rule_base_loads(workspace: Path) -> None:
    _check(workspace, FILES[0])
    Advisor(workspace).run(fact_sheet_from_mapping(SHEET))


# Found by this fuzzing: `theme not in vocabulary.themes` on a list raised TypeError.
@pytest.mark.parametrize("theme", ["[time]", "{a: 1}"])
def test_a_theme_that_is_a_list_or_mapping_is_refused_cleanly(workspace: Path, theme: str) -> None:
    name = next(name for name in FILES if isinstance(ORIGINAL[name], dict) and "rules" in ORIGINAL[name])
    try:
        text = (RULES / name).read_text(encoding="utf-8")
        _write(workspace, name, text.replace("theme: " + str(ORIGINAL[name]["theme"]), "theme: " + theme, 1))
        with pytest.raises(RuleBookError):
            Advisor(workspace)
    finally:
        _restore(workspace, name)
