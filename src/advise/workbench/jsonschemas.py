"""JSON Schemas (draft 2020-12) for fact sheets and rule files, so that an editor with YAML
language support (VS Code's YAML extension, any yaml-language-server client) completes
and checks as the consultant types.

They are generated from the code that reads these files (advise.sheet.facts.SHEET_FIELDS,
advise.rulebase.operators.OPERATORS, the rule file's keys), shipped in advise/schemas/, and a
test fails when the shipped files differ from what this module generates. Regenerate
with `python -m advise.workbench.jsonschemas`.

A schema catches the shape (keys, types, values, operators); `advise FILE` and
`advise rules check` remain the judges (unknown derived facts, conflicts, ...).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..rulebase.model import RULE_ID, THEN_KEYS
from ..rulebase.operators import OPERATORS
from ..sheet.facts import HEADER_FIELDS, SHEET_FIELDS, SHEET_VERSION, FieldSpec

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
FILES = {"fact-sheet.schema.json": "fact_sheet_schema", "rule-file.schema.json": "rule_file_schema"}


def _describe(en: str, fr: str) -> str:
    return f"{en}\n\n(fr) {fr}"


def _field_schema(spec: FieldSpec) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": _describe(spec.description_en, spec.description_fr)}
    if spec.type == "text":
        schema.update(type="string")
        if spec.length:
            schema.update(minLength=spec.length[0], maxLength=spec.length[1])
    elif spec.type == "bool":
        schema.update(type="boolean")
    elif spec.type == "number":
        schema.update(type="number")
        if spec.range:
            schema["minimum"] = spec.range[0]
            if spec.range[1] is not None:
                schema["maximum"] = spec.range[1]
    elif spec.type == "choice" and spec.open:  # the contract's values, or a word a rule base adds
        schema.update(type="string", anyOf=[{"enum": list(spec.choices) + list(spec.aliases)},
                                            {"pattern": "^[a-z][a-z0-9_]*$"}])
    elif spec.type == "choice":
        schema.update(type="string", enum=list(spec.choices) + list(spec.aliases))
    elif spec.type == "list":
        schema.update(type="array", uniqueItems=True, items={"enum": list(spec.choices) + list(spec.aliases)})
    if spec.default is not None and not spec.required:
        schema["default"] = list(spec.default) if isinstance(spec.default, tuple) else spec.default
    return schema


def fact_sheet_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "version": {"const": SHEET_VERSION, "default": SHEET_VERSION,
                    "description": _describe(HEADER_FIELDS["version"].description_en,
                                             HEADER_FIELDS["version"].description_fr)},
        "lang": {"enum": list(HEADER_FIELDS["lang"].choices),
                 "description": _describe(HEADER_FIELDS["lang"].description_en, HEADER_FIELDS["lang"].description_fr)},
    }
    required: list[str] = []
    for name, spec in SHEET_FIELDS.items():
        if len(spec.path) == 1:
            properties[name] = _field_schema(spec)
            if spec.required:
                required.append(name)
            continue
        section, key = spec.path
        block = properties.setdefault(section, {"type": "object", "additionalProperties": False,
                                                "properties": {}, "required": []})
        block["properties"][key] = _field_schema(spec)
        if spec.required:
            block["required"].append(key)
            if section not in required:
                required.append(section)
    for block in properties.values():
        if block.get("type") == "object" and not block["required"]:
            del block["required"]
    return {
        "$schema": DRAFT,
        "$id": "urn:advise:schema:fact-sheet:1",
        "title": "advise fact sheet (contract version 1)",
        "description": _describe("One business, described for `advise FILE`.",
                                 "Une entreprise, décrite pour `advise FICHIER`."),
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


_TEXTS = {
    "type": "object",
    "description": _describe("A text in French and English.", "Un texte en français et en anglais."),
    "additionalProperties": False,
    "required": ["en", "fr"],
    "properties": {"en": {"type": "string", "minLength": 1}, "fr": {"type": "string", "minLength": 1}},
}
_NAME = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
_FACT_NAME = r"^(?!(any|all|not)$)[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
_OPERAND_TYPES = {
    "scalar": {"type": ["string", "number", "boolean"]},
    "number": {"type": ["number", "string"], "description": "a number, or a table value by name (thresholds.x)"},
    "item": {"type": "string"},
    "items": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "scalars": {"type": "array", "items": {"type": ["string", "number", "boolean"]}, "minItems": 1},
    "bool": {"type": "boolean"},
    "count": {"type": "integer", "minimum": 0},
}


def rule_file_schema() -> dict[str, Any]:
    operators = {}
    for name, operator in OPERATORS.items():
        schema = dict(_OPERAND_TYPES.get(operator.operand, {}))
        reads = _describe(operator.reads["en"].format(operand="X"), operator.reads["fr"].format(operand="X"))
        schema["description"] = f"{reads}\n\nApplies to / s'applique à: {', '.join(operator.kinds)}"
        operators[name] = schema
    sheet_facts = {name: {"$ref": "#/$defs/test", "description": _describe(spec.description_en, spec.description_fr)}
                   for name, spec in SHEET_FIELDS.items()}
    when_items = {"anyOf": [{"$ref": "#/$defs/condition"}, {"$ref": "#/$defs/not"}, {"$ref": "#/$defs/any"}]}
    return {
        "$schema": DRAFT,
        "$id": "urn:advise:schema:rule-file:1",
        "title": "advise rule file",
        "description": _describe("Rules of one theme: see docs/writing-rules.md.",
                                 "Les règles d'un thème : voir docs/writing-rules.md."),
        "type": "object",
        "additionalProperties": False,
        "required": ["theme", "rules"],
        "properties": {
            "theme": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$",
                      "description": _describe("A theme declared in vocabulary.yaml (themes:).",
                                               "Un thème déclaré dans vocabulary.yaml (themes:).")},
            "rules": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/rule"}},
        },
        "$defs": {
            "texts": _TEXTS,
            "rule": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "title", "then", "because", "source"],
                "properties": {
                    "id": {"type": "string", "pattern": RULE_ID.pattern,
                           "description": _describe("Unique, stable: lower-case words joined by hyphens.",
                                                    "Unique et stable : mots en minuscules reliés par des tirets.")},
                    "title": {"$ref": "#/$defs/texts"},
                    "when": {"description": _describe("Conditions that must all hold (none: always).",
                                                      "Conditions qui doivent toutes être remplies (aucune : toujours)."),
                             "anyOf": [{"type": "array", "items": when_items},
                                       {"type": "object", "additionalProperties": False, "minProperties": 1,
                                        "maxProperties": 1,
                                        "properties": {"all": {"type": "array", "items": when_items},
                                                       "any": {"$ref": "#/$defs/alternatives"}}},
                                       {"type": "null"}]},
                    "then": {"$ref": "#/$defs/then"},
                    "because": {"$ref": "#/$defs/texts"},
                    "source": {"description": _describe(
                                   "The passage of the article or the reference it encodes: a text, or a text per "
                                   "language (en:, fr:; quotes stay as written), or a list of them.",
                                   "Le passage de l'article ou la référence encodée : un texte, ou un texte par "
                                   "langue (en:, fr: ; les citations restent telles quelles), ou une liste."),
                               "anyOf": [{"type": "string", "minLength": 1}, {"$ref": "#/$defs/texts"},
                                         {"type": "array", "minItems": 1,
                                          "items": {"anyOf": [{"type": "string", "minLength": 1},
                                                              {"$ref": "#/$defs/texts"}]}}]},
                    "priority": {"type": "integer", "minimum": 0, "maximum": 1000, "default": 0,
                                 "description": _describe("Higher wins when rules conclude different values.",
                                                          "La plus haute l'emporte quand des règles concluent "
                                                          "des valeurs différentes.")},
                    "notes": {"type": "string"},
                },
            },
            "test": {"anyOf": [
                {"type": ["string", "number", "boolean"], "description": "short for {eq: value}"},
                {"type": "object", "minProperties": 1, "additionalProperties": False, "properties": operators},
            ]},
            "condition": {"type": "object", "minProperties": 1, "maxProperties": 1,
                          "propertyNames": {"pattern": _FACT_NAME},
                          "properties": sheet_facts,
                          "additionalProperties": {"$ref": "#/$defs/test"}},
            "not": {"type": "object", "additionalProperties": False, "required": ["not"],
                    "properties": {"not": {"$ref": "#/$defs/condition"}}},
            "all": {"type": "object", "additionalProperties": False, "required": ["all"],
                    "properties": {"all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}}},
            "alternatives": {"type": "array", "minItems": 1,
                             "items": {"anyOf": [{"$ref": "#/$defs/condition"}, {"$ref": "#/$defs/all"}]}},
            "any": {"type": "object", "additionalProperties": False, "required": ["any"],
                    "properties": {"any": {"$ref": "#/$defs/alternatives"}}},
            "ids": {"anyOf": [{"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
                              {"type": "array", "minItems": 1,
                               "items": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}}]},
            "then": {
                "type": "object", "additionalProperties": False, "minProperties": 1,
                "properties": {
                    "set": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": _NAME},
                            "additionalProperties": {"type": ["string", "number", "boolean", "array"]},
                            "description": "fact: value or expression"},
                    "add": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": _NAME},
                            "additionalProperties": {"type": ["number", "string"]},
                            "description": "family.member: points (e.g. fit.linkedin: 3)"},
                    "warn": {"$ref": "#/$defs/ids"},
                    "recommend": {"$ref": "#/$defs/ids"},
                },
                "propertyNames": {"enum": list(THEN_KEYS)},
            },
        },
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_all(directory: Path = SCHEMAS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, function in FILES.items():
        path = directory / name
        path.write_text(render(globals()[function]()), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m advise.workbench.jsonschemas [DIR]
    for path in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMAS_DIR):
        print(path)
