"""The rule book: every file under rules/, loaded and checked before anything runs.

rules/
  vocabulary.yaml     derived facts, warnings, recommendations, verdicts, platforms, themes
  tables/*.yaml       knowledge tables: each value with its source
  **/*.yaml           rule files, one theme each (any name but the above)
  **/*.cases.yaml     scenario cases beside the rules (read by advise.workbench.cases)

A problem in any file stops the load: no advice from a partial rule base. Every problem
names its file, line and rule id, and they are all reported at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jinja2
import jinja2.nodes
from jinja2 import meta

from ..errors import LANGS, Problem, RuleBookError, did_you_mean, register_messages
from ..explain.wording import FILTER_NAMES
from ..sheet.facts import OBJECTIVES, PLATFORMS, SHEET_FIELDS
from ..sheet.yamlload import Positions, describe, load_yaml
from . import expressions
from .operators import BOOL, LIST, NUMBER, OPERATORS, TEXT, operator_hint

register_messages({
    "rules-dir-missing": {"en": "the rules folder does not exist", "fr": "le dossier de règles n'existe pas"},
    "rules-none": {"en": "no rule file found in this folder", "fr": "aucun fichier de règles dans ce dossier"},
    "vocabulary-missing": {
        "en": "vocabulary.yaml is missing: it declares the facts, warnings and recommendations the rules may use",
        "fr": "vocabulary.yaml manque : il déclare les faits, alertes et recommandations que les règles peuvent utiliser",
    },
    "rule-duplicate-id": {
        "en": "the rule id '{id}' is already used in {other}",
        "fr": "l'identifiant de règle « {id} » est déjà utilisé dans {other}",
    },
    "rule-bad-id": {
        "en": "rule ids are lower-case words joined by hyphens (e.g. 'time-per-profile'), not '{id}'",
        "fr": "un identifiant de règle est fait de mots en minuscules reliés par des tirets (ex. « time-per-profile »), pas « {id} »",
    },
    "missing-translation": {
        "en": "the text has no '{lang}' version; every text a reader sees exists in {langs}",
        "fr": "le texte n'a pas de version « {lang} » ; tout texte lu existe en {langs}",
    },
    "empty-text": {"en": "the text is empty", "fr": "le texte est vide"},
    "unknown-fact": {"en": "unknown fact '{name}'", "fr": "fait inconnu « {name} »"},
    "unknown-name": {
        "en": "'{name}' is neither a fact nor a table value",
        "fr": "« {name} » n'est ni un fait ni une valeur de table",
    },
    "unknown-operator": {"en": "unknown operator '{name}'", "fr": "opérateur inconnu « {name} »"},
    "operator-kind": {
        "en": "the operator '{op}' does not apply to '{fact}', which is {kind}; it applies to: {kinds}",
        "fr": "l'opérateur « {op} » ne s'applique pas à « {fact} », qui est de type {kind} ; il s'applique à : {kinds}",
    },
    "operand-type": {
        "en": "'{op}' on '{fact}' needs {expected}, found {found}",
        "fr": "« {op} » sur « {fact} » demande {expected}, trouvé {found}",
    },
    "fact-reference": {
        "en": "a condition compares a fact with a constant, not with another fact ('{name}'); compute the difference in a rule (then: set:) and test it",
        "fr": "une condition compare un fait à une constante, pas à un autre fait (« {name} ») ; calculez l'écart dans une règle (then: set:) et testez-le",
    },
    "condition-shape": {
        "en": "a condition is one 'fact: test' pair, 'not:', 'any:' or 'all:'; found {found}",
        "fr": "une condition est une paire « fait: test », « not: », « any: » ou « all: » ; trouvé {found}",
    },
    "not-shape": {
        "en": "'not' takes one 'fact: test' condition",
        "fr": "« not » prend une seule condition « fait: test »",
    },
    "nesting": {
        "en": "'{kind}' cannot be nested here: use 'any' inside the rule's list, and 'all' inside 'any'",
        "fr": "« {kind} » ne peut pas être imbriqué ici : « any » dans la liste de la règle, « all » dans « any »",
    },
    "empty-group": {
        "en": "'{kind}' needs at least one condition",
        "fr": "« {kind} » demande au moins une condition",
    },
    "then-empty": {
        "en": "the rule concludes nothing: give 'set', 'add', 'warn' or 'recommend'",
        "fr": "la règle ne conclut rien : donnez « set », « add », « warn » ou « recommend »",
    },
    "set-sheet-fact": {
        "en": "'{name}' comes from the fact sheet; rules conclude derived facts only",
        "fr": "« {name} » vient de la fiche ; les règles ne concluent que des faits déduits",
    },
    "add-not-family": {
        "en": "'add' adds points to a member of a family of numbers (e.g. fit.linkedin); '{name}' is not one",
        "fr": "« add » ajoute des points à un membre d'une famille de nombres (ex. fit.linkedin) ; « {name} » n'en est pas un",
    },
    "set-and-add": {
        "en": "'{name}' is both set and added to (by {rules}); choose one",
        "fr": "« {name} » est à la fois fixé et augmenté (par {rules}) ; choisissez l'un des deux",
    },
    "bad-value": {
        "en": "'{value}' is not a valid value for '{fact}' ({expected})",
        "fr": "« {value} » n'est pas une valeur valide pour « {fact} » ({expected})",
    },
    "unknown-id": {"en": "unknown {kind} '{id}'", "fr": "{kind} inconnu(e) « {id} »"},
    "expr-syntax": {"en": "expression syntax error: {reason}", "fr": "erreur de syntaxe dans l'expression : {reason}"},
    "expr-forbidden": {
        "en": "not allowed in an expression: {what}",
        "fr": "interdit dans une expression : {what}",
    },
    "expr-unknown-function": {
        "en": "unknown function '{name}'; available: {choices}",
        "fr": "fonction inconnue « {name} » ; disponibles : {choices}",
    },
    "expr-arity": {
        "en": "'{name}' takes {low} to {high} values, found {found}",
        "fr": "« {name} » prend de {low} à {high} valeurs, trouvé {found}",
    },
    "expr-not-number": {"en": "expected a number, found {value}", "fr": "nombre attendu, trouvé {value}"},
    "expr-not-list": {"en": "expected a list, found {value}", "fr": "liste attendue, trouvé {value}"},
    "expr-not-table": {"en": "expected a table, found {value}", "fr": "table attendue, trouvé {value}"},
    "expr-compare": {"en": "cannot compare {left} with {right}", "fr": "impossible de comparer {left} et {right}"},
    "expr-division-by-zero": {"en": "division by zero", "fr": "division par zéro"},
    "template-syntax": {"en": "template error: {reason}", "fr": "erreur de modèle : {reason}"},
    "template-name": {
        "en": "the text uses '{name}', which is not a fact, a table or a helper",
        "fr": "le texte utilise « {name} », qui n'est ni un fait, ni une table, ni une aide",
    },
    "table-duplicate": {
        "en": "the table '{name}' is already defined in {other}",
        "fr": "la table « {name} » est déjà définie dans {other}",
    },
    "table-name-clash": {
        "en": "the table name '{name}' is also a fact name; rename the table",
        "fr": "le nom de table « {name} » est aussi un nom de fait ; renommez la table",
    },
    "bad-name": {
        "en": "'{name}' is not a valid name: lower-case letters, digits and underscores",
        "fr": "« {name} » n'est pas un nom valide : minuscules, chiffres et soulignés",
    },
    "source-missing": {
        "en": "no source: say which passage of the article or which reference this encodes",
        "fr": "pas de source : indiquez le passage de l'article ou la référence encodée",
    },
    "priority-range": {
        "en": "priority must be a whole number from 0 to 1000, found {value}",
        "fr": "la priorité doit être un entier de 0 à 1000, trouvé {value}",
    },
})

RULE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
FACT_TYPES = ("number", "integer", "bool", "text", "choice", "list")
ITEM_KINDS = ("platform", "objective", "text")
UNITS = ("hours_per_week", "euros_per_month", "profiles", "points", "none")
RULE_KEYS = ("id", "title", "when", "then", "because", "source", "priority", "notes")
THEN_KEYS = ("set", "add", "warn", "recommend")
# Names a rule's text may use besides facts and tables (filled in by the renderer).
TEMPLATE_HELPERS = frozenset({"lang", "loop", "true", "false", "none"})


# ---------------------------------------------------------------- data model


@dataclass(frozen=True)
class FactType:
    """What a fact holds: the sheet's facts and the derived ones alike."""

    name: str
    kind: str  # number | bool | text | list  (the operator kinds)
    integer: bool = False
    choices: tuple[str, ...] = ()  # for text facts with a closed list; for lists, allowed items
    items: str | None = None  # list items: platform | objective | text
    family: str | None = None  # fit.facebook belongs to family 'fit'
    derived: bool = True
    default: Any = None  # None: no default (absent until concluded)
    has_default: bool = False
    unit: str = "none"
    label: dict[str, str] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None

    def describe_kind(self) -> str:
        if self.choices and self.kind == TEXT:
            return "one of " + ", ".join(self.choices)
        if self.kind == LIST:
            return f"a list of {self.items or 'text'}"
        return {"number": "a number", "bool": "true or false", "text": "text"}[self.kind]


