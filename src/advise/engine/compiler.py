"""Rule book -> durable_rules ruleset definition (the JSON form), in strata.

Pure: builds data, never imports durable. How the engine's sharp edges shape the output:

* Stratification. A rule that reads a derived fact runs in a later stratum than every
  rule that can conclude that fact, and all the rules that conclude one fact share a
  stratum (so their conclusions are compared at once: agreement, priority or conflict).
  Each rule of stratum k waits for a `stage` fact k, which the inference asserts only
  once stratum k-1 reached its fixpoint. Negations come after that stage pattern, so
  they are decided when every fact they test is final, whatever the assertion order.
* A rule that cannot be stratified is a cycle: refused before anything runs, naming the
  rules.
* Every pattern starts with a positive test on a domain property (`t`), never a loose
  one; facts carry a stable `id`; comparisons are only ever with constants.
* `pri`: lower fires first, unsigned, so declared priorities (0..1000, higher wins)
  become 1000 - priority.
* `dist: 0` on every rule. By default durable binds a fact to at most one alias of a
  rule, and a `$not` ignores the facts the rule's other aliases bound: two tests on one
  fact (`weekly_hours: {gt: 1, lt: 10}`) never fired, and `score > 1 and not score > 5`
  fired for 7. Every alias tests one fact by name, so this adds no other combination.
  durable reads the value as a number, as its own API writes it (JSON `true` reads as 0).
* `any`: durable's own `$any` fires once per non-empty subset of alternatives that hold
  (2^n - 1 firings; 14 alternatives crashed the process). Each combination of
  alternatives becomes its own durable rule running the same action instead.
* Limits refused at compile time rather than met at run time: a rule joining more than
  16 facts (durable fails when the facts arrive), too many combinations of `any`.
"""

from __future__ import annotations

import enum
import itertools
import math
import zlib
from functools import cached_property, lru_cache
from typing import Any

from ..errors import LANGS, Problem, RuleBookError, RuleRunError, Text, register_messages
from ..kept import TwoGenerations
from ..records import Record
from ..rulebase.model import Condition, FactType, Group, Rule, RuleBook
from ..rulebase.operators import LIST, NUMBER, OPERATORS, TEXT
from .trace import Derivation

register_messages({
    "rule-cycle": {
        "en": "these rules depend on each other in a circle, so none can be decided first: {rules} ({detail})",
        "fr": "ces règles dépendent les unes des autres en cercle, aucune ne peut être décidée la première : {rules} ({detail})",
    },
    "rule-too-many-facts": {
        "en": "the rule tests {count} facts at once; the engine joins at most {limit}: split it in two rules",
        "fr": "la règle teste {count} faits à la fois ; le moteur en joint au plus {limit} : découpez-la en deux règles",
    },
    "rule-too-many-alternatives": {
        "en": "the rule's 'any' conditions make {count} combinations; at most {limit}: split it in several rules",
        "fr": "les conditions « any » de la règle forment {count} combinaisons ; au plus {limit} : découpez-la en plusieurs règles",
    },
    "rule-bad-result": {
        "en": "the rule computed {value} for '{fact}', which expects {expected}",
        "fr": "la règle a calculé {value} pour « {fact} », qui attend {expected}",
    },
    "rule-reads-unconcluded": {
        "en": "the rule reads '{name}', which no rule concludes and which has no default: it can never fire",
        "fr": "la règle lit « {name} », qu'aucune règle ne conclut et qui n'a pas de valeur par défaut : elle ne peut jamais s'appliquer",
    },
})

RULESET = "advise"
# durable: a rule joining 17 facts fails when facts arrive (error 304); the stage fact is one.
MAX_JOIN = 16
# One durable rule per combination of `any` alternatives: beyond this, split the rule.
MAX_VARIANTS = 64
FACT, STAGE = "fact", "stage"
NEVER = "never"  # no fact of this type is ever asserted
CATCH_ALL_PRI = 9999
CATCH_ALL_FACTS, CATCH_ALL_STAGES = "$catch-all-facts", "$catch-all-stages"
# durable hangs past 512 distinct first tests under one parent: fan facts out by bucket.
BUCKETS = 64


