"""Text from a sheet, a rule file or a file name, made safe to show on a terminal, in a text
report, a CSV file or an error message.

A control character is an instruction to a terminal, not text: ESC starts the sequences
that move the cursor, recolour, retitle the window or, with OSC 52, write to the clipboard
of whoever reads the report; a carriage return overwrites the line; bidirectional
overrides reorder what is shown. advise refuses them in its inputs (advise.sheet.yamlload,
advise.sheet.facts) and shows any it still has to quote visibly, as `\\x1b`, `\\u202e`.
A lone surrogate (half of a UTF-16 pair) is not text at all: refused the same way.

Errors quote a value in a bounded form: cut, with its length.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# C0 controls but tab and line feed, DEL, C1 controls, the bidirectional marks, embeddings,
# overrides and isolates, and lone surrogates.
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_ONE_LINE = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
QUOTE_LIMIT = 120

# How a text is searched for them (first_unsafe) without compiling _UNSAFE, whose class
# beyond Latin-1 took 0.3 ms of every run to compile: the controls in one class within
# Latin-1; each bidirectional character with str.find; a lone surrogate as the one thing
# UTF-8 cannot encode. _UNSAFE itself is compiled when a text has one to write out.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI = ("\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
         "\u2068", "\u2069")


@functools.cache
def _unsafe() -> re.Pattern[str]:
    return re.compile(_UNSAFE)


@functools.cache
def _unsafe_one_line() -> re.Pattern[str]:
    """_UNSAFE and line feeds and tabs: compiled when first needed (an error, a batch
    summary), not by every run (0.2 ms)."""
    return re.compile(_ONE_LINE)


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def first_unsafe(text: str) -> tuple[int, str] | None:
    """(index, character) of the first character advise refuses in a text, or None."""
    match = _CONTROLS.search(text)
    first = match.start() if match else len(text)
    if not text.isascii():
        for character in _BIDI:
            at = text.find(character, 0, first)
            if at >= 0:
                first = at
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:  # a lone surrogate
            first = min(first, error.start)
    return (first, text[first]) if first < len(text) else None


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` with each unsafe character written out (`\\x1b`); `one_line`: line feeds and
    tabs too."""
    if one_line:
        pattern = _unsafe_one_line()
        return pattern.sub(_shown, text) if pattern.search(text) else text
    return _unsafe().sub(_shown, text) if first_unsafe(text) is not None else text


def escape_character(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def bounded(text: str, limit: int = QUOTE_LIMIT, lang: str = "en") -> str:
    """`text`, cut to `limit` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} " + ("caractères" if lang == "fr" else "characters") + ")"


def quote(value: Any, limit: int = QUOTE_LIMIT, lang: str = "en") -> str:
    """A value as an error message shows it: visible, on one line, bounded."""
    return bounded(visible(str(value), one_line=True), limit, lang)
