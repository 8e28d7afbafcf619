"""rules/invariants.yaml and the search for a counterexample (issue 11): the shipped rules
keep every invariant; a rule changed to break one is caught, with the smallest sheet, the
rules involved, and a sheet that really breaks it; a bad invariants file is a clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from advise.advisor import Advisor
from advise.rulebase.loading import load_rulebook
from advise.sheet.facts import fact_sheet_from_mapping
from advise.workbench.checks import check_rules
from advise.workbench.invariant_search import search
from advise.workbench.invariants import read_invariants

from conftest import RULES


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def change(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def breaches(rules: Path) -> dict:
    rulebook = load_rulebook(rules)
    found = read_invariants(rulebook)
    assert found is not None and not found.problems
    return {breach.invariant.id: breach for breach in search(rulebook, found.invariants)}


def test_the_shipped_invariants_are_read_and_hold() -> None:
    rulebook = load_rulebook(RULES)
    found = read_invariants(rulebook)
    assert found is not None and not found.problems
    ids = {invariant.id for invariant in found.invariants}
    assert {"more-hours-never-a-worse-verdict", "more-budget-never-a-worse-verdict", "more-hours-never-fewer-profiles",
            "launch-only-when-settled", "nothing-animated-under-a-cautious-verdict",
            "profiles-within-time"} <= ids
    assert search(rulebook, found.invariants) == []


def test_the_search_is_deterministic(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    change(rules / "10-time.yaml", "max_profiles: how_many_fit(candidate_platforms, platform_hours, weekly_hours_available)",
           "max_profiles: count(profiles_in_time)")
    first, second = breaches(rules), breaches(rules)
    assert first.keys() == second.keys()
    assert all(first[key].sheet == second[key].sheet for key in first)


def test_more_hours_giving_fewer_profiles_is_caught(tmp_path: Path) -> None:
    # the greedy count: with YouTube ranked first, 3.5 h keep two cheaper profiles, 4 h only YouTube
    rules = copy_rules(tmp_path)
    change(rules / "10-time.yaml", "max_profiles: how_many_fit(candidate_platforms, platform_hours, weekly_hours_available)",
           "max_profiles: count(profiles_in_time)")
    found = breaches(rules)
    breach = found["more-hours-never-fewer-profiles"]
    assert "profiles-time-allows" in breach.rules
    low = breach.detail.params["low"]
    high = breach.detail.params["high"]
    advisor = Advisor(rules)
    sheet = dict(breach.sheet, resources=dict(breach.sheet["resources"]))
    before = advisor.run(fact_sheet_from_mapping(sheet)).facts["max_profiles"]
    sheet["resources"]["weekly_hours"] = float(high)
    after = advisor.run(fact_sheet_from_mapping(sheet)).facts["max_profiles"]
    assert float(low) < float(high) and after < before
    assert len(breach.sheet["profiles"]["planned"]) <= 3  # shrunk


def test_a_plain_launch_beside_a_budget_warning_is_caught(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    change(rules / "90-verdict.yaml", "          - warnings.hidden_costs: true\n", "")
    report = check_rules(rules, cases=False)
    broken = [f for f in report.findings if f.code == "A701"]
    assert [f.problem.field for f in broken] == ["launch-only-when-settled"]
    message = broken[0].problem.message("en")
    assert "verdict-launch" in message and "hidden_costs" in message and "monthly_budget: 0" in message
    assert broken[0].problem.file.endswith("invariants.yaml") and broken[0].problem.line
    assert "l'invariant launch-only-when-settled" in broken[0].problem.message("fr")
    assert report.exit_code == 2


def test_more_budget_giving_a_worse_verdict_is_caught(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    change(rules / "20-budget.yaml", "      - resources.monthly_budget: {lt: thresholds.sponsored_posts_budget}",
           "      - resources.monthly_budget: {ge: thresholds.sponsored_posts_budget}")
    found = breaches(rules)
    assert "more-budget-never-a-worse-verdict" in found
    assert "verdict-gradually-reach" in found["more-budget-never-a-worse-verdict"].rules


def test_platforms_under_a_cautious_verdict_are_caught(tmp_path: Path) -> None:
    # "not yet" made to animate its profiles, as the report said before issue 11
    rules = copy_rules(tmp_path)
    change(rules / "90-verdict.yaml", "      - verdict: {in: [launch, launch_gradually]}\n    then:\n      set:\n        platforms: profiles_to_animate",
           "      - verdict: {in: [launch, launch_gradually, not_yet]}\n    then:\n      set:\n        platforms: profiles_to_animate")
    change(rules / "90-verdict.yaml", "      - verdict: {in: [not_yet, minimal_presence]}\n    then:\n      set:\n        platforms: []",
           "      - verdict: {in: [minimal_presence]}\n    then:\n      set:\n        platforms: []")
    found = breaches(rules)
    assert "nothing-animated-under-a-cautious-verdict" in found
    breach = found["nothing-animated-under-a-cautious-verdict"]
    assert "animate-now" in breach.rules
    assert "verdict = not_yet" in breach.detail.message("en")


def test_a_bad_invariants_file_is_a_clear_error(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    data = yaml.safe_load((rules / "invariants.yaml").read_text(encoding="utf-8"))
    data["invariants"][0]["monotonic"]["fact"] = "verdicts"
    data["invariants"][3]["when"] = "verdict == "
    (rules / "invariants.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = check_rules(rules, cases=False)
    codes = [(f.code, f.problem.field) for f in report.findings]
    assert ("A702", "invariants[0].monotonic.fact") in codes
    assert ("A702", "invariants[3].when") in codes
    assert all(f.problem.line for f in report.findings if f.code == "A702")
    assert report.exit_code == 2


def test_a_rule_base_without_invariants_is_not_searched(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    (rules / "invariants.yaml").unlink()
    assert read_invariants(load_rulebook(rules)) is None
    assert not [f for f in check_rules(rules, cases=False).findings if f.code in ("A701", "A702")]
