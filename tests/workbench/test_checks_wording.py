"""`advise rules check`, finding by finding: each check on a rule base made to show it, with
the exact place (file, line, rule or field) and the exact words in both languages, as a
consultant reads them; and the cases where a check must stay silent."""

from __future__ import annotations

from pathlib import Path

import yaml

from advise.rulebase.loading import load_rulebook
from advise.workbench.checks import check_rulebook, check_rules

from conftest import RuleBase, rule

H = "resources.weekly_hours"


def listed(report, rulebase: RuleBase, *wanted: str) -> list[tuple]:
    """The findings of these codes, as the consultant reads them: code, file name, line,
    rule, field, and the message in English and French (the rule base's folder as {root})."""
    shown = []
    for found in report.findings:
        if found.code in wanted:
            problem = found.problem
            shown.append((found.code, Path(problem.file).name if problem.file else None, problem.line, problem.rule,
                          problem.field, problem.message("en").replace(str(rulebase.root), "{root}"),
                          problem.message("fr").replace(str(rulebase.root), "{root}")))
    return shown


def check(rulebase: RuleBase, **options):
    return check_rules(rulebase.root, **{"cases": False, "invariants": False, **options})


def vocabulary_line(rulebase: RuleBase, line: int | None) -> str:
    assert line is not None
    return (rulebase.root / "vocabulary.yaml").read_text(encoding="utf-8").splitlines()[line - 1].strip()


# ---------------------------------------------------------------- rules that can never fire


def test_rules_that_can_never_fire_word_for_word(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        # a fact nothing concludes, read twice (one finding), then a threshold out of range
        rule("reads-score-twice", when=[{"score": {"gt": 1}}, {"score": {"lt": 5}}, {H: {"gt": 168}}]),
        # a condition that can hold, then one that cannot
        rule("fine-then-impossible", when=[{H: {"gt": 1}}, {"resources.monthly_budget": {"lt": 0}}]),
        rule("dead-a", when=[{H: {"gt": 200}}], then={"set": {"total_points": 3}}),
        rule("dead-b", when=[{"resources.monthly_budget": {"lt": -1}}], then={"set": {"total_points": 4}}),
        rule("needs-points", when=[{"total_points": {"gt": 0}}], then={"set": {"final_level": "high"}}),
        # a fact that can hold, then two conditions on one fact that cannot hold together
        rule("local-then-contradict", when=[{"business.local": True}, {H: {"gt": 5}}, {H: {"lt": 3}}]),
        rule("any-dead", when=[{"business.local": True}, {"any": [
            {"business.local": False}, {"all": [{H: {"lt": 1}}, {H: {"gt": 2}}]}]}]),
        # a closed choice of the sheet: none of its values
        rule("size-none", when=[{"business.size": {"not_in": ["tpe", "pme", "large"]}}]),
        rule("level-low", when=[{H: {"lt": 4}}], then={"set": {"level": "low"}}),
        rule("wants-medium", when=[{"level": "medium"}], then={"set": {"flag": True}}),
        # an `any` first (not a condition), a condition some sheets meet, one every sheet meets
        rule("always", when=[{"any": [{"business.local": True}, {"business.local": False}]}, {H: {"gt": 1}},
                             {H: {"ge": 0}}]),
    )
    assert listed(check(rulebase), rulebase, "A101", "A102", "A103", "A104", "A105") == EXPECTED_NEVER


# ---------------------------------------------------------------- duplicates and shadows


def test_duplicate_and_shadowed_rules_word_for_word(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        rule("narrow-first", when=[{H: {"gt": 10}}], then={"set": {"level": "high"}}),
        rule("narrow-twin", when=[{H: {"gt": 10}}], then={"set": {"level": "high"}}),
        rule("local-high", when=[{"business.local": True}], then={"set": {"level": "high"}}),
        rule("broad", when=[{H: {"gt": 2}}], then={"set": {"level": "high"}}),
        # the same conditions, written otherwise: a duplicate, not a shadow
        rule("broad-again", when=[{H: {"gt": 2}}, {H: {"ge": 0}}], then={"set": {"level": "high"}}),
        # a duplicate of two rules: said once
        rule("broad-third", when=[{H: {"gt": 2}}], then={"set": {"level": "high"}}),
        # narrower than broad, but it concludes more: not redundant
        rule("more-conclusions", when=[{H: {"gt": 20}}], then={"set": {"level": "high", "score": 1}}),
        # points add up: a narrower rule adding the same points is not redundant
        rule("adds-narrow", when=[{H: {"gt": 30}}], then={"add": {"fit.facebook": 1}}),
        rule("adds-broad", when=[{H: {"gt": 3}}], then={"add": {"fit.facebook": 1}}),
        # alternatives: compared as written
        rule("any-a", when=[{"business.local": True}, {"any": [{H: {"gt": 10}}, {"resources.monthly_budget": {"gt": 100}}]}],
             then={"set": {"final_level": "low"}}),
        rule("any-b", when=[{"business.local": True}, {"any": [{H: {"lt": 1}}, {"resources.monthly_budget": {"lt": 5}}]}],
             then={"set": {"final_level": "low"}}),
        rule("any-c", when=[{"business.local": True}, {"any": [{H: {"gt": 10}}, {"resources.monthly_budget": {"gt": 100}}]}],
             then={"set": {"final_level": "low"}}),
        rule("lists", when=[{"business.local": False}], then={"set": {"shortlist": ["facebook"]}}),
    )
    assert listed(check(rulebase), rulebase, "A201", "A202") == EXPECTED_REDUNDANT


