"""The answers of a sheet as the JSON report carries them (advise.rulebase.digest.sheet_answers):
each field at its place, whatever the sheet gives, as reading SHEET_FIELDS afresh places it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advise.rulebase.digest import sheet_answers, sheet_digest
from advise.sheet.facts import SHEET_FIELDS, load_fact_sheet

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def _plain_answers(facts: dict[str, Any], lang: str | None, version: int) -> dict[str, Any]:
    answers: dict[str, Any] = {"version": version}
    if lang is not None:
        answers["lang"] = lang
    for name, spec in SHEET_FIELDS.items():
        value = facts.get(name)
        if value is None:
            continue
        node = answers
        for part in spec.path[:-1]:
            node = node.setdefault(part, {})
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        node[spec.path[-1]] = value
    return answers


def test_the_answers_are_each_field_at_its_place() -> None:
    assert EXAMPLES
    for path in EXAMPLES:
        sheet = load_fact_sheet(path)
        for lang in (sheet.lang, None, "en"):
            answers = sheet_answers(sheet.facts, lang, sheet.version)
            assert repr(answers) == repr(_plain_answers(sheet.facts, lang, sheet.version)), path.name
    few = {"business.name": "X", "resources.weekly_hours": 2.5, "resources.monthly_budget": 3.0,
           "profiles.planned": ("x", "tiktok")}
    assert sheet_answers(few, None, 1) == {"version": 1, "business": {"name": "X"},
                                           "resources": {"weekly_hours": 2.5, "monthly_budget": 3},
                                           "profiles": {"planned": ["x", "tiktok"]}}
    assert sheet_digest(sheet_answers(few, "fr", 1)) == sheet_digest(sheet_answers(few, "en", 1))
