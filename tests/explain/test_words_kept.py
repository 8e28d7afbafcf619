"""What a report words once and keeps (advise.explain.words, advise.explain.report) reads
exactly as what it words afresh: a value shown from the store, a table entry, a premise
worded once per report and a step's support found for all steps at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from advise.advisor import Advisor
from advise.explain.report import build_report
from advise.explain.steps import step_numbers, supporting_steps
from advise.explain.words import Words
from advise.sheet.facts import load_fact_sheet

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def test_a_value_shown_from_the_store_reads_as_shown_afresh(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES[0]))
    family = next(iter(result.rulebook.vocabulary.families))
    values = [{"facebook": 1, "instagram": 2}, {"facebook": 1.0, "instagram": 2}, {"facebook": True},
              {"facebook": 0, "instagram": -0.0}, {"facebook": 0.0}, {"instagram": 3, "facebook": 3},
              {"facebook": 3, "instagram": 3}, {"facebook": "a"}, {}]
    for lang in ("en", "fr"):
        words = Words(result, lang)
        for name, value in [(family, value) for value in values] + [
                ("platforms", ["facebook", "instagram"]), ("platforms", ("facebook", "instagram")),
                ("platforms", []), ("weekly_hours_needed", 1), ("weekly_hours_needed", 1.0),
                ("weekly_hours_needed", True), ("weekly_hours_needed", -0.0), ("thresholds.hourly_cost", 25)]:
            first, again = words.show(name, value), words.show(name, value)
            assert first == again == words._show(name, value), (name, value)


def test_each_premise_and_support_of_a_report_is_what_words_and_the_trace_say(advisor: Advisor) -> None:
    assert len(EXAMPLES) > 10
    for path in EXAMPLES:
        result = advisor.run(load_fact_sheet(path))
        for lang in ("en", "fr"):
            report = build_report(result, lang)
            words = Words(result, lang)
            number_of = step_numbers(result.trace)
            for step in report.steps:
                firing = step.raw
                for premise, (name, value) in zip(step.premises + step.concluded,
                                                  list(firing.premises.items()) + list(firing.concluded.items())):
                    if premise.table:
                        continue  # a table's entries name where they were first cited (test_report)
                    assert premise == words.premise(name, value, number_of=number_of), (path.name, step.rule, name)
                assert step.support == tuple(sorted(supporting_steps(result.trace, [step.step], result.rulebook)))
            for item in report.warnings + report.recommendations:
                support = supporting_steps(result.trace, item.steps, result.rulebook) - set(item.steps)
                assert item.support == tuple(sorted(support))


def test_equal_tuples_of_other_kinds_are_not_shown_alike(advisor: Advisor) -> None:
    """(1,), (1.0,) and (True,) are equal, and hash alike: each reads as it does afresh,
    whichever was shown first."""
    result = advisor.run(load_fact_sheet(EXAMPLES[0]))
    for lang in ("en", "fr"):
        words = Words(result, lang)
        for value in [(1,), (True,), (1.0,), (0,), (False,), (-0.0,)]:
            assert words.show("weekly_hours_needed", value) == words._show("weekly_hours_needed", value), value
        assert words.show("x", (True,)) != words.show("x", (1,))
