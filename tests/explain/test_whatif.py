"""What if (--set) and counterfactual hints: re-runs with one answer changed, never guesses."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from advise.advisor import Advisor
from advise.cli.main import main
from advise.explain.counterfactual import MAX_CANDIDATES, find_hints, numeric_candidates
from advise.explain.report import build_report
from advise.render.json_report import report_json
from advise.sheet.facts import FactSheetError, apply_overrides, fact_sheet_from_mapping, load_fact_sheet
from advise.explain.answers import Outcome
from advise.explain.whatif import what_if

from conftest import BASE_SHEET, EXAMPLES, RuleBase, rule

CONTRACT_KEYS = ["version", "business", "verdict", "max_profiles", "platforms", "weekly_hours_available",
                 "weekly_hours_needed", "existing", "warnings", "recommendations", "trace"]


def sheet(**changes: object):
    data = {section: dict(value) if isinstance(value, dict) else value for section, value in BASE_SHEET.items()}
    for name, value in changes.items():
        section, _, key = name.partition(".")
        data.setdefault(section, {})[key] = value
    return fact_sheet_from_mapping(data)


@pytest.fixture
def thresholds(rulebase: RuleBase) -> Advisor:
    """Warnings behind a threshold on a sheet number, on a number computed from it, on a
    whole number computed with floor(), and on a true/false answer."""
    rulebase.rules(
        "10-time.yaml",
        rule("score-from-hours", then={"set": {"score": "resources.weekly_hours * 2"}}),
        rule("low-score", when=[{"score": {"lt": 10}}], then={"warn": "time_shortfall"}),
        rule("points", then={"set": {"total_points": "floor(resources.weekly_hours / 2)"}}),
        rule("few-points", when=[{"total_points": {"lt": 3}}], then={"recommend": "start_with_one"}),
    )
    rulebase.rules(
        "20-budget.yaml",
        rule("small-budget", when=[{"resources.monthly_budget": {"lt": 50}}], then={"warn": "organic_reach"}),
        rule("no-visuals", when=[{"resources.graphic_skills": False}], then={"warn": "visual_costs"}),
        rule("local-shop", when=[{"business.local": True}], then={"warn": "time_competes"}),
        theme="budget")
    return rulebase.advisor()


def test_what_if_reruns_and_compares(thresholds: Advisor) -> None:
    base = sheet(**{"resources.weekly_hours": 3, "resources.monthly_budget": 20})
    after, change = what_if(thresholds, base, ["resources.weekly_hours=6", "resources.monthly_budget=80"])
    assert after.sheet.facts["resources.weekly_hours"] == 6
    assert change.facts == {"resources.weekly_hours": (3, 6), "resources.monthly_budget": (20, 80)}
    assert set(change.warnings_removed) == {"time_shortfall", "organic_reach"}
    assert change.warnings_added == ()
    assert change.recommendations_removed == ("start_with_one",)
    data = change.as_json()
    assert data["set"] == {"resources.weekly_hours": 6, "resources.monthly_budget": 80}
    assert data["before"]["warnings"] and set(data["warnings"]["removed"]) == {"time_shortfall", "organic_reach"}
    report = build_report(after, "en", what_if=change)
    assert [c.fact for c in report.changes] == ["resources.weekly_hours", "resources.monthly_budget"]
    assert report.what_if_view is not None and not report.what_if_view.unchanged
    premises = {p.name: p for step in report.steps for p in step.premises}
    assert premises["resources.weekly_hours"].kind == "override"


def test_what_if_with_nothing_changing(thresholds: Advisor) -> None:
    _, change = what_if(thresholds, sheet(), ["business.name=Another name"])
    assert change.changed == {} and change.warnings_added == change.warnings_removed == ()


def test_invalid_assignments_are_input_errors(thresholds: Advisor) -> None:
    with pytest.raises(FactSheetError) as raised:
        what_if(thresholds, sheet(), ["resources.weekly_hour=6", "objectives=[visibilty]"])
    problems = raised.value.problems
    assert {p.file for p in problems} == {"--set"} and len(problems) == 2


def test_hints_come_from_thresholds_and_are_verified(thresholds: Advisor) -> None:
    base = sheet(**{"resources.weekly_hours": 3, "resources.monthly_budget": 20, "resources.graphic_skills": False})
    result = thresholds.run(base)
    hints = find_hints(thresholds, result)
    by_warning = {item: {hint.fact: hint for hint in found} for item, found in hints.warnings.items()}
    # score = 2 x hours < 10: with 5 hours the warning goes (found through the computation).
    assert by_warning["time_shortfall"]["resources.weekly_hours"].after == 5
    # a threshold on the sheet's own number
    assert by_warning["organic_reach"]["resources.monthly_budget"].after == 50
    # a true/false answer flipped
    assert by_warning["visual_costs"]["resources.graphic_skills"].after is True
    # facts about the business itself are not levers: no hint for the local shop's warning
    assert "business.local" not in by_warning.get("time_competes", {})
    for found in by_warning.values():
        for hint in found.values():
            # never guessed: the outcome is the real advisor's, on the sheet with that one change
            changed = apply_overrides(base, [f"{hint.fact}={json.dumps(hint.after)}"])
            assert Outcome.of(thresholds.run(changed)) == hint.outcome
    # the smallest change: half a step less keeps the warning
    nearly = apply_overrides(base, ["resources.weekly_hours=4.5"])
    assert "time_shortfall" in Outcome.of(thresholds.run(nearly)).warnings


def test_candidates_cross_floor_and_are_bounded(thresholds: Advisor) -> None:
    result = thresholds.run(sheet(**{"resources.weekly_hours": 3}))
    candidates = numeric_candidates(result)
    # floor(hours / 2) < 3 flips at 6 hours; score < 10 at 5 hours
    assert 6 in candidates["resources.weekly_hours"] and 5 in candidates["resources.weekly_hours"]
    assert all(len(values) <= MAX_CANDIDATES for values in candidates.values())
    assert 3 not in candidates["resources.weekly_hours"]


@pytest.mark.parametrize("name", ["fleuriste.yaml", "agence-b2b.yaml"])
def test_hints_on_the_examples_are_real_and_fast(name: str) -> None:
    advisor = Advisor()
    loaded = load_fact_sheet(EXAMPLES / name)
    result = advisor.run(loaded)
    started = time.perf_counter()
    hints = find_hints(advisor, result)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, elapsed  # typically well under 0.1 s; generous for loaded CI machines
    before = Outcome.of(result)
    for hint in hints.verdict:
        assert hint.verdict != before.verdict
    for item, found in hints.warnings.items():
        assert item in before.warnings
        for hint in found:
            assert item not in hint.outcome.warnings
            assert not hint.fact.startswith("business.")
    for hint in hints.platforms:
        assert set(hint.outcome.platforms) > set(before.platforms)
    data = report_json(build_report(result, "en", hints=hints))
    assert list(data)[:len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert set(data["hints"]) == {"verdict", "platforms", "warnings"}


def test_cli_set_in_every_format() -> None:
    runner = CliRunner()
    args = [str(EXAMPLES / "fleuriste.yaml"), "--set", "resources.weekly_hours=9", "--set",
            "objectives=[visibility,community]", "--no-hints"]
    result = runner.invoke(main, args + ["--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data)[:len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert data["weekly_hours_available"] == 9
    what = data["what_if"]
    assert what["set"] == {"resources.weekly_hours": 9, "objectives": ["visibility", "community"]}
    assert what["before"]["weekly_hours_available"] == 3 and what["after"]["weekly_hours_available"] == 9
    assert "weekly_hours_available" in what["changed"]
    for fmt, marker in (("text", "What if"), ("markdown", "What if"), ("html", "What if")):
        result = runner.invoke(main, args + ["--format", fmt, "--lang", "en"])
        assert result.exit_code == 0, result.output
        assert marker in result.output and "What the changes change" in result.output
    result = runner.invoke(main, [str(EXAMPLES / "fleuriste.yaml"), "--set", "resources.weekly_hours=-1"])
    assert result.exit_code == 2 and "--set" in result.output and "Traceback" not in result.output
