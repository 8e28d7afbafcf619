"""The JSON writer of the reports gives json.dumps' text, byte for byte, for every report and
for the odd values json.dumps takes (advise.render.json_report.json_text)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advise.advisor import Advisor
from advise.explain.report import build_report
from advise.render.json_report import json_text, report_json
from advise.sheet.facts import load_fact_sheet

from conftest import EXAMPLES

ADVISOR = Advisor(None)


def reference(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_example_report_is_written_as_json_dumps_writes_it(path) -> None:
    sheet = load_fact_sheet(path)
    result = ADVISOR.run(sheet)
    for lang in ("en", "fr"):
        data = report_json(build_report(result, lang))
        assert json_text(data) == reference(data)


@pytest.mark.parametrize("value", [
    {}, [], (), "", 0, -0.0, 1e300, 5e-324, math.nan, math.inf, -math.inf, True, False, None, 2**80,
    {"é\n\"\\\u2028\x00\U0001f600": [(), {}, [[]], (1, 2.5)]},
    {1: "a key that is a number"}, {None: 1, True: 2, 2.5: 3},
], ids=repr)
def test_odd_values_are_written_as_json_dumps_writes_them(value: object) -> None:
    assert json_text(value) == reference(value)


def test_what_json_dumps_refuses_is_refused_the_same_way() -> None:
    with pytest.raises(TypeError):
        json_text({"a": object()})
    with pytest.raises(TypeError):
        json_text({(1, 2): "a tuple as a key"})


plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(plain)
def test_any_plain_value_is_written_as_json_dumps_writes_it(value: object) -> None:
    assert json_text(value) == reference(value)


def test_strings_kept_stay_bounded_and_are_written_as_json_dumps_writes_them() -> None:
    from advise.render import json_report

    many = {f"key {index}": [f"text {index} « é » \"quoted\" \\ \n", f"text {index}"] for index in range(5000)}
    assert json_text(many) == reference(many)
    assert len(json_report._ESCAPED) <= 2 * json_report._ESCAPED.size
    assert len(json_report._KEYED) <= 2 * json_report._KEYED.size  # the keys with their ": "
    assert json_text(many) == reference(many)  # read back from the kept strings, older and newer


def test_any_depth_is_indented_as_json_dumps_indents_it() -> None:
    # The indentations of the first levels are kept (a report's); deeper ones are made each time.
    from advise.render import json_report

    deep: object = {"leaf": "x", "list": [1, "y"]}
    for depth in range(60):
        deep = {f"level {depth}": deep, "items": [depth, [deep] if depth % 7 == 0 else []]} if depth % 2 \
            else [deep, {"n": depth}]
        assert json_text(deep) == reference(deep)
    assert json_text(deep) == reference(deep)
    assert max(map(len, json_report._INDENTS)) <= 64 and len(json_report._INDENTS) <= 32


def test_subclasses_of_plain_types_are_written_as_json_dumps_writes_them() -> None:
    import enum

    from markupsafe import Markup

    class Level(enum.IntEnum):
        HIGH = 3

    class Name(str):
        def __str__(self) -> str:
            return "not what json writes"

    value = {Name("key"): [Markup("<b>bold</b>"), Level.HIGH, Name("x"), 1.5], "plain": Name("y")}
    assert json_text(value) == reference(value)


def test_the_json_report_digests_the_answers_it_carries() -> None:
    result = ADVISOR.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    report = build_report(result, "fr")
    data = report_json(report)
    assert data["sheet"] == report.sheet_answers
    assert data["sheet_digest"] == report.sheet_digest


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml"))[:6], ids=lambda path: path.stem)
def test_each_step_s_premises_are_its_firing_s(path) -> None:
    """report_json builds a step's premises in one dict: those of Firing.premises (what it
    matched, then what else it read), in the same order, lists for tuples."""
    result = ADVISOR.run(load_fact_sheet(path))
    steps = report_json(build_report(result, "en"))["trace"]
    for step, firing in zip(steps, result.trace.firings):
        expected = json.loads(json.dumps(firing.premises))
        assert list(step["premises"].items()) == list(expected.items())
