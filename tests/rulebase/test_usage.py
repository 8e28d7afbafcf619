"""Who reads, mentions and concludes what: the cross-references the checks, the rule docs,
the graph and the interview are built on."""

from __future__ import annotations

from advise.rulebase.loading import load_rulebook
from advise.rulebase.usage import COMPUTATION, CONDITION, NEGATED, TEXT, resolve, rule_reads, template_names, usage

from conftest import RULES, RuleBase, rule


def small_base(rulebase: RuleBase):
    rulebase.rules(
        "10-x.yaml",
        rule("budget-score",
             when=[{"resources.weekly_hours": {"gt": 3}}, {"not": {"business.local": True}}],
             then={"set": {"score": "resources.monthly_budget / 10"}},
             because={"en": "You have {{ objectives | objectives }}.", "fr": "Vous avez {{ objectives | objectives }}."}),
        rule("high", when=[{"score": {"ge": 5}}], then={"set": {"level": "high"}}),
        rule("flagged", then={"set": {"flag": True}},
             because={"en": "Level {{ level }}.", "fr": "Niveau {{ level }}."}),
    )
    return rulebase.load()


def test_each_way_a_rule_uses_a_fact_is_told_apart(rulebase: RuleBase) -> None:
    rulebook = small_base(rulebase)
    reads = rule_reads(rulebook, rulebook.rule("budget-score"))
    assert reads["resources.weekly_hours"] == {CONDITION}
    assert reads["business.local"] == {NEGATED}
    assert reads["resources.monthly_budget"] == {COMPUTATION}
    assert reads["objectives"] == {TEXT}
    assert "score" not in reads  # concluded, not read


def test_usage_separates_readers_mentioners_and_concluders(rulebase: RuleBase) -> None:
    uses = usage(small_base(rulebase))
    assert uses.readers["score"] == ("high",)
    assert uses.concluders["score"] == ("budget-score",)
    assert uses.concluders["level"] == ("high",)
    # A `because` text mentions `level`: that is a use, but it changes no advice.
    assert uses.mentioners["level"] == ("flagged",)
    assert uses.used("level") and not uses.read("level")
    assert uses.read("resources.monthly_budget")
    assert uses.used("resources.monthly_budget")
    assert not uses.used("profiles.planned")


def test_template_names_are_the_dotted_names_a_text_shows() -> None:
    assert template_names("{{ resources.weekly_hours | hours }} for {{ platforms | platforms }}, "
                          "{{ resources.weekly_hours }} again") == ("resources.weekly_hours", "platforms")
    assert template_names("{% if flag %}yes{% endif %}") == ("flag",)
    assert template_names("{{ unclosed") == ()


def test_a_family_or_a_table_stands_for_its_members() -> None:
    rulebook = load_rulebook(RULES)
    members = resolve(rulebook, "fit")
    assert members and all(name.startswith("fit.") for name in members)
    assert members == rulebook.vocabulary.families["fit"]
    hours = resolve(rulebook, "platform_hours")
    assert "platform_hours.facebook" in hours and len(hours) == len(rulebook.tables["platform_hours"].entries)
    assert resolve(rulebook, "platform_hours.facebook") == ("platform_hours.facebook",)
    assert resolve(rulebook, "resources.weekly_hours") == ("resources.weekly_hours",)
    assert set(resolve(rulebook, "resources")) >= {"resources.weekly_hours", "resources.monthly_budget"}
