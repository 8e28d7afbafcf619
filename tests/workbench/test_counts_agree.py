"""The consultant's tools count in words that agree: "1 error", "0 errors", "0 erreur",
"2 réussis", never "error(s)" (French counts 0 and 1 as singular, English only 1)."""

from __future__ import annotations

import re

import pytest

import advise.cli.catalogue  # noqa: F401  (registers every code the tools use)
import advise.workbench.casework  # noqa: F401
import advise.workbench.catalogue  # noqa: F401
import advise.workbench.diff as diff
import advise.workbench.interview as interview
from advise.errors import MESSAGES, Problem, agreeing


def test_no_message_writes_a_plural_in_parentheses() -> None:
    texts = [(code, text) for code, by_lang in MESSAGES.items() for text in by_lang.values()]
    texts += [(key, text) for table in (diff._WORDS, interview._WORDS) for words in table.values()
              for key, text in words.items() if "{" in text]  # the sentences with a number
    assert not [(key, text) for key, text in texts if re.search(r"\w\((s|es|x)\)", text)]


@pytest.mark.parametrize(("lang", "readers", "expected"), [
    ("en", 1, "1 rule that can still apply reads"), ("en", 2, "2 rules that can still apply read"),
    ("fr", 1, "1 règle qui peut encore s'appliquer lit"), ("fr", 2, "2 règles qui peuvent encore s'appliquer lisent"),
])
def test_why_this_question_agrees(lang: str, readers: int, expected: str) -> None:
    assert expected in agreeing(interview._WORDS[lang]["why_head"], lang, count=readers, field="objectives")


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("en", 0, "0 rules checked, 0 cases run: 0 errors, 0 warnings"),
    ("en", 1, "1 rule checked, 1 case run: 1 error, 1 warning"),
    ("en", 2, "2 rules checked, 2 cases run: 2 errors, 2 warnings"),
    ("fr", 0, "0 règle vérifiée, 0 cas exécuté : 0 erreur, 0 avertissement"),
    ("fr", 1, "1 règle vérifiée, 1 cas exécuté : 1 erreur, 1 avertissement"),
    ("fr", 2, "2 règles vérifiées, 2 cas exécutés : 2 erreurs, 2 avertissements"),
])
def test_the_check_summary_agrees_with_its_numbers(lang: str, count: int, expected: str) -> None:
    counts = dict.fromkeys(("rules", "cases", "errors", "warnings"), count)
    assert Problem("check-summary-cases", counts).message(lang) == expected


@pytest.mark.parametrize(("lang", "passed", "expected"), [
    ("en", 1, "1 passed, 0 failed"), ("fr", 1, "1 réussi, 0 en échec"), ("fr", 3, "3 réussis, 0 en échec"),
])
def test_the_test_summary_agrees(lang: str, passed: int, expected: str) -> None:
    assert Problem("test-summary", {"passed": passed, "failed": 0}).message(lang) == expected


@pytest.mark.parametrize(("lang", "changed", "total", "expected"), [
    ("en", 1, 1, "1 of 1 sheet changes"), ("en", 1, 3, "1 of 3 sheets change"),
    ("fr", 1, 3, "1 fiche sur 3 change"), ("fr", 2, 3, "2 fiches sur 3 changent"),
])
def test_the_rules_diff_summary_agrees(lang: str, changed: int, total: int, expected: str) -> None:
    assert agreeing(diff._WORDS[lang]["summary"], lang, changed=changed, total=total) == expected


def test_a_plain_format_spec_still_formats() -> None:
    assert agreeing("{share:.0f} % of {count} {count:rule|rules}", "en", share=12.34, count=1) == "12 % of 1 rule"
