"""What if: re-run the advice with some answers of the sheet changed, and compare.

`advise FACTS --set resources.weekly_hours=6 --set objectives=[visibility,community]`
validates each change like the sheet itself (advise.sheet.facts.apply_overrides), runs the same
Advisor on the changed sheet, and reports the advice for the changed sheet with what
changed: the verdict, the profiles, how many profiles the time allows, the warnings and
the recommendations, before -> after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ..advisor import Advisor, Result
from ..sheet.facts import FactSheet, apply_overrides
from .report import raised


@dataclass(frozen=True)
class Outcome:
    """What a reader compares between two runs."""

    verdict: str | None
    max_profiles: int | None
    platforms: tuple[str, ...]
    weekly_hours_available: float | None
    weekly_hours_needed: float | None
    warnings: tuple[str, ...]
    recommendations: tuple[str, ...]

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


@dataclass(frozen=True)
class WhatIf:
    assignments: tuple[str, ...]  # as given: "resources.weekly_hours=6"
    facts: dict[str, tuple[Any, Any]]  # sheet fact -> (before, after), for those that changed
    before: Outcome
    after: Outcome
    before_result: Result = field(repr=False, compare=False)

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


def compare(before: Result, after: Result, assignments: Sequence[str] = ()) -> WhatIf:
    facts = {name: (before.sheet.facts.get(name), value) for name, value in after.sheet.facts.items()
             if before.sheet.facts.get(name) != value}
    return WhatIf(tuple(assignments), facts, Outcome.of(before), Outcome.of(after), before)


def what_if(advisor: Advisor, sheet: FactSheet, assignments: Sequence[str],
            before: Result | None = None) -> tuple[Result, WhatIf]:
    """Run `sheet` with the assignments applied; return that result and its comparison with the
    sheet as written. Raises FactSheetError (file `--set`) for an invalid assignment."""
    changed = apply_overrides(sheet, list(assignments))
    before = before if before is not None else advisor.run(sheet)
    after = advisor.run(changed)
    return after, compare(before, after, assignments)
