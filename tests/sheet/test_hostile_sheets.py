"""Attacks through a fact sheet's text: control characters never reach a terminal, a report
or an error message; a lone surrogate is bad input; errors quote bad values cut, with their
length, and list a capped number of problems; a missing section says what it needs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advise.cli.main import main
from advise.errors import FactSheetError
from advise.sheet.facts import fact_sheet_from_mapping

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
SHEET = """\
version: 1
lang: en
business: {{name: {name}, size: tpe, audience: b2c}}
resources: {{weekly_hours: 3, monthly_budget: 100}}
objectives: [visibility]
"""
OSC52 = '"Shop \\e]52;c;cm0gLXJmIH4=\\a"'  # writes to the reader's clipboard
CSI = '"Shop \\e[2J\\e[31mred\\e[0m"'  # clears the screen, recolours
CR = '"Good advice\\rBad advice"'


def run(tmp_path: Path, text: str, *args: str) -> Any:
    sheet = tmp_path / "client.yaml"
    sheet.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, [str(sheet), "--no-hints", *args])


@pytest.mark.parametrize("name", [OSC52, CSI, CR, '"bidi \\u202egnp.exe"'], ids=["osc52", "csi", "cr", "bidi"])
def test_control_characters_in_a_sheet_are_bad_input_shown_visibly(tmp_path: Path, name: str) -> None:
    result = run(tmp_path, SHEET.format(name=name))
    assert result.exit_code == 2
    assert "control character" in result.output
    assert not UNSAFE.search(result.output)
    assert re.search(r"\\x1b|\\x0d|\\u202e", result.output)


def test_control_characters_from_a_mapping_are_refused_too() -> None:
    with pytest.raises(FactSheetError) as caught:
        fact_sheet_from_mapping({"business": {"name": "Shop \x1b]52;c;aGk=\x07", "size": "tpe", "audience": "b2c"},
                                 "resources": {"weekly_hours": 3, "monthly_budget": 1}, "objectives": []})
    assert caught.value.exit_code == 2 and "\\x1b" in str(caught.value) and "\x1b" not in str(caught.value)


def test_a_lone_surrogate_is_bad_input(tmp_path: Path) -> None:
    result = run(tmp_path, SHEET.format(name='"Shop \\ud800"'))
    assert result.exit_code == 2
    assert "\\ud800" in result.output and "UTF-16" in result.output
    with pytest.raises(FactSheetError):
        fact_sheet_from_mapping({"business": {"name": "Shop \ud800", "size": "tpe", "audience": "b2c"},
                                 "resources": {"weekly_hours": 3, "monthly_budget": 1}, "objectives": []})


def test_a_key_with_control_characters_is_quoted_visibly(tmp_path: Path) -> None:
    result = run(tmp_path, SHEET.format(name="Shop") + '"\\e]0;pwned\\a": 1\n')
    assert result.exit_code == 2
    assert not UNSAFE.search(result.output) and "\\x1b" in result.output


def test_a_file_that_is_no_sheet_is_not_echoed_whole(tmp_path: Path) -> None:
    text = "\n".join(f"user{i}:x:{i}:{i}:User {i}:/home/user{i}:/bin/sh" for i in range(500))  # like /etc/passwd
    result = run(tmp_path, text)
    assert result.exit_code == 2
    assert len(result.output) < 1000
    assert re.search(rf"… \({len(text)} characters\)", result.output)


def test_a_mebibyte_of_unknown_keys_gives_a_screenful(tmp_path: Path) -> None:
    keys = "".join(f"unknown_key_{index:07d}: 1\n" for index in range(40_000))
    result = run(tmp_path, SHEET.format(name="Shop") + keys)
    assert result.exit_code == 2
    assert len(result.output) < 20_000
    assert "… and 39950 more problems" in result.output


def test_a_missing_section_names_what_it_needs(tmp_path: Path) -> None:
    text = "version: 1\nbusiness: {name: Shop, size: tpe, audience: b2c}\nobjectives: []\n"
    result = run(tmp_path, text)
    assert result.exit_code == 2
    assert re.search(r"resources: required field is missing\n +hint: it needs weekly_hours and monthly_budget", result.output)
    assert "elle doit contenir weekly_hours et monthly_budget" in run(tmp_path, text, "--lang", "fr").output


# ---------------------------------------------------------------- generated hostile strings

hostile = st.lists(st.one_of(st.characters(), st.sampled_from(
    ["\x1b", "\x1b]52;c;", "\x07", "\x9b", "\r", "\x00", "\u202e", "\ud800", "{{ 7 * 7 }}", "{% for %}", "<script>",
     "'", '"', "\\", "=cmd|' /C calc'!A0", "*", "#"])), min_size=1, max_size=12).map("".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(name=hostile, fmt=st.sampled_from(["text", "markdown", "html", "json"]))
def test_any_business_name_gives_a_clean_report_or_a_clean_refusal(tmp_path: Path, name: str, fmt: str) -> None:
    from advise.advisor import Advisor
    from advise.errors import AdviseError
    from advise.explain.report import build_report
    from advise.render.renderer import Renderer
    from advise.advisor import default_templates_dir

    mapping = {"business": {"name": name, "size": "tpe", "audience": "b2c"},
               "resources": {"weekly_hours": 3, "monthly_budget": 100}, "objectives": ["visibility"]}
    try:
        sheet = fact_sheet_from_mapping(mapping)
    except AdviseError as error:
        assert error.exit_code == 2
        assert not UNSAFE.search(error.format("en"))
        return
    result = _ADVISOR.setdefault("advisor", Advisor(None)).run(sheet)
    text = Renderer(default_templates_dir()).render(build_report(result, "en"), fmt)
    assert not UNSAFE.search(text)
    if fmt in ("text", "json") and "{{ 7 * 7 }}" in name.strip():
        assert "{{ 7 * 7 }}" in text  # a name is shown as written, never run as a template


_ADVISOR: dict[str, Any] = {}
