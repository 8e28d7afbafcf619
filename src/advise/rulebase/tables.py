"""Reading a knowledge table (rules/tables/*.yaml): each value with its source."""

from __future__ import annotations

from typing import Any

from ..errors import did_you_mean
from ..sheet.facts import OBJECTIVES, PLATFORMS
from ..sheet.yamlload import Positions, describe
from .model import NAME, UNITS, Table, TableEntry, Vocabulary, source_text
from .problems import Collector, language_texts, unknown_keys


def read_table(file: str, data: Any, positions: Positions, problems: Collector,
                vocabulary: Vocabulary | None) -> Table | None:
    if not isinstance(data, dict):
        problems.add("not-a-mapping", file=file, line=1, found=describe(data))
        return None
    unknown_keys(data, ("table", "title", "unit", "keys", "values"), file=file, positions=positions, path=(),
                  problems=problems)
    name = data.get("table")
    if not isinstance(name, str) or not NAME.match(name):
        problems.add("bad-name", file=file, line=positions.line(("table",)) or 1, field="table", name=name)
        return None
    title = language_texts(data.get("title"), where="title", file=file, line=positions.line(("title",)), problems=problems)
    unit = data.get("unit", "none")
    if unit not in UNITS:
        problems.add("bad-choice", file=file, line=positions.line(("unit",)), field="unit", value=unit,
                     choices=", ".join(UNITS), _hint=did_you_mean(str(unit), UNITS))
    keys = data.get("keys")
    if keys not in (None, "platform", "objective"):
        problems.add("bad-choice", file=file, line=positions.line(("keys",)), field="keys", value=keys,
                     choices="platform, objective", _hint=did_you_mean(str(keys), ("platform", "objective")))
        keys = None
    values = data.get("values")
    if not isinstance(values, dict) or not values:
        problems.add("wrong-type", file=file, line=positions.line(("values",)) or 1, field="values",
                     expected="a mapping of entries (key: {value:, source:})", found=describe(values))
        return None
    allowed_keys = {"platform": PLATFORMS, "objective": OBJECTIVES}.get(keys or "", None)
    entries: dict[str, TableEntry] = {}
    for key, entry in values.items():
        where = f"values.{key}"
        line = positions.line(("values", key))
        if not NAME.match(str(key)):
            problems.add("bad-name", file=file, line=line, field=where, name=key)
            continue
        if allowed_keys and key not in allowed_keys:
            problems.add("bad-choice", file=file, line=line, field=where, value=key, choices=", ".join(allowed_keys),
                         _hint=did_you_mean(key, allowed_keys))
            continue
        if not isinstance(entry, dict):
            problems.add("wrong-type", file=file, line=line, field=where,
                         expected="value: and source:", found=describe(entry))
            continue
        unknown_keys(entry, ("value", "source", "unit", "label"), file=file, positions=positions,
                      path=("values", key), problems=problems)
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            problems.add("wrong-type", file=file, line=line, field=f"{where}.value", expected="a number or a word",
                         found=describe(value))
            continue
        sources = source_text(entry.get("source"))  # a text, or a text per language ({en:, fr:})
        if sources is None:
            problems.add("source-missing", file=file, line=line, field=f"{where}.source")
            sources = {}
        entry_unit = entry.get("unit", unit)
        if entry_unit not in UNITS:
            problems.add("bad-choice", file=file, line=line, field=f"{where}.unit", value=entry_unit,
                         choices=", ".join(UNITS), _hint=did_you_mean(str(entry_unit), UNITS))
        label = language_texts(entry.get("label"), where=f"{where}.label", file=file, line=line, problems=problems,
                       required=False)
        entries[key] = TableEntry(name, key, value, sources.get("en", ""), entry_unit, label, file, line, sources)
    if allowed_keys:
        for key in allowed_keys:
            if key not in entries and key not in values:
                problems.add("missing-field", file=file, line=positions.line(("values",)), field=f"values.{key}")
    return Table(name, title, unit, keys, entries, file, positions.line(("table",)))
