"""advise.safetext finds the characters advise refuses without compiling their whole class
(advise.safetext._UNSAFE): the same first character, and the same text written out, as one
search with that class, on every character of the Basic Multilingual Plane and on texts that
mix them."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from advise import safetext

REFERENCE = re.compile(safetext._UNSAFE)


def reference_first(text: str) -> tuple[int, str] | None:
    match = REFERENCE.search(text)
    return (match.start(), match.group()) if match else None


def test_every_character_of_the_basic_plane_is_judged_as_the_class_judges_it() -> None:
    for code in range(0x10000):
        text = f"ab{chr(code)}c"
        assert safetext.first_unsafe(text) == reference_first(text), hex(code)
    for code in (0x10000, 0x1F600, 0xE0001, 0x10FFFF):
        assert safetext.first_unsafe(chr(code)) is None


_ALPHABET = list("ab é\t\n\x00\x1b\x7f\x85\x9f\xa0") + ["\u061c", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066",
                                                    "\u2069", "\u2028", "\ud800", "\udbff", "\udc00", "\udfff",
                                                    "\U0001f600", "\ufeff"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=30))
def test_texts_are_searched_and_written_out_as_with_the_whole_class(text: str) -> None:
    assert safetext.first_unsafe(text) == reference_first(text)
    expected = REFERENCE.sub(safetext._shown, text)
    assert safetext.visible(text) == expected
    assert safetext.visible(text, one_line=True) == re.sub(safetext._ONE_LINE, safetext._shown, text)
