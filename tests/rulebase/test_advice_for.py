"""The vocabulary says which advice is about animating and which verdicts animate nothing;
a wrong value is a clear error naming the file, line and field."""

from __future__ import annotations

import pytest

from advise.errors import RuleBookError
from advise.rulebase.loading import load_rulebook

from conftest import RULES, RuleBase, rule


def test_the_shipped_vocabulary_marks_animating_advice_and_verdicts() -> None:
    vocabulary = load_rulebook(RULES).vocabulary
    assert not vocabulary.animates("not_yet") and not vocabulary.animates("minimal_presence")
    assert vocabulary.animates("launch") and vocabulary.animates("launch_gradually")
    assert vocabulary.about_animating("warning", "organic_reach")
    assert vocabulary.about_animating("recommendation", "participation")
    assert not vocabulary.about_animating("warning", "no_objective")
    assert not vocabulary.about_animating("recommendation", "google_listing")


def test_a_wrong_value_is_an_error_with_its_line(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("alive", when=[{"resources.weekly_hours": {"gt": 1}}]))
    path = rulebase.root / "vocabulary.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("advice_for: animating}", "advice_for: animated}", 1)
    text = text.replace("    animates: false\n", "    animates: maybe\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleBookError) as caught:
        rulebase.load()
    problems = caught.value.problems
    fields = {problem.field for problem in problems}
    assert "warnings.organic_reach.advice_for" in fields
    assert "verdicts.not_yet.animates" in fields
    assert all(problem.line for problem in problems)
