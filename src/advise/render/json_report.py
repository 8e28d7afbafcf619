"""The JSON report of the contract (docs/reports.md), from the report model."""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring as _string  # json's own (in C when available)
from typing import Any

from ..explain.model import REPORT_VERSION, HintView, Item, Report


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    return value


def hint_json(hint: HintView) -> dict[str, Any]:
    return {"fact": hint.fact, "from": _plain(hint.before), "to": _plain(hint.after), "change": hint.kind,
            "verdict": hint.verdict, "gained_platforms": list(hint.gained)}


def report_json(report: Report) -> dict[str, Any]:
    """The JSON report of the contract (shared/contract/report.md), plus documented additions."""
    data: dict[str, Any] = {
        "version": REPORT_VERSION,
        "business": report.business,
        "verdict": report.verdict,
        "max_profiles": report.max_profiles,
        "platforms": list(report.platforms),
        "weekly_hours_available": report.weekly_hours_available,
        "weekly_hours_needed": report.weekly_hours_needed,
        "existing": [action.as_json() for action in report.existing],
        "warnings": [_item_json(item) for item in report.warnings],
        "recommendations": [_item_json(item) for item in report.recommendations],
        "trace": [{
            "step": step.step,
            "rule": step.rule,
            "title": step.title,
            "premises": {name: _plain(value) for name, value in step.raw.premises.items()},
            "concluded": {name: _plain(value) for name, value in step.raw.concluded.items()},
            "source": " | ".join(step.sources),
            "theme": step.theme,
            "because": step.because,
            "overruled": dict(step.overruled),
        } for step in report.steps],
        "lang": report.lang,
        "verdict_rule": report.verdict_rule,
        # What waits until the business is ready (a verdict that animates nothing now): the
        # profiles to open first, and the advice about animating, by id.
        "later": {
            "platforms": list(report.later),
            "warnings": [item.id for item in report.later_warnings],
            "recommendations": [item.id for item in report.later_recommendations],
        },
        "advise_version": report.advise_version,
        "rules_digest": report.rules_digest,
        "sheet_digest": report.sheet_digest,
    }
    if report.hints_computed:
        data["hints"] = {
            "verdict": [hint_json(hint) for hint in report.verdict_hints],
            "platforms": [hint_json(hint) for hint in report.platform_hints],
            "warnings": {item.id: [hint_json(hint) for hint in item.hints] for item in report.warnings},
        }
    if report.not_applied is not None:
        data["not_applied"] = [entry.as_json() for entry in report.not_applied]
    if report.what_if is not None:
        data["what_if"] = report.what_if.as_json()
    if report.include_sheet:
        data["sheet"] = report.sheet_answers
    return data


def _item_json(item: Item) -> dict[str, Any]:
    return {"id": item.id, "rule": item.rule, "text": item.text, "title": item.title,
            "rules": list(item.rules), "steps": list(item.steps)}




class _NotPlain(Exception):
    """A value the fast writer leaves to json.dumps (a key that is not a string, an object)."""


def json_text(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, the same text, about twice as fast:
    with an indent, json.dumps writes in pure Python, checking for cycles and options at
    every value; a report is a tree of plain values. Anything else goes to json.dumps."""
    parts: list[str] = []
    try:
        _write(value, parts, "\n")
    except _NotPlain:
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(parts)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _write(value: Any, parts: list[str], newline: str) -> None:
    # The order of json's own checks: str, None, True, False, int, float, list/tuple, dict.
    if isinstance(value, str):
        parts.append(_string(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            separator = "," + inner
            _write(item, parts, inner)
        parts.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotPlain
            parts.append(separator)
            separator = "," + inner
            parts.append(_string(key))
            parts.append(": ")
            _write(item, parts, inner)
        parts.append(newline + "}")
    else:
        raise _NotPlain
