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
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from .errors import Problem, RuleBookError, register_messages
from .operators import OPERATORS
from .rulebook import Condition, Group, Rule, RuleBook

register_messages({
    "rule-cycle": {
        "en": "these rules depend on each other in a circle, so none can be decided first: {rules} ({detail})",
        "fr": "ces règles dépendent les unes des autres en cercle, aucune ne peut être décidée la première : {rules} ({detail})",
    },
    "rule-reads-unconcluded": {
        "en": "the rule reads '{name}', which no rule concludes and which has no default: it can never fire",
        "fr": "la règle lit « {name} », qu'aucune règle ne conclut et qui n'a pas de valeur par défaut : elle ne peut jamais s'appliquer",
    },
})

RULESET = "advise"
FACT, STAGE = "fact", "stage"
CATCH_ALL_PRI = 9999
# durable hangs past 512 distinct first tests under one parent: fan facts out by bucket.
BUCKETS = 64


def bucket(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % BUCKETS


def encode_fact(name: str, value: Any) -> dict:
    """How one fact sits in durable's working memory. Lists also carry their size."""
    fact: dict[str, Any] = {"id": f"fact:{name}", "t": FACT, "b": bucket(name), "name": name}
    if isinstance(value, (list, tuple)):
        fact["value"] = list(value)
        fact["count"] = len(value)
    else:
        fact["value"] = value
    return fact


def encode_stage(stratum: int) -> dict:
    return {"id": f"stage:{stratum}", "t": STAGE, "stage": stratum}


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    stratum: int
    aliases: dict[str, Condition]  # durable alias -> the condition it matches


@dataclass(frozen=True)
class Program:
    """What the engine runs: the durable definition plus what is needed to read its firings."""

    rulebook: RuleBook
    definition: dict[str, dict]  # {ruleset name: {rule id: {...}}}
    rules: dict[str, CompiledRule]  # by rule id, in canonical order
    strata: tuple[tuple[str, ...], ...]  # rule ids per stratum; strata[0] is the sheet (empty)
    fact_level: dict[str, int]  # derived fact -> the stratum that concludes it

    @property
    def ruleset(self) -> str:
        return next(iter(self.definition))


def compile_rulebook(rulebook: RuleBook) -> Program:
    levels, fact_level = stratify(rulebook)
    ordered = sorted(rulebook.rules, key=lambda rule: (levels[rule.id], rule.order))
    rules: dict[str, CompiledRule] = {}
    definition: dict[str, dict] = {}
    for rule in ordered:
        compiled, body = _compile_rule(rule, levels[rule.id], _computed_from(rulebook, rule))
        rules[rule.id] = compiled
        definition[rule.id] = body
    # Facts that no rule matches would raise MessageNotHandled: catch them, last.
    definition["$catch-all-facts"] = {"all": [{"m": {"t": FACT}}], "pri": CATCH_ALL_PRI, "run": "$ignore"}
    definition["$catch-all-stages"] = {"all": [{"m": {"t": STAGE}}], "pri": CATCH_ALL_PRI, "run": "$ignore"}
    top = max(levels.values(), default=0)
    strata = tuple(tuple(rule.id for rule in ordered if levels[rule.id] == k) for k in range(top + 1))
    return Program(rulebook=rulebook, definition={RULESET: definition}, rules=rules, strata=strata,
                   fact_level=fact_level)


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
                if wanted > bound:
                    raise RuleBookError(_cycle_problems(rulebook, reads, concluders))
    fact_level = {name: max(levels[r.id] for r in rules) for name, rules in concluders.items()}
    return levels, fact_level


def _cycle_problems(rulebook: RuleBook, reads: dict[str, set[str]], concluders: dict[str, list[Rule]]) -> list[Problem]:
    """Name the rules of each circle of dependencies (strongly connected components)."""
    edges: dict[str, set[str]] = {rule.id: set() for rule in rulebook.rules}
    why: dict[tuple[str, str], str] = {}
    for rule in rulebook.rules:
        for name in reads[rule.id]:
            for source in concluders.get(name, []):
                edges[source.id].add(rule.id)
                why.setdefault((source.id, rule.id), f"{rule.id} reads {name}, concluded by {source.id}")
        for name in rule.concludes():
            for other in concluders.get(name, []):
                if other.id != rule.id:
                    edges[rule.id].add(other.id)
                    why.setdefault((rule.id, other.id), f"{rule.id} and {other.id} both conclude {name}")
    problems = []
    for component in _strongly_connected(edges):
        inside = [(a, b) for a in component for b in edges[a] if b in component]
        if not any(" reads " in why.get(pair, "") for pair in inside):
            continue  # only co-conclusions: no real circle
        first = min((rulebook.rule(rule_id) for rule_id in component), key=lambda rule: rule.order)
        detail = "; ".join(sorted(why[pair] for pair in inside if pair in why))
        problems.append(Problem("rule-cycle", {"rules": ", ".join(sorted(component)), "detail": detail},
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


def fact_pattern(condition: Condition) -> dict:
    """The durable test for one condition (its negation is expressed by the alias, not here)."""
    tests: list[dict] = [{"t": FACT}, {"b": bucket(condition.fact)}, {"name": condition.fact}]
    if condition.op != "present":
        tests.append(OPERATORS[condition.op].pattern(condition.operand))
    return {"$and": tests}


def _computed_from(rulebook: RuleBook, rule: Rule) -> list[Condition]:
    """A rule computing with a derived fact that has no default waits until it is concluded."""
    tested = {condition.fact for condition in rule.conditions if not condition.negated}
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


def _compile_rule(rule: Rule, stratum: int, computed_from: list[Condition]) -> tuple[CompiledRule, dict]:
    aliases: dict[str, Condition] = {}
    positives: list[dict] = []
    groups: list[dict] = []
    negations: list[dict] = []
    counter = 0

    def alias_for(condition: Condition) -> str:
        nonlocal counter
        name = f"c{counter}"
        counter += 1
        aliases[name] = condition
        return name

    def compile_group(group: Group) -> list[dict]:
        alternatives = []
        for item in group.items:
            if isinstance(item, Group):
                nested = [{alias_for(c): fact_pattern(c)} for c in item.conditions()]
                alternatives.append({f"g{len(groups)}_{len(alternatives)}$all": nested})
            else:
                alternatives.append({alias_for(item): fact_pattern(item)})
        return alternatives

    for item in rule.when.items:
        if isinstance(item, Group):
            groups.append({f"g{len(groups)}$any": compile_group(item)})
        elif item.negated:
            negations.append({f"{alias_for(item)}$not": fact_pattern(item)})
        else:
            positives.append({alias_for(item): fact_pattern(item)})
    for condition in computed_from:
        positives.append({alias_for(condition): fact_pattern(condition)})
    stage = {"stage": {"$and": [{"t": STAGE}, {"stage": stratum}]}}
    body = {"all": positives + groups + [stage] + negations, "pri": 1000 - rule.priority, "run": rule.id}
    return CompiledRule(rule=rule, stratum=stratum, aliases=aliases), body
