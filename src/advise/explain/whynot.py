"""Why not: for each rule that could conclude something, which conditions held and which failed.

The conditions are evaluated in Python on the run's final facts with each operator's own
`evaluate` (advise.rulebase.operators). This explains; it never decides which rules fire (durable
does, in advise.engine.durable). Because the rule base is stratified, every fact a rule tests is
final when the rule is matched, so the final facts are the ones the rule saw.

A rule can be in one of these states:
  fired      it applied (and what it concluded stands);
  overruled  it applied, but a rule of higher priority concluded another value;
  failed     at least one of its conditions does not hold (each is listed with its value);
  blocked    its conditions hold, but it computes with a derived fact no rule concluded;
  held       its conditions hold on the final facts and nothing blocks it, yet it did not
             fire (should not happen; shown rather than hidden).
"""

from __future__ import annotations

from typing import Any

from ..advisor import Result
from ..rulebase.model import Condition, Group, Rule
from ..rulebase.operators import OPERATORS
from .answers import Check, Checks, CheckStatus, NotApplied, RuleAnswer, RuleStatus, WhyNot
from .steps import raised, step_numbers
from .targets import Target, item_target, resolve
from .words import Words


class Evaluator:
    """Evaluates rule conditions on one run's final facts."""

    def __init__(self, result: Result, words: Words):
        self.result = result
        self.words = words
        self.rulebook = result.rulebook
        self.trace = result.trace
        self.concluders = self.rulebook.concluders()
        self.number_of = step_numbers(self.trace)

    def check(self, condition: Condition) -> Check:
        facts = self.trace.facts
        name = condition.fact
        present = name in facts
        if condition.op == "present":
            matches = present
        elif present:
            value = facts[name]
            matches = bool(OPERATORS[condition.op].evaluate(list(value) if isinstance(value, tuple) else value,
                                                            condition.operand))
        else:
            matches = False
        held = matches != condition.negated
        if present:
            premise = self.words.premise(name, facts[name])
            status = CheckStatus.HELD if held else CheckStatus.FAILED
            value, shown, origin = facts[name], premise.shown, premise.kind
            line, steps, concluders = premise.sheet_line, premise.by_steps, ()
        else:
            status = CheckStatus.HELD if held else CheckStatus.MISSING
            value, shown, origin, line, steps = None, "", "missing", None, ()
            concluders = tuple(rule.id for rule in self.concluders.get(name, ()))
        return Check(name, self.words.label(name), condition.op, condition.operand, condition.negated,
                     self.words.requirement(condition), status, value, shown, origin, line, steps, concluders)

    def group(self, group: Group) -> Checks:
        items = tuple(self.group(item) if isinstance(item, Group) else self.check(item) for item in group.items)
        if group.kind == "any":
            held = any(item.held for item in items)
        else:
            held = all(item.held for item in items)
        return Checks(group.kind, items, held)

    def missing_inputs(self, rule: Rule) -> tuple[Check, ...]:
        """Derived facts without default that the rule computes with and no rule concluded."""
        tested = {c.fact for c in rule.conditions if not c.negated}
        missing = []
        for conclusion in rule.then:
            if conclusion.expression is None:
                continue
            for name in conclusion.expression.names:
                fact = self.rulebook.facts.get(name)
                if fact is None or not fact.derived or fact.has_default or name in tested \
                        or name in self.trace.facts:
                    continue
                tested.add(name)
                missing.append(Check(name, self.words.label(name), "present", True, False,
                                     self.words.requirement(Condition(name, "present", True)), CheckStatus.MISSING,
                                     None, "",
                                     "missing", concluders=tuple(r.id for r in self.concluders.get(name, ()))))
        return tuple(missing)

    def concludes(self, rule: Rule) -> tuple[str, ...]:
        words, vocabulary, lang = self.words, self.rulebook.vocabulary, self.words.lang
        shown = []
        for conclusion in rule.then:
            if conclusion.kind in ("warn", "recommend"):
                section, key = conclusion.fact.split(".", 1)
                entries = vocabulary.warnings if section == "warnings" else vocabulary.recommendations
                shown.append(entries[key]["title"][lang])
            elif conclusion.expression is not None:
                shown.append(f"{words.label(conclusion.fact)} = {conclusion.expression.text}")
            else:
                sign = "+" if conclusion.kind == "add" else ""
                shown.append(f"{words.label(conclusion.fact)} = {sign}{words.show(conclusion.fact, conclusion.value)}")
        return tuple(shown)

    def answer(self, rule: Rule, fact: str | None = None) -> RuleAnswer:
        checks = self.group(rule.when)
        missing = self.missing_inputs(rule)
        firing = self.trace.fired(rule.id)
        winner = None
        if firing is not None:
            lost = [name for name in firing.overruled if fact is None or name == fact]
            status = RuleStatus.OVERRULED if lost else RuleStatus.FIRED
            if lost:
                winner = firing.overruled[lost[0]]
        elif not checks.held:
            status = RuleStatus.FAILED
        elif missing:
            status = RuleStatus.BLOCKED
        else:
            status = RuleStatus.HELD
        winner_rule = self.rulebook.rule(winner) if winner else None
        winner_value = ""
        if winner_rule is not None and firing is not None:
            lost_fact = next(name for name in firing.overruled if fact is None or name == fact)
            winner_value = self.words.show(lost_fact, self.trace.facts.get(lost_fact))
        return RuleAnswer(
            rule=rule.id, title=rule.title[self.words.lang], theme=rule.theme, priority=rule.priority,
            sources=rule.sources_in(self.words.lang), status=status, checks=checks, concludes=self.concludes(rule),
            step=firing.step if firing else None, number=self.number_of[firing.step] if firing else None,
            missing=missing, winner=winner,
            winner_title=winner_rule.title[self.words.lang] if winner_rule else "",
            winner_priority=winner_rule.priority if winner_rule else None, winner_value=winner_value)


