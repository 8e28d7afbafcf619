"""From a trace to an explanation a business owner can follow.

The report is data (dataclasses), built from the trace and the rule book only; templates
in explanations/ turn it into text, Markdown or HTML, and `report_json` into the JSON of
the report contract.

The reasoning is told as a short argument in the order of the rule base's themes (the
article's order: time and budget, then objectives, content and community, then the
verdict), not in firing order: steps are numbered in that reading order, and every fact a
step relies on says where it comes from (the owner's answer and its line, a reference
value and its source, or the earlier step that concluded it).

`Words` is the one place that turns a fact name and value into what a reader sees; the
"how", "why not" and "what if" explanations (advise.explain.proof, advise.explain.whynot, advise.explain.whatif)
use it too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

import jinja2

from ..advisor import Result
from ..engine.trace import Firing, Trace
from ..errors import Problem, RuleRunError, register_messages
from ..rulebase.operators import LIST, OPERATORS
from ..rulebase.rulebook import Condition, Rule, RuleBook
from ..sheet.facts import PLATFORMS
from .wording import join_or, make_filters, others_zero

if TYPE_CHECKING:  # only for annotations: these modules import this one
    from .counterfactual import Hints
    from .whatif import WhatIf
    from .whynot import NotApplied

register_messages({
    "because-failed": {
        "en": "the explanation of the rule cannot be written for this sheet: {reason}",
        "fr": "l'explication de la règle ne peut pas être rédigée pour cette fiche : {reason}",
    },
})

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


# ---------------------------------------------------------------- words


class Words:
    """What a reader sees for a fact: its label, its value with unit, where it comes from."""

    def __init__(self, result: Result, lang: str, overrides: Iterable[str] = ()):
        self.result = result
        self.rulebook: RuleBook = result.rulebook
        self.trace: Trace = result.trace
        self.vocabulary = self.rulebook.vocabulary
        self.lang = lang
        self.filters = make_filters(self.vocabulary, lang)
        self.overrides = frozenset(overrides)

    # -- names

    def label(self, name: str) -> str:
        rulebook, lang = self.rulebook, self.lang
        fact = rulebook.facts.get(name)
        if fact is not None:
            label = fact.label.get(lang, name) if fact.label else name
            if fact.family:
                label += f" ({self.member_name(name.rsplit('.', 1)[1])})"
            return label
        if name in self.vocabulary.families:
            member = rulebook.facts.get(self.vocabulary.families[name][0])
            return member.label.get(lang, name) if member and member.label else name
        if name in rulebook.tables:
            table = rulebook.tables[name]
            return table.title.get(lang, name) if table.title else name
        entry = rulebook.table_value(name)
        if entry is not None:
            if entry.label:
                return entry.label.get(lang, name)
            table = rulebook.tables[entry.table]
            title = table.title.get(lang, entry.table) if table.title else entry.table
            return f"{title} ({self.member_name(entry.key)})"
        return name

    def member_name(self, key: str) -> str:
        if key in self.vocabulary.platforms:
            return self.filters["platform"](key)
        if key in self.vocabulary.objectives:
            return self.filters["objectives"]([key])
        return key

    def unit(self, name: str) -> str:
        fact = self.rulebook.facts.get(name)
        if fact is not None:
            return fact.unit
        if name in self.vocabulary.families:
            member = self.rulebook.facts.get(self.vocabulary.families[name][0])
            return member.unit if member else "none"
        if name in self.rulebook.tables:
            return self.rulebook.tables[name].unit
        entry = self.rulebook.table_value(name)
        return entry.unit if entry is not None else "none"

    # -- values

    def show(self, name: str, value: Any) -> str:
        """A value of the fact (or table, or family) `name`, in the reader's words."""
        fact = self.rulebook.facts.get(name)
        if name == "verdict" and isinstance(value, str) and value in self.vocabulary.verdicts:
            return self.verdict_title(value)
        if isinstance(value, dict):
            return self.show_mapping(value, self.unit(name))
        items = fact.items if fact is not None else None
        return self.show_value(value, self.unit(name), items)

    def show_value(self, value: Any, unit: str = "none", items: str | None = None) -> str:
        filters = self.filters
        if isinstance(value, (list, tuple)):
            if items == "platform" or (value and all(str(v) in PLATFORMS for v in value)):
                return filters["platforms"](value)
            if items == "objective" or (value and all(str(v) in self.vocabulary.objectives for v in value)):
                return filters["objectives"](value)
            return filters["join_and"]([str(v) for v in value])
        if isinstance(value, bool):
            return filters["yesno"](value)
        if isinstance(value, (int, float)):
            return filters["unit"](value, unit)
        return str(value)

    def show_mapping(self, values: dict[str, Any], unit: str) -> str:
        """Points per network, best first, leaving out the zeros: 'Instagram 4, Facebook 4; 0 for the others'."""
        numbers = [(key, value) for key, value in values.items() if isinstance(value, (int, float))]
        shown = [(key, value) for key, value in numbers if value != 0]
        shown.sort(key=lambda pair: -pair[1])  # stable: ties keep the rule base's order
        text = ", ".join(f"{self.member_name(key)} {self.filters['number'](value)}" for key, value in shown)
        if len(shown) < len(numbers):
            text = f"{text}; {others_zero(self.lang)}" if text else others_zero(self.lang, all_zero=True)
        return text

    def verdict_title(self, verdict: str | None) -> str:
        if not verdict:
            return ""
        return self.vocabulary.verdicts.get(verdict, {}).get("title", {}).get(self.lang, verdict)

    def operand(self, condition: Condition) -> str:
        """The value a condition compares with: '50 EUR/month', 'Facebook or Instagram', 'yes'."""
        fact = self.rulebook.facts.get(condition.fact)
        operand = condition.operand
        unit = fact.unit if fact is not None else "none"
        items = fact.items if fact is not None else None
        if condition.fact == "verdict" and isinstance(operand, str):
            return self.verdict_title(operand)
        if isinstance(operand, (list, tuple)):
            return join_or([self.show_value(item, unit, items) if not isinstance(item, str)
                            else self.show_item(item, items) for item in operand], self.lang)
        if isinstance(operand, str):
            return self.show_item(operand, items)
        if condition.op in ("size_eq", "size_gt", "size_lt"):
            return self.filters["number"](operand)
        return self.show_value(operand, unit, items)

    def show_item(self, item: str, items: str | None) -> str:
        if items == "platform" or item in self.vocabulary.platforms:
            return self.filters["platform"](item)
        if items == "objective" or item in self.vocabulary.objectives:
            return self.filters["objectives"]([item])
        return item

    def requirement(self, condition: Condition) -> str:
        """What a condition asks, in words: 'monthly budget is less than 50 EUR/month'."""
        operator = OPERATORS[condition.op]
        negated = condition.negated
        if operator.operand == "bool":  # `empty: false` reads "is not empty"
            negated = bool(condition.operand) == condition.negated
        phrases = operator.negated_reads if negated else operator.reads
        phrase = phrases[self.lang].replace("{operand}", self.operand(condition))
        text = f"{self.label(condition.fact)} {phrase}"
        if condition.operand_ref:
            text += f" ({self.label(condition.operand_ref)})"
        return text

    # -- where a fact comes from

    def sheet_line(self, name: str) -> int | None:
        return self.result.sheet.positions.get(name)

    def premise(self, name: str, value: Any, *, number_of: dict[int, int] | None = None,
                keys: Iterable[str] | None = None) -> Premise:
        """A fact a step used. `keys` limits a whole table to the entries that matter here."""
        rulebook, trace = self.rulebook, self.trace
        number_of = number_of or {}
        label = self.label(name)
        fact = rulebook.facts.get(name)
        if fact is not None:
            shown = self.show(name, value)
            if not fact.derived:
                kind = "override" if name in self.overrides else "sheet"
                return Premise(name, label, value, shown, from_sheet=True, sheet_line=self.sheet_line(name),
                               stated=name in self.result.sheet.given, kind=kind)
            derivation = trace.derivations.get(name)
            steps = derivation.steps if derivation else ()
            kind = "default" if derivation is not None and derivation.default else "derived"
            return Premise(name, label, value, shown, from_sheet=False, by_steps=steps, kind=kind,
                           numbers=tuple(sorted(number_of.get(s, s) for s in steps)))
        if name in self.vocabulary.families:
            steps = tuple(sorted({s for member in self.vocabulary.families[name]
                                  for s in (trace.derivations[member].steps if member in trace.derivations else ())}))
            return Premise(name, label, value, self.show(name, value), from_sheet=False, by_steps=steps,
                           kind="family", numbers=tuple(sorted(number_of.get(s, s) for s in steps)))
        entries = self.table_values(name, keys)
        if name in rulebook.tables:
            shown = ", ".join(f"{entry.name} {entry.shown}" for entry in entries)
        else:
            shown = self.show_value(value, self.unit(name))
        return Premise(name, label, value, shown, from_sheet=False, table=True, kind="table", entries=entries)

    def table_values(self, name: str, keys: Iterable[str] | None = None) -> tuple[TableValue, ...]:
        rulebook = self.rulebook
        if name in rulebook.tables:
            table = rulebook.tables[name]
            wanted = [key for key in dict.fromkeys(keys or ()) if key in table.entries] or list(table.entries)
            return tuple(self._table_value(table.entries[key]) for key in wanted)
        entry = rulebook.table_value(name)
        return (self._table_value(entry),) if entry is not None else ()

    def _table_value(self, entry: Any) -> TableValue:
        name = self.member_name(entry.key) if entry.key in self.vocabulary.platforms or not entry.label \
            else entry.label.get(self.lang, entry.key)
        return TableValue(entry.key, name, entry.value, self.show_value(entry.value, entry.unit), entry.source)


