"""The interview as a library: which questions it asks (MYCIN's principle: only those a rule
that can still fire reads), how it reads answers, what `why` says, the sheet it writes."""

from __future__ import annotations

import pytest

from advise.errors import FactSheetError
from advise.sheet.facts import SHEET_FIELDS, parse_fact_sheet
from advise.workbench.interview import Interview
from advise.workbench.questions import QUESTIONS
from advise.rulebase.loading import load_rulebook
from advise.sheet.yamlload import load_yaml_text

from conftest import RULES, RuleBase, rule

REQUIRED = {"business.name": "Chez Paul", "business.size": "tpe", "business.audience": "b2c",
            "resources.weekly_hours": "2", "resources.monthly_budget": "0", "objectives": ""}


def run(interview: Interview, answers: dict[str, str]) -> list[str]:
    """Answer the questions asked (a default when not given); the fields asked, in order."""
    asked = []
    while (question := interview.next_question()) is not None:
        asked.append(question.field)
        text = answers.get(question.field, question.default or "")
        assert interview.answer(question.field, text) == [], question.field
    return asked


@pytest.fixture
def contests(rulebase: RuleBase) -> RuleBase:
    rulebase.rules(
        "10-x.yaml",
        rule("busy-with-contests", when=[{"resources.weekly_hours": {"gt": 5}}, {"content.contests_planned": True}]),
        rule("local", when=[{"business.local": True}], then={"set": {"score": 1}}),
        rule("local-and-visual", when=[{"score": {"gt": 0}}, {"business.visual_products": True}],
             then={"set": {"bonus": 1}}),
    )
    return rulebase


def test_every_field_has_a_question_in_both_languages() -> None:
    assert set(QUESTIONS) == set(SHEET_FIELDS) | {"lang"}  # the questionnaire asks the report's language too
    for texts in QUESTIONS.values():
        assert texts["en"].endswith("?") and texts["fr"].endswith(" ?")


def test_required_fields_first_then_only_the_optional_ones_a_rule_can_still_read(contests: RuleBase) -> None:
    interview = Interview(contests.load())
    asked = run(interview, {**REQUIRED, "business.local": "yes"})
    required = [name for name, spec in SHEET_FIELDS.items() if spec.required]
    assert asked[: len(required)] == required
    # 2 hours a week: the contests rule can no longer fire, so its question is not asked
    assert "content.contests_planned" not in asked and "content.contests_planned" in interview.skipped
    # nothing reads these at all
    assert "content.editorial_ideas" not in asked and "profiles.existing" not in asked
    # local: yes keeps the chain local -> score -> local-and-visual alive
    assert "business.local" in asked and "business.visual_products" in asked


def test_an_answer_can_make_a_later_question_pointless(contests: RuleBase) -> None:
    asked = run(Interview(contests.load()), {**REQUIRED, "business.local": "no"})
    assert "business.visual_products" not in asked  # score is never concluded without local
    asked = run(Interview(contests.load()), {**REQUIRED, "resources.weekly_hours": "10"})
    assert "content.contests_planned" in asked


def test_answers_are_read_as_people_type_them(contests: RuleBase) -> None:
    interview = Interview(contests.load(), "fr")
    assert interview.answer("resources.weekly_hours", "2,5") == []
    assert interview.answers["resources.weekly_hours"] == 2.5
    assert interview.answer("business.local", "oui") == [] and interview.answers["business.local"] is True
    assert interview.answer("business.local", "Non") == [] and interview.answers["business.local"] is False
    assert interview.answer("profiles.planned", "Facebook, twitter") == []
    assert interview.answers["profiles.planned"] == ("facebook", "x")
    assert interview.answer("objectives", "aucun") == [] and interview.answers["objectives"] == ()
    assert interview.answer("business.size", "TPE") == [] and interview.answers["business.size"] == "tpe"


def test_bad_answers_get_the_sheet_validation_messages(contests: RuleBase) -> None:
    interview = Interview(contests.load(), "fr")
    [problem] = interview.answer("resources.weekly_hours", "beaucoup")
    assert "beaucoup" in problem.message("fr") and "nombre" in problem.message("fr")
    [problem] = interview.answer("resources.weekly_hours", "500")
    assert problem.code == "out-of-range"
    [problem] = interview.answer("business.audience", "b2x")
    assert problem.hint_text("fr") == "vouliez-vous dire « b2c » ?"
    problems = interview.answer("objectives", "visibilty, ventes")
    assert problems and all(p.code == "bad-choice" for p in problems)
    [problem] = interview.answer("business.local", "peut-être")
    assert problem.message("fr") == "répondez oui ou non"
    assert interview.answers == {}


