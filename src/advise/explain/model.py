"""The report model: what one run says, as plain frozen data for the templates
(advise.render) and the JSON report. Built by advise.explain.report."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from ..advisor import Result
from ..engine.trace import Firing
from ..records import Record
from ..sheet.consultant import Consultant
from .existing import ExistingAction

if TYPE_CHECKING:  # imported by the answers that need them (--all, --set): not on every run
    from .answers import NotApplied, WhatIf


REPORT_VERSION = 1
CONTRACT_FACTS = ("verdict", "max_profiles", "platforms", "weekly_hours_available", "weekly_hours_needed")
HOURS_UNIT = "hours_per_week"


# ---------------------------------------------------------------- the model


class TableValue(Record):
    """One value of a knowledge table a step relied on, with its source."""

    def __init__(self,
                 key: str,
                 name: str,  # what the reader sees: "Instagram", or the entry's label
                 value: Any,
                 shown: str,
                 source: str,
                 cited_at: int | None = None) -> None:  # the report's step that already gave this source
        self.__dict__.update(key=key, name=name, value=value, shown=shown, source=source, cited_at=cited_at)


class Premise(Record):
    """A fact a step relied on, with its value as the reader sees it.

    `kind` says where it comes from: sheet (the owner's answer), override (changed with
    --set), derived (concluded by earlier steps), default (no rule concluded it: the
    rule base's default), family (points per network, added up by several steps),
    table (reference values), absent (a `not` condition: nothing concluded it).
    """

    def __init__(self,
                 name: str,
                 label: str,
                 value: Any,
                 shown: str,
                 from_sheet: bool,  # True: the owner's own answer; False: concluded by an earlier step
                 sheet_line: int | None = None,
                 stated: bool = False,  # an answer the sheet gives (not its default), with or without a line
                 by_steps: tuple[int, ...] = (),  # the firings (trace steps) that concluded it, when derived
                 table: bool = False,  # a value from a knowledge table
                 kind: str = "derived",
                 numbers: tuple[int, ...] = (),  # the same steps as numbered in the report
                 entries: tuple[TableValue, ...] = ()) -> None:  # table values, each with its source
        self.__dict__.update(name=name, label=label, value=value, shown=shown, from_sheet=from_sheet,
                             sheet_line=sheet_line, stated=stated, by_steps=by_steps, table=table, kind=kind,
                             numbers=numbers, entries=entries)


class Step(Record):
    """One fired rule, told as a step of the argument."""

    def __init__(self,
                 step: int,  # firing order (the JSON trace's step)
                 rule: str,
                 title: str,
                 theme: str,
                 because: str,
                 premises: tuple[Premise, ...],
                 concluded: tuple[Premise, ...],
                 sources: tuple[str, ...],
                 overruled: dict[str, str],  # fact -> the rule whose value won
                 raw: Firing,
                 number: int = 0,  # position in the report's reading order
                 absent: tuple[Premise, ...] = (),  # facts its `not` conditions required to be absent
                 overruled_by: tuple[tuple[str, str, str], ...] = (),  # (fact label, winner rule id, winner title)
                 support: tuple[int, ...] = ()) -> None:  # numbers of every earlier step it builds on, transitively
        self.__dict__.update(step=step, rule=rule, title=title, theme=theme, because=because, premises=premises,
                             concluded=concluded, sources=sources, overruled=overruled, raw=raw, number=number,
                             absent=absent, overruled_by=overruled_by, support=support)


class HintView(Record):
    """A counterfactual, as a reader sees it: change ONE answer of the sheet, get another result."""

    def __init__(self,
                 fact: str,
                 label: str,
                 kind: str,  # more | less | flip
                 before: Any,
                 after: Any,
                 before_shown: str,
                 after_shown: str,
                 delta_shown: str,  # "6 h/week"; for a flip, the new answer ("yes")
                 verdict: str | None,  # the verdict with the change
                 verdict_title: str,
                 gained: tuple[str, ...] = (),  # platforms the change would add
                 gained_shown: str = "") -> None:
        self.__dict__.update(fact=fact, label=label, kind=kind, before=before, after=after, before_shown=before_shown,
                             after_shown=after_shown, delta_shown=delta_shown, verdict=verdict,
                             verdict_title=verdict_title, gained=gained, gained_shown=gained_shown)


class Item(Record):
    """A warning or a recommendation, with the steps behind it."""

    def __init__(self,
                 id: str,
                 kind: str,  # warning | recommendation
                 title: str,
                 text: str,
                 rule: str,
                 rules: tuple[str, ...],
                 steps: tuple[int, ...],
                 numbers: tuple[int, ...] = (),  # the steps that raised it, as numbered in the report
                 support: tuple[int, ...] = (),  # the steps those build on
                 hints: tuple[HintView, ...] = ()) -> None:
        self.__dict__.update(id=id, kind=kind, title=title, text=text, rule=rule, rules=rules, steps=steps,
                             numbers=numbers, support=support, hints=hints)


class ThemeSection(Record):
    def __init__(self, id: str, title: str, steps: tuple[Step, ...]) -> None:
        self.__dict__.update(id=id, title=title, steps=steps)


class TimeRow(Record):
    def __init__(self,
                 platform: str,
                 name: str,
                 hours: float,
                 shown: str,
                 kept: bool,  # among the recommended profiles
                 source: str) -> None:
        self.__dict__.update(platform=platform, name=name, hours=hours, shown=shown, kept=kept, source=source)


class TimeBudget(Record):
    """Weekly hours available against the hours each planned (or proposed) profile needs."""

    def __init__(self,
                 available: float,
                 needed: float,
                 available_shown: str,
                 needed_shown: str,
                 rows: tuple[TimeRow, ...],
                 basis: str,  # the fact the rows come from: profiles.planned, or platforms when nothing was planned
                 basis_label: str,
                 table: str,  # the knowledge table the hours come from
                 table_title: str) -> None:
        self.__dict__.update(available=available, needed=needed, available_shown=available_shown,
                             needed_shown=needed_shown, rows=rows, basis=basis, basis_label=basis_label, table=table,
                             table_title=table_title)

    @property
    def gap(self) -> float:
        return round(self.needed - self.available, 6)


class SheetChange(Record):
    def __init__(self, fact: str, label: str, before_shown: str, after_shown: str) -> None:
        self.__dict__.update(fact=fact, label=label, before_shown=before_shown, after_shown=after_shown)


class ChangeRow(Record):
    def __init__(self,
                 key: str,  # verdict | platforms | max_profiles | weekly_hours_available | weekly_hours_needed
                 before: str,
                 after: str) -> None:
        self.__dict__.update(key=key, before=before, after=after)


class WhatIfView(Record):
    """What changed with --set, as the reader sees it; only what changed is listed."""

    def __init__(self,
                 rows: tuple[ChangeRow, ...],
                 # (warnings_added | ..., titles), non-empty only
                 lists: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        self.__dict__.update(rows=rows, lists=lists)

    @property
    def unchanged(self) -> bool:
        return not self.rows and not self.lists


# ---------------------------------------------------------------- the summary and the signature


class Action(Record):
    """One of the first things to do: a recommendation, its reason in a few words, and the
    steps of the reasoning behind it (for a link)."""

    def __init__(self, number: int, id: str, title: str, why: str, steps: tuple[int, ...]) -> None:
        self.__dict__.update(number=number, id=id, title=title, why=why, steps=steps)


class ExistingProfile(Record):
    """A profile already open and what to do with it: animate, minimal or close."""

    def __init__(self, platform: str, name: str, action: str) -> None:
        self.__dict__.update(platform=platform, name=name, action=action)


class Summary(Record):
    def __init__(self,
                 animate: tuple[str, ...],  # the networks to animate now (platforms), as shown
                 animate_shown: str,
                 existing: tuple[ExistingProfile, ...],
                 later_shown: str,  # what to open when ready ("" when nothing is said)
                 actions: tuple[Action, ...],
                 more_actions: int,  # recommendations beyond the first three
                 hours_now: float,  # the weekly hours what is animated now takes
                 hours_now_shown: str,
                 hours_available_shown: str,
                 later_hours_shown: str,
                 budget_shown: str,  # the monthly budget the owner gave ("" when none is known)
                 warnings: int) -> None:
        self.__dict__.update(animate=animate, animate_shown=animate_shown, existing=existing, later_shown=later_shown,
                             actions=actions, more_actions=more_actions, hours_now=hours_now,
                             hours_now_shown=hours_now_shown, hours_available_shown=hours_available_shown,
                             later_hours_shown=later_hours_shown, budget_shown=budget_shown, warnings=warnings)


class Signature(Record):
    """Who gives the advice, when, and from which sheet (its file name only)."""

    def __init__(self,
                 consultant: Consultant | None,
                 date: _dt.date,
                 date_shown: str,
                 sheet_name: str,  # "" when the sheet came without a file name (the web form, the API)
                 # the consultant's closing paragraphs, in the report's language
                 closing: tuple[str, ...] = ()) -> None:
        self.__dict__.update(consultant=consultant, date=date, date_shown=date_shown, sheet_name=sheet_name,
                             closing=closing)


class Report(Record):
    NOT_COMPARED = ("result",)

    def __init__(self,
                 lang: str,
                 business: str,
                 sheet_path: str | None,
                 verdict: str | None,
                 verdict_title: str,
                 verdict_meaning: str,
                 verdict_rule: str | None,
                 max_profiles: int | None,
                 platforms: tuple[str, ...],
                 weekly_hours_available: float | None,
                 weekly_hours_needed: float | None,
                 warnings: tuple[Item, ...],
                 recommendations: tuple[Item, ...],
                 steps: tuple[Step, ...],  # in firing order
                 themes: tuple[ThemeSection, ...],  # in reading order
                 facts: dict[str, Any],
                 result: Result,
                 verdict_step: int | None = None,  # its number in the report
                 verdict_support: tuple[int, ...] = (),
                 verdict_hints: tuple[HintView, ...] = (),
                 platform_hints: tuple[HintView, ...] = (),
                 hints_computed: bool = False,
                 time: TimeBudget | None = None,
                 not_applied: tuple["NotApplied", ...] | None = None,  # with --all
                 what_if: "WhatIf | None" = None,  # with --set
                 changes: tuple[SheetChange, ...] = (),  # the --set changes, as the reader sees them
                 what_if_view: WhatIfView | None = None,
                 animating: bool = True,  # the verdict animates profiles now (advise.explain.existing)
                 existing: tuple[ExistingAction, ...] = (),  # one action per profile already open
                 later: tuple[str, ...] = (),  # profiles to open when ready, when the verdict animates nothing
                 include_sheet: bool = True,  # the JSON report carries the answers (`sheet`); --no-sheet: not
                 audience: str = "owner",  # owner: plain words; consultant: rule ids, sources in full, set-aside rules
                 summary: "Summary | None" = None,  # what the report opens with (advise.explain.summary)
                 signature: "Signature | None" = None,  # who gives the advice, the date, the sheet's file name
                 # built for the JSON writer alone (build_report(for_json=True)): steps without their
                 # worded facts, no time picture, no summary; rendered in no other format
                 json_only: bool = False) -> None:
        self.__dict__.update(lang=lang, business=business, sheet_path=sheet_path, verdict=verdict,
                             verdict_title=verdict_title, verdict_meaning=verdict_meaning, verdict_rule=verdict_rule,
                             max_profiles=max_profiles, platforms=platforms,
                             weekly_hours_available=weekly_hours_available, weekly_hours_needed=weekly_hours_needed,
                             warnings=warnings, recommendations=recommendations, steps=steps, themes=themes,
                             facts=facts, result=result, verdict_step=verdict_step, verdict_support=verdict_support,
                             verdict_hints=verdict_hints, platform_hints=platform_hints, hints_computed=hints_computed,
                             time=time, not_applied=not_applied, what_if=what_if, changes=changes,
                             what_if_view=what_if_view, animating=animating, existing=existing, later=later,
                             include_sheet=include_sheet, audience=audience, summary=summary, signature=signature,
                             json_only=json_only)

    def _now(self, items: tuple[Item, ...], kind: str) -> tuple[Item, ...]:
        vocabulary = self.result.rulebook.vocabulary
        return tuple(item for item in items
                     if self.animating or not vocabulary.about_animating(kind, item.id))

    @property
    def now_warnings(self) -> tuple[Item, ...]:
        """The warnings to act on now: advice about animating waits when nothing is animated."""
        return self._now(self.warnings, "warning")

    @property
    def now_recommendations(self) -> tuple[Item, ...]:
        return self._now(self.recommendations, "recommendation")

    @property
    def later_warnings(self) -> tuple[Item, ...]:
        now = set(map(id, self.now_warnings))
        return tuple(item for item in self.warnings if id(item) not in now)

    @property
    def later_recommendations(self) -> tuple[Item, ...]:
        now = set(map(id, self.now_recommendations))
        return tuple(item for item in self.recommendations if id(item) not in now)

    @property
    def has_later(self) -> bool:
        return bool(self.later or self.later_warnings or self.later_recommendations)


    # Which advise, which rules and which answers made the report (issue 18).
    @property
    def advise_version(self) -> str:
        from ..version import __version__

        return __version__

    @property
    def rules_digest(self) -> str:
        return self.result.rulebook.digest

    @property
    def sheet_answers(self) -> dict[str, Any]:
        from ..rulebase.digest import sheet_answers

        sheet = self.result.sheet
        return sheet_answers(sheet.facts, sheet.lang, sheet.version)

    @property
    def sheet_digest(self) -> str:
        from ..rulebase.digest import sheet_digest

        return sheet_digest(self.sheet_answers)