@dataclass(frozen=True)
class TableEntry:
    table: str
    key: str
    value: Any
    source: str
    unit: str
    label: dict[str, str]
    file: str
    line: int | None

    @property
    def name(self) -> str:
        return f"{self.table}.{self.key}"


@dataclass(frozen=True)
class Table:
    name: str
    title: dict[str, str]
    unit: str
    keys: str | None  # "platform" when its keys are platforms
    entries: dict[str, TableEntry]
    file: str
    line: int | None

    def values(self) -> dict[str, Any]:
        return {key: entry.value for key, entry in self.entries.items()}


@dataclass(frozen=True)
class Condition:
    """One test on one fact: `resources.weekly_hours: {gt: 0}`."""

    fact: str
    op: str
    operand: Any
    negated: bool = False
    operand_ref: str | None = None  # the table value the operand came from
    line: int | None = None


@dataclass(frozen=True)
class Group:
    """Conditions that must all hold (`all`) or of which one must (`any`)."""

    kind: str  # all | any
    items: tuple["Condition | Group", ...]
    line: int | None = None

    def conditions(self) -> Iterable[Condition]:
        for item in self.items:
            if isinstance(item, Group):
                yield from item.conditions()
            else:
                yield item


@dataclass(frozen=True)
class Conclusion:
    """`set` (fact = value), `add` (points to a family member), `warn` or `recommend`."""

    kind: str  # set | add | warn | recommend
    fact: str  # the derived fact concluded (warnings.x / recommendations.x for those)
    value: Any = None  # a constant ...
    expression: expressions.Expression | None = None  # ... or an expression
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: dict[str, str]
    when: Group
    then: tuple[Conclusion, ...]
    because: dict[str, str]
    source: tuple[str, ...]
    priority: int
    theme: str
    file: str
    line: int | None
    order: int  # position in the rule book's canonical order
    notes: str = ""

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


@dataclass(frozen=True)
class Theme:
    id: str
    title: dict[str, str]
    order: int


@dataclass(frozen=True)
class Vocabulary:
    facts: dict[str, FactType]  # every fact: sheet and derived, families expanded
    families: dict[str, tuple[str, ...]]  # family -> member fact names
    warnings: dict[str, dict[str, Any]]  # id -> {title: {lang: text}}
    recommendations: dict[str, dict[str, Any]]
    verdicts: dict[str, dict[str, Any]]  # id -> {title, meaning}
    platforms: dict[str, dict[str, str]]  # id -> {lang: display name}
    objectives: dict[str, dict[str, str]]
    themes: dict[str, Theme]
    units: dict[str, dict[str, str]]  # unit -> {lang: suffix}
    glossary: dict[str, dict[str, Any]]  # term -> {term: {lang}, meaning: {lang}}
    file: str


