"""What a report reads of CLDR in its languages (en_GB, fr_FR), as Babel gives it, kept as
plain data (strings, numbers, dicts) in advise's private cache (advise.engine.cache).

A report's numbers, lists, plurals and date need four things of a locale: its decimal and
group symbols, its list patterns, its plural rules and its month names. Importing Babel
for them (babel.core, babel.numbers, babel.plural and decimal) and merging the locale's
files cost about 4 ms of every `advise facts.yaml`: with this data at hand, a report
imports no Babel at all. What is written from it is what Babel writes from the same data
(tests/explain/test_cldr.py compares them on many values), for the cases written here: a
number with at most two decimals in the pattern "#,##0.##", a list, the plural rules of
English and French as CLDR words them today. Anything else (other numbers, other rules,
another Babel whose data differs, no cache) gets `None`, and the caller asks Babel.

The entry is keyed by where Babel is and the size and time of its files that hold the
data (its version is in its __init__.py), so another Babel is read afresh.
"""

from __future__ import annotations

import functools
import math
import os
from importlib.util import find_spec
from typing import Any

from ..engine.cache import cached_data

# The CLDR locale each report language uses: British English (no serial comma, day first).
LOCALES = {"en": "en_GB", "fr": "fr_FR"}
LIST_STYLES = ("standard", "or")

# Babel's parse_pattern("#,##0.##"): groups of three, at most two decimals, "-" before a negative.
_GROUP_SIZE = 3
_LARGEST = 10 ** 26  # from here on, Babel's quantize (28 digits of precision) refuses the number


@functools.lru_cache(maxsize=1)
def data() -> dict[str, dict[str, Any]] | None:
    """{lang: its data} for every language of LOCALES, from the cache (or Babel, then
    kept); None if Babel cannot be found."""
    files = _babel_files()
    if files is None:
        return None
    inputs = "|".join(f"{path}:{status.st_size}:{status.st_mtime_ns}" for path, status in files)
    try:
        return cached_data("cldr", inputs, [], _from_babel, valid=_well_formed)
    except Exception:  # Babel's data not as expected here: Babel answers every question itself
        return None


def _babel_files() -> list[tuple[str, os.stat_result]] | None:
    """Babel's __init__.py (its version), its global data and the data files of LOCALES,
    with their status; None if Babel or one of them is missing."""
    spec = find_spec("babel")
    if spec is None or not spec.origin:
        return None
    folder = os.path.dirname(spec.origin)
    paths = [spec.origin, os.path.join(folder, "global.dat")]
    for name in LOCALES.values():
        parts = name.split("_")
        paths += [os.path.join(folder, "locale-data", f"{'_'.join(parts[:n])}.dat") for n in range(1, len(parts) + 1)]
    paths.append(os.path.join(folder, "locale-data", "root.dat"))
    try:
        return [(path, os.stat(path)) for path in paths]
    except OSError:
        return None


def _from_babel() -> dict[str, dict[str, Any]]:
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    found = {}
    for lang, name in LOCALES.items():
        locale = Locale.parse(name)
        found[lang] = {
            "decimal": str(get_decimal_symbol(locale)),
            "group": str(get_group_symbol(locale)),
            "plural": tuple(sorted((str(tag), str(rule)) for tag, rule in locale.plural_form.rules.items())),
            "lists": {style: {str(key): str(value) for key, value in locale.list_patterns[style].items()}
                      for style in LIST_STYLES if style in locale.list_patterns},
            "months": {int(month): str(text) for month, text in locale.months["format"]["wide"].items()},
        }
    return found


