"""The fact sheet contract: what a valid sheet gives, and what each bad input gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from advise.errors import MESSAGES, SHOWN_PROBLEMS, FactSheetError, Problem
from advise.sheet.facts import (
    HEADER_FIELDS,
    OBJECTIVES,
    PLATFORMS,
    SECTORS,
    check_open_choices,
    SHEET_FIELDS,
    FactSheet,
    apply_overrides,
    fact_sheet_from_mapping,
    load_fact_sheet,
    parse_fact_sheet,
)
from advise.sheet.yamlload import load_yaml_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Line numbers below refer to this sheet; tests change one line at a time.
VALID = """\
version: 1
lang: fr
business:
  name: Boulangerie Martin
  size: tpe
  audience: b2c
  local: true
resources:
  weekly_hours: 1.5
  monthly_budget: 0
objectives: [visibility]
profiles:
  planned: [facebook, instagram]
"""


def sheet(text: str = VALID, **replacements: str) -> FactSheet:
    data, positions = load_yaml_text(edit(text, **replacements), filename="sheet.yaml", error=FactSheetError)
    return parse_fact_sheet(data, filename="sheet.yaml", positions=positions)


def edit(text: str, **replacements: str) -> str:
    """Replace whole lines by their key: edit(VALID, size="  size: pme")."""
    lines = text.splitlines()
    for key, line in replacements.items():
        [index] = [i for i, old in enumerate(lines) if old.strip().startswith(key + ":")]
        lines[index] = line
    return "\n".join(lines) + "\n"


def problems(text: str = VALID, **replacements: str) -> list[Problem]:
    with pytest.raises(FactSheetError) as caught:
        sheet(text, **replacements)
    return caught.value.problems


def one_problem(text: str = VALID, **replacements: str) -> Problem:
    [problem] = problems(text, **replacements)
    assert problem.file == "sheet.yaml"
    return problem


def suggestion(problem: Problem) -> str | None:
    return problem.hint_params.get("suggestion") if problem.hint == "hint-did-you-mean" else None


# --- valid sheets -------------------------------------------------------------------


def test_fleuriste_example() -> None:
    loaded = load_fact_sheet(EXAMPLES / "fleuriste.yaml", display_name="fleuriste.yaml")
    assert (loaded.path, loaded.lang, loaded.version) == ("fleuriste.yaml", "fr", 1)
    assert loaded.facts == {
        "business.name": "Les Fleurs d'Agathe",
        "business.size": "tpe",
        "business.audience": "b2c",
        "business.local": True,
        "business.ecommerce": False,
        "business.visual_products": True,
        "business.sector": "other",  # absent: the default, today's advice
        "resources.weekly_hours": 3.0,
        "resources.monthly_budget": 30.0,
        "resources.graphic_skills": True,
        "resources.paid_staff": False,
        "objectives": ("visibility", "sales"),
        "content.editorial_ideas": True,
        "content.can_reply_within_a_day": True,
        "content.contests_planned": True,
        "content.audience_participation": False,
        "profiles.planned": ("instagram", "facebook", "pinterest", "tiktok"),
        "profiles.existing": (),
    }
    assert loaded.positions["resources.weekly_hours"] == 12
    assert loaded.positions["profiles.planned"] == 22


def test_agence_example_gets_defaults() -> None:
    loaded = load_fact_sheet(EXAMPLES / "agence-b2b.yaml")
    assert loaded.lang == "en"
    assert loaded.facts["objectives"] == ()
    assert loaded.facts["profiles.existing"] == ("linkedin",)
    # not in the sheet: defaults, and no line to point at
    assert loaded.facts["business.visual_products"] is False
    assert loaded.facts["content.contests_planned"] is False
    assert "content.contests_planned" not in loaded.positions
    assert loaded.positions["content.can_reply_within_a_day"] == 16
    # what the sheet states itself, as the report tells it apart from a default
    assert {"business.name", "content.can_reply_within_a_day", "profiles.existing"} <= loaded.given
    assert "content.contests_planned" not in loaded.given and "business.visual_products" not in loaded.given


def test_every_field_is_a_fact_with_its_default() -> None:
    minimal = sheet(
        "business: {name: A, size: tpe, audience: both}\nresources: {weekly_hours: 0, monthly_budget: 0}\nobjectives: []\n"
    )
    assert list(minimal.facts) == list(SHEET_FIELDS)
    assert (minimal.version, minimal.lang) == (1, None)
    for name, spec in SHEET_FIELDS.items():
        if spec.type == "bool":
            assert minimal.facts[name] is False
        if name.startswith("profiles."):
            assert minimal.facts[name] == ()


def test_fact_names_follow_the_contract() -> None:
    assert set(SHEET_FIELDS) == {
        "business.name", "business.size", "business.audience", "business.local", "business.ecommerce",
        "business.visual_products", "business.sector", "resources.weekly_hours", "resources.monthly_budget",
        "resources.graphic_skills", "objectives", "content.editorial_ideas", "content.can_reply_within_a_day",
        "content.contests_planned", "content.audience_participation", "profiles.planned", "profiles.existing",
        "resources.paid_staff",  # the project's documented addition (docs/fact-sheet.md)
    }  # fmt: skip
    for spec in (*SHEET_FIELDS.values(), *HEADER_FIELDS.values()):
        assert spec.description_en and spec.description_fr, spec.name


def test_numbers_are_floats_and_text_is_stripped() -> None:
    one = sheet(weekly_hours="  weekly_hours: 1", name="  name: '  Martin  '")
    assert one.facts["resources.weekly_hours"] == 1.0
    assert isinstance(one.facts["resources.weekly_hours"], float)
    assert one.facts["resources.monthly_budget"] == 0.0
    assert one.facts["business.name"] == "Martin"
    assert one.facts == sheet(weekly_hours="  weekly_hours: 1.0", name="  name: Martin").facts


def test_case_does_not_matter_and_is_normalised() -> None:
    loud = sheet(
        lang="lang: EN",
        size="  size: PME",
        audience="  audience: B2C",
        objectives="objectives: [Visibility, SALES]",
        planned="  planned: [Facebook, TikTok]",
    )
    assert loud.lang == "en"
    assert loud.facts["business.size"] == "pme"
    assert loud.facts["business.audience"] == "b2c"
    assert loud.facts["objectives"] == ("visibility", "sales")
    assert loud.facts["profiles.planned"] == ("facebook", "tiktok")


def test_twitter_is_x_and_order_is_kept() -> None:
    loaded = sheet(planned="  planned: [twitter, linkedin, Facebook]")
    assert loaded.facts["profiles.planned"] == ("x", "linkedin", "facebook")


def test_version_absent_means_1() -> None:
    assert sheet(VALID.replace("version: 1\n", "")).version == 1


def test_from_mapping_accepts_tuples() -> None:
    built = fact_sheet_from_mapping(
        {
            "business": {"name": "A", "size": "tpe", "audience": "b2b"},
            "resources": {"weekly_hours": 2, "monthly_budget": 10},
            "objectives": ("community",),
        }
    )
    assert built.path is None
    assert built.facts["objectives"] == ("community",)
    assert built.positions == {}


# --- one problem each ---------------------------------------------------------------


def test_unknown_key_suggests_the_closest() -> None:
    missing, unknown = problems(weekly_hours="  weekly_hour: 1.5")
    assert (unknown.code, unknown.field, unknown.line) == ("unknown-key", "resources.weekly_hour", 9)
    assert suggestion(unknown) == "weekly_hours"
    # ...and the field it should have been is missing, reported on its section's line
    assert (missing.code, missing.field, missing.line) == ("missing-field", "resources.weekly_hours", 8)


def test_unknown_section_suggests_the_closest() -> None:
    found = problems(VALID.replace("resources:", "ressources:"))
    unknown = [p for p in found if p.code == "unknown-key"]
    assert [(p.field, p.line, suggestion(p)) for p in unknown] == [("ressources", 8, "resources")]
    assert [p.field for p in found if p.code == "missing-field"] == ["resources"]


def test_misplaced_key_suggests_its_place() -> None:
    problem = one_problem(VALID + "weekly_hours: 3\n")
    assert (problem.code, problem.field, problem.line) == ("unknown-key", "weekly_hours", 14)
    assert suggestion(problem) == "resources.weekly_hours"
    problem = one_problem(local="  localy: true")
    assert suggestion(problem) == "local"
    problem = one_problem(VALID + "  graphic_skills: true\n")  # under profiles
    assert suggestion(problem) == "resources.graphic_skills"
    problem = one_problem(edit(VALID, monthly_budget="  monthly_budget: 0\n  size: pme"))  # under resources
    assert (problem.field, suggestion(problem)) == ("resources.size", "business.size")
    problem = one_problem(VALID + "content:\n  planned: [facebook]\n")  # not contests_planned, close as it is
    assert (problem.field, suggestion(problem)) == ("content.planned", "profiles.planned")


def test_the_unknown_keys_an_error_shows_carry_their_hint_however_many_follow() -> None:
    # The error shows the first SHOWN_PROBLEMS problems in line order: the misspelt key of
    # line 7 comes first although 60 unknown keys of the top level were found before it.
    text = edit(VALID, local="  locale: true") + "".join(f"extra_{n}: 1\n" for n in range(60))
    found = problems(text)
    assert len(found) == 61
    assert (found[0].field, found[0].line, suggestion(found[0])) == ("business.locale", 7, "local")
    assert all(problem.hint for problem in found[:SHOWN_PROBLEMS])


def test_unknown_key_with_nothing_close_lists_the_keys() -> None:
    problem = one_problem(local="  zzz: true")
    assert problem.hint == "hint-choices"
    assert "visual_products" in problem.hint_params["choices"]


def test_missing_required_field_points_at_its_section() -> None:
    problem = one_problem(VALID.replace("  audience: b2c\n", ""))
    assert (problem.code, problem.field, problem.line) == ("missing-field", "business.audience", 3)


def test_missing_required_section_is_one_problem() -> None:
    text = VALID.replace("resources:\n  weekly_hours: 1.5\n  monthly_budget: 0\n", "")
    problem = one_problem(text)
    assert (problem.code, problem.field) == ("missing-field", "resources")
    assert problem.hint_text("en") == "it needs weekly_hours and monthly_budget"


def test_a_missing_section_says_every_field_it_needs_in_both_languages() -> None:
    problem = one_problem(VALID.replace("business:\n  name: Boulangerie Martin\n  size: tpe\n  audience: b2c\n"
                                        "  local: true\n", ""))
    assert (problem.code, problem.field) == ("missing-field", "business")
    assert problem.hint_text("en") == "it needs name, size and audience"
    assert problem.hint_text("fr") == "elle doit contenir name, size et audience"


def test_a_missing_section_does_not_hide_the_problems_of_the_next_ones() -> None:
    text = VALID.replace("business:\n  name: Boulangerie Martin\n  size: tpe\n  audience: b2c\n  local: true\n", "")
    found = problems(edit(text, weekly_hours="  weekly_hours: 200"))
    assert [(p.code, p.field) for p in found] == [("missing-field", "business"),
                                                  ("out-of-range", "resources.weekly_hours")]


def test_objectives_are_required_but_may_be_empty() -> None:
    problem = one_problem(VALID.replace("objectives: [visibility]\n", ""))
    assert (problem.code, problem.field) == ("missing-field", "objectives")
    assert sheet(objectives="objectives: []").facts["objectives"] == ()


@pytest.mark.parametrize(
    "key, text, field, line, found",
    [
        ("weekly_hours", "  weekly_hours: '3'", "resources.weekly_hours", 9, "text '3'"),
        ("monthly_budget", "  monthly_budget: true", "resources.monthly_budget", 10, "true/false value true"),
        ("local", "  local: 'yes'", "business.local", 7, "text 'yes'"),
        ("local", "  local: 1", "business.local", 7, "number 1"),
        ("name", "  name: 2024", "business.name", 4, "number 2024"),
        ("size", "  size: [tpe]", "business.size", 5, "a list"),
        ("planned", "  planned:", "profiles.planned", 13, "nothing (null)"),
        ("objectives", "objectives: visibility", "objectives", 11, "text 'visibility'"),
        ("weekly_hours", "  weekly_hours: 1:30", "resources.weekly_hours", 9, "text '1:30'"),
    ],
)
def test_wrong_type(key: str, text: str, field: str, line: int, found: str) -> None:
    problem = one_problem(**{key: text})
    assert (problem.code, problem.field, problem.line) == ("wrong-type", field, line)
    assert problem.params["found"] == found


def test_wrong_type_hints() -> None:
    assert one_problem(name="  name: 2024").hint == "hint-quote-text"
    assert one_problem(planned="  planned:").hint == "hint-empty-list"
    problem = one_problem(objectives="objectives: visibility")
    assert (problem.hint, problem.hint_params) == ("hint-as-list", {"value": "visibility"})


def test_a_section_must_be_a_mapping() -> None:
    problem = one_problem(VALID + "content:\n")
    assert (problem.code, problem.field, problem.line) == ("not-a-mapping", "content", 14)
    assert problem.message("en") == "expected a mapping (key: value), found nothing (null)"
    problem = one_problem(VALID.replace("resources:\n  weekly_hours: 1.5\n  monthly_budget: 0\n", "resources: 3\n"))
    assert (problem.field, problem.line, problem.message("en")) == (
        "resources", 8, "expected a mapping (key: value), found number 3")


def test_the_sheet_must_be_a_mapping() -> None:
    problem = one_problem("- business\n- resources\n")
    assert (problem.code, problem.line) == ("not-a-mapping", 1)


@pytest.mark.parametrize(
    "key, line, field, shown, range_",
    [
        ("weekly_hours", "  weekly_hours: 169", "resources.weekly_hours", 169, "0..168"),
        ("weekly_hours", "  weekly_hours: -0.5", "resources.weekly_hours", -0.5, "0..168"),
        ("monthly_budget", "  monthly_budget: -1", "resources.monthly_budget", -1, ">= 0"),
        ("monthly_budget", "  monthly_budget: .inf", "resources.monthly_budget", float("inf"), ">= 0"),
        ("monthly_budget", "  monthly_budget: " + "9" * 400, "resources.monthly_budget", int("9" * 400), ">= 0"),
    ],
)
def test_out_of_range(key: str, line: str, field: str, shown: object, range_: str) -> None:
    problem = one_problem(**{key: line})
    assert (problem.code, problem.field) == ("out-of-range", field)
    assert problem.params == {"value": shown, "range": range_}


def test_not_a_number_is_out_of_range() -> None:
    problem = one_problem(weekly_hours="  weekly_hours: .nan")
    assert (problem.code, problem.line) == ("out-of-range", 9)


def test_range_limits_are_included() -> None:
    loaded = sheet(weekly_hours="  weekly_hours: 168")
    assert loaded.facts["resources.weekly_hours"] == 168.0


@pytest.mark.parametrize("name", ["''", "'   '", "x" * 201])
def test_name_length(name: str) -> None:
    problem = one_problem(name=f"  name: {name}")
    assert (problem.code, problem.field, problem.line) == ("text-length", "business.name", 4)


@pytest.mark.parametrize(
    "key, line, field, value, suggested",
    [
        ("size", "  size: tpee", "business.size", "tpee", "tpe"),
        ("audience", "  audience: b2cc", "business.audience", "b2cc", "b2c"),
        ("objectives", "objectives: [visibilty]", "objectives", "visibilty", "visibility"),
        ("planned", "  planned: [facebook, instagramm]", "profiles.planned", "instagramm", "instagram"),
        ("planned", "  planned: [twiter]", "profiles.planned", "twiter", "twitter"),
        ("lang", "lang: de", "lang", "de", None),
    ],
)
def test_value_outside_its_list(key: str, line: str, field: str, value: str, suggested: str | None) -> None:
    problem = one_problem(**{key: line})
    assert (problem.code, problem.field, problem.params["value"]) == ("bad-choice", field, value)
    assert suggestion(problem) == suggested


def test_bad_choice_points_at_the_list_item() -> None:
    problem = one_problem(planned="  planned: [facebook, instagramm]")
    assert (problem.line, problem.column) == (13, 23)
    assert problem.params["choices"] == ", ".join(PLATFORMS)


def test_duplicate_items_after_normalisation() -> None:
    problem = one_problem(planned="  planned: [twitter, facebook, X]")
    assert (problem.code, problem.field, problem.params) == ("duplicate-item", "profiles.planned", {"value": "x"})
    assert (problem.line, problem.column) == (13, 32)
    problem = one_problem(objectives="objectives: [sales, Sales]")
    assert (problem.code, problem.params) == ("duplicate-item", {"value": "sales"})


@pytest.mark.parametrize("version", ["2", "'1'", "true", "1.5"])
def test_bad_version(version: str) -> None:
    problem = one_problem(version=f"version: {version}")
    assert (problem.code, problem.field, problem.line) == ("bad-version", "version", 1)


def test_header_problems_point_at_their_own_line() -> None:
    text = VALID.replace("version: 1\nlang: fr\n", "") + "lang: de\nversion: 2\n"
    found = problems(text)
    assert [(p.code, p.field, p.line) for p in found] == [("bad-choice", "lang", 12), ("bad-version", "version", 13)]


def test_duplicate_key_in_a_sheet_file(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(VALID.replace("  local: true\n", "  size: pme\n"))
    with pytest.raises(FactSheetError) as caught:
        load_fact_sheet(path, display_name="dup.yaml")
    [problem] = caught.value.problems
    assert (problem.code, problem.file, problem.line, problem.field) == ("yaml-duplicate-key", "dup.yaml", 7, "business.size")


def test_missing_file_is_a_fact_sheet_error(tmp_path: Path) -> None:
    with pytest.raises(FactSheetError) as caught:
        load_fact_sheet(tmp_path / "absent.yaml", display_name="absent.yaml")
    assert caught.value.codes == ["file-missing"]
    assert caught.value.exit_code == 2


# --- all problems at once -----------------------------------------------------------


def test_every_problem_of_the_sheet_at_once_in_line_order() -> None:
    text = """\
