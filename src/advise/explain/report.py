"""From a trace to an explanation a business owner can follow.

The report is data (advise.explain.model), built from the trace and the rule book only;
templates in explanations/ turn it into text, Markdown or HTML, and
advise.render.json_report into the JSON of the report contract.

The reasoning is told as a short argument in the order of the rule base's themes (the
article's order: time and budget, then objectives, content and community, then the
verdict), not in firing order; each step keeps its number of the trace (the JSON trace's
`step`), so "step 20" means the same in every format. Every fact a step relies on says
where it comes from (the owner's answer and its line, a reference value and its source, or
the earlier step that concluded it). The report opens with its summary
(advise.explain.summary), read from the same data, for the owner or the consultant.

`Words` (advise.explain.words) is the one place that turns a fact name and value into
what a reader sees; the "how", "why not" and "what if" explanations (advise.explain.proof,
advise.explain.whynot, advise.explain.whatif) use it too.
"""

from __future__ import annotations

import datetime
from operator import eq
from typing import TYPE_CHECKING, Any, Callable, Iterable

from ..advisor import Result
from ..kept import PerRuleBook
from ..sheet.consultant import Consultant
from .because import because_for, fact_context
from .model import (ChangeRow, HintView, Item, Premise, Report, SheetChange, Step, TableValue, ThemeSection, TimeBudget,
                    TimeRow, WhatIfView)
from .existing import existing_actions, later_platforms
from .steps import (platform_keys, platform_lists, platform_tables, reading_order, reference_names, rule_index, step_numbers, steps_in,
                    steps_of, support_closure)
from .summary import AUDIENCES, build_summary, make_signature, report_date
from .words import Words

if TYPE_CHECKING:  # imported by the answers that need them (hints, --all, --set): not on every run
    from .answers import Hint, Hints, NotApplied, WhatIf