@dataclass(frozen=True)
class RuleBook:
    directory: Path
    rules: tuple[Rule, ...]
    tables: dict[str, Table]
    vocabulary: Vocabulary
    files: tuple[str, ...]  # every file read, relative to the directory

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


# ---------------------------------------------------------------- loading


class _Collector:
    """Gathers problems across all files, so that all are reported at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, *, file: str | None, line: int | None = None, field: str | None = None,
            rule: str | None = None, severity: str = "error", **params: Any) -> None:
        hint = params.pop("_hint", {})
        self.problems.append(Problem(code, params, file=file, line=line, field=field, rule=rule,
                                     severity=severity, **hint))


def load_rulebook(directory: str | Path) -> RuleBook:
    """Load and check every file of a rule base. Raises RuleBookError listing every problem."""
    root = Path(directory)
    problems = _Collector()
    if not root.is_dir():
        problems.add("rules-dir-missing", file=str(root))
        raise RuleBookError(problems.problems)

    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    def display(path: Path) -> str:
        return (root / rel(path)).as_posix() if not root.is_absolute() else str(path)

    all_yaml = sorted(root.rglob("*.yaml"), key=lambda path: rel(path))
    vocabulary_path = root / "vocabulary.yaml"
    table_paths = [p for p in all_yaml if rel(p).startswith("tables/")]
    rule_paths = [p for p in all_yaml if p != vocabulary_path and p not in table_paths
                  and not p.name.endswith(".cases.yaml")]

    loaded: dict[Path, tuple[Any, Positions]] = {}
    for path in [vocabulary_path, *table_paths, *rule_paths]:
        if path == vocabulary_path and not path.exists():
            problems.add("vocabulary-missing", file=display(path))
            continue
        try:
            loaded[path] = load_yaml(path, error=RuleBookError, display_name=display(path))
        except RuleBookError as error:
            problems.problems.extend(error.problems)
    if not rule_paths:
        problems.add("rules-none", file=str(root))

    vocabulary = None
    if vocabulary_path in loaded:
        vocabulary = _VocabularyReader(display(vocabulary_path), *loaded[vocabulary_path], problems).read()
    tables: dict[str, Table] = {}
    for path in table_paths:
        if path in loaded:
            table = _read_table(display(path), *loaded[path], problems, vocabulary)
            if table is None:
                continue
            if table.name in tables:
                problems.add("table-duplicate", file=table.file, line=table.line, name=table.name,
                             other=tables[table.name].file)
            elif vocabulary and (table.name in vocabulary.facts or table.name in vocabulary.families
                                 or table.name in _fact_roots(vocabulary)):
                problems.add("table-name-clash", file=table.file, line=table.line, name=table.name)
            else:
                tables[table.name] = table
    rules: list[Rule] = []
    if vocabulary is not None:
        seen: dict[str, str] = {}
        for path in rule_paths:
            if path not in loaded:
                continue
            reader = _RuleFileReader(display(path), *loaded[path], problems, vocabulary, tables)
            for rule in reader.read(order_start=len(rules)):
                if rule.id in seen:
                    problems.add("rule-duplicate-id", file=rule.file, line=rule.line, rule=rule.id,
                                 id=rule.id, other=seen[rule.id])
                    continue
                seen[rule.id] = f"{rule.file}:{rule.line}"
                rules.append(rule)
        _check_set_and_add(rules, problems)

    errors = [p for p in problems.problems if p.severity == "error"]
    if errors:
        raise RuleBookError(errors)
    assert vocabulary is not None
    return RuleBook(directory=root, rules=tuple(rules), tables=tables, vocabulary=vocabulary,
                    files=tuple(rel(p) for p in [vocabulary_path, *table_paths, *rule_paths]))


def _fact_roots(vocabulary: Vocabulary) -> set[str]:
    return {name.split(".", 1)[0] for name in vocabulary.facts}


def _check_set_and_add(rules: list[Rule], problems: _Collector) -> None:
    kinds: dict[str, dict[str, list[Rule]]] = {}
    for rule in rules:
        for conclusion in rule.then:
            kinds.setdefault(conclusion.fact, {}).setdefault(conclusion.kind, []).append(rule)
    for name, by_kind in kinds.items():
        if "set" in by_kind and "add" in by_kind:
            first = by_kind["add"][0]
            problems.add("set-and-add", file=first.file, line=first.line, rule=first.id, name=name,
                         rules=", ".join(r.id for r in by_kind["set"] + by_kind["add"]))


def _texts(value: Any, *, where: str, file: str, line: int | None, problems: _Collector,
           rule: str | None = None, required: bool = True) -> dict[str, str]:
    """A text in every language: {en: ..., fr: ...}."""
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        problems.add("wrong-type", file=file, line=line, field=where, rule=rule,
                     expected="a text per language (en:, fr:)", found=describe(value))
        return {}
    result: dict[str, str] = {}
    for key, text in value.items():
        if key not in LANGS:
            problems.add("unknown-key", file=file, line=line, field=f"{where}.{key}", rule=rule, key=key,
                         _hint=did_you_mean(key, LANGS))
        elif not isinstance(text, str):
            problems.add("wrong-type", file=file, line=line, field=f"{where}.{key}", rule=rule,
                         expected="text", found=describe(text))
        elif not text.strip():
            problems.add("empty-text", file=file, line=line, field=f"{where}.{key}", rule=rule)
        else:
            result[key] = text.strip()
    for lang in LANGS:
        if lang not in value:
            problems.add("missing-translation", file=file, line=line, field=where, rule=rule, lang=lang,
                         langs=" and ".join(LANGS))
    return result


def _unknown_keys(data: dict, allowed: Iterable[str], *, file: str, positions: Positions, path: tuple,
                  problems: _Collector, rule: str | None = None) -> None:
    allowed = tuple(allowed)
    for key in data:
        if key not in allowed:
            problems.add("unknown-key", file=file, line=positions.line(path + (key,)),
                         field=".".join(str(p) for p in path + (key,)), rule=rule, key=key,
                         _hint=did_you_mean(key, allowed))


# ---------------------------------------------------------------- vocabulary


class _VocabularyReader:
    SECTIONS = ("facts", "warnings", "recommendations", "verdicts", "platforms", "objectives", "themes",
                "units", "glossary", "sheet")

    def __init__(self, file: str, data: Any, positions: Positions, problems: _Collector):
        self.file, self.data, self.positions, self.problems = file, data, positions, problems

    def line(self, *path: Any) -> int | None:
        return self.positions.line(tuple(path))

    def read(self) -> Vocabulary | None:
        if not isinstance(self.data, dict):
            self.problems.add("not-a-mapping", file=self.file, line=1, found=describe(self.data))
            return None
        _unknown_keys(self.data, self.SECTIONS, file=self.file, positions=self.positions, path=(),
                      problems=self.problems)
        facts: dict[str, FactType] = {}
        sheet_labels = self.section("sheet")
        for name, spec in SHEET_FIELDS.items():
            entry = sheet_labels.get(name, {})
            label = _texts(entry.get("label") if isinstance(entry, dict) else None, where=f"sheet.{name}.label",
                           file=self.file, line=self.line("sheet", name) or self.line("sheet"),
                           problems=self.problems)
            facts[name] = _sheet_fact_type(name, spec, label)
        for name in sheet_labels:
            if name not in SHEET_FIELDS:
                self.problems.add("unknown-fact", file=self.file, line=self.line("sheet", name),
                                  field=f"sheet.{name}", name=name, _hint=did_you_mean(name, SHEET_FIELDS))

        def titled(section: str, extra: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
            result: dict[str, dict[str, Any]] = {}
            for key, entry in self.section(section).items():
                where = f"{section}.{key}"
                if not NAME.match(str(key)):
                    self.problems.add("bad-name", file=self.file, line=self.line(section, key), field=where, name=key)
                if not isinstance(entry, dict):
                    self.problems.add("not-a-mapping", file=self.file, line=self.line(section, key), field=where,
                                      found=describe(entry))
                    continue
                _unknown_keys(entry, ("title",) + extra, file=self.file, positions=self.positions,
                              path=(section, key), problems=self.problems)
                item = {"title": _texts(entry.get("title"), where=f"{where}.title", file=self.file,
                                        line=self.line(section, key), problems=self.problems)}
                for name in extra:
                    item[name] = _texts(entry.get(name), where=f"{where}.{name}", file=self.file,
                                        line=self.line(section, key), problems=self.problems)
                result[key] = item
            return result

        warnings = titled("warnings")
        recommendations = titled("recommendations")
        verdicts = titled("verdicts", ("meaning",))
        for key in warnings:
            facts[f"warnings.{key}"] = FactType(f"warnings.{key}", BOOL, default=False, has_default=True,
                                                label=warnings[key]["title"], file=self.file,
                                                line=self.line("warnings", key))
        for key in recommendations:
            facts[f"recommendations.{key}"] = FactType(
                f"recommendations.{key}", BOOL, default=False, has_default=True,
                label=recommendations[key]["title"], file=self.file, line=self.line("recommendations", key))
        platforms = self.names("platforms", PLATFORMS)
        objectives = self.names("objectives", OBJECTIVES)
        families: dict[str, tuple[str, ...]] = {}
        for name, entry in self.section("facts").items():
            declared = self.derived_fact(name, entry, tuple(verdicts))
            if declared is None:
                continue
            if declared.family:
                members = PLATFORMS if declared.family == "platform" else tuple(objectives)
                families[name] = tuple(f"{name}.{member}" for member in members)
                for member in families[name]:
                    facts[member] = FactType(member, declared.kind, integer=declared.integer, family=name,
                                             default=declared.default, has_default=declared.has_default,
                                             unit=declared.unit, label=declared.label, file=self.file,
                                             line=declared.line)
            elif name in facts:
                self.problems.add("set-sheet-fact", file=self.file, line=self.line("facts", name),
                                  field=f"facts.{name}", name=name)
            else:
                facts[name] = declared
        themes: dict[str, Theme] = {}
        raw_themes = self.data.get("themes", [])
        if not isinstance(raw_themes, list):
            self.problems.add("not-a-list", file=self.file, line=self.line("themes"), field="themes",
                              found=describe(raw_themes))
            raw_themes = []
        for index, entry in enumerate(raw_themes):
            if not isinstance(entry, dict) or "id" not in entry:
                self.problems.add("condition-shape", file=self.file, line=self.line("themes", index),
                                  field=f"themes[{index}]", found=describe(entry))
                continue
            _unknown_keys(entry, ("id", "title"), file=self.file, positions=self.positions,
                          path=("themes", index), problems=self.problems)
            themes[str(entry["id"])] = Theme(str(entry["id"]), _texts(
                entry.get("title"), where=f"themes[{index}].title", file=self.file,
                line=self.line("themes", index), problems=self.problems), index)
        units: dict[str, dict[str, str]] = {}
        for unit, entry in self.section("units").items():
            if unit not in UNITS:
                self.problems.add("bad-choice", file=self.file, line=self.line("units", unit), field=f"units.{unit}",
                                  value=unit, choices=", ".join(UNITS), _hint=did_you_mean(unit, UNITS))
            units[unit] = _texts(entry, where=f"units.{unit}", file=self.file, line=self.line("units", unit),
                                 problems=self.problems)
        glossary: dict[str, dict[str, Any]] = {}
        for term, entry in self.section("glossary").items():
            if not isinstance(entry, dict):
                self.problems.add("not-a-mapping", file=self.file, line=self.line("glossary", term),
                                  field=f"glossary.{term}", found=describe(entry))
                continue
            _unknown_keys(entry, ("term", "meaning"), file=self.file, positions=self.positions,
                          path=("glossary", term), problems=self.problems)
            glossary[term] = {key: _texts(entry.get(key), where=f"glossary.{term}.{key}", file=self.file,
                                          line=self.line("glossary", term), problems=self.problems)
                              for key in ("term", "meaning")}
        return Vocabulary(facts=facts, families=families, warnings=warnings, recommendations=recommendations,
                          verdicts=verdicts, platforms=platforms, objectives=objectives, themes=themes,
                          units=units, glossary=glossary, file=self.file)

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.add("not-a-mapping", file=self.file, line=self.line(name), field=name,
                              found=describe(value))
            return {}
        return value

    def names(self, section: str, expected: tuple[str, ...]) -> dict[str, dict[str, str]]:
        """Display names of platforms/objectives: each one of the contract's, in every language."""
        entries = self.section(section)
        result: dict[str, dict[str, str]] = {}
        for key in expected:
            result[key] = _texts(entries.get(key), where=f"{section}.{key}", file=self.file,
                                 line=self.line(section, key) or self.line(section), problems=self.problems)
        for key in entries:
            if key not in expected:
                self.problems.add("unknown-key", file=self.file, line=self.line(section, key),
                                  field=f"{section}.{key}", key=key, _hint=did_you_mean(key, expected))
        return result

    def derived_fact(self, name: str, entry: Any, verdicts: tuple[str, ...]) -> FactType | None:
        where = f"facts.{name}"
        line = self.line("facts", name)
        if not NAME.match(str(name)):
            self.problems.add("bad-name", file=self.file, line=line, field=where, name=name)
            return None
        if not isinstance(entry, dict):
            self.problems.add("not-a-mapping", file=self.file, line=line, field=where, found=describe(entry))
            return None
        _unknown_keys(entry, ("type", "choices", "items", "per", "default", "unit", "label"), file=self.file,
                      positions=self.positions, path=("facts", name), problems=self.problems)
        label = _texts(entry.get("label"), where=f"{where}.label", file=self.file, line=line,
                       problems=self.problems)
        type_name = entry.get("type")
        if type_name not in FACT_TYPES:
            self.problems.add("bad-choice", file=self.file, line=line, field=f"{where}.type", value=type_name,
                              choices=", ".join(FACT_TYPES), _hint=did_you_mean(str(type_name), FACT_TYPES))
            return None
        unit = entry.get("unit", "none")
        if unit not in UNITS:
            self.problems.add("bad-choice", file=self.file, line=line, field=f"{where}.unit", value=unit,
                              choices=", ".join(UNITS), _hint=did_you_mean(str(unit), UNITS))
        kind = {"number": NUMBER, "integer": NUMBER, "bool": BOOL, "text": TEXT, "choice": TEXT,
                "list": LIST}[type_name]
        choices: tuple[str, ...] = ()
        items = None
        if type_name == "choice":
            raw = entry.get("choices", "verdicts")
            if raw == "verdicts":
                choices = verdicts
            elif isinstance(raw, list) and all(isinstance(c, str) for c in raw) and raw:
                choices = tuple(raw)
            else:
                self.problems.add("wrong-type", file=self.file, line=line, field=f"{where}.choices",
                                  expected="a list of words, or 'verdicts'", found=describe(raw))
        if type_name == "list":
            items = entry.get("items", "text")
            if items not in ITEM_KINDS:
                self.problems.add("bad-choice", file=self.file, line=line, field=f"{where}.items", value=items,
                                  choices=", ".join(ITEM_KINDS), _hint=did_you_mean(str(items), ITEM_KINDS))
                items = "text"
            choices = {"platform": PLATFORMS, "objective": OBJECTIVES}.get(items, ())
        family = entry.get("per")
        if family is not None and family not in ("platform", "objective"):
            self.problems.add("bad-choice", file=self.file, line=line, field=f"{where}.per", value=family,
                              choices="platform, objective", _hint=did_you_mean(str(family), ("platform", "objective")))
            family = None
        has_default = "default" in entry
        default = entry.get("default")
        if has_default and not _value_fits(default, kind, type_name == "integer", choices):
            self.problems.add("bad-value", file=self.file, line=line, field=f"{where}.default", value=default,
                              fact=name, expected=type_name)
        if has_default and isinstance(default, list):
            default = tuple(default)
        return FactType(name, kind, integer=type_name == "integer", choices=choices, items=items, family=family,
                        default=default, has_default=has_default, unit=unit, label=label, file=self.file,
                        line=line)


