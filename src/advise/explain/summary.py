"""The summary an owner reads in two minutes, first in every report.

The business, the verdict in one sentence, what to animate now (and what to do with each
profile already open), what to open later, the first three actions with their reason in a
few words, and the hours and euros it takes. Everything here is read from the report
(advise.explain.report): the summary repeats the advice, it never decides anything, so
its numbers are the report's numbers whoever reads it.

Who signs the report and when (the consultant's profile, the date) is `Signature`.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
from typing import Any

from ..sheet.consultant import Consultant
from .model import Action, ExistingProfile, Report, Signature, Summary
from . import cldr
from .wording import LOCALES, locale
from .words import Words

ACTIONS_SHOWN = 3
AUDIENCES = ("owner", "consultant")


def build_summary(report: Report, words: Words) -> Summary:
    facts = report.facts
    filters = words.filters
    animate = tuple(filters["platform"](key) for key in report.platforms)
    existing = tuple(ExistingProfile(action.platform, action.name, action.action) for action in report.existing)
    later = tuple(report.later)
    actions = []
    now_recommendations = report.now_recommendations
    for item in now_recommendations[:ACTIONS_SHOWN]:
        entry = words.vocabulary.recommendations.get(item.id, {})
        why = entry.get("why", {}).get(words.lang, "")
        actions.append(Action(len(actions) + 1, item.id, item.title, why, item.numbers))
    hours_now = _hours_now(report)
    available = facts.get("weekly_hours_available")
    budget = facts.get("resources.monthly_budget")
    later_hours = facts.get("later_hours")
    return Summary(
        animate=animate,
        animate_shown=filters["platforms"](report.platforms) if report.platforms else "",
        existing=existing,
        later_shown=filters["platforms"](later) if later and not report.platforms else "",
        actions=tuple(actions),
        more_actions=max(0, len(now_recommendations) - ACTIONS_SHOWN),
        hours_now=hours_now,
        hours_now_shown=filters["hours"](hours_now),
        hours_available_shown=filters["hours"](available) if isinstance(available, (int, float)) else "",
        later_hours_shown=filters["hours"](later_hours) if isinstance(later_hours, (int, float)) and later else "",
        budget_shown=filters["euros"](budget) if isinstance(budget, (int, float)) else "",
        warnings=len(report.now_warnings),
    )


def _hours_now(report: Report) -> float:
    """The weekly hours of the profiles to animate now: the table's hours of each (as in the
    time picture), or the hours the rules counted when the picture has no row for them."""
    if not report.platforms:
        return 0.0
    if report.time is not None:
        rows = {row.platform: row.hours for row in report.time.rows}
        if all(platform in rows for platform in report.platforms):
            return round(sum(rows[platform] for platform in report.platforms), 6)
    needed = report.weekly_hours_needed
    return float(needed) if isinstance(needed, (int, float)) else 0.0


def report_date(option: str | None = None, environ: Any = None) -> _dt.date:
    """The report's date: --date (YYYY-MM-DD), else SOURCE_DATE_EPOCH (reproducible builds:
    seconds since 1970, read as a UTC date), else today. Raises ValueError on a bad value."""
    environ = os.environ if environ is None else environ
    if option:
        return _dt.date.fromisoformat(option.strip())
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date()
    return _dt.date.today()


# CLDR's long date of each report language (en_GB and fr_FR: "d MMMM y"), written here so
# that a report needs no babel.dates (with the time zones it loads: 2 ms of every start);
# the month names are the locale's. tests/explain/test_wording.py checks it against Babel.
_LONG_DATES = frozenset({"en", "fr"})


@functools.lru_cache(maxsize=64)  # a batch dates every report alike: worded once, not per sheet
def show_date(date: _dt.date, lang: str) -> str:
    """'28 novembre 2026', '1er décembre 2026', '28 November 2026'."""
    if lang in _LONG_DATES:
        names = cldr.months(lang) or locale(lang).months["format"]["wide"]
        text = f"{date.day} {names[date.month]} {date.year}"
    else:
        from babel.dates import format_date

        text = format_date(date, format="long", locale=LOCALES.get(lang, lang))
    if lang == "fr" and date.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]  # French writes the first of the month as an ordinal
    return text


def make_signature(consultant: Consultant | None, date: _dt.date, lang: str, sheet_path: str | None) -> Signature:
    closing = consultant.closing_in(lang) if consultant is not None else ""
    return Signature(consultant, date, show_date(date, lang), os.path.basename(sheet_path or ""),
                     tuple(paragraph for paragraph in closing.split("\n\n") if paragraph))


__all__ = ["build_summary", "report_date", "show_date",
           "make_signature", "AUDIENCES", "ACTIONS_SHOWN"]
