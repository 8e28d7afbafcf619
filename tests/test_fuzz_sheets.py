"""Fuzzing the fact sheet: whatever data or text a sheet holds, advise ends with a report or
a clean AdviseError (exit status 2 on the command line), never a traceback, a hang or a
crash of the C engine."""

from __future__ import annotations

import json
import math
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from advise.safetext import first_unsafe
from advise.advisor import Advisor, default_templates_dir
from advise.errors import AdviseError, InputError
from advise.explain.report import build_report
from advise.sheet.facts import OBJECTIVES, PLATFORMS, SHEET_FIELDS, fact_sheet_from_mapping
from advise.cli.main import main
from advise.render.renderer import Renderer

ROOT = Path(__file__).resolve().parents[1]
SECONDS = 5.0  # one sheet, however strange, is answered well within this

_STATE: dict[str, Any] = {}


def engine() -> tuple[Advisor, Renderer]:
    if "engine" not in _STATE:
        _STATE["engine"] = (Advisor(ROOT / "rules"), Renderer(default_templates_dir()))
    return _STATE["engine"]


def advise_mapping(mapping: Any) -> str | None:
    """The JSON report, or None after a clean refusal; anything else fails the test."""
    advisor, renderer = engine()
    started = time.perf_counter()
    try:
        sheet = fact_sheet_from_mapping(mapping)
        result = advisor.run(sheet)
        report = build_report(result, sheet.lang or "en")
        renderer.render(report, "text")
        return renderer.render(report, "json")
    except InputError:
        return None
    finally:
        assert time.perf_counter() - started < SECONDS


# Any data: the scalars YAML can produce and a few it cannot, nested.
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(), st.text(alphabet=st.characters(codec="utf-8")),
    st.sampled_from(["", " ", "tpe", "b2c", "TPE", " Facebook ", "twitter", "X", "visibility", "1", "1.5",
                     "true", "null", "\u200b", "\U0001f600" * 3, "a" * 201]),
)
anything = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.tuples(children, children),
                               st.dictionaries(st.one_of(st.text(max_size=12), st.integers(), st.none()),
                                               children, max_size=5)),
    max_leaves=25,
)


def field_value(spec_type: str) -> st.SearchStrategy[Any]:
    """Mostly well-typed values for a field, with wrong types mixed in."""
    good = {
        "text": st.text(min_size=1, max_size=60),
        "bool": st.booleans(),
        "number": st.one_of(st.integers(min_value=-5, max_value=200), st.floats(min_value=-1, max_value=1e6),
                            st.sampled_from([0, 0.5, 1.5, 168, 168.0001, math.inf])),
        "choice": st.sampled_from(["tpe", "pme", "large", "b2c", "b2b", "both", "TPE", "other", ""]),
        "list": st.lists(st.sampled_from(PLATFORMS + OBJECTIVES + ("twitter", "Facebook", "myspace", "")),
                         max_size=8),
    }[spec_type]
    return st.one_of(*([good] * 9), anything)


def valid_value(spec: Any) -> st.SearchStrategy[Any]:
    """A value the contract accepts, in any of its accepted spellings."""
    if spec.type == "text":
        # Control characters and lone surrogates are refused (advise.safetext): not valid text.
        return st.text(min_size=1, max_size=80).filter(lambda text: 1 <= len(text.strip()) <= 200
                                                       and first_unsafe(text) is None)
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "number":
        low, high = spec.range
        return st.one_of(st.integers(min_value=int(low), max_value=int(high if high is not None else 10**6)),
                         st.floats(min_value=low, max_value=high if high is not None else 1e9))
    spellings = [*spec.choices, *spec.aliases, *(choice.upper() for choice in spec.choices)]
    if spec.type == "choice":
        return st.sampled_from(spellings)
    return st.lists(st.sampled_from(spec.choices), unique=True).map(list)


