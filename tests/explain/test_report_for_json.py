"""A report built for the JSON writer alone (build_report(for_json=True)): the same JSON,
byte for byte, as a full report's, and refused in every other format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from advise.advisor import Advisor, default_templates_dir
from advise.explain.counterfactual import find_hints
from advise.explain.report import build_report
from advise.explain.whatif import what_if
from advise.explain.whynot import not_applied
from advise.records import replace
from advise.render.renderer import Renderer
from advise.sheet.facts import load_fact_sheet

from conftest import EXAMPLES, bench_generate


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(default_templates_dir())


def generated(tmp_path: Path, count: int, seed: int) -> list[Path]:
    write_sheets = bench_generate().write_sheets
    return write_sheets(tmp_path, count, seed=seed)


def test_a_report_for_json_writes_the_json_of_a_full_report(advisor: Advisor, renderer: Renderer,
                                                            tmp_path: Path) -> None:
    """Every example and 40 varied sheets, with and without hints, in French and English,
    for the owner and the consultant, with and without the sheet: the same bytes."""
    compared = 0
    for path in sorted(EXAMPLES.glob("*.yaml")) + generated(tmp_path, 40, seed=31):
        result = advisor.run(load_fact_sheet(path))
        hints = find_hints(advisor, result)
        for lang in ("fr", "en"):
            for found in (hints, None):
                for audience in ("owner", "consultant"):
                    full = build_report(result, lang, hints=found, audience=audience)
                    lean = build_report(result, lang, hints=found, audience=audience, for_json=True)
                    assert (full.json_only, lean.json_only) == (False, True)
                    assert renderer.render(lean, "json") == renderer.render(full, "json"), (path, lang, audience)
                    compared += 1
        no_sheet = replace(build_report(result, "en", for_json=True), include_sheet=False)
        assert no_sheet.json_only
        assert renderer.render(no_sheet, "json") == renderer.render(
            replace(build_report(result, "en"), include_sheet=False), "json")
    assert compared >= 8 * 40


def test_a_report_for_json_with_set_changes_and_what_did_not_apply(advisor: Advisor, renderer: Renderer) -> None:
    """--set (what_if) and --all (not_applied) parts are written from a lean report as from a full one."""
    for name in ("fleuriste.yaml", "agence-b2b.yaml"):
        sheet = load_fact_sheet(EXAMPLES / name)
        result, changes = what_if(advisor, sheet, ["resources.weekly_hours=6", "objectives=[visibility,community]"])
        hints = find_hints(advisor, result)
        for lang in ("fr", "en"):
            missing = not_applied(result, lang, overrides=tuple(changes.facts))
            options: dict[str, Any] = dict(hints=hints, what_if=changes, not_applied=missing)
            full, lean = build_report(result, lang, **options), build_report(result, lang, for_json=True, **options)
            text = renderer.render(lean, "json")
            assert '"what_if"' in text and '"not_applied"' in text and '"hints"' in text
            assert text == renderer.render(full, "json")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_report_for_json_is_refused_in_any_other_format(advisor: Advisor, renderer: Renderer, fmt: str) -> None:
    """A lean report lacks the worded facts, the time picture and the summary those formats
    show: rendering it is a caller's bug, told at once, never a report with parts missing."""
    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    lean = build_report(result, "fr", for_json=True)
    with pytest.raises(ValueError, match="for_json"):
        renderer.render(lean, fmt)
    with pytest.raises(ValueError, match="for_json"):  # still lean once --no-sheet copies it
        renderer.render(replace(lean, include_sheet=False), fmt)
    assert renderer.render(build_report(result, "fr"), fmt)  # the full report renders
