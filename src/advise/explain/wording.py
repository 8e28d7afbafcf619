"""How values read in a report: numbers, hours, euros, lists and plurals in the reader's language.

Locale data comes from Babel (CLDR), not from code written by hand: number formats,
percentages, lists ("Instagram, Facebook et TikTok") and plural rules ("0 profil",
"2 profils"; "0 profiles", "1 profile"). The same filters serve the rules' `because`
texts and the report templates, so a consultant writes `{{ weekly_hours_needed | hours }}`
anywhere and gets "6 h" in both languages, `{{ n | plural("profil") }}` and gets "1 profil" or
"3 profils", and `{{ n | agree("tient", "tiennent") }}` for a verb that follows a number.

French typography: a value never breaks across a line ("72 %", "12,5 h", "30 €" are
joined by a no-break space), and `typography()` puts the no-break spaces French
wants before ":" ";" "!" "?" and inside « ».
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Mapping

from markupsafe import Markup, escape

from ..engine.cache import cached_data
from ..rulebase.model import Vocabulary
from . import cldr
from .cldr import LOCALES

if TYPE_CHECKING:
    from babel import Locale

# Babel is imported when first needed: what a report in English or French needs of CLDR
# comes from advise.explain.cldr (the same data, kept plain), and Babel answers the rest.
NBSP = "\u00a0"  # no-break space: "72 %", "12,5 h"
NNBSP = "\u202f"  # narrow no-break space: before ; ! ? in French, and between thousands

_NOTHING = {"en": "none", "fr": "aucun"}
_YES_NO = {"en": ("yes", "no"), "fr": ("oui", "non")}
_OTHERS_ZERO = {"en": "0 for the others", "fr": "0 pour les autres"}
_ALL_ZERO = {"en": "0 for each", "fr": "0 pour chacun"}


@lru_cache(maxsize=None)
def locale(lang: str) -> Locale:
    from babel import Locale

    name = LOCALES.get(lang, lang)
    _prime_locale_data(name)
    return Locale.parse(name)


def _prime_locale_data(name: str) -> None:
    """Babel reads a locale's data from several files (the locale, its parents, the root,
    global data) and merges them on every start: a good part of a one-report run. The
    part of the merged data that advise uses is kept in advise's private cache
    (advise.engine.cache) and handed to Babel's own in-memory cache, where Babel looks
    first; without it (another Babel, no cache), Babel reads its files as usual."""
    import babel
    from babel import localedata

    memory = getattr(localedata, "_cache", None)
    if not isinstance(memory, dict) or name in memory or not localedata.exists(name):
        return
    inputs = f"{babel.__version__}|{babel.__file__}|{name}|{','.join(LOCALE_KEYS)}"
    memory[name] = cached_data("locale", inputs, [], lambda: LocaleData(name, localedata.load(name)),
                               valid=lambda value: isinstance(value, LocaleData) and value.name == name)


# What the wording reads of a locale's data: numbers and percentages (with patterns of
# their own), lists, plural forms, the months (advise.explain.summary writes the date). The
# cache keeps these alone (a few kilobytes of some 190 that every start loaded); anything
# else Babel asks for is read from its files then (LocaleData), so what Babel does never
# depends on this list, only its speed. (Not the date formats: Babel's are objects of
# babel.dates, which loading them back would import.)
LOCALE_KEYS = ("list_patterns", "months", "number_symbols", "plural_form")


class LocaleData(dict):
    """The part of a locale's merged data (LOCALE_KEYS) that advise uses; the whole of it,
    read by Babel from its files, from the first time anything else is asked for."""

    def __init__(self, name: str, data: Mapping[str, Any]) -> None:
        super().__init__((key, data[key]) for key in LOCALE_KEYS if key in data)
        self.name = name
        self.whole = False

    def __missing__(self, key: str) -> Any:
        if self.whole:
            raise KeyError(key)
        self.load_whole()
        return self[key]

    def get(self, key: str, default: Any = None) -> Any:
        if not self.whole and not dict.__contains__(self, key):
            self.load_whole()
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        if not self.whole and not dict.__contains__(self, key):
            self.load_whole()
        return dict.__contains__(self, key)

    def copy(self) -> dict[str, Any]:
        self.load_whole()
        return dict(self)

    def load_whole(self) -> None:
        """Babel's own merged data for this locale, added to what is here."""
        if self.whole:
            return
        from babel import localedata

        memory = localedata._cache
        memory.pop(self.name, None)  # else Babel hands back this very mapping
        try:
            whole = localedata.load(self.name)
        finally:
            memory[self.name] = self
        self.update(whole)
        self.whole = True




