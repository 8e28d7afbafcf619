"""How: the proof tree of a conclusion, down to the owner's own answers.

A fact node says what a fact is worth and where it comes from: the owner's answer (and its
line in the sheet), a reference value (and its source), the rule base's default, or the
rules that concluded it. A rule node says which rule concluded it, why (its `because`
text), on what source, and lists the facts that rule relied on, each a fact node again.
A derived fact explained once is not explained again: later mentions point back to it.
Steps carry the numbers they have in the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..advisor import Result
from .answers import WhyNot
from .because import because_for, fact_context
from .model import TableValue
from .steps import platform_keys, step_numbers
from .targets import resolve
from .whynot import explain_target
from .words import Words


@dataclass(frozen=True)
class RuleNode:
    rule: str
    title: str
    step: int  # firing order
    number: int  # the step's number in the report
    because: str
    sources: tuple[str, ...]
    concluded: str  # what this rule concluded for the fact above it, in words
    premises: tuple["FactNode", ...]
    absent: tuple["FactNode", ...] = ()  # facts its `not` conditions required to be absent

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title, "step": self.step, "number": self.number,
                "because": self.because, "source": list(self.sources), "concluded": self.concluded,
                "premises": [node.as_json() for node in self.premises],
                "absent": [node.fact for node in self.absent]}


@dataclass(frozen=True)
class Overruled:
    rule: str
    title: str
    value: str  # the value it concluded, which lost


@dataclass(frozen=True)
class FactNode:
    fact: str
    label: str
    value: Any
    shown: str
    origin: str  # sheet | override | derived | default | family | table | absent | missing
    line: int | None = None
    rules: tuple[RuleNode, ...] = ()  # the rules that concluded its value
    members: tuple["FactNode", ...] = ()  # for a family: the members some rule concluded
    entries: tuple[TableValue, ...] = ()  # for a table: its values used, with their sources
    overruled: tuple[Overruled, ...] = ()
    repeated: bool = False  # explained earlier in the tree
    sources_above: bool = False  # some of its table values' sources were given earlier in the tree

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"fact": self.fact, "label": self.label, "value": _plain(self.value),
                                "shown": self.shown, "origin": self.origin}
        if self.line is not None:
            data["line"] = self.line
        if self.repeated:
            data["repeated"] = True
        if self.rules:
            data["rules"] = [rule.as_json() for rule in self.rules]
        if self.members:
            data["members"] = [member.as_json() for member in self.members]
        if self.entries:
            data["entries"] = [{"key": e.key, "value": e.value, "source": e.source} for e in self.entries]
        if self.overruled:
            data["overruled"] = [{"rule": o.rule, "value": o.value} for o in self.overruled]
        return data


@dataclass(frozen=True)
class Proof:
    target: str
    kind: str
    label: str
    concluded: bool
    root: FactNode | RuleNode | None  # None when not concluded
    why_not: WhyNot | None  # when not concluded: why not
    lang: str

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"target": self.target, "kind": self.kind, "label": self.label,
                                "concluded": self.concluded,
                                "proof": self.root.as_json() if self.root is not None else None}
        if self.why_not is not None:
            data["why_not"] = self.why_not.as_json()
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    return value


class _Builder:
    def __init__(self, result: Result, words: Words):
        self.result = result
        self.words = words
        self.rulebook = result.rulebook
        self.trace = result.trace
        self.number_of = step_numbers(self.trace)
        self.because = because_for(self.rulebook, words.lang)
        self.context = fact_context(self.trace.facts, self.rulebook)
        self.seen: set[str] = set()
        self.cited: set[str] = set()  # table values whose source the tree already gave

    def fact(self, name: str, value: Any, keys: list[str] | None = None) -> FactNode:
        words, vocabulary = self.words, self.rulebook.vocabulary
        premise = words.premise(name, value, number_of=self.number_of, keys=keys)
        if premise.kind in ("sheet", "override"):
            return FactNode(name, premise.label, value, premise.shown, premise.kind, line=premise.sheet_line)
        if premise.kind == "table":
            keys = [name if "." in name else f"{name}.{entry.key}" for entry in premise.entries]
            new = tuple(entry for entry, key in zip(premise.entries, keys) if key not in self.cited)
            self.cited.update(keys)
            return FactNode(name, premise.label, value, premise.shown, "table", entries=new,
                            sources_above=len(new) < len(premise.entries))
        if premise.kind == "default":
            return FactNode(name, premise.label, value, premise.shown, "default")
        if name in self.seen:
            return FactNode(name, premise.label, value, premise.shown, premise.kind, repeated=True)
        self.seen.add(name)
        if name in vocabulary.families:
            members = []
            for member in vocabulary.families[name]:
                derivation = self.trace.derivations.get(member)
                if derivation is not None and derivation.steps:
                    members.append(self.fact(member, self.trace.facts[member]))
            return FactNode(name, premise.label, value, premise.shown, "family", members=tuple(members))
        derivation = self.trace.derivations.get(name)
        rules = tuple(self.rule(step, name) for step in (derivation.steps if derivation else ()))
        overruled = tuple(Overruled(self.trace.firing(step).rule,
                                    self.rulebook.rule(self.trace.firing(step).rule).title[words.lang],
                                    words.show(name, self.trace.firing(step).concluded.get(name)))
                          for step in (derivation.overruled_steps if derivation else ()))
        return FactNode(name, premise.label, value, premise.shown, "derived", rules=rules, overruled=overruled)

    def rule(self, step: int, fact: str | None = None) -> RuleNode:
        firing = self.trace.firing(step)
        rule = self.rulebook.rule(firing.rule)
        keys = platform_keys(self.rulebook, firing.premises)
        premises = tuple(self.fact(name, value, keys) for name, value in firing.premises.items())
        absent = tuple(FactNode(name, self.words.label(name), None, "", "absent") for name in firing.absent)
        if fact is not None and fact in firing.concluded:
            concluded_fact = self.rulebook.facts.get(fact)
            shown = self.words.show(fact, firing.concluded[fact])
            concluded = f"+{shown}" if concluded_fact is not None and concluded_fact.family else shown
        else:
            concluded = "; ".join(f"{self.words.label(name)} = {self.words.show(name, value)}"
                                  for name, value in firing.concluded.items())
        return RuleNode(rule.id, rule.title[self.words.lang], step, self.number_of[step],
                        self.because.render(rule, self.context), rule.sources_in(self.words.lang), concluded, premises, absent)


def how(result: Result, target_id: str, lang: str, *, overrides: tuple[str, ...] = ()) -> Proof:
    """The proof tree of `target_id`: a warning, a recommendation, a derived fact, a rule or the
    verdict (or a verdict value). When it was not concluded, the answer says why not instead."""
    rulebook, trace = result.rulebook, result.trace
    target = resolve(rulebook, target_id, field="--how")
    words = Words(result, lang, overrides)
    builder = _Builder(result, words)
    facts = trace.facts
    root: FactNode | RuleNode | None = None
    if target.kind == "rule":
        firing = trace.fired(target.id)
        if firing is not None:
            root = builder.rule(firing.step)
        label = target.rules[0].title[lang]
    elif target.kind == "verdict":
        if facts.get("verdict") == target.value:
            root = builder.fact("verdict", facts["verdict"])
        label = words.verdict_title(target.value)
    elif target.kind in ("warning", "recommendation"):
        section = rulebook.vocabulary.warnings if target.kind == "warning" else rulebook.vocabulary.recommendations
        label = section[target.id]["title"][lang]
        if facts.get(target.fact) is True:
            root = builder.fact(target.fact, True)
    else:
        name = target.fact or target.id
        label = words.label(name)
        if name in rulebook.vocabulary.families:
            members = rulebook.vocabulary.families[name]
            prefix = name + "."
            root = builder.fact(name, {m[len(prefix):]: facts[m] for m in members if m in facts})
        elif name in facts:
            root = builder.fact(name, facts[name])
    why = None if root is not None else explain_target(result, target, words)
    return Proof(target.id, target.kind, label, root is not None, root, why, lang)
