"""Issue 18: every report says which rules and which answers made it; `rules digest`,
`rules diff` and `replay` tell a consultant what a change of rules changes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from advise import __version__
from advise.cli.main import main
from advise.rulebase.loading import load_rulebook

from conftest import EXAMPLES, RULES

DIGEST = re.compile(r"^sha256:[0-9a-f]{16}$")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the shipped rules alone, outside the project (no examples/ beside it)."""
    shutil.copytree(RULES, tmp_path / "my-rules")
    return tmp_path / "my-rules"


def set_threshold(rules: Path, name: str, old: str, new: str) -> None:
    table = rules / "tables" / "thresholds.yaml"
    text = table.read_text(encoding="utf-8")
    pattern = re.compile(rf"(^  {name}:\n    value: ){re.escape(old)}$", re.M)
    assert pattern.search(text), name
    table.write_text(pattern.sub(rf"\g<1>{new}", text), encoding="utf-8")


# ---------------------------------------------------------------- the digest


def test_same_rules_same_digest_wherever_they_are(copy: Path) -> None:
    first, second = load_rulebook(RULES).digest, load_rulebook(copy).digest
    assert DIGEST.match(first) and first == second
    assert invoke("rules", "digest").output.strip() == first
    assert invoke("rules", "digest", "--rules", str(copy)).output.strip() == first


def test_one_threshold_changes_the_digest(copy: Path) -> None:
    set_threshold(copy, "community_hours", "3.5", "2.5")
    assert load_rulebook(copy).digest != load_rulebook(RULES).digest


def test_the_invariants_are_part_of_the_digest(copy: Path) -> None:
    invariants = copy / "invariants.yaml"
    assert invariants.is_file()
    before = load_rulebook(copy).digest
    invariants.write_text(invariants.read_text(encoding="utf-8") + "\n# a note\n", encoding="utf-8")
    assert load_rulebook(copy).digest == before
    invariants.unlink()
    assert load_rulebook(copy).digest != before


def test_comments_key_order_file_order_and_cases_do_not_change_the_digest(copy: Path) -> None:
    before = load_rulebook(copy).digest
    table = copy / "tables" / "thresholds.yaml"
    text = table.read_text(encoding="utf-8")
    # comments and blank lines
    table.write_text("# a consultant's note\n\n" + text.replace("\nvalues:", "\n# the values\nvalues:"),
                     encoding="utf-8")
    # the order of a mapping's keys
    table.write_text(table.read_text(encoding="utf-8").replace(
        "    value: 3.5\n    unit: hours_per_week\n", "    unit: hours_per_week\n    value: 3.5\n"), encoding="utf-8")
    # the cases change no advice
    (copy / "10-time.cases.yaml").write_text((copy / "10-time.cases.yaml").read_text(encoding="utf-8")
                                             + "\n# more to come\n", encoding="utf-8")
    assert load_rulebook(copy).digest == before
    # the order in which files are found: a folder copied file by file in reverse order
    other = copy.parent / "reversed"
    for path in sorted(copy.rglob("*"), reverse=True):
        target = other / path.relative_to(copy)
        if path.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    assert load_rulebook(other).digest == before


# ---------------------------------------------------------------- the report


def test_json_report_carries_version_digests_and_the_answers() -> None:
    result = invoke(str(EXAMPLES / "fleuriste.yaml"), "--format", "json", "--no-hints")
    data = json.loads(result.output)
    assert data["advise_version"] == __version__
    assert data["rules_digest"] == load_rulebook(RULES).digest
    assert DIGEST.match(data["sheet_digest"])
    assert data["sheet"]["resources"]["weekly_hours"] == 3
    assert data["sheet"]["profiles"]["planned"] == ["instagram", "facebook", "pinterest", "tiktok"]
    private = json.loads(invoke(str(EXAMPLES / "fleuriste.yaml"), "--format", "json", "--no-hints",
                                "--no-sheet").output)
    assert "sheet" not in private and private["sheet_digest"] == data["sheet_digest"]


