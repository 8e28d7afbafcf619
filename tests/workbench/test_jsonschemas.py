"""The shipped JSON Schemas: generated from the code, valid draft 2020-12, and they accept
the example sheets and the shipped rule files and refuse what advise refuses."""

from __future__ import annotations

import json

import pytest
import yaml

from advise.rulebase.loading import INVARIANTS_FILE
from advise.workbench import jsonschemas
from advise.sheet.facts import HEADER_FIELDS, SHEET_FIELDS
from advise.sheet.template import render_sheet

from conftest import EXAMPLES, RULES

jsonschema = pytest.importorskip("jsonschema")  # a test dependency (the `test` extra)


def shipped(name: str) -> dict:
    return json.loads((jsonschemas.SCHEMAS_DIR / name).read_text(encoding="utf-8"))


def validator(name: str):
    schema = shipped(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def rule_files() -> list:
    return sorted(p for p in RULES.glob("*.yaml") if p.name not in ("vocabulary.yaml", INVARIANTS_FILE)
                  and not p.name.endswith(".cases.yaml"))


@pytest.mark.parametrize("name", sorted(jsonschemas.FILES))
def test_the_shipped_schemas_are_what_the_code_generates(name: str) -> None:
    generated = getattr(jsonschemas, jsonschemas.FILES[name])()
    assert shipped(name) == generated, "stale: run python -m advise.workbench.jsonschemas"
    assert (jsonschemas.SCHEMAS_DIR / name).read_text(encoding="utf-8") == jsonschemas.render(generated)


def test_the_fact_sheet_schema_lists_exactly_the_contract_fields() -> None:
    schema = shipped("fact-sheet.schema.json")
    names = set()
    for key, value in schema["properties"].items():
        if value.get("type") == "object":
            names |= {f"{key}.{inner}" for inner in value["properties"]}
        else:
            names.add(key)
    assert names == set(SHEET_FIELDS) | set(HEADER_FIELDS)
    required = set(schema["required"])
    for section in ("business", "resources"):
        required |= {f"{section}.{key}" for key in schema["properties"][section].get("required", [])}
    assert {name for name, spec in SHEET_FIELDS.items() if spec.required} <= required


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_the_example_sheets_are_valid(path) -> None:
    errors = list(validator("fact-sheet.schema.json").iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert not errors, [error.message for error in errors]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_init_sheet_is_valid(lang: str) -> None:
    data = yaml.safe_load(render_sheet({}, lang))
    assert not list(validator("fact-sheet.schema.json").iter_errors(data))


@pytest.mark.parametrize("change", [
    {"business": {"name": "X", "size": "tpe", "audience": "b2c", "locale": True}},  # misspelt key
    {"business": {"name": "X", "size": "tiny", "audience": "b2c"}},  # bad choice
    {"resources": {"weekly_hours": 200, "monthly_budget": 0}},  # out of range
    {"objectives": ["visibility", "visibility"]},  # twice
    {"version": 2},
])
def test_the_fact_sheet_schema_refuses_bad_sheets(change: dict) -> None:
    data = yaml.safe_load((EXAMPLES / "fleuriste.yaml").read_text(encoding="utf-8"))
    data.update(change)
    assert list(validator("fact-sheet.schema.json").iter_errors(data))


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.name)
def test_the_shipped_rule_files_are_valid(path) -> None:
    errors = list(validator("rule-file.schema.json").iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert not errors, [(list(error.absolute_path), error.message[:200]) for error in errors]


RULE = {"id": "x-y", "title": {"en": "T", "fr": "T"}, "when": [{"resources.weekly_hours": {"lt": 2}}],
        "then": {"warn": "no_objective"}, "because": {"en": "B", "fr": "B"}, "source": "S"}


@pytest.mark.parametrize("change", [
    {"when": [{"resources.weekly_hours": {"ltt": 2}}]},  # unknown operator
    {"when": [{"resources.weekly_hours": {"lt": 2}, "objectives": {"empty": True}}]},  # two facts in one item
    {"title": {"en": "T"}},  # missing translation
    {"id": "Bad_Id"},
    {"then": {"warning": "no_objective"}},
    {"priority": 5000},
    {"because_": {"en": "B", "fr": "B"}},
])
def test_the_rule_file_schema_refuses_bad_rules(change: dict) -> None:
    good = validator("rule-file.schema.json")
    assert not list(good.iter_errors({"theme": "time", "rules": [RULE]}))
    assert list(good.iter_errors({"theme": "time", "rules": [{**RULE, **change}]}))


def test_the_rule_file_schema_accepts_every_condition_form() -> None:
    rule = {**RULE, "when": [
        {"business.local": True},
        {"not": {"warnings.no_objective": True}},
        {"any": [{"business.audience": "b2b"}, {"all": [{"business.local": True}, {"business.size": "pme"}]}]},
        {"resources.monthly_budget": {"lt": "thresholds.visuals_budget"}},
        {"max_profiles": {"present": True}},
    ], "then": {"set": {"verdict": "launch"}, "add": {"fit.linkedin": 3}, "recommend": ["free_tools"]},
        "priority": 10, "source": ["a", "b"], "notes": "n"}
    assert not list(validator("rule-file.schema.json").iter_errors({"theme": "time", "rules": [rule]}))