def _sheet_fact_type(name: str, spec: Any, label: dict[str, str]) -> FactType:
    kind = {"number": NUMBER, "bool": BOOL, "text": TEXT, "choice": TEXT, "list": LIST}[spec.type]
    choices = tuple(spec.choices or ())
    items = None
    if spec.type == "list":
        items = {PLATFORMS: "platform", OBJECTIVES: "objective"}.get(choices, "text")
    unit = {"resources.weekly_hours": "hours_per_week", "resources.monthly_budget": "euros_per_month"}.get(name, "none")
    return FactType(name, kind, choices=choices, items=items, derived=False, unit=unit, label=label)


def _value_fits(value: Any, kind: str, integer: bool, choices: tuple[str, ...]) -> bool:
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


# ---------------------------------------------------------------- tables


def _read_table(file: str, data: Any, positions: Positions, problems: _Collector,
                vocabulary: Vocabulary | None) -> Table | None:
    if not isinstance(data, dict):
        problems.add("not-a-mapping", file=file, line=1, found=describe(data))
        return None
    _unknown_keys(data, ("table", "title", "unit", "keys", "values"), file=file, positions=positions, path=(),
                  problems=problems)
    name = data.get("table")
    if not isinstance(name, str) or not NAME.match(name):
        problems.add("bad-name", file=file, line=positions.line(("table",)) or 1, field="table", name=name)
        return None
    title = _texts(data.get("title"), where="title", file=file, line=positions.line(("title",)), problems=problems)
    unit = data.get("unit", "none")
    if unit not in UNITS:
        problems.add("bad-choice", file=file, line=positions.line(("unit",)), field="unit", value=unit,
                     choices=", ".join(UNITS), _hint=did_you_mean(str(unit), UNITS))
    keys = data.get("keys")
    if keys not in (None, "platform", "objective"):
        problems.add("bad-choice", file=file, line=positions.line(("keys",)), field="keys", value=keys,
                     choices="platform, objective", _hint=did_you_mean(str(keys), ("platform", "objective")))
        keys = None
    values = data.get("values")
    if not isinstance(values, dict) or not values:
        problems.add("wrong-type", file=file, line=positions.line(("values",)) or 1, field="values",
                     expected="a mapping of entries (key: {value:, source:})", found=describe(values))
        return None
    allowed_keys = {"platform": PLATFORMS, "objective": OBJECTIVES}.get(keys or "", None)
    entries: dict[str, TableEntry] = {}
    for key, entry in values.items():
        where = f"values.{key}"
        line = positions.line(("values", key))
        if not NAME.match(str(key)):
            problems.add("bad-name", file=file, line=line, field=where, name=key)
            continue
        if allowed_keys and key not in allowed_keys:
            problems.add("bad-choice", file=file, line=line, field=where, value=key, choices=", ".join(allowed_keys),
                         _hint=did_you_mean(key, allowed_keys))
            continue
        if not isinstance(entry, dict):
            problems.add("wrong-type", file=file, line=line, field=where,
                         expected="value: and source:", found=describe(entry))
            continue
        _unknown_keys(entry, ("value", "source", "unit", "label"), file=file, positions=positions,
                      path=("values", key), problems=problems)
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            problems.add("wrong-type", file=file, line=line, field=f"{where}.value", expected="a number or a word",
                         found=describe(value))
            continue
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            problems.add("source-missing", file=file, line=line, field=f"{where}.source")
            source = ""
        entry_unit = entry.get("unit", unit)
        if entry_unit not in UNITS:
            problems.add("bad-choice", file=file, line=line, field=f"{where}.unit", value=entry_unit,
                         choices=", ".join(UNITS), _hint=did_you_mean(str(entry_unit), UNITS))
        label = _texts(entry.get("label"), where=f"{where}.label", file=file, line=line, problems=problems,
                       required=False)
        entries[key] = TableEntry(name, key, value, source.strip(), entry_unit, label, file, line)
    if allowed_keys:
        for key in allowed_keys:
            if key not in entries and key not in values:
                problems.add("missing-field", file=file, line=positions.line(("values",)), field=f"values.{key}")
    return Table(name, title, unit, keys, entries, file, positions.line(("table",)))


