"""The JSON advise and durable_rules hand each other (edge 15 in advise.engine.durable):
numbers written as durable reads them exactly, durable's answers read at once, and the
text of a batch of facts, with the texts of keyed facts kept. Imports nothing of durable."""

from __future__ import annotations

import json
import re
from typing import Any, Hashable

from ..kept import TwoGenerations

_INT64 = 2**63
# Where a number might need rewriting: a digit before an exponent, or 19 digits in a row,
# found in the UTF-8 text with every digit made "0", "e" and "E" made "e", all else " "
# (translating bytes costs a tenth of searching the text with a regular expression).
_SHAPES = bytes(48 if 48 <= byte <= 57 else 101 if byte in (69, 101) else 32 for byte in range(256))
_SUSPECT = (b"0e", b"0" * 19)
# JSON strings (skipped) and numbers (rewritten by _number when needed).
_TOKEN = r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?'  # compiled when first needed (re's cache)


def _number(value: int | float) -> str:
    """A number as durable reads it exactly: '1.0e-05', never '1e-05' (edge 15)."""
    if isinstance(value, int):
        if -_INT64 <= value < _INT64:
            return int.__repr__(value)
        value = float(value)  # beyond 64 bits: a float (OverflowError past the largest float)
    text = float.__repr__(value)
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa if '.' in mantissa else mantissa + '.0'}e{exponent}"
    return text


def _rewrite(match: re.Match[str]) -> str:
    token = match.group()
    if token.startswith('"'):
        return token
    if "." in token or "e" in token:  # json.dumps writes floats with repr: a lowercase 'e'
        return _number(float(token))
    return _number(int(token))


# json.dumps(value, ensure_ascii=False, allow_nan=False) builds an encoder at every call: one, kept.
_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
# What _ENCODE writes of a text (json.encoder.JSONEncoder.encode: encode_basestring when not ensure_ascii).
_ENCODE_TEXT = json.encoder.encode_basestring
# json.loads without its two wrappers and their regular expressions (`read`).
_SCAN = json.JSONDecoder().scan_once


def to_json(value: Any) -> str:
    """JSON for durable: json.dumps' text, with numbers rewritten by `_number` where needed.
    NaN and infinities raise ValueError; a lone surrogate raises UnicodeError."""
    text = _ENCODE(value)
    shape = text.encode("utf-8").translate(_SHAPES)  # a lone surrogate fails here, in Python, not inside durable
    if _SUSPECT[0] in shape or _SUSPECT[1] in shape:
        text = re.sub(_TOKEN, _rewrite, text)
    return text


def read(text: str) -> Any:
    """json.loads(text) for the JSON durable writes (compact, one value): the C scanner at
    once, and json.loads itself for anything else (what it raises, as it raises it)."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


class Batch(list):
    """A batch of facts for one sheet, with the JSON text durable reads for it (`batch_text`),
    which advise's loop hands to durable's C engine as it is (advise.engine.durable._Host).
    `end`: the text durable writes of the firing of the fact that ends the batch; `parts`:
    the text of each fact, the end fact included when there is one, in order."""

    __slots__ = ("text", "end", "parts")


def batch_text(facts: list[dict], keys: list[Hashable | None] | None, sid: str, tail: str,
               kept: TwoGenerations[str], end: tuple[str, str] | str) -> Batch:
    """`facts`, then the fact that ends every batch (its id and type: `end`), each with the
    sheet's id `sid`; or, when `end` is the name of the rule that fires on the last of
    `facts` to end the batch, `facts` alone (`tail`: ', "sid": ', its JSON text, then '}'): the text `to_json` writes of
    the whole, fact by fact. The text of a fact with a key (keys[i], see
    Session.assert_facts), without the sheet's id, is kept in `kept` and reused, instead of
    written again at every sheet."""
    parts = []
    newer = kept.newer
    for index, fact in enumerate(facts):
        key = keys[index] if keys is not None else None
        part = None if key is None else newer.get(key)  # most are in the newer
        if part is None and key is not None:
            part = kept.find(key)
            newer = kept.newer  # a new generation, if the newer one was full
        if part is None:
            if not fact or "sid" in fact:  # the sheet's id would be the only property, or replace the fact's
                parts.append(to_json(dict(fact, sid=sid)))
                continue
            part = to_json(fact)[:-1]
            if key is not None:
                kept.keep(key, part)
                newer = kept.newer  # a new generation, if that one was full
        parts.append(part + tail)
    if end.__class__ is str:
        end_rule, last = _ENCODE_TEXT(end), parts[-1]  # as _ENCODE writes a text, without its call through the encoder
    else:
        end_rule = _ENCODE_TEXT(end[1])  # the type of the end fact, and the name of the rule that matches it
        last = f'{{"id": {_ENCODE_TEXT(end[0])}, "t": {end_rule}{tail}'
        parts.append(last)
    batch = Batch(facts)
    batch.text = "[" + ", ".join(parts) + "]"
    batch.parts = parts
    batch.end = f'{{{end_rule}:{{"m":{last}}}}}'
    return batch