@lru_cache(maxsize=4096)  # the same few names, for every fact of every sheet
def bucket(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % BUCKETS


@lru_cache(maxsize=4096)
def _fact_identity(name: str) -> dict[str, Any]:
    """What every fact of this name carries besides its value (copied, never handed out)."""
    return {"id": f"fact:{name}", "t": FACT, "b": bucket(name), "name": name}


def encode_fact(name: str, value: Any) -> dict:
    """How one fact sits in durable's working memory. Lists also carry their size."""
    fact = _fact_identity(name).copy()
    if isinstance(value, (list, tuple)):
        fact["value"] = list(value)
        fact["count"] = len(value)
    else:
        fact["value"] = value
    return fact


def encode_stage(stratum: int) -> dict:
    return {"id": f"stage:{stratum}", "t": STAGE, "stage": stratum}


def fact_key(name: str, value: Any) -> tuple | None:
    """What decides `encode_fact(name, value)` whole, value types included (True == 1 == 1.0,
    but not as JSON): durable's layer keeps the text of a keyed fact (Session.assert_facts).
    None for the values left unkept: zeros written as floats (-0.0 == 0.0), anything else."""
    kind = value.__class__
    if kind is str or kind is bool or kind is int or (kind is float and value):
        return (name, kind, value)
    if (kind is tuple or kind is list) and all(item.__class__ is str for item in value):
        return (name, tuple, tuple(value))  # a list and a tuple are written alike
    return None


# encode_fact's facts by fact_key, shared by every sheet (never changed: durable's layer and
# inference only read them). Two generations of 512: a sheet has some 40 keyed facts, most of
# them seen before; 10,000 generated sheets give some 4,900 distinct ones, which a larger
# store would keep only to grow a worker's memory (4,096 emptied when full: +2 MB over them).
KEPT_FACTS = 512
_kept_facts: TwoGenerations[dict] = TwoGenerations(KEPT_FACTS)


def keyed_fact(name: str, value: Any) -> tuple[dict, tuple | None]:
    """`encode_fact(name, value)` and its `fact_key`; a keyed fact is made once, then shared
    while it is kept."""
    key = fact_key(name, value)
    if key is None:
        return encode_fact(name, value), None
    fact = _kept_facts.newer.get(key)  # most are: one look-up, as in a dict
    return (fact if fact is not None else _kept_facts.get(key, encode_fact, name, value)), key


def stage_key(stratum: int) -> tuple:
    """What decides `encode_stage(stratum)` (a key unlike any of `fact_key`)."""
    return (STAGE, stratum)


class CompiledRule(Record):
    def __init__(self,
                 rule: Rule,
                 stratum: int,
                 # durable alias -> (the first of) the condition(s) on one fact it matches
                 aliases: dict[str, Condition],
                 # the durable rules running it: one per combination of `any` alternatives
                 variants: tuple[str, ...] = ()) -> None:
        self.__dict__.update(rule=rule, stratum=stratum, aliases=aliases, variants=variants)


class Program(Record):
    """What the engine runs: the durable definition plus what is needed to read its firings."""

    def __init__(self,
                 rulebook: RuleBook,
                 definition: dict[str, dict],  # {ruleset name: {rule id: {...}}}
                 rules: dict[str, CompiledRule],  # by rule id, in canonical order
                 strata: tuple[tuple[str, ...], ...],  # rule ids per stratum; strata[0] is the sheet (empty)
                 fact_level: dict[str, int]) -> None:  # derived fact -> the stratum that concludes it
        self.__dict__.update(rulebook=rulebook, definition=definition, rules=rules, strata=strata,
                             fact_level=fact_level)

    @property
    def ruleset(self) -> str:
        return next(iter(self.definition))

    @cached_property
    def defaults_at(self) -> tuple[tuple[tuple[str, Any], ...], ...]:
        """Per stratum, the facts it concludes that have a default, with it (in fact_level's order)."""
        facts = self.rulebook.facts
        return tuple(tuple((name, facts[name].default) for name, level in self.fact_level.items()
                           if level == stratum and facts[name].has_default) for stratum in range(len(self.strata)))

    @cached_property
    def absent(self) -> dict[str, tuple[str, ...]]:
        """Per rule, the facts its negated conditions require absent, once each in order."""
        return {rule_id: tuple(dict.fromkeys(c.fact for c in compiled.rule.conditions if c.negated))
                for rule_id, compiled in self.rules.items()}

    @cached_property
    def initial_defaults(self) -> tuple[tuple[str, Any], ...]:
        """The derived facts no rule concludes that have a default, with it (in the vocabulary's
        order): they hold from the start."""
        return tuple((name, fact.default) for name, fact in self.rulebook.facts.items()
                     if fact.derived and fact.has_default and name not in self.fact_level)

    @cached_property
    def default_derivations(self) -> dict[str, Derivation]:
        """How a fact with a default got it when no rule concluded it, for every such fact (of
        initial_defaults and defaults_at): one record each, shared by every trace (a record
        never changes, nor does a default: a number, a truth value, a text or a tuple)."""
        return {name: Derivation(name, default, (), default=True)
                for name, default in self.initial_defaults + tuple(pair for level in self.defaults_at for pair in level)}

    @cached_property
    def added(self) -> dict[str, tuple[str, ...]]:
        """Per rule, the facts it concludes with `add` (summed), not `set` (compared)."""
        return {rule_id: tuple(c.fact for c in compiled.rule.then if c.kind == "add")
                for rule_id, compiled in self.rules.items()}

    @cached_property
    def matched_order(self) -> dict[str, tuple[str, ...]]:
        """Per rule, the facts its aliases match, once each, in condition order (a firing's `matched`)."""
        return {rule_id: tuple(dict.fromkeys(condition.fact for condition in compiled.aliases.values()))
                for rule_id, compiled in self.rules.items()}

    @cached_property
    def constants(self) -> dict[str, dict[str, Any]]:
        """Per rule whose conclusions are all constants, what every firing of it concludes,
        normalised as a firing normalises it (so a firing only copies it). A constant that
        does not fit its fact is left out: the rule's firing raises the error, with its line."""
        facts = self.rulebook.facts
        result = {}
        for rule_id, compiled in self.rules.items():
            rule = compiled.rule
            if any(conclusion.expression is not None for conclusion in rule.then):
                continue
            try:
                result[rule_id] = {conclusion.fact: normalise(facts[conclusion.fact], conclusion.value, rule.id,
                                                              rule.file, conclusion.line) for conclusion in rule.then}
            except RuleRunError:
                continue
        return result

    @cached_property
    def tested_facts(self) -> frozenset[str] | None:
        """The facts some rule's pattern tests (by name): the only ones durable needs to hold.
        None when a pattern would match a fact whatever its name: then it needs every one."""
        return tested_facts(self.definition)


def normalise(fact: FactType, value: Any, rule_id: str, file: str, line: int | None) -> Any:
    """Check a computed value against its fact's type; numbers rounded so bytes are stable."""
    ok = True
    if fact.kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            ok = False
        elif fact.integer:
            ok = float(value).is_integer()
            value = int(value) if ok else value
        else:
            value = round(float(value), 6) + 0.0
    elif fact.kind == LIST:
        ok = isinstance(value, (list, tuple)) and all(
            isinstance(item, str) and (not fact.choices or item in fact.choices) for item in value)
        value = tuple(value) if ok else value
    elif fact.kind == TEXT:
        ok = isinstance(value, str) and (not fact.choices or value in fact.choices)
    else:
        ok = isinstance(value, bool)
    if not ok:
        # 1.5 for a count: "expects a number" would puzzle the reader, it is one
        expected = Text("a whole number", fr="un nombre entier") if fact.kind == NUMBER and fact.integer \
            else fact.describe_kind()
        raise RuleRunError(Problem("rule-bad-result", {"value": repr(value), "fact": fact.name,
                                                       "expected": expected},
                                   file=file, line=line, rule=rule_id))
    return value



def compile_rulebook(rulebook: RuleBook) -> Program:
    """Raises RuleBookError for rules that could never fire or that form a cycle, all at once."""
    problems = never_fire(rulebook)
    try:
        levels, fact_level = stratify(rulebook)
    except RuleBookError as error:
        raise RuleBookError(problems + error.problems) from None
    if problems:
        raise RuleBookError(problems)
    ordered = sorted(rulebook.rules, key=lambda rule: (levels[rule.id], rule.order))
    rules: dict[str, CompiledRule] = {}
    definition: dict[str, dict] = {}
    for rule in ordered:
        compiled, bodies, refused = _compile_rule(rule, levels[rule.id], computed_from(rulebook, rule))
        problems.extend(refused)
        rules[rule.id] = compiled
        definition.update(bodies)
    if problems:
        raise RuleBookError(problems)
    # Facts that no rule matches would raise MessageNotHandled: catch them, last. A fact
    # reaching a rule's join counts as handled, and these joins wait for a fact that is never
    # asserted: they never fire, which saves a call into Python per fact (2x faster runs).
    never = {"never": {"t": NEVER}}
    definition[CATCH_ALL_FACTS] = {"all": [{"m": {"t": FACT}}, never], "pri": CATCH_ALL_PRI, "run": "$ignore"}
    definition[CATCH_ALL_STAGES] = {"all": [{"m": {"t": STAGE}}, never], "pri": CATCH_ALL_PRI, "run": "$ignore"}
    # durable's tables have fixed sizes, and one of them hangs when full: split crowded
    # nodes, and refuse (naming the rules) what still would not fit (advise.engine.durable_limits:
    # imported here, as a run on a cached rule base compiles nothing: 0.35 ms of every start).
    from . import durable_limits

    durable_limits.fit({RULESET: definition})
    owner = {variant: compiled.rule for compiled in rules.values() for variant in (compiled.variants or ())}
    owner.update({compiled.rule.id: compiled.rule for compiled in rules.values()})
    limits = durable_limits.check({RULESET: definition}, lambda name: (owner[name].file, owner[name].line)
                                  if name in owner else (None, None))
    if limits:
        raise RuleBookError(limits)
    top = max(levels.values())  # never empty: the reader refuses a rule base without rules
    strata = tuple(tuple(rule.id for rule in ordered if levels[rule.id] == k) for k in range(top + 1))
    return Program(rulebook=rulebook, definition={RULESET: definition}, rules=rules, strata=strata,
                   fact_level=fact_level)


def tested_facts(definition: dict[str, dict]) -> frozenset[str] | None:
    """The fact names the patterns of a definition test, the catch-all rules aside (they
    match what no rule tests). None if a pattern on facts does not name its fact."""
    names: set[str] = set()

    def pattern(entry: Any) -> bool:
        tests = entry["$and"] if isinstance(entry, dict) and "$and" in entry else [entry]
        if not any(isinstance(test, dict) and test.get("t") == FACT for test in tests):
            return True  # a stage, or the fact that is never asserted
        found = [test["name"] for test in tests if isinstance(test, dict) and isinstance(test.get("name"), str)]
        names.update(found)
        return bool(found)

    def entries(items: Any) -> bool:
        for item in items:
            for alias, inner in item.items():
                if not (entries(inner) if alias.endswith(("$any", "$all")) else pattern(inner)):
                    return False
        return True

    for rules in definition.values():
        for rule_id, body in rules.items():
            if rule_id in (CATCH_ALL_FACTS, CATCH_ALL_STAGES):
                continue
            if not all(entries(body.get(key, [])) for key in ("all", "any")):
                return None
    return frozenset(names)


def never_fire(rulebook: RuleBook) -> list[Problem]:
    """Rules that require a derived fact no rule concludes and that has no default.

    A condition that must hold (not inside `any`, not negated) or a computation with such a
    fact waits for it forever: the rule is dead, most likely a forgotten rule or default.
    """
    concluded = set(rulebook.concluders())
    problems = []
    for rule in rulebook.rules:
        needed: list[tuple[str, int | None]] = [(item.fact, item.line) for item in rule.when.items
                                                if isinstance(item, Condition) and not item.negated]
        for conclusion in rule.then:
            if conclusion.expression is not None:
                needed.extend((name, conclusion.line) for name in conclusion.expression.names)
        reported = set()
        for name, line in needed:
            fact = rulebook.facts.get(name)
            if (fact is not None and fact.derived and not fact.has_default and name not in concluded
                    and name not in reported):
                reported.add(name)
                problems.append(Problem("rule-reads-unconcluded", {"name": name}, file=rule.file,
                                        line=line if line is not None else rule.line, rule=rule.id))
    return problems


def dependencies(rulebook: RuleBook) -> dict[str, set[str]]:
    """Rule id -> the derived facts it reads (families expanded to their members)."""
    facts = rulebook.facts
    result: dict[str, set[str]] = {}
    for rule in rulebook.rules:
        reads: set[str] = set()
        for name in rule.reads():
            if name in rulebook.vocabulary.families:
                reads.update(rulebook.vocabulary.families[name])
            elif name in facts and facts[name].derived:
                reads.add(name)
        result[rule.id] = reads
    return result


def stratify(rulebook: RuleBook) -> tuple[dict[str, int], dict[str, int]]:
    """Stratum of each rule (>= 1) and of each concluded fact. Raises RuleBookError on a cycle."""
    reads = dependencies(rulebook)
    concluders = rulebook.concluders()
    levels = {rule.id: 1 for rule in rulebook.rules}
    bound = len(rulebook.rules) + 1
    changed = True
    while changed:
        changed = False
        fact_level = {name: max(levels[r.id] for r in rules) for name, rules in concluders.items()}
        for rule in rulebook.rules:
            wanted = max([levels[rule.id]] + [fact_level[name] + 1 for name in reads[rule.id] if name in fact_level]
                         + [fact_level[name] for name in rule.concludes() if name in fact_level])
            if wanted != levels[rule.id]:
                levels[rule.id] = wanted
                changed = True
                if wanted > bound:  # only a circle through a read raises a stratum without end
                    problems = _cycle_problems(rulebook, reads, concluders)
                    assert problems, "a rising stratum with no circle through a read"
                    raise RuleBookError(problems)
    fact_level = {name: max(levels[r.id] for r in rules) for name, rules in concluders.items()}
    return levels, fact_level


class _Why(enum.Enum):
    """Why one rule of a circle depends on another, in every language (the cycle's detail)."""

    READS = {"en": "{rule} reads {fact}, concluded by {other}", "fr": "{rule} lit {fact}, conclu par {other}"}
    SHARED = {"en": "{rule} and {other} both conclude {fact}", "fr": "{rule} et {other} concluent tous deux {fact}"}

    def text(self, rule: str, fact: str, other: str) -> Text:
        worded = {lang: wording.format(rule=rule, fact=fact, other=other) for lang, wording in self.value.items()}
        return Text(**worded)


def _cycle_problems(rulebook: RuleBook, reads: dict[str, set[str]], concluders: dict[str, list[Rule]]) -> list[Problem]:
    """Name the rules of each circle of dependencies (strongly connected components)."""
    edges: dict[str, set[str]] = {rule.id: set() for rule in rulebook.rules}
    # Why each edge exists: a read (the later rule must wait) or a shared conclusion (both in
    # one stratum). One pair of rules may have both: `a` concludes x and y, `b` reads y and
    # concludes x. Only a circle through a read is a cycle; the detail gives both reasons.
    read_why: dict[tuple[str, str], str] = {}
    shared_why: dict[tuple[str, str], str] = {}
    for rule in rulebook.rules:
        for name in reads[rule.id]:
            for source in concluders.get(name, []):  # a derived fact with a default may have none
                edges[source.id].add(rule.id)
                read_why.setdefault((source.id, rule.id), _Why.READS.text(rule.id, name, source.id))
        for name in rule.concludes():
            for other in concluders[name]:
                if other.id != rule.id:
                    edges[rule.id].add(other.id)
                    reason = shared_why.get((other.id, rule.id), _Why.SHARED.text(rule.id, name, other.id))
                    shared_why.setdefault((rule.id, other.id), reason)  # one wording for both directions
    problems = []
    for component in _strongly_connected(edges):
        inside = [(a, b) for a in component for b in edges[a] if b in component]
        if not any(pair in read_why for pair in inside):
            continue  # only co-conclusions: no real circle
        members = sorted((rulebook.rule(rule_id) for rule_id in component), key=lambda rule: rule.order)
        first = members[0]
        reasons = sorted({why[pair] for why in (read_why, shared_why) for pair in inside if pair in why})
        separator = {"en": "; ", "fr": " ; "}
        detail = Text(**{lang: separator.get(lang, "; ").join(reason.get(lang) for reason in reasons) for lang in LANGS})
        where = ", ".join(f"{rule.id} ({rule.file}:{rule.line})" for rule in members)
        problems.append(Problem("rule-cycle", {"rules": where, "detail": detail},
                                file=first.file, line=first.line, rule=first.id))
    return problems


def _strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of one node count only with a self-loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    result.append(sorted(component))
    return result


def fact_pattern(condition: Condition, *more: Condition) -> dict:
    """The durable test for conditions on one fact, all holding (a negation is expressed by
    the alias, not here)."""
    tests: list[dict] = [{"t": FACT}, {"b": bucket(condition.fact)}, {"name": condition.fact}]
    for one in (condition, *more):
        assert one.fact == condition.fact, (one.fact, condition.fact)
        if one.op != "present":
            tests.append(OPERATORS[one.op].pattern(one.operand))
    return {"$and": tests}


def computed_from(rulebook: RuleBook, rule: Rule) -> list[Condition]:
    """A rule computing with a derived fact that has no default waits until it is concluded.

    A fact tested inside `any` may be absent when another alternative matched: it is
    waited for too.
    """
    tested = {item.fact for item in rule.when.items if isinstance(item, Condition) and not item.negated}
    needed = []
    for conclusion in rule.then:
        if conclusion.expression is None:
            continue
        for name in conclusion.expression.names:
            fact = rulebook.facts.get(name)
            if fact is not None and fact.derived and not fact.has_default and name not in tested:
                tested.add(name)
                needed.append(Condition(name, "present", True, line=conclusion.line))
    return needed


def _compile_rule(rule: Rule, stratum: int,
                  computed_from: list[Condition]) -> tuple[CompiledRule, dict[str, dict], list[Problem]]:
    """One durable rule per combination of `any` alternatives, all running the rule's action.

    durable fires an `$any` of n alternatives once per non-empty subset that holds (2^n - 1
    times: 10 alternatives stopped at the firing bound, 14 crashed the process). One
    durable rule per alternative fires once per alternative that holds, and the inference
    merges those firings into one. Conditions on the same fact share one alias, since a
    rule joins at most MAX_JOIN facts. What durable could not run is refused: the problems.
    """
    aliases: dict[str, Condition] = {}

    def entries(conditions: list[Condition]) -> list[dict]:
        by_fact: dict[str, list[Condition]] = {}
        for condition in conditions:
            by_fact.setdefault(condition.fact, []).append(condition)
        result = []
        for same_fact in by_fact.values():
            name = f"c{len(aliases)}"
            aliases[name] = same_fact[0]
            result.append({name: fact_pattern(*same_fact)})
        return result

    top: list[Condition] = []
    groups: list[Group] = []
    for item in rule.when.items:
        if isinstance(item, Group):  # an `any`: the reader refuses an `all` at the top
            groups.append(item)
        else:
            top.append(item)
    positives = entries([condition for condition in top if not condition.negated] + computed_from)
    alternatives = [[entries(list(item.conditions()) if isinstance(item, Group) else [item]) for item in group.items]
                    for group in groups]
    negations = []
    for condition in top:
        if condition.negated:
            [(name, pattern)] = entries([condition])[0].items()
            negations.append({f"{name}$not": pattern})
    stage = {"stage": {"$and": [{"t": STAGE}, {"stage": stratum}]}}
    bodies: dict[str, dict] = {}
    combinations = math.prod(len(alternative) for alternative in alternatives)
    if combinations > MAX_VARIANTS:  # not even built
        return CompiledRule(rule=rule, stratum=stratum, aliases=aliases), bodies, [Problem(
            "rule-too-many-alternatives", {"count": combinations, "limit": MAX_VARIANTS},
            file=rule.file, line=rule.line, rule=rule.id)]
    for index, chosen in enumerate(itertools.product(*alternatives)):
        patterns = positives + [entry for alternative in chosen for entry in alternative] + [stage] + negations
        name = rule.id if index == 0 else f"{rule.id}#{index}"
        bodies[name] = {"all": patterns, "pri": 1000 - rule.priority, "dist": 0, "run": rule.id}
    problems = []
    joined = max(sum(1 for entry in body["all"] if not next(iter(entry)).endswith("$not"))
                 for body in bodies.values())  # never empty: the reader refuses an empty `any`
    if joined > MAX_JOIN:
        problems.append(Problem("rule-too-many-facts", {"count": joined - 1, "limit": MAX_JOIN - 1},
                                file=rule.file, line=rule.line, rule=rule.id))
    return CompiledRule(rule=rule, stratum=stratum, aliases=aliases, variants=tuple(bodies)), bodies, problems