def format_number(value: Any, lang: str) -> str:
    """1.5 -> '1.5' (en) / '1,5' (fr); at most two decimals, none for whole numbers;
    thousands grouped (a narrow no-break space in French)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    number = round(float(value), 2)
    if not math.isfinite(number):
        return str(number)
    if number.is_integer():
        number = int(number)
    return _formatted(number, lang)


# A report shows the same few numbers again and again (hours, euros, thresholds), and
# Babel takes tens of microseconds for each: remembered, bounded (a sheet's numbers are
# the user's), typed (1 and 1.0 are told apart, as CLDR tells them apart).
@lru_cache(maxsize=4096, typed=True)
def _formatted(number: int | float, lang: str) -> str:
    text = cldr.decimal(number, lang)
    if text is not None:
        return text
    import decimal

    from babel.numbers import format_decimal

    try:
        return format_decimal(number, format="#,##0.##", locale=locale(lang))
    except decimal.InvalidOperation:  # beyond decimal's default precision (1e308): plain digits, grouped
        grouped = f"{number:,.0f}"
        return grouped.replace(",", NNBSP) if lang == "fr" else grouped


def format_percentage(value: Any, lang: str) -> str:
    """0.7 -> '70 %' (fr) / '70%' (en); one decimal at most."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    import decimal

    from babel.numbers import format_percent

    pattern = locale(lang).percent_formats[None].pattern.replace("0%", "0.#%").replace("0\u00a0%", "0.#\u00a0%")
    try:
        return format_percent(value, format=pattern, locale=locale(lang)).replace(" ", NBSP)
    except (decimal.InvalidOperation, ValueError, OverflowError):  # not finite, or beyond decimal's precision
        return f"{format_number(value * 100, lang)}{NBSP if lang == 'fr' else ''}%"


def plural_category(count: Any, lang: str) -> str:
    """CLDR's plural category of a number: 'one' or 'other' (French: 0 and 1.5 are 'one')."""
    if isinstance(count, bool) or not isinstance(count, (int, float)):
        return "other"
    return _plural_form(abs(count), lang)


@lru_cache(maxsize=4096, typed=True)  # as _formatted: few counts, each asked many times
def _plural_form(count: int | float, lang: str) -> str:
    category = cldr.plural_category(count, lang)
    return category if category is not None else locale(lang).plural_form(count)


def agree(count: Any, one: str, other: str | None = None, lang: str = "en") -> str:
    """The form of a word (or a few words) that agrees with `count`: `other` defaults to
    `one` with an s (profil -> profils)."""
    if plural_category(count, lang) == "one":
        return one
    if other is None:
        other = " ".join(word + "s" if not word.endswith(("s", "x", "z")) else word for word in one.split(" "))
    return other


def plural(count: Any, one: str, other: str | None = None, lang: str = "en") -> str:
    """'1 profil', '3 profils', '0 profile' -> '0 profiles': the number and the word that agrees."""
    return f"{format_number(count, lang)}{NBSP}{agree(count, one, other, lang)}"


ITEMS = {"en": ("item", "items"), "fr": ("élément", "éléments")}