# ---------------------------------------------------------------- rule texts


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

    def _compile(self, name: str, text: str) -> jinja2.Template:
        """`environment.from_string(text)`, its compiled code kept in the bytecode cache
        (advise.render.renderer.bytecode_cache), which checks the text before using the code."""
        from ..render.renderer import bytecode_cache

        environment = self.environment
        cache = bytecode_cache()
        if cache is None:
            return environment.from_string(text)
        bucket = cache.get_bucket(environment, name, None, text)
        code = bucket.code
        if code is None:
            code = environment.compile(text)
            bucket.code = code
            cache.set_bucket(bucket)
        return environment.template_class.from_code(environment, code, environment.make_globals(None), None)

    def render(self, rule: Rule, context: dict[str, Any]) -> str:
        return self.bound(context)(rule)

    def bound(self, context: dict[str, Any]) -> Callable[[Rule], str]:
        """render(rule, context) for many rules and one context (which must not change meanwhile).

        What `template.render(context, lang=...)` does for each, but the template's variables
        (Jinja's globals, then the context, then `lang`) are merged once, not per rule.
        """
        environment, lang = self.environment, self.lang
        variables = dict(environment.globals)
        variables.update(context)
        variables["lang"] = lang

        def render(rule: Rule) -> str:
            text = rule.because[lang]
            try:
                template = self.cache.get(rule.id) or self._compile(f"because-{lang}-{rule.id}", text)
                self.cache[rule.id] = template
                try:
                    rendered = environment.concat(  # type: ignore[attr-defined]
                        template.root_render_func(template.new_context(variables, shared=True)))
                except Exception:
                    environment.handle_exception()  # raises it again, as Template.render does
                return rendered.strip()
            except jinja2.TemplateError as error:
                raise RuleRunError(Problem("because-failed", {"reason": str(error)}, file=rule.file, line=rule.line,
                                           rule=rule.id)) from None

        return render


