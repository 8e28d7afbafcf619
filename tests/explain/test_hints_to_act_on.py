"""Hints a person would act on (issue 11): no change from nothing to something or down to
nothing ("1 EUR more" under a yearly cost, "40 h less, 0 h in all"), verdict hints only up
the ladder, and no warning cleared at the price of a worse verdict."""

from __future__ import annotations

import pytest

from advise.advisor import Advisor
from advise.explain.counterfactual import find_hints
from advise.explain.whatif import Outcome
from advise.sheet.facts import fact_sheet_from_mapping, load_fact_sheet

from conftest import EXAMPLES

LADDER = {"not_yet": 0, "minimal_presence": 0, "launch_gradually": 1, "launch": 2}


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_hints_on_every_example_are_changes_a_business_would_make(advisor: Advisor, name: str) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / name))
    before = Outcome.of(result)
    hints = find_hints(advisor, result)
    every = [*hints.verdict, *hints.platforms, *(h for found in hints.warnings.values() for h in found)]
    for hint in every:
        if not isinstance(hint.before, bool):
            assert hint.after != 0, f"{name}: {hint.fact} down to nothing"
    for hint in hints.verdict:
        assert LADDER[hint.verdict] > LADDER[before.verdict], f"{name}: a verdict hint that goes down"
    for found in hints.warnings.values():
        for hint in found:
            assert LADDER[hint.verdict] >= LADDER[before.verdict], f"{name}: a warning cleared by a worse verdict"


def test_no_one_euro_hint_under_the_cost_of_running_a_page(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / "coach.yaml"))
    hints = find_hints(advisor, result)
    assert "hidden_costs" in Outcome.of(result).warnings
    # a budget hint names an amount the knowledge base prices (an image bank, sponsored posts...)
    priced = {entry.value for entry in result.rulebook.tables["thresholds"].entries.values()
              if entry.unit == "euros_per_month"}
    for hint in hints.warnings.get("hidden_costs", ()):
        if hint.fact == "resources.monthly_budget":
            assert hint.after in priced, hint


def test_no_hint_to_give_no_time_at_all(advisor: Advisor) -> None:
    sheet = fact_sheet_from_mapping({
        "business": {"name": "Shop", "size": "tpe", "audience": "b2c", "ecommerce": True, "visual_products": True},
        "resources": {"weekly_hours": 40, "monthly_budget": 500, "graphic_skills": True},
        "objectives": ["sales"],
        "content": {"editorial_ideas": True, "can_reply_within_a_day": True, "audience_participation": True},
    })
    result = advisor.run(sheet)
    assert "shipping_time" in Outcome.of(result).warnings
    hints = find_hints(advisor, result)
    assert not [h for h in hints.warnings.get("shipping_time", ()) if h.fact == "resources.weekly_hours"]
