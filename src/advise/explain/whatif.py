"""What if: re-run the advice with some answers of the sheet changed, and compare.

`advise FACTS --set resources.weekly_hours=6 --set objectives=[visibility,community]`
validates each change like the sheet itself (advise.sheet.facts.apply_overrides), runs the same
Advisor on the changed sheet, and reports the advice for the changed sheet with what
changed: the verdict, the profiles, how many profiles the time allows, the warnings and
the recommendations, before -> after.
"""

from __future__ import annotations

from typing import Sequence

from ..advisor import Advisor, Result
from ..sheet.facts import FactSheet, apply_overrides
from .answers import Outcome, WhatIf


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