def test_a_rule_with_fewer_conclusions_is_shadowed_by_a_broader_one(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        rule("same-fewer", when=[{H: {"gt": 50}}], then={"set": {"level": "high"}}),
        rule("same-more", when=[{H: {"gt": 50}}], then={"set": {"level": "high", "score": 1}}),
        rule("broader", when=[{H: {"gt": 40}}], then={"set": {"level": "high"}}),
    )
    assert listed(check(rulebase), rulebase, "A201", "A202") == EXPECTED_FEWER


# ---------------------------------------------------------------- conflicts


def test_conflicts_confirmed_on_a_sample_sheet_made_of_the_example(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        # the sample sheet takes the example's list and choice, not the template's
        rule("a-low", when=[{H: {"lt": 40}}, {"objectives": {"contains": "recruitment"}}, {"business.audience": "b2b"}],
             then={"set": {"level": "low"}}),
        rule("p-high", priority=5, when=[{"business.size": "large"}], then={"set": {"level": "high"}}),
        rule("s-low", when=[{H: {"lt": 40}}], then={"set": {"level": "low"}}),  # agrees with a-low
        rule("x-high", when=[{H: {"gt": 50}}], then={"set": {"level": "high"}}),  # exclusive with a-low
        rule("b-high", when=[{H: {"gt": 30}}], then={"set": {"level": "high"}}),
        # two different computations of one fact; two rules agreeing on a value
        rule("score-2", when=[{H: {"gt": 60}}], then={"set": {"score": "resources.weekly_hours * 2"}}),
        rule("score-3", when=[{H: {"gt": 70}}], then={"set": {"score": "resources.weekly_hours * 3"}}),
        rule("flag-1", when=[{H: {"gt": 60}}], then={"set": {"flag": True}}),
        rule("flag-2", when=[{H: {"gt": 70}}], then={"set": {"flag": True}}),
    )
    assert listed(check(rulebase), rulebase, "A203", "A204") == EXPECTED_LOOPS


def test_a_sample_that_fails_confirms_nothing_and_spoils_no_other(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        # any sheet under 1 hour stops the run with a division by zero
        rule("boom", when=[{H: {"lt": 1}}], then={"set": {"bonus": "1 / (resources.weekly_hours - resources.weekly_hours)"}}),
        # a computation against a constant, unconfirmed: the benefit of the doubt
        rule("e-expr", when=[{H: {"lt": 1}}], then={"set": {"score": "resources.weekly_hours + 1"}}),
        rule("f-const", when=[{"business.local": True}], then={"set": {"score": 5}}),
        rule("a-low", when=[{H: {"lt": 1}}], then={"set": {"level": "low"}}),
        rule("b-high", when=[{"business.local": True}], then={"set": {"level": "high"}}),
        # a later pair whose sample runs: still confirmed
        rule("c-low", when=[{H: {"gt": 10}}], then={"set": {"final_level": "low"}}),
        rule("d-high", when=[{"resources.monthly_budget": {"gt": 10}}], then={"set": {"final_level": "high"}}),
    )
    assert listed(check(rulebase), rulebase, "A203", "A204") == EXPECTED_BOOM


def test_an_unconfirmed_conflict_gives_its_example_in_the_message_language(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        # the sample stops on final_level first (facts are settled by name), so the level pairs stay possible
        rule("n-low", then={"set": {"level": "low"}}),
        rule("n-high", when=[{"business.name": {"ne": "Shop"}}, {"not": {"score": {"gt": 0}}}, {"bonus": {"lt": 1}}],
             then={"set": {"level": "high"}}),
        rule("n-medium", then={"set": {"level": "medium"}}),
        rule("m-low", then={"set": {"final_level": "low"}}),
        rule("m-high", then={"set": {"final_level": "high"}}),
    )
    assert listed(check(rulebase), rulebase, "A203", "A204") == EXPECTED_ANY_SHEET


def test_conflicts_in_a_rule_base_that_does_not_compile_stay_possible(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        rule("c1", when=[{"flag": True}], then={"set": {"score": 1}}),
        rule("c2", when=[{"score": {"gt": 0}}], then={"set": {"flag": True}}),
        rule("a-low", when=[{H: {"lt": 1}}], then={"set": {"level": "low"}}),
        rule("b-high", when=[{"business.local": True}], then={"set": {"level": "high"}}),
        rule("c-low", when=[{H: {"gt": 10}}], then={"set": {"final_level": "low"}}),
        rule("d-high", when=[{"resources.monthly_budget": {"gt": 10}}], then={"set": {"final_level": "high"}}),
    )
    assert listed(check(rulebase), rulebase, "A203", "A204", "A301") == EXPECTED_CYCLE


# ---------------------------------------------------------------- texts