# Compiling the rules' `because` texts costs far more than rendering them (about 10 ms a
# report): one compiled set per rule book and language, kept while the rule book lives.
_BECAUSE_CACHE: dict[tuple[int, str], tuple[RuleBook, _Because]] = {}


def _because_for(rulebook: RuleBook, lang: str) -> _Because:
    key = (id(rulebook), lang)
    cached = _BECAUSE_CACHE.get(key)
    if cached is None or cached[0] is not rulebook:
        if len(_BECAUSE_CACHE) >= 8:
            _BECAUSE_CACHE.clear()
        cached = _BECAUSE_CACHE[key] = (rulebook, _Because(rulebook, lang))
    return cached[1]


# ---------------------------------------------------------------- building the report


def raised(trace: Trace, prefix: str) -> list[tuple[str, Any]]:
    """(id, derivation) of the warnings ("warnings.") or recommendations raised, in firing order."""
    found = [(name[len(prefix):], derivation) for name, derivation in trace.derivations.items()
             if name.startswith(prefix) and derivation.value is True and derivation.steps]
    return sorted(found, key=lambda pair: pair[1].steps[0])


def reading_order(rulebook: RuleBook, trace: Trace) -> list[Firing]:
    """Firings in the report's order: by theme (the rule base's order), then as they fired."""
    order = {theme.id: theme.order for theme in rulebook.vocabulary.themes.values()}
    rules = {rule.id: rule for rule in rulebook.rules}
    return sorted(trace.firings, key=lambda firing: (order.get(rules[firing.rule].theme, len(order)),
                                                     rules[firing.rule].theme, firing.step))


