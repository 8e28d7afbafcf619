"""The filters of rule texts and templates: the names the rule base accepts are the ones defined;
numbers, lists, plurals and typography come from Babel (CLDR) and read as a native reader
writes them, in both languages."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from advise.advisor import Advisor
from advise.explain.wording import (NBSP, NNBSP, agree, format_number, format_percentage, join_and, join_or,
                                    make_filters, plural, typography)
from advise.rulebase.loading import load_rulebook
from advise.rulebase.model import FILTER_NAMES
from conftest import RULES


def test_the_filters_rule_texts_may_use_are_the_ones_defined() -> None:
    vocabulary = load_rulebook(RULES).vocabulary
    for lang in ("en", "fr"):
        assert tuple(make_filters(vocabulary, lang)) == FILTER_NAMES


def test_filters_read_in_the_readers_language() -> None:
    vocabulary = load_rulebook(RULES).vocabulary
    english, french = make_filters(vocabulary, "en"), make_filters(vocabulary, "fr")
    assert english["hours"](1.5) == "1.5\u00a0h"
    assert french["hours"](1.5) == "1,5\u00a0h"
    assert english["yesno"](True) == "yes" and french["yesno"](False) == "non"
    assert format_number(12345.678, "fr") == "12\u202f345,68"


@pytest.fixture(scope="module")
def filters() -> dict[str, dict]:
    vocabulary = Advisor().rulebook.vocabulary
    return {lang: make_filters(vocabulary, lang) for lang in ("en", "fr")}


def test_numbers_follow_each_language() -> None:
    assert format_number(12.5, "fr") == "12,5"
    assert format_number(12.5, "en") == "12.5"
    assert format_number(10000, "fr") == f"10{NNBSP}000"
    assert format_number(10000, "en") == "10,000"
    assert format_number(3.0, "fr") == "3"
    assert format_number(1 / 3, "en") == "0.33"


def test_percentages_keep_the_sign_with_the_number() -> None:
    assert format_percentage(0.72, "fr") == f"72{NBSP}%"
    assert format_percentage(0.72, "en") == "72%"
    assert format_percentage(0.125, "fr") == f"12,5{NBSP}%"


def test_lists_read_as_sentences() -> None:
    assert join_and(["Instagram", "Facebook", "TikTok"], "fr") == "Instagram, Facebook et TikTok"
    assert join_and(["Instagram", "Facebook", "TikTok"], "en") == "Instagram, Facebook and TikTok"
    assert join_or(["Instagram", "Facebook"], "fr") == "Instagram ou Facebook"
    assert join_and(["Instagram"], "fr") == "Instagram"
    assert join_and([], "fr") == "aucun"


@pytest.mark.parametrize("count, fr, en", [
    (0, "0\u00a0profil", "0\u00a0profiles"),
    (1, "1\u00a0profil", "1\u00a0profile"),
    (2, "2\u00a0profils", "2\u00a0profiles"),
    (1.5, "1,5\u00a0profil", "1.5\u00a0profiles"),
])
def test_plurals_follow_cldr(count: float, fr: str, en: str) -> None:
    assert plural(count, "profil", lang="fr") == fr
    assert plural(count, "profile", lang="en") == en


def test_agree_gives_the_form_only_and_accepts_an_irregular_plural() -> None:
    assert agree(1, "tient", "tiennent", "fr") == "tient"
    assert agree(3, "tient", "tiennent", "fr") == "tiennent"
    assert agree(2, "réseau", "réseaux", "fr") == "réseaux"
    assert agree(2, "profil prévu", lang="fr") == "profils prévus"


def test_values_never_break_a_line(filters: dict[str, dict]) -> None:
    fr = filters["fr"]
    assert fr["hours"](12.5) == f"12,5{NBSP}h"
    assert fr["money"](30) == f"30{NBSP}€"
    assert fr["euros"](30) == f"30{NBSP}€/mois"
    assert fr["unit"](2, "points") == f"2{NBSP}points"
    assert fr["unit"](1, "profiles") == f"1{NBSP}profil"
    assert filters["en"]["unit"](1, "points") == f"1{NBSP}point"


def test_french_typography() -> None:
    text = typography("Source : « le temps » ; 72 % des PME, 30 € ! Vraiment ?", "fr")
    assert text == (f"Source{NBSP}: «{NBSP}le temps{NBSP}»{NNBSP}; 72{NBSP}% des PME, 30{NBSP}€{NNBSP}! "
                    f"Vraiment{NNBSP}?")
    assert typography("Source: 72 % of firms", "en") == f"Source: 72{NBSP}% of firms"
    assert typography("https://example.org : 10 h", "fr") == f"https://example.org{NBSP}: 10{NBSP}h"


def _typography_by_expressions(text: str, lang: str) -> str:
    """typography as it was written first: every expression on every text."""
    import re

    if " " not in text:
        return text
    text = re.sub(r"(?<=\d) (?=(?:%|€|h\b|h/|min\b|k€|EUR\b|M\b|k\b))", NBSP, text)
    if lang == "fr":
        text = text.replace("s. d.", f"s.{NBSP}d.")
        text = re.sub(r"(?<=\d) (?=\d{3}\b)", NNBSP, text)
        text = re.sub(r" (?=:(?:\s|$))", NBSP, text)
        text = re.sub(r" (?=[;!?](?:\s|$|»))", NNBSP, text)
        text = re.sub(r"« ", "«" + NBSP, text)
        text = re.sub(r" »", NBSP + "»", text)
    return text


def test_typography_gives_what_every_expression_on_every_text_gives() -> None:
    import random

    rng = random.Random(1789)
    pieces = [" ", " ", "  ", ":", ";", "!", "?", "«", "»", "« ", " »", "1", "000", "%", "€", "h", "h/", "min", "k€",
              "EUR", "M", "k", "a", "é", "\n", "\t", NBSP, NNBSP, "s. d.", "http://x.fr", ".", "::"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 14))) for _ in range(6000)]
    for text in texts:
        for lang in ("fr", "en"):
            assert typography(text, lang) == _typography_by_expressions(text, lang), (text, lang)
            marked = Markup(text)  # a text from HTML's t(): as before, a plain str comes back when it had a space
            assert type(typography(marked, lang)) is type(_typography_by_expressions(marked, lang)), (text, lang)


# ---------------------------------------------------------------- the locale data kept in the cache


@pytest.mark.parametrize("name", ["fr_FR", "en_GB"])
def test_the_cached_locale_data_is_small_and_anything_else_comes_from_babel(name: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    from babel import Locale, localedata

    from advise.explain.wording import LOCALE_KEYS, LocaleData

    monkeypatch.setattr(localedata, "_cache", {})
    monkeypatch.setattr(localedata, "_dict_cache", {})
    whole = localedata.load(name)
    kept = pickle.loads(pickle.dumps(LocaleData(name, whole), protocol=pickle.HIGHEST_PROTOCOL))
    assert sorted(kept) == sorted(LOCALE_KEYS) and kept.name == name and not kept.whole
    assert len(pickle.dumps(kept)) * 10 < len(pickle.dumps(dict(whole)))
    localedata._cache.clear()
    localedata._cache[name] = kept
    locale = Locale.parse(name)
    assert locale.number_symbols == Locale.parse(name).number_symbols and not kept.whole
    # What advise does not keep, Babel still finds: read from its files when first asked for.
    assert locale.territories["FR"] == whole["territories"]["FR"] and kept.whole
    assert localedata._cache[name] is kept and sorted(kept) == sorted(whole)
    for ask in (lambda data: data.get("currency_names"), lambda data: "scripts" in data, lambda data: data.copy()):
        again = LocaleData(name, whole)
        localedata._cache[name] = again
        assert ask(again) is not None and again.whole
    with pytest.raises(KeyError):
        kept["no such key"]


def test_the_reports_long_date_is_babels_for_every_day() -> None:
    """advise.explain.summary writes the long date itself (no babel.dates at start-up): the
    same words as Babel's format_date(..., "long"), the French ordinal of the first aside."""
    import datetime

    from babel.dates import format_date

    from advise.explain.summary import show_date
    from advise.explain.wording import LOCALES

    days = [datetime.date(2026, 1, 1) + datetime.timedelta(days=n) for n in range(366 * 2 + 1)]
    days += [datetime.date(1, 1, 1), datetime.date(999, 12, 31), datetime.date(9999, 12, 31)]
    for lang in ("en", "fr"):
        for day in days:
            expected = format_date(day, format="long", locale=LOCALES[lang])
            if lang == "fr" and day.day == 1:
                expected = "1er" + expected[1:]
            assert show_date(day, lang) == expected, (lang, day)
