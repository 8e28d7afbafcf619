"""The record of a run, as data: every firing in order, and how each derived fact got its value.

Explanations and reports are built from this alone; nothing here knows about durable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Firing:
    """One rule that fired: what it matched, what it read, what it concluded."""

    step: int
    rule: str
    stratum: int
    matched: dict[str, Any]  # facts its conditions matched (durable's bindings), in condition order
    read: dict[str, Any]  # facts, families and table values its computations read
    concluded: dict[str, Any]  # fact -> value this rule concluded
    overruled: dict[str, str] = field(default_factory=dict)  # fact -> the rule whose value won
    absent: tuple[str, ...] = ()  # facts its `not` conditions required to be absent

    @property
    def premises(self) -> dict[str, Any]:
        premises = dict(self.matched)
        for name, value in self.read.items():
            premises.setdefault(name, value)
        return premises


@dataclass(frozen=True)
class Derivation:
    """How a derived fact got its final value."""

    fact: str
    value: Any
    steps: tuple[int, ...]  # the firings that concluded this value (agreeing rules, or adders)
    default: bool = False  # no rule concluded it: the vocabulary's default applies
    overruled_steps: tuple[int, ...] = ()  # firings whose other value lost on priority


@dataclass(frozen=True)
class Trace:
    sheet: dict[str, Any]  # the fact sheet's facts
    firings: tuple[Firing, ...]
    facts: dict[str, Any]  # every final fact: sheet and derived
    derivations: dict[str, Derivation]
    strata: int

    def firing(self, step: int) -> Firing:
        return self.firings[step - 1]

    def fired(self, rule_id: str) -> Firing | None:
        for firing in self.firings:
            if firing.rule == rule_id:
                return firing
        return None

    def fired_rules(self) -> tuple[str, ...]:
        return tuple(firing.rule for firing in self.firings)
