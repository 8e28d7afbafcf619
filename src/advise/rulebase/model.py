"""The rule model: what a rule base is once loaded (facts, tables, rules, vocabulary).

Plain frozen data, built by advise.rulebase.loading and read by every later stage.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any, Iterable

from ..errors import LANGS
from ..records import Record
from . import expressions
from .operators import BOOL, LIST, NUMBER, TEXT

# RULE_ID and NAME (re.Pattern): what a rule id and a name may be. Compiled when first asked
# for (module __getattr__), by the modules that read rule files: a run on a cached rule base
# reads none, and compiling them took 0.13 ms of it.
_PATTERNS = {"RULE_ID": r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "NAME": r"^[a-z][a-z0-9_]*$"}


def __getattr__(name: str) -> Any:
    source = _PATTERNS.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    pattern = globals()[name] = re.compile(source)
    return pattern
FACT_TYPES = ("number", "integer", "bool", "text", "choice", "list")
ITEM_KINDS = ("platform", "objective", "text")
UNITS = ("hours_per_week", "euros_per_month", "profiles", "points", "percent", "none")  # percent: 0.7 is 70 %
RULE_KEYS = ("id", "title", "when", "then", "because", "source", "priority", "notes")
# Names a rule's text may use besides facts and tables (filled in by the renderer).
TEMPLATE_HELPERS = frozenset({"lang", "loop", "true", "false", "none"})
# The filters a rule's text may use (advise.explain.wording defines what each one does).
FILTER_NAMES = ("hours", "hours_per_week", "euros", "money", "number", "percent", "plural", "agree", "platform",
                "platforms", "first_platform", "objectives", "sector", "yesno", "join_and", "join_or", "label", "unit")


# ---------------------------------------------------------------- data model


class FactType(Record):
    """What a fact holds: the sheet's facts and the derived ones alike."""

    def __init__(self,
                 name: str,
                 kind: str,  # number | bool | text | list  (the operator kinds)
                 integer: bool = False,
                 choices: tuple[str, ...] = (),  # for text facts with a closed list; for lists, allowed items
                 items: str | None = None,  # list items: platform | objective | text
                 family: str | None = None,  # fit.facebook belongs to family 'fit'
                 derived: bool = True,
                 default: Any = None,  # None: no default (absent until concluded)
                 has_default: bool = False,
                 unit: str = "none",
                 label: dict[str, str] | None = None,
                 file: str | None = None,
                 line: int | None = None) -> None:
        self.__dict__.update(name=name, kind=kind, integer=integer, choices=choices, items=items, family=family,
                             derived=derived, default=default, has_default=has_default, unit=unit,
                             label=label if label is not None else {}, file=file, line=line)

    def describe_kind(self) -> str:
        if self.choices and self.kind == TEXT:
            return "one of " + ", ".join(self.choices)
        if self.kind == LIST:
            return f"a list of {self.items or 'text'}"
        return {"number": "a number", "bool": "true or false", "text": "text"}[self.kind]


def source_text(source: Any) -> dict[str, str] | None:
    """A source as the rule base may write it: one text for every language, or one per
    language ({en: ..., fr: ...}: the framing translated, quotes left as written). None
    when it is neither."""
    if isinstance(source, str) and source.strip():
        return {lang: source.strip() for lang in LANGS}
    if isinstance(source, dict) and set(source) == set(LANGS) \
            and all(isinstance(text, str) and text.strip() for text in source.values()):
        return {lang: source[lang].strip() for lang in LANGS}
    return None


class TableEntry(Record):
    def __init__(self,
                 table: str,
                 key: str,
                 value: Any,
                 source: str,  # in English (what the JSON, the checks and the docs' English read)
                 unit: str,
                 label: dict[str, str],
                 file: str,
                 line: int | None,
                 sources: dict[str, str] | None = None) -> None:  # the source in each language
        self.__dict__.update(table=table, key=key, value=value, source=source, unit=unit, label=label, file=file,
                             line=line, sources=sources if sources is not None else {})

    def source_in(self, lang: str) -> str:
        return self.sources.get(lang, self.source)

    @property
    def name(self) -> str:
        return f"{self.table}.{self.key}"


