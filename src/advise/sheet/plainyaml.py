"""Plain YAML: the values of plain scalars, and the reader of plain block documents.

A plain scalar's value (`true`, `tpe`, `4`) is what PyYAML's resolver and safe constructors
make of it, except YAML 1.1's surprising numbers, which stay text. Values are kept by their
text (`PLAIN`): the same few words and numbers come back in every sheet.

`read_plain_block` reads what most fact sheets are, line by line, in Python: block mappings
of simple keys, block sequences, `[a, b]` lists of words, plain or simply quoted scalars on
one line, comments and blank lines. It gives the data and positions libyaml's events give
(advise.sheet.yamlload._read_events), and gives up (None) on anything else, however
harmless: a character that is not printable (every character advise refuses is one), a
tag, an anchor, an alias, a flow mapping, a block or multi-line scalar, an escape, a key
that is not a simple word or is given twice, a directive or document marker, an unexpected
indentation. libyaml and PyYAML then read the text, and report what they report, as before.
"""

from __future__ import annotations

from typing import Any, Callable

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from ..kept import TwoGenerations

KeyPath = tuple[str | int, ...]
Marks = dict[KeyPath, tuple[int, int]]

TAG = "tag:yaml.org,2002:"
NULL, BOOL, INT, FLOAT, STR = (TAG + name for name in ("null", "bool", "int", "float", "str"))
CONSTRUCTORS: dict[str, Callable[[Any, ScalarNode], Any]] = {
    NULL: SafeConstructor.construct_yaml_null,
    BOOL: SafeConstructor.construct_yaml_bool,
    INT: SafeConstructor.construct_yaml_int,
    FLOAT: SafeConstructor.construct_yaml_float,
}


# YAML 1.1 reads `1:30` as 90 (base 60) and `010` as 8 (octal): a person writing a
# sheet means neither, so such numbers stay text and validation reports them.
# What re.search(r":|^[-+]?0[0-9_]+$|^[-+]?0[xob]", text, re.IGNORECASE) finds, as a truth
# value, without compiling it (some 0.07 ms of every start).
def surprising_number(text: str) -> bool:
    if ":" in text:
        return True
    body = text[1:] if text.startswith(("-", "+")) else text
    if not body.startswith("0"):
        return False
    if body[1:2] in ("x", "o", "b", "X", "O", "B"):
        return True
    digits = body[1:-1] if body.endswith("\n") else body[1:]  # `$` matches before a last newline too
    return digits != "" and all(char in "0123456789_" for char in digits)


def scalar_value(constructor: Any, node: ScalarNode) -> Any:
    """The value of a scalar node of resolved tag: text, timestamps, and the `<<` / `=` keys
    stay as written."""
    construct = CONSTRUCTORS.get(node.tag)
    if construct is None or (node.tag in (INT, FLOAT) and surprising_number(node.value)):
        return node.value
    try:
        return construct(constructor, node)
    except ValueError:  # e.g. an integer longer than Python converts: keep the text
        return node.value


# Each plain scalar's value kept by its text; TEXT for a text (which is the scalar itself),
# NULL for null: resolving a tag and constructing its value cost more than finding them here.
# Small generations: what one sheet says alone (its business's name) fills them, and a
# worker's memory must be flat after a few hundred sheets.
TEXT, NULL_VALUE = object(), object()
PLAIN: TwoGenerations[Any] = TwoGenerations(256)


class _Scalars(SafeConstructor, Resolver):
    """PyYAML's resolver and constructors of plain scalars, alone (nothing else is built)."""


_SCALARS = _Scalars()


def plain_value(text: str) -> Any:
    """What PLAIN keeps for a plain scalar (made afresh)."""
    node = ScalarNode(_SCALARS.resolve(ScalarNode, text, (True, False)), text)
    value = scalar_value(_SCALARS, node)
    return TEXT if value is text else NULL_VALUE if value is None else value


# A plain scalar starting with one of these is left to _scalar's checks (a quote, a flow
# collection, a comment, a tag, an anchor, an alias, a block scalar, a `-` or `?` or `:`).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


# YAML allows a key of at most 1,024 characters before its `:`, and libyaml and PyYAML refuse a
# longer one; longer than this (a quarter of it: libyaml may count the bytes), it is theirs to say.
_LONGEST_KEY = 256


class _GiveUp(Exception):
    """Not a plain block document: libyaml and PyYAML read it."""


def read_plain_block(text: str) -> tuple[Any, Marks] | None:
    """The data and marks of a plain block document (see the module docstring), else None."""
    if Resolver.yaml_path_resolvers:  # someone added path resolvers: PyYAML's own reading
        return None
    lines = text.split("\n")
    if not "".join(lines).isprintable():
        return None  # (tabs, carriage returns, controls, and what libyaml reads otherwise)
    try:
        return _read(lines)
    except Exception:  # _GiveUp, or anything else that goes wrong: libyaml and PyYAML say what
        return None