def supporting_steps(trace: Trace, steps: Iterable[int], rulebook: RuleBook,
                     built_on: dict[int, tuple[int, ...]] | None = None) -> set[int]:
    """Every firing the given ones build on, transitively, through the derived facts they used.

    `built_on`: a dict to remember, per firing, the firings it builds on directly (reused
    across calls for one trace: a report asks for every step's support)."""
    if built_on is None:
        built_on = {}
    families = rulebook.vocabulary.families
    seen: set[int] = set()
    work = list(steps)
    while work:
        current = work.pop()
        direct = built_on.get(current)
        if direct is None:
            found: list[int] = []
            for name in trace.firing(current).premises:
                for member in families.get(name, (name,)):
                    derivation = trace.derivations.get(member)
                    if derivation is not None:
                        found.extend(derivation.steps)
            direct = built_on[current] = tuple(found)
        for step in direct:
            if step not in seen:
                seen.add(step)
                work.append(step)
    return seen


def _platform_keys(rulebook: RuleBook, premises: dict[str, Any]) -> list[str]:
    """The networks a step is about: the items of its lists of networks, in their order."""
    keys: list[str] = []
    for name, value in premises.items():
        fact = rulebook.facts.get(name)
        if fact is not None and fact.kind == LIST and fact.items == "platform":
            keys.extend(str(item) for item in value)
    return keys