@st.composite
def valid_sheets(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, spec in SHEET_FIELDS.items():
        if not spec.required and draw(st.booleans()):
            continue
        section, _, key = name.rpartition(".")
        node = data.setdefault(section, {}) if section else data
        node[key or name] = draw(valid_value(spec))
    if draw(st.booleans()):
        data["lang"] = draw(st.sampled_from(["fr", "en"]))
    return data


@st.composite
def sheets(draw: st.DrawFn) -> dict[str, Any]:
    """Sheets shaped like the contract: each field present or not, mostly of its type."""
    data: dict[str, Any] = {}
    for name, spec in SHEET_FIELDS.items():
        if draw(st.integers(0, 9)) == 0 and not spec.required:
            continue
        if spec.required and draw(st.integers(0, 19)) == 0:
            continue
        value = draw(field_value(spec.type))
        parts = name.split(".")
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    if draw(st.booleans()):
        data["lang"] = draw(st.sampled_from(["fr", "en", "de", 1, None]))
    if draw(st.integers(0, 4)) == 0:
        data["version"] = draw(st.sampled_from([1, 2, "1", 1.0, True]))
    if draw(st.integers(0, 4)) == 0:
        data[draw(st.text(max_size=10))] = draw(anything)
    return data


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_contract_shaped_sheets_give_a_report_or_a_clean_error(data: dict[str, Any]) -> None:
    output = advise_mapping(data)
    event("advised" if output is not None else "refused")
    if output is not None:
        assert '"verdict"' in output


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_sheets())
def test_every_valid_sheet_gets_a_report(data: dict[str, Any]) -> None:
    output = advise_mapping(data)
    assert output is not None and '"verdict"' in output


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anything)
def test_any_data_gives_a_report_or_a_clean_error(data: Any) -> None:
    output = advise_mapping(data)
    event("advised" if output is not None else "refused")
    if not isinstance(data, dict) or "business" not in data:
        assert output is None, "a sheet that is not a mapping with a business was advised"
    else:
        assert output is None or json.loads(output)["verdict"]


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=3000), st.sampled_from(["[", "{a: ", "- ", "{", "[{"]))
def test_deep_nesting_is_refused_cleanly(depth: int, opener: str) -> None:
    assert advise_mapping({"business": _nested(depth)}) is None
    assert _cli_on_text(opener * depth).exit_code == 2


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"k": value}
    return value


def _cli_on_text(text: str) -> Any:
    """The command line's result on a file holding `text`: a report (0) or a clean error (2)."""
    with tempfile.TemporaryDirectory() as folder:
        sheet = Path(folder) / "sheet.yaml"
        sheet.write_text(text, encoding="utf-8", errors="surrogatepass")
        started = time.perf_counter()
        result = CliRunner().invoke(main, [str(sheet), "--format", "json"])
        assert time.perf_counter() - started < SECONDS
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.output.startswith(("Error", "Erreur")), result.output
    return result


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_any_text_as_a_yaml_file_gives_a_report_or_exit_2(text: str) -> None:
    _cli_on_text(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(), st.booleans())
def test_sheets_written_as_yaml_through_the_cli(data: dict[str, Any], flow: bool) -> None:
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=flow)
    except (yaml.YAMLError, ValueError, OverflowError):
        assume(False)
        return
    _cli_on_text(text)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_as_a_file_give_exit_2_or_a_report(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        sheet = Path(folder) / "sheet.yaml"
        sheet.write_bytes(raw)
        result = CliRunner().invoke(main, [str(sheet)])
    assert result.exit_code in (0, 2), (result.output, result.exception)
    assert "Traceback" not in result.output


def test_hostile_yaml_is_answered_at_once() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    for text in (bomb, "!!python/object/apply:os.system ['echo pwned']\n", "x: !!binary aGVsbG8=\n",
                 "[" * 100_000, "a:\n" + "  " * 5000 + "b: 1\n", "\x00\x01", "%YAML 9.9\n---\na: 1\n",
                 "? [a, b]\n: c\n", "business: {name: " + "\u202e" * 300 + "}\n"):
        _cli_on_text(text)


def test_big_numbers_and_odd_strings_are_refused_or_advised() -> None:
    base = {
        "business": {"name": "Shop", "size": "tpe", "audience": "b2c"},
        "resources": {"weekly_hours": 1, "monthly_budget": 0},
        "objectives": [],
    }
    for budget in (10**18, 1e308, 0.1):
        for hours in (10**400, float("nan"), float("inf"), True, 168.0001, -0.5):  # not a number of hours in a week
            data = dict(base, resources={"weekly_hours": hours, "monthly_budget": budget})
            assert advise_mapping(data) is None, (hours, budget)
        for hours in (-0.0, 1e-320, 167.99999999999):  # odd spellings of numbers in range
            output = advise_mapping(dict(base, resources={"weekly_hours": hours, "monthly_budget": budget}))
            assert output is not None and json.loads(output)["verdict"], (hours, budget)
    for name in ("{{ 7*7 }}", "{% for x in y %}", "<script>", "|a|b|", "`rm -rf`", "é" * 200):
        output = advise_mapping(dict(base, business=dict(base["business"], name=name)))
        assert output is not None
        assert json.loads(output)["business"] == name  # a name is text, never a template


def test_hours_yaml_cannot_hold_as_a_number_are_refused_with_exit_2() -> None:
    sheet = ("business: {name: Shop, size: tpe, audience: b2c}\nresources: {weekly_hours: %s, monthly_budget: 0}\n"
             "objectives: []\n")
    for hours in ("1" + "0" * 400, ".nan", ".inf", "-.inf", "1e400"):
        result = _cli_on_text(sheet % hours)
        assert result.exit_code == 2, (hours, result.output)
        assert "weekly_hours" in result.output


def test_sheet_errors_through_the_library_are_advise_errors() -> None:
    try:
        fact_sheet_from_mapping({"business": {"name": 1}})
    except AdviseError as error:
        assert error.exit_code == 2
    else:  # pragma: no cover
        raise AssertionError("a bad sheet was accepted")
