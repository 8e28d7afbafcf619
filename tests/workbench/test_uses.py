"""`advise rules uses NAME`, the `percent` unit, and rule-base errors found at run time."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from advise.cli.main import main
from advise.explain.wording import make_filters
from advise.rulebase.loading import load_rulebook

from conftest import EXAMPLES, RULES, RuleBase, rule


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_uses_of_a_sheet_field_and_of_the_derived_hours() -> None:
    answer = invoke("rules", "uses", "resources.weekly_hours")
    assert answer.exit_code == 0, answer.output
    assert answer.output.startswith("resources.weekly_hours: the owner's answer")
    assert "concluded by: none: the owner answers it" in answer.output
    assert "hours-available (rules/10-time.yaml:" in answer.output.split("read by:")[1]
    derived = invoke("rules", "uses", "weekly_hours_available", "--format", "json")
    [entry] = json.loads(derived.output)
    assert entry["kind"] == "derived"
    assert [use["rule"] for use in entry["concluded_by"]] == ["hours-available"]
    assert entry["concluded_by"][0]["how"] == ["set: resources.weekly_hours"]
    assert entry["read_by"] and all(use["where"].startswith("rules/") for use in entry["read_by"])


def test_uses_of_a_table_value_and_a_whole_table() -> None:
    [entry] = json.loads(invoke("rules", "uses", "thresholds.community_hours", "--format", "json").output)
    assert entry["kind"] == "table" and entry["value"] == load_rulebook(RULES).table_value(
        "thresholds.community_hours").value
    assert entry["read_by"] and entry["declared"].startswith("rules/tables/thresholds.yaml:")
    table = json.loads(invoke("rules", "uses", "thresholds", "--format", "json").output)
    assert len(table) == len(load_rulebook(RULES).tables["thresholds"].entries)


def test_uses_of_an_unknown_name_suggests_the_closest() -> None:
    result = invoke("rules", "uses", "resources.weekly_hour", "--lang", "fr")
    assert result.exit_code == 2
    assert "resources.weekly_hours" in result.output and "Traceback" not in result.output


def test_percent_shows_a_fraction_as_a_share() -> None:
    vocabulary = load_rulebook(RULES).vocabulary
    english, french = make_filters(vocabulary, "en"), make_filters(vocabulary, "fr")
    assert english["percent"](0.7) == "70%"  # CLDR: no space in English
    assert french["percent"](0.7) == "70\u00a0%"
    assert french["percent"](0.125) == "12,5\u00a0%"
    assert english["unit"](0.35, "percent") == "35%"


def test_a_percent_table_value_is_shown_as_a_share_in_the_report(rulebase: RuleBase, tmp_path: Path) -> None:
    rulebase.write("tables/shares.yaml", "table: shares\ntitle: {en: Shares, fr: Parts}\nvalues:\n"
                   "  reach:\n    value: 0.7\n    unit: percent\n    label: {en: reach, fr: portée}\n"
                   "    source: Test\n")
    rulebase.rules("10-x.yaml", rule("share", when=[{"resources.weekly_hours": {"gt": 0}}],
                                     then={"set": {"score": "shares.reach"}},
                                     because={"en": "Reach: {{ shares.reach | percent }}.",
                                              "fr": "Portée : {{ shares.reach | percent }}."}))
    output = invoke(str(EXAMPLES / "fleuriste.yaml"), "--rules", str(rulebase.root), "--lang", "fr",
                    "--no-hints").output
    assert "Portée\u00a0: 70\u00a0%." in output


def test_a_conflict_found_at_run_time_exits_2_naming_both_rules_and_the_file(rulebase: RuleBase) -> None:
    path = rulebase.rules(
        "a.yaml",
        rule("level-low-when-local", when=[{"business.local": True}], then={"set": {"level": "low"}}),
        rule("level-high-with-time", when=[{"resources.weekly_hours": {"gt": 1}}], then={"set": {"level": "high"}}))
    result = invoke(str(EXAMPLES / "fleuriste.yaml"), "--rules", str(rulebase.root), "--no-hints")
    assert result.exit_code == 2, result.output
    assert f"{path}:" in result.output and "level-high-with-time" in result.output
    assert "internal" not in result.output.lower()
