"""How values read in a report: numbers, hours, euros and networks in the reader's language.

The same filters serve the rules' `because` texts and the report templates, so a
consultant writes `{{ weekly_hours_needed | hours }}` anywhere and gets "6 h/week" in
English and "6 h/semaine" in French.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from markupsafe import Markup, escape

from ..rulebase.model import Vocabulary

_AND = {"en": "and", "fr": "et"}
_NOTHING = {"en": "none", "fr": "aucun"}
_YES_NO = {"en": ("yes", "no"), "fr": ("oui", "non")}
_OTHERS_ZERO = {"en": "0 for the others", "fr": "0 pour les autres"}
_ALL_ZERO = {"en": "0 for each", "fr": "0 pour chacun"}
_OR = {"en": "or", "fr": "ou"}


_PERCENT_SPACE = {"en": " ", "fr": "\u00a0"}


def format_number(value: Any, lang: str) -> str:
    """1.5 -> '1.5' (en) / '1,5' (fr); whole numbers without decimals; thousands grouped."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    number = round(float(value), 2)
    if number.is_integer():
        text = f"{int(number):,}"
    else:
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def others_zero(lang: str, *, all_zero: bool = False) -> str:
    """After a list of non-zero scores: the others score 0 (or all of them do)."""
    return (_ALL_ZERO if all_zero else _OTHERS_ZERO)[lang]


def join_or(items: list[str], lang: str) -> str:
    items = [str(item) for item in items]
    if len(items) <= 1:
        return items[0] if items else _NOTHING[lang]
    return ", ".join(items[:-1]) + f" {_OR[lang]} " + items[-1]


def join_and(items: list[Any], lang: str) -> str:
    """'a, b and c'. Items that are HTML (Markup, e.g. links) stay HTML, the rest is escaped."""
    if any(isinstance(item, Markup) for item in items):
        parts = [escape(item) for item in items]
        if not parts:
            return Markup(escape(_NOTHING[lang]))
        if len(parts) == 1:
            return parts[0]
        return Markup(", ").join(parts[:-1]) + Markup(f" {_AND[lang]} ") + parts[-1]
    items = [str(item) for item in items]
    if not items:
        return _NOTHING[lang]
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {_AND[lang]} " + items[-1]


def make_filters(vocabulary: Vocabulary, lang: str) -> dict[str, Callable[..., str]]:
    """The filters for one language, reading names from the rule base's vocabulary: one per
    name of advise.rulebase.model.FILTER_NAMES, which rule texts are checked against."""
    platforms: Mapping[str, Mapping[str, str]] = vocabulary.platforms
    objectives: Mapping[str, Mapping[str, str]] = vocabulary.objectives
    units: Mapping[str, Mapping[str, str]] = vocabulary.units
    sectors: Mapping[str, Mapping[str, str]] = vocabulary.sectors

    def unit_text(unit: str) -> str:
        return units.get(unit, {}).get(lang, "")

    def hours(value: Any) -> str:
        """A number of hours: '1.5 h'. Texts say 'a week' themselves."""
        return f"{format_number(value, lang)}\u00a0h"

    def hours_per_week(value: Any) -> str:
        suffix = unit_text("hours_per_week") or ("h/week" if lang == "en" else "h/semaine")
        return f"{format_number(value, lang)}\u00a0{suffix}"

    def euros(value: Any) -> str:
        suffix = unit_text("euros_per_month") or ("EUR/month" if lang == "en" else "€/mois")
        return f"{format_number(value, lang)}\u00a0{suffix}"

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

    def percent(value: Any) -> str:
        """A share written as a fraction: 0.7 -> '70 %' (a no-break space in French)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value)
        return f"{format_number(round(value * 100, 6), lang)}{_PERCENT_SPACE[lang]}%"

    def unit(value: Any, unit_name: str) -> str:
        if unit_name == "hours_per_week":
            return hours_per_week(value)
        if unit_name == "percent":
            return percent(value)
        if unit_name == "euros_per_month":
            return euros(value)
        suffix = unit_text(unit_name)
        return f"{format_number(value, lang)} {suffix}".strip()

    return {
        "hours": hours,
        "hours_per_week": hours_per_week,
        "euros": euros,
        "percent": percent,
        "number": lambda value: format_number(value, lang),
        "platform": platform,
        "platforms": platform_list,
        "first_platform": first_platform,
        "objectives": objective_list,
        "sector": sector,
        "yesno": yesno,
        "join_and": lambda values: join_and(list(values), lang),
        "label": label,
        "unit": unit,
    }
