"""The registry of check codes: every check says what it finds, why it matters and what to
do, in both languages; one check reads in full (`advise rules check --explain CODE`); the
findings carry their check's why, in JSON and in the guide's table."""

from __future__ import annotations

import re

import pytest

from advise.errors import InputError
from advise.rulebase.loading import load_rulebook
from advise.workbench.catalogue import CheckReport
from advise.workbench.checkcodes import CHECKS, EXPLAIN_WIDTH, explain_dict, explain_text, find_check
from advise.workbench.checks import check_rules
from advise.workbench.docs import checks_markdown

from conftest import RULES, RuleBase, rule

LANGS = ("en", "fr")
NBSP, NNBSP = "\u00a0", "\u202f"


# ---------------------------------------------------------------- every check has a why


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_every_check_says_why_it_matters_in_both_languages(code: str) -> None:
    check = CHECKS[code]
    for lang in LANGS:
        why = check.why[lang]
        assert why.strip(), (code, lang)
        assert why not in (check.title[lang], check.fix[lang]), (code, lang)
        assert why.endswith("."), (code, lang, why)  # one or two plain sentences
        assert len(why) < 400 and why.count(". ") <= 2, (code, lang, why)
        assert "TODO" not in why.replace("'TODO'", "").replace(f"«{NBSP}TODO{NBSP}»", "")
    assert check.why["en"] != check.why["fr"], code


def test_french_texts_of_the_registry_use_french_typography() -> None:
    for check in CHECKS.values():
        for field in ("title", "why", "fix"):
            text = getattr(check, field)["fr"]
            assert not re.search(r" [:;?!»]", text) and "« " not in text, (check.code, field, text)
    # the no-break spaces are there, not the punctuation gone
    assert f"refusée{NBSP}: aucune fiche" in CHECKS["A001"].why["fr"]
    assert f"«{NBSP}TODO{NBSP}»" in CHECKS["A601"].why["fr"]
    assert f"indiquée{NNBSP}; tous" in CHECKS["A001"].fix["fr"]


def test_the_why_of_a_conflict_and_of_a_rule_that_can_never_fire_say_what_the_owner_loses() -> None:
    assert "conflict error instead of giving a report" in CHECKS["A203"].why["en"]
    assert "erreur de conflit au lieu de donner un rapport" in CHECKS["A203"].why["fr"]
    for code in ("A101", "A102", "A103", "A104"):
        assert "never applies" in CHECKS[code].why["en"] and "ne s'applique" in CHECKS[code].why["fr"]


# ---------------------------------------------------------------- one check in full


@pytest.mark.parametrize("asked", ["A203", "a203", " A203 ", "possible-conflict", "Possible-Conflict"])
def test_a_check_is_found_by_its_code_or_its_name(asked: str) -> None:
    assert find_check(asked) is CHECKS["A203"]


@pytest.mark.parametrize("asked, suggestion", [
    ("A2O3", "A203"), ("conflict-possible", "possible-conflict"), ("shadowed", "shadowed-rule"),
    ("rule_cycle", "rule-cycle")])
def test_an_unknown_check_suggests_the_closest(asked: str, suggestion: str) -> None:
    with pytest.raises(InputError) as caught:
        find_check(asked)
    [problem] = caught.value.problems
    assert problem.field == "--explain"
    assert problem.message("en") == f"no check has the code or name '{asked}'"
    assert problem.message("fr") == f"aucune vérification n'a le code ou le nom « {asked} »"
    assert problem.hint_text("en") == f"did you mean '{suggestion}'?"
    assert caught.value.exit_code == 2


def test_an_unknown_check_with_nothing_close_lists_the_codes() -> None:
    with pytest.raises(InputError) as caught:
        find_check("Z999")
    hint = caught.value.problems[0].hint_text("en")
    assert hint.startswith("the codes are A001, A002, A101") and hint.endswith("A702")
    assert caught.value.problems[0].hint_text("fr").startswith("les codes sont A001")


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_the_explanation_shows_code_name_severity_what_why_and_fix(code: str) -> None:
    check = CHECKS[code]
    for lang, labels, severity in (("en", ("What it finds:", "Why it matters:", "What to do:"),
                                    {"error": "error", "warning": "warning"}),
                                   ("fr", (f"Ce qu'elle trouve{NBSP}:", f"Pourquoi c'est important{NBSP}:",
                                           f"À faire{NBSP}:"), {"error": "erreur", "warning": "avertissement"})):
        text = explain_text(check, lang)
        lines = text.splitlines()
        assert lines[0] == f"{code} {check.name} ({severity[check.severity]})"
        assert [line for line in lines if line and not line.startswith("  ")][1:] == list(labels)
        assert all(len(line) <= EXPLAIN_WIDTH for line in lines[1:])
        joined = " ".join(line.strip() for line in lines)
        for field in (check.title, check.why, check.fix):
            body = field[lang].rstrip(".")
            assert body[1:] in joined, (code, lang, body)  # the first letter is a capital there


def test_the_explanation_as_json() -> None:
    assert explain_dict(CHECKS["A202"], "fr") == {
        "code": "A202", "name": "shadowed-rule", "severity": "warning", "what": CHECKS["A202"].title["fr"],
        "why": CHECKS["A202"].why["fr"], "fix": CHECKS["A202"].fix["fr"]}


# ---------------------------------------------------------------- where a consultant reads the why


def test_each_finding_carries_its_checks_why_in_json_and_a_tip_in_text(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("too-many-hours", when=[{"resources.weekly_hours": {"gt": 168}}]))
    report = check_rules(rulebase.root, cases=False)
    for lang in LANGS:
        findings = report.as_dict(lang)["findings"]
        assert findings
        for finding in findings:
            check = CHECKS[finding["code"]]
            assert finding["why"] == check.why[lang] and finding["fix"] == check.fix[lang]
            assert {"code", "name", "severity", "message", "fix", "why"} <= set(finding)
    text = report.format("en").splitlines()
    assert text[-2] == f"to read why a finding matters: advise rules check --explain {report.findings[0].code}"
    assert text[-1] == report.summary("en")
    assert not any(check.why["en"] in line for check in CHECKS.values() for line in text)  # not on every finding
    assert "pour lire pourquoi un constat compte" in report.format("fr")


def test_a_check_without_findings_ends_with_its_summary_and_no_tip() -> None:
    report = CheckReport(RULES, [], load_rulebook(RULES))
    assert report.format("en").endswith(": 0 errors, 0 warnings\n") and "--explain" not in report.format("en")


def test_the_guides_table_of_checks_has_the_why_of_each() -> None:
    for lang in LANGS:
        table = checks_markdown(lang)
        assert table.splitlines()[0].count("|") == 7
        for check in CHECKS.values():
            [row] = [line for line in table.splitlines() if line.startswith(f"| {check.code} |")]
            assert check.why[lang] in row


def test_an_unknown_check_is_quoted_bounded_and_without_control_characters() -> None:
    with pytest.raises(InputError) as caught:
        find_check("A\x1b[31m" * 500)
    message = caught.value.problems[0].format("en")
    assert "\x1b" not in message and len(message) < 1000