class Table(Record):
    def __init__(self,
                 name: str,
                 title: dict[str, str],
                 unit: str,
                 keys: str | None,  # "platform" when its keys are platforms
                 entries: dict[str, TableEntry],
                 file: str,
                 line: int | None) -> None:
        self.__dict__.update(name=name, title=title, unit=unit, keys=keys, entries=entries, file=file, line=line)

    def values(self) -> dict[str, Any]:
        return {key: entry.value for key, entry in self.entries.items()}


class Condition(Record):
    """One test on one fact: `resources.weekly_hours: {gt: 0}`."""

    def __init__(self,
                 fact: str,
                 op: str,
                 operand: Any,
                 negated: bool = False,
                 operand_ref: str | None = None,  # the table value the operand came from
                 line: int | None = None) -> None:
        self.__dict__.update(fact=fact, op=op, operand=operand, negated=negated, operand_ref=operand_ref, line=line)


class Group(Record):
    """Conditions that must all hold (`all`) or of which one must (`any`)."""

    def __init__(self,
                 kind: str,  # all | any
                 items: tuple["Condition | Group", ...],
                 line: int | None = None) -> None:
        self.__dict__.update(kind=kind, items=items, line=line)

    def conditions(self) -> Iterable[Condition]:
        for item in self.items:
            if isinstance(item, Group):
                yield from item.conditions()
            else:
                yield item


class ConclusionKind(StrEnum):
    """What a rule's `then:` does: set a fact, add points to a family member, raise a warning
    or make a recommendation (the keys of `then:`, in this order)."""

    SET = "set"
    ADD = "add"
    WARN = "warn"
    RECOMMEND = "recommend"


THEN_KEYS = tuple(kind.value for kind in ConclusionKind)


class Conclusion(Record):
    """`set` (fact = value), `add` (points to a family member), `warn` or `recommend`."""

    def __init__(self,
                 kind: ConclusionKind,
                 fact: str,  # the derived fact concluded (warnings.x / recommendations.x for those)
                 value: Any = None,  # a constant ...
                 expression: expressions.Expression | None = None,  # ... or an expression
                 line: int | None = None) -> None:
        self.__dict__.update(kind=kind, fact=fact, value=value, expression=expression, line=line)


class Rule(Record):
    def __init__(self,
                 id: str,
                 title: dict[str, str],
                 when: Group,
                 then: tuple[Conclusion, ...],
                 because: dict[str, str],
                 source: tuple[str, ...],
                 priority: int,
                 theme: str,
                 file: str,
                 line: int | None,
                 order: int,  # position in the rule book's canonical order
                 notes: str = "",
                 source_texts: dict[str, tuple[str, ...]] | None = None) -> None:  # the sources in each language
        self.__dict__.update(id=id, title=title, when=when, then=then, because=because, source=source,
                             priority=priority, theme=theme, file=file, line=line, order=order, notes=notes,
                             source_texts=source_texts if source_texts is not None else {})

    def sources_in(self, lang: str) -> tuple[str, ...]:
        """The rule's sources for a reader of `lang` (`source` holds the English ones)."""
        return self.source_texts.get(lang, self.source)

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return tuple(self.when.conditions())

    def reads(self) -> tuple[str, ...]:
        """Facts, families and table names this rule reads, in order of first use."""
        names: list[str] = []
        for condition in self.conditions:
            if condition.fact not in names:
                names.append(condition.fact)
        for conclusion in self.then:
            if conclusion.expression is not None:
                for name in conclusion.expression.names:
                    if name not in names:
                        names.append(name)
        return tuple(names)

    def concludes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(conclusion.fact for conclusion in self.then))


class Theme(Record):
    def __init__(self, id: str, title: dict[str, str], order: int) -> None:
        self.__dict__.update(id=id, title=title, order=order)


# When a warning or recommendation is advice: `now`, whatever the verdict; `animating`, advice
# about animating profiles: when the verdict animates nothing (a verdict with `animates: false`),
# the report tells it under "when you are ready", not as a thing to do now.
ADVICE_FOR = ("now", "animating")


