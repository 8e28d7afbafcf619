"""The project documents its own public formats (issue 12): docs/fact-sheet.md lists every
field of the fact sheet as the JSON Schema declares it, docs/report-json.md every key of
the JSON report as advise writes it, both in French too; nothing in the README or the docs
points outside the repository; the rules' README speaks to consultants."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from advise.cli.main import main

from conftest import EXAMPLES, ROOT

SCHEMA = ROOT / "src/advise/workbench/schemas/fact-sheet.schema.json"
SHEET_DOCS = ("docs/fact-sheet.md", "docs/fr/fiche.md")
REPORT_DOCS = ("docs/report-json.md", "docs/fr/rapport-json.md")
_WORDS = {"yes": True, "oui": True, "no": False, "non": False}


def schema_fields() -> dict[str, dict]:
    """Every field of the schema, dotted, with whether it is required."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    fields: dict[str, dict] = {}

    def walk(node: dict, prefix: str, required: set[str]) -> None:
        for name, sub in node.get("properties", {}).items():
            dotted = prefix + name
            if sub.get("type") == "object":
                walk(sub, dotted + ".", set(sub.get("required", ())))
            else:
                fields[dotted] = {**sub, "required": name in required}

    walk(schema, "", set(schema.get("required", ())))
    return fields


def doc_rows(path: str) -> dict[str, list[str]]:
    """The rows of the field table: `name` -> its cells."""
    rows = {}
    for line in (ROOT / path).read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([a-z_.]+)` \|(.*)\|$", line)
        if match and ("." in match.group(1) or match.group(1) in ("version", "lang", "objectives")):
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


@pytest.mark.parametrize("path", SHEET_DOCS)
def test_the_fact_sheet_doc_and_the_json_schema_agree_on_every_field(path: str) -> None:
    fields, rows = schema_fields(), doc_rows(path)
    assert set(rows) == set(fields), (sorted(set(fields) - set(rows)), sorted(set(rows) - set(fields)))
    for name, spec in fields.items():
        kind, required, default, values, _meaning = rows[name]
        assert _WORDS[required] == spec["required"], name
        if "default" in spec and not spec["required"]:
            shown = json.dumps(spec["default"]) if not isinstance(spec["default"], str) else spec["default"]
            assert default.strip("`").replace(", ", ",") == shown.replace(", ", ","), (name, default, shown)
        enum = spec.get("enum") or spec.get("items", {}).get("enum") or []
        for value in enum:
            assert f"`{value}`" in values, (name, value)
        if "maximum" in spec:
            assert str(spec["maximum"]) in values, name


def report_keys(data: object, prefix: str = "") -> set[str]:
    """Dotted keys of a report; list items as `key[]`; the open mappings (facts, ids) not descended."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found.add(prefix + key)
            if prefix + key in ("sheet", "trace[].premises", "trace[].concluded", "trace[].overruled",
                                "hints.warnings", "what_if.set", "what_if.changed"):
                continue
            found |= report_keys(value, prefix + key + ("[]." if isinstance(value, list) else "."))
    elif isinstance(data, list):
        for item in data:
            found |= report_keys(item, prefix)
    return found


@pytest.fixture(scope="module")
def every_key() -> set[str]:
    keys: set[str] = set()
    runs = [[str(path), "--format", "json", "--all"] for path in sorted(EXAMPLES.glob("*.yaml"))]
    runs.append([str(EXAMPLES / "fleuriste.yaml"), "--format", "json", "--set", "resources.monthly_budget=120"])
    for args in runs:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        keys |= report_keys(json.loads(result.output))
    return keys


@pytest.mark.parametrize("path", REPORT_DOCS)
def test_every_key_of_the_json_report_is_documented(path: str, every_key: set[str]) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+)`", text))
    missing = sorted(key for key in every_key if key.rsplit(".", 1)[-1].removesuffix("[]") not in named)
    assert not missing, f"{path} does not name: {missing}"
    top = {key for key in every_key if "." not in key}
    table = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))
    assert top <= table, sorted(top - table)


def test_nothing_in_the_readme_or_docs_points_outside_the_repository() -> None:
    documents = [ROOT / "README.md", ROOT / "README.fr.md", ROOT / "rules/README.md",
                 *sorted((ROOT / "docs").rglob("*.md"))]
    for document in documents:
        text = document.read_text(encoding="utf-8")
        prose = re.sub(r"(`+).+?\1", "", re.sub(r"^```.*?^```", "", text, flags=re.S | re.M))  # code is no link
        assert "../shared" not in text and "shared/contract" not in text and "shared/reference" not in text, document
        for target in re.findall(r"\]\(([^)#\s]+)", prose):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            resolved = (document.parent / target).resolve()
            assert resolved.is_relative_to(ROOT) and resolved.exists(), (document, target)


def test_the_rules_readme_speaks_to_consultants() -> None:
    text = (ROOT / "rules/README.md").read_text(encoding="utf-8")
    for word in ("pytest", "src/", ".py", "tests/"):
        assert word not in text, word
    for command in ("advise rules check", "advise test", "advise rules diff", "advise rules digest"):
        assert command in text, command
