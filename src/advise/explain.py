"""From a trace to an explanation a business owner can follow.

The report is data (dataclasses), built from the trace and the rule book only; templates
in explanations/ turn it into text, Markdown or HTML, and `report_json` into the JSON of
the report contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jinja2

from .advisor import Result
from .errors import Problem, RuleRunError, register_messages
from .facts import PLATFORMS
from .rulebook import Rule, RuleBook
from .trace import Firing, Trace
from .wording import make_filters

register_messages({
    "because-failed": {
        "en": "the explanation of the rule cannot be written for this sheet: {reason}",
        "fr": "l'explication de la règle ne peut pas être rédigée pour cette fiche : {reason}",
    },
})

REPORT_VERSION = 1
CONTRACT_FACTS = ("verdict", "max_profiles", "platforms", "weekly_hours_available", "weekly_hours_needed")


@dataclass(frozen=True)
class Premise:
    """A fact a step relied on, with its value as the reader sees it."""

    name: str
    label: str
    value: Any
    shown: str
    from_sheet: bool  # True: the owner's own answer; False: concluded by an earlier step
    sheet_line: int | None = None
    by_steps: tuple[int, ...] = ()  # the steps that concluded it, when derived
    table: bool = False  # a value from a knowledge table


@dataclass(frozen=True)
class Step:
    """One fired rule, told as a step of the argument."""

    step: int
    rule: str
    title: str
    theme: str
    because: str
    premises: tuple[Premise, ...]
    concluded: tuple[Premise, ...]
    sources: tuple[str, ...]
    overruled: dict[str, str]  # fact -> the rule whose value won
    raw: Firing


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


@dataclass(frozen=True)
class ThemeSection:
    id: str
    title: str
    steps: tuple[Step, ...]


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
    steps: tuple[Step, ...]
    themes: tuple[ThemeSection, ...]
    facts: dict[str, Any]
    result: Result = field(repr=False, compare=False)


def fact_context(trace_facts: dict[str, Any], rulebook: RuleBook) -> dict[str, Any]:
    """Dotted facts as nested mappings, so templates write {{ resources.weekly_hours }}."""
    context: dict[str, Any] = {}
    for name in sorted(trace_facts):
        value = trace_facts[name]
        value = list(value) if isinstance(value, tuple) else value
        parts = name.split(".")
        node = context
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    for table_name, table in rulebook.tables.items():
        context[table_name] = table.values()
    return context


class _Because:
    """Renders rules' `because` texts; one Jinja environment per language, strict."""

    def __init__(self, rulebook: RuleBook, lang: str):
        self.environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                                              keep_trailing_newline=False)
        self.environment.filters.update(make_filters(rulebook.vocabulary, lang))
        self.lang = lang
        self.cache: dict[str, jinja2.Template] = {}

    def render(self, rule: Rule, context: dict[str, Any]) -> str:
        text = rule.because[self.lang]
        try:
            template = self.cache.get(rule.id) or self.environment.from_string(text)
            self.cache[rule.id] = template
            return template.render(context, lang=self.lang).strip()
        except jinja2.TemplateError as error:
            raise RuleRunError(Problem("because-failed", {"reason": str(error)}, file=rule.file, line=rule.line,
                                       rule=rule.id)) from None


