"""The JSON report of the contract (docs/reports.md), from the report model."""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring as _string  # json's own (in C when available)
from typing import Any, Callable, Sequence

from ..engine.trace import Firing
from ..explain.model import REPORT_VERSION, HintView, Item, Report, Step
from ..kept import TwoGenerations
from ..rulebase.digest import sheet_digest

_LEAVES = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """`value` with its tuples as lists, its lists and dicts copied (a leaf as it is)."""
    leaves = _LEAVES
    if type(value) in leaves:
        return value
    if isinstance(value, (tuple, list)):
        return [item if type(item) in leaves else _plain(item) for item in value]
    if isinstance(value, dict):
        return {key: inner if type(inner) in leaves else _plain(inner) for key, inner in value.items()}
    return value


def _plain_values(mapping: dict[str, Any]) -> dict[str, Any]:
    """{name: _plain(value)}: most values are leaves, taken as they are without a call."""
    leaves = _LEAVES
    return {name: value if type(value) in leaves else _plain(value) for name, value in mapping.items()}


def _premises(firing: Firing) -> dict[str, Any]:
    """_plain_values(firing.premises) in one dict: what it matched, then what else it read."""
    premises = _plain_values(firing.matched)
    for name, value in firing.read.items():
        if name not in premises:
            premises[name] = value if type(value) in _LEAVES else _plain(value)
    return premises


def hint_json(hint: HintView) -> dict[str, Any]:
    return {"fact": hint.fact, "from": _plain(hint.before), "to": _plain(hint.after), "change": hint.kind,
            "verdict": hint.verdict, "gained_platforms": list(hint.gained)}


def report_json(report: Report) -> dict[str, Any]:
    """The JSON report of the contract (shared/contract/report.md), plus documented additions."""
    return _report_data(report, [_step_json(step) for step in report.steps])


def _step_json(step: Step) -> dict[str, Any]:
    """A step of the report's "trace" (written as such by _trace_text)."""
    return {
        "step": step.step,
        "rule": step.rule,
        "title": step.title,
        "premises": _premises(step.raw),
        "concluded": _plain_values(step.raw.concluded),
        "source": " | ".join(step.sources),
        "theme": step.theme,
        "because": step.because,
        "overruled": dict(step.overruled),
    }


def _report_data(report: Report, trace: Any) -> dict[str, Any]:
    """report_json's dict, its "trace" given."""
    answers = report.sheet_answers  # made once: the digest is of the answers the report carries
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
        "trace": trace,
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
        "sheet_digest": sheet_digest(answers),
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
        data["sheet"] = answers
    return data


def _item_json(item: Item) -> dict[str, Any]:
    return {"id": item.id, "rule": item.rule, "text": item.text, "title": item.title,
            "rules": list(item.rules), "steps": list(item.steps)}



def report_text(report: Report, glossary: list[dict[str, str]] | None = None) -> str:
    """json_text of report_json(report) (with its "glossary" last, when given): the same text,
    its trace written from the report's steps without making their dicts (_trace_text)."""
    try:
        data = _report_data(report, _Written(_trace_text(report.steps, "\n  ")))
        if glossary is not None:
            data["glossary"] = glossary
        return _text(data, "\n")
    except _NotPlain:
        data = report_json(report)
        if glossary is not None:
            data["glossary"] = glossary
        return json_text(data)


