"""advise.explain.cldr writes numbers, lists, plurals and month names from Babel's data kept
plain, without importing Babel: each must be exactly what Babel writes, and anything it
does not write itself is left to Babel (None)."""

from __future__ import annotations

import decimal
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from advise.explain import cldr, wording

from conftest import EXAMPLES

LANGS = ("en", "fr")


def babel_number(number: int | float, lang: str) -> str | None:
    try:
        return format_decimal(number, format="#,##0.##", locale=cldr.LOCALES[lang])
    except decimal.InvalidOperation:
        return None


def check_number(number: int | float) -> None:
    """What format_number hands over (an int, or a float rounded to two decimals) reads as
    Babel writes it; None only where Babel refuses it, for floats written with an exponent and
    for infinities and NaN (which format_number does not hand over)."""
    for lang in LANGS:
        ours = cldr.decimal(number, lang)
        theirs = babel_number(number, lang)
        if ours is not None:
            assert ours == theirs, (number, lang)
        else:
            assert theirs is None or isinstance(number, float) and ("e" in repr(number) or not math.isfinite(number))


def handed_over(value: int | float) -> int | float:
    """What advise.explain.wording.format_number gives _formatted for a finite value."""
    if isinstance(value, int):
        return value
    number = round(value, 2)
    return int(number) if number.is_integer() else number


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.integers(-10 ** 7, 10 ** 7), st.integers(-10 ** 30, 10 ** 30),
                 st.floats(-1e17, 1e17, allow_nan=False), st.floats(-1000, 1000), st.floats(-1e-3, 1e-3),
                 st.floats(allow_nan=False, allow_infinity=False)))
def test_numbers_read_as_babel_writes_them(value: int | float) -> None:
    check_number(handed_over(value))
    if isinstance(value, float) and len(repr(value).partition(".")[2]) > 2:  # more decimals: Babel rounds them
        assert all(cldr.decimal(value, lang) is None for lang in LANGS)


@pytest.mark.parametrize("number", [0, 1, -1, 999, 1000, -1000, 123456789, 10 ** 25, 10 ** 26 - 1, 10 ** 26,
                                    -(10 ** 26) + 1, 0.5, -0.5, 0.05, 1.1, 1234.56, -1234.5, 0.01, 999999.99,
                                    1e15 + 0.5, -0.0, 0.0, 12.5, 2.5e-05])
def test_numbers_at_the_edges_read_as_babel_writes_them(number: int | float) -> None:
    check_number(number)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.integers(0, 10 ** 12), st.integers(0, 40).map(lambda n: n * 1_000_000),
                 st.floats(0, 1e13, allow_nan=False), st.floats(0, 3),
                 st.integers(0, 3).map(float), st.integers(0, 5).map(lambda n: n * 1e6)))
def test_plural_categories_are_babels(count: int | float) -> None:
    for lang in LANGS:
        assert cldr.plural_category(count, lang) == Locale.parse(cldr.LOCALES[lang]).plural_form(count), (count, lang)


def test_plural_rules_not_written_here_and_odd_counts_are_left_to_babel() -> None:
    assert cldr.plural_category(float("inf"), "en") is None
    assert cldr.plural_category(float("nan"), "fr") is None
    assert cldr.plural_category(-1, "fr") is None
    assert cldr.plural_category(1, "de") is None
    for lang in LANGS:  # the rules recognised are the ones Babel has for these languages today
        rules = tuple(sorted(Locale.parse(cldr.LOCALES[lang]).plural_form.rules.items()))
        assert rules in cldr._PLURAL_RULES


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=5), max_size=6), st.sampled_from(cldr.LIST_STYLES), st.sampled_from(LANGS))
def test_lists_are_babels(texts: list[str], style: str, lang: str) -> None:
    assert cldr.listed(tuple(texts), style, lang) == format_list(texts, style=style, locale=cldr.LOCALES[lang])


def test_month_names_are_babels() -> None:
    for lang in LANGS:
        assert cldr.months(lang) == dict(Locale.parse(cldr.LOCALES[lang]).months["format"]["wide"])


def test_the_wording_gives_babels_words_with_and_without_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same words whether the plain data is there or Babel is asked (no cache)."""
    values = [0, 1, 2, 1.5, 0.5, 1_000_000, 2_000_000, 1234.567, -3.25, 10 ** 27, 2.0]

    def words() -> list:
        for function in (wording._formatted, wording._plural_form, wording._listed, wording._plain_listed):
            function.cache_clear()
        found = []
        for lang in LANGS:
            found += [wording.format_number(value, lang) for value in values]
            found += [wording.plural_category(value, lang) for value in values]
            found += [wording.join_and(["a", "b", "c"], lang), wording.join_or(["a", "b"], lang)]
        return found

    with_data = words()
    monkeypatch.setattr(cldr, "data", lambda: None)
    assert words() == with_data
    for function in (wording._formatted, wording._plural_form, wording._listed, wording._plain_listed):
        function.cache_clear()


def test_a_report_in_either_language_imports_no_babel_nor_decimal(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    probe = ("import sys\nfrom advise.cli.main import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "print(sorted(name for name in sys.modules if name.split('.')[0] in ('babel', 'decimal')), file=sys.stderr)")
    env = {**os.environ, "ADVISE_CACHE_DIR": str(cache)}
    env.pop("ADVISE_NO_CACHE", None)
    for lang in LANGS:
        for _ in range(2):  # the first fills the cache
            done = subprocess.run([sys.executable, "-c", probe, str(EXAMPLES / "fleuriste.yaml"), "--lang", lang,
                                   "--format", "markdown"], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stderr.strip().splitlines()[-1] == "[]"
