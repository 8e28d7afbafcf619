"""The filters of rule texts and templates: the names the rule base accepts are the ones defined."""

from __future__ import annotations

from advise.explain.wording import format_number, make_filters
from advise.rulebase.loading import load_rulebook
from advise.rulebase.model import FILTER_NAMES
from conftest import RULES


def test_the_filters_rule_texts_may_use_are_the_ones_defined() -> None:
    vocabulary = load_rulebook(RULES).vocabulary
    for lang in ("en", "fr"):
        assert tuple(make_filters(vocabulary, lang)) == FILTER_NAMES


def test_filters_read_in_the_readers_language() -> None:
    vocabulary = load_rulebook(RULES).vocabulary
    english, french = make_filters(vocabulary, "en"), make_filters(vocabulary, "fr")
    assert english["hours"](1.5) == "1.5\u00a0h"
    assert french["hours"](1.5) == "1,5\u00a0h"
    assert english["yesno"](True) == "yes" and french["yesno"](False) == "non"
    assert format_number(12345.678, "fr") == "12\u202f345,68"
