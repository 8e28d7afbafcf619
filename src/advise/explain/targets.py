"""What `--how ID` and `--why-not ID` may name, and which rules can conclude it.

An ID is, in this order: a rule id (`time-shortfall`), a warning or a recommendation id
(`time_shortfall`, `free_tools`), a verdict value (`launch`), the word `verdict`, or a
derived fact (`max_profiles`, `fit.instagram`, the family `fit`). Anything else is an
input error with a did-you-mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Problem, did_you_mean, register_messages
from ..rulebase.model import Rule, RuleBook

register_messages({
    "unknown-target": {
        "en": "'{id}' is not a rule, a warning, a recommendation, a verdict or a derived fact of this rule base",
        "fr": "« {id} » n'est ni une règle, ni un point d'attention, ni une recommandation, ni un verdict, "
              "ni un fait déduit de cette base de règles",
    },
})


@dataclass(frozen=True)
class Target:
    id: str  # as the user wrote it
    kind: str  # rule | warning | recommendation | verdict | fact | sheet
    fact: str | None  # the fact it concludes (warnings.x, recommendations.x, verdict, a derived fact)
    value: Any  # the value asked about: True for warnings, the verdict value, None for a whole fact
    rules: tuple[Rule, ...]  # the rules that can conclude it


def names(rulebook: RuleBook) -> list[str]:
    vocabulary = rulebook.vocabulary
    return ([rule.id for rule in rulebook.rules] + list(vocabulary.warnings) + list(vocabulary.recommendations)
            + list(vocabulary.verdicts) + ["verdict"] + list(vocabulary.families)
            + [name for name, fact in rulebook.facts.items() if fact.derived and not name.startswith(
                ("warnings.", "recommendations."))] + [name for name, fact in rulebook.facts.items() if not fact.derived])


def item_target(rulebook: RuleBook, kind: str, item_id: str) -> Target:
    """The target of a warning (kind "warning") or a recommendation, without guessing from its id."""
    fact = f"{'warnings' if kind == 'warning' else 'recommendations'}.{item_id}"
    return Target(item_id, kind, fact, True, tuple(rulebook.concluders().get(fact, ())))


def resolve(rulebook: RuleBook, target: str, *, field: str) -> Target:
    """The target an ID names. Raises InputError (field: the option) when it names nothing."""
    vocabulary = rulebook.vocabulary
    target = target.strip()
    concluders = rulebook.concluders()
    for rule in rulebook.rules:
        if rule.id == target:
            return Target(target, "rule", None, None, (rule,))
    if target in vocabulary.warnings:
        return item_target(rulebook, "warning", target)
    if target in vocabulary.recommendations:
        return item_target(rulebook, "recommendation", target)
    if target in vocabulary.verdicts:
        rules = tuple(rule for rule in concluders.get("verdict", ())
                      if any(c.fact == "verdict" and (c.expression is not None or c.value == target)
                             for c in rule.then))
        return Target(target, "verdict", "verdict", target, rules)
    if target in vocabulary.families:
        members = vocabulary.families[target]
        rules = tuple(rule for rule in rulebook.rules if any(name in members for name in rule.concludes()))
        return Target(target, "fact", target, None, rules)
    fact = rulebook.facts.get(target)
    if fact is not None:
        kind = "fact" if fact.derived else "sheet"
        return Target(target, kind, target, None, tuple(concluders.get(target, ())))
    raise InputError(Problem("unknown-target", {"id": target}, field=field,
                             **did_you_mean(target, names(rulebook))))
