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
