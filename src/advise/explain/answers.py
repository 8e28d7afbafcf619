"""The answers to a consultant's questions, as data: why not (a rule's conditions, each
evaluated on the sheet), what if (the advice before and after changes to the sheet), and
counterfactual hints (one change to one answer that changes the advice).

They are computed by advise.explain.whynot, .whatif and .counterfactual, and shown by the
report (advise.explain.model), which is why they live below both.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Sequence

from ..advisor import Result
from ..records import Record
from .steps import raised


class CheckStatus(StrEnum):
    """A condition on this sheet: it holds, it fails, or its fact is a derived one no rule concluded."""

    HELD = "held"
    FAILED = "failed"
    MISSING = "missing"


class RuleStatus(StrEnum):
    """A rule on this sheet (see advise.explain.whynot)."""

    FIRED = "fired"
    OVERRULED = "overruled"
    FAILED = "failed"
    BLOCKED = "blocked"
    HELD = "held"


class Check(Record):
    """One condition, evaluated on this sheet."""

    def __init__(self,
                 fact: str,
                 label: str,
                 op: str,
                 operand: Any,
                 negated: bool,
                 requirement: str,  # what it asks, in words
                 status: CheckStatus,
                 value: Any,
                 shown: str,  # the fact's value in words ("" when missing)
                 origin: str,  # sheet | override | derived | default | missing
                 line: int | None = None,
                 steps: tuple[int, ...] = (),  # the firings that concluded the fact
                 concluders: tuple[str, ...] = ()) -> None:  # when missing: the rules that could have concluded it
        self.__dict__.update(fact=fact, label=label, op=op, operand=operand, negated=negated, requirement=requirement,
                             status=status, value=value, shown=shown, origin=origin, line=line, steps=steps,
                             concluders=concluders)

    @property
    def held(self) -> bool:
        return self.status == CheckStatus.HELD

    def as_json(self) -> dict[str, Any]:
        return {"fact": self.fact, "op": self.op, "operand": _plain(self.operand), "negated": self.negated,
                "held": self.held, "status": self.status, "value": _plain(self.value), "origin": self.origin,
                "line": self.line, "requirement": self.requirement, "actual": self.shown,
                "concluders": list(self.concluders)}


class Checks(Record):
    """Conditions that must all hold (`all`) or of which one must (`any`)."""

    def __init__(self, kind: str, items: tuple["Check | Checks", ...], held: bool) -> None:
        self.__dict__.update(kind=kind, items=items, held=held)

    def leaves(self) -> list[Check]:
        result: list[Check] = []
        for item in self.items:
            result.extend(item.leaves() if isinstance(item, Checks) else [item])
        return result

    def failed(self) -> list[Check]:
        """The conditions that made this group fail (all of them, for an `any`)."""
        if self.held:
            return []
        result: list[Check] = []
        for item in self.items:
            if isinstance(item, Checks):
                result.extend(item.failed())
            elif not item.held:
                result.append(item)
        return result

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "held": self.held,
                "items": [item.as_json() for item in self.items]}


class RuleAnswer(Record):
    def __init__(self,
                 rule: str,
                 title: str,
                 theme: str,
                 priority: int,
                 sources: tuple[str, ...],
                 status: RuleStatus,
                 checks: Checks,
                 concludes: tuple[str, ...],  # what it concludes, in words
                 step: int | None = None,  # its firing, when it fired
                 number: int | None = None,  # that step's number in the report
                 missing: tuple[Check, ...] = (),  # derived facts its computations need and nobody concluded
                 winner: str | None = None,  # when overruled: the rule whose value stands
                 winner_title: str = "",
                 winner_priority: int | None = None,
                 winner_value: str = "") -> None:
        self.__dict__.update(rule=rule, title=title, theme=theme, priority=priority, sources=sources, status=status,
                             checks=checks, concludes=concludes, step=step, number=number, missing=missing,
                             winner=winner, winner_title=winner_title, winner_priority=winner_priority,
                             winner_value=winner_value)

    @property
    def failed(self) -> list[Check]:
        return self.checks.failed()

    @property
    def first_reason(self) -> Check | None:
        failed = self.failed
        if failed:
            return failed[0]
        return self.missing[0] if self.missing else None

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title, "status": self.status, "priority": self.priority,
                "step": self.step, "number": self.number, "source": list(self.sources), "concludes": list(self.concludes),
                "conditions": self.checks.as_json(), "failed": [check.as_json() for check in self.failed],
                "missing": [check.as_json() for check in self.missing], "overruled_by": self.winner}


class WhyNot(Record):
    def __init__(self,
                 target: str,
                 kind: str,  # rule | warning | recommendation | verdict | fact | sheet
                 label: str,  # the target in words
                 concluded: bool,  # is it concluded for this sheet (the warning raised, the verdict this value)?
                 current: str,  # the fact's value for this sheet, in words ("" when not concluded)
                 rules: tuple[RuleAnswer, ...],
                 lang: str) -> None:
        self.__dict__.update(target=target, kind=kind, label=label, concluded=concluded, current=current, rules=rules,
                             lang=lang)

    def as_json(self) -> dict[str, Any]:
        return {"target": self.target, "kind": self.kind, "label": self.label, "concluded": self.concluded,
                "current": self.current, "rules": [answer.as_json() for answer in self.rules]}


class NotApplied(Record):
    """A warning or recommendation that did not apply, with the reason of each rule that could raise it."""

    def __init__(self, id: str, kind: str, title: str, reasons: tuple[RuleAnswer, ...]) -> None:
        self.__dict__.update(id=id, kind=kind, title=title, reasons=reasons)

    def as_json(self) -> dict[str, Any]:
        reasons = []
        for answer in self.reasons:
            reason = answer.first_reason
            reasons.append({"rule": answer.rule, "status": answer.status,
                            "condition": reason.requirement if reason else None,
                            "actual": reason.shown if reason else None,
                            "fact": reason.fact if reason else None})
        return {"id": self.id, "kind": self.kind, "title": self.title, "reasons": reasons}


def _plain(value: Any) -> Any:
    return [_plain(item) for item in value] if isinstance(value, (list, tuple)) else value


class Outcome(Record):
    """What a reader compares between two runs."""

    def __init__(self, verdict: str | None, max_profiles: int | None, platforms: tuple[str, ...],
                 weekly_hours_available: float | None, weekly_hours_needed: float | None, warnings: tuple[str, ...],
                 recommendations: tuple[str, ...]) -> None:
        self.__dict__.update(verdict=verdict, max_profiles=max_profiles, platforms=platforms,
                             weekly_hours_available=weekly_hours_available, weekly_hours_needed=weekly_hours_needed,
                             warnings=warnings, recommendations=recommendations)

    @classmethod
    def of(cls, result: Result) -> "Outcome":
        facts = result.trace.facts
        return cls(
            verdict=facts.get("verdict"),
            max_profiles=facts.get("max_profiles"),
            platforms=tuple(facts.get("platforms", ())),
            weekly_hours_available=facts.get("weekly_hours_available"),
            weekly_hours_needed=facts.get("weekly_hours_needed"),
            warnings=tuple(item for item, _ in raised(result.trace, "warnings.")),
            recommendations=tuple(item for item, _ in raised(result.trace, "recommendations.")),
        )

    def as_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "max_profiles": self.max_profiles, "platforms": list(self.platforms),
                "weekly_hours_available": self.weekly_hours_available,
                "weekly_hours_needed": self.weekly_hours_needed,
                "warnings": list(self.warnings), "recommendations": list(self.recommendations)}


def _added(before: Sequence[str], after: Sequence[str]) -> tuple[str, ...]:
    return tuple(item for item in after if item not in before)


class WhatIf(Record):
    NOT_COMPARED = ("before_result",)

    def __init__(self,
                 assignments: tuple[str, ...],  # as given: "resources.weekly_hours=6"
                 facts: dict[str, tuple[Any, Any]],  # sheet fact -> (before, after), for those that changed
                 before: Outcome,
                 after: Outcome,
                 before_result: Result) -> None:
        self.__dict__.update(assignments=assignments, facts=facts, before=before, after=after,
                             before_result=before_result)

    @property
    def warnings_added(self) -> tuple[str, ...]:
        return _added(self.before.warnings, self.after.warnings)

    @property
    def warnings_removed(self) -> tuple[str, ...]:
        return _added(self.after.warnings, self.before.warnings)

    @property
    def recommendations_added(self) -> tuple[str, ...]:
        return _added(self.before.recommendations, self.after.recommendations)

    @property
    def recommendations_removed(self) -> tuple[str, ...]:
        return _added(self.after.recommendations, self.before.recommendations)

    @property
    def changed(self) -> dict[str, tuple[Any, Any]]:
        """The compared values that differ: name -> (before, after)."""
        result = {}
        for name in ("verdict", "platforms", "max_profiles", "weekly_hours_available", "weekly_hours_needed"):
            before, after = getattr(self.before, name), getattr(self.after, name)
            if before != after:
                result[name] = (before, after)
        return result

    def as_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            return list(value) if isinstance(value, tuple) else value

        return {
            "set": {name: plain(after) for name, (_, after) in self.facts.items()},
            "assignments": list(self.assignments),
            "before": self.before.as_json(),
            "after": self.after.as_json(),
            "changed": {name: {"before": plain(before), "after": plain(after)}
                        for name, (before, after) in self.changed.items()},
            "warnings": {"added": list(self.warnings_added), "removed": list(self.warnings_removed)},
            "recommendations": {"added": list(self.recommendations_added),
                                "removed": list(self.recommendations_removed)},
        }


class Hint(Record):
    def __init__(self,
                 target: str,  # verdict | platforms | warnings.<id>
                 fact: str,  # the one sheet answer changed
                 before: Any,
                 after: Any,
                 verdict: str | None,  # the verdict with that change
                 gained: tuple[str, ...] = (),  # networks the change adds to the recommended profiles
                 outcome: Outcome | None = None) -> None:
        self.__dict__.update(target=target, fact=fact, before=before, after=after, verdict=verdict, gained=gained,
                             outcome=outcome)


class Hints(Record):
    def __init__(self,
                 verdict: tuple[Hint, ...],
                 platforms: tuple[Hint, ...],
                 warnings: dict[str, tuple[Hint, ...]],
                 # how many times the real Advisor ran to verify them (advise.explain.counterfactual)
                 reruns: int) -> None:
        self.__dict__.update(verdict=verdict, platforms=platforms, warnings=warnings, reruns=reruns)


