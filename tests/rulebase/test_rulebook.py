"""Strict validation of rule files: each problem names its code, file, line and rule.

Most tests change one line of GOOD, a valid rule file whose line numbers are noted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from advise.errors import Problem, RuleBookError
from advise.rulebase.loading import load_rulebook

from conftest import RULES, RuleBase, rule

GOOD = """\
theme: time
rules:
  - id: good-rule
    title: {en: Good, fr: Bon}
    when:
      - resources.weekly_hours: {gt: 0}
    then:
      set:
        score: 1
    because: {en: "You have {{ resources.weekly_hours | hours }}.", fr: "Vous avez {{ resources.weekly_hours | hours }}."}
    source: Test
"""
# Lines of GOOD.
ID, TITLE, CONDITION, THEN, SET_SCORE, BECAUSE, SOURCE = 3, 4, 6, 7, 9, 10, 11


def edit(old: str, new: str, text: str = GOOD) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def problems(rulebase: RuleBase, text: str, name: str = "a.yaml") -> list[Problem]:
    rulebase.write(name, text)
    with pytest.raises(RuleBookError) as caught:
        rulebase.load()
    assert caught.value.exit_code == 2
    return caught.value.problems


def one(rulebase: RuleBase, text: str) -> Problem:
    """The only problem of a file a.yaml holding `text`; checks that it names the file."""
    [problem] = problems(rulebase, text)
    assert problem.file == str(rulebase.root / "a.yaml")
    return problem


def where(problem: Problem) -> tuple[str, int | None, str | None]:
    return problem.code, problem.line, problem.rule


def suggestion(problem: Problem) -> str | None:
    return problem.hint_params.get("suggestion") if problem.hint == "hint-did-you-mean" else None


# --- a valid file -------------------------------------------------------------------------


def test_a_valid_rule_file_loads(rulebase: RuleBase) -> None:
    path = rulebase.write("a.yaml", GOOD)
    book = rulebase.load()
    [rule] = book.rules
    assert (rule.id, rule.file, rule.line, rule.theme, rule.priority, rule.order) == (
        "good-rule", str(path), ID, "time", 0, 0)
    assert rule.title == {"en": "Good", "fr": "Bon"}
    assert [(c.fact, c.op, c.operand, c.negated, c.line) for c in rule.conditions] == [
        ("resources.weekly_hours", "gt", 0, False, CONDITION)]
    assert [(c.kind, c.fact, c.value, c.line) for c in rule.then] == [("set", "score", 1, SET_SCORE)]
    assert rule.source == ("Test",)
    assert "a.yaml" in book.files and "vocabulary.yaml" in book.files


def test_the_real_rule_base_loads() -> None:
    book = load_rulebook(RULES)
    assert book.rules
    assert len({rule.id for rule in book.rules}) == len(book.rules)


def test_a_table_value_in_a_condition_becomes_its_number(rulebase: RuleBase) -> None:
    rulebase.write("a.yaml", edit("{gt: 0}", "{ge: thresholds.hours_per_profile}"))
    [condition] = rulebase.load().rules[0].conditions
    assert condition.operand == rulebase.load().table_value("thresholds.hours_per_profile").value
    assert condition.operand_ref == "thresholds.hours_per_profile"


def test_case_files_are_not_rule_files(rulebase: RuleBase) -> None:
    rulebase.write("a.yaml", GOOD)
    rulebase.write("a.cases.yaml", "not: [a rule file\n")
    assert [rule.id for rule in rulebase.load().rules] == ["good-rule"]


# --- unknown keys, facts, operators -----------------------------------------------------------


def test_an_unknown_top_level_key_suggests_the_right_one(rulebase: RuleBase) -> None:
    problem = one(rulebase, "themes: time\n" + GOOD)
    assert where(problem) == ("unknown-key", 1, None)
    assert problem.params == {"key": "themes"}
    assert suggestion(problem) == "theme"


def test_an_unknown_rule_key_suggests_the_right_one(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("    source: Test\n", "    source: Test\n    priorty: 10\n"))
    assert where(problem) == ("unknown-key", SOURCE + 1, "good-rule")
    assert problem.field == "priorty"
    assert suggestion(problem) == "priority"


def test_an_unknown_key_in_then_suggests_the_right_one(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("      set:\n        score: 1\n", "      set:\n        score: 1\n      warns: time_shortfall\n"))
    assert where(problem) == ("unknown-key", SET_SCORE + 1, "good-rule")
    assert suggestion(problem) == "warn"


@pytest.mark.parametrize(("written", "meant"), [
    ("resources.weekly_hour", "resources.weekly_hours"),
    ("resources.weekly", "resources.weekly_hours"),
    ("busines.local", "business.local"),
])
def test_an_unknown_fact_suggests_the_closest(rulebase: RuleBase, written: str, meant: str) -> None:
    problem = one(rulebase, edit("resources.weekly_hours: {gt: 0}", f"{written}: {{gt: 0}}"))
    assert where(problem) == ("unknown-fact", CONDITION, "good-rule")
    assert problem.params == {"name": written}
    assert suggestion(problem) == meant


@pytest.mark.parametrize(("written", "meant"), [("gte", "ge"), ("lte", "le"), ("'>='", "ge"), ("$gt", "gt"),
                                                ("neq", "ne"), ("gtt", "gt")])
def test_an_unknown_operator_suggests_the_one_meant(rulebase: RuleBase, written: str, meant: str) -> None:
    problem = one(rulebase, edit("{gt: 0}", f"{{{written}: 0}}"))
    assert where(problem) == ("unknown-operator", CONDITION, "good-rule")
    assert problem.params == {"name": written.strip("'")}
    assert suggestion(problem) == meant


def test_an_operator_on_the_wrong_kind_of_fact(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("{gt: 0}", "{contains: facebook}"))
    assert where(problem) == ("operator-kind", CONDITION, "good-rule")
    assert problem.params == {"op": "contains", "fact": "resources.weekly_hours", "kind": "a number",
                              "kinds": "list"}


@pytest.mark.parametrize(("condition", "expected", "found"), [
    ("resources.weekly_hours: {gt: many}", "a number", "text 'many'"),
    ("resources.weekly_hours: {gt: '3'}", "a number", "text '3'"),  # "10" < 9 would compare as text
    ("resources.weekly_hours: {gt: true}", "a number", "true/false value true"),
    ("business.local: {eq: 1}", "true or false", "number 1"),
    ("business.audience: {in: b2c}", "a list of values (one of b2c, b2b, both)", "text 'b2c'"),
    ("profiles.planned: {contains: myspace}", "one of facebook, instagram, x, linkedin, tiktok, youtube, pinterest",
     "text 'myspace'"),
    ("profiles.planned: {size_gt: -1}", "a whole number >= 0", "number -1"),
    ("profiles.planned: {empty: 0}", "true or false", "number 0"),
])
def test_a_wrong_operand_type(rulebase: RuleBase, condition: str, expected: str, found: str) -> None:
    problem = one(rulebase, edit("resources.weekly_hours: {gt: 0}", condition))
    assert where(problem) == ("operand-type", CONDITION, "good-rule")
    assert (problem.params["expected"], problem.params["found"]) == (expected, found)


def test_an_operand_outside_the_facts_choices_suggests_one(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("resources.weekly_hours: {gt: 0}", "business.audience: b2x"))
    assert where(problem) == ("operand-type", CONDITION, "good-rule")
    assert suggestion(problem) == "b2c"


def test_comparing_with_another_fact_is_refused(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("{gt: 0}", "{gt: resources.monthly_budget}"))
    assert where(problem) == ("fact-reference", CONDITION, "good-rule")
    assert problem.params == {"name": "resources.monthly_budget"}
    assert "then: set:" in problem.message("en")


def test_an_unknown_table_value_suggests_the_closest(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("{gt: 0}", "{gt: thresholds.hours_per_profil}"))
    assert where(problem) == ("unknown-name", CONDITION, "good-rule")
    assert problem.params == {"name": "thresholds.hours_per_profil"}
    assert suggestion(problem) == "thresholds.hours_per_profile"


# --- ids, texts, sources, priorities ---------------------------------------------------------------


def test_a_rule_id_used_in_two_files_is_refused(rulebase: RuleBase) -> None:
    first = rulebase.write("a.yaml", GOOD)
    second = rulebase.write("sub/b.yaml", edit("score: 1", "flag: true"))
    [problem] = problems(rulebase, GOOD)
    assert (problem.code, problem.file, problem.line, problem.rule) == (
        "rule-duplicate-id", str(second), ID, "good-rule")
    assert problem.params == {"id": "good-rule", "other": f"{first}:{ID}"}


def test_a_rule_id_used_twice_in_one_file_is_refused(rulebase: RuleBase) -> None:
    second = GOOD.split("rules:\n")[1]
    [problem] = problems(rulebase, GOOD + second)
    assert (problem.code, problem.line, problem.rule) == ("rule-duplicate-id", ID + 9, "good-rule")


@pytest.mark.parametrize("bad", ["Good_Rule", "good rule", "-good", "good--rule", "9good", "good-", "'1'"])
def test_a_bad_rule_id(rulebase: RuleBase, bad: str) -> None:
    problem = one(rulebase, edit("id: good-rule", f"id: {bad}"))
    assert where(problem) == ("rule-bad-id", ID, None)
    assert problem.params == {"id": bad.strip("'")}


def test_a_rule_without_id(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("  - id: good-rule\n    title:", "  - title:"))
    assert where(problem) == ("rule-bad-id", ID, None)


def test_a_title_without_its_french_text(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("{en: Good, fr: Bon}", "{en: Good}"))
    assert where(problem) == ("missing-translation", TITLE, "good-rule")
    assert (problem.field, problem.params["lang"]) == ("title", "fr")


def test_a_because_without_its_english_text(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit('because: {en: "You have {{ resources.weekly_hours | hours }}.", ',
                                 "because: {"))
    assert where(problem) == ("missing-translation", BECAUSE, "good-rule")
    assert (problem.field, problem.params["lang"]) == ("because", "en")


def test_a_text_in_an_unknown_language(rulebase: RuleBase) -> None:
    found = problems(rulebase, edit("{en: Good, fr: Bon}", "{en: Good, de: Gut}"))
    assert sorted((p.code, p.line, p.rule) for p in found) == [
        ("missing-translation", TITLE, "good-rule"), ("unknown-key", TITLE, "good-rule")]


def test_a_rule_without_source(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("    source: Test\n", ""))
    assert where(problem) == ("source-missing", ID, "good-rule")


@pytest.mark.parametrize("source", ["''", "'   '", "[]", "[Test, '']", "42"])
def test_an_empty_source(rulebase: RuleBase, source: str) -> None:
    problem = one(rulebase, edit("source: Test", f"source: {source}"))
    assert where(problem) == ("source-missing", SOURCE, "good-rule")


@pytest.mark.parametrize("source", ["{en: Test}", "{en: Test, fr: ''}", "[Test, {fr: Essai}]", "{en: Test, fr: 3}"])
def test_a_source_per_language_needs_both_texts(rulebase: RuleBase, source: str) -> None:
    problem = one(rulebase, edit("source: Test", f"source: {source}"))
    assert where(problem) == ("source-missing", SOURCE, "good-rule")


def test_a_source_in_each_language(rulebase: RuleBase) -> None:
    rulebase.write("a.yaml", edit("    source: Test\n", "    source:\n      - {en: On time, fr: Sur le temps}\n"
                                  "      - Bpifrance, 2018\n"))
    rule = rulebase.load().rule("good-rule")
    assert rule.sources_in("fr") == ("Sur le temps", "Bpifrance, 2018")
    assert rule.sources_in("en") == rule.source == ("On time", "Bpifrance, 2018")


def test_every_shipped_source_has_its_french_framing() -> None:
    """The words that frame a source in English never reach a French reader (the article's
    quotes, in « », are French already)."""
    english = re.compile(r"\b(section on|on objectives|n\.d\.|the|of|and|a year|a day|a week|estimate)\b")
    rulebook = load_rulebook(RULES)
    texts = [(rule.id, text) for rule in rulebook.rules for text in rule.sources_in("fr")]
    texts += [(entry.name, entry.source_in("fr")) for table in rulebook.tables.values()
              for entry in table.entries.values()]
    for name, text in texts:
        outside = re.sub(r"«[^»]*»", "", text)
        assert not english.search(outside), (name, text)


@pytest.mark.parametrize("priority", ["1001", "-1", "high", "true", "2.5", "null"])
def test_a_bad_priority(rulebase: RuleBase, priority: str) -> None:
    problem = one(rulebase, edit("    source: Test\n", f"    source: Test\n    priority: {priority}\n"))
    assert where(problem) == ("priority-range", SOURCE + 1, "good-rule")


@pytest.mark.parametrize("priority", [0, 1000])
def test_priorities_at_the_bounds_are_accepted(rulebase: RuleBase, priority: int) -> None:
    rulebase.write("a.yaml", edit("    source: Test\n", f"    source: Test\n    priority: {priority}\n"))
    assert rulebase.load().rules[0].priority == priority


def test_a_missing_title(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("    title: {en: Good, fr: Bon}\n", ""))
    assert where(problem) == ("missing-field", ID, "good-rule")
    assert problem.field == "title"


# --- conclusions --------------------------------------------------------------------------------


def test_an_unknown_warning_suggests_the_closest(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("      set:\n        score: 1\n", "      warn: time_shortfal\n"))
    assert where(problem) == ("unknown-id", THEN + 1, "good-rule")
    assert problem.params == {"kind": "warning", "id": "time_shortfal"}
    assert suggestion(problem) == "time_shortfall"


def test_an_unknown_recommendation_in_a_list(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("      set:\n        score: 1\n", "      recommend: [start_with_one, start_with_two]\n"))
    assert where(problem) == ("unknown-id", THEN + 1, "good-rule")
    assert problem.params == {"kind": "recommendation", "id": "start_with_two"}


def test_setting_a_sheet_fact_is_refused(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("score: 1", "resources.weekly_hours: 1"))
    assert where(problem) == ("set-sheet-fact", SET_SCORE, "good-rule")
    assert problem.params == {"name": "resources.weekly_hours"}


def test_setting_a_warning_directly_is_refused(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("score: 1", "warnings.time_shortfall: true"))
    assert where(problem) == ("set-sheet-fact", SET_SCORE, "good-rule")


def test_setting_an_unknown_fact_suggests_a_derived_one(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("score: 1", "scor: 1"))
    assert where(problem) == ("unknown-fact", SET_SCORE, "good-rule")
    assert suggestion(problem) == "score"


@pytest.mark.parametrize(("assignment", "value"), [("score: true", True), ("flag: 1", 1), ("level: 3", 3),
                                                   ("total_points: 1.5", 1.5), ("shortlist: [facebook, myspace]",
                                                                                ("facebook", "myspace"))])
def test_a_constant_of_the_wrong_type(rulebase: RuleBase, assignment: str, value: object) -> None:
    problem = one(rulebase, edit("score: 1", assignment))
    assert where(problem) == ("bad-value", SET_SCORE, "good-rule")
    assert problem.params["value"] == value


def test_a_choice_misspelt_suggests_the_closest(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("score: 1", "level: hihg"))
    assert where(problem) == ("bad-value", SET_SCORE, "good-rule")
    assert suggestion(problem) == "high"


def test_add_to_a_fact_outside_a_family(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("      set:\n        score: 1\n", "      add:\n        score: 1\n"))
    assert where(problem) == ("add-not-family", SET_SCORE, "good-rule")


def test_set_and_add_on_one_fact_is_refused(rulebase: RuleBase) -> None:
    rulebase.write("b.yaml", edit("good-rule", "adds", edit("      set:\n        score: 1\n",
                                                             "      add:\n        fit.x: 1\n")))
    [problem] = problems(rulebase, edit("score: 1", "fit.x: 2"))
    assert (problem.code, problem.rule) == ("set-and-add", "adds")
    assert problem.params["name"] == "fit.x"


def test_a_rule_concluding_nothing(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("      set:\n        score: 1\n", "      {}\n"))
    assert where(problem) == ("then-empty", THEN, "good-rule")


# --- because texts ---------------------------------------------------------------------------------


def test_a_template_syntax_error_in_because(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit('"You have {{ resources.weekly_hours | hours }}."', '"You have {{ score "'))
    assert where(problem) == ("template-syntax", BECAUSE, "good-rule")
    assert problem.field == "because.en"


def test_an_unknown_name_in_because_suggests_the_closest(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit('"Vous avez {{ resources.weekly_hours | hours }}."', '"Vous avez {{ scor }}."'))
    assert where(problem) == ("template-name", BECAUSE, "good-rule")
    assert (problem.field, problem.params) == ("because.fr", {"name": "scor"})
    assert suggestion(problem) == "score"


def test_an_unknown_filter_in_because_suggests_the_closest(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("{{ resources.weekly_hours | hours }}.\", fr",
                                 "{{ resources.weekly_hours | hour }}.\", fr"))
    assert where(problem) == ("template-syntax", BECAUSE, "good-rule")
    assert suggestion(problem) == "hours"


# --- expressions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("expression", "code", "params"), [
    ("flor(resources.weekly_hours)", "expr-unknown-function", {"name": "flor"}),
    ("resources.weekly_hours ** 2", "expr-forbidden", {"what": "** (power)"}),
    ("resources.weekly_hours % 2", "expr-forbidden", {"what": "% (remainder)"}),
    ("resources.weekly_hours +", "expr-syntax", {}),
    ("floor(1, 2)", "expr-arity", {"name": "floor", "found": 2}),
    ("resources.weekly_hour + 1", "unknown-name", {"name": "resources.weekly_hour"}),
    ("'1' + " * 60 + "1", "expr-too-deep", {"limit": 50}),
])
def test_a_bad_expression(rulebase: RuleBase, expression: str, code: str, params: dict) -> None:
    problem = one(rulebase, edit("score: 1", f'score: "{expression}"'))
    assert where(problem) == (code, SET_SCORE, "good-rule")
    assert problem.field == "then.set.score"
    assert problem.params.items() >= params.items()
    assert problem.message("fr") != problem.message("en")


# --- conditions' shapes -------------------------------------------------------------------------------


def test_any_inside_any_is_refused(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("      - resources.weekly_hours: {gt: 0}\n",
                                 "      - any:\n          - any: [{business.local: true}]\n"))
    assert where(problem) == ("nesting", CONDITION + 1, "good-rule")


def test_not_of_a_group_is_refused(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("      - resources.weekly_hours: {gt: 0}\n",
                                 "      - not: {any: [{business.local: true}]}\n"))
    assert where(problem) == ("not-shape", CONDITION, "good-rule")


def test_a_condition_of_two_facts_in_one_item_is_refused(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("      - resources.weekly_hours: {gt: 0}\n",
                                 "      - {resources.weekly_hours: {gt: 0}, business.local: true}\n"))
    assert where(problem) == ("condition-shape", CONDITION, "good-rule")


# --- the whole load -------------------------------------------------------------------------------


def test_a_broken_yaml_file_among_good_ones_stops_the_whole_load(rulebase: RuleBase) -> None:
    rulebase.write("a.yaml", GOOD)
    rulebase.write("c.yaml", edit("good-rule", "third"))
    broken = rulebase.write("b.yaml", edit("{en: Good, fr: Bon}", "{en: Good, fr: Bon", edit("good-rule", "other")))
    with pytest.raises(RuleBookError) as caught:
        rulebase.load()
    [problem] = caught.value.problems
    assert (problem.code, problem.file, problem.line) == ("yaml-syntax", str(broken), TITLE + 1)


def test_every_problem_of_several_files_is_reported_at_once(rulebase: RuleBase) -> None:
    a = rulebase.write("a.yaml", edit("{gt: 0}", "{gte: 0}"))
    b = rulebase.write("b.yaml", edit("score: 1", "scor: 1", edit("good-rule", "other")))
    c = rulebase.write("c.yaml", "theme: time\nrules: [\n")
    d = rulebase.write("sub/d.yaml", edit("source: Test", "source: ''", edit("good-rule", "Bad_Id")))
    with pytest.raises(RuleBookError) as caught:
        rulebase.load()
    assert [(p.file, p.line, p.code, p.rule) for p in caught.value.problems] == [
        (str(a), CONDITION, "unknown-operator", "good-rule"),
        (str(b), SET_SCORE, "unknown-fact", "other"),
        (str(c), 3, "yaml-syntax", None),
        (str(d), ID, "rule-bad-id", None),
        (str(d), SOURCE, "source-missing", None),
    ]
    text = caught.value.format("en")
    assert text.count("\n  hint:") == 2
    assert str(a) in text and str(d) in text


def test_a_problem_in_a_table_stops_the_load(rulebase: RuleBase) -> None:
    rulebase.write("a.yaml", GOOD)
    table = rulebase.root / "tables" / "thresholds.yaml"
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace("table: thresholds", "table: Thresholds"), encoding="utf-8")
    with pytest.raises(RuleBookError) as caught:
        rulebase.load()
    assert ("bad-name", str(table)) in [(p.code, p.file) for p in caught.value.problems]


def test_a_folder_without_rule_files(rulebase: RuleBase) -> None:
    with pytest.raises(RuleBookError) as caught:
        rulebase.load()
    assert caught.value.codes == ["rules-none"]


def test_a_folder_without_vocabulary(rulebase: RuleBase) -> None:
    rulebase.write("a.yaml", GOOD)
    (rulebase.root / "vocabulary.yaml").unlink()
    with pytest.raises(RuleBookError) as caught:
        rulebase.load()
    assert "vocabulary-missing" in caught.value.codes


def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(RuleBookError) as caught:
        load_rulebook(tmp_path / "nowhere")
    assert caught.value.codes == ["rules-dir-missing"]


def test_two_tests_under_not_are_refused(rulebase: RuleBase) -> None:
    # not (a and b) is not (not a) and (not b): writing both under one `not` is ambiguous.
    problem = one(rulebase, edit("      - resources.weekly_hours: {gt: 0}\n",
                                 "      - not: {resources.weekly_hours: {gt: 1, lt: 5}}\n"))
    assert where(problem) == ("not-shape", CONDITION, "good-rule")


def test_an_empty_any_is_refused(rulebase: RuleBase) -> None:
    problem = one(rulebase, edit("      - resources.weekly_hours: {gt: 0}\n", "      - any: []\n"))
    assert problem.code == "empty-group" and problem.rule == "good-rule"


def test_a_theme_that_is_not_a_word_is_a_clean_error(rulebase: RuleBase) -> None:
    rulebase.write("a.yaml", GOOD.replace("theme: time", "theme: []"))
    with pytest.raises(RuleBookError) as error:
        rulebase.load()
    assert [p.code for p in error.value.problems] == ["bad-choice"]


def test_a_range_inside_any_is_one_alternative(rulebase: RuleBase) -> None:
    # Both tests of `{gt: 1, lt: 5}` must hold for that alternative: 7 hours is outside it.
    rulebase.rules("a.yaml", rule("in-range", when=[{"any": [
        {"resources.weekly_hours": {"gt": 1, "lt": 5}}, {"business.local": False}]}]))
    assert rulebase.run(**{"resources.weekly_hours": 7}).fired_rules() == ()
    assert rulebase.run(**{"resources.weekly_hours": 3}).fired_rules() == ("in-range",)


def test_the_vocabulary_may_add_sectors_named_in_both_languages(rulebase: RuleBase) -> None:
    rulebase.write("a.yaml", GOOD)
    path = rulebase.root / "vocabulary.yaml"
    shipped = path.read_text(encoding="utf-8")
    path.write_text(shipped.replace("\nsectors:", '\nsectors:\n  transport: {en: transport, fr: transport}', 1),
                    encoding="utf-8")
    rulebook = rulebase.load()
    assert rulebook.vocabulary.sectors["transport"] == {"en": "transport", "fr": "transport"}
    assert rulebook.vocabulary.open_choices()["business.sector"][-2:] == ("transport", "other")
    assert rulebook.facts["business.sector"].choices[-2:] == ("transport", "other")
    path.write_text(shipped.replace("\nsectors:", '\nsectors:\n  Transport Co: {en: transport, fr: transport}\n'
                                    '  taxis: {en: taxis}', 1), encoding="utf-8")
    with pytest.raises(RuleBookError) as caught:
        rulebase.load()
    assert [(p.code, p.field) for p in caught.value.problems] == [
        ("bad-name", "sectors.Transport Co"), ("missing-translation", "sectors.taxis")]