def build_report(result: Result, lang: str, *, hints: "Hints | None" = None, what_if: "WhatIf | None" = None,
                 not_applied: "Iterable[NotApplied] | None" = None, overrides: Iterable[str] = ()) -> Report:
    """The report of one run, in `lang`. Optional parts: counterfactual hints (advise.explain.counterfactual),
    the comparison with the sheet before --set changes (advise.explain.whatif), and the warnings and
    recommendations that did not apply with a one-line why-not (advise.explain.whynot)."""
    rulebook, trace = result.rulebook, result.trace
    vocabulary = rulebook.vocabulary
    overrides = tuple(overrides) or (tuple(what_if.facts) if what_if is not None else ())
    words = Words(result, lang, overrides)
    context = fact_context(trace.facts, rulebook)
    because = _because_for(rulebook, lang).bound(context)

    ordered = reading_order(rulebook, trace)
    number_of = {firing.step: index for index, firing in enumerate(ordered, start=1)}

    def numbers(steps: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted(number_of[step] for step in steps))

    built_on: dict[int, tuple[int, ...]] = {}  # see supporting_steps
    steps_by_firing: dict[int, Step] = {}
    for firing in trace.firings:
        rule = rulebook.rule(firing.rule)
        keys = _platform_keys(rulebook, firing.premises)
        premises = tuple(words.premise(name, value, number_of=number_of, keys=keys)
                         for name, value in firing.premises.items())
        concluded = tuple(words.premise(name, value, number_of=number_of) for name, value in firing.concluded.items())
        absent = tuple(Premise(name, words.label(name), None, "", from_sheet=False, kind="absent")
                       for name in firing.absent)
        overruled_by = tuple((words.label(fact), winner, rulebook.rule(winner).title[lang])
                             for fact, winner in firing.overruled.items())
        steps_by_firing[firing.step] = Step(
            step=firing.step, rule=rule.id, title=rule.title[lang], theme=rule.theme,
            because=because(rule), premises=premises, concluded=concluded, sources=rule.source,
            overruled=dict(firing.overruled), raw=firing, number=number_of[firing.step], absent=absent,
            overruled_by=overruled_by,
            support=numbers(supporting_steps(trace, [firing.step], rulebook, built_on)))
    _cite_once(steps_by_firing, ordered)
    steps = tuple(steps_by_firing[firing.step] for firing in trace.firings)

    items: dict[str, list[Item]] = {"warning": [], "recommendation": []}
    # Warnings and recommendations in the order the argument reaches them.
    for kind, prefix, section in (("warning", "warnings.", vocabulary.warnings),
                                  ("recommendation", "recommendations.", vocabulary.recommendations)):
        for item_id, derivation in sorted(raised(trace, prefix), key=lambda pair: number_of[pair[1].steps[0]]):
            first = steps_by_firing[derivation.steps[0]]
            support = supporting_steps(trace, derivation.steps, rulebook, built_on) - set(derivation.steps)
            item_hints = hints.warnings.get(item_id, ()) if hints is not None and kind == "warning" else ()
            items[kind].append(Item(
                item_id, kind, section[item_id]["title"][lang], first.because, first.rule,
                tuple(steps_by_firing[s].rule for s in derivation.steps), derivation.steps,
                numbers=numbers(derivation.steps), support=numbers(support),
                hints=tuple(hint_view(words, hint) for hint in item_hints)))

    themes = []
    for theme in sorted(vocabulary.themes.values(), key=lambda theme: theme.order):
        theme_steps = tuple(steps_by_firing[f.step] for f in ordered if steps_by_firing[f.step].theme == theme.id)
        if theme_steps:
            themes.append(ThemeSection(theme.id, theme.title[lang], theme_steps))
    unknown = sorted({step.theme for step in steps} - set(vocabulary.themes))
    for theme_id in unknown:  # a rule file whose theme the vocabulary does not list: told last
        themes.append(ThemeSection(theme_id, theme_id, tuple(steps_by_firing[f.step] for f in ordered
                                                             if steps_by_firing[f.step].theme == theme_id)))

    verdict = trace.facts.get("verdict")
    verdict_derivation = trace.derivations.get("verdict")
    verdict_steps = verdict_derivation.steps if verdict_derivation and verdict_derivation.steps else ()
    verdict_info = vocabulary.verdicts.get(verdict, {}) if verdict else {}
    changes: tuple[SheetChange, ...] = ()
    view = None
    if what_if is not None:
        changes = tuple(SheetChange(name, words.label(name), words.show(name, before), words.show(name, after))
                        for name, (before, after) in what_if.facts.items())
        view = what_if_view(words, what_if)
    return Report(
        lang=lang,
        business=str(trace.facts.get("business.name", "")),
        sheet_path=result.sheet.path,
        verdict=verdict,
        verdict_title=verdict_info.get("title", {}).get(lang, ""),
        verdict_meaning=verdict_info.get("meaning", {}).get(lang, ""),
        verdict_rule=steps_by_firing[verdict_steps[0]].rule if verdict_steps else None,
        max_profiles=trace.facts.get("max_profiles"),
        platforms=tuple(trace.facts.get("platforms", ())),
        weekly_hours_available=trace.facts.get("weekly_hours_available"),
        weekly_hours_needed=trace.facts.get("weekly_hours_needed"),
        warnings=tuple(items["warning"]),
        recommendations=tuple(items["recommendation"]),
        steps=steps,
        themes=tuple(themes),
        facts=dict(trace.facts),
        result=result,
        verdict_step=number_of[verdict_steps[0]] if verdict_steps else None,
        verdict_support=numbers(supporting_steps(trace, verdict_steps, rulebook, built_on) - set(verdict_steps)),
        verdict_hints=tuple(hint_view(words, hint) for hint in hints.verdict) if hints is not None else (),
        platform_hints=tuple(hint_view(words, hint) for hint in hints.platforms) if hints is not None else (),
        hints_computed=hints is not None,
        time=time_budget(words),
        not_applied=tuple(not_applied) if not_applied is not None else None,
        what_if=what_if,
        changes=changes,
        what_if_view=view,
    )