class Vocabulary(Record):
    def __init__(self,
                 facts: dict[str, FactType],  # every fact: sheet and derived, families expanded
                 families: dict[str, tuple[str, ...]],  # family -> member fact names
                 warnings: dict[str, dict[str, Any]],  # id -> {title: {lang: text}}
                 recommendations: dict[str, dict[str, Any]],
                 verdicts: dict[str, dict[str, Any]],  # id -> {title, meaning}
                 platforms: dict[str, dict[str, str]],  # id -> {lang: display name}
                 objectives: dict[str, dict[str, str]],
                 themes: dict[str, Theme],
                 units: dict[str, dict[str, str]],  # unit -> {lang: suffix}
                 glossary: dict[str, dict[str, Any]],  # term -> {term: {lang}, meaning: {lang}}
                 file: str,
                 sectors: dict[str, dict[str, str]] | None = None) -> None:  # id -> {lang: name}; optional section
        self.__dict__.update(facts=facts, families=families, warnings=warnings, recommendations=recommendations,
                             verdicts=verdicts, platforms=platforms, objectives=objectives, themes=themes, units=units,
                             glossary=glossary, file=file, sectors=sectors if sectors is not None else {})

    def animates(self, verdict: str | None) -> bool:
        """Whether the verdict animates profiles now (`animates` in the vocabulary; true by default)."""
        return bool(self.verdicts.get(verdict or "", {}).get("animates", True))

    def about_animating(self, kind: str, item_id: str) -> bool:
        """Whether a warning (kind 'warning') or recommendation is advice about animating profiles."""
        section = self.warnings if kind == "warning" else self.recommendations
        return section.get(item_id, {}).get("advice_for", "now") == "animating"

    def open_choices(self) -> dict[str, tuple[str, ...]]:
        """The sheet's open choices (business.sector) -> every value this rule base accepts:
        the contract's, and those its vocabulary adds (advise.sheet.facts.check_open_choices)."""
        fact = self.facts.get("business.sector")
        return {"business.sector": tuple(fact.choices)} if fact is not None and fact.choices else {}


class RuleBook(Record):
    NOT_COMPARED = ("text_reads",)

    def __init__(self,
                 directory: Path,
                 rules: tuple[Rule, ...],
                 tables: dict[str, Table],
                 vocabulary: Vocabulary,
                 files: tuple[str, ...],  # every file read, relative to the directory
                 digest: str = "",  # of the content of those files (advise.rulebase.digest)
                 text_reads: dict[str, tuple[tuple[Any, ...], ...] | None] | None = None) -> None:
        # text_reads: `because` text -> what it reads (advise.rulebase.textreads), found while
        # reading, kept with the cached rule base; derived from the texts, so not compared.
        self.__dict__.update(directory=directory, rules=rules, tables=tables, vocabulary=vocabulary, files=files,
                             digest=digest, text_reads=text_reads if text_reads is not None else {})

    def rule(self, rule_id: str) -> Rule:
        # An index built on first use (inference and explanations ask for a rule per firing),
        # kept in the instance's __dict__ but never pickled (advise.engine.cache) nor compared.
        index = self.__dict__.get("_rule_index")
        if index is None:
            index = {}
            for rule in self.rules:
                index.setdefault(rule.id, rule)  # the first rule with an id, as a scan finds it
            self.__dict__["_rule_index"] = index
        try:
            return index[rule_id]
        except KeyError:
            raise KeyError(rule_id) from None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_rule_index", None)
        return state

    @property
    def facts(self) -> dict[str, FactType]:
        return self.vocabulary.facts

    def table_value(self, name: str) -> TableEntry | None:
        table, _, key = name.partition(".")
        entry = self.tables.get(table)
        return entry.entries.get(key) if entry else None

    def concluders(self) -> dict[str, list[Rule]]:
        """Derived fact -> the rules that can conclude it."""
        result: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for name in rule.concludes():
                result.setdefault(name, []).append(rule)
        return result


def fact_roots(vocabulary: Vocabulary) -> set[str]:
    return {name.split(".", 1)[0] for name in vocabulary.facts}


def value_fits(value: Any, kind: str, integer: bool, choices: tuple[str, ...]) -> bool:
    if kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return not integer or float(value).is_integer()
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == TEXT:
        return isinstance(value, str) and (not choices or value in choices)
    if kind == LIST:
        return isinstance(value, (list, tuple)) and all(
            isinstance(item, str) and (not choices or item in choices) for item in value)
    return False