def _well_formed(value: Any) -> bool:
    if not isinstance(value, dict) or set(value) != set(LOCALES):
        return False
    for lang in LOCALES:
        entry = value[lang]
        if not (isinstance(entry, dict) and isinstance(entry.get("decimal"), str)
                and isinstance(entry.get("group"), str) and isinstance(entry.get("plural"), tuple)
                and isinstance(entry.get("lists"), dict) and isinstance(entry.get("months"), dict)):
            return False
        if not all(isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
                   for pair in entry["plural"]):
            return False
        for patterns in entry["lists"].values():
            if not (isinstance(patterns, dict) and all(isinstance(text, str) for text in patterns.values())
                    and {"start", "middle", "end"} <= set(patterns)):
                return False
        if sorted(entry["months"]) != list(range(1, 13)) or not all(isinstance(text, str)
                                                                      for text in entry["months"].values()):
            return False
    return True


def _of(lang: str) -> dict[str, Any] | None:
    found = data()
    return found.get(lang) if found is not None else None


def decimal(number: int | float, lang: str) -> str | None:
    """Babel's format_decimal(number, "#,##0.##", locale) for an int, or a float with at
    most two decimals (format_number rounds to two); None otherwise, or without the data."""
    entry = _of(lang)
    if entry is None:
        return None
    if type(number) is int:
        if not -_LARGEST < number < _LARGEST:
            return None
        negative = number < 0
        whole, fraction = str(abs(number)), ""
    elif type(number) is float:
        text = repr(abs(number))  # Babel reads a float as Decimal(str(number))
        if not math.isfinite(number) or "e" in text:
            return None
        negative = math.copysign(1.0, number) < 0
        whole, _, fraction = text.partition(".")
        if len(fraction) > 2 or len(whole) + 2 > 28:
            return None
        fraction = fraction.rstrip("0")
    else:
        return None
    group = entry["group"]
    grouped = ""
    while len(whole) > _GROUP_SIZE:
        grouped = group + whole[-_GROUP_SIZE:] + grouped
        whole = whole[:-_GROUP_SIZE]
    text = whole + grouped
    if fraction:
        text += entry["decimal"] + fraction
    return "-" + text if negative else text


def listed(texts: tuple[str, ...], style: str, lang: str) -> str | None:
    """Babel's format_list(texts, style, locale); None without the style's patterns."""
    entry = _of(lang)
    patterns = entry["lists"].get(style) if entry is not None else None
    if patterns is None:
        return None
    if not texts:
        return ""
    if len(texts) == 1:
        return texts[0]
    if len(texts) == 2 and "2" in patterns:
        return patterns["2"].format(*texts)
    result = patterns["start"].format(texts[0], texts[1])
    for text in texts[2:-1]:
        result = patterns["middle"].format(result, text)
    return patterns["end"].format(result, texts[-1])


def _english(count: int | float) -> str:
    # one: i in 1 and v in 0 (the number 1, written without decimals)
    return "one" if count == 1 else "other"


def _french(count: int | float) -> str:
    # one: i in 0..1; many: e in 0 and i not in 0 and i mod 1000000 in 0 and v in 0 or e not in 0..5
    # (e, the compact exponent, is always 0 for Babel)
    whole = int(count)
    if whole in (0, 1):
        return "one"
    if whole % 1000000 == 0 and whole == count:
        return "many"
    return "other"


# CLDR's rules as Babel words them (PluralRule.rules, sorted) -> the same rules written here.
_PLURAL_RULES = {
    (("one", "i in 1 and v in 0"),): _english,
    (("many", "e in 0 and i not in 0 and i mod 1000000 in 0 and v in 0 or e not in 0..5"),
     ("one", "i in 0..1")): _french,
}


def plural_category(count: int | float, lang: str) -> str | None:
    """Babel's plural_form(count) for a finite int or float not below 0 (the caller gives the
    absolute value, as Babel takes it); None for rules not written here, or without the data."""
    entry = _of(lang)
    rule = _PLURAL_RULES.get(entry["plural"]) if entry is not None else None
    if rule is None or type(count) not in (int, float) or not math.isfinite(count) or count < 0:
        return None
    return rule(count)


def months(lang: str) -> dict[int, str] | None:
    """The month names (format, wide) of the language: 1 -> 'January'."""
    entry = _of(lang)
    return entry["months"] if entry is not None else None


__all__ = ["LOCALES", "data", "decimal", "listed", "plural_category", "months"]
