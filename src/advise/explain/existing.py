"""One course of action: what to do now, what to do later, and each profile already open.

The rule base decides; this module only reads its conclusions so that every part of the
report tells the same plan:

* `platforms` is the one list of profiles to animate now. A verdict the vocabulary marks
  `animates: false` (not yet, minimal presence) animates nothing now.
* Advice the vocabulary marks `advice_for: animating` (visuals, sponsored posts, contests,
  polls...) is a thing to do now only when the verdict animates; otherwise it is told
  apart, under "when you are ready", with the profiles of the fact `later`.
* Every profile of `profiles.existing` gets one action (the report contract's `existing`
  key): `animate` (it is in `platforms`), `minimal` (keep the page with its basic
  information, no posts: the article's Apple example) or `close`. The action comes from
  the lists the rules concluded (EXISTING_FACTS); its rule and sentence are those of the
  rule that gives the advice about that list (the first fired rule that reads it and
  raises something), or else the rule that concluded the list.
"""

from __future__ import annotations

from typing import Any, Callable

from ..engine.trace import Trace
from ..records import Record
from ..rulebase.model import RuleBook

# action -> the derived fact listing the open profiles that get it
EXISTING_FACTS = {"animate": "existing_animated", "minimal": "existing_minimal", "close": "existing_closed"}
LATER_FACT = "later"


class ExistingAction(Record):
    """What to do with one profile already open."""

    def __init__(self,
                 platform: str,
                 name: str,  # as the reader sees it
                 action: str,  # animate | minimal | close
                 rule: str,
                 text: str) -> None:
        self.__dict__.update(platform=platform, name=name, action=action, rule=rule, text=text)

    def as_json(self) -> dict[str, Any]:
        return {"platform": self.platform, "action": self.action, "rule": self.rule, "text": self.text}


def existing_actions(rulebook: RuleBook, trace: Trace, because: Callable[[Any], str],
                     platform_name: Callable[[str], str]) -> tuple[ExistingAction, ...]:
    """One action per profile of profiles.existing, in the sheet's order."""
    existing = [str(p) for p in trace.facts.get("profiles.existing", ())]
    if not existing:
        return ()
    platforms = {str(p) for p in trace.facts.get("platforms", ())}
    # each action's profiles, and each list's advising rule, found once for all the profiles
    sorted_into = [(name, {str(p) for p in trace.facts.get(fact, ())}) for name, fact in EXISTING_FACTS.items()]
    advising: dict[str, str | None] = {}
    actions = []
    for platform in existing:
        action = next((name for name, members in sorted_into if platform in members), None)
        fact = EXISTING_FACTS.get(action or "")
        if action is None:  # a rule base that does not sort open profiles: animate or keep minimal
            action = "animate" if platform in platforms else "minimal"
            fact = "platforms"
        if fact and fact not in advising:
            advising[fact] = _advising_rule(rulebook, trace, fact)
        rule_id = advising[fact] if fact else None
        if rule_id is None:
            actions.append(ExistingAction(platform, platform_name(platform), action, "", ""))
            continue
        actions.append(ExistingAction(platform, platform_name(platform), action, rule_id,
                                      because(rulebook.rule(rule_id))))
    return tuple(actions)


def _advising_rule(rulebook: RuleBook, trace: Trace, fact: str) -> str | None:
    """The first fired rule that reads `fact` and raises a warning or recommendation; else the
    rule that concluded it."""
    for firing in trace.firings:
        # fact in firing.premises, without building them
        if (fact in firing.matched or fact in firing.read) and any(
                name.startswith(("warnings.", "recommendations.")) for name in firing.concluded):
            return firing.rule
    derivation = trace.derivations.get(fact)
    if derivation is not None and derivation.steps:
        return trace.firing(derivation.steps[0]).rule
    return None


def later_platforms(trace: Trace) -> tuple[str, ...]:
    return tuple(str(p) for p in trace.facts.get(LATER_FACT, ()))


__all__ = ["ExistingAction", "EXISTING_FACTS", "existing_actions", "later_platforms"]