def what_if_view(words: Words, what_if: "WhatIf") -> WhatIfView:
    vocabulary = words.vocabulary
    rows = []
    for key, (before, after) in what_if.changed.items():
        rows.append(ChangeRow(key, words.show(key, before) if before is not None else "-",
                              words.show(key, after) if after is not None else "-"))
    lists = []
    for key, ids, section in (("warnings_added", what_if.warnings_added, vocabulary.warnings),
                              ("warnings_removed", what_if.warnings_removed, vocabulary.warnings),
                              ("recommendations_added", what_if.recommendations_added, vocabulary.recommendations),
                              ("recommendations_removed", what_if.recommendations_removed,
                               vocabulary.recommendations)):
        if ids:
            lists.append((key, tuple(section[item]["title"][words.lang] for item in ids)))
    return WhatIfView(tuple(rows), tuple(lists))


def _cite_once(steps: dict[int, Step], ordered: list[Firing]) -> None:
    """A reference value's source is given at the first step (in reading order) that uses it;
    later steps point back to that step instead of repeating it."""
    cited: dict[str, int] = {}
    for firing in ordered:
        step = steps[firing.step]
        premises = []
        changed = False
        for premise in step.premises:
            if premise.entries:
                entries = []
                for entry in premise.entries:
                    key = premise.name if "." in premise.name else f"{premise.name}.{entry.key}"
                    cited_at = cited.get(key)
                    entries.append(entry if entry.cited_at == cited_at else dataclasses.replace(entry, cited_at=cited_at))
                    cited.setdefault(key, step.number)
                if any(new is not old for new, old in zip(entries, premise.entries)):
                    premise = dataclasses.replace(premise, entries=tuple(entries))
                    changed = True
            premises.append(premise)
        if changed:
            steps[firing.step] = dataclasses.replace(step, premises=tuple(premises))


def hint_view(words: Words, hint: Any) -> HintView:
    """A counterfactual (advise.explain.counterfactual.Hint) in the reader's words."""
    filters = words.filters
    unit = words.unit(hint.fact)
    if isinstance(hint.before, bool):
        kind, delta = "flip", filters["yesno"](hint.after)
    else:
        kind = "more" if hint.after > hint.before else "less"
        delta = words.show_value(round(abs(hint.after - hint.before), 6), unit)
    gained = tuple(hint.gained)
    return HintView(
        fact=hint.fact, label=words.label(hint.fact), kind=kind, before=hint.before, after=hint.after,
        before_shown=words.show(hint.fact, hint.before), after_shown=words.show(hint.fact, hint.after),
        delta_shown=delta, verdict=hint.verdict, verdict_title=words.verdict_title(hint.verdict),
        gained=gained, gained_shown=filters["platforms"](gained) if gained else "")


