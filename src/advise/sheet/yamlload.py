"""Safe YAML reading that keeps where every value came from.

A fact sheet is written by hand and read by a program that must never run anything it
contains. So the YAML is only *composed* into nodes (never constructed by PyYAML), and we
build plain Python data from the nodes ourselves, remembering the line and column of each
key and list item for error messages and explanations.

Refused, each as a `Problem` with its position: explicit tags other than the standard
data tags (nothing is ever built from `!!python/...`), anchors and aliases (so an alias
bomb costs nothing), duplicate keys, keys that are not text, nesting deeper than
`MAX_DEPTH`. All of these are collected in one pass; a syntax error stops the reading.

Speed: when PyYAML has libyaml (`yaml.__with_libyaml__`), its C parser scans and parses
the events, and our own composer (below) still builds the nodes from them. libyaml is
only trusted with a document that reads cleanly: whenever it reports an error, or our
composer or builder finds anything to refuse, the text is read again by the pure-Python
parser, so every problem, its wording, line and column are PyYAML's own, as before.
Without libyaml, the pure-Python parser does all of it. Before libyaml, the reader of plain
block documents (advise.sheet.plainyaml) reads what most sheets are, and gives the same data
and positions; it leaves anything else to libyaml.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from typing import Any, Callable

import yaml
from yaml.events import (AliasEvent, DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from ..errors import AdviseError, Problem, Text, register_messages
from ..safetext import escape_character, first_unsafe, quote
from .plainyaml import BOOL, FLOAT, INT, NULL, STR
from .plainyaml import NULL_VALUE as _NULL
from .plainyaml import PLAIN as _PLAIN
from .plainyaml import TAG as _TAG
from .plainyaml import TEXT as _TEXT
from .plainyaml import KeyPath, plain_value as _plain_value, read_plain_block, scalar_value
from .plainyaml import surprising_number as _surprising_number  # noqa: F401 - tests call it here

MAX_BYTES = 1024 * 1024
# A fact sheet is three levels deep; the limit only stops `[[[[...` from exhausting
# the recursion of PyYAML's composer (and of our walk).
MAX_DEPTH = 64

register_messages(
    {
        "control-character": {
            "en": "the text holds the control character {character}: it could change what a terminal shows "
                  "(colours, the clipboard, hidden lines); write plain text",
            "fr": "le texte contient le caractère de contrôle {character} : il pourrait changer ce qu'affiche "
                  "un terminal (couleurs, presse-papiers, lignes masquées) ; écrivez du texte simple",
        },
        "lone-surrogate": {
            "en": "the text holds {character}, half of a UTF-16 pair, which is not a character: remove it",
            "fr": "le texte contient {character}, une moitié de paire UTF-16, qui n'est pas un caractère : supprimez-la",
        },
        "yaml-too-deep": {
            "en": "the data is nested more than {limit} levels deep",
            "fr": "les données sont imbriquées sur plus de {limit} niveaux",
        },
        "yaml-tag-mismatch": {
            "en": "'{value}' cannot be read as {tag}",
            "fr": "« {value} » ne peut pas être lu comme {tag}",
        },
    }
)

# Explicit tags that only restate plain data are harmless; every other tag is refused.
SEQ, MAP, TIMESTAMP = _TAG + "seq", _TAG + "map", _TAG + "timestamp"
_SCALAR_TAGS = {NULL, BOOL, INT, FLOAT, STR, TIMESTAMP}


class Positions:
    """Where each key and list item of a document is: path tuple -> (line, column), 1-based."""

    def __init__(self, marks: dict[KeyPath, tuple[int, int]] | None = None):
        self._marks: dict[KeyPath, tuple[int, int]] = dict(marks or {})

    @property
    def marks(self) -> dict[KeyPath, tuple[int, int]]:
        """Path tuple -> (line, column), as `of` gives them (read only)."""
        return self._marks

    def of(self, path: KeyPath) -> tuple[int, int] | None:
        return self._marks.get(tuple(path))

    def line(self, path: KeyPath) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        for end in range(len(path), -1, -1):
            mark = self._marks.get(path[:end])
            if mark is not None:
                return mark[0]
        return None

    def __repr__(self) -> str:
        return f"Positions({len(self._marks)} marks)"


def load_yaml(
    path: str | os.PathLike[str],
    *,
    error: type[AdviseError],
    max_bytes: int = MAX_BYTES,
    display_name: str | None = None,
) -> tuple[Any, Positions]:
    """Read a YAML file of at most `max_bytes` into plain data and its positions."""
    name = display_name if display_name is not None else str(path)
    raw = _read_bytes(path, name, error=error, max_bytes=max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # everything before the bad byte is valid UTF-8: locate it in characters
        valid = raw[: exc.start].decode("utf-8")
        line, column = _line_and_column(valid, len(valid))
        raise error(Problem("not-utf8", {"offset": exc.start}, file=name, line=line, column=column)) from None
    return load_yaml_text(text.removeprefix("\ufeff"), filename=name, error=error)


def load_yaml_text(text: str, *, filename: str, error: type[AdviseError]) -> tuple[Any, Positions]:
    """Parse YAML text into plain data and its positions; see the module docstring."""
    if _CParser is not None and not _libyaml_differs(text):
        plain = read_plain_block(text)  # most sheets: what the events would give, read faster
        if plain is not None:
            return plain[0], Positions(plain[1])
        try:
            found = _read_events(text)
        except Exception:  # libyaml refused it, or met something to report: PyYAML says what
            found = None
        if found is not None:
            return found
    try:
        found = _compose(_Loader, text, filename)
    except yaml.MarkedYAMLError as exc:
        raise error(_syntax_problem(exc, filename)) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_and_column(text, exc.position)
        reason = f"the character #x{exc.character:04x} is not allowed"
        raise error(Problem("yaml-syntax", {"reason": reason}, file=filename, line=line, column=column)) from None
    except yaml.YAMLError as exc:  # no position known; PyYAML raises none such today
        raise error(Problem("yaml-syntax", {"reason": str(exc)}, file=filename)) from None
    except _TooDeep as exc:
        raise error(Problem("yaml-too-deep", {"limit": MAX_DEPTH}, file=filename, line=exc.line, column=exc.column)) from None
    if not isinstance(found, tuple):
        raise error(found)  # the file is empty, or the problems found in it
    return found


def _compose(loader_class: type, text: str, filename: str) -> tuple[Any, Positions] | Problem | list[Problem] | None:
    """Data and positions; or the problems to report (the C loader returns None instead)."""
    loader = loader_class(text, filename)  # the reader already refuses control characters here
    try:
        node = loader.get_single_node()  # what yaml.compose does, keeping the loader's problems
    finally:
        loader.dispose()
    strict = loader_class is _Loader
    if node is None or (node.tag == NULL and node.value == ""):
        return Problem("file-empty", file=filename) if strict else None
    builder = _Builder(filename, loader)
    data = builder.build(node, ())
    problems = loader.problems + builder.problems
    if problems:
        return problems if strict else None
    return data, Positions(builder.marks)


def _read_bytes(path: str | os.PathLike[str], name: str, *, error: type[AdviseError], max_bytes: int) -> bytes:
    def refuse(code: str, **params: Any) -> AdviseError:
        return error(Problem(code, params, file=name))

    try:
        status = os.stat(path)
        if stat.S_ISDIR(status.st_mode):
            raise refuse("file-is-directory")
        size = status.st_size
        # Check the size before reading, and read no more than one byte past the limit,
        # in case the file grows meanwhile or is a device with no size.
        if size > max_bytes:
            raise refuse("file-too-large", size=size, limit=max_bytes)
        raw = _read_at_most(path, max_bytes + 1, size + 1, size if stat.S_ISREG(status.st_mode) else None)
    except FileNotFoundError:
        raise refuse("file-missing") from None
    except IsADirectoryError:
        raise refuse("file-is-directory") from None
    except OSError as exc:
        raise refuse("file-unreadable", reason=exc.strerror or str(exc)) from None
    if len(raw) > max_bytes:
        raise refuse("file-too-large", size=len(raw), limit=max_bytes)
    return raw


def _read_at_most(path: str | os.PathLike[str], limit: int, first: int, size: int | None = None) -> bytes:
    """The file's first `limit` bytes (fewer at its end), read `first` bytes at a time at
    first (its size and a byte: a regular file in one read), then 64 KiB at a time. Read
    from the descriptor: a buffered file would make a buffer of `limit` bytes (1 MiB, a map
    of memory made, resized and dropped for each sheet) and ask whether the file is a
    terminal and where it starts. `size`: a regular file's size as os.stat gave it; once that
    many bytes are read (and not the byte more asked for), no other read is made to find its
    end (a file that grew meanwhile gives that byte more, and is read on as any file)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        parts, got, step = [], 0, first
        while got < limit:
            chunk = os.read(descriptor, min(step, limit - got))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
            if got == size:
                break  # a regular file read whole (see above)
            step = 1 << 16
    finally:
        os.close(descriptor)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _syntax_problem(exc: yaml.MarkedYAMLError, filename: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    reason = exc.problem or exc.context or "syntax error"
    if exc.context and exc.problem:  # PyYAML words these to be read context first
        context_mark = exc.context_mark
        where = f" on line {context_mark.line + 1}" if context_mark and context_mark.line != mark.line else ""
        reason = f"{exc.context}{where}, {exc.problem}"
    return Problem(
        "yaml-syntax",
        {"reason": reason},
        file=filename,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark):
        self.line, self.column = mark.line + 1, mark.column + 1


class _Refusals:
    """A composer that refuses anchors, aliases and object tags as it goes (a mixin).

    Problems are recorded rather than raised, so one reading reports all of them.
    Only the composer is used: nothing is ever constructed by PyYAML.
    """

    problems: list[Problem]

    def _start(self, filename: str) -> None:
        self.name = filename
        self.problems = []
        self._depth = 0
        self._alias_lines: set[int] = set()

    def _report(self, code: str, mark: yaml.Mark, **params: Any) -> None:
        self.problems.append(Problem(code, params, file=self.name, line=mark.line + 1, column=mark.column + 1))

    def _report_alias(self, mark: yaml.Mark) -> None:
        # One report per line: a bomb line holds dozens of aliases, one message suffices.
        if mark.line not in self._alias_lines:
            self._alias_lines.add(mark.line)
            self._report("yaml-alias", mark)

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(AliasEvent):
            event = self.get_event()
            self._report_alias(event.start_mark)
            # Stand in a null: the alias is never followed, so nothing can blow up.
            return ScalarNode(NULL, "", event.start_mark, event.end_mark)
        event = self.peek_event()
        if event.anchor is not None:
            self._report_alias(event.start_mark)
            event.anchor = None  # never registered, so no alias can reach it
        self._check_tag(event)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooDeep(event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _check_tag(self, event: Any) -> None:
        tag = event.tag
        if tag is None or tag == "!":  # no tag, or the non-specific one: plain data
            return
        if isinstance(event, ScalarEvent) and tag in _SCALAR_TAGS:
            implicit = self.resolve(ScalarNode, event.value, (True, False))
            if tag == STR or implicit == tag or (tag == FLOAT and implicit == INT):
                return
            self._report("yaml-tag-mismatch", event.start_mark, value=event.value, tag=tag.replace(_TAG, "!!"))
        elif (isinstance(event, SequenceStartEvent) and tag == SEQ) or (
            isinstance(event, MappingStartEvent) and tag == MAP
        ):
            return
        else:
            self._report("yaml-tag", event.start_mark, tag=tag.replace(_TAG, "!!"))
        event.tag = None  # reported; read the value as if untagged to find further problems


class _Loader(_Refusals, yaml.SafeLoader):
    """PyYAML's pure-Python reader, scanner and parser, under our composer."""

    def __init__(self, text: str, filename: str):
        yaml.SafeLoader.__init__(self, text)
        self._start(filename)


_CParser: type | None = None
if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CParser as _CParser


def _read_events(text: str) -> tuple[Any, Positions] | None:
    """libyaml's events read straight into plain data and positions, without nodes: what
    composing them and _Builder give, for a document with nothing to refuse or report.

    Anything else raises _NotForLibyaml (or libyaml's own error), and the pure-Python parser
    reads the text (see load_yaml_text): tags (even the non-specific `!`), anchors and
    aliases, on which libyaml and PyYAML do not always agree on the events; a `?` inside a
    plain scalar in a flow collection (`[is it?]`), which PyYAML refuses and libyaml
    accepts; directives; a key that is not text, a duplicate key, a text with a character
    advise refuses, nesting deeper than MAX_DEPTH; an empty file, several documents."""
    if Resolver.yaml_path_resolvers:  # someone added path resolvers: PyYAML's own reading
        raise _NotForLibyaml
    parser = _CParser(text)
    try:
        get = parser.get_event
        get()  # the stream's start
        start = get()
        if type(start) is not DocumentStartEvent or start.version is not None or start.tags:
            raise _NotForLibyaml
        marks: dict[KeyPath, tuple[int, int]] = {}
        first = get()
        data = _EventReader(get, marks).value(first, (), 0)
        if data is None and type(first) is ScalarEvent and first.value == "":
            raise _NotForLibyaml  # an empty document: the file is empty
        marks[()] = (first.start_mark.line + 1, first.start_mark.column + 1)
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise _NotForLibyaml  # several documents
    finally:
        parser.dispose()
    return data, Positions(marks)


class _EventReader:
    """Reads one node's events into plain data (see _read_events), as _Builder.build would
    from the node composed of them."""

    __slots__ = ("get", "marks", "flow")

    def __init__(self, get: Callable[[], Any], marks: dict[KeyPath, tuple[int, int]]):
        self.get = get
        self.marks = marks
        self.flow = 0  # how many flow collections enclose the value being read

    def value(self, event: Any, path: KeyPath, depth: int) -> Any:
        """The value whose first event is `event`, at `path`, inside `depth` collections."""
        kind = type(event)
        if kind is AliasEvent or event.anchor is not None or event.tag is not None:
            raise _NotForLibyaml
        if kind is ScalarEvent:
            if depth >= MAX_DEPTH:
                raise _NotForLibyaml
            text = event.value
            if not event.style:  # plain (else quoted, or a block scalar: a text, whatever it says)
                if self.flow and "?" in text:
                    raise _NotForLibyaml
                value = _PLAIN.newer.get(text)
                if value is None:
                    value = _PLAIN.get(text, _plain_value, text)
                if value is not _TEXT:
                    return None if value is _NULL else value
            if not (text.isprintable() or first_unsafe(text) is None):
                raise _NotForLibyaml  # a character advise refuses: reported
            return text
        depth += 1
        if depth > MAX_DEPTH:
            raise _NotForLibyaml
        flow = 1 if event.flow_style else 0
        self.flow += flow
        get, marks = self.get, self.marks
        if kind is SequenceStartEvent:
            items: list[Any] = []
            event = get()
            while type(event) is not SequenceEndEvent:
                where = path + (len(items),)
                marks[where] = (event.start_mark.line + 1, event.start_mark.column + 1)
                items.append(self.value(event, where, depth))
                event = get()
            self.flow -= flow
            return items
        if kind is not MappingStartEvent:
            raise _NotForLibyaml
        mapping: dict[str, Any] = {}
        newer = _PLAIN.newer
        event = get()
        while type(event) is not MappingEndEvent:
            # A plain key or value kept already (most of a sheet's), read here as value() reads it.
            if (type(event) is ScalarEvent and not event.style and event.anchor is None and event.tag is None
                    and depth < MAX_DEPTH and not (self.flow and "?" in event.value)
                    and newer.get(event.value) is _TEXT):
                key = event.value
                if not (key.isprintable() or first_unsafe(key) is None):
                    raise _NotForLibyaml  # a character advise refuses: reported
            else:
                key = self.value(event, path, depth) if type(event) is ScalarEvent else None
            if type(key) is not str or key in mapping:
                raise _NotForLibyaml  # a key that is not text, or twice the same key: reported
            where = path + (key,)
            marks[where] = (event.start_mark.line + 1, event.start_mark.column + 1)
            event = get()
            # (Its depth was checked with its key's; a kept value that is not text holds no `?`.)
            if type(event) is ScalarEvent and not event.style and event.anchor is None and event.tag is None:
                value = newer.get(event.value)
                if value is None or value is _TEXT:
                    value = self.value(event, where, depth)
                elif value is _NULL:
                    value = None
                mapping[key] = value
            else:
                mapping[key] = self.value(event, where, depth)
            event = get()
        self.flow -= flow
        return mapping


class _NotForLibyaml(Exception):
    """The C parser gives this document to the pure-Python one."""


# Where libyaml reads differently from PyYAML's pure-Python parser (found by comparing them
# on random documents): it accepts tabs where PyYAML refuses them, reads a byte order mark
# or the Unicode line breaks NEL, LS and PS differently, and takes `|#` as a block scalar
# with a comment. A text with any of these goes to the pure-Python parser directly. (The
# characters are looked for one by one: in one regular expression with the rest, compiling
# it took 0.2 ms of every run, for a class of characters beyond Latin-1.)
_LIBYAML_DIFFERS = ("\t", "\ufeff", "\x85", "\u2028", "\u2029")


@functools.cache
def _block_scalar_comment() -> re.Pattern[str]:
    """Compiled when a text has a `|` or a `>` (0.1 ms): most sheets have neither."""
    return re.compile(r"[|>][-+0-9]*#")


def _libyaml_differs(text: str) -> bool:
    """What re.search("[\\t\\ufeff\\x85\\u2028\\u2029]|[|>][-+0-9]*#", text) finds, as a truth value."""
    return any(character in text for character in _LIBYAML_DIFFERS) or (
        ("|" in text or ">" in text) and _block_scalar_comment().search(text) is not None)


class _Builder:
    """Turns composed nodes into plain data, recording positions and key problems."""

    def __init__(self, filename: str, loader: _Loader):
        self.filename = filename
        self.loader = loader
        self.marks: dict[KeyPath, tuple[int, int]] = {}
        self.problems: list[Problem] = []

    def build(self, node: Node, path: KeyPath) -> Any:
        if not path:
            self.marks[()] = _position(node)
        if isinstance(node, SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                self.marks[path + (index,)] = _position(child)
                items.append(self.build(child, path + (index,)))
            return items
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        value = self._scalar(node)
        if isinstance(value, str):
            self._check_characters(value, node, path)
        return value

    def _check_characters(self, text: str, node: Node, path: KeyPath) -> None:
        """Control characters and lone surrogates (written as escapes in a quoted scalar) are
        refused in every file advise reads: nothing from a file reaches a terminal with them."""
        found = first_unsafe(text)
        if found is not None:
            line, column = _position(node)
            code = "lone-surrogate" if "\ud800" <= found[1] <= "\udfff" else "control-character"
            self._problem(code, line, column, path, character=escape_character(found[1]))

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node) if isinstance(key_node, ScalarNode) else key_node
            line, column = _position(key_node)
            if isinstance(key, Node):
                self._problem("wrong-type", line, column, path, expected="text as key", found="a list or mapping")
                continue
            if not isinstance(key, str):
                self._problem("wrong-type", line, column, path + (str(key),), expected="text as key", found=describe(key))
                continue
            self._check_characters(key, key_node, path + (key,))
            if key in result:
                first = self.marks[path + (key,)][0]
                self._problem("yaml-duplicate-key", line, column, path + (key,), key=key, first_line=first)
                continue
            self.marks[path + (key,)] = (line, column)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _scalar(self, node: ScalarNode) -> Any:
        return scalar_value(self.loader, node)

    def _problem(self, code: str, line: int, column: int, path: KeyPath, **params: Any) -> None:
        field = ".".join(str(part) for part in path) or None
        self.problems.append(Problem(code, params, file=self.filename, line=line, column=column, field=field))


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def describe(value: Any) -> Text:
    """What a value is, in the words of an error message (a Text: English as a str, and French)."""
    if value is None:
        return Text("nothing (null)", fr="rien (null)")
    if isinstance(value, bool):
        word = str(value).lower()
        return Text(f"true/false value {word}", fr=f"la valeur vrai/faux {word}")
    if isinstance(value, (int, float)):
        return Text(f"number {value}", fr=f"le nombre {value}")
    if isinstance(value, str):
        return Text(f"text '{quote(value)}'", fr=f"le texte « {quote(value, lang='fr')} »")
    if isinstance(value, list):
        return Text("a list", fr="une liste")
    if isinstance(value, dict):
        return Text("a mapping", fr="une table (clé : valeur)")
    return Text(type(value).__name__)
