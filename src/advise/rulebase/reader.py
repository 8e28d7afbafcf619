"""Reading one rule file: its theme and rules, each checked against the vocabulary, the
tables and the operators, with every problem named by file, line and rule id."""

from __future__ import annotations

import re
from typing import Any

import jinja2
import jinja2.nodes
from jinja2 import meta

from ..errors import LANGS, did_you_mean
from ..sandbox import RULE_TEXT_LIMITS, BoundedEnvironment, SecurityError
from ..sheet.yamlload import Positions, describe
from . import expressions
from .model import (FILTER_NAMES, source_text, RULE_ID, RULE_KEYS, TEMPLATE_HELPERS, THEN_KEYS,
                    Conclusion, ConclusionKind, Condition, FactType, Group, Rule, Table, TableEntry, Vocabulary,
                    fact_roots, value_fits)
from .operators import BOOL, LIST, NUMBER, OPERATORS, TEXT, operator_hint
from .problems import Collector, language_texts, unknown_keys
from .textreads import Reads, tree_reads


class RuleFileReader:
    def __init__(self, file: str, data: Any, positions: Positions, problems: Collector, vocabulary: Vocabulary,
                 tables: dict[str, Table]):
        self.file, self.data, self.positions, self.problems = file, data, positions, problems
        self.vocabulary, self.tables = vocabulary, tables
        self.rule_id: str | None = None
        self.text_reads: dict[str, Reads | None] = {}  # because text -> what it reads (advise.rulebase.textreads)

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
        unknown_keys(self.data, ("theme", "rules"), file=self.file, positions=self.positions, path=(),
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
        title = language_texts(raw.get("title"), where="title", file=self.file, line=self.line(*path, "title"),
                       problems=self.problems, rule=rule_id) if "title" in raw else {}
        when = self.group(raw.get("when", []), path + ("when",), top=True)
        then = self.then(raw.get("then"), path + ("then",)) if "then" in raw else ()
        because = language_texts(raw.get("because"), where="because", file=self.file, line=self.line(*path, "because"),
                         problems=self.problems, rule=rule_id) if "because" in raw else {}
        for lang, text in because.items():
            self.check_template(text, path + ("because",), lang)
        # A source is a text, or a text per language ({en:, fr:}); a rule may give a list of them.
        source = raw.get("source")
        listed = source if isinstance(source, list) else [source]
        texts = [source_text(item) for item in listed]
        source_texts: dict[str, tuple[str, ...]] = {}
        if listed and all(text is not None for text in texts):
            source_texts = {lang: tuple(text[lang] for text in texts if text) for lang in LANGS}
        elif "source" in raw:
            self.problem("source-missing", path + ("source",))
        sources = source_texts.get("en", ())
        priority = raw.get("priority", 0)
        if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 1000:
            self.problem("priority-range", path + ("priority",), value=priority)
            priority = 0
        notes = raw.get("notes", "")
        if len(self.problems.problems) > count_before or rule_id is None or when is None:
            return None
        return Rule(id=rule_id, title=title, when=when, then=then, because=because, source=sources,
                    priority=priority, theme=theme, file=self.file, line=self.line(*path), order=order,
                    notes=str(notes), source_texts=source_texts)

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
        if operator.operand in ("scalars", "items") and isinstance(operand, list) and operand \
                and self.bad_items(fact, operator.operand, op, operand, path):
            return None
        expected = self.operand_error(fact, operator.operand, operand)
        if expected and ref:  # the table's value is wrong for this use: said at the table's line
            entry = table_entry(self.tables, ref)
            assert entry is not None
            self.problems.add("table-value-use", file=entry.file, line=entry.line, field=ref, name=ref,
                              found=describe(operand), expected=expected, rule_id=self.rule_id, op=op,
                              fact=fact.name, where=f"{self.file}:{line}" if line else self.file)
            return None
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
            entry = table_entry(self.tables, operand)
            if entry is not None:
                return entry.value, operand
            if operand in self.vocabulary.facts:
                self.problem("fact-reference", path, name=operand)
                return None, False
            names = [e.name for t in self.tables.values() for e in t.entries.values()]
            self.problem("unknown-name", path, name=operand, _hint=did_you_mean(operand, names))
            return None, False
        return operand, None

    def bad_items(self, fact: FactType, shape: str, op: str, operand: list, path: tuple) -> bool:
        """Each item of a list operand that does not fit the fact, named with its place in the list."""
        bad = False
        for index, value in enumerate(operand):
            if shape == "scalars":
                ok, expected = value_fits(value, fact.kind, False, fact.choices), fact.describe_kind()
            else:
                ok = isinstance(value, str) and (not fact.choices or value in fact.choices)
                expected = "one of " + ", ".join(fact.choices) if fact.choices else "a word"
            if ok:
                continue
            bad = True
            hint = {"_hint": did_you_mean(value, fact.choices)} if fact.choices and isinstance(value, str) else {}
            self.problem("operand-item", path + (index,), op=op, fact=fact.name, index=index + 1,
                         expected=expected, found=describe(value), **hint)
        return bad

    def operand_error(self, fact: FactType, shape: str, operand: Any) -> str | None:
        def scalar_ok(value: Any) -> bool:
            return value_fits(value, fact.kind, False, fact.choices)

        if shape == "scalar":
            return None if scalar_ok(operand) else fact.describe_kind()
        if shape == "number":
            return None if value_fits(operand, NUMBER, False, ()) else "a number"
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
                conclusions.append(Conclusion(ConclusionKind(kind), f"{prefix}.{item}", True, line=self.line(*path, kind)))
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
            if not value_fits(value, fact.kind, fact.integer, fact.choices):
                self.problem("bad-value", path, value=value, fact=name, expected=fact.describe_kind())
                return None
            return Conclusion(ConclusionKind(kind), name, value, line=line)
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
        return Conclusion(ConclusionKind(kind), name, expression=expression, line=line)

    def known_name(self, name: str) -> bool:
        return (name in self.vocabulary.facts or name in self.vocabulary.families or name in self.tables
                or table_entry(self.tables, name) is not None)

    def all_names(self) -> list[str]:
        names = list(self.vocabulary.facts) + list(self.vocabulary.families) + list(self.tables)
        names += [entry.name for table in self.tables.values() for entry in table.entries.values()]
        return names

    def check_template(self, text: str, path: tuple, lang: str) -> None:
        """Problems of a rule's text; what it reads, kept in `text_reads` when it has none."""
        try:
            tree = _TEMPLATE_PARSER.parse(text)
        except jinja2.TemplateSyntaxError as error:
            self.problem("template-syntax", path + (lang,), reason=f"{error.message} (line {error.lineno})")
            return
        reads = tree_reads(tree)  # before the checks below walk the tree
        for node in tree.find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem)):
            name = node.attr if isinstance(node, jinja2.nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(name, str) and name.startswith("_"):
                self.problem("template-unsafe", path + (lang,),
                             reason=f"'{name}': nothing whose name starts with _ can be reached")
                return
        for node in tree.find_all((jinja2.nodes.Filter, jinja2.nodes.Test)):
            known = _TEMPLATE_PARSER.filters if isinstance(node, jinja2.nodes.Filter) else _TEMPLATE_PARSER.tests
            if node.name not in known:
                self.problem("template-syntax", path + (lang,), reason=f"no filter named '{node.name}'",
                             _hint=did_you_mean(node.name, FILTER_NAMES))
                return
        roots = fact_roots(self.vocabulary) | set(self.vocabulary.families) | set(self.tables)
        roots |= {name for name in self.vocabulary.facts if "." not in name}
        try:
            undeclared = meta.find_undeclared_variables(tree)
        except jinja2.TemplateSyntaxError as error:  # what only compiling finds: `extends` in a macro...
            self.problem("template-syntax", path + (lang,), reason=f"{error.message} (line {error.lineno})")
            return
        unknown = [name for name in sorted(undeclared) if name not in roots and name not in TEMPLATE_HELPERS]
        for name in unknown:
            self.problem("template-name", path + (lang,), name=name, _hint=did_you_mean(name, roots))
        if not unknown:
            self.trial_render(text, path, lang)
            self.text_reads[text] = reads

    def trial_render(self, text: str, path: tuple, lang: str) -> None:
        """Render the text once, on sample values, in the bounded sandbox that reports use: a
        text that reaches for what it may not, or that runs away, is refused here, before any
        client sees it. (Whatever the values, the same bounds hold when a report is written.)"""
        try:
            _TEMPLATE_PARSER.render(_TEMPLATE_PARSER.from_string(text),
                                    {**sample_context(self.vocabulary, self.tables), "lang": lang})
        except SecurityError as error:
            self.problem("template-unsafe", path + (lang,), reason=str(error))
        except Exception:  # noqa: BLE001 - sample values may not suit every text: runs decide
            pass


def sample_context(vocabulary: Vocabulary, tables: dict[str, Table]) -> dict[str, Any]:
    """A value of the right kind for every fact, nested by dotted name, and the tables."""
    context: dict[str, Any] = {}
    for name, fact in sorted(vocabulary.facts.items()):
        if fact.kind == NUMBER:
            value: Any = 1
        elif fact.kind == BOOL:
            value = True
        elif fact.kind == LIST:
            value = list(fact.choices[:2]) or ["text"]
        else:
            value = fact.choices[0] if fact.choices else "text"
        node = context
        parts = name.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[parts[-1]] = value
    for table_name, table in tables.items():
        context[table_name] = table.values()
    return context


# Parses, analyses and renders on sample values: sandboxed, since even the analysis folds
# constants (a plain environment computes 'x' * 10**9 while looking). Its filters stand
# for advise's own (advise.explain.wording, above this package) with the same names.
_TEMPLATE_PARSER = BoundedEnvironment(limits=RULE_TEXT_LIMITS, filters={name: str for name in FILTER_NAMES},
                                      undefined=jinja2.StrictUndefined)


def table_entry(tables: dict[str, Table], name: str) -> TableEntry | None:
    table, _, key = name.partition(".")
    found = tables.get(table)
    return found.entries.get(key) if found and key else None
