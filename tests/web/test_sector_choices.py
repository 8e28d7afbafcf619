"""The questionnaire offers the sectors of the rule base it serves, added ones included."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from advise.rulebase.loading import load_rulebook
from advise.web.form import questionnaire

from conftest import RULES


def _sector_field(rules: Path, lang: str):
    [field] = [f for section in questionnaire(load_rulebook(rules), lang) for f in section.fields
               if f.name == "business.sector"]
    return field


def test_the_shipped_sectors_with_their_meaning_and_other_last() -> None:
    field = _sector_field(RULES, "fr")
    assert [c.value for c in field.choices][-1] == "other" and len(field.choices) == 14
    assert "Restaurants, cafés, bars" in [c.label for c in field.choices]


def test_a_sector_the_rule_base_adds_is_offered_with_its_name(tmp_path: Path) -> None:
    shutil.copytree(RULES, tmp_path / "rules")
    vocabulary = tmp_path / "rules" / "vocabulary.yaml"
    vocabulary.write_text(re.sub(r"^sectors:.*\n", lambda m: m.group(0) + '  transport: {en: "transport and removals", '
                                 'fr: "transport et déménagement"}\n', vocabulary.read_text(encoding="utf-8"),
                                 count=1, flags=re.M), encoding="utf-8")
    field = _sector_field(tmp_path / "rules", "fr")
    assert [(c.value, c.label) for c in field.choices][-2:] == [("transport", "Transport et déménagement"),
                                                                ("other", "Un autre secteur")]