def time_budget(words: Words) -> TimeBudget | None:
    """The hours needed per planned profile, from the rule that concluded weekly_hours_needed.

    The per-network hours are the knowledge table that rule read (a table keyed by network);
    the networks are the list of networks it read (the planned ones, or the proposed ones).
    """
    rulebook, trace = words.rulebook, words.trace
    available = trace.facts.get("weekly_hours_available")
    needed = trace.facts.get("weekly_hours_needed")
    derivation = trace.derivations.get("weekly_hours_needed")
    if not isinstance(available, (int, float)) or not isinstance(needed, (int, float)) or not derivation \
            or not derivation.steps:
        return None
    firing = trace.firing(derivation.steps[0])
    tables = [name for name in firing.premises if name in rulebook.tables and rulebook.tables[name].keys == "platform"]
    lists = [name for name, value in firing.premises.items()
             if (fact := rulebook.facts.get(name)) is not None and fact.kind == LIST and fact.items == "platform"]
    if not tables or not lists:
        return None
    table = rulebook.tables[tables[0]]
    hours = table.values()

    def total(name: str) -> float:
        return sum(float(hours.get(p, 0)) for p in firing.premises[name] if isinstance(hours.get(p), (int, float)))

    # The list the hours were added up from: the one whose total is the hours needed.
    matching = [name for name in lists if firing.premises[name] and abs(total(name) - float(needed)) < 1e-6]
    basis = (matching or [name for name in lists if firing.premises[name]] or lists)[0]
    kept = set(trace.facts.get("platforms", ()))
    rows = []
    for platform in firing.premises[basis]:
        entry = table.entries.get(platform)
        if entry is None or not isinstance(entry.value, (int, float)):
            continue
        rows.append(TimeRow(platform, words.member_name(platform), float(entry.value),
                            words.show_value(entry.value, table.unit), platform in kept, entry.source))
    return TimeBudget(
        available=float(available), needed=float(needed),
        available_shown=words.show("weekly_hours_available", available),
        needed_shown=words.show("weekly_hours_needed", needed),
        rows=tuple(rows), basis=basis, basis_label=words.label(basis), table=table.name,
        table_title=words.label(table.name))


# ---------------------------------------------------------------- JSON


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    return value


def hint_json(hint: HintView) -> dict[str, Any]:
    return {"fact": hint.fact, "from": _plain(hint.before), "to": _plain(hint.after), "change": hint.kind,
            "verdict": hint.verdict, "gained_platforms": list(hint.gained)}


def report_json(report: Report) -> dict[str, Any]:
    """The JSON report of the contract (shared/contract/report.md), plus documented additions."""
    data: dict[str, Any] = {
        "version": REPORT_VERSION,
        "business": report.business,
        "verdict": report.verdict,
        "max_profiles": report.max_profiles,
        "platforms": list(report.platforms),
        "weekly_hours_available": report.weekly_hours_available,
        "weekly_hours_needed": report.weekly_hours_needed,
        "warnings": [_item_json(item) for item in report.warnings],
        "recommendations": [_item_json(item) for item in report.recommendations],
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
    if report.hints_computed:
        data["hints"] = {
            "verdict": [hint_json(hint) for hint in report.verdict_hints],
            "platforms": [hint_json(hint) for hint in report.platform_hints],
            "warnings": {item.id: [hint_json(hint) for hint in item.hints] for item in report.warnings},
        }
    if report.not_applied is not None:
        data["not_applied"] = [entry.as_json() for entry in report.not_applied]
    if report.what_if is not None:
        data["what_if"] = report.what_if.as_json()
    return data


def _item_json(item: Item) -> dict[str, Any]:
    return {"id": item.id, "rule": item.rule, "text": item.text, "title": item.title,
            "rules": list(item.rules), "steps": list(item.steps)}


__all__ = ["Report", "Step", "Premise", "Item", "HintView", "TimeBudget", "Words", "build_report", "report_json",
           "raised", "reading_order", "supporting_steps", "fact_context"]