class _Written:
    """A value's JSON text, written already (_text writes it as it is)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _trace_text(steps: Sequence[Step], newline: str) -> str:
    """_text([_step_json(step) for step in steps], newline): the same text, in one list of
    pieces joined once. A step's premises are written from what its firing matched and
    read, with no copy of their values; what is the same in every report (each rule's id,
    title, sources and theme, between the keys around them) is written once and kept."""
    if not steps:
        return "[]"
    inner = newline + "  "
    field = inner + "  "
    item = field + "  "
    separator, between = "," + field, "," + item
    head, next_head = "{" + field + '"step": ', "," + inner + "{" + field + '"step": '
    concluded = separator + '"concluded": '
    overruled = separator + '"overruled": '
    close, end = field + "}", inner + "}"
    kept = _RULE_PIECES.newer.get
    leaf, escaped, keyed = _LEAF.get, _ESCAPED.newer.get, _KEYED.newer.get
    parts = ["[" + inner]
    append = parts.append

    def mapping(values: Any) -> None:  # _text(values, field), into parts
        if type(values) is not dict or not values:
            append(_text(values, field))
            return
        opening = "{" + item
        for key, value in values.items():
            if type(key) is not str:
                if not isinstance(key, str):
                    raise _NotPlain
                key = str.__str__(key)  # what json writes of a str subclass
            kind = type(value)
            if kind is str:
                text = escaped(value) or _escaped(value)
            else:
                write = leaf(kind)
                text = write(value) if write is not None else _text(value, item)
            append(opening + (keyed(key) or _keyed(key)) + text)
            opening = between
        append(close)

    for step in steps:
        number, because = step.step, step.because
        key = (step.rule, step.title, step.sources, step.theme, field)
        pieces = kept(key) or _RULE_PIECES.get(key, _rule_pieces, *key)
        firing = step.raw
        append(head + (int.__repr__(number) if type(number) is int else _text(number, field)) + separator
               + pieces[0])
        head = next_head
        mapping(_premises_of(firing))
        append(concluded)
        mapping(firing.concluded)
        append(pieces[1] + (_string(because) if type(because) is str else _text(because, field)) + overruled)
        mapping(step.overruled)
        append(end)
    append(newline + "]")
    return "".join(parts)


def _premises_of(firing: Firing) -> dict[str, Any]:
    """The mapping _premises makes, its values as they are (_text writes a value as it
    writes its _plain copy)."""
    read = firing.read
    if not read:
        return firing.matched
    premises = dict(firing.matched)
    for name, value in read.items():
        premises.setdefault(name, value)
    return premises


# What a step's text holds of its rule, at an indentation (advise.kept): from "rule" to
# "premises", and from "source" to "because"; the same in every report of a rule book.
_RULE_PIECES: TwoGenerations[tuple[str, str]] = TwoGenerations(512)


def _rule_pieces(rule: str, title: str, sources: tuple[str, ...], theme: str, field: str) -> tuple[str, str]:
    separator = "," + field
    return ('"rule": ' + _text(rule, field) + separator + '"title": ' + _text(title, field) + separator
            + '"premises": ',
            separator + '"source": ' + _text(" | ".join(sources), field) + separator + '"theme": '
            + _text(theme, field) + separator + '"because": ')


class _NotPlain(Exception):
    """A value the fast writer leaves to json.dumps (a key that is not a string, an object)."""


def json_text(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, the same text, about four times as
    fast: with an indent, json.dumps writes in pure Python, a generator per container and
    checks for cycles and options at every value; a report is a tree of plain values, most of
    them strings and numbers inside dicts and lists. Anything else goes to json.dumps."""
    try:
        return _text(value, "\n")
    except _NotPlain:
        return json.dumps(value, ensure_ascii=False, indent=2)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _true(value: bool) -> str:
    return "true" if value else "false"


def _null(value: None) -> str:
    return "null"


# The text of a plain value of each exact type (a subclass, e.g. an IntEnum or Markup, goes
# to _text, which writes it as json.dumps does).
_LEAF: dict[type, Callable[[Any], str]] = {
    str: _string, int: int.__repr__, float: _float, bool: _true, type(None): _null,
    _Written: lambda written: written.text}


# The JSON text of each string written lately (advise.kept): most strings of a report are in
# every report (its keys, the rules' titles, sources and texts), and json's own escaping of a
# string costs more than finding it here. Only plain str are kept: a subclass may hash or
# compare otherwise.
_ESCAPED: TwoGenerations[str] = TwoGenerations(2048)


def _escaped(text: str) -> str:
    return _ESCAPED.get(text, _string, text)


# A key's JSON text and the ": " after it (kept as the strings are: a report's keys are its
# own and the rule base's fact names and ids, in every report).
_KEYED: TwoGenerations[str] = TwoGenerations(2048)


def _key_text(key: str) -> str:
    return _escaped(key) + ": "


def _keyed(key: str) -> str:
    return _KEYED.get(key, _key_text, key)


# The indentation inside a container at `newline`, and what separates its items: the same
# few for every report (a report nests a few levels; deeper ones are made, not kept).
_INDENTS: dict[str, tuple[str, str]] = {}


def _indents(newline: str) -> tuple[str, str]:
    inner = newline + "  "
    if len(newline) <= 64:
        _INDENTS[newline] = (inner, "," + inner)
    return inner, "," + inner


def _text(value: Any, newline: str) -> str:
    """The text of `value` at the indentation `newline` (a newline and spaces): a container
    joins the texts of its items, each leaf written at once by its type's function."""
    kind = type(value)
    if kind is dict or kind is list or kind is tuple:
        if not value:
            return "{}" if kind is dict else "[]"
        indents = _INDENTS.get(newline) or _indents(newline)
        inner = indents[0]
        leaf, kept = _LEAF.get, _ESCAPED.newer.get  # found at once, else _escaped
        pieces = []
        if kind is dict:
            keyed = _KEYED.newer.get
            for key, item in value.items():
                if type(key) is not str:
                    if not isinstance(key, str):
                        raise _NotPlain
                    key = str.__str__(key)  # what json writes of a str subclass
                kind = type(item)
                if kind is str:
                    text = kept(item) or _escaped(item)
                else:
                    write = leaf(kind)
                    text = write(item) if write is not None else _text(item, inner)
                pieces.append((keyed(key) or _keyed(key)) + text)
            return "{" + inner + indents[1].join(pieces) + newline + "}"
        for item in value:
            kind = type(item)
            if kind is str:
                pieces.append(kept(item) or _escaped(item))
            else:
                write = leaf(kind)
                pieces.append(write(item) if write is not None else _text(item, inner))
        return "[" + inner + indents[1].join(pieces) + newline + "]"
    # Anything but a plain container or leaf, in the order of json's own checks: str, None,
    # True, False, int, float, list/tuple, dict.
    if isinstance(value, str):
        return _string(value)
    if value is None or value is True or value is False:
        return _LEAF[type(value)](value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, (list, tuple)):
        return _text(list(value), newline)
    if isinstance(value, dict):
        return _text(dict(value.items()), newline)
    raise _NotPlain
