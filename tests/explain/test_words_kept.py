"""What a report words once and keeps (advise.explain.words, advise.explain.report) reads
exactly as what it words afresh: a value shown from the store, a table entry, a premise
worded once per report and a step's support found for all steps at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from advise.advisor import Advisor
from advise.explain.report import build_report
from advise.explain.steps import platform_keys, step_numbers, supporting_steps
from advise.explain.words import Words
from advise.records import replace
from advise.sheet.facts import load_fact_sheet

from conftest import bench_generate

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


class _Name(str):
    """A str of another type: never a key among names (only str items are)."""

    def __str__(self) -> str:
        return "named " + super().__str__()


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
                ("platforms", []), ("platforms", ("facebook", 1)), ("platforms", [1.0, "x"]),
                ("platforms", (_Name("facebook"),)), ("platforms", (_Name("facebook"), "instagram")),
                ("weekly_hours_needed", 1), ("weekly_hours_needed", 1.0),
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


# A premise is kept for the next reports of the rule book and language (Words.kept_premise),
# keyed by its value and by where the value comes from: what a report shows is what
# Words.premise words afresh, whatever reports came before.

def _assert_premises_worded_afresh(result, report, lang: str, overrides: tuple[str, ...] = ()) -> None:  # type: ignore[no-untyped-def]
    words = Words(result, lang, overrides)
    number_of = step_numbers(result.trace)
    for step in report.steps:
        firing = step.raw
        for premise, (name, value) in zip(step.premises + step.concluded,
                                          list(firing.premises.items()) + list(firing.concluded.items())):
            if not premise.table:
                assert premise == words.premise(name, value, number_of=number_of), (step.rule, name)
            else:  # a whole table kept (Words.kept_table_premise) or a table value; sources cited apart
                keys = platform_keys(result.rulebook, firing.premises) if name in result.rulebook.tables else None
                uncited = replace(premise, entries=tuple(replace(entry, cited_at=None) for entry in premise.entries))
                assert uncited == words.premise(name, value, number_of=number_of, keys=keys), (step.rule, name)


def test_a_kept_premise_names_the_line_of_its_own_sheet(advisor: Advisor, tmp_path: Path) -> None:
    text = EXAMPLES[0].read_text(encoding="utf-8")
    first = advisor.run(load_fact_sheet(EXAMPLES[0]))
    shifted_path = tmp_path / "shifted.yaml"
    shifted_path.write_text("# one line more\n\n" + text, encoding="utf-8")
    shifted = advisor.run(load_fact_sheet(shifted_path))
    for lang in ("en", "fr"):
        lines = {}
        for result, moved in ((first, 0), (shifted, 2), (first, 0)):
            report = build_report(result, lang)
            _assert_premises_worded_afresh(result, report, lang)
            for step in report.steps:
                for premise in step.premises:
                    if premise.kind == "sheet":
                        assert premise.sheet_line == lines.setdefault(premise.name, premise.sheet_line) + moved
                        assert premise.sheet_line == result.sheet.positions[premise.name]


def test_a_kept_premise_says_whether_the_sheet_gives_the_answer_and_whether_set_changed_it(
        advisor: Advisor, tmp_path: Path) -> None:
    from advise.sheet.facts import fact_sheet_from_mapping

    base = {"version": 1, "lang": "en", "business": {"name": "Test", "size": "tpe", "audience": "b2c"},
            "resources": {"weekly_hours": 3, "monthly_budget": 0}, "objectives": ["sales"],
            "profiles": {"planned": ["instagram"]}}
    given = {**base, "resources": {**base["resources"], "graphic_skills": False}}  # the default, said out loud
    for lang in ("en", "fr"):
        kinds = {}
        for data, overrides in ((base, ()), (given, ()), (base, ("resources.weekly_hours",)), (base, ())):
            result = advisor.run(fact_sheet_from_mapping(data))
            report = build_report(result, lang, overrides=overrides)
            _assert_premises_worded_afresh(result, report, lang, overrides)
            for step in report.steps:
                for premise in step.premises:
                    if premise.name in ("resources.graphic_skills", "resources.weekly_hours"):
                        kinds.setdefault((premise.name, premise.kind, premise.stated), premise.value)
        assert ("resources.graphic_skills", "sheet", False) in kinds
        assert ("resources.graphic_skills", "sheet", True) in kinds
        assert ("resources.weekly_hours", "override", True) in kinds
        assert ("resources.weekly_hours", "sheet", True) in kinds


def test_kept_premises_read_as_worded_afresh_over_many_varied_sheets(advisor: Advisor, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Derived facts with one value concluded by other steps, or left to their default; a store
    emptied when full (a small one here) words them again alike."""
    import advise.explain.words as words_module

    write_sheets = bench_generate().write_sheets
    monkeypatch.setattr(words_module._Shared, "PREMISES_LIMIT", 64)
    words_module._SHARED.clear()
    paths = write_sheets(tmp_path, 60, seed=11)
    for path in paths + paths[:10]:
        result = advisor.run(load_fact_sheet(path))
        for lang in ("en", "fr"):
            _assert_premises_worded_afresh(result, build_report(result, lang), lang)
    words_module._SHARED.clear()


