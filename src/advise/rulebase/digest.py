"""Content digests: which rule base, and which answers, produced a report (issue 18).

A digest names content, not files: a rule base's digest is computed from what its YAML
files say once read (rule files, tables, the vocabulary, the invariants and any other
rule-base file; scenario cases excluded, as they change no advice), so comments, blank
lines, the order of keys in a mapping and the order in which files are found do not
change it, and a copy of the rule base in another folder has the same digest. Changing any
value, text, rule or file name does. A sheet's digest is computed from its validated
answers, defaults applied, so two sheets that say the same thing in different words have
the same digest.

Digests are shown as "sha256:" and 16 hexadecimal digits: short enough to read out,
long enough never to collide between two rule packs in practice.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any, Mapping

DIGEST_PREFIX = "sha256:"
DIGEST_LENGTH = 16  # hexadecimal digits shown


def canonical(data: Any) -> str:
    """One text for one content: mapping keys sorted, lists in order, no spaces."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, set, frozenset)):
        return list(value) if isinstance(value, tuple) else sorted(value, key=repr)
    return str(value)


def digest_of(data: Any) -> str:
    return DIGEST_PREFIX + hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def rules_digest(files: Mapping[str, Any]) -> str:
    """The digest of a rule base from its files' data: relative path (with '/') -> the
    file's content once read. The order of `files` does not matter."""
    return digest_of(sorted([path, files[path]] for path in files))


def sheet_answers(facts: Mapping[str, Any], lang: str | None, version: int) -> dict[str, Any]:
    """The validated answers as a sheet (nested sections), fit to be read again as a sheet:
    every field with its value, defaults included; absent optional values left out."""
    answers: dict[str, Any] = {"version": version}
    if lang is not None:
        answers["lang"] = lang
    for name, sections, key in _field_paths():
        value = facts.get(name)
        if value is None:
            continue
        node = answers
        for part in sections:
            node = node.setdefault(part, {})
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)  # 3, as the owner wrote it, not 3.0
        node[key] = value
    return answers


@functools.cache
def _field_paths() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """Each field of a sheet: its name, the sections it sits in and its key, split once."""
    from ..sheet.facts import SHEET_FIELDS

    return tuple((name, spec.path[:-1], spec.path[-1]) for name, spec in SHEET_FIELDS.items())


def sheet_digest(answers: Mapping[str, Any]) -> str:
    """The digest of validated answers (see sheet_answers); the report language is left
    out, as it changes the words, not the advice."""
    return digest_of({key: value for key, value in answers.items() if key != "lang"})


__all__ = ["rules_digest", "sheet_digest", "sheet_answers", "digest_of", "canonical"]