def test_placeholders_and_untranslated_texts_word_for_word(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        rule("todo-everywhere", title={"en": "TODO name", "fr": "TODO nom"},
             because={"en": "TODO why", "fr": "TODO pourquoi"}, source=["TODO source", "Another source"],
             notes="TODO check the figure"),
        rule("second-source-todo", when=[{"business.local": True}], source=["A source", "TODO second"]),
        rule("noted", when=[{"business.local": False}], notes="Checked with the consultant on 2026-11-02"),
        # the same words in both languages: reported from 21 characters (a short name may well be the same)
        rule("same-21", when=[{H: {"gt": 1}}], title={"en": "Twenty-one letters ok", "fr": "Twenty-one letters ok"}),
        rule("same-20", when=[{H: {"gt": 2}}], title={"en": "Twenty letters right", "fr": "Twenty letters right"}),
        rule("long-translated", when=[{H: {"gt": 3}}],
             title={"en": "A long title in English words", "fr": "Un long titre en mots français"},
             because={"en": "Exactly the same words in both.", "fr": "Exactly the same words in both."}),
    )
    assert listed(check(rulebase), rulebase, "A601", "A602") == EXPECTED_TEXTS


# ---------------------------------------------------------------- unused things


def test_unused_things_word_for_word(rulebase: RuleBase) -> None:
    rulebase.rules(
        "10-x.yaml",
        rule("only-rule", when=[{H: {"gt": 1}}], then={"set": {"score": 1}, "warn": "no_objective"},
             because={"en": "For a {{ business.sector }}.", "fr": "Pour un {{ business.sector }}."}),
        rule("fit-fb", when=[{"business.local": True}], then={"add": {"fit.facebook": 2}}),
        rule("fit-ig", when=[{"business.local": False}], then={"add": {"fit.instagram": 1}}),
        rule("level-dead", when=[{H: {"gt": 500}}], then={"set": {"level": "low"}}),
        rule("says-launch", when=[{"resources.monthly_budget": {"gt": 100}}],
             then={"set": {"verdict": "launch"}, "recommend": "start_with_one"}),
    )
    found = listed(check(rulebase), rulebase, "A401", "A402", "A403", "A404", "A405", "A406", "A407")

    def about(code: str, subject: str) -> tuple:
        [hit] = [f for f in found if f[0] == code and (f[4] == subject or f"'{subject}'" in f[5])]
        return hit

    def subjects(code: str) -> set[str]:
        return {f[4] or f[5].split("'")[1] for f in found if f[0] == code}

    sector = about("A401", "business.sector")
    assert sector[:2] + sector[3:] == (
        "A401", "vocabulary.yaml", None, "business.sector",
        "no rule reads the sheet's 'business.sector' (explanation texts only show it): the owner's answer changes "
        "nothing in the advice",
        "aucune règle ne lit le champ « business.sector » de la fiche (seuls des textes d'explication l'affichent) : "
        "la réponse du dirigeant ne change rien au conseil")
    assert vocabulary_line(rulebase, sector[2]).startswith("business.sector:")
    size = about("A401", "business.size")
    assert size[5:] == ("no rule reads the sheet's 'business.size': the owner's answer changes nothing in the advice",
                        "aucune règle ne lit le champ « business.size » de la fiche : la réponse du dirigeant ne change "
                        "rien au conseil")
    assert vocabulary_line(rulebase, size[2]).startswith("business.size:")
    assert not {H, "business.local", "resources.monthly_budget", "business.name"} & subjects("A401")

    assert about("A402", "score") == (
        "A402", "10-x.yaml", 12, "only-rule", None,
        "nothing reads 'score', concluded by only-rule: no rule tests or computes with it, no explanation text shows "
        "it, and the report's summary leaves it out",
        "rien ne lit « score », conclu par only-rule : aucune règle ne le teste ni ne calcule avec, aucun texte "
        "d'explication ne le montre, et le résumé du rapport ne l'inclut pas")
    family = about("A402", "fit.*")
    assert family[1:4] == ("10-x.yaml", 26, "fit-fb") and "concluded by fit-fb, fit-ig:" in family[5]
    assert "conclu par fit-fb, fit-ig :" in family[6]
    assert subjects("A402") == {"score", "fit.*"}  # level: its one rule can never fire, A102 says why

    bonus = about("A403", "bonus")
    assert bonus[:2] + bonus[3:] == ("A403", "vocabulary.yaml", None, None,
                                     "the derived fact 'bonus' is declared but no rule concludes it",
                                     "le fait déduit « bonus » est déclaré mais aucune règle ne le conclut")
    assert vocabulary_line(rulebase, bonus[2]).startswith("bonus:")
    assert not {"score", "level", "fit.*", "fit.facebook", "verdict"} & subjects("A403")
    assert {"total_points", "final_level", "flag", "shortlist"} <= subjects("A403")

    table = about("A404", "thresholds.hours_per_profile")
    assert table[:2] + table[3:] == ("A404", "thresholds.yaml", None, None,
                                     "no rule reads the table value 'thresholds.hours_per_profile' (2)",
                                     "aucune règle ne lit la valeur de table « thresholds.hours_per_profile » (2)")
    lines = (rulebase.root / "tables" / "thresholds.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[table[2] - 1].strip() == "hours_per_profile:"

    warning = about("A405", "time_shortfall")
    assert warning[:2] + warning[3:] == ("A405", "vocabulary.yaml", None, None,
                                         "the warning 'time_shortfall' is declared but no rule raises it",
                                         "le point d'attention « time_shortfall » est déclaré mais aucune règle ne "
                                         "l'émet")
    assert vocabulary_line(rulebase, warning[2]).startswith("time_shortfall:")
    assert "no_objective" not in subjects("A405")
    advice = about("A406", "define_objectives")
    assert advice[:2] + advice[3:] == ("A406", "vocabulary.yaml", None, None,
                                       "the recommendation 'define_objectives' is declared but no rule makes it",
                                       "la recommandation « define_objectives » est déclarée mais aucune règle ne "
                                       "la fait")
    assert vocabulary_line(rulebase, advice[2]).startswith("define_objectives:")
    assert "start_with_one" not in subjects("A406") and "free_tools" in subjects("A406")

    assert subjects("A407") == {"launch_gradually", "minimal_presence", "not_yet"}
    verdict = about("A407", "not_yet")
    assert verdict[:2] + verdict[3:] == ("A407", "vocabulary.yaml", None, None,
                                         "the verdict 'not_yet' is declared but no rule concludes it",
                                         "le verdict « not_yet » est déclaré mais aucune règle ne le conclut")
    assert vocabulary_line(rulebase, verdict[2]).startswith("verdict:")


def test_what_rules_read_is_not_unused_and_an_unused_conclusion_is_shown_where_it_is(rulebase: RuleBase) -> None:
    path = rulebase.rules(
        "10-x.yaml",
        rule("sets-two", when=[{H: {"gt": 1}}], then={"set": {"flag": True, "score": 1}}),
        rule("reads-flag", when=[{"flag": True}], then={"warn": "no_objective"}),
        # the first value of its table: the values after it are still looked at
        rule("reads-threshold", when=[{H: {"gt": "thresholds.community_hours"}}], then={"warn": "time_shortfall"}))
    found = listed(check(rulebase), rulebase, "A402", "A404")
    lines = path.read_text(encoding="utf-8").splitlines()
    [score] = [f for f in found if f[0] == "A402"]
    assert score[3] == "sets-two" and "'score'" in score[5] and lines[score[2] - 1].strip() == "score: 1"
    tables = {f[5].split("'")[1] for f in found if f[0] == "A404"}
    assert "thresholds.community_hours" not in tables and "thresholds.hours_per_profile" in tables


def test_a_computed_verdict_may_conclude_any_verdict(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("says-launch", when=[{H: {"gt": 1}}], then={"set": {"verdict": "launch"}}),
                   rule("computes", then={"set": {"verdict": "'not_yet' if resources.weekly_hours < 1 else 'launch'"}}))
    assert not listed(check(rulebase), rulebase, "A407")



# ---------------------------------------------------------------- invariants, cases, and the options


INVARIANT = """\
invariants:
  - id: never-flagged
    title: {en: "Never flagged", fr: "Jamais signalé"}
    holds: "not %s"
    source: "Test"
"""


def test_an_invariant_the_rules_break_and_one_that_names_nothing(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("flag-many-hours", when=[{H: {"gt": 10}}]))
    rulebase.write("invariants.yaml", INVARIANT % "flag")
    report = check_rules(rulebase.root, cases=False)  # the invariants are searched unless told otherwise
    assert listed(report, rulebase, "A701", "A702") == [(
        "A701", "invariants.yaml", 2, None, "never-flagged",
        "invariant never-flagged (“Never flagged”) does not hold: flag = True. Smallest sheet that breaks it: "
        "{business: {name: Search, size: tpe, audience: b2c}, resources: {weekly_hours: 10.5, monthly_budget: 0}, "
        "objectives: []}. Rules involved: flag-many-hours",
        "l'invariant never-flagged (« Jamais signalé ») n'est pas tenu : flag = True. Plus petite fiche qui le met "
        "en défaut : {business: {name: Search, size: tpe, audience: b2c}, resources: {weekly_hours: 10.5, "
        "monthly_budget: 0}, objectives: []}. Règles en cause : flag-many-hours")]
    assert report.exit_code == 2
    assert not listed(check_rules(rulebase.root, cases=False, invariants=False), rulebase, "A701", "A702")
    rulebase.write("invariants.yaml", INVARIANT % "flagg")
    assert listed(check_rules(rulebase.root, cases=False), rulebase, "A701", "A702") == [(
        "A702", "invariants.yaml", 4, None, "invariants[0].holds",
        "'flagg' is neither a fact nor a table value of the rule base",
        "« flagg » n'est ni un fait ni une valeur de table de la base de règles")]


def test_invariants_are_not_searched_in_a_rule_base_with_errors(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("flag-many-hours", when=[{H: {"gt": 10}}]),
                   rule("never", when=[{H: {"gt": 200}}]))
    rulebase.write("invariants.yaml", INVARIANT % "flagg")
    report = check_rules(rulebase.root)
    assert [f.code for f in report.errors] == ["A102"]
    assert not listed(report, rulebase, "A701", "A702")
    assert report.cases_run is None and report.cases_skipped
    assert report.format("en").endswith("cases not run, as the rule base has errors (A501 needs them)\n"
                                         + report.summary("en") + "\n")


CASES = """\
base:
  business: {name: Test, size: tpe, audience: b2c}
  resources: {weekly_hours: 4, monthly_budget: 100}
  objectives: [sales]
cases:
  - name: it-fires
    expect: {fires: [shows-hours, also-says-it]}
  - name: it-fails
    expect: {fires: [uncovered]}
"""


def test_what_the_cases_show_is_added_to_the_other_findings(rulebase: RuleBase) -> None:
    text = {"en": "Open only Instagram, and post there twice a week.",
            "fr": "N'ouvrez qu'Instagram, et publiez-y deux fois par semaine."}
    rulebase.rules("10-x.yaml",
                   rule("shows-hours", when=[{H: {"gt": 1}}], then={"recommend": "start_with_one"}, because=text),
                   rule("also-says-it", when=[{"business.audience": "b2c"}], then={"recommend": "free_tools"},
                        because=text, title={"en": "The same long title in both", "fr": "The same long title in both"}),
                   rule("uncovered", when=[{H: {"gt": 100}}], then={"warn": "time_shortfall"}))
    rulebase.write("10-x.cases.yaml", CASES)
    report = check_rules(rulebase.root, invariants=False)
    assert report.cases_run == 2
    assert sorted(f.code for f in report.findings if f.code in ("A206", "A501", "A502", "A602")) == [
        "A206", "A501", "A502", "A602"]
    assert listed(report, rulebase, "A501") == [(
        "A501", "10-x.yaml", 28, "uncovered", None, "no case fires this rule (2 cases run)",
        "aucun cas ne déclenche cette règle (2 cas exécutés)")]
    # the defaults of check_rulebook: the cases are run, the invariants searched
    assert check_rulebook(load_rulebook(rulebase.root)).cases_run == 2
    rulebase.write("invariants.yaml", INVARIANT % "flagg")
    assert listed(check_rulebook(load_rulebook(rulebase.root)), rulebase, "A702")
    assert check_rules(rulebase.root, cases=False, invariants=False).cases_run is None


def test_an_invalid_case_file_is_added_to_the_other_findings(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("same", when=[{"business.local": True}],
                                     title={"en": "The same long title in both", "fr": "The same long title in both"}))
    rulebase.write("10-x.cases.yaml", "cases:\n  - name: x\n    expect: {fires: [nope]}\n")
    report = check_rules(rulebase.root, invariants=False)
    assert {"A002", "A602"} <= {f.code for f in report.findings} and report.exit_code == 2


def test_the_report_names_its_folder_and_counts_its_rules(rulebase: RuleBase) -> None:
    rulebase.rules("10-x.yaml", rule("one", when=[{"business.local": True}]))
    data = check(rulebase).as_dict("en")
    assert (data["rules_dir"], data["rules"]) == (str(rulebase.root), 1)
    rulebase.write("10-x.yaml", "theme: time\nrules: [{id: x}]\n")
    data = check(rulebase).as_dict("en")
    assert (data["rules_dir"], data["rules"], data["errors"]) == (str(rulebase.root), None, len(data["findings"]))


# ---------------------------------------------------------------- what each test expects, word for word


EXPECTED_NEVER = [('A103',
  '10-x.yaml',
  9,
  'reads-score-twice',
  None,
  "the rule needs 'score', which no rule concludes and which has no default: the rule can never fire",
  "la règle a besoin de « score », qu'aucune règle ne conclut et qui n'a pas de valeur par défaut : la règle ne "
  "peut jamais s'appliquer"),
 ('A102',
  '10-x.yaml',
  13,
  'reads-score-twice',
  None,
  "'resources.weekly_hours' is more than 168\xa0h/week, but it can only be 0..168: the rule can never fire",
  '« resources.weekly_hours » est supérieur à 168\xa0h/semaine, mais il ne peut valoir que 0..168 : la règle ne '
  "peut jamais s'appliquer"),
 ('A102',
  '10-x.yaml',
  29,
  'fine-then-impossible',
  None,
  "'resources.monthly_budget' is less than 0\xa0EUR/month, but it can only be >= 0: the rule can never fire",
  '« resources.monthly_budget » est inférieur à 0\xa0€/mois, mais il ne peut valoir que >= 0 : la règle ne peut '
  "jamais s'appliquer"),
 ('A102',
  '10-x.yaml',
  43,
  'dead-a',
  None,
  "'resources.weekly_hours' is more than 200\xa0h/week, but it can only be 0..168: the rule can never fire",
  '« resources.weekly_hours » est supérieur à 200\xa0h/semaine, mais il ne peut valoir que 0..168 : la règle ne '
  "peut jamais s'appliquer"),
 ('A102',
  '10-x.yaml',
  57,
  'dead-b',
  None,
  "'resources.monthly_budget' is less than -1\xa0EUR/month, but it can only be >= 0: the rule can never fire",
  '« resources.monthly_budget » est inférieur à -1\xa0€/mois, mais il ne peut valoir que >= 0 : la règle ne peut '
  "jamais s'appliquer"),
 ('A103',
  '10-x.yaml',
  71,
  'needs-points',
  None,
  "the rule needs 'total_points', which only rules that can never fire conclude (dead-a, dead-b) and which has no "
  'default: the rule can never fire',
  "la règle a besoin de « total_points », que seules concluent des règles qui ne peuvent jamais s'appliquer "
  "(dead-a, dead-b) et qui n'a pas de valeur par défaut : la règle ne peut jamais s'appliquer"),
 ('A101',
  '10-x.yaml',
  86,
  'local-then-contradict',
  None,
  "the conditions on 'resources.weekly_hours' cannot all hold: it is more than 5\xa0h/week and is less than 3\xa0"
  'h/week',
  'les conditions sur « resources.weekly_hours » ne peuvent pas toutes être remplies : il est supérieur à 5\xa0'
  'h/semaine et est inférieur à 3\xa0h/semaine'),
 ('A101',
  '10-x.yaml',
  96,
  'any-dead',
  None,
  "none of the alternatives of 'any' can hold together with the rule's other conditions",
  'aucune des possibilités de « any » ne peut être remplie en même temps que les autres conditions'),
 ('A102',
  '10-x.yaml',
  122,
  'size-none',
  None,
  "'business.size' is none of tpe, pme, large, but it can only be tpe, pme, large: the rule can never fire",
  "« business.size » n'est aucun de tpe, pme, large, mais il ne peut valoir que tpe, pme, large : la règle ne peut "
  "jamais s'appliquer"),
 ('A104',
  '10-x.yaml',
  152,
  'wants-medium',
  None,
  "'level' is medium, but the rules only ever conclude low: the rule can never fire",
  "« level » vaut medium, mais les règles ne concluent jamais que low : la règle ne peut jamais s'appliquer"),
 ('A105',
  '10-x.yaml',
  171,
  'always',
  None,
  "'resources.weekly_hours' is at least 0\xa0h/week whatever the sheet: every possible value (0..168) meets this "
  'condition',
  "« resources.weekly_hours » est d'au moins 0\xa0h/semaine quelle que soit la fiche : toute valeur possible "
  '(0..168) remplit cette condition')]

EXPECTED_REDUNDANT = [('A202',
  '10-x.yaml',
  3,
  'narrow-first',
  None,
  'whenever this rule fires, broad ({root}/10-x.yaml:44) fires too and concludes the same: this rule adds nothing',
  "chaque fois que cette règle s'applique, broad ({root}/10-x.yaml:44) s'applique aussi et conclut la même chose : "
  "cette règle n'apporte rien"),
 ('A201',
  '10-x.yaml',
  17,
  'narrow-twin',
  None,
  'this rule fires exactly when narrow-first ({root}/10-x.yaml:3) fires, and concludes the same',
  "cette règle s'applique exactement quand narrow-first ({root}/10-x.yaml:3) s'applique, et conclut la même chose"),
 ('A201',
  '10-x.yaml',
  58,
  'broad-again',
  None,
  'this rule fires exactly when broad ({root}/10-x.yaml:44) fires, and concludes the same',
  "cette règle s'applique exactement quand broad ({root}/10-x.yaml:44) s'applique, et conclut la même chose"),
 ('A201',
  '10-x.yaml',
  74,
  'broad-third',
  None,
  'this rule fires exactly when broad ({root}/10-x.yaml:44) fires, and concludes the same',
  "cette règle s'applique exactement quand broad ({root}/10-x.yaml:44) s'applique, et conclut la même chose"),
 ('A201',
  '10-x.yaml',
  167,
  'any-c',
  None,
  'this rule fires exactly when any-a ({root}/10-x.yaml:131) fires, and concludes the same',
  "cette règle s'applique exactement quand any-a ({root}/10-x.yaml:131) s'applique, et conclut la même chose")]

EXPECTED_FEWER = [('A202',
  '10-x.yaml',
  3,
  'same-fewer',
  None,
  'whenever this rule fires, broader ({root}/10-x.yaml:32) fires too and concludes the same: this rule adds '
  'nothing',
  "chaque fois que cette règle s'applique, broader ({root}/10-x.yaml:32) s'applique aussi et conclut la même chose "
  ": cette règle n'apporte rien")]

EXPECTED_LOOPS = [('A204',
  '10-x.yaml',
  62,
  'b-high',
  None,
  'this rule and a-low ({root}/10-x.yaml:3) both fired on a sample sheet and concluded different values for '
  '\'level\' (high / low), with the same priority 0; the sheet: business.name: "My business", business.size: tpe, '
  'business.audience: b2b, business.local: true, business.ecommerce: false, business.visual_products: false, '
  'business.sector: retail, resources.weekly_hours: 35, resources.monthly_budget: 50, resources.graphic_skills: '
  'false, resources.paid_staff: false, objectives: [recruitment], content.editorial_ideas: true, '
  'content.can_reply_within_a_day: true, content.contests_planned: false, content.audience_participation: false, '
  'profiles.planned: [facebook], profiles.existing: []',
  "cette règle et a-low ({root}/10-x.yaml:3) se sont appliquées toutes deux à une fiche d'exemple et ont conclu "
  'des valeurs différentes pour « level » (high / low), avec la même priorité 0 ; la fiche : business.name: "My '
  'business", business.size: tpe, business.audience: b2b, business.local: true, business.ecommerce: false, '
  'business.visual_products: false, business.sector: retail, resources.weekly_hours: 35, resources.monthly_budget: '
  '50, resources.graphic_skills: false, resources.paid_staff: false, objectives: [recruitment], '
  'content.editorial_ideas: true, content.can_reply_within_a_day: true, content.contests_planned: false, '
  'content.audience_participation: false, profiles.planned: [facebook], profiles.existing: []'),
 ('A204',
  '10-x.yaml',
  62,
  'b-high',
  None,
  'this rule and s-low ({root}/10-x.yaml:34) both fired on a sample sheet and concluded different values for '
  '\'level\' (high / low), with the same priority 0; the sheet: business.name: "My business", business.size: tpe, '
  'business.audience: b2c, business.local: true, business.ecommerce: false, business.visual_products: false, '
  'business.sector: retail, resources.weekly_hours: 35, resources.monthly_budget: 50, resources.graphic_skills: '
  'false, resources.paid_staff: false, objectives: [community, sales], content.editorial_ideas: true, '
  'content.can_reply_within_a_day: true, content.contests_planned: false, content.audience_participation: false, '
  'profiles.planned: [facebook], profiles.existing: []',
  "cette règle et s-low ({root}/10-x.yaml:34) se sont appliquées toutes deux à une fiche d'exemple et ont conclu "
  'des valeurs différentes pour « level » (high / low), avec la même priorité 0 ; la fiche : business.name: "My '
  'business", business.size: tpe, business.audience: b2c, business.local: true, business.ecommerce: false, '
  'business.visual_products: false, business.sector: retail, resources.weekly_hours: 35, resources.monthly_budget: '
  '50, resources.graphic_skills: false, resources.paid_staff: false, objectives: [community, sales], '
  'content.editorial_ideas: true, content.can_reply_within_a_day: true, content.contests_planned: false, '
  'content.audience_participation: false, profiles.planned: [facebook], profiles.existing: []'),
 ('A204',
  '10-x.yaml',
  90,
  'score-3',
  None,
  'this rule and score-2 ({root}/10-x.yaml:76) both fired on a sample sheet and concluded different values for '
  "'score' (resources.weekly_hours * 3 / resources.weekly_hours * 2), with the same priority 0; the sheet: "
  'business.name: "My business", business.size: tpe, business.audience: b2c, business.local: true, '
  'business.ecommerce: false, business.visual_products: false, business.sector: retail, resources.weekly_hours: '
  '119, resources.monthly_budget: 50, resources.graphic_skills: false, resources.paid_staff: false, objectives: '
  '[community, sales], content.editorial_ideas: true, content.can_reply_within_a_day: true, '
  'content.contests_planned: false, content.audience_participation: false, profiles.planned: [facebook], '
  'profiles.existing: []',
  "cette règle et score-2 ({root}/10-x.yaml:76) se sont appliquées toutes deux à une fiche d'exemple et ont conclu "
  'des valeurs différentes pour « score » (resources.weekly_hours * 3 / resources.weekly_hours * 2), avec la même '
  'priorité 0 ; la fiche : business.name: "My business", business.size: tpe, business.audience: b2c, '
  'business.local: true, business.ecommerce: false, business.visual_products: false, business.sector: retail, '
  'resources.weekly_hours: 119, resources.monthly_budget: 50, resources.graphic_skills: false, '
  'resources.paid_staff: false, objectives: [community, sales], content.editorial_ideas: true, '
  'content.can_reply_within_a_day: true, content.contests_planned: false, content.audience_participation: false, '
  'profiles.planned: [facebook], profiles.existing: []')]

EXPECTED_BOOM = [('A203',
  '10-x.yaml',
  58,
  'b-high',
  None,
  'this rule and a-low ({root}/10-x.yaml:44) can both fire on one sheet, with the same priority 0, and conclude '
  "different values for 'level' (high / low); for example when business.local = true, resources.weekly_hours = 0",
  "cette règle et a-low ({root}/10-x.yaml:44) peuvent s'appliquer à la même fiche, avec la même priorité 0, et "
  'concluent des valeurs différentes pour « level » (high / low) ; par exemple quand business.local = true, '
  'resources.weekly_hours = 0'),
 ('A204',
  '10-x.yaml',
  85,
  'd-high',
  None,
  'this rule and c-low ({root}/10-x.yaml:71) both fired on a sample sheet and concluded different values for '
  '\'final_level\' (high / low), with the same priority 0; the sheet: business.name: "My business", business.size: '
  'tpe, business.audience: b2c, business.local: true, business.ecommerce: false, business.visual_products: false, '
  'business.sector: retail, resources.weekly_hours: 89, resources.monthly_budget: 11, resources.graphic_skills: '
  'false, resources.paid_staff: false, objectives: [community, sales], content.editorial_ideas: true, '
  'content.can_reply_within_a_day: true, content.contests_planned: false, content.audience_participation: false, '
  'profiles.planned: [facebook], profiles.existing: []',
  "cette règle et c-low ({root}/10-x.yaml:71) se sont appliquées toutes deux à une fiche d'exemple et ont conclu "
  'des valeurs différentes pour « final_level » (high / low), avec la même priorité 0 ; la fiche : business.name: '
  '"My business", business.size: tpe, business.audience: b2c, business.local: true, business.ecommerce: false, '
  'business.visual_products: false, business.sector: retail, resources.weekly_hours: 89, resources.monthly_budget: '
  '11, resources.graphic_skills: false, resources.paid_staff: false, objectives: [community, sales], '
  'content.editorial_ideas: true, content.can_reply_within_a_day: true, content.contests_planned: false, '
  'content.audience_participation: false, profiles.planned: [facebook], profiles.existing: []')]

EXPECTED_ANY_SHEET = [('A203',
  '10-x.yaml',
  14,
  'n-high',
  None,
  'this rule and n-low ({root}/10-x.yaml:3) can both fire on one sheet, with the same priority 0, and conclude '
  "different values for 'level' (high / low); for example when business.name = …, bonus = 0, score is absent",
  "cette règle et n-low ({root}/10-x.yaml:3) peuvent s'appliquer à la même fiche, avec la même priorité 0, et "
  'concluent des valeurs différentes pour « level » (high / low) ; par exemple quand business.name = …, bonus = 0, '
  'score est absent'),
 ('A203',
  '10-x.yaml',
  33,
  'n-medium',
  None,
  'this rule and n-high ({root}/10-x.yaml:14) can both fire on one sheet, with the same priority 0, and conclude '
  "different values for 'level' (medium / high); for example when business.name = …, bonus = 0, score is absent",
  "cette règle et n-high ({root}/10-x.yaml:14) peuvent s'appliquer à la même fiche, avec la même priorité 0, et "
  'concluent des valeurs différentes pour « level » (medium / high) ; par exemple quand business.name = …, bonus = '
  '0, score est absent'),
 ('A203',
  '10-x.yaml',
  33,
  'n-medium',
  None,
  'this rule and n-low ({root}/10-x.yaml:3) can both fire on one sheet, with the same priority 0, and conclude '
  "different values for 'level' (medium / low); for example when any sheet",
  "cette règle et n-low ({root}/10-x.yaml:3) peuvent s'appliquer à la même fiche, avec la même priorité 0, et "
  "concluent des valeurs différentes pour « level » (medium / low) ; par exemple quand n'importe quelle fiche"),
 ('A204',
  '10-x.yaml',
  55,
  'm-high',
  None,
  'this rule and m-low ({root}/10-x.yaml:44) both fired on a sample sheet and concluded different values for '
  '\'final_level\' (high / low), with the same priority 0; the sheet: business.name: "My business", business.size: '
  'tpe, business.audience: b2c, business.local: true, business.ecommerce: false, business.visual_products: false, '
  'business.sector: retail, resources.weekly_hours: 3, resources.monthly_budget: 50, resources.graphic_skills: '
  'false, resources.paid_staff: false, objectives: [community, sales], content.editorial_ideas: true, '
  'content.can_reply_within_a_day: true, content.contests_planned: false, content.audience_participation: false, '
  'profiles.planned: [facebook], profiles.existing: []',
  "cette règle et m-low ({root}/10-x.yaml:44) se sont appliquées toutes deux à une fiche d'exemple et ont conclu "
  'des valeurs différentes pour « final_level » (high / low), avec la même priorité 0 ; la fiche : business.name: '
  '"My business", business.size: tpe, business.audience: b2c, business.local: true, business.ecommerce: false, '
  'business.visual_products: false, business.sector: retail, resources.weekly_hours: 3, resources.monthly_budget: '
  '50, resources.graphic_skills: false, resources.paid_staff: false, objectives: [community, sales], '
  'content.editorial_ideas: true, content.can_reply_within_a_day: true, content.contests_planned: false, '
  'content.audience_participation: false, profiles.planned: [facebook], profiles.existing: []')]

EXPECTED_CYCLE = [('A301',
  '10-x.yaml',
  3,
  'c1',
  None,
  'these rules depend on each other in a circle, so none can be decided first: c1 ({root}/10-x.yaml:3), c2 '
  '({root}/10-x.yaml:16) (c1 reads flag, concluded by c2; c2 reads score, concluded by c1)',
  'ces règles dépendent les unes des autres en cercle, aucune ne peut être décidée la première : c1 '
  '({root}/10-x.yaml:3), c2 ({root}/10-x.yaml:16) (c1 lit flag, conclu par c2 ; c2 lit score, conclu par c1)'),
 ('A203',
  '10-x.yaml',
  44,
  'b-high',
  None,
  'this rule and a-low ({root}/10-x.yaml:30) can both fire on one sheet, with the same priority 0, and conclude '
  "different values for 'level' (high / low); for example when business.local = true, resources.weekly_hours = 0",
  "cette règle et a-low ({root}/10-x.yaml:30) peuvent s'appliquer à la même fiche, avec la même priorité 0, et "
  'concluent des valeurs différentes pour « level » (high / low) ; par exemple quand business.local = true, '
  'resources.weekly_hours = 0'),
 ('A203',
  '10-x.yaml',
  71,
  'd-high',
  None,
  'this rule and c-low ({root}/10-x.yaml:57) can both fire on one sheet, with the same priority 0, and conclude '
  "different values for 'final_level' (high / low); for example when resources.monthly_budget = 11, "
  'resources.weekly_hours = 89',
  "cette règle et c-low ({root}/10-x.yaml:57) peuvent s'appliquer à la même fiche, avec la même priorité 0, et "
  'concluent des valeurs différentes pour « final_level » (high / low) ; par exemple quand '
  'resources.monthly_budget = 11, resources.weekly_hours = 89')]

EXPECTED_TEXTS = [('A601',
  '10-x.yaml',
  3,
  'todo-everywhere',
  None,
  'still a placeholder (TODO) in: title.en, title.fr, because.en, because.fr, source, notes',
  'encore un texte provisoire (TODO) dans : title.en, title.fr, because.en, because.fr, source, notes'),
 ('A601',
  '10-x.yaml',
  17,
  'second-source-todo',
  None,
  'still a placeholder (TODO) in: source',
  'encore un texte provisoire (TODO) dans : source'),
 ('A602',
  '10-x.yaml',
  46,
  'same-21',
  None,
  "the French and English versions of 'title' are the same text",
  'les versions française et anglaise de « title » sont le même texte'),
 ('A602',
  '10-x.yaml',
  74,
  'long-translated',
  None,
  "the French and English versions of 'because' are the same text",
  'les versions française et anglaise de « because » sont le même texte')]
