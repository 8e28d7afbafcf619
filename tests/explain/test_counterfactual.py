"""Counterfactual hints: the smallest change to one answer of the sheet that changes the advice.
Every hint must hold when the advice is run again with that one change; only answers the
owner can act on are changed; the candidates stay bounded."""

from __future__ import annotations

from typing import Callable

import pytest

from advise.advisor import Advisor, Result
from advise.explain.answers import Hint, Hints, Outcome
from advise.explain.counterfactual import (ACTIONABLE, MAX_CANDIDATES, MAX_HINTS, bool_candidates, find_hints,
                                           numeric_candidates)
from advise.explain.whatif import what_if
from advise.records import replace
from advise.sheet.facts import SHEET_FIELDS, apply_overrides, load_fact_sheet

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


# Hints by reasoning, then one check: the prediction (advise.engine.prediction) chooses, real runs verify.

def exhaustive(advisor: Advisor, result: Result) -> Hints:
    """Every candidate verified by a real run, as before the prediction (the reference)."""
    def real(result: Result, name: str, value: object) -> Outcome:
        text = ("true" if value else "false") if isinstance(value, bool) else repr(value)
        return Outcome.of(advisor.run(apply_overrides(result.sheet, [f"{name}={text}"])))
    return find_hints(advisor, result, predict=real)


def shown(hints: Hints) -> list[Hint]:
    return [*hints.verdict, *hints.platforms, *(hint for found in hints.warnings.values() for hint in found)]


def without_count(hints: Hints) -> tuple:
    return (hints.verdict, hints.platforms, hints.warnings)


@pytest.mark.parametrize("example", sorted(path.stem for path in EXAMPLES.glob("*.yaml")))
def test_hints_are_those_of_verifying_every_candidate_with_one_run_per_change_shown(advisor: Advisor,
                                                                                   example: str) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / f"{example}.yaml"))
    hints = find_hints(advisor, result)
    assert without_count(hints) == without_count(exhaustive(advisor, result))
    # The prediction was right every time: one real run per distinct change shown, no more.
    assert hints.reruns == len({(hint.fact, hint.after) for hint in shown(hints)})
    assert hints.reruns <= 6


def test_a_report_costs_a_few_runs_where_it_cost_one_per_candidate(advisor: Advisor) -> None:
    runs = []
    candidates = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        result = advisor.run(load_fact_sheet(path))
        runs.append(find_hints(advisor, result).reruns)
        candidates.append(sum(map(len, numeric_candidates(result).values())) + len(bool_candidates(result)))
    assert sum(runs) * 4 <= sum(candidates)  # 2.5 runs a report on average against 13 candidates
    assert max(runs) <= 6


def lying(outcome_of: Callable[[Outcome], Outcome]) -> Callable[[Result, str, object], Outcome]:
    """A predictor that says what `outcome_of(before)` says, whatever the change."""
    def predict(result: Result, name: str, value: object) -> Outcome:
        return outcome_of(Outcome.of(result))
    return predict


@pytest.mark.parametrize("example", ["fleuriste", "agence-b2b", "restaurant-sans-temps", "boulangerie"])
def test_a_wrong_prediction_costs_runs_never_a_wrong_hint(advisor: Advisor, example: str) -> None:
    """A predictor that promises everything (the boldest verdict, no warning, every network):
    each promise is checked by a real run, the false ones are dropped and the next candidate
    tried; what is shown is what verifying every candidate shows."""
    result = advisor.run(load_fact_sheet(EXAMPLES / f"{example}.yaml"))
    boldest = list(result.rulebook.vocabulary.verdicts)[-1]
    every_network = tuple(SHEET_FIELDS["profiles.planned"].choices)
    promise = lying(lambda before: replace(before, verdict=boldest, warnings=(), platforms=every_network))
    hints = find_hints(advisor, result, predict=promise)
    reference = exhaustive(advisor, result)
    assert without_count(hints) == without_count(reference)
    assert hints.reruns > find_hints(advisor, result).reruns
    for hint in shown(hints):
        after, _ = what_if(advisor, result.sheet, [assignment(hint)], before=result)
        assert after.trace.facts.get("verdict") == hint.verdict == hint.outcome.verdict


def test_a_prediction_that_cannot_decide_falls_back_to_a_run_per_candidate(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    hints = find_hints(advisor, result, predict=lambda result, name, value: None)
    candidates = sum(map(len, numeric_candidates(result).values())) + len(bool_candidates(result))
    assert hints.reruns == candidates
    assert without_count(hints) == without_count(find_hints(advisor, result))


def test_a_prediction_that_sees_no_change_shows_no_hint_it_did_not_verify(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    hints = find_hints(advisor, result, predict=lying(lambda before: before))
    assert shown(hints) == [] and hints.reruns == 0


@pytest.mark.parametrize("example", ["fleuriste", "coach", "hotel", "plombier", "saas-b2b", "sans-objectif"])
@pytest.mark.parametrize("hours, budget, skills", [(1, 0, False), (6, 80, True), (15, 600, False)])
def test_on_other_sheets_too_the_hints_are_those_of_verifying_every_candidate(
        advisor: Advisor, example: str, hours: float, budget: float, skills: bool) -> None:
    sheet = apply_overrides(load_fact_sheet(EXAMPLES / f"{example}.yaml"), [
        f"resources.weekly_hours={hours}", f"resources.monthly_budget={budget}",
        f"resources.graphic_skills={'true' if skills else 'false'}"])
    result = advisor.run(sheet)
    hints = find_hints(advisor, result)
    assert without_count(hints) == without_count(exhaustive(advisor, result))
    assert hints.reruns == len({(hint.fact, hint.after) for hint in shown(hints)})
