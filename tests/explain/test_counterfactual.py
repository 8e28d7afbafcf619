"""Counterfactual hints: the smallest change to one answer of the sheet that changes the advice.
Every hint must hold when the advice is run again with that one change; only answers the
owner can act on are changed; the candidates stay bounded."""

from __future__ import annotations

import pytest

from advise.advisor import Advisor
from advise.explain.answers import Hint
from advise.explain.counterfactual import (ACTIONABLE, MAX_CANDIDATES, MAX_HINTS, bool_candidates, find_hints,
                                           numeric_candidates)
from advise.explain.whatif import what_if
from advise.sheet.facts import SHEET_FIELDS, load_fact_sheet

from conftest import EXAMPLES


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor(None)


def assignment(hint: Hint) -> str:
    value = hint.after
    if isinstance(value, bool):
        return f"{hint.fact}={'true' if value else 'false'}"
    return f"{hint.fact}={int(value) if float(value).is_integer() else value}"


@pytest.mark.parametrize("example", ["fleuriste", "agence-b2b"])
def test_every_hint_holds_when_run_again_with_its_one_change(advisor: Advisor, example: str) -> None:
    sheet = load_fact_sheet(EXAMPLES / f"{example}.yaml")
    result = advisor.run(sheet)
    hints = find_hints(advisor, result)
    every = [*hints.verdict, *hints.platforms, *(hint for found in hints.warnings.values() for hint in found)]
    assert every, "an example sheet gives at least one hint"
    for hint in every:
        assert hint.fact.startswith(ACTIONABLE)
        assert hint.before == sheet.facts[hint.fact] and hint.after != hint.before
        after, changes = what_if(advisor, sheet, [assignment(hint)], before=result)
        assert after.trace.facts.get("verdict") == hint.verdict, hint
        if hint.target == "verdict":
            assert hint.verdict != result.trace.facts.get("verdict")
        elif hint.target.startswith("warnings."):
            assert hint.target.removeprefix("warnings.") in changes.warnings_removed
        else:
            assert set(after.trace.facts["platforms"]) > set(result.trace.facts["platforms"])
            assert set(hint.gained) == set(after.trace.facts["platforms"]) - set(result.trace.facts["platforms"])
    assert len(hints.verdict) <= MAX_HINTS and len(hints.platforms) <= MAX_HINTS
    assert all(len(found) <= MAX_HINTS for found in hints.warnings.values())
    # The hints are asked for the warnings raised, and only those.
    raised = {name.removeprefix("warnings.") for name, value in result.trace.facts.items()
              if name.startswith("warnings.") and value is True}
    assert set(hints.warnings) == raised


def test_a_time_shortfall_is_lifted_by_more_hours_first(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    hints = find_hints(advisor, result).warnings["time_shortfall"]
    assert hints[0].fact == "resources.weekly_hours" and hints[0].after > hints[0].before


def test_candidates_are_bounded_and_come_from_the_sheet(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    numbers = numeric_candidates(result)
    assert numbers and all(SHEET_FIELDS[name].type == "number" for name in numbers)
    assert all(0 < len(values) <= MAX_CANDIDATES for values in numbers.values())
    for name, values in numbers.items():
        assert result.sheet.facts[name] not in values and all(value >= 0 for value in values)
    flags = bool_candidates(result)
    assert flags and all(SHEET_FIELDS[name].type == "bool" and name.startswith(ACTIONABLE) for name in flags)


def test_hints_are_the_same_every_time(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / "agence-b2b.yaml"))
    assert find_hints(advisor, result) == find_hints(advisor, result)
