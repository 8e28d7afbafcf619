"""The report as an argument, and the proof trees of `--how`.

These tests read the shipped rule base but check structure, not wording: every step's
premises lead back to the sheet, warnings point to the steps behind them, the order is the
rule base's order of themes, the JSON keeps the contract.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from advise.advisor import Advisor
from advise.cli.main import main
from advise.errors import InputError
from advise.explain.report import build_report
from advise.explain.steps import supporting_steps
from advise.render.json_report import report_json
from advise.sheet.facts import apply_overrides, load_fact_sheet
from advise.explain.proof import FactNode, RuleNode, how

from conftest import EXAMPLES, bench_generate

CONTRACT_KEYS = ["version", "business", "verdict", "max_profiles", "platforms", "weekly_hours_available",
                 "weekly_hours_needed", "existing", "warnings", "recommendations", "trace"]
SHEETS = ["fleuriste.yaml", "agence-b2b.yaml"]


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def results(advisor: Advisor) -> list[Any]:
    return [advisor.run(load_fact_sheet(EXAMPLES / name)) for name in SHEETS]


def test_steps_are_told_by_theme_with_the_numbers_of_the_trace(advisor: Advisor) -> None:
    """One numbering: "step 20" in a report is step 20 of the JSON trace."""
    for result in results(advisor):
        report = build_report(result, "en")
        order = {theme.id: theme.order for theme in result.rulebook.vocabulary.themes.values()}
        told = [step for section in report.themes for step in section.steps]
        assert all(step.number == step.step for step in told)
        for section in report.themes:
            assert [step.number for step in section.steps] == sorted(step.number for step in section.steps)
        trace = report_json(report)["trace"]
        assert [entry["step"] for entry in trace] == list(range(1, len(trace) + 1))
        assert sorted(step.step for step in told) == [entry["step"] for entry in trace]
        if report.verdict_step is not None:
            assert trace[report.verdict_step - 1]["rule"] == report.verdict_rule
        themes = [order[section.id] for section in report.themes]
        assert themes == sorted(themes)
        assert report.themes[-1].id == "verdict"  # the verdict comes last, as in the article


def test_every_premise_says_where_it_comes_from(advisor: Advisor) -> None:
    for result in results(advisor):
        report = build_report(result, "fr")
        number_of = {step.step: step.number for step in report.steps}
        for step in report.steps:
            for premise in step.premises:
                assert premise.kind in ("sheet", "derived", "default", "family", "table"), premise
                if premise.kind == "sheet":
                    assert premise.from_sheet
                    # the example sheets give every field they rely on, so each has its line
                    if premise.name in result.sheet.positions:
                        assert premise.sheet_line == result.sheet.positions[premise.name]
                elif premise.kind in ("derived", "family"):
                    assert premise.by_steps, premise
                    assert premise.numbers == tuple(sorted(number_of[s] for s in premise.by_steps))
                    assert all(s < step.step for s in premise.by_steps), "a premise comes from an earlier firing"
                elif premise.kind == "table":
                    assert premise.entries and all(entry.source for entry in premise.entries)
            assert step.sources, step.rule


def test_a_reference_value_is_cited_once(advisor: Advisor) -> None:
    report = build_report(advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml")), "en")
    told = [step for section in report.themes for step in section.steps]
    first: dict[str, int] = {}
    for step in told:
        for premise in step.premises:
            for entry in premise.entries:
                key = premise.name if "." in premise.name else f"{premise.name}.{entry.key}"
                if key in first:
                    assert entry.cited_at == first[key]
                else:
                    assert entry.cited_at is None
                    first[key] = step.number
    assert first, "the florist's report relies on reference values"


def test_warnings_and_recommendations_link_to_their_steps(advisor: Advisor) -> None:
    for result in results(advisor):
        report = build_report(result, "en")
        by_number = {step.number: step for step in report.steps}
        for item in (*report.warnings, *report.recommendations):
            prefix = "warnings." if item.kind == "warning" else "recommendations."
            for number in item.numbers:
                assert prefix + item.id in by_number[number].raw.concluded
            expected = supporting_steps(result.trace, item.steps, result.rulebook) - set(item.steps)
            assert set(item.support) == {by_number_step(report, s) for s in expected}
        told = [step.number for section in report.themes for step in section.steps]
        positions = [told.index(item.numbers[0]) for item in report.warnings]
        assert positions == sorted(positions), "warnings are told in the order the argument reaches them"


def by_number_step(report: Any, step: int) -> int:
    return next(s.number for s in report.steps if s.step == step)


def test_the_json_report_keeps_the_contract(advisor: Advisor) -> None:
    for result in results(advisor):
        data = report_json(build_report(result, "en"))
        assert list(data)[:len(CONTRACT_KEYS)] == CONTRACT_KEYS
        assert data["version"] == 1
        assert [entry["step"] for entry in data["trace"]] == list(range(1, len(data["trace"]) + 1))
        for entry in data["trace"]:
            assert {"step", "rule", "title", "premises", "concluded", "source"} <= set(entry)
            assert isinstance(entry["source"], str)
        for item in data["warnings"] + data["recommendations"]:
            assert {"id", "rule", "text"} <= set(item)
        assert "hints" not in data and "what_if" not in data and "not_applied" not in data


@pytest.mark.parametrize("sheet", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_one_course_of_action_in_every_example(advisor: Advisor, sheet: str) -> None:
    """The contract's `platforms` and `existing`: nothing animated under not_yet or
    minimal_presence; one action per open profile, `animate` exactly for those in
    `platforms`; never more profiles than the time keeps alive; animating advice waits."""
    result = advisor.run(load_fact_sheet(EXAMPLES / sheet))
    report = build_report(result, "en")
    data = report_json(report)
    if data["verdict"] in ("not_yet", "minimal_presence"):
        assert data["platforms"] == []
        assert data["later"]["platforms"], "a verdict that animates nothing says where to start later"
        vocabulary = result.rulebook.vocabulary
        assert not any(vocabulary.about_animating("warning", item.id) for item in report.now_warnings)
        assert not any(vocabulary.about_animating("recommendation", item.id) for item in report.now_recommendations)
    else:
        assert data["later"] == {"platforms": [], "warnings": [], "recommendations": []}
    assert len(data["platforms"]) <= data["max_profiles"]
    existing = list(result.trace.facts["profiles.existing"])
    assert [entry["platform"] for entry in data["existing"]] == existing
    for entry in data["existing"]:
        assert entry["action"] in ("animate", "minimal", "close")
        assert (entry["action"] == "animate") == (entry["platform"] in data["platforms"])
        assert entry["rule"] and entry["text"]


def test_time_budget_comes_from_the_rule_base_table(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    report = build_report(result, "en")
    time = report.time
    assert time is not None and time.basis == "profiles.planned"
    table = result.rulebook.tables[time.table].values()
    assert [row.platform for row in time.rows] == list(result.trace.facts["profiles.planned"])
    assert [row.hours for row in time.rows] == [table[row.platform] for row in time.rows]
    assert sum(row.hours for row in time.rows) == pytest.approx(time.needed)
    assert {row.platform for row in time.rows if row.kept} == set(result.trace.facts["platforms"])
    # with nothing planned, the hours are those of the proposed profiles
    agency = build_report(advisor.run(load_fact_sheet(EXAMPLES / "agence-b2b.yaml")), "en").time
    if agency is not None and agency.rows:
        assert agency.basis == "profiles_to_animate"


def leaves(node: Any) -> list[FactNode]:
    if isinstance(node, RuleNode):
        return [leaf for premise in (*node.premises, *node.absent) for leaf in leaves(premise)]
    if node.rules or node.members:
        found = [leaf for rule in node.rules for leaf in leaves(rule)]
        return found + [leaf for member in node.members for leaf in leaves(member)]
    return [node]


def test_a_proof_goes_down_to_the_sheet(advisor: Advisor) -> None:
    for result in results(advisor):
        report = build_report(result, "en")
        for item in report.warnings:
            proof = how(result, item.id, "en")
            assert proof.concluded and proof.why_not is None
            assert isinstance(proof.root, FactNode) and proof.root.rules
            assert [rule.rule for rule in proof.root.rules] == list(item.rules)
            for leaf in leaves(proof.root):
                assert leaf.origin in ("sheet", "table", "default", "absent") or leaf.repeated, leaf
            sheet_leaves = [leaf for leaf in leaves(proof.root) if leaf.origin == "sheet"]
            assert all(leaf.line == result.sheet.positions.get(leaf.fact) for leaf in sheet_leaves)


def test_explained_once_then_pointed_to(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    proof = how(result, "verdict", "en")
    seen: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, RuleNode):
            for premise in (*node.premises, *node.absent):
                walk(premise)
            return
        if node.origin in ("derived", "family") and not node.repeated:
            assert node.fact not in seen, node.fact
            seen.append(node.fact)
        for child in (*node.members, *node.rules):
            walk(child)

    walk(proof.root)
    assert "verdict" in seen


def test_how_of_a_rule_a_fact_and_something_not_concluded(advisor: Advisor) -> None:
    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    first = result.trace.firings[0]
    proof = how(result, first.rule, "fr")
    assert isinstance(proof.root, RuleNode) and proof.root.rule == first.rule
    assert how(result, "max_profiles", "en").root.value == result.trace.facts["max_profiles"]
    family = how(result, "fit", "en").root
    assert family.origin == "family" and family.members
    not_raised = next(w for w in result.rulebook.vocabulary.warnings if result.trace.facts.get(f"warnings.{w}") is not True)
    proof = how(result, not_raised, "en")
    assert not proof.concluded and proof.root is None and proof.why_not is not None
    with pytest.raises(InputError):
        how(result, "no-such-thing", "en")


def test_overridden_answers_are_marked_in_a_proof(advisor: Advisor) -> None:
    loaded = load_fact_sheet(EXAMPLES / "fleuriste.yaml")
    changed = apply_overrides(loaded, ["resources.weekly_hours=5"])
    proof = how(advisor.run(changed), "weekly_hours_available", "en", overrides=("resources.weekly_hours",))
    origins = {leaf.fact: leaf.origin for leaf in leaves(proof.root)}
    assert origins["resources.weekly_hours"] == "override"


def test_cli_how_in_text_markdown_html_and_json() -> None:
    runner = CliRunner()
    sheet = str(EXAMPLES / "fleuriste.yaml")
    text = runner.invoke(main, [sheet, "--how", "verdict", "--lang", "en"])
    assert text.exit_code == 0, text.output
    assert text.output.startswith("How: ") and "by rule " in text.output and "you said so" in text.output
    markdown = runner.invoke(main, [sheet, "--how", "verdict", "--format", "markdown"])
    assert markdown.exit_code == 0 and markdown.output.startswith("# ")
    html = runner.invoke(main, [sheet, "--how", "verdict", "--format", "html"])
    assert html.exit_code == 0 and html.output.startswith("<!DOCTYPE html>") and "<script" not in html.output
    data = json.loads(runner.invoke(main, [sheet, "--how", "verdict", "--format", "json"]).output)
    assert data["how"]["concluded"] and data["how"]["proof"]["fact"] == "verdict"
    assert data["how"]["proof"]["rules"][0]["premises"]
    bad = runner.invoke(main, [sheet, "--how", "verdikt"])
    assert bad.exit_code == 2 and "verdict" in bad.output


def test_what_is_kept_per_rule_book_tells_equal_rule_books_apart_and_keeps_none_alive(advisor: Advisor) -> None:
    """The because texts, the words, the steps' index, the report's words of each rule and the
    hints' index are kept per rule book (advise.kept.PerRuleBook): an equal copy of the rule book gets its own, reads the
    same, and once nobody holds it, none of them keeps it alive."""
    import gc
    import weakref

    from advise.advisor import Result
    from advise.explain import because, counterfactual, report, steps, words
    from advise.records import replace

    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    expected = {lang: report_json(build_report(result, lang)) for lang in ("en", "fr")}
    copy = replace(result.rulebook)
    assert copy == result.rulebook and copy is not result.rulebook
    for lang in ("en", "fr"):
        assert report_json(build_report(Result(result.sheet, copy, result.trace), lang)) == expected[lang]
        assert because.because_for(copy, lang) is not because.because_for(result.rulebook, lang)
        assert words._SHARED.get(copy, lang) is not words._SHARED.get(result.rulebook, lang)
        assert report._BOOKS.get(copy, lang) is not report._BOOKS.get(result.rulebook, lang)
    assert steps.rule_index(copy) is not steps.rule_index(result.rulebook)
    assert steps.rule_index(copy) == steps.rule_index(result.rulebook)
    assert counterfactual._index(copy) is not counterfactual._index(result.rulebook)
    stores = (because._BECAUSE, words._SHARED, steps._INDEXES, counterfactual._INDEXES, report._BOOKS)
    assert all(any(ref() is copy for ref, _ in store.entries.values()) for store in stores)
    gone = weakref.ref(copy)
    del copy
    gc.collect()
    assert gone() is None
    assert all(ref() is not None for store in stores for ref, _ in store.entries.values())
    assert because.because_for(result.rulebook, "en") is because.because_for(result.rulebook, "en")


def test_warnings_and_recommendations_are_those_raised_in_the_order_the_argument_reaches_them(
        advisor: Advisor, tmp_path: Any) -> None:
    """build_report finds what was raised in one pass over the derivations: the same items as
    steps.raised, ordered by the place of their first step in the reading order (ties, one
    step raising two, in the trace's order)."""
    from advise.explain.steps import raised, reading_order

    write_sheets = bench_generate().write_sheets
    for path in write_sheets(tmp_path, 60, seed=9) + [EXAMPLES / name for name in SHEETS]:
        result = advisor.run(load_fact_sheet(path))
        position = {firing.step: index for index, firing in enumerate(reading_order(result.rulebook, result.trace))}
        report = build_report(result, "en")
        for items, prefix in ((report.warnings, "warnings."), (report.recommendations, "recommendations.")):
            expected = sorted(raised(result.trace, prefix), key=lambda pair: position[pair[1].steps[0]])
            assert [item.id for item in items] == [item_id for item_id, _ in expected], path


def test_each_profile_already_open_gets_the_action_and_rule_of_the_list_it_is_in(advisor: Advisor,
                                                                                  tmp_path: Any) -> None:
    """existing_actions sorts each open profile into the first list of EXISTING_FACTS that holds
    it (else animate or minimal by `platforms`), with the rule advising on that list: as read
    profile by profile, for every profile of 80 varied sheets and the examples."""
    from advise.explain.existing import EXISTING_FACTS, _advising_rule, existing_actions

    write_sheets = bench_generate().write_sheets
    seen = set()
    for path in write_sheets(tmp_path, 80, seed=23) + sorted(EXAMPLES.glob("*.yaml")):
        result = advisor.run(load_fact_sheet(path))
        trace, rulebook = result.trace, result.rulebook
        actions = existing_actions(rulebook, trace, lambda rule: f"text of {rule.id}", str.upper)
        assert [action.platform for action in actions] == [str(p) for p in trace.facts.get("profiles.existing", ())]
        for action in actions:
            lists = [name for name, fact in EXISTING_FACTS.items()
                     if action.platform in {str(p) for p in trace.facts.get(fact, ())}]
            expected = lists[0] if lists else (
                "animate" if action.platform in {str(p) for p in trace.facts.get("platforms", ())} else "minimal")
            fact = EXISTING_FACTS[lists[0]] if lists else "platforms"
            rule = _advising_rule(rulebook, trace, fact)
            assert (action.action, action.rule, action.text, action.name) == (
                expected, rule or "", f"text of {rule}" if rule else "", action.platform.upper())
            seen.add(action.action)
    assert seen == {"animate", "minimal", "close"}


def test_a_steps_title_theme_and_sources_are_its_rules_in_the_readers_language(advisor: Advisor) -> None:
    """What a step shows of its rule is worded once per rule book and language (report._Book),
    as the rule gives it, in each language, report after report."""
    for path in sorted(EXAMPLES.glob("*.yaml"))[:4] * 2:
        result = advisor.run(load_fact_sheet(path))
        for lang in ("en", "fr"):
            for step in build_report(result, lang).steps:
                rule = result.rulebook.rule(step.rule)
                assert (step.title, step.theme, step.sources) == (rule.title[lang], rule.theme, rule.sources_in(lang))
