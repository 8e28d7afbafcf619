"""The JSON writer of the reports gives json.dumps' text, byte for byte, for every report and
for the odd values json.dumps takes (advise.render.json_report.json_text)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advise.advisor import Advisor
from advise.explain.report import build_report
from advise.render.json_report import json_text, report_json
from advise.sheet.facts import load_fact_sheet

from conftest import EXAMPLES, bench_generate

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


# ---------------------------------------------------------------- a report's text, its trace written from its steps


def _generated_sheets(folder: Path, count: int, seed: int) -> list[Path]:
    write_sheets = bench_generate().write_sheets
    return write_sheets(folder, count, seed=seed)


def _report_reference(report, glossary=None) -> str:
    data = report_json(report)
    if glossary is not None:
        data["glossary"] = glossary
    return reference(data)


def test_a_report_s_text_is_json_dumps_of_its_json(tmp_path: Path) -> None:
    """report_text writes the trace from the report's steps, without report_json's dicts (and
    keeps each rule's pieces): the same text as json.dumps of report_json, for the examples
    and generated sheets, in both languages, with a glossary and without, without the sheet."""
    from advise.records import replace
    from advise.render.json_report import report_text

    glossary = [{"term": "profil", "meaning": "une « page » \"à soi\"\n"}]
    for path in sorted(EXAMPLES.glob("*.yaml")) + _generated_sheets(tmp_path, 40, seed=5):
        result = ADVISOR.run(load_fact_sheet(path))
        for lang in ("en", "fr"):
            report = build_report(result, lang)
            assert report_text(report) == _report_reference(report)
            assert report_text(report, glossary) == _report_reference(report, glossary)
        hidden = replace(report, include_sheet=False)
        assert report_text(hidden, []) == _report_reference(hidden, [])


def test_a_report_s_text_with_hints_and_rules_not_applied_is_json_dumps_of_its_json() -> None:
    from advise.explain.counterfactual import find_hints
    from advise.render.json_report import report_text

    result = ADVISOR.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    report = build_report(result, "fr", hints=find_hints(ADVISOR, result), not_applied=())
    assert report.hints_computed
    assert report_text(report, []) == _report_reference(report, [])


def test_odd_values_in_a_step_are_written_as_json_dumps_writes_them() -> None:
    """Tuples, subclasses of str, int and dict, numbers json writes its own way, a premise both
    matched and read, a step without premises: as json.dumps writes report_json's copies."""
    import enum

    from markupsafe import Markup

    from advise.records import replace
    from advise.render.json_report import report_text

    class Level(enum.IntEnum):
        HIGH = 3

    class Facts(dict):
        pass

    class Name(str):
        def __str__(self) -> str:
            return "not what json writes"

    result = ADVISOR.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    report = build_report(result, "en")
    first, second, *others = report.steps
    odd_firing = replace(first.raw, matched={"a": (1, ("x", 2.5)), Name("b"): Level.HIGH, "c": math.inf},
                         read={"a": "read again", "d": Facts(e=[Markup("<i>é</i>")], f=-0.0), "g": None},
                         concluded=Facts({"h": (True, False)}))
    odd = replace(first, title=Markup("A <b>title</b> « x »"), theme=Markup("time"), because=Markup("é\n\"q\""),
                  overruled=Facts(x="rule"), raw=odd_firing)
    empty = replace(second, raw=replace(second.raw, matched={}, read={}, concluded={}))
    changed = replace(report, steps=(odd, empty, *others))
    assert report_text(changed) == _report_reference(changed)
    assert report_text(changed) == report_text(changed)  # its rule's pieces read back


def test_what_json_dumps_refuses_in_a_step_is_refused_the_same_way() -> None:
    from advise.records import replace
    from advise.render.json_report import report_text

    result = ADVISOR.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    report = build_report(result, "en")
    first, *others = report.steps
    for firing in (replace(first.raw, matched={"a": object()}), replace(first.raw, read={(1, 2): "a tuple as a key"})):
        with pytest.raises(TypeError):
            report_text(replace(report, steps=(replace(first, raw=firing), *others)))


def test_the_rules_pieces_kept_stay_bounded() -> None:
    from advise.records import replace
    from advise.render import json_report

    result = ADVISOR.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    report = build_report(result, "en")
    for index in range(1200):
        steps = tuple(replace(step, title=f"{step.title} {index}") for step in report.steps[:2])
        changed = replace(report, steps=steps)
        assert json_report.report_text(changed) == _report_reference(changed)
    assert len(json_report._RULE_PIECES) <= 2 * json_report._RULE_PIECES.size