def count_items(count: Any, lang: str) -> str:
    """'0 items', '1 élément', '3 éléments': the operand of the size conditions."""
    return plural(count, *ITEMS.get(lang, ITEMS["en"]), lang=lang)


def others_zero(lang: str, *, all_zero: bool = False) -> str:
    """After a list of non-zero scores: the others score 0 (or all of them do)."""
    return (_ALL_ZERO if all_zero else _OTHERS_ZERO)[lang]


def _join(items: list[Any], lang: str, style: str) -> str:
    """'a, b and c' (style standard) or 'a, b or c' (style or), from CLDR. Items that are
    HTML (Markup, e.g. links) stay HTML, the rest is escaped."""
    if _PLAIN_ITEMS.issuperset(map(type, items)):  # most lists: step numbers, names
        return _plain_listed(tuple(items), style, lang) if items else _NOTHING[lang]
    if any(isinstance(item, Markup) for item in items):
        parts = [str(escape(item)) for item in items]
        if not parts:
            return Markup(escape(_NOTHING[lang]))
        return Markup(_listed(tuple(parts), style, lang))
    texts = [str(item) for item in items]
    if not texts:
        return _NOTHING[lang]
    return _listed(tuple(texts), style, lang)


_PLAIN_ITEMS = frozenset({str, int})  # never HTML, and equal items are the same text (unlike 1, True, 1.0)


@lru_cache(maxsize=4096)  # a report lists the same few step numbers and names many times
def _plain_listed(items: tuple[str | int, ...], style: str, lang: str) -> str:
    return _list_text(tuple(map(str, items)), style, lang)  # not _listed: each list kept once, not twice


def _list_text(texts: tuple[str, ...], style: str, lang: str) -> str:
    text = cldr.listed(texts, style, lang)
    if text is not None:
        return text
    from babel.lists import format_list

    return format_list(list(texts), style=style, locale=locale(lang))


_listed = lru_cache(maxsize=4096)(_list_text)  # the lists of other items (HTML's among them)


def join_and(items: list[Any], lang: str) -> str:
    return _join(list(items), lang, "standard")


def join_or(items: list[Any], lang: str) -> str:
    return _join(list(items), lang, "or")


# French typography: where a no-break space belongs (a line never breaks there). Each
# expression starts with the space it replaces, and looks behind it for the digit: the regex
# engine then jumps from space to space instead of trying every character (3 times faster
# than `(?<=\d) ` for the same matches).
_UNIT_AFTER_NUMBER = re.compile(r" (?<=\d )(?=(?:%|€|h\b|h/|min\b|k€|EUR\b|M\b|k\b))")
_FR_BEFORE_COLON = re.compile(r" (?=:(?:\s|$))")
_FR_BEFORE_PUNCT = re.compile(r" (?=[;!?](?:\s|$|»))")
_NUMBER_IN_WORDS = re.compile(r" (?<=\d )(?=\d{3}\b)")  # "10 000": one number


def typography(text: str, lang: str) -> str:
    """The no-break spaces of the language's typography, in place of plain spaces: between a
    number and its unit (both languages); in French also before ':' (no-break space) and
    ';' '!' '?' (narrow), and inside « » (no-break space)."""
    if " " not in text:
        return text
    text = _UNIT_AFTER_NUMBER.sub(NBSP, text)
    if lang == "fr":
        text = text.replace("s. d.", f"s.{NBSP}d.")  # sans date: one abbreviation
        text = _NUMBER_IN_WORDS.sub(NNBSP, text)
        # Each expression runs only on a text where it can match (a space before its sign):
        # most texts have none, and running them was most of a report's typography.
        if " :" in text:
            text = _FR_BEFORE_COLON.sub(NBSP, text)
        if " ;" in text or " !" in text or " ?" in text:
            text = _FR_BEFORE_PUNCT.sub(NNBSP, text)
        text = text.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")
    return text


