"""The rules' `because` texts, rendered for one sheet in the reader's language (Jinja,
strict: a text that names an unknown fact is an error with the rule's id), in advise's
bounded sandbox (advise.sandbox): a text that reaches for what it may not, or runs away,
is bad input naming the rule."""

from __future__ import annotations

import marshal
import types
from itertools import compress, repeat
from operator import itemgetter
from typing import Any, Callable

import jinja2

from ..engine.cache import KeptMapping
from ..errors import Problem, RuleBookError, RuleRunError, register_messages
from ..kept import PerRuleBook, TwoGenerations
from ..rulebase.model import Rule, RuleBook
from ..rulebase.textreads import reads_of
from ..sandbox import RULE_TEXT_LIMITS, BoundedEnvironment, is_unsafe
from .wording import make_filters, typography

register_messages({
    "because-unsafe": {
        "en": "the explanation of the rule does what a rule text may not do: {reason}",
        "fr": "l'explication de la règle fait ce qu'un texte de règle ne peut pas faire : {reason}",
    },
    "because-failed": {
        "en": "the explanation of the rule cannot be written for this sheet: {reason}",
        "fr": "l'explication de la règle ne peut pas être rédigée pour cette fiche : {reason}",
    },
})


def fact_context(trace_facts: dict[str, Any], rulebook: RuleBook) -> dict[str, Any]:
    """Dotted facts as nested mappings, so templates write {{ resources.weekly_hours }}."""
    plan = _context_plan(trace_facts)
    if type(plan) is _Nesting:
        context = plan.nest(trace_facts)
    else:
        context = {}
        mappings = [context]  # the mappings made so far, in the order made (_context_plan)
        for name, parent, key in plan:
            if name is None:
                mappings.append(mappings[parent].setdefault(key, {}))
            else:
                value = trace_facts[name]
                mappings[parent][key] = list(value) if isinstance(value, tuple) else value
    context.update(_TABLES.get(rulebook))  # each table's values, made once per rule book
    return context


class _Nesting:
    """A plan of _context_plan carried out mapping by mapping, each made at once from its
    keys and values (innermost first), for names where no fact is also a mapping's path (the
    plan's steps then only ever put a key once in a mapping made by the plan)."""

    __slots__ = ("facts", "tuples", "mappings")

    def __init__(self, steps: tuple[tuple[str | None, int, str], ...]):
        names = [name for name, _, _ in steps if name is not None]
        self.facts = itemgetter(*names)  # the facts' values, in the order of the steps (at least two)
        # the values of the facts, then the mappings but the context: where each mapping's keys' values are
        # (mapping m > 0 is made (len(steps) - len(names)) - m mappings after the innermost: nest's order)
        entries: list[tuple[list[str], list[int]]] = [([], [])]
        fact, last = 0, len(steps) - 1
        for name, parent, key in steps:
            entries[parent][0].append(key)
            if name is None:
                entries[parent][1].append(last - len(entries) + 1)
                entries.append(([], []))
            else:
                entries[parent][1].append(fact)
                fact += 1
        self.tuples = range(len(names))
        self.mappings = tuple((tuple(keys), itemgetter(*places) if len(places) > 1 else _one(places[0]))
                              for keys, places in entries)

    def nest(self, trace_facts: dict[str, Any]) -> dict[str, Any]:
        values = list(self.facts(trace_facts))
        for place in compress(self.tuples, map(isinstance, values, repeat(tuple))):
            values[place] = list(values[place])
        mappings = self.mappings
        for keys, found in mappings[:0:-1]:  # the innermost first: a mapping is made after its parent
            values.append(dict(zip(keys, found(values))))
        context = dict(zip(mappings[0][0], mappings[0][1](values)))
        return context


def _one(place: int) -> Callable[[list[Any]], tuple[Any]]:
    return lambda values: (values[place],)


class _TableValues(dict):  # type: ignore[type-arg]
    """Each knowledge table's values (table.values()), by table name, made once per rule book:
    every report's context reads the same dicts (the sandbox never lets a text change one)."""

    def __init__(self, rulebook: RuleBook):
        super().__init__((name, table.values()) for name, table in rulebook.tables.items())


_TABLES: PerRuleBook[_TableValues] = PerRuleBook(_TableValues)


# The names of a trace's facts, sorted and split at their dots: the same few sets of names
# come again and again (12 over 1,000 generated sheets), each is worked out once.
_PLANS: dict[tuple[str, ...], "tuple[tuple[str | None, int, str], ...] | _Nesting"] = {}
_PLANS_KEPT = 64