def _read(lines: list[str]) -> tuple[Any, Marks]:
    marks: Marks = {}
    root: dict[str, Any] = {}
    kept, newer = PLAIN, PLAIN.newer
    # The innermost open collection: its indentation, itself, its path, whether a list; and
    # those around it, outermost first.
    indent_now, container, path, in_list = 0, root, (), False
    around: list[tuple[int, Any, KeyPath, bool]] = []
    pending: Any = None  # the key of a `key:` line whose value is on the next lines (or null)
    pending_path: KeyPath = ()
    number = 0
    for line in lines:
        number += 1
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue
        indent = len(line) - len(stripped)
        item = stripped[:2] == "- "
        if pending is not None:  # a list or a mapping begins, or the value was null
            if indent > indent_now or (item and indent == indent_now):
                value = [] if item else {}
                container[pending] = value
                around.append((indent_now, container, path, in_list))
                if len(around) > 8:
                    raise _GiveUp  # deeper than a sheet: libyaml counts the levels
                indent_now, container, path, in_list = indent, value, pending_path, item
            else:
                container[pending] = None
            pending = None
        while indent < indent_now or (in_list and not item and indent == indent_now):
            if not around:
                raise _GiveUp
            indent_now, container, path, in_list = around.pop()
        if indent != indent_now or item is not in_list:
            raise _GiveUp  # a continuation line, or a key among items, or an item among keys
        if in_list:
            rest = stripped[2:]
            value_text = rest.lstrip(" ")
            if not value_text or value_text[0] == "#":
                raise _GiveUp  # a null item, or a collection in the item
            where = path + (len(container),)
            marks[where] = (number, indent + 3 + len(rest) - len(value_text))
            container.append(_scalar(value_text))
            continue
        key, colon, rest = stripped.partition(":")
        if not colon or not key.isidentifier() or key in container or len(key) > _LONGEST_KEY:
            raise _GiveUp
        found = newer.get(key)
        if found is None:
            found = kept.get(key, plain_value, key)
        if found is not TEXT:
            raise _GiveUp  # `yes:`, `null:`: a key that is not text
        if rest and rest[0] != " ":
            raise _GiveUp  # `key:value` is one scalar
        where = path + (key,)
        marks[where] = (number, indent + 1)
        value_text = rest.lstrip(" ")
        if not value_text or value_text[0] == "#":
            pending, pending_path = key, where
            continue
        first = value_text[0]
        if first in _INDICATORS or ":" in value_text or "#" in value_text or value_text[-1] == " ":
            if first == "[":
                container[key] = _words(value_text, where, marks, number, indent + len(stripped) - len(value_text))
            else:
                container[key] = _scalar(value_text)
            continue
        found = newer.get(value_text)  # a plain scalar: the whole rest of the line
        if found is None:
            found = kept.get(value_text, plain_value, value_text)
        container[key] = value_text if found is TEXT else None if found is NULL_VALUE else found
    if pending is not None:
        container[pending] = None
    if not root:
        raise _GiveUp  # an empty document, or only comments
    marks[()] = marks[(next(iter(root)),)]  # the document starts with its first key
    return root, marks


def _scalar(text: str) -> Any:
    """The value of a one-line scalar `text` (its line's rest after `key: ` or `- `, not empty)."""
    first = text[0]
    if first == '"' or first == "'":
        end = text.find(first, 1)
        if end < 0 or (first == '"' and "\\" in text[:end]):
            raise _GiveUp  # on several lines, or with an escape
        _comment_only(text[end + 1:])
        return text[1:end]
    if first in _INDICATORS and not (first == "-" and text[1:2] not in ("", " ")):
        raise _GiveUp
    cut = text.find(" #")
    if cut >= 0:
        text = text[:cut]
    text = text.rstrip(" ")
    if ": " in text or text.endswith(":"):
        raise _GiveUp  # a mapping where a scalar is expected
    found = PLAIN.newer.get(text)
    if found is None:
        found = PLAIN.get(text, plain_value, text)
    return text if found is TEXT else None if found is NULL_VALUE else found


def _comment_only(rest: str) -> None:
    """What may follow a value on its line: nothing, or spaces and a comment."""
    if rest and (rest[0] != " " or rest.lstrip(" ")[:1] not in ("", "#")):
        raise _GiveUp


def _words(text: str, path: KeyPath, marks: Marks, number: int, column: int) -> list[Any]:
    """A flow list of plain words `[a, b]` (`text` starts at the 0-based `column`)."""
    end = text.find("]")
    if end < 0:
        raise _GiveUp  # on several lines
    _comment_only(text[end + 1:])
    inner = text[1:end]
    items: list[Any] = []
    if not inner.strip(" "):
        return items
    column += 2  # the 1-based column of inner's first character
    for piece in inner.split(","):
        word = piece.strip(" ")
        if not word.isidentifier():
            raise _GiveUp  # an empty item, a quoted one, a collection, anything but a word
        marks[path + (len(items),)] = (number, column + len(piece) - len(piece.lstrip(" ")))
        found = PLAIN.newer.get(word)
        if found is None:
            found = PLAIN.get(word, plain_value, word)
        items.append(word if found is TEXT else None if found is NULL_VALUE else found)
        column += len(piece) + 1
    return items