def test_the_rows_of_the_time_picture_read_as_worded_afresh(advisor: Advisor) -> None:
    """A row's words (network, hours in the table's unit, source) are kept per rule book and
    language: each reads as worded afresh, in every report."""
    seen = 0
    for path in EXAMPLES + EXAMPLES[:3]:
        result = advisor.run(load_fact_sheet(path))
        for lang in ("en", "fr"):
            report = build_report(result, lang)
            if report.time is None:
                continue
            words = Words(result, lang)
            table = result.rulebook.tables[report.time.table]
            for row in report.time.rows:
                entry = table.entries[row.platform]
                assert (row.name, row.shown, row.source) == (
                    words.member_name(row.platform), words.show_value(entry.value, table.unit), entry.source_in(lang))
                seen += 1
    assert seen


def test_a_whole_table_kept_reads_as_worded_afresh_for_its_own_keys_and_values(advisor: Advisor) -> None:
    """A whole table a step read (the hours per network) is kept per its keys and its values
    as read, each number with its type: other keys, another order, 2 against 2.0, each get
    their own words; values that cannot be a key are worded afresh."""
    result = advisor.run(load_fact_sheet(EXAMPLES[0]))
    name = next(name for name, table in result.rulebook.tables.items() if table.keys == "platform")
    values = result.rulebook.tables[name].values()
    retyped = {key: float(value) if type(value) is int else int(value) if float(value).is_integer() else value
               for key, value in values.items()}
    for lang in ("en", "fr"):
        words = Words(result, lang)
        for value in (values, retyped, dict(values, facebook=[1]), {"facebook": 2}):
            for keys in (["instagram", "facebook"], ["facebook", "instagram"], ["facebook"], [], ["nowhere"]):
                for _ in range(2):
                    kept = words.kept_table_premise(name, value, keys)
                    assert kept == words.premise(name, value, keys=keys), (value, keys)
                    assert [type(number) for number in kept.value.values()] == [
                        type(number) for number in value.values()]  # 2 and 2.0 are equal: their types tell
        assert words.kept_table_premise(name, values, ["x"]).value is not None


def test_values_shown_from_a_full_store_read_as_shown_afresh(advisor: Advisor,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The values shown are kept in two generations of _Shared.LIMIT (a small one here): the
    hours of many sheets come and go, each reads as shown afresh, and the store stays bounded."""
    import advise.explain.words as words_module

    monkeypatch.setattr(words_module._Shared, "LIMIT", 8)
    words_module._SHARED.clear()
    result = advisor.run(load_fact_sheet(EXAMPLES[0]))
    for lang in ("en", "fr"):
        words = Words(result, lang)
        for round_ in range(3):
            for tenth in range(0, 400, 7):
                value = tenth / 10 if tenth % 3 else tenth // 10
                assert words.show("weekly_hours_needed", value) == words._show("weekly_hours_needed", value)
                assert words.show("weekly_hours_needed", 1.5) == words._show("weekly_hours_needed", 1.5)
                shown = words._shared.shown
                assert len(shown.newer) <= 8 and len(shown.older) <= 8
    words_module._SHARED.clear()


def test_a_reports_premises_of_a_firing_are_the_firings_premises() -> None:
    """report._premises gives Firing.premises: the names matched, then the other names read, in
    their order; where a name is both matched and read, the matched value; the matched facts
    themselves when nothing else was read."""
    from advise.engine.trace import Firing
    from advise.explain.report import _premises

    cases = [({"a": 1, "b": 2}, {}), ({"a": 1}, {"c": 3, "b": 2}), ({"a": 1, "b": 2}, {"b": 20, "c": 3, "a": 10}),
             ({}, {"x": [1], "y": None}), ({"z": 0.0, "a": -0.0}, {"a": 0, "m": {"k": 1}})]
    for matched, read in cases:
        firing = Firing(1, "rule", 0, matched, read, {})
        premises = _premises(firing)
        assert list(premises.items()) == list(firing.premises.items())
        assert [type(value) for value in premises.values()] == [type(value) for value in firing.premises.values()]
        assert firing.matched == matched and firing.read == read  # neither changed
        if not read:
            assert premises is matched