version: 1
business:
  name: Martin
  size: tpee
  local: 'yes'
resources:
  weekly_hour: 3
  monthly_budget: -5
objectives: [visibility, fame]
profiles:
  planned: [twitter, x]
"""
    found = problems(text)
    assert [(p.line, p.code, p.field) for p in found] == [
        (2, "missing-field", "business.audience"),
        (4, "bad-choice", "business.size"),
        (5, "wrong-type", "business.local"),
        (6, "missing-field", "resources.weekly_hours"),
        (7, "unknown-key", "resources.weekly_hour"),
        (8, "out-of-range", "resources.monthly_budget"),
        (9, "bad-choice", "objectives"),
        (11, "duplicate-item", "profiles.planned"),
    ]
    # every message reads in both languages
    for problem in found:
        assert problem.message("en") != problem.message("fr")


# --- overrides ----------------------------------------------------------------------


def test_apply_overrides() -> None:
    base = sheet()
    changed = apply_overrides(
        base,
        ["resources.weekly_hours=6", "objectives=[visibility, Community]", "profiles.existing=[twitter]", "business.local=false"],
    )
    assert changed.facts["resources.weekly_hours"] == 6.0
    assert changed.facts["objectives"] == ("visibility", "community")
    assert changed.facts["profiles.existing"] == ("x",)
    assert changed.facts["business.local"] is False
    # the sheet's line no longer explains an overridden value; the others keep theirs
    assert "resources.weekly_hours" not in changed.positions
    assert changed.positions["resources.monthly_budget"] == 10
    assert base.facts["resources.weekly_hours"] == 1.5  # the original is untouched


def test_apply_overrides_reports_every_bad_assignment() -> None:
    with pytest.raises(FactSheetError) as caught:
        apply_overrides(
            sheet(),
            [
                "resources.weekly_hour=6",
                "weekly_hours=6",
                "resources.weekly_hours=200",
                "objectives=[visibility",
                "business.local='yes'",
                "no equals sign",
                "business.size=",
            ],
        )
    found = {(p.field, p.code): p for p in caught.value.problems}
    assert {p.file for p in caught.value.problems} == {"--set"}
    assert suggestion(found["resources.weekly_hour", "unknown-key"]) == "resources.weekly_hours"
    assert suggestion(found["weekly_hours", "unknown-key"]) == "resources.weekly_hours"
    assert found["resources.weekly_hours", "out-of-range"].params["range"] == "0..168"
    assert ("objectives", "yaml-syntax") in found
    assert ("business.local", "wrong-type") in found
    assert (None, "bad-assignment") in found
    assert found["business.size", "wrong-type"].params["found"] == "nothing (null)"
    assert len(caught.value.problems) == 7


def test_apply_overrides_refuses_tags() -> None:
    with pytest.raises(FactSheetError) as caught:
        apply_overrides(sheet(), ["business.name=!!python/object/apply:os.system [true]"])
    assert caught.value.codes == ["yaml-tag"]


def test_new_message_codes_exist_in_both_languages() -> None:
    for code in ("bad-assignment", "hint-quote-text", "hint-as-list", "hint-empty-list", "yaml-too-deep", "yaml-tag-mismatch"):
        assert set(MESSAGES[code]) == {"en", "fr"}


def test_objectives_constant_matches_the_schema() -> None:
    assert SHEET_FIELDS["objectives"].choices == OBJECTIVES
    assert SHEET_FIELDS["profiles.planned"].choices == PLATFORMS


def test_planned_profiles_keep_the_owners_order_but_open_ones_are_canonical() -> None:
    # The planned order breaks ties between equally fitting networks; what is already open
    # has no order, so two spellings of the same sheet must give the same facts.
    facts = sheet(VALID + "  existing: [youtube, linkedin, twitter, facebook]\n",
                  planned="  planned: [instagram, facebook]").facts
    assert facts["profiles.planned"] == ("instagram", "facebook")
    assert facts["profiles.existing"] == ("facebook", "x", "linkedin", "youtube")  # the contract's order


def test_sector_is_optional_and_other_by_default() -> None:
    assert sheet().facts["business.sector"] == "other"
    assert "business.sector" not in sheet().positions
    given = sheet(local="  sector: Legal_Finance")  # case does not matter, as for every list
    assert given.facts["business.sector"] == "legal_finance"
    assert given.positions["business.sector"] == 7


def test_sectors_are_the_contracts() -> None:
    assert tuple(SECTORS) == (
        "retail", "food", "restaurant", "hospitality", "trades", "beauty_wellness", "health", "legal_finance",
        "real_estate", "industry", "tech_services", "events_creative", "culture_leisure", "other",
    )  # fmt: skip
    spec = SHEET_FIELDS["business.sector"]
    assert spec.default == "other" and not spec.required and spec.choices == tuple(SECTORS)
    for name, (en, fr) in SECTORS.items():  # the sheet's comments and the interview explain each sector
        assert f"{name} ({en})" in spec.description_en and f"{name} ({fr})" in spec.description_fr


def test_a_sector_that_is_not_text_is_a_wrong_type() -> None:
    problem = one_problem(local="  sector: [food]")
    assert (problem.code, problem.field, problem.line) == ("wrong-type", "business.sector", 7)


@pytest.mark.parametrize("value, suggested", [
    ("restaurent", "restaurant"), ("hotel", "hospitality"), ("plombier", "trades"), ("lawyer", "legal_finance"),
    ("transport", None),
])
def test_a_sector_the_rule_base_does_not_know_is_refused_with_a_suggestion(value: str, suggested: str | None) -> None:
    # The sheet accepts any plain word (a rule base may add trades); the advisor then checks
    # it against the rule base's list, with the sheet's line and the same "did you mean".
    loaded = sheet(local=f"  sector: {value}")
    with pytest.raises(FactSheetError) as caught:
        check_open_choices(loaded, {"business.sector": tuple(SECTORS)})
    [problem] = caught.value.problems
    assert (problem.code, problem.field, problem.line, problem.file) == ("bad-choice", "business.sector", 7, "sheet.yaml")
    assert suggestion(problem) == suggested
    if suggested is None:
        assert problem.hint is None and "did you mean" not in problem.format("en")
    check_open_choices(loaded, {"business.sector": (*SECTORS, value)})  # a rule base that adds it


def test_a_sector_that_is_not_a_plain_word_is_refused_by_the_sheet() -> None:
    problem = one_problem(local="  sector: hôtels de luxe")
    assert (problem.code, problem.field) == ("bad-choice", "business.sector")
    assert suggestion(problem) == "hospitality"


# --- what each problem says: the words an owner reads --------------------------------

MAPPING = {"business": {"name": "Shop", "size": "tpe", "audience": "b2c"},
           "resources": {"weekly_hours": 1, "monthly_budget": 0}, "objectives": []}


def _changed(section: str | None, key: str, value: object) -> dict:
    data = {name: dict(part) if isinstance(part, dict) else part for name, part in MAPPING.items()}
    if section is None:
        data[key] = value
    else:
        data[section] = dict(data[section], **{key: value})
    return data


@pytest.mark.parametrize(("section", "key", "value", "expected"), [
    ("business", "local", "yes please", [("business.local", "expected true or false, found text 'yes please'")]),
    ("resources", "weekly_hours", "lots", [("resources.weekly_hours", "expected a number, found text 'lots'")]),
    ("resources", "monthly_budget", -5, [("resources.monthly_budget", "-5 is out of range: expected >= 0")]),
    ("resources", "weekly_hours", -1, [("resources.weekly_hours", "-1 is out of range: expected 0..168")]),
    ("business", "name", 12, [("business.name", "expected text, found number 12")]),
    ("business", "name", ["a"], [("business.name", "expected text, found a list")]),
    ("business", "name", "a" * 201, [("business.name", "the text must have 1 to 200 characters, it has 201")]),
    ("business", "name", "a" * 200, []),
    ("business", "name", "   ", [("business.name", "the text must have 1 to 200 characters, it has 0")]),
    ("business", "size", 3, [("business.size", "expected one of: tpe, pme, large, found number 3")]),
    ("business", "size", "tpee", [("business.size", "'tpee' is not one of: tpe, pme, large")]),
    (None, "objectives", "sales", [("objectives", "expected a list, found text 'sales'")]),
    (None, "objectives", ["sales", "fame", 3], [
        ("objectives", "'fame' is not one of: visibility, community, customer_service, sales, recruitment, reputation"),
        ("objectives", "expected one of: visibility, community, customer_service, sales, recruitment, reputation, "
                       "found number 3")]),
    (None, "version", 7, [("version", "version 7 is not supported; this advise reads version 1")]),
    (None, "lang", "de", [("lang", "'de' is not one of: fr, en")]),
    ("business", "weekly_hours", 3, [("business.weekly_hours", "unknown key 'weekly_hours'")]),
])
def test_each_problem_names_its_field_and_says_what_was_expected(section: str | None, key: str, value: object,
                                                                 expected: list[tuple[str, str]]) -> None:
    data = _changed(section, key, value)
    if not expected:
        fact_sheet_from_mapping(data, filename="client.yaml")
        return
    with pytest.raises(FactSheetError) as caught:
        fact_sheet_from_mapping(data, filename="client.yaml")
    assert [(p.field, p.message("en")) for p in caught.value.problems] == expected
    assert {p.file for p in caught.value.problems} == {"client.yaml"}


def test_hints_point_at_the_right_name() -> None:
    def hint_of(data: dict) -> str | None:
        with pytest.raises(FactSheetError) as caught:
            fact_sheet_from_mapping(data)
        [problem] = caught.value.problems
        return suggestion(problem) if problem.hint == "hint-did-you-mean" else problem.hint

    # a key in the wrong section: the same key where it belongs
    assert hint_of(_changed("business", "weekly_hours", 3)) == "resources.weekly_hours"
    assert hint_of(_changed("business", "sise", "tpe")) == "size"  # a typo: the closest key here
    assert hint_of(_changed("business", "size", "tpee")) == "tpe"
    assert hint_of(_changed("business", "name", 12)) == "hint-quote-text"  # a number where text goes
    assert hint_of(_changed("business", "size", "zzzzzz")) is None  # nothing close: no guess
    assert hint_of(_changed("business", "name", ["a"])) is None  # a list is not text put in quotes
    assert hint_of(_changed(None, "objectives", 5)) is None  # neither a word nor nothing: no list to suggest
    with pytest.raises(FactSheetError) as caught:
        fact_sheet_from_mapping(_changed("business", "size", "zzzzzz"))
    [problem] = caught.value.problems
    assert problem.file == "<facts>"  # a sheet made in code names no file of the user's
    assert problem.format("en") == "<facts> business.size: 'zzzzzz' is not one of: tpe, pme, large"


def test_a_sheet_that_is_not_a_mapping_says_what_it_is() -> None:
    with pytest.raises(FactSheetError) as caught:
        fact_sheet_from_mapping(["x"], filename="client.yaml")  # type: ignore[arg-type]
    [problem] = caught.value.problems
    assert (problem.file, problem.message("en")) == ("client.yaml", "expected a mapping (key: value), found a list")


def test_set_assignments_name_the_option_and_the_field() -> None:
    base = fact_sheet_from_mapping(MAPPING)
    for assignment, expected in [
        ("nonsense", (None, "expected name=value, found 'nonsense'")),
        ("business.sise=tpe", ("business.sise", "unknown key 'business.sise'")),
        ("resources.weekly_hours=x", ("resources.weekly_hours", "expected a number, found text 'x'")),
        ("business.name=a=b", None),  # the first = splits: the name is 'a=b'
    ]:
        if expected is None:
            assert apply_overrides(base, [assignment]).facts["business.name"] == "a=b"
            continue
        with pytest.raises(FactSheetError) as caught:
            apply_overrides(base, [assignment])
        [problem] = caught.value.problems
        assert (problem.file, problem.line, problem.field, problem.message("en")) == ("--set", None, *expected)
    with pytest.raises(FactSheetError) as caught:
        apply_overrides(base, ["resources.weekly_hours=[1"])
    [problem] = caught.value.problems
    assert (problem.file, problem.field, problem.line, problem.column) == ("--set", "resources.weekly_hours", None, None)


def test_an_open_choice_outside_the_rule_base_list_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "client.yaml"
    path.write_text(VALID.replace("business:\n", "business:\n  sector: boulangere\n", 1), encoding="utf-8")
    sheet_ = load_fact_sheet(path)
    with pytest.raises(FactSheetError) as caught:
        check_open_choices(sheet_, {"business.sector": ["boulangerie", "fleuriste"]})
    [problem] = caught.value.problems
    assert (problem.file, problem.field, problem.message("en")) == \
        (str(path), "business.sector", "'boulangere' is not one of: boulangerie, fleuriste")
    assert problem.line == VALID.splitlines().index("business:") + 2
    assert suggestion(problem) == "food"  # close to an example trade: its sector
    with pytest.raises(FactSheetError) as caught:
        check_open_choices(sheet_, {"business.sector": ["food", "retail"]})
    sheet_ = fact_sheet_from_mapping(_changed("business", "sector", "boulangere"))
    with pytest.raises(FactSheetError) as caught:
        check_open_choices(sheet_, {"business.sector": ["boulangerie", "fleuriste"]})
    assert caught.value.problems[0].file == "<facts>"  # a sheet made in code, without a file
    check_open_choices(sheet_, {"business.sector": ["boulangere", "food"]})  # listed: accepted


@pytest.mark.parametrize(("name", "code", "shown"), [
    ("Shop\x1b[31m", "control-character", "the text holds the control character \\x1b:"),
    ("Shop\u202e", "control-character", "the text holds the control character \\u202e:"),  # turns text around
    ("Shop\ud800", "lone-surrogate", "the text holds \\ud800, half of a UTF-16 pair"),
    ("Shop\udfff", "lone-surrogate", "the text holds \\udfff, half of a UTF-16 pair"),
])
def test_a_control_character_in_a_mapping_sheet_is_refused_and_shown_escaped(name: str, code: str,
                                                                              shown: str) -> None:
    # A sheet from the web form or --set never went through the YAML reader's own check.
    with pytest.raises(FactSheetError) as caught:
        fact_sheet_from_mapping(_changed("business", "name", name), filename="form")
    [problem] = caught.value.problems
    assert (problem.code, problem.file, problem.field) == (code, "form", "business.name")
    assert problem.message("en").startswith(shown) and "\x1b" not in problem.format("en")
