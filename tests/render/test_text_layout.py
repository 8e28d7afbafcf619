"""advise.render.text_layout.TextLayout: what it keeps gives what it would lay out afresh, and
what it keeps is bounded, the sentences asked again and again staying kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.filters import do_indent

from advise.explain.wording import typography
from advise.render import text_layout
from advise.render.text_layout import TextLayout

_WORDS = st.sampled_from(["a", "word", "ceux-ci", "best-fitting", "3", "h", "€", "10", "000", ":", "«", "»",
                          "averyveryverylongwordthatdoesnotfitanywhereatallinthewidth", " ", "  ", "\n"])


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.lists(_WORDS, max_size=40).map(" ".join), min_size=1, max_size=12),
       indent=st.integers(0, 12), mark=st.sampled_from(["- ", "· ", "12. ", ""]), lang=st.sampled_from(["en", "fr"]))
def test_what_is_kept_is_what_a_fresh_layout_gives(texts: list[str], indent: int, mark: str, lang: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TextLayout, "_CACHE_MAX", 3)  # the texts go through both generations
        kept = TextLayout(40, lang=lang)
        for _ in range(3):
            for text in texts:
                assert kept.wrap(text, indent) == TextLayout(40, lang=lang).wrap(text, indent)
                assert kept.bullet(text, indent, mark) == TextLayout(40, lang=lang).bullet(text, indent, mark)


def test_the_memory_is_bounded_and_keeps_what_is_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TextLayout, "_CACHE_MAX", 50)
    layout = TextLayout(30)
    laid_out: list[str] = []
    typography = text_layout.typography  # each text laid out is typeset first, once
    monkeypatch.setattr(text_layout, "typography", lambda s, *rest: laid_out.append(s) or typography(s, *rest))
    for round_ in range(40):
        layout.wrap("the same sentence in every report", 2)
        layout.bullet("the same item in every report", 2)
        for n in range(10):
            layout.wrap(f"a value of sheet {round_}: {n}", 2)
            layout.bullet(f"an answer of sheet {round_}: {n}", 4, mark="· ")
        assert len(layout._kept.newer) <= 50 and len(layout._kept.older) <= 50
    assert laid_out.count("the same sentence in every report") == 1
    assert laid_out.count("the same item in every report") == 1
    assert len(laid_out) == 2 + 40 * 20  # every other text once


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab -\n\r\t\x0b\x0c\x1c\x85\u2028\u00a0")), max_size=80),
       width=st.integers(1, 20), indent=st.integers(0, 6), first=st.booleans())
def test_indenting_wrapped_lines_gives_what_jinjas_indent_gives(text: str, width: int, indent: int, first: bool) -> None:
    wrapped = text_layout._wordwrap(text, width, False, "\n", False)
    assert text_layout.indented(wrapped, indent, first) == do_indent(wrapped, indent, first)
    joined = "\n".join(text.splitlines())  # any lines, some empty, none with another break
    assert text_layout.indented(joined, indent, first) == do_indent(joined, indent, first)


_LINES = st.text(alphabet=st.sampled_from(list("ab -:?3h\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\u00a0\u202f")),
                 max_size=60)


_SENTENCES = st.lists(st.sampled_from(["a", "word", "ceux-ci", "3", "h", "€", "10", "000", ":", "?", "«", "»", "\u00a0",
                                       "averyveryverylongwordthatdoesnotfit", "x\ty", "x\u2028y"]),
                      max_size=30).map(" ".join)


@settings(max_examples=800, deadline=None)
@given(text=_LINES | _SENTENCES, width=st.integers(1, 50), indent=st.integers(0, 8), mark=st.sampled_from(["- ", "· ", "12. ", ""]),
       lang=st.sampled_from(["en", "fr"]))
def test_a_text_that_fits_is_laid_out_as_wrapping_it_would(text: str, width: int, indent: int, mark: str,
                                                            lang: str) -> None:
    # A line that fits (text_layout.fits) is given as it is, padded, and words between single
    # spaces are cut where they must (text_layout.single_spaced): what wrapping then indenting
    # gives, on texts with every kind of line break, spaces at either end, no-break spaces.
    wrap_width, bullet_width = width - indent, width - indent - len(mark)
    line = typography(text, lang)
    slow_wrap = do_indent(text_layout._wordwrap(line, wrap_width, False, "\n", False), indent, first=True) \
        if wrap_width > 0 else None
    slow_bullet = " " * indent + do_indent(text_layout._wordwrap(mark + line, bullet_width, False, "\n", False),
                                           indent + len(mark)) if bullet_width > 0 else None
    if slow_wrap is not None:
        assert TextLayout(width, lang=lang).wrap(text, indent) == slow_wrap
    if slow_bullet is not None:
        assert TextLayout(width, lang=lang).bullet(text, indent, mark) == slow_bullet
    if text_layout.fits(line, wrap_width):
        assert slow_wrap == " " * indent + line
    lines = text_layout.single_spaced(line, wrap_width)
    if lines is not None:
        assert slow_wrap == " " * indent + ("\n" + " " * indent).join(lines)


def test_what_fits_is_one_line_within_the_width_not_ending_with_a_space() -> None:
    assert text_layout.fits("a short line", 12) and text_layout.fits("", 1)
    assert not text_layout.fits("a short line", 11)
    assert not text_layout.fits("a short line ", 40) and not text_layout.fits("a line\u00a0", 40)
    assert not any(text_layout.fits(f"a{brk}b", 40) for brk in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
    assert not text_layout.fits("a", 0)


def test_a_template_asking_for_any_width_keeps_few_layouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_layout, "_LAYOUTS", {})
    shipped = text_layout.text_layout(88, "fr")
    assert text_layout.text_layout(88, "fr") is shipped  # kept from report to report
    for width in range(1, 5_000):  # what `{% for w in range(5000) %}{{ text_layout(w, lang) }}` asks
        text_layout.text_layout(width, "xx")
    assert len(text_layout._LAYOUTS) <= text_layout._LAYOUTS_MAX
