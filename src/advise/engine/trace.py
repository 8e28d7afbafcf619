"""The record of a run, as data: every firing in order, and how each derived fact got its value.

Explanations and reports are built from this alone; nothing here knows about durable.
"""

from __future__ import annotations

from typing import Any

from ..records import Record


class Firing(Record):
    """One rule that fired: what it matched, what it read, what it concluded."""

    def __init__(self,
                 step: int,
                 rule: str,
                 stratum: int,
                 matched: dict[str, Any],  # facts its conditions matched (durable's bindings), in condition order
                 read: dict[str, Any],  # facts, families and table values its computations read
                 concluded: dict[str, Any],  # fact -> value this rule concluded
                 overruled: dict[str, str] | None = None,  # fact -> the rule whose value won
                 absent: tuple[str, ...] = ()) -> None:  # facts its `not` conditions required to be absent
        self.__dict__.update(step=step, rule=rule, stratum=stratum, matched=matched, read=read, concluded=concluded,
                             overruled=overruled if overruled is not None else {}, absent=absent)

    @property
    def premises(self) -> dict[str, Any]:
        premises = dict(self.matched)
        for name, value in self.read.items():
            premises.setdefault(name, value)
        return premises


class Derivation(Record):
    """How a derived fact got its final value."""

    def __init__(self,
                 fact: str,
                 value: Any,
                 steps: tuple[int, ...],  # the firings that concluded this value (agreeing rules, or adders)
                 default: bool = False,  # no rule concluded it: the vocabulary's default applies
                 overruled_steps: tuple[int, ...] = ()) -> None:  # firings whose other value lost on priority
        self.__dict__.update(fact=fact, value=value, steps=steps, default=default, overruled_steps=overruled_steps)


class Trace(Record):
    def __init__(self,
                 sheet: dict[str, Any],  # the fact sheet's facts
                 firings: tuple[Firing, ...],
                 facts: dict[str, Any],  # every final fact: sheet and derived
                 derivations: dict[str, Derivation],
                 strata: int) -> None:
        self.__dict__.update(sheet=sheet, firings=firings, facts=facts, derivations=derivations, strata=strata)

    def firing(self, step: int) -> Firing:
        return self.firings[step - 1]

    def fired(self, rule_id: str) -> Firing | None:
        for firing in self.firings:
            if firing.rule == rule_id:
                return firing
        return None

    def fired_rules(self) -> tuple[str, ...]:
        return tuple(firing.rule for firing in self.firings)
