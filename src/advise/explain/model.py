"""The report model: what one run says, as plain frozen data for the templates
(advise.render) and the JSON report. Built by advise.explain.report."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..advisor import Result
from ..engine.trace import Firing
from ..sheet.consultant import Consultant
from .existing import ExistingAction

if TYPE_CHECKING:  # imported by the answers that need them (--all, --set): not on every run
    from .answers import NotApplied, WhatIf


REPORT_VERSION = 1
CONTRACT_FACTS = ("verdict", "max_profiles", "platforms", "weekly_hours_available", "weekly_hours_needed")
HOURS_UNIT = "hours_per_week"


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class TableValue:
    """One value of a knowledge table a step relied on, with its source."""

    key: str
    name: str  # what the reader sees: "Instagram", or the entry's label
    value: Any
    shown: str
    source: str
    cited_at: int | None = None  # the report's step that already gave this source


@dataclass(frozen=True)
class Premise:
    """A fact a step relied on, with its value as the reader sees it.

    `kind` says where it comes from: sheet (the owner's answer), override (changed with
    --set), derived (concluded by earlier steps), default (no rule concluded it: the
    rule base's default), family (points per network, added up by several steps),
    table (reference values), absent (a `not` condition: nothing concluded it).
    """

    name: str
    label: str
    value: Any
    shown: str
    from_sheet: bool  # True: the owner's own answer; False: concluded by an earlier step
    sheet_line: int | None = None
    stated: bool = False  # an answer the sheet gives (not its default), with or without a line
    by_steps: tuple[int, ...] = ()  # the firings (trace steps) that concluded it, when derived
    table: bool = False  # a value from a knowledge table
    kind: str = "derived"
    numbers: tuple[int, ...] = ()  # the same steps as numbered in the report
    entries: tuple[TableValue, ...] = ()  # table values, each with its source


@dataclass(frozen=True)
class Step:
    """One fired rule, told as a step of the argument."""

    step: int  # firing order (the JSON trace's step)
    rule: str
    title: str
    theme: str
    because: str
    premises: tuple[Premise, ...]
    concluded: tuple[Premise, ...]
    sources: tuple[str, ...]
    overruled: dict[str, str]  # fact -> the rule whose value won
    raw: Firing
    number: int = 0  # position in the report's reading order
    absent: tuple[Premise, ...] = ()  # facts its `not` conditions required to be absent
    overruled_by: tuple[tuple[str, str, str], ...] = ()  # (fact label, winner rule id, winner title)
    support: tuple[int, ...] = ()  # numbers of every earlier step it builds on, transitively


@dataclass(frozen=True)
class HintView:
    """A counterfactual, as a reader sees it: change ONE answer of the sheet, get another result."""

    fact: str
    label: str
    kind: str  # more | less | flip
    before: Any
    after: Any
    before_shown: str
    after_shown: str
    delta_shown: str  # "6 h/week"; for a flip, the new answer ("yes")
    verdict: str | None  # the verdict with the change
    verdict_title: str
    gained: tuple[str, ...] = ()  # platforms the change would add
    gained_shown: str = ""


@dataclass(frozen=True)
class Item:
    """A warning or a recommendation, with the steps behind it."""

    id: str
    kind: str  # warning | recommendation
    title: str
    text: str
    rule: str
    rules: tuple[str, ...]
    steps: tuple[int, ...]
    numbers: tuple[int, ...] = ()  # the steps that raised it, as numbered in the report
    support: tuple[int, ...] = ()  # the steps those build on
    hints: tuple[HintView, ...] = ()


@dataclass(frozen=True)
class ThemeSection:
    id: str
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class TimeRow:
    platform: str
    name: str
    hours: float
    shown: str
    kept: bool  # among the recommended profiles
    source: str


@dataclass(frozen=True)
class TimeBudget:
    """Weekly hours available against the hours each planned (or proposed) profile needs."""

    available: float
    needed: float
    available_shown: str
    needed_shown: str
    rows: tuple[TimeRow, ...]
    basis: str  # the fact the rows come from: profiles.planned, or platforms when nothing was planned
    basis_label: str
    table: str  # the knowledge table the hours come from
    table_title: str

    @property
    def gap(self) -> float:
        return round(self.needed - self.available, 6)


@dataclass(frozen=True)
class SheetChange:
    fact: str
    label: str
    before_shown: str
    after_shown: str


@dataclass(frozen=True)
class ChangeRow:
    key: str  # verdict | platforms | max_profiles | weekly_hours_available | weekly_hours_needed
    before: str
    after: str


@dataclass(frozen=True)
class WhatIfView:
    """What changed with --set, as the reader sees it; only what changed is listed."""

    rows: tuple[ChangeRow, ...]
    lists: tuple[tuple[str, tuple[str, ...]], ...]  # (warnings_added | ..., titles), non-empty only

    @property
    def unchanged(self) -> bool:
        return not self.rows and not self.lists


# ---------------------------------------------------------------- the summary and the signature


@dataclass(frozen=True)
class Action:
    """One of the first things to do: a recommendation, its reason in a few words, and the
    steps of the reasoning behind it (for a link)."""

    number: int
    id: str
    title: str
    why: str
    steps: tuple[int, ...]


@dataclass(frozen=True)
class ExistingProfile:
    """A profile already open and what to do with it: animate, minimal or close."""

    platform: str
    name: str
    action: str


@dataclass(frozen=True)
class Summary:
    animate: tuple[str, ...]  # the networks to animate now (platforms), as shown
    animate_shown: str
    existing: tuple[ExistingProfile, ...]
    later_shown: str  # what to open when ready ("" when nothing is said)
    actions: tuple[Action, ...]
    more_actions: int  # recommendations beyond the first three
    hours_now: float  # the weekly hours what is animated now takes
    hours_now_shown: str
    hours_available_shown: str
    later_hours_shown: str
    budget_shown: str  # the monthly budget the owner gave ("" when none is known)
    warnings: int


@dataclass(frozen=True)
class Signature:
    """Who gives the advice, when, and from which sheet (its file name only)."""

    consultant: Consultant | None
    date: _dt.date
    date_shown: str
    sheet_name: str  # "" when the sheet came without a file name (the web form, the API)
    closing: tuple[str, ...] = ()  # the consultant's closing paragraphs, in the report's language


@dataclass(frozen=True)
class Report:
    lang: str
    business: str
    sheet_path: str | None
    verdict: str | None
    verdict_title: str
    verdict_meaning: str
    verdict_rule: str | None
    max_profiles: int | None
    platforms: tuple[str, ...]
    weekly_hours_available: float | None
    weekly_hours_needed: float | None
    warnings: tuple[Item, ...]
    recommendations: tuple[Item, ...]
    steps: tuple[Step, ...]  # in firing order
    themes: tuple[ThemeSection, ...]  # in reading order
    facts: dict[str, Any]
    result: Result = field(repr=False, compare=False)
    verdict_step: int | None = None  # its number in the report
    verdict_support: tuple[int, ...] = ()
    verdict_hints: tuple[HintView, ...] = ()
    platform_hints: tuple[HintView, ...] = ()
    hints_computed: bool = False
    time: TimeBudget | None = None
    not_applied: tuple["NotApplied", ...] | None = None  # with --all
    what_if: "WhatIf | None" = None  # with --set
    changes: tuple[SheetChange, ...] = ()  # the --set changes, as the reader sees them
    what_if_view: WhatIfView | None = None
    animating: bool = True  # the verdict animates profiles now (advise.explain.existing)
    existing: tuple[ExistingAction, ...] = ()  # one action per profile already open
    later: tuple[str, ...] = ()  # profiles to open when ready, when the verdict animates nothing
    include_sheet: bool = True  # the JSON report carries the answers (`sheet`); --no-sheet: not
    audience: str = "owner"  # owner: plain words; consultant: rule ids, sources in full, set-aside rules
    summary: "Summary | None" = None  # what the report opens with (advise.explain.summary)
    signature: "Signature | None" = None  # who gives the advice, the date, the sheet's file name

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