def _context_plan(trace_facts: dict[str, Any]) -> "tuple[tuple[str | None, int, str], ...] | _Nesting":
    """How fact_context nests the facts, in the order of their names: (None, parent, key)
    makes the mapping `key` in the mapping numbered `parent` (0 is the context; each one made
    takes the next number), (name, parent, key) puts the fact there; as a _Nesting when it
    can be carried out mapping by mapping."""
    names = tuple(trace_facts)
    plan = _PLANS.get(names)
    if plan is None:
        numbers: dict[tuple[str, ...], int] = {(): 0}
        steps: list[tuple[str | None, int, str]] = []
        for name in sorted(names):
            parts = name.split(".")
            for depth in range(1, len(parts)):
                path = tuple(parts[:depth])
                if path not in numbers:
                    numbers[path] = len(numbers)
                    steps.append((None, numbers[path[:-1]], parts[depth - 1]))
            steps.append((name, numbers[tuple(parts[:-1])], parts[-1]))
        plan = tuple(steps)
        facts = sum(1 for name, _, _ in plan if name is not None)
        if facts >= 2 and not any(tuple(name.split(".")) in numbers for name in names):
            plan = _Nesting(plan)  # no fact is also a mapping: each mapping made at once
        if len(_PLANS) >= _PLANS_KEPT:
            _PLANS.clear()
        _PLANS[names] = plan
    return plan


class Because:
    """Renders rules' `because` texts; one Jinja environment per language, strict."""

    def __init__(self, rulebook: RuleBook, lang: str):
        self.known_reads = rulebook.text_reads  # text -> what it reads, found when the rule book was read
        self.environment = BoundedEnvironment(limits=RULE_TEXT_LIMITS, filters=make_filters(rulebook.vocabulary, lang),
                                              undefined=jinja2.StrictUndefined, autoescape=False,
                                              keep_trailing_newline=False)
        self.lang = lang
        self.digest = rulebook.digest
        self.compiled: KeptMapping | None = None  # text -> its compiled code (marshal), kept in the cache
        self.cache: dict[str, jinja2.Template] = {}
        self.reads: dict[str, tuple[tuple[Any, ...], ...] | None] = {}  # rule id -> what its text reads
        self.texts: TwoGenerations[str] = TwoGenerations(_TEXTS_KEPT)  # (rule id, values read) -> its text

    def _compile(self, text: str) -> jinja2.Template:
        """`environment.from_string(text)`, its compiled code kept in the cache with the other
        texts of the rule book in this language (one entry: advise.engine.cache.KeptMapping,
        keyed by the text itself; `keep_compiled` writes the new ones)."""
        environment = self.environment
        if self.compiled is None:
            self.compiled = KeptMapping("because", f"{jinja2.__version__}|{self.lang}|{self.digest}",
                                        valid=lambda key, value: isinstance(key, str) and isinstance(value, bytes))
        code = None
        data = self.compiled.values.get(text)
        if data is not None:
            try:
                code = marshal.loads(data)
            except (ValueError, EOFError, TypeError):  # damaged: compiled afresh, and kept again
                code = None
            if not isinstance(code, types.CodeType):
                code = None
        if code is None:
            code = environment.compile(text)
            self.compiled.add(text, marshal.dumps(code))
        # The template's globals as a plain mapping, not Jinja's ChainMap over the environment's:
        # the same names (those of BoundedEnvironment, set once), but each rendering's Context
        # lists them (set(globals)), and a ChainMap takes several times as long to list.
        globals_ = dict(environment.make_globals(None))
        return environment.template_class.from_code(environment, code, globals_, None)

    def keep_compiled(self) -> None:
        """The texts compiled for the first time, kept in the cache for the next process."""
        if self.compiled is not None:
            self.compiled.keep()

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
        parts: dict[tuple[Any, ...], Any] = {}  # a read -> its value as a part of a key, in these variables
        reads_by_rule, texts = self.reads, self.texts

        def render(rule: Rule) -> str:
            rule_id = rule.id
            try:
                reads = reads_by_rule.get(rule_id, _UNKNOWN)
                if reads is _UNKNOWN:
                    text = rule.because[lang]
                    known = self.known_reads.get(text, _UNKNOWN)
                    reads = reads_by_rule[rule_id] = reads_of(environment, text) if known is _UNKNOWN else known
                key = None
                if reads is not None:
                    values = []
                    for read in reads:  # values_read(reads, variables, parts), without a call per text
                        part = parts.get(read, _UNKNOWN)
                        if part is _UNKNOWN:
                            part = parts[read] = _read_part(read, variables)
                        if part is None:
                            break
                        values.append(part)
                    else:
                        key = (rule_id, tuple(values))
                        found = texts.newer.get(key)
                        if found is not None:
                            return found
                        found = texts.older.get(key)
                        if found is not None:
                            texts.keep(key, found)  # asked again: back into the newer generation
                            return found
                text = rule.because[lang]
                template = self.cache.get(rule.id) or self._compile(text)
                self.cache[rule.id] = template
                rendered = typography(str(environment.render(template, variables, shared=True)).strip(), lang)
                if key is not None:
                    texts.keep(key, rendered)
                return rendered
            except jinja2.TemplateError as error:
                if is_unsafe(error):  # the sandbox refusing a text makes the rule base bad input (exit 2)
                    raise RuleBookError(Problem("because-unsafe", {"reason": str(error)}, file=rule.file,
                                                line=rule.line, rule=rule.id, field=f"because.{lang}")) from None
                raise RuleRunError(Problem("because-failed", {"reason": str(error)}, file=rule.file, line=rule.line,
                                           rule=rule.id)) from None

        return render


