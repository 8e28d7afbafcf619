"""A fact sheet written out as commented YAML: `advise init` and the interview's result.

Every field of the contract (advise.sheet.facts.SHEET_FIELDS, in its order), with its meaning and
its allowed values as comments in the reader's language, and a value: an example, or the
owner's answer. The text always loads as a valid sheet (a test checks it).
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any, Mapping, Sequence

from .facts import HEADER_FIELDS, SHEET_FIELDS, SHEET_VERSION, FieldSpec

# Sensible values for a first sheet: a small local shop with a few hours a week.
EXAMPLE: dict[str, Any] = {
    "business.name": {"en": "My business", "fr": "Mon entreprise"},
    "business.size": "tpe",
    "business.audience": "b2c",
    "business.local": True,
    "business.ecommerce": False,
    "business.visual_products": False,
    "business.sector": "retail",
    "resources.weekly_hours": 3,
    "resources.monthly_budget": 50,
    "resources.graphic_skills": False,
    "resources.paid_staff": False,
    "objectives": ["community", "sales"],
    "content.editorial_ideas": True,
    "content.can_reply_within_a_day": True,
    "content.contests_planned": False,
    "content.audience_participation": False,
    "profiles.planned": ["facebook"],
    "profiles.existing": [],
}

_WORDS = {
    "en": {
        "title": "Fact sheet for advise (contract version {version}).",
        "run": "Fill in each value, then run: advise {file}",
        "help": "Each field says what it means and which values it takes. Lines starting with # are comments.",
        "required": "required", "optional": "optional, default {default}",
        "values": "one of: {values}", "list": "a list, may be empty ([]); each one of: {values}",
        "bool": "yes or no: true or false", "number": "a number", "range": "a number from {low} to {high}",
        "at_least": "a number, {low} or more", "text": "text, {low} to {high} characters",
        "used_by": "read by the rules: {rules}", "unused": "no rule reads it yet",
        "shown": "shown at the top of the report",
        "example": "example value: replace it",
    },
    "fr": {
        "title": "Fiche de faits pour advise (contrat version {version}).",
        "run": "Remplissez chaque valeur, puis lancez : advise {file}",
        "help": "Chaque champ dit ce qu'il signifie et quelles valeurs il prend. Les lignes qui commencent par # sont des commentaires.",
        "required": "obligatoire", "optional": "facultatif, par défaut {default}",
        "values": "l'une de : {values}", "list": "une liste, éventuellement vide ([]) ; chacun parmi : {values}",
        "bool": "oui ou non : true ou false", "number": "un nombre", "range": "un nombre de {low} à {high}",
        "at_least": "un nombre, {low} ou plus", "text": "du texte, de {low} à {high} caractères",
        "used_by": "lu par les règles : {rules}", "unused": "aucune règle ne le lit encore",
        "shown": "affiché en tête du rapport",
        "example": "valeur d'exemple : à remplacer",
    },
}
WIDTH = 88
_PLAIN_WORD = re.compile(r"^[a-z][a-z0-9_]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


def example_value(name: str, lang: str) -> Any:
    value = EXAMPLE[name]
    return value[lang] if isinstance(value, dict) else value


def example_mapping(lang: str = "en") -> dict[str, Any]:
    """The example sheet as nested data (what `advise init` writes, without comments)."""
    data: dict[str, Any] = {"version": SHEET_VERSION, "lang": lang}
    for name in SHEET_FIELDS:
        _put(data, name, example_value(name, lang))
    return data


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def yaml_value(value: Any) -> str:
    """A value as YAML flow text that reads back as the same value (JSON is YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(item) for item in value) + "]"
    text = str(value)
    if _PLAIN_WORD.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def allowed(spec: FieldSpec, lang: str) -> str:
    words = _WORDS[lang]
    if spec.type == "bool":
        return words["bool"]
    if spec.type == "choice":
        return words["values"].format(values=" | ".join(spec.choices))
    if spec.type == "list":
        return words["list"].format(values=" | ".join(spec.choices))
    if spec.type == "number":
        if spec.range:
            low, high = spec.range
            if high is None:
                return words["at_least"].format(low=_number(low))
            return words["range"].format(low=_number(low), high=_number(high))
        return words["number"]
    if spec.length:
        return words["text"].format(low=spec.length[0], high=spec.length[1])
    return words["text"]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _comment(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=WIDTH - len(indent) - 2, initial_indent=f"{indent}# ",
                         subsequent_indent=f"{indent}#   ", break_on_hyphens=False)


def render_sheet(values: Mapping[str, Any], lang: str = "en", *, file: str = "facts.yaml",
                 readers: Mapping[str, Sequence[str]] | None = None, examples: Sequence[str] = (),
                 skipped: Mapping[str, str] | None = None) -> str:
    """The commented sheet. `values`: dotted field -> value (missing fields take the example);
    `readers`: field -> rule ids that read it; `examples`: fields whose value is an example to
    replace; `skipped`: field -> why it was not asked (the interview)."""
    words = _WORDS[lang]
    out = [f"# {words['title'].format(version=SHEET_VERSION)}", f"# {words['run'].format(file=file)}"]
    out += _comment(words["help"], "")
    out.append("")
    for name in ("version", "lang"):
        spec = HEADER_FIELDS[name]
        description = spec.description_en if lang == "en" else spec.description_fr
        out += _comment(_sentence(description), "")
        out.append(f"{name}: {SHEET_VERSION if name == 'version' else values.get('lang', lang)}")
    section = None
    for name, spec in SHEET_FIELDS.items():
        parts = spec.path
        if len(parts) == 2 and parts[0] != section:
            section = parts[0]
            out += ["", f"{section}:"]
        elif len(parts) == 1:
            section = None
            out.append("")
        indent = "  " if len(parts) == 2 else ""
        description = spec.description_en if lang == "en" else spec.description_fr
        status = words["required"] if spec.required else words["optional"].format(
            default=yaml_value(spec.default if spec.default is not None else []))
        out += _comment(_sentence(description), indent)
        out += _comment(_sentence(f"{allowed(spec, lang)} ({status})"), indent)
        if readers is not None:
            rules = readers.get(name, ())
            if rules:
                note = words["used_by"].format(rules=", ".join(rules))
            else:
                note = words["shown"] if name == "business.name" else words["unused"]
            out += _comment(_sentence(note), indent)
        if skipped and name in skipped:
            out += _comment(_sentence(skipped[name]), indent)
        value = values[name] if name in values else example_value(name, lang)
        line = f"{indent}{parts[-1]}: {yaml_value(value)}"
        if name in examples:
            line += f"   # {words['example']}"
        out.append(line)
    return "\n".join(out) + "\n"
