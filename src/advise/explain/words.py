"""`Words` is the one place that turns a fact name and value into what a reader sees: its
label, its value with its unit, where it comes from. The report, "how", "why not" and
"what if" all use it."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from ..advisor import Result
from ..engine.trace import Trace
from ..kept import PerRuleBook, TwoGenerations
from ..rulebase.model import Condition, RuleBook
from ..rulebase.operators import OPERATORS
from ..sheet.facts import PLATFORMS
from .model import Premise, TableValue
from .wording import count_items, join_or, make_filters, others_zero


_NUMBERS = frozenset({int, float, bool})
_ONLY_STR = frozenset({str})
# Where a premise's value comes from (Words.kept_premise): an answer of the sheet, a derived
# fact, a table value (or a name the rule book does not know), or a family or whole table
# (worded afresh).
_SHEET, _DERIVED, _VALUE, _AFRESH = object(), object(), object(), object()


class _Shared:
    """What every report of one rule book in one language shows alike: the filters, and the
    labels and shown values already worded (a report words a few hundred; a batch, the same
    ones over and over). Bounded: the values shown and the premises in two generations
    (advise.kept.TwoGenerations), the rest cleared when full."""

    __slots__ = ("filters", "labels", "shown", "tables", "rows", "premises", "origins")
    LIMIT = 1024
    # Premises kept whole, in each of two generations (advise.kept): table values, and whole
    # tables as a step read them (one for each set of networks: about 2 KB each, so a few
    # hundred, not thousands that a long batch would take a while to fill: flat memory).
    PREMISES_LIMIT = 256

    def __init__(self, rulebook: RuleBook, lang: str):  # kept per rule book: never holds it (advise.kept)
        self.filters = make_filters(rulebook.vocabulary, lang)
        self.labels: dict[str, str] = {}
        # values shown: a batch's sheets give many (hours, budgets, sets of networks): two
        # generations (advise.kept), so the common ones stay when the rest come and go
        self.shown: TwoGenerations[str] = TwoGenerations(_Shared.LIMIT)
        self.tables: dict[tuple[str, str], TableValue] = {}  # (table, key) -> its entry, worded
        self.rows: dict[tuple[str, str], tuple[str, str, str]] = {}  # see Words.row_words
        self.premises: TwoGenerations[Premise] = TwoGenerations(_Shared.PREMISES_LIMIT)  # Words.kept_premise
        self.origins: dict[str, object] = {}  # fact -> where its value comes from (Words._origin)


def _kept(store: dict[Any, Any], key: Any, make: Callable[..., Any], *args: Any) -> Any:
    """store[key], made by `make(*args)` the first time; a full store (_Shared.LIMIT) is emptied."""
    value = store.get(key)
    if value is None:
        value = make(*args)
        if len(store) >= _Shared.LIMIT:
            store.clear()
        store[key] = value
    return value


_SHARED: PerRuleBook[_Shared] = PerRuleBook(_Shared)


class Words:
    """What a reader sees for a fact: its label, its value with unit, where it comes from."""

    def __init__(self, result: Result, lang: str, overrides: Iterable[str] = ()):
        self.result = result
        self.rulebook: RuleBook = result.rulebook
        self.trace: Trace = result.trace
        self.vocabulary = self.rulebook.vocabulary
        self.lang = lang
        self._shared = _SHARED.get(self.rulebook, lang)
        self.filters = self._shared.filters
        self.overrides = frozenset(overrides)

    # -- names

    def label(self, name: str) -> str:
        return _kept(self._shared.labels, name, self._label, name)

    def _label(self, name: str) -> str:
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
        kind = type(value)
        if kind in (list, tuple) and _ONLY_STR.issuperset(map(type, value)):  # each item a str (not a subclass)
            key: tuple[str, type, Any] = (name, kind, tuple(value))  # a list of names (networks...): a key as a tuple
        elif kind is dict and all(type(item) in _NUMBERS and type(member) is str for member, item in value.items()):
            # points per network: in order (ties keep it), each number typed
            key = (name, dict, tuple([(member, type(item), item) for member, item in value.items()]))
        elif isinstance(value, (dict, list, tuple)) or (kind is float and (value == 0 or value != value)):
            # not a key (dict, list; a tuple of numbers: (1,), (1.0,) and (True,) are equal keys),
            # or one that hides a sign (-0.0) or NaN
            return self._show(name, value)
        else:
            key = (name, kind, value)  # typed: 1, 1.0 and True are equal keys otherwise
        try:
            return self._shared.shown.get(key, self._show, name, value)
        except TypeError:  # a tuple holding what has no hash
            return self._show(name, value)

    def _show(self, name: str, value: Any) -> str:
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
        if items == "sector":
            return filters["sector"](value)
        return str(value)

    def show_mapping(self, values: dict[str, Any], unit: str) -> str:
        """Points per network, best first, leaving out the zeros: 'Instagram 4, Facebook 4; 0 for the others'."""
        numbers = [(key, value) for key, value in values.items() if isinstance(value, (int, float))]
        shown = [(key, value) for key, value in numbers if value != 0]
        shown.sort(key=lambda pair: -pair[1])  # stable: ties keep the rule base's order
        text = ", ".join(f"{self.member_name(key)} {self.filters['number'](value)}" for key, value in shown)
        if len(shown) < len(numbers):
            separator = " ; " if self.lang == "fr" else "; "
            text = f"{text}{separator}{others_zero(self.lang)}" if text else others_zero(self.lang, all_zero=True)
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
            return count_items(operand, self.lang)
        return self.show_value(operand, unit, items)

    def show_item(self, item: str, items: str | None) -> str:
        if items == "platform" or item in self.vocabulary.platforms:
            return self.filters["platform"](item)
        if items == "objective" or item in self.vocabulary.objectives:
            return self.filters["objectives"]([item])
        if items == "sector":
            return self.filters["sector"](item)
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
            # Premise(name, label, value, shown, from_sheet, sheet_line, stated, by_steps, table, kind,
            # numbers, entries), by position: a report words some fifty
            if not fact.derived:
                kind = "override" if name in self.overrides else "sheet"
                sheet = self.result.sheet
                return Premise(name, label, value, shown, True, sheet.positions.get(name), name in sheet.given, (),
                               False, kind, (), ())
            derivation = trace.derivations.get(name)
            steps = derivation.steps if derivation else ()
            kind = "default" if derivation is not None and derivation.default else "derived"
            numbers = tuple(sorted([number_of.get(s, s) for s in steps])) if number_of else tuple(sorted(steps))
            return Premise(name, label, value, shown, False, None, False, steps, False, kind, numbers, ())
        if name in self.vocabulary.families:
            steps = tuple(sorted({s for member in self.vocabulary.families[name]
                                  for s in (trace.derivations[member].steps if member in trace.derivations else ())}))
            return Premise(name, label, value, self.show(name, value), from_sheet=False, by_steps=steps,
                           kind="family", numbers=tuple(sorted(number_of.get(s, s) for s in steps)))
        entries = self.table_values(name, keys)
        if name in rulebook.tables:
            shown = ", ".join(f"{entry.name} {entry.shown}" for entry in entries)
        else:
            # a table value: show_value(value, its unit), kept as show keeps it (show words a mapping otherwise)
            shown = self.show_value(value, self.unit(name)) if isinstance(value, dict) else self.show(name, value)
        return Premise(name, label, value, shown, from_sheet=False, table=True, kind="table", entries=entries)

    def kept_premise(self, key: tuple[Any, ...], name: str, value: Any) -> Premise:
        """self.premise(name, value, number_of=numbers) for a report whose steps are numbered as
        in the trace (advise.explain.steps.step_numbers), from what is kept for the next reports
        of the rule book in this language. `key`: (name, type of value, value) of a value that
        can be a key, as Words.show keys it (advise.explain.report). Not for a whole table,
        whose keys choose its entries.

        A premise depends on its name and value (its label and value shown, kept: Words.show)
        and on where the value comes from, read from this report's sheet and trace: for an
        answer of the sheet, its line, whether the sheet gives it and whether --set changed
        it; for a derived fact, the steps that concluded it and whether it is the default. A
        table value depends on nothing else (the premise itself is kept); points per network
        (a family) are worded afresh."""
        return self.kept_premises()(key, name, value)

    def kept_premises(self) -> Callable[[tuple[Any, ...], str, Any], Premise]:
        """kept_premise, for the many premises of one report: what it reads is found once."""
        shared = self._shared
        origins, labels, shown, premises = shared.origins, shared.labels, shared.shown, shared.premises
        derivations = self.trace.derivations
        sheet = self.result.sheet
        positions, given, overrides = sheet.positions, sheet.given, self.overrides
        origin_of, show, label_of, word = self._origin, self._show, self.label, self.premise

        def kept_premise(key: tuple[Any, ...], name: str, value: Any) -> Premise:
            origin = origins.get(name)
            if origin is None:
                origin = origin_of(name)
                if len(origins) >= _Shared.LIMIT:
                    origins.clear()
                origins[name] = origin
            if origin is _DERIVED or origin is _SHEET:
                # Words.show, with its key at hand (the newer generation looked up without a call)
                shown_value = shown.newer.get(key) or shown.get(key, show, name, value)
                label = labels.get(name) or label_of(name)
                # Premise(name, label, value, shown, from_sheet, sheet_line, stated, by_steps, table, kind,
                # numbers, entries), by position, as Words.premise makes it
                if origin is _SHEET:
                    return Premise(name, label, value, shown_value, True, positions.get(name), name in given, (),
                                   False, "override" if name in overrides else "sheet", (), ())
                derivation = derivations.get(name)
                if derivation is None:
                    return Premise(name, label, value, shown_value, False, None, False, (), False, "derived", (), ())
                steps = derivation.steps
                return Premise(name, label, value, shown_value, False, None, False, steps, False,
                               "default" if derivation.default else "derived", tuple(sorted(steps)), ())
            if origin is _VALUE:  # a table value, or a name the rule book does not know: the premise itself kept
                kept = (key, ())
                found = premises.newer.get(kept)  # what most reports ask (premises.get, without a call)
                return found if found is not None else premises.get(kept, word, name, value)
            return word(name, value)

        return kept_premise

    def _origin(self, name: str) -> object:
        """Where a value of `name` comes from, as kept_premise keys it."""
        fact = self.rulebook.facts.get(name)
        if fact is None:
            return _AFRESH if name in self.vocabulary.families or name in self.rulebook.tables else _VALUE
        return _DERIVED if fact.derived else _SHEET

    def kept_table_premise(self, name: str, value: Any, keys: list[str]) -> Premise:
        """self.premise(name, value, keys=keys) of a whole table (a step reads one keyed by
        network), kept for the next reports of the rule book in this language: it depends on
        the table's values, as the step read them, and the keys alone."""
        try:
            key = (name, tuple(keys), tuple([(entry, type(number), number) for entry, number in value.items()]))
            return self._shared.premises.get(key, self._table_premise, name, value, keys)
        except (TypeError, AttributeError):  # values that have no hash, or not a mapping
            return self.premise(name, value, keys=keys)

    def _table_premise(self, name: str, value: Any, keys: list[str]) -> Premise:
        return self.premise(name, value, keys=keys)

    def table_values(self, name: str, keys: Iterable[str] | None = None) -> tuple[TableValue, ...]:
        rulebook = self.rulebook
        if name in rulebook.tables:
            table = rulebook.tables[name]
            wanted = [key for key in dict.fromkeys(keys or ()) if key in table.entries] or list(table.entries)
            return tuple([self._table_value(table.entries[key]) for key in wanted])
        entry = rulebook.table_value(name)
        return (self._table_value(entry),) if entry is not None else ()

    def _table_value(self, entry: Any) -> TableValue:
        """An entry of a knowledge table as the reader sees it: worded once per rule book and
        language (it depends on nothing else)."""
        return _kept(self._shared.tables, (entry.table, entry.key), self._word_table_value, entry)

    def row_words(self, table: Any, entry: Any) -> tuple[str, str, str]:
        """An entry of a table keyed by network, as the time picture shows it: the network's
        name, the value in the table's unit, its source; worded once per rule book and language."""
        return _kept(self._shared.rows, (table.name, entry.key), self._row_words, table, entry)

    def _row_words(self, table: Any, entry: Any) -> tuple[str, str, str]:
        return self.member_name(entry.key), self.show_value(entry.value, table.unit), entry.source_in(self.lang)

    def _word_table_value(self, entry: Any) -> TableValue:
        name = self.member_name(entry.key) if entry.key in self.vocabulary.platforms or not entry.label \
            else entry.label.get(self.lang, entry.key)
        return TableValue(entry.key, name, entry.value, self.show_value(entry.value, entry.unit), entry.source_in(self.lang))


