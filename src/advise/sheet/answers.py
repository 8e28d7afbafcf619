"""Answers typed as text (a form, a spreadsheet cell, the interview) read as sheet values.

The same words everywhere: yes/no in English or French, numbers with a decimal comma
and spaces between thousands, lists separated by commas or semicolons. What cannot be
read is handed on as it was typed, so that the sheet's own validation (advise.sheet.facts)
reports it with its usual message: the problems are those of a YAML sheet.
"""

from __future__ import annotations

import re
from typing import Any

from .facts import FieldSpec

YES_WORDS = frozenset({"y", "yes", "true", "o", "oui", "vrai", "1"})
NO_WORDS = frozenset({"n", "no", "false", "non", "faux", "0"})
NONE_WORDS = frozenset({"", "-", "none", "nothing", "aucun", "aucune", "rien", "[]"})
_NUMBER_SPACES = ("\u202f", "\u00a0", " ")
_LIST_SEPARATORS = re.compile(r"\s*[;,]\s*")
MISSING = object()  # an empty cell: the field is not stated, and takes its default


def parse_number(text: str) -> int | float | None:
    """'2,5', '1 200', '3' -> the number (integers stay integers); None if it is not one."""
    candidate = text.strip()
    for space in _NUMBER_SPACES:
        candidate = candidate.replace(space, "")
    if candidate.count(",") == 1 and "." not in candidate:
        candidate = candidate.replace(",", ".")
    if not candidate or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", candidate):
        return None
    number = float(candidate)
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def parse_yes_no(text: str) -> bool | None:
    word = text.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


def split_list(text: str) -> list[str]:
    """'facebook; instagram', 'facebook, instagram' -> the items; 'none' words -> []."""
    raw = text.strip()
    if raw.lower() in NONE_WORDS:
        return []
    return [item for item in _LIST_SEPARATORS.split(raw.strip("[]").strip()) if item]


def _choice(spec: FieldSpec, text: str) -> str:
    """A choice as typed; 'Facebook' for 'facebook' when that is the only difference."""
    if text in spec.choices or text in spec.aliases:
        return text
    folded = text.casefold()
    for choice in (*spec.choices, *spec.aliases):
        if choice.casefold() == folded:
            return choice
    return text


def cell_value(spec: FieldSpec, text: str) -> Any:
    """A cell of a spreadsheet as the value of `spec`, or MISSING when it is empty. A value
    that cannot be read is returned as typed, for the validation to report."""
    raw = text.strip()
    if not raw:
        return MISSING
    if spec.type == "bool":
        answer = parse_yes_no(raw)
        return raw if answer is None else answer
    if spec.type == "number":
        number = parse_number(raw)
        return raw if number is None else number
    if spec.type == "list":
        return [_choice(spec, item) for item in split_list(raw)]
    if spec.type == "choice":
        return _choice(spec, raw)
    return raw