def unit_forms(text: str) -> tuple[str, str]:
    """A unit's words as the vocabulary gives them: 'profile|profiles' (one|other), or one
    form for both ('h/week')."""
    one, _, other = text.partition("|")
    return one.strip(), (other.strip() or one.strip())


def make_filters(vocabulary: Vocabulary, lang: str) -> dict[str, Callable[..., str]]:
    """The filters for one language, reading names from the rule base's vocabulary: one per
    name of advise.rulebase.model.FILTER_NAMES, which rule texts are checked against."""
    platforms: Mapping[str, Mapping[str, str]] = vocabulary.platforms
    objectives: Mapping[str, Mapping[str, str]] = vocabulary.objectives
    units: Mapping[str, Mapping[str, str]] = vocabulary.units
    sectors: Mapping[str, Mapping[str, str]] = vocabulary.sectors

    def unit_text(unit: str, count: Any = 2) -> str:
        one, other = unit_forms(units.get(unit, {}).get(lang, ""))
        return one if plural_category(count, lang) == "one" else other

    def number(value: Any) -> str:
        return format_number(value, lang)

    def hours(value: Any) -> str:
        """A number of hours: '1.5 h'. Texts say 'a week' themselves."""
        return f"{format_number(value, lang)}{NBSP}h"

    def hours_per_week(value: Any) -> str:
        suffix = unit_text("hours_per_week", value) or ("h/week" if lang == "en" else "h/semaine")
        return f"{format_number(value, lang)}{NBSP}{suffix}"

    def euros(value: Any) -> str:
        suffix = unit_text("euros_per_month", value) or ("EUR/month" if lang == "en" else "€/mois")
        return f"{format_number(value, lang)}{NBSP}{suffix}"

    def money(value: Any) -> str:
        """An amount in euros, no period: '30 €' (fr), '€30' (en)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value)
        amount = format_number(value, lang)
        return f"€{amount}" if lang == "en" else f"{amount}{NBSP}€"

    def platform(value: Any) -> str:
        return platforms.get(value, {}).get(lang, str(value))

    def platform_list(values: Any) -> str:
        return join_and([platform(value) for value in values or ()], lang)

    def first_platform(values: Any) -> str:
        values = list(values or ())
        return platform(values[0]) if values else _NOTHING[lang]

    def objective_list(values: Any) -> str:
        return join_and([objectives.get(value, {}).get(lang, str(value)) for value in values or ()], lang)

    def sector(value: Any) -> str:
        return sectors.get(value, {}).get(lang, str(value))

    def yesno(value: Any) -> str:
        yes, no = _YES_NO[lang]
        return yes if value else no

    def label(fact: str) -> str:
        fact_type = vocabulary.facts.get(fact)
        return fact_type.label.get(lang, fact) if fact_type and fact_type.label else fact

    def unit(value: Any, unit_name: str) -> str:
        if unit_name == "hours_per_week":
            return hours_per_week(value)
        if unit_name == "euros_per_month":
            return euros(value)
        if unit_name == "percent":
            return format_percentage(value, lang)
        suffix = unit_text(unit_name, value)
        return f"{format_number(value, lang)}{NBSP}{suffix}" if suffix else format_number(value, lang)

    def count(values: Any) -> int:
        return len(values or ())

    return {
        "hours": hours,
        "hours_per_week": hours_per_week,
        "euros": euros,
        "money": money,
        "number": number,
        "percent": lambda value: format_percentage(value, lang),
        "plural": lambda value, one, other=None: plural(value, one, other, lang),
        "agree": lambda value, one, other=None: agree(value, one, other, lang),
        "platform": platform,
        "platforms": platform_list,
        "first_platform": first_platform,
        "objectives": objective_list,
        "sector": sector,
        "yesno": yesno,
        "join_and": lambda values: join_and(list(values), lang),
        "join_or": lambda values: join_or(list(values), lang),
        "label": label,
        "unit": unit,
    }