def build_report(result: Result, lang: str) -> Report:
    rulebook, trace = result.rulebook, result.trace
    vocabulary = rulebook.vocabulary
    filters = make_filters(vocabulary, lang)
    context = fact_context(trace.facts, rulebook)
    because = _Because(rulebook, lang)

    def premise(name: str, value: Any) -> Premise:
        fact = rulebook.facts.get(name)
        if fact is None:  # a table, a table value or a family
            entry = rulebook.table_value(name)
            label = entry.label.get(lang, name) if entry and entry.label else name
            shown = _show(value, entry.unit if entry else "none", filters)
            return Premise(name, label, value, shown, from_sheet=False, table=name not in vocabulary.families)
        derivation = trace.derivations.get(name)
        label = fact.label.get(lang, name)
        if fact.family:
            label += f" ({filters['platform'](name.rsplit('.', 1)[1])})"
        if name == "verdict" and value in vocabulary.verdicts:
            shown = vocabulary.verdicts[value]["title"].get(lang, value)
        else:
            shown = _show(value, fact.unit, filters, fact.items)
        return Premise(name, label, value, shown,
                       from_sheet=not fact.derived, sheet_line=result.sheet.positions.get(name),
                       by_steps=derivation.steps if derivation else ())

    steps = []
    for firing in trace.firings:
        rule = rulebook.rule(firing.rule)
        steps.append(Step(
            step=firing.step, rule=rule.id, title=rule.title[lang], theme=rule.theme,
            because=because.render(rule, context),
            premises=tuple(premise(name, value) for name, value in firing.premises.items()),
            concluded=tuple(premise(name, value) for name, value in firing.concluded.items()),
            sources=rule.source, overruled=dict(firing.overruled), raw=firing))
    by_step = {step.step: step for step in steps}
    items: dict[str, list[Item]] = {"warning": [], "recommendation": []}
    for kind, prefix, section in (("warning", "warnings.", vocabulary.warnings),
                                  ("recommendation", "recommendations.", vocabulary.recommendations)):
        raised = [(name[len(prefix):], derivation) for name, derivation in trace.derivations.items()
                  if name.startswith(prefix) and derivation.value is True and derivation.steps]
        for item_id, derivation in sorted(raised, key=lambda pair: pair[1].steps[0]):
            first = by_step[derivation.steps[0]]
            items[kind].append(Item(item_id, kind, section[item_id]["title"][lang], first.because, first.rule,
                                    tuple(by_step[s].rule for s in derivation.steps), derivation.steps))
    verdict = trace.facts.get("verdict")
    verdict_derivation = trace.derivations.get("verdict")
    verdict_info = vocabulary.verdicts.get(verdict, {}) if verdict else {}
    themes = []
    for theme in sorted(vocabulary.themes.values(), key=lambda theme: theme.order):
        theme_steps = tuple(step for step in steps if step.theme == theme.id)
        if theme_steps:
            themes.append(ThemeSection(theme.id, theme.title[lang], theme_steps))
    return Report(
        lang=lang,
        business=str(trace.facts.get("business.name", "")),
        sheet_path=result.sheet.path,
        verdict=verdict,
        verdict_title=verdict_info.get("title", {}).get(lang, ""),
        verdict_meaning=verdict_info.get("meaning", {}).get(lang, ""),
        verdict_rule=(by_step[verdict_derivation.steps[0]].rule
                      if verdict_derivation and verdict_derivation.steps else None),
        max_profiles=trace.facts.get("max_profiles"),
        platforms=tuple(trace.facts.get("platforms", ())),
        weekly_hours_available=trace.facts.get("weekly_hours_available"),
        weekly_hours_needed=trace.facts.get("weekly_hours_needed"),
        warnings=tuple(items["warning"]),
        recommendations=tuple(items["recommendation"]),
        steps=tuple(steps),
        themes=tuple(themes),
        facts=dict(trace.facts),
        result=result,
    )


def _show(value: Any, unit: str, filters: dict[str, Any], items: str | None = None) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_show(inner, unit, filters)}" for key, inner in value.items())
    if isinstance(value, (list, tuple)):
        if items == "platform" or (value and all(str(v) in PLATFORMS for v in value)):
            return filters["platforms"](value)
        if items == "objective":
            return filters["objectives"](value)
        return filters["join_and"]([str(v) for v in value])
    if isinstance(value, bool):
        return filters["yesno"](value)
    if isinstance(value, (int, float)):
        return filters["unit"](value, unit)
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    return value


def report_json(report: Report) -> dict[str, Any]:
    """The JSON report of the contract (shared/contract/report.md), plus documented additions."""
    return {
        "version": REPORT_VERSION,
        "business": report.business,
        "verdict": report.verdict,
        "max_profiles": report.max_profiles,
        "platforms": list(report.platforms),
        "weekly_hours_available": report.weekly_hours_available,
        "weekly_hours_needed": report.weekly_hours_needed,
        "warnings": [{"id": item.id, "rule": item.rule, "text": item.text, "title": item.title,
                      "rules": list(item.rules), "steps": list(item.steps)} for item in report.warnings],
        "recommendations": [{"id": item.id, "rule": item.rule, "text": item.text, "title": item.title,
                             "rules": list(item.rules), "steps": list(item.steps)}
                            for item in report.recommendations],
        "trace": [{
            "step": step.step,
            "rule": step.rule,
            "title": step.title,
            "premises": {name: _plain(value) for name, value in step.raw.premises.items()},
            "concluded": {name: _plain(value) for name, value in step.raw.concluded.items()},
            "source": " | ".join(step.sources),
            "theme": step.theme,
            "because": step.because,
            "overruled": dict(step.overruled),
        } for step in report.steps],
        "lang": report.lang,
        "verdict_rule": report.verdict_rule,
    }