def test_why_names_the_rules_that_need_the_answer(contests: RuleBase) -> None:
    interview = Interview(contests.load())
    text = interview.why("content.contests_planned")
    assert "busy-with-contests" in text and "content.contests_planned" in text and "is true" in text
    interview.answer("resources.weekly_hours", "1")
    assert "No rule that can still apply reads" in interview.why("content.contests_planned")
    assert "the contract requires it" in interview.why("business.size")
    assert Interview(contests.load(), "fr").why("business.local").startswith("Pourquoi cette question")


def test_the_sheet_written_is_valid_and_says_what_was_not_asked(contests: RuleBase) -> None:
    interview = Interview(contests.load(), "fr")
    run(interview, REQUIRED)
    text = interview.sheet_text(file="paul.yaml")
    data, positions = load_yaml_text(text, filename="paul.yaml", error=FactSheetError)
    sheet = parse_fact_sheet(data, filename="paul.yaml", positions=positions)
    assert sheet.lang == "fr" and sheet.facts["business.name"] == "Chez Paul"
    assert sheet.facts["content.contests_planned"] is False
    assert "Non demandé" in text


def test_with_the_shipped_rules_the_budget_decides_whether_visual_skills_matter() -> None:
    # Without a budget, who makes the visuals matters (visual-costs can fire); with a budget
    # above every visuals threshold, it cannot change the advice, so it is not asked.
    rulebook = load_rulebook(RULES)
    answers = {**REQUIRED, "resources.weekly_hours": "6", "objectives": "community, sales"}
    asked = run(Interview(rulebook), {**answers, "resources.monthly_budget": "0"})
    assert "resources.graphic_skills" in asked and "profiles.planned" in asked
    interview = Interview(rulebook)
    asked = run(interview, {**answers, "resources.monthly_budget": "100000"})
    assert "resources.graphic_skills" not in asked and "resources.graphic_skills" in interview.skipped


def test_with_the_shipped_rules_the_sector_is_asked_with_what_each_covers_and_why() -> None:
    interview = Interview(load_rulebook(RULES), "fr")
    question = None
    while (question := interview.next_question()) is not None and question.field != "business.sector":
        assert interview.answer(question.field, REQUIRED.get(question.field, question.default or "")) == []
    assert question is not None and question.default == "other"
    assert "\n    restaurant: restaurants, cafés, bars" in question.values
    assert "hotel-review-sites" in interview.why("business.sector")
    [problem] = interview.answer("business.sector", "hôtels")
    assert problem.hint_text("fr") == "vouliez-vous dire « hospitality » ?"
    assert interview.answer("business.sector", "") == [] and interview.answers["business.sector"] == "other"


def test_a_sector_the_rule_base_adds_is_offered_and_accepted(tmp_path) -> None:
    import re
    import shutil

    shutil.copytree(RULES, tmp_path / "rules")
    vocabulary = tmp_path / "rules" / "vocabulary.yaml"
    vocabulary.write_text(re.sub(r"^sectors:.*\n", lambda m: m.group(0) + '  transport: {en: "transport", fr: "transport"}\n',
                                 vocabulary.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    (tmp_path / "rules" / "56-transport.yaml").write_text(
        "theme: sector\nrules:\n  - id: transport-google\n    title: {en: Transport, fr: Transport}\n"
        "    when:\n      - business.sector: transport\n    then:\n      recommend: review_sites\n"
        "    because: {en: Google first., fr: Google d'abord.}\n    source: Test\n", encoding="utf-8")
    interview = Interview(load_rulebook(tmp_path / "rules"))
    while (question := interview.next_question()) is not None and question.field != "business.sector":
        assert interview.answer(question.field, REQUIRED.get(question.field, question.default or "")) == []
    assert question is not None and "\n    transport: transport" in question.values
    assert "transport-google" in interview.why("business.sector")
    [problem] = interview.answer("business.sector", "transprt")
    assert problem.hint_params == {"suggestion": "transport"}
    assert interview.answer("business.sector", "transport") == [] and interview.answers["business.sector"] == "transport"


@pytest.mark.parametrize("lang, title", [("fr", "[Temps hebdomadaire d'un profil animé]"),
                                         ("en", "[Weekly time an actively animated profile takes]")])
def test_why_names_a_table_a_text_reads_by_its_title_not_its_id(lang: str, title: str) -> None:
    """A because text that reads a whole table (platform_hours[...]) shows it by the table's
    title, as it shows facts by their labels: the owner never meets an identifier."""
    why = Interview(load_rulebook(RULES), lang).why("resources.weekly_hours")
    assert title in why and "[platform_hours]" not in why