# ---------------------------------------------------------------- rule files


class _RuleFileReader:
    def __init__(self, file: str, data: Any, positions: Positions, problems: _Collector, vocabulary: Vocabulary,
                 tables: dict[str, Table]):
        self.file, self.data, self.positions, self.problems = file, data, positions, problems
        self.vocabulary, self.tables = vocabulary, tables
        self.rule_id: str | None = None

    def line(self, *path: Any) -> int | None:
        return self.positions.line(tuple(path))

    def problem(self, code: str, path: tuple, **params: Any) -> None:
        field_name = ".".join(str(p) for p in path[2:]) if len(path) > 2 else None
        self.problems.add(code, file=self.file, line=self.positions.line(path), field=field_name,
                          rule=self.rule_id, **params)

    def read(self, order_start: int) -> list[Rule]:
        if not isinstance(self.data, dict):
            self.problems.add("not-a-mapping", file=self.file, line=1, found=describe(self.data))
            return []
        _unknown_keys(self.data, ("theme", "rules"), file=self.file, positions=self.positions, path=(),
                      problems=self.problems)
        theme = self.data.get("theme")
        if not isinstance(theme, str) or theme not in self.vocabulary.themes:
            self.problems.add("bad-choice", file=self.file, line=self.line("theme") or 1, field="theme",
                              value=theme, choices=", ".join(self.vocabulary.themes),
                              _hint=did_you_mean(str(theme), self.vocabulary.themes))
        raw_rules = self.data.get("rules")
        if "rules" not in self.data:
            self.problems.add("missing-field", file=self.file, line=1, field="rules")
            return []
        if not isinstance(raw_rules, list) or not raw_rules:
            self.problems.add("wrong-type", file=self.file, line=self.line("rules") or 1, field="rules",
                              expected="a list of rules", found=describe(raw_rules))
            return []
        rules = []
        for index, raw in enumerate(raw_rules):
            rule = self.rule(raw, ("rules", index), str(theme), order_start + len(rules))
            if rule is not None:
                rules.append(rule)
        return rules

    def rule(self, raw: Any, path: tuple, theme: str, order: int) -> Rule | None:
        self.rule_id = None
        if not isinstance(raw, dict):
            self.problem("not-a-mapping", path, found=describe(raw))
            return None
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
            self.problem("rule-bad-id", path + ("id",) if "id" in raw else path, id=rule_id)
            rule_id = None
        self.rule_id = rule_id
        count_before = len(self.problems.problems)
        for key in raw:
            if key not in RULE_KEYS:
                self.problem("unknown-key", path + (key,), key=key, _hint=did_you_mean(key, RULE_KEYS))
        for key in ("title", "then", "because", "source"):
            if key not in raw:
                self.problem("source-missing" if key == "source" else "missing-field", path + (key,))
        title = _texts(raw.get("title"), where="title", file=self.file, line=self.line(*path, "title"),
                       problems=self.problems, rule=rule_id) if "title" in raw else {}
        when = self.group(raw.get("when", []), path + ("when",), top=True)
        then = self.then(raw.get("then"), path + ("then",)) if "then" in raw else ()
        because = _texts(raw.get("because"), where="because", file=self.file, line=self.line(*path, "because"),
                         problems=self.problems, rule=rule_id) if "because" in raw else {}
        for lang, text in because.items():
            self.check_template(text, path + ("because",), lang)
        source = raw.get("source")
        sources: tuple[str, ...] = ()
        if isinstance(source, str) and source.strip():
            sources = (source.strip(),)
        elif isinstance(source, list) and source and all(isinstance(s, str) and s.strip() for s in source):
            sources = tuple(s.strip() for s in source)
        elif "source" in raw:
            self.problem("source-missing", path + ("source",))
        priority = raw.get("priority", 0)
        if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 1000:
            self.problem("priority-range", path + ("priority",), value=priority)
            priority = 0
        notes = raw.get("notes", "")
        if len(self.problems.problems) > count_before or rule_id is None or when is None:
            return None
        return Rule(id=rule_id, title=title, when=when, then=then, because=because, source=sources,
                    priority=priority, theme=theme, file=self.file, line=self.line(*path), order=order,
                    notes=str(notes))

    # -- conditions

    def group(self, raw: Any, path: tuple, *, top: bool = False, kind: str = "all") -> Group | None:
        if raw is None:
            raw = []
        if top and isinstance(raw, dict):
            # `when: {all: [...]}` is the plain list; `when: {any: [...]}` one `any` group.
            if set(raw) == {"all"}:
                return self.group(raw["all"], path + ("all",), top=True)
            if set(raw) == {"any"}:
                inner = self.group(raw["any"], path + ("any",), kind="any")
                return Group("all", (inner,), self.line(*path)) if inner else None
            self.problem("condition-shape", path, found=describe(raw))
            return None
        if not isinstance(raw, list):
            self.problem("not-a-list", path, found=describe(raw))
            return None
        if not raw and not top:
            self.problem("empty-group", path, kind=kind)
            return None
        items: list[Condition | Group] = []
        for index, item in enumerate(raw):
            items.extend(self.item(item, path + (index,), top=top, parent=kind))
        return Group(kind, tuple(items), self.line(*path))

    def item(self, raw: Any, path: tuple, *, top: bool, parent: str) -> list[Condition | Group]:
        if not isinstance(raw, dict) or len(raw) != 1:
            self.problem("condition-shape", path, found=describe(raw))
            return []
        key, test = next(iter(raw.items()))
        if key in ("any", "all"):
            allowed = (top and key == "any") or (parent == "any" and key == "all")
            if not allowed:
                self.problem("nesting", path, kind=key)
                return []
            group = self.group(test, path + (key,), kind=key)
            return [group] if group else []
        if key == "not":
            if not top:
                self.problem("nesting", path, kind="not")
                return []
            if not isinstance(test, dict) or len(test) != 1 or next(iter(test)) in ("any", "all", "not"):
                self.problem("not-shape", path)
                return []
            fact, inner = next(iter(test.items()))
            if isinstance(inner, dict) and len(inner) > 1:
                # not (a and b) is not (not a) and (not b): one test per `not`.
                self.problem("not-shape", path)
                return []
            conditions = self.conditions(str(fact), inner, path + ("not", fact))
            return [Condition(c.fact, c.op, c.operand, not c.negated, c.operand_ref, c.line) for c in conditions]
        conditions = self.conditions(str(key), test, path + (key,))
        if parent == "any" and len(conditions) > 1:
            # `x: {gt: 1, lt: 5}` inside `any` is one alternative: both tests must hold.
            return [Group("all", tuple(conditions), self.line(*path))]
        return list(conditions)

    def conditions(self, fact: str, test: Any, path: tuple) -> list[Condition]:
        fact_type = self.vocabulary.facts.get(fact)
        if fact_type is None:
            self.problem("unknown-fact", path, name=fact, _hint=did_you_mean(fact, self.vocabulary.facts))
            return []
        if isinstance(test, dict):
            if not test:
                self.problem("condition-shape", path, found="{}")
                return []
            pairs = list(test.items())
        else:
            pairs = [("eq", test)]
        result = []
        for op, operand in pairs:
            condition = self.condition(fact_type, str(op), operand, path + ((op,) if isinstance(test, dict) else ()))
            if condition:
                result.append(condition)
        return result

    def condition(self, fact: FactType, op: str, operand: Any, path: tuple) -> Condition | None:
        operator = OPERATORS.get(op)
        if operator is None:
            self.problem("unknown-operator", path, name=op, _hint=operator_hint(op))
            return None
        if fact.kind not in operator.kinds:
            self.problem("operator-kind", path, op=op, fact=fact.name, kind=fact.describe_kind(),
                         kinds=", ".join(operator.kinds))
            return None
        line = self.line(*path)
        if op == "present":
            if not isinstance(operand, bool):
                self.problem("operand-type", path, op=op, fact=fact.name, expected="true or false",
                             found=describe(operand))
                return None
            # `present: false` is a negation: nothing concluded that fact.
            return Condition(fact.name, "present", True, negated=not operand, line=line)
        operand, ref = self.resolve_operand(operand, path)
        if ref is False:
            return None
        expected = self.operand_error(fact, operator.operand, operand)
        if expected:
            self.problem("operand-type", path, op=op, fact=fact.name, expected=expected, found=describe(operand),
                         **({"_hint": did_you_mean(str(operand), fact.choices)} if fact.choices
                            and isinstance(operand, str) else {}))
            return None
        if isinstance(operand, list):
            operand = tuple(operand)
        return Condition(fact.name, op, operand, operand_ref=ref or None, line=line)

    def resolve_operand(self, operand: Any, path: tuple) -> tuple[Any, str | None | bool]:
        """A table value written by name (`thresholds.visuals_budget`) becomes its number."""
        if isinstance(operand, str) and "." in operand:
            entry = _table_entry(self.tables, operand)
            if entry is not None:
                return entry.value, operand
            if operand in self.vocabulary.facts:
                self.problem("fact-reference", path, name=operand)
                return None, False
            names = [e.name for t in self.tables.values() for e in t.entries.values()]
            self.problem("unknown-name", path, name=operand, _hint=did_you_mean(operand, names))
            return None, False
        return operand, None

    def operand_error(self, fact: FactType, shape: str, operand: Any) -> str | None:
        def scalar_ok(value: Any) -> bool:
            return _value_fits(value, fact.kind, False, fact.choices)

        if shape == "scalar":
            return None if scalar_ok(operand) else fact.describe_kind()
        if shape == "number":
            return None if _value_fits(operand, NUMBER, False, ()) else "a number"
        if shape == "scalars":
            ok = isinstance(operand, list) and operand and all(scalar_ok(v) for v in operand)
            return None if ok else f"a list of values ({fact.describe_kind()})"
        if shape == "item":
            ok = isinstance(operand, str) and (not fact.choices or operand in fact.choices)
            return None if ok else "one of " + ", ".join(fact.choices) if fact.choices else "a word"
        if shape == "items":
            ok = isinstance(operand, list) and operand and all(
                isinstance(v, str) and (not fact.choices or v in fact.choices) for v in operand)
            return None if ok else "a list of " + (", ".join(fact.choices) if fact.choices else "words")
        if shape == "bool":
            return None if isinstance(operand, bool) else "true or false"
        if shape == "count":
            ok = isinstance(operand, int) and not isinstance(operand, bool) and operand >= 0
            return None if ok else "a whole number >= 0"
        return "?"

    # -- conclusions

    def then(self, raw: Any, path: tuple) -> tuple[Conclusion, ...]:
        if not isinstance(raw, dict):
            self.problem("not-a-mapping", path, found=describe(raw))
            return ()
        for key in raw:
            if key not in THEN_KEYS:
                self.problem("unknown-key", path + (key,), key=key, _hint=did_you_mean(key, THEN_KEYS))
        conclusions: list[Conclusion] = []
        for kind in ("set", "add"):
            entries = raw.get(kind)
            if entries is None:
                continue
            if not isinstance(entries, dict) or not entries:
                self.problem("not-a-mapping", path + (kind,), found=describe(entries))
                continue
            for name, value in entries.items():
                conclusion = self.assignment(kind, str(name), value, path + (kind, name))
                if conclusion:
                    conclusions.append(conclusion)
        for kind, section, prefix in (("warn", self.vocabulary.warnings, "warnings"),
                                      ("recommend", self.vocabulary.recommendations, "recommendations")):
            ids = raw.get(kind)
            if ids is None:
                continue
            if isinstance(ids, str):
                ids = [ids]
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                self.problem("wrong-type", path + (kind,), expected="an id or a list of ids", found=describe(ids))
                continue
            for index, item in enumerate(ids):
                if item not in section:
                    self.problem("unknown-id", path + (kind,), kind=prefix[:-1], id=item,
                                 _hint=did_you_mean(item, section))
                    continue
                conclusions.append(Conclusion(kind, f"{prefix}.{item}", True, line=self.line(*path, kind)))
        if not conclusions and not any(p.rule == self.rule_id for p in self.problems.problems):
            self.problem("then-empty", path)
        return tuple(conclusions)

    def assignment(self, kind: str, name: str, value: Any, path: tuple) -> Conclusion | None:
        fact = self.vocabulary.facts.get(name)
        if fact is None:
            self.problem("unknown-fact", path, name=name,
                         _hint=did_you_mean(name, [n for n, f in self.vocabulary.facts.items() if f.derived]))
            return None
        if not fact.derived:
            self.problem("set-sheet-fact", path, name=name)
            return None
        if kind == "add" and not fact.family:
            self.problem("add-not-family", path, name=name)
            return None
        if name.startswith(("warnings.", "recommendations.")):
            self.problem("set-sheet-fact", path, name=name)
            return None
        line = self.line(*path)
        # A constant of the fact's own type, or an identifier among its choices, is a value.
        if not isinstance(value, str) or (fact.kind == TEXT and fact.choices and value in fact.choices):
            if isinstance(value, list):
                value = tuple(value)
            if not _value_fits(value, fact.kind, fact.integer, fact.choices):
                self.problem("bad-value", path, value=value, fact=name, expected=fact.describe_kind())
                return None
            return Conclusion(kind, name, value, line=line)
        if fact.kind == TEXT and fact.choices and re.fullmatch(r"[a-z_]+", value):
            self.problem("bad-value", path, value=value, fact=name, expected=fact.describe_kind(),
                         _hint=did_you_mean(value, fact.choices))
            return None
        try:
            expression = expressions.parse(value)
        except expressions.ExpressionError as error:
            self.problem(error.code, path, **error.params)
            return None
        for used in expression.names:
            if not self.known_name(used):
                self.problem("unknown-name", path, name=used, _hint=did_you_mean(used, self.all_names()))
                return None
        return Conclusion(kind, name, expression=expression, line=line)

    def known_name(self, name: str) -> bool:
        return (name in self.vocabulary.facts or name in self.vocabulary.families or name in self.tables
                or _table_entry(self.tables, name) is not None)

    def all_names(self) -> list[str]:
        names = list(self.vocabulary.facts) + list(self.vocabulary.families) + list(self.tables)
        names += [entry.name for table in self.tables.values() for entry in table.entries.values()]
        return names

    def check_template(self, text: str, path: tuple, lang: str) -> None:
        try:
            tree = _TEMPLATE_PARSER.parse(text)
        except jinja2.TemplateSyntaxError as error:
            self.problem("template-syntax", path + (lang,), reason=f"{error.message} (line {error.lineno})")
            return
        for node in tree.find_all((jinja2.nodes.Filter, jinja2.nodes.Test)):
            known = _TEMPLATE_PARSER.filters if isinstance(node, jinja2.nodes.Filter) else _TEMPLATE_PARSER.tests
            if node.name not in known:
                self.problem("template-syntax", path + (lang,), reason=f"no filter named '{node.name}'",
                             _hint=did_you_mean(node.name, FILTER_NAMES))
                return
        roots = _fact_roots(self.vocabulary) | set(self.vocabulary.families) | set(self.tables)
        roots |= {name for name in self.vocabulary.facts if "." not in name}
        for name in sorted(meta.find_undeclared_variables(tree)):
            if name not in roots and name not in TEMPLATE_HELPERS:
                self.problem("template-name", path + (lang,), name=name, _hint=did_you_mean(name, roots))


_TEMPLATE_PARSER = jinja2.Environment(autoescape=False)
_TEMPLATE_PARSER.filters.update({name: str for name in FILTER_NAMES})


def _table_entry(tables: dict[str, Table], name: str) -> TableEntry | None:
    table, _, key = name.partition(".")
    found = tables.get(table)
    return found.entries.get(key) if found and key else None