def build_report(result: Result, lang: str, *, hints: "Hints | None" = None, what_if: "WhatIf | None" = None,
                 not_applied: "Iterable[NotApplied] | None" = None, overrides: Iterable[str] = (),
                 audience: str = "owner", consultant: "Consultant | None" = None,
                 date: "datetime.date | None" = None, for_json: bool = False) -> Report:
    """The report of one run, in `lang`. Optional parts: counterfactual hints (advise.explain.counterfactual),
    the comparison with the sheet before --set changes (advise.explain.whatif), and the warnings and
    recommendations that did not apply with a one-line why-not (advise.explain.whynot).

    `audience` (owner or consultant) says how much of the machinery the reader sees; the
    advice and its numbers are the same for both. `consultant` and `date` sign the report
    (the date defaults to advise.explain.summary.report_date()).

    `for_json`: a report for the JSON writer alone (Report.json_only), without what it never
    reads: the steps' worded premises, conclusions, absent facts and overruling rules, the
    time picture and the summary (some 40 % of the work). Its JSON is a full report's, byte for
    byte; the renderer refuses it in any other format."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    rulebook, trace = result.rulebook, result.trace
    vocabulary = rulebook.vocabulary
    overrides = tuple(overrides) or (tuple(what_if.facts) if what_if is not None else ())
    words = Words(result, lang, overrides)
    context = fact_context(trace.facts, rulebook)
    texts = because_for(rulebook, lang)
    because = texts.bound(context)

    ordered = reading_order(rulebook, trace)
    number_of = step_numbers(trace)
    position = {firing.step: index for index, firing in enumerate(ordered)}  # where the argument tells it

    # Every step numbered as in the trace (step_numbers): the numbers of a bit set's steps are its steps.
    as_numbered = all(map(eq, number_of, number_of.values()))

    def numbers(steps: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted([number_of[step] for step in steps]))

    # numbers(steps_in(mask)) of a bit set: its steps themselves when numbered as in the trace
    # (steps_of, called as it is: some 30 a report)
    numbered: Callable[[int], tuple[int, ...]] = steps_of if as_numbered else (
        lambda mask: numbers(steps_in(mask)))

    # each firing's premises, built once (not for JSON: it writes them from the firing itself)
    premises_of = {firing.step: _premises(firing) for firing in trace.firings} if not for_json else None
    reach = support_closure(trace, rulebook, premises_of)  # what each step builds on (supporting_steps)

    def support(steps: Iterable[int]) -> tuple[int, ...]:
        """The numbers of the steps the given ones build on, themselves left out."""
        mask = 0
        for step in steps:
            mask |= reach[step]
        for step in steps:
            mask &= ~(1 << step)
        return numbered(mask)

    word, whole_table, tables = words.premise, words.kept_table_premise, rulebook.tables
    kept = words.kept_premises() if not for_json else None
    worded: dict[tuple[str, type, Any], Premise] = {}

    def premise(name: str, value: Any) -> Premise:
        """words.premise(...) of a fact or table value (not a whole table, whose `keys` choose its
        entries); in one report a fact with one value reads the same at every step that uses it,
        so it is worded once."""
        kind = type(value)
        if kind in _WORDED_ONCE or (kind is float and value == value and value != 0):
            key: tuple[str, type, Any] = (name, kind, value)  # typed: 1, 1.0 and True apart; not 0.0 and -0.0
        elif (kind is tuple or kind is list) and _ONLY_STR.issuperset(map(type, value)):  # each item a str
            key = (name, kind, tuple(value))
        else:
            return word(name, value, number_of=number_of)
        found = worded.get(key)
        if found is None:
            found = worded[key] = kept(key, name, value) if as_numbered else word(name, value, number_of=number_of)
        return found

    references = reference_names(rulebook)
    cited: dict[str, int] = {}  # a reference value -> the step that gave its source (in reading order)

    def cite(premise: Premise, number: int) -> Premise:
        """The premise's reference values, each with its source at the first step (in reading order)
        that uses it; later steps point back to that step instead of repeating it."""
        entries = []
        changed = False
        for entry in premise.entries:
            key = premise.name if "." in premise.name else f"{premise.name}.{entry.key}"
            cited_at = cited.get(key)
            if entry.cited_at != cited_at:
                entry = TableValue(entry.key, entry.name, entry.value, entry.shown, entry.source, cited_at)
                changed = True
            entries.append(entry)
            cited.setdefault(key, number)
        if not changed:
            return premise
        return Premise(premise.name, premise.label, premise.value, premise.shown, premise.from_sheet,  # by position
                       premise.sheet_line, premise.stated, premise.by_steps, premise.table, premise.kind,
                       premise.numbers, tuple(entries))

    # Each rule's text in firing order (the first that cannot be written is the one reported),
    # then the steps in reading order, which decides where a source is cited.
    rules = rule_index(rulebook)
    said = {firing.step: because(rules[firing.rule]) for firing in trace.firings}
    texts.keep_compiled()
    book = _BOOKS.get(rulebook, lang)
    rule_words = book.rules
    steps_by_firing: dict[int, Step] = {}
    by_theme: dict[str, list[Step]] = {}  # each theme's steps, in reading order
    for firing in ordered:
        rule_id = firing.rule
        found_words = rule_words.get(rule_id)
        if found_words is None:
            found_words = book.rule_words(rules[rule_id])
        number = number_of[firing.step]
        if for_json:  # nothing worded: the JSON writes a step's facts from its firing (step.raw)
            step = steps_by_firing[firing.step] = Step(
                firing.step, found_words[0], found_words[1], found_words[2], said[firing.step], (), (),
                found_words[3], dict(firing.overruled) if firing.overruled else {}, firing, number, (), (),
                numbered(reach[firing.step]))
            by_theme.setdefault(found_words[2], []).append(step)
            continue
        fired = premises_of[firing.step]  # type: ignore[index]
        keys: list[str] | None = None  # the networks of the step, for the whole tables it read
        worded_premises = []
        for name, value in fired.items():
            if name in references:
                if name in tables:
                    if keys is None:
                        keys = platform_keys(rulebook, fired)
                    found = whole_table(name, value, keys)
                else:
                    found = premise(name, value)
                worded_premises.append(cite(found, number) if found.entries else found)
            else:
                worded_premises.append(premise(name, value))
        premises = tuple(worded_premises)
        concluded = tuple([premise(name, value) for name, value in firing.concluded.items()])
        absent = tuple(Premise(name, words.label(name), None, "", from_sheet=False, kind="absent")
                       for name in firing.absent) if firing.absent else ()
        overruled_by = tuple((words.label(fact), winner, rulebook.rule(winner).title[lang])
                             for fact, winner in firing.overruled.items()) if firing.overruled else ()
        step = steps_by_firing[firing.step] = Step(  # step, rule, title, theme, because, premises, concluded,
            # sources, overruled, raw, number, absent, overruled_by, support: by position (a report makes ~22)
            firing.step, found_words[0], found_words[1], found_words[2], said[firing.step], premises, concluded,
            found_words[3], dict(firing.overruled) if firing.overruled else {}, firing, number, absent, overruled_by,
            numbered(reach[firing.step]))
        by_theme.setdefault(found_words[2], []).append(step)
    steps = tuple([steps_by_firing[firing.step] for firing in trace.firings])

    items: dict[str, list[Item]] = {"warning": [], "recommendation": []}
    # Warnings and recommendations in the order the argument reaches them (raised(), in one pass:
    # sorted by the place of their first step alone, since that place follows from the step).
    found_raised: dict[str, list[tuple[str, Any]]] = {"warnings.": [], "recommendations.": []}
    for name, derivation in trace.derivations.items():
        if derivation.value is True and derivation.steps:
            prefix = name[:name.find(".") + 1]
            if prefix in found_raised:
                found_raised[prefix].append((name[len(prefix):], derivation))
    for kind, prefix, section in (("warning", "warnings.", vocabulary.warnings),
                                  ("recommendation", "recommendations.", vocabulary.recommendations)):
        for item_id, derivation in sorted(found_raised[prefix], key=lambda pair: position[pair[1].steps[0]]):
            item_steps = derivation.steps
            first = steps_by_firing[item_steps[0]]
            item_hints = hints.warnings.get(item_id, ()) if hints is not None and kind == "warning" else ()
            items[kind].append(Item(  # id, kind, title, text, rule, rules, steps, numbers, support, hints
                item_id, kind, section[item_id]["title"][lang], first.because, first.rule,
                tuple([steps_by_firing[s].rule for s in item_steps]), item_steps, numbers(item_steps),
                support(item_steps), tuple([hint_view(words, hint) for hint in item_hints]) if item_hints else ()))

    themes = []
    for theme in book.themes:  # in the vocabulary's order
        if by_theme.get(theme.id):
            themes.append(ThemeSection(theme.id, theme.title[lang], tuple(by_theme[theme.id])))
    unknown = sorted(set(by_theme) - set(vocabulary.themes))
    for theme_id in unknown:  # a rule file whose theme the vocabulary does not list: told last
        themes.append(ThemeSection(theme_id, theme_id, tuple(by_theme[theme_id])))

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
    report = Report(
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
        verdict_support=support(verdict_steps),
        verdict_hints=tuple(hint_view(words, hint) for hint in hints.verdict) if hints is not None else (),
        platform_hints=tuple(hint_view(words, hint) for hint in hints.platforms) if hints is not None else (),
        hints_computed=hints is not None,
        time=time_budget(words) if not for_json else None,
        not_applied=tuple(not_applied) if not_applied is not None else None,
        what_if=what_if,
        changes=changes,
        what_if_view=view,
        animating=vocabulary.animates(verdict) if verdict else True,
        existing=existing_actions(rulebook, trace, because, words.member_name),
        later=later_platforms(trace),
        audience=audience,
        signature=make_signature(consultant, date or report_date(), lang, result.sheet.path),
        json_only=for_json,
    )
    # The summary reads the report it opens: put in place before the report is handed out
    # (a copy by replace() would build its ~35 fields again)
    if not for_json:
        report.__dict__["summary"] = build_summary(report, words)
    return report


class _Book:
    """What a report of a rule book in one language reads of the rule book alone, whatever
    the sheet: each fired rule's words for its step (worded the first time it fires, as a
    report did it), the themes in their order. Kept per rule book and language (advise.kept):
    never holds the rule book."""

    __slots__ = ("lang", "rules", "themes")

    def __init__(self, rulebook: Any, lang: str):
        self.lang = lang
        self.rules: dict[str, tuple[str, str, str, tuple[str, ...]]] = {}  # id -> (id, title, theme, sources)
        self.themes = tuple(sorted(rulebook.vocabulary.themes.values(), key=lambda theme: theme.order))

    def rule_words(self, rule: Any) -> tuple[str, str, str, tuple[str, ...]]:
        found = self.rules[rule.id] = (rule.id, rule.title[self.lang], rule.theme, rule.sources_in(self.lang))
        return found


_BOOKS: PerRuleBook[_Book] = PerRuleBook(_Book)


def _premises(firing: Any) -> dict[str, Any]:
    """firing.premises (the same names in the same order, the same values), for a report that
    only reads them: a firing that read nothing besides what it matched (half of them) gives
    its matched facts themselves, not a copy."""
    if not firing.read:
        return firing.matched
    # dict(matched), then each name read not matched (Firing.premises), in two steps in C: the
    # union puts the names read after the matched ones; matched values win where both have one
    premises = firing.matched | firing.read
    premises.update(firing.matched)
    return premises


_WORDED_ONCE = frozenset({str, int, bool, type(None)})
_ONLY_STR = frozenset({str})  # a list whose items' types are all in it is a list of names


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


def hint_view(words: Words, hint: Hint) -> HintView:
    """A counterfactual (advise.explain.answers.Hint) in the reader's words."""
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
    premises = _premises(trace.firing(derivation.steps[0]))
    keyed_tables, network_lists = platform_tables(rulebook), platform_lists(rulebook)
    tables = [name for name in premises if name in keyed_tables]
    lists = [name for name in premises if name in network_lists]
    if not tables or not lists:
        return None
    table = rulebook.tables[tables[0]]
    hours = keyed_tables[tables[0]]  # table.values()

    def total(name: str) -> float:
        return sum(float(hours.get(p, 0)) for p in premises[name] if isinstance(hours.get(p), (int, float)))

    # The list the hours were added up from: the one whose total is the hours needed.
    matching = [name for name in lists if premises[name] and abs(total(name) - float(needed)) < 1e-6]
    basis = (matching or [name for name in lists if premises[name]] or lists)[0]
    kept = set(trace.facts.get("platforms", ()))
    rows = []
    for platform in premises[basis]:
        entry = table.entries.get(platform)
        if entry is None or not isinstance(entry.value, (int, float)):
            continue
        name, shown, source = words.row_words(table, entry)
        rows.append(TimeRow(platform, name, float(entry.value), shown, platform in kept, source))
    return TimeBudget(
        available=float(available), needed=float(needed),
        available_shown=words.show("weekly_hours_available", available),
        needed_shown=words.show("weekly_hours_needed", needed),
        rows=tuple(rows), basis=basis, basis_label=words.label(basis), table=table.name,
        table_title=words.label(table.name))