def why_not(result: Result, target_id: str, lang: str, *, field: str = "--why-not",
            overrides: tuple[str, ...] = ()) -> WhyNot:
    """Why `target_id` (a rule, a warning, a recommendation, a verdict value, a derived fact)
    was or was not concluded for this sheet, rule by rule."""
    target = resolve(result.rulebook, target_id, field=field)
    words = Words(result, lang, overrides)
    return explain_target(result, target, words)


def explain_target(result: Result, target: Target, words: Words) -> WhyNot:
    evaluator = Evaluator(result, words)
    facts = result.trace.facts
    answers = tuple(evaluator.answer(rule, target.fact) for rule in target.rules)
    vocabulary = result.rulebook.vocabulary
    lang = words.lang
    if target.kind == "rule":
        rule = target.rules[0]
        label, concluded, current = rule.title[lang], answers[0].status == RuleStatus.FIRED, ""
    elif target.kind in ("warning", "recommendation"):
        section = vocabulary.warnings if target.kind == "warning" else vocabulary.recommendations
        label = section[target.id]["title"][lang]
        concluded = facts.get(target.fact) is True
        current = ""
    elif target.kind == "verdict":
        label = words.verdict_title(target.value)
        concluded = facts.get("verdict") == target.value
        current = words.show("verdict", facts["verdict"]) if "verdict" in facts else ""
    else:
        label = words.label(target.fact or target.id)
        value = _family_value(result, target.fact) if target.fact in vocabulary.families else facts.get(target.fact)
        concluded = value is not None
        current = words.show(target.fact, value) if value is not None else ""
    return WhyNot(target.id, target.kind, label, concluded, current, answers, lang)


def _family_value(result: Result, family: str) -> dict[str, Any]:
    members = result.rulebook.vocabulary.families[family]
    prefix = family + "."
    return {member[len(prefix):]: result.trace.facts[member] for member in members if member in result.trace.facts}


def not_applied(result: Result, lang: str, *, overrides: tuple[str, ...] = ()) -> list[NotApplied]:
    """Every warning and recommendation of the rule base that this sheet did not raise, with
    the reason each rule that could raise it gives (its first failed condition)."""
    words = Words(result, lang, overrides)
    vocabulary = result.rulebook.vocabulary
    entries = []
    for kind, section, prefix in (("warning", vocabulary.warnings, "warnings."),
                                  ("recommendation", vocabulary.recommendations, "recommendations.")):
        done = {item_id for item_id, _ in raised(result.trace, prefix)}
        for item_id in section:
            if item_id in done:
                continue
            answer = explain_target(result, item_target(result.rulebook, kind, item_id), words)
            entries.append(NotApplied(item_id, kind, answer.label, answer.rules))
    return entries