def test_the_same_answers_written_differently_have_one_digest(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text("business: {name: A, size: tpe, audience: b2c}\nresources: {weekly_hours: 4, monthly_budget: 0}\n"
                   "objectives: [sales]\n", encoding="utf-8")
    two = tmp_path / "two.yaml"
    two.write_text("# the same answers\nobjectives: [sales]\nresources:\n  monthly_budget: 0.0\n  weekly_hours: 4.0\n"
                   "business:\n  audience: b2c\n  size: tpe\n  name: A\n  sector: other\n", encoding="utf-8")
    digests = [json.loads(invoke(str(path), "--format", "json", "--no-hints").output)["sheet_digest"]
               for path in (one, two)]
    assert digests[0] == digests[1]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_shows_the_digests_in_a_footer_line(fmt: str) -> None:
    output = invoke(str(EXAMPLES / "fleuriste.yaml"), "--format", fmt, "--lang", "en", "--no-hints").output
    digest = load_rulebook(RULES).digest
    assert f"advise {__version__} · rules {digest} · answers sha256:" in output
    assert output.index(digest) > output.index("Report produced by advise")


def test_batch_summary_names_the_rules_once(tmp_path: Path) -> None:
    result = invoke("batch", str(EXAMPLES), "-o", str(tmp_path / "out"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    digest = load_rulebook(RULES).digest
    assert summary.count(digest) == 1 and summary.index(digest) < summary.index("|")


def test_batch_json_reports_carry_the_answers_unless_no_sheet(tmp_path: Path) -> None:
    for option, carried in (("--hints", True), ("--no-sheet", False)):
        out = tmp_path / option.strip("-")
        result = invoke("batch", str(EXAMPLES / "fleuriste.yaml"), "-o", str(out), "--format", "json", "--jobs", "1",
                        *([option] if option != "--hints" else []))
        assert result.exit_code == 0, result.output
        [report] = [json.loads(path.read_text(encoding="utf-8")) for path in out.glob("*.json")]
        assert ("sheet" in report) is carried and DIGEST.match(report["sheet_digest"])


# ---------------------------------------------------------------- rules diff


def test_rules_diff_nothing_changes(copy: Path) -> None:
    result = invoke("rules", "diff", str(RULES), str(copy))
    assert result.exit_code == 0, result.output
    assert "no sheet changes" in result.output


def test_rules_diff_lists_what_a_threshold_changes(copy: Path, tmp_path: Path) -> None:
    set_threshold(copy, "community_hours", "3.5", "2.5")
    result = invoke("rules", "diff", str(RULES), str(copy))
    assert result.exit_code == 1, result.output
    block = result.output.split("40-community.cases.yaml::community-with-three-hours\n")[1].split("\n\n")[0]
    assert "  warnings: gone community_needs_time" in block.splitlines()
    assert re.search(r"^1 of \d+ sheets change \(.*warnings: 1.*\)$", result.output, re.M)
    data = json.loads(invoke("rules", "diff", str(RULES), str(copy), "--format", "json").output)
    assert data["changed"] == 1 and data["by_part"]["warnings"] == 1
    [sheet] = data["changes"]
    assert sheet["sheet"] == "40-community.cases.yaml::community-with-three-hours"
    [change] = [change for change in sheet["changes"] if change["part"] == "warnings"]
    assert change["gone"] == ["community_needs_time"] and change["raised"] == []
    markdown = invoke("rules", "diff", str(RULES), str(copy), "--format", "markdown", "--lang", "fr").output
    assert "| fiche | quoi | avant | après |" in markdown and "community_needs_time" in markdown


def test_rules_diff_on_given_sheets_shows_a_verdict_change(copy: Path) -> None:
    agency = str(EXAMPLES / "agence-b2b.yaml")
    same = invoke("rules", "diff", str(RULES), str(copy), agency)
    assert same.exit_code == 0 and "no sheet changes (1)" in same.output
    text = (copy / "90-verdict.yaml").read_text(encoding="utf-8")
    (copy / "90-verdict.yaml").write_text(text.replace("verdict: not_yet", "verdict: minimal_presence"),
                                          encoding="utf-8")
    result = invoke("rules", "diff", str(RULES), str(copy), agency, str(EXAMPLES / "fleuriste.yaml"))
    assert result.exit_code == 1, result.output
    assert "agence-b2b.yaml\n  verdict: not_yet -> minimal_presence\n" in result.output
    assert "fleuriste" not in result.output
    assert re.search(r"^1 of 2 sheets change \(verdict: 1\b", result.output, re.M)


def swap_minimal_and_closed(rules: Path) -> None:
    """A rule base that closes the open profiles it used to keep as minimal pages, and the reverse."""
    presence = rules / "70-presence.yaml"
    text = presence.read_text(encoding="utf-8")
    minimal = "existing_minimal: within(without(profiles.existing, platforms), existing_fitting)"
    closed = "existing_closed: without(profiles.existing, union(platforms, existing_fitting))"
    assert minimal in text and closed in text
    text = text.replace(minimal, "@M").replace(closed, "@C")
    text = text.replace("@M", "existing_minimal: without(profiles.existing, union(platforms, existing_fitting))")
    presence.write_text(text.replace("@C", "existing_closed: within(without(profiles.existing, platforms), "
                                           "existing_fitting)"), encoding="utf-8")


def test_rules_diff_shows_what_changes_for_the_open_profiles(copy: Path) -> None:
    agency = str(EXAMPLES / "agence-b2b.yaml")  # LinkedIn already open, kept as a minimal page
    swap_minimal_and_closed(copy)
    result = invoke("rules", "diff", str(RULES), str(copy), agency)
    assert result.exit_code == 1, result.output
    assert "  open profiles: linkedin (minimal) -> linkedin (close)\n" in result.output
    french = invoke("rules", "diff", str(RULES), str(copy), agency, "--lang", "fr").output
    assert "  profils déjà ouverts : linkedin (minimal) -> linkedin (close)\n" in french
    data = json.loads(invoke("rules", "diff", str(RULES), str(copy), agency, "--format", "json").output)
    [change] = [change for change in data["changes"][0]["changes"] if change["part"] == "existing"]
    assert change == {"part": "existing", "before": ["linkedin (minimal)"], "after": ["linkedin (close)"]}


def test_replay_compares_the_open_profiles_and_the_profiles_for_later(tmp_path: Path) -> None:
    agency = str(EXAMPLES / "agence-b2b.yaml")  # nothing now: LinkedIn kept minimal, and first when ready
    report = json.loads(invoke(agency, "--format", "json", "--no-hints").output)
    assert report["later"]["platforms"] == ["linkedin"]
    assert [(item["platform"], item["action"]) for item in report["existing"]] == [("linkedin", "minimal")]
    # as an older rule base might have said
    report["later"]["platforms"] = ["facebook"]
    report["existing"][0]["action"] = "close"
    (tmp_path / "agency.json").write_text(json.dumps(report), encoding="utf-8")
    result = invoke("replay", str(tmp_path / "agency.json"), "--sheet", agency)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "  open profiles: linkedin (close) -> linkedin (minimal)" in lines
    assert "  profiles for later: facebook -> linkedin" in lines


def test_rules_diff_bad_input_exits_2(copy: Path, tmp_path: Path) -> None:
    assert invoke("rules", "diff", str(RULES), str(tmp_path / "nowhere")).exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("business: {name: A, size: tpee, audience: b2c}\n", encoding="utf-8")
    result = invoke("rules", "diff", str(RULES), str(copy), str(bad))
    assert result.exit_code == 2 and "bad.yaml" in result.output


# ---------------------------------------------------------------- replay


def test_replay_confirms_an_unchanged_report(tmp_path: Path) -> None:
    report = tmp_path / "fleuriste.json"
    assert invoke(str(EXAMPLES / "fleuriste.yaml"), "--format", "json", "-o", str(report)).exit_code == 0
    result = invoke("replay", str(report))
    assert result.exit_code == 0, result.output
    assert "The advice is unchanged." in result.output
    assert re.search(r"^rules: sha256:\w+ \(in the report\), sha256:\w+ \(now\): same$", result.output, re.M)


def test_replay_explains_a_changed_report(copy: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "client.yaml"
    sheet.write_text("business: {name: A, size: pme, audience: b2c}\nresources: {weekly_hours: 3, monthly_budget: 200, "
                     "graphic_skills: true}\nobjectives: [community]\ncontent: {editorial_ideas: true, "
                     "can_reply_within_a_day: true, audience_participation: true}\nprofiles: {planned: [facebook]}\n",
                     encoding="utf-8")
    report = tmp_path / "client.json"
    assert invoke(str(sheet), "--format", "json", "--no-sheet", "-o", str(report)).exit_code == 0
    set_threshold(copy, "community_hours", "3.5", "2.5")
    result = invoke("replay", str(report), "--rules", str(copy))  # the sheet is found beside the report
    assert result.exit_code == 1, result.output
    changes = result.output.split("The advice has changed:\n")[1].splitlines()
    assert "  warnings: gone community_needs_time" in changes
    assert re.search(r"^rules: .*: different$", result.output, re.M)
    sheet.unlink()
    missing = invoke("replay", str(report))
    assert missing.exit_code == 2 and "--no-sheet" in missing.output and "--sheet" in missing.output


def test_replay_refuses_what_is_not_a_report(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{not json", encoding="utf-8")
    result = invoke("replay", str(tmp_path / "x.json"))
    assert result.exit_code == 2 and "x.json:1" in result.output and "Traceback" not in result.output
