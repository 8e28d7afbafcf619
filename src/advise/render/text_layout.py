"""The layout of the plain-text reports: lines wrapped as Jinja's `wordwrap` does (but
cached, a report wraps hundreds), paragraphs and bullets whose lines follow their text."""

from __future__ import annotations

import re
import textwrap
from bisect import bisect_right
from itertools import accumulate
from typing import Any

import jinja2
from jinja2.filters import do_indent

from ..explain.wording import typography
from ..kept import TwoGenerations
from ..sandbox import allow_methods


_WRAPPERS: dict[tuple[int, bool, bool], textwrap.TextWrapper] = {}


@jinja2.pass_environment
def wordwrap(environment: jinja2.Environment, s: str, width: int = 79, break_long_words: bool = True,
             wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    """Jinja's `wordwrap` filter, giving the same text, faster (the text report wraps every
    paragraph). Like Jinja 3.1, each line of `s` is wrapped on its own."""
    if wrapstring is None:
        wrapstring = environment.newline_sequence
    return _wordwrap(s, width, break_long_words, wrapstring, break_on_hyphens)


def _wordwrap(s: str, width: int, break_long_words: bool, wrapstring: str, break_on_hyphens: bool = True) -> str:
    return wrapstring.join([wrapstring.join(_wrapped(line, width, break_long_words, break_on_hyphens))
                            for line in s.splitlines()])


_WRAPPED: dict[tuple[str, int, bool, bool], list[str]] = {}
_WRAPPED_MAX = 4096  # lines kept: a batch wraps the same sentences again and again


def _wrapped(line: str, width: int, break_long_words: bool, break_on_hyphens: bool) -> list[str]:
    """wrap_line, remembered for the long lines (a bounded cache: memory stays flat)."""
    if len(line) <= width:
        return wrap_line(line, width, break_long_words, break_on_hyphens)
    key = (line, width, break_long_words, break_on_hyphens)
    lines = _WRAPPED.get(key)
    if lines is None:
        if len(_WRAPPED) >= _WRAPPED_MAX:
            _WRAPPED.clear()
        lines = _WRAPPED[key] = wrap_line(line, width, break_long_words, break_on_hyphens)
    return lines


def wrap_line(line: str, width: int, break_long_words: bool = True, break_on_hyphens: bool = True) -> list[str]:
    """`textwrap.wrap(line, width, expand_tabs=False, replace_whitespace=False, ...)`, exactly.

    A line that fits is itself; words between single spaces are cut at the last space within
    reach (_single_spaced). Otherwise textwrap's own splitting into words and spaces
    (its simple one when the line has no hyphen, where both agree), then its greedy filling
    of each line, found by bisection on the words' running lengths instead of one word at a
    time; what that does not cover (a word to break, a width below 1) goes to textwrap.
    """
    if width > 0 and len(line) <= width and not line[-1:].isspace():
        return [line] if line else []
    key = (width, break_long_words, break_on_hyphens)
    wrapper = _WRAPPERS.get(key)
    if wrapper is None:
        wrapper = _WRAPPERS[key] = textwrap.TextWrapper(width=width, expand_tabs=False, replace_whitespace=False,
                                                        break_long_words=break_long_words,
                                                        break_on_hyphens=break_on_hyphens)
    if width <= 0:
        return wrapper.wrap(line)  # textwrap's own error
    if (not break_on_hyphens or "-" not in line) and line[0] != " " and line[-1] != " " and "  " not in line \
            and not _OTHER_SPACES.search(line):
        lines = _single_spaced(line, width, keep_long=not break_long_words)  # most lines of a report
        if lines is not None:
            return lines
    if "-" in line:
        chunks = wrapper._split_chunks(line)
    else:
        chunks = [chunk for chunk in wrapper.wordsep_simple_re.split(line) if chunk]
    if break_long_words and any(len(chunk) > width for chunk in chunks):
        return wrapper.wrap(line)
    ends = list(accumulate(map(len, chunks), initial=0))  # ends[k]: the length of chunks[:k]
    count, lines, i = len(chunks), [], 0
    while i < count:
        if lines and chunks[i].strip() == "":  # a line starts with no space (but the first)
            i += 1
            if i == count:
                break
        j = bisect_right(ends, ends[i] + width, i) - 1  # chunks[i:j] fit, and no more
        if j == i:  # a word longer than the width: alone on its line
            j = i + 1
        k = j - 1 if chunks[j - 1].strip() == "" else j  # nor ends with a space
        if k > i:
            lines.append("".join(chunks[i:k]))
        i = j
    return lines


# textwrap's other whitespace: a line with none of them (and no two spaces in a row) is words
# between single spaces, which _single_spaced wraps by searching spaces instead of splitting.
_OTHER_SPACES = re.compile("[\t\n\x0b\x0c\r]")


def _single_spaced(line: str, width: int, keep_long: bool = False) -> list[str] | None:
    """wrap_line for words between single spaces (no space first or last): each line is the
    longest run of whole words within the width, as textwrap's greedy filling makes it; a word
    longer than the width stands alone (keep_long). None where this does not cover textwrap:
    a word to break, or a line that starts or ends with other whitespace (a no-break space...),
    which textwrap drops when a whole word is made of it."""
    lines, start, size = [], 0, len(line)
    while size - start > width:
        cut = line.rfind(" ", start, start + width + 1)  # the last space within reach: words before it fit
        if cut <= start:  # the first word is longer than the width
            if not keep_long:
                return None
            cut = line.find(" ", start)
            if cut == -1:
                break
        lines.append(line[start:cut])
        start = cut + 1
    lines.append(line[start:])
    for piece in lines:
        if piece[0].isspace() or piece[-1].isspace():
            return None
    return lines


class TextLayout:
    """The paragraphs and list items of the plain-text reports (explanations/_text.j2 makes
    them with `text_layout(width, lang)`): `wrap` and `bullet`, lines at most `width` wide.

    They give exactly the text of the Jinja macros they replace (`wordwrap` without breaking
    long words, then `indent`), in Python because a report has some 200 of them, and each
    macro call costs Jinja more than the wrapping itself. No words here: only layout.
    """

    # Texts kept, in each of two generations (advise.kept): a batch lays out the same sentences
    # again and again, among others that hold a sheet's values.
    _CACHE_MAX = 2048  # so at most 4,096 kept in all, as one store was: a worker's memory stays flat

    def __init__(self, width: int, newline: str = "\n", lang: str = "en"):
        self.width = width
        self.newline = newline
        self.lang = lang
        self._kept: TwoGenerations[str] = TwoGenerations(self._CACHE_MAX)

    def wrap(self, text: str, indent: int) -> str:
        """A paragraph: `text` wrapped to the width, every line indented by `indent` spaces.
        A line never breaks where the language's typography puts a no-break space, nor inside
        a hyphenated word ("ceux-ci", "best-fitting")."""
        key = (text, indent, None)
        done = self._kept.newer.get(key)  # most texts of a report: looked up here, a call less
        return self._kept.get(key, self._wrap, text, indent) if done is None else done

    def bullet(self, text: Any, indent: int, mark: str = "- ") -> str:
        """A list item: `indent` spaces, the mark, then the text; the following lines line up
        under the text."""
        key = (text, indent, mark)
        done = self._kept.newer.get(key)
        return self._kept.get(key, self._bullet, text, indent, mark) if done is None else done

    def _wrap(self, text: str, indent: int) -> str:
        line = typography(str(text), self.lang)
        if self.newline == "\n":
            if fits(line, self.width - indent):  # most texts: a line of their own
                return " " * indent + line
            lines = single_spaced(line, self.width - indent)  # most others: words between single spaces
            if lines is not None:
                pad = " " * indent
                return pad + ("\n" + pad).join(lines)
        wrapped = _wordwrap(line, self.width - indent, False, self.newline, False)
        return indented(wrapped, indent, first=True) if self.newline == "\n" else do_indent(wrapped, indent, first=True)

    def _bullet(self, text: Any, indent: int, mark: str) -> str:
        line = str(mark) + typography(str(text), self.lang)
        if self.newline == "\n":
            if fits(line, self.width - indent - len(mark)):
                return " " * indent + line
            lines = single_spaced(line, self.width - indent - len(mark))
            if lines is not None:
                return " " * indent + ("\n" + " " * (indent + len(mark))).join(lines)
        wrapped = _wordwrap(line, self.width - indent - len(mark), False, self.newline, False)
        if self.newline != "\n":
            return " " * indent + do_indent(wrapped, indent + len(mark))
        return " " * indent + indented(wrapped, indent + len(mark))


# Where str.splitlines (so _wordwrap) starts a new line.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def fits(line: str, width: int) -> bool:
    """Whether `line` is its own layout at `width` (_wordwrap gives it as it is): one line
    within the width that does not end with a space (which wrapping would drop)."""
    return 0 < width and len(line) <= width and not line[-1:].isspace() and _LINE_BREAK.search(line) is None


# What makes a line other than words between single spaces for _single_spaced: a line break
# of any kind (str.splitlines), textwrap's other whitespace, two spaces in a row.
_NOT_SINGLE_SPACED = re.compile("[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]|  ")


def single_spaced(line: str, width: int) -> list[str] | None:
    """The lines _wordwrap(line, width, False, "\n", False) makes of `line`, for words between
    single spaces (none first or last): what wrap_line gives such a line, without the splitting
    into lines and the checks around it; None for any other line (or where _single_spaced
    leaves it to textwrap)."""
    if width <= 0 or not line or line[0] == " " or line[-1] == " " or _NOT_SINGLE_SPACED.search(line):
        return None
    return _single_spaced(line, width, keep_long=True)


def indented(text: str, width: int, first: bool = False) -> str:
    """Jinja's `indent` filter (do_indent(text, width, first)), for what _wordwrap makes: lines
    joined by "\n" and no other line break. Without an empty line but the first, each "\n"
    takes the indent after it; otherwise Jinja's own, which leaves empty lines empty."""
    if "\n\n" in text or text.endswith("\n"):
        return do_indent(text, width, first)
    pad = " " * width
    if "\n" in text:
        text = text.replace("\n", "\n" + pad)
    return pad + text if first else text


_LAYOUTS: dict[tuple[int, str], TextLayout] = {}


allow_methods(TextLayout, "wrap", "bullet")  # what the text templates call


def text_layout(width: int, lang: str = "en") -> TextLayout:
    """The TextLayout for lines at most `width` wide in `lang` (one for each, kept: a few at
    most, as a template may ask for any width or language and a worker's memory stays flat)."""
    layout = _LAYOUTS.get((width, lang))
    if layout is None:
        if len(_LAYOUTS) >= _LAYOUTS_MAX:
            _LAYOUTS.clear()
        layout = _LAYOUTS[(width, lang)] = TextLayout(width, lang=lang)
    return layout


_LAYOUTS_MAX = 16  # the shipped templates ask for one a language