# ---------------------------------------------------------------- texts worded once
#
# Most `because` texts only show facts through filters: "{{ resources.weekly_hours | hours }}
# a week...". Such a text's words depend on the values it reads and nothing else (the
# filters and tests are pure functions of their arguments, the language is the Because's),
# so its text is kept per values read: the next sheet with the same values gets it without
# rendering. The first rendering for any values is the bounded one (advise.sandbox), and an
# error is never kept. A text that loops, calls, assigns, includes or reads a name in any
# other way is rendered every time.

# Texts kept per rule book and language, in two generations of _TEXTS_KEPT (advise.kept: what
# is asked again stays, memory stays flat over a long batch). Over 1,500 generated sheets, of
# the texts found kept: 60 % with one store of 1,024 dropping the least recently used, 64 %
# with these, 75 % unbounded; a text found costs one look-up (the store dropping the least
# recently used took the text out and put it back).
_TEXTS_KEPT = 1024
_DICT_NAMES = frozenset(dir(dict))
_MISSING = ("missing",)
_UNKNOWN = ("unknown",)
_ITEMS_KEPT = 64  # a value read with more items than this is not a key: rendered every time
_ONLY_STR = frozenset({str})  # a list whose items' types are all in it is a list of names
_STR_TYPES = (str,) * _ITEMS_KEPT  # zipped with a list of names (at most _ITEMS_KEPT): each (str, name)


def _frozen(value: Any, depth: int = 0) -> Any:
    """`value` as a key that tells apart what renders differently (1, 1.0, True; 0.0, -0.0), or _MISSING."""
    kind = type(value)
    if value is None or kind in (str, bool, int):
        return (kind, value)
    if kind is float:
        return (kind, value.hex())
    if kind in (list, tuple, dict) and depth < 3 and len(value) <= _ITEMS_KEPT:
        if kind is not dict and _ONLY_STR.issuperset(map(type, value)):  # names (networks...): each (str, name)
            return (kind, tuple([(str, item) for item in value]))
        if kind is dict:
            items = [(key, _frozen(item, depth + 1)) for key, item in value.items() if type(key) is str]
            if len(items) < len(value) or any(item is _MISSING for _, item in items):
                return _MISSING
            return (kind, tuple(items))
        frozen = tuple(_frozen(item, depth + 1) for item in value)
        return _MISSING if any(item is _MISSING for item in frozen) else (kind, frozen)
    return _MISSING


def values_read(reads: tuple[tuple[Any, ...], ...], variables: dict[str, Any],
                parts: dict[tuple[Any, ...], Any] | None = None) -> tuple[Any, ...] | None:
    """The values a text reads in `variables`, as a key; None when one cannot be a key.

    `parts`: each read's part of the key, kept for the next texts that read it in the same
    `variables` (the texts of one report read the same few values)."""
    key = []
    for read in reads:
        if parts is None:
            part = _read_part(read, variables)
        else:
            part = parts.get(read, _UNKNOWN)
            if part is _UNKNOWN:
                part = parts[read] = _read_part(read, variables)
        if part is None:
            return None
        key.append(part)
    return tuple(key)


def _read_part(read: tuple[Any, ...], variables: dict[str, Any]) -> Any:
    """What one read finds in `variables`, as a part of a key (_frozen); None when it cannot be one."""
    name = read[0]
    if name not in variables:
        return None  # Jinja's own names (self, loop...) or an error: rendered
    value = variables[name]
    for part in read[1:]:
        if type(value) is not dict:
            break  # the rest is read from this value, which is in the key whole
        if part in _DICT_NAMES:
            return None  # Jinja would find the mapping's method, not the key
        value = value.get(part, _MISSING)
        if value is _MISSING:
            return _MISSING
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:  # _frozen's, without a call (most reads)
        return (kind, value)
    if kind is float:
        return (kind, value.hex())
    if (kind is list or kind is tuple) and len(value) <= _ITEMS_KEPT and _ONLY_STR.issuperset(map(type, value)):
        return (kind, tuple(zip(_STR_TYPES, value)))  # names: each (str, name), as _frozen makes it
    frozen = _frozen(value)
    return None if frozen is _MISSING else frozen


# Compiling the rules' `because` texts costs far more than rendering them (about 10 ms a
# report): one compiled set per rule book and language, kept while the rule book lives.
_BECAUSE: PerRuleBook[Because] = PerRuleBook(Because)


def because_for(rulebook: RuleBook, lang: str) -> Because:
    return _BECAUSE.get(rulebook, lang)
